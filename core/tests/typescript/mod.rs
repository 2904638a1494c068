//! TypeScript declarations rendered from the core's JSON Schemas (the subset schemars writes:
//! objects, `$ref`, `oneOf` / `anyOf`, `const`, arrays, maps, nullable types), so the JavaScript
//! packages' types for plan files and period results come from the same Rust types that read
//! them, where they were copied by hand and drifted.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One schema to render: its document, and the prefix its definitions get when a definition of
/// the same name but a different shape came from an earlier schema (or always, see `prefix_all`).
pub struct Source<'a> {
    pub schema: &'a Value,
    pub prefix: &'a str,
    /// Prefix every definition (not the root), for a schema whose short names (`GroupSpec`,
    /// `Relationship`) mean something only inside it.
    pub prefix_all: bool,
}

/// Names the generated file uses instead of the Rust type's name: `Number` would shadow the
/// global `Number` in a module that also uses it.
const RENAMES: &[(&str, &str)] = &[("Number", "Num")];

/// The declarations of every source, in order: each root type, then its definitions by name.
/// A definition identical to one already written is written once.
pub fn render(header: &str, sources: &[Source]) -> String {
    let mut out = String::from(header);
    let mut written: BTreeMap<String, Value> = BTreeMap::new();
    for source in sources {
        let defs = source.schema.get("$defs").and_then(Value::as_object);
        let names = names_of(source, defs, &written);
        let root_name = source.schema["title"]
            .as_str()
            .unwrap_or("Root")
            .to_string();
        let mut root = source.schema.clone();
        if let Some(obj) = root.as_object_mut() {
            for key in ["$schema", "$defs", "title"] {
                obj.remove(key);
            }
        }
        declare(&mut out, &root_name, &root, &names);
        for (name, def) in defs.into_iter().flatten() {
            let ts_name = &names[name.as_str()];
            if written.contains_key(ts_name) {
                continue;
            }
            declare(&mut out, ts_name, def, &names);
            written.insert(ts_name.clone(), def.clone());
        }
    }
    out
}

/// The TypeScript name of each definition of one source.
fn names_of(
    source: &Source,
    defs: Option<&Map<String, Value>>,
    written: &BTreeMap<String, Value>,
) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for (name, def) in defs.into_iter().flatten() {
        let plain = RENAMES
            .iter()
            .find(|(from, _)| *from == name)
            .map_or(name.as_str(), |(_, to)| to);
        let shared = written.get(plain).is_some_and(|earlier| earlier == def);
        let ts = if shared || (!source.prefix_all && !written.contains_key(plain)) {
            plain.to_string()
        } else if name.starts_with(source.prefix) {
            name.clone()
        } else {
            format!("{}{name}", source.prefix)
        };
        names.insert(name.clone(), ts);
    }
    names
}

fn declare(out: &mut String, name: &str, schema: &Value, names: &BTreeMap<String, String>) {
    out.push('\n');
    doc(out, schema, "");
    let is_interface = schema.get("properties").is_some()
        && schema.get("oneOf").is_none()
        && schema.get("anyOf").is_none();
    if is_interface {
        let _ = write!(out, "export interface {name} ");
        object(out, schema, names, "");
        out.push('\n');
    } else {
        let _ = write!(out, "export type {name} =");
        match schema.get("oneOf").or_else(|| schema.get("anyOf")) {
            Some(Value::Array(members)) if members.len() > 1 => {
                for member in members {
                    out.push('\n');
                    doc(out, member, "  ");
                    out.push_str("  | ");
                    let _ = write!(out, "{}", expr(member, names, "  "));
                }
                out.push_str(";\n");
            }
            _ => {
                let _ = writeln!(out, " {};", expr(schema, names, ""));
            }
        }
    }
}

/// A schema as a type expression.
fn expr(schema: &Value, names: &BTreeMap<String, String>, indent: &str) -> String {
    let Some(obj) = schema.as_object() else {
        return "unknown".into();
    };
    if let Some(Value::String(target)) = obj.get("$ref") {
        let def = target.rsplit('/').next().unwrap_or(target);
        return names.get(def).cloned().unwrap_or_else(|| def.to_string());
    }
    if let Some(value) = obj.get("const") {
        return literal(value);
    }
    if let Some(Value::Array(values)) = obj.get("enum") {
        return values.iter().map(literal).collect::<Vec<_>>().join(" | ");
    }
    let members = obj.get("oneOf").or_else(|| obj.get("anyOf"));
    if let (Some(Value::Array(members)), Some(_)) = (members, obj.get("properties")) {
        // Properties beside a union (a flattened enum): both hold.
        let mut common = String::new();
        object(&mut common, schema, names, indent);
        let union: Vec<String> = members.iter().map(|m| expr(m, names, indent)).collect();
        return format!("{common} & ({})", union.join(" | "));
    }
    if let Some(Value::Array(members)) = members {
        return members
            .iter()
            .map(|m| expr(m, names, indent))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    match obj.get("type") {
        Some(Value::String(t)) => typed(t, schema, names, indent),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .map(|t| typed(t, schema, names, indent))
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "unknown".into(),
    }
}

fn typed(t: &str, schema: &Value, names: &BTreeMap<String, String>, indent: &str) -> String {
    match t {
        "string" => "string".into(),
        "number" | "integer" => "number".into(),
        "boolean" => "boolean".into(),
        "null" => "null".into(),
        "array" => {
            let item = schema
                .get("items")
                .map_or_else(|| "unknown".into(), |i| expr(i, names, indent));
            if item.contains(' ') {
                format!("({item})[]")
            } else {
                format!("{item}[]")
            }
        }
        "object" => {
            let mut out = String::new();
            object(&mut out, schema, names, indent);
            out
        }
        _ => "unknown".into(),
    }
}

/// An object type's body: its properties (optional unless required), or an index signature for a
/// map.
fn object(out: &mut String, schema: &Value, names: &BTreeMap<String, String>, indent: &str) {
    let props = schema.get("properties").and_then(Value::as_object);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let map_of = match schema.get("additionalProperties") {
        Some(Value::Bool(false)) => None,
        Some(Value::Object(item)) if !item.is_empty() => {
            Some(expr(&Value::Object(item.clone()), names, indent))
        }
        _ if props.is_none() => Some("unknown".into()),
        _ => None,
    };
    if props.is_none() {
        let _ = write!(out, "{{ [key: string]: {} }}", map_of.unwrap_or_default());
        return;
    }
    let inner = format!("{indent}  ");
    out.push_str("{\n");
    for (key, prop) in props.into_iter().flatten() {
        doc(out, prop, &inner);
        let optional = if required.contains(&key.as_str()) {
            ""
        } else {
            "?"
        };
        let _ = writeln!(
            out,
            "{inner}{}{optional}: {};",
            key_name(key),
            expr(prop, names, &inner)
        );
    }
    if let Some(item) = map_of {
        let _ = writeln!(out, "{inner}[key: string]: {item};");
    }
    let _ = write!(out, "{indent}}}");
}

fn key_name(key: &str) -> String {
    let ident = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        key.to_string()
    } else {
        literal(&Value::String(key.to_string()))
    }
}

fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        other => other.to_string(),
    }
}

/// The schema's description as a doc comment (with its default when it has one).
fn doc(out: &mut String, schema: &Value, indent: &str) {
    let mut text = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .replace("*/", "*\\/");
    if let Some(default) = schema.get("default") {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let _ = write!(text, "Default: `{default}`.");
    }
    if text.is_empty() {
        return;
    }
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() == 1 {
        let _ = writeln!(out, "{indent}/** {} */", lines[0]);
        return;
    }
    let _ = writeln!(out, "{indent}/**");
    for line in lines {
        let _ = writeln!(
            out,
            "{indent} *{}{line}",
            if line.is_empty() { "" } else { " " }
        );
    }
    let _ = writeln!(out, "{indent} */");
}
