//! Declarations of the file formats in other languages, rendered from the core's JSON Schemas
//! (the subset schemars writes: objects, `$ref`, `oneOf` / `anyOf`, `const`, arrays, maps,
//! nullable types), so each host's types come from the Rust types that read and write the files,
//! where they were copied by hand and drifted.

pub mod python;
pub mod typescript;

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One schema to render: its document, and the prefix its definitions get when a definition of
/// the same name but a different shape came from an earlier schema (or always, see `prefix_all`).
pub struct Source<'a> {
    pub schema: &'a Value,
    pub prefix: &'a str,
    /// Prefix every definition (not the root), for a schema whose short names (`GroupSpec`,
    /// `Relationship`) mean something only inside it.
    pub prefix_all: bool,
}

/// One type to declare: its name, its schema and the names of its source's definitions (what a
/// `$ref` in it becomes).
pub struct Declaration {
    pub name: String,
    pub schema: Value,
    pub names: BTreeMap<String, String>,
}

/// Names the generated files use instead of the Rust type's name: `Number` would shadow the
/// global `Number` of JavaScript.
const RENAMES: &[(&str, &str)] = &[("Number", "Num")];

/// The types of every source, in order: each root type, then its definitions by name. A
/// definition identical to one already given is given once.
pub fn declarations(sources: &[Source]) -> Vec<Declaration> {
    let mut out = Vec::new();
    let mut written: BTreeMap<String, Value> = BTreeMap::new();
    for source in sources {
        let defs = source.schema.get("$defs").and_then(Value::as_object);
        let names = names_of(source, defs, &written);
        let mut root = source.schema.clone();
        if let Some(obj) = root.as_object_mut() {
            for key in ["$schema", "$defs", "title"] {
                obj.remove(key);
            }
        }
        let root_name = source.schema["title"].as_str().unwrap_or("Root");
        out.push(Declaration {
            name: root_name.to_string(),
            schema: root,
            names: names.clone(),
        });
        for (name, def) in defs.into_iter().flatten() {
            let declared = &names[name.as_str()];
            if written.contains_key(declared) {
                continue;
            }
            written.insert(declared.clone(), def.clone());
            out.push(Declaration {
                name: declared.clone(),
                schema: def.clone(),
                names: names.clone(),
            });
        }
    }
    out
}

/// The declared name of each definition of one source.
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
        let declared = if shared || (!source.prefix_all && !written.contains_key(plain)) {
            plain.to_string()
        } else if name.starts_with(source.prefix) {
            name.clone()
        } else {
            format!("{}{name}", source.prefix)
        };
        names.insert(name.clone(), declared);
    }
    names
}

/// The definition a `$ref` names, as declared.
pub fn referenced(target: &str, names: &BTreeMap<String, String>) -> String {
    let def = target.rsplit('/').next().unwrap_or(target);
    names.get(def).cloned().unwrap_or_else(|| def.to_string())
}

/// A schema's description, with its default when it has one.
pub fn description(schema: &Value) -> String {
    let mut text = schema
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    if let Some(default) = schema.get("default") {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Default: `{default}`."));
    }
    text
}
