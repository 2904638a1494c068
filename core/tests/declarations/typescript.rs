//! The declarations as TypeScript (`schema/formats.d.ts`, shipped by both JavaScript packages).

use super::{declarations, description, referenced, Source};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `header`, then each type of `sources` declared.
pub fn typescript(header: &str, sources: &[Source]) -> String {
    let mut out = String::from(header);
    for d in declarations(sources) {
        declare(&mut out, &d.name, &d.schema, &d.names);
    }
    out
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
            // Properties beside the union (a flattened enum): one intersection.
            Some(_) if schema.get("properties").is_some() => {
                let _ = writeln!(out, " {};", expr(schema, names, ""));
            }
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
        return referenced(target, names);
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
    let text = description(schema).replace("*/", "*\\/");
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
