//! The declarations as Python `TypedDict`s (`schema/formats.py`, copied into the Python package
//! as `perfscore.formats` when it is built). They run on Python 3.9: no `NotRequired` (a class of
//! the required keys, subclassed with `total=False` for the others), and every type named in a
//! string, so no declaration has to come before another.

use super::{declarations, description, referenced, Source};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// `header`, then each type of `sources` declared.
pub fn python(header: &str, sources: &[Source]) -> String {
    let mut out = String::from(header);
    out.push_str("\nfrom decimal import Decimal\n");
    out.push_str("from typing import Any, Dict, List, Literal, TypedDict, Union\n");
    for d in declarations(sources) {
        let mut w = Writer {
            out: &mut out,
            names: &d.names,
        };
        w.declare(&d.name, &d.schema);
    }
    out
}

/// Types Python gives its own way: a number going in may be a `decimal.Decimal` too.
const HOST_TYPES: &[(&str, &str)] = &[("Num", "Union[Decimal, float, str]")];

struct Writer<'a> {
    out: &'a mut String,
    names: &'a BTreeMap<String, String>,
}

impl Writer<'_> {
    /// `name` as a class (an object with properties) or an alias.
    fn declare(&mut self, name: &str, schema: &Value) {
        if let Some((_, ty)) = HOST_TYPES.iter().find(|(n, _)| *n == name) {
            self.out.push_str("\n\n");
            comment(self.out, &description(schema), "");
            let _ = writeln!(self.out, "{name} = {ty}");
            return;
        }
        let union = schema.get("oneOf").or_else(|| schema.get("anyOf"));
        if schema.get("properties").is_some() && union.is_none() {
            self.class(name, schema, &[]);
        } else {
            let ty = self.expr(schema, name);
            self.out.push_str("\n\n");
            comment(self.out, &description(schema), "");
            let _ = writeln!(self.out, "{name} = {}", alias_form(&ty));
        }
    }

    /// A schema as a type expression; an object with properties becomes a class named `context`.
    fn expr(&mut self, schema: &Value, context: &str) -> String {
        let Some(obj) = schema.as_object() else {
            return "Any".into();
        };
        if let Some(Value::String(target)) = obj.get("$ref") {
            return quoted(&referenced(target, self.names));
        }
        if let Some(value) = obj.get("const") {
            return format!("Literal[{}]", literal(value));
        }
        let members = obj.get("oneOf").or_else(|| obj.get("anyOf"));
        if let Some(Value::Array(members)) = members {
            let common = obj.get("properties").is_some().then_some(schema);
            let types: Vec<String> = members
                .iter()
                .map(|m| self.member(m, context, common))
                .collect();
            return union(types);
        }
        match obj.get("type") {
            Some(Value::String(t)) => self.typed(t, schema, context),
            Some(Value::Array(types)) => {
                let types = types
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|t| self.typed(t, schema, context))
                    .collect();
                union(types)
            }
            _ => "Any".into(),
        }
    }

    /// One member of a union: an object becomes a class named after its tag (the value of its
    /// constant property) or its first key, with `common`'s properties too (a flattened enum).
    fn member(&mut self, member: &Value, context: &str, common: Option<&Value>) -> String {
        let props = member.get("properties").and_then(Value::as_object);
        let Some(props) = props else {
            return self.expr(member, context);
        };
        let tag = props
            .values()
            .find_map(|p| p.get("const").and_then(Value::as_str))
            .or_else(|| props.keys().next().map(String::as_str))
            .unwrap_or("Member");
        let name = format!("{context}{}", pascal(tag));
        if member
            .get("oneOf")
            .or_else(|| member.get("anyOf"))
            .is_some()
        {
            // Properties beside a union of its own: one class per member of that union.
            return self.expr(member, &name);
        }
        let common: Vec<&Value> = common.into_iter().collect();
        self.class(&name, member, &common);
        quoted(&name)
    }

    fn typed(&mut self, t: &str, schema: &Value, context: &str) -> String {
        match t {
            "string" => "str".into(),
            "number" => "float".into(),
            "integer" => "int".into(),
            "boolean" => "bool".into(),
            "null" => "None".into(),
            "array" => {
                let item = match schema.get("items") {
                    Some(items) => self.expr(items, context),
                    None => "Any".into(),
                };
                format!("List[{item}]")
            }
            "object" if schema.get("properties").is_some() => {
                self.class(context, schema, &[]);
                quoted(context)
            }
            "object" => match schema.get("additionalProperties") {
                Some(item @ Value::Object(o)) if !o.is_empty() => {
                    format!("Dict[str, {}]", self.expr(item, context))
                }
                _ => "Dict[str, Any]".into(),
            },
            _ => "Any".into(),
        }
    }

    /// A `TypedDict` of `schema`'s properties and `also`'s: the required keys in a base class,
    /// the rest in the class itself (`total=False`). A key that is not a Python name (`from`)
    /// makes the class in the functional form.
    fn class(&mut self, name: &str, schema: &Value, also: &[&Value]) {
        let mut fields: Vec<(String, String, String, bool)> = Vec::new();
        for s in also.iter().copied().chain([schema]) {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for (key, prop) in s
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let ty = self.expr(prop, &format!("{name}{}", pascal(key)));
                let is_required = required.contains(&key.as_str());
                fields.push((key.clone(), ty, description(prop), is_required));
            }
        }
        let (required, optional): (Vec<_>, Vec<_>) = fields.into_iter().partition(|f| f.3);
        let doc = description(schema);
        let all_names = required.iter().chain(&optional).all(|f| is_name(&f.0));
        self.out.push_str("\n\n");
        if all_names && optional.is_empty() {
            let _ = writeln!(self.out, "class {name}(TypedDict):");
            body(self.out, &doc, &required);
        } else if all_names {
            let base = if required.is_empty() {
                "TypedDict".to_string()
            } else {
                let base = format!("_{name}Required");
                let _ = writeln!(self.out, "class {base}(TypedDict):");
                body(self.out, "", &required);
                self.out.push_str("\n\n");
                base
            };
            let total = if optional.is_empty() {
                ""
            } else {
                ", total=False"
            };
            let _ = writeln!(self.out, "class {name}({base}{total}):");
            body(self.out, &doc, &optional);
        } else {
            comment(self.out, &doc, "");
            let _ = writeln!(
                self.out,
                "_{name}Required = TypedDict(\"_{name}Required\", {{"
            );
            entries(self.out, &required);
            let _ = writeln!(
                self.out,
                "}})\n_{name}Optional = TypedDict(\"_{name}Optional\", {{"
            );
            entries(self.out, &optional);
            let _ = writeln!(self.out, "}}, total=False)\n\n");
            let _ = writeln!(self.out, "class {name}(_{name}Required, _{name}Optional):");
            body(self.out, &doc, &[]);
        }
    }
}

/// A class body: its docstring and its fields, each after its description as comments.
fn body(out: &mut String, doc: &str, fields: &[(String, String, String, bool)]) {
    if !doc.is_empty() {
        let doc = doc.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
        let _ = writeln!(
            out,
            "    \"\"\"{}\"\"\"",
            doc.replace('\n', "\n    ").trim_end()
        );
    }
    for (key, ty, doc, _) in fields {
        comment(out, doc, "    ");
        let _ = writeln!(out, "    {key}: {ty}");
    }
    if doc.is_empty() && fields.is_empty() {
        out.push_str("    pass\n");
    }
}

/// The entries of a functional `TypedDict`, each after its description as comments.
fn entries(out: &mut String, fields: &[(String, String, String, bool)]) {
    for (key, ty, doc, _) in fields {
        comment(out, doc, "    ");
        let _ = writeln!(out, "    {}: {ty},", literal(&Value::String(key.clone())));
    }
}

fn comment(out: &mut String, text: &str, indent: &str) {
    for line in text.lines() {
        let _ = writeln!(
            out,
            "{indent}#{}{line}",
            if line.is_empty() { "" } else { " " }
        );
    }
}

/// Whether `key` can be a field of a class: a Python name and not a keyword.
fn is_name(key: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !KEYWORDS.contains(&key)
}

fn union(mut types: Vec<String>) -> String {
    // A union of literals stays one (`Union[Literal["a"], Literal["b"]]`, not `Literal["a",
    // "b"]`): the same type, but stubtest reads only the first as a union.
    types.dedup();
    match types.as_slice() {
        [one] => one.clone(),
        _ => format!("Union[{}]", types.join(", ")),
    }
}

/// A named type, as a string: declarations may come in any order.
fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// A type expression as an alias's value: a lone quoted name would be a string, not a type.
fn alias_form(ty: &str) -> String {
    if ty.starts_with('"') {
        format!("Union[{ty}]")
    } else {
        ty.to_string()
    }
}

fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => "None".into(),
        other => other.to_string(),
    }
}

/// `snake_case` → `SnakeCase`.
fn pascal(text: &str) -> String {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect()
}
