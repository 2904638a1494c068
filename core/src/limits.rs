//! Limits on what one call accepts, so that the work and memory of any call are bounded
//! whatever its input. Every limit has a documented default; a host that takes input from
//! untrusted users may lower them (never raise them past the defaults, which are what the
//! library is tested at).

use crate::error::{kinds, Error, Loc, Problem, Problems, MAX_PROBLEMS};

/// The limits one call works within. `Limits::default()` is what every entry point without a
/// `limits` argument uses.
///
/// | limit | default | applies to |
/// | --- | --- | --- |
/// | `max_problems` | 1,000 | problems listed in one error (the rest are counted in a last `…` entry) |
/// | `max_document_bytes` | 4 MiB | the JSON text of a plan |
/// | `max_list_items` | 2,000 | each list in a plan: measures, aliases, sections, indicators, bands, rating points, adjustments, vetoes, grades, development rules |
///
/// Formulas have their own fixed limits (1,000 characters, 256 parts, 32 levels of nesting);
/// JSON nesting is limited to 128 levels by the JSON reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Problems listed in one error.
    pub max_problems: usize,
    /// Bytes of JSON text in one plan document.
    pub max_document_bytes: usize,
    /// Entries in any one list of a plan.
    pub max_list_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_problems: MAX_PROBLEMS,
            max_document_bytes: 4 * 1024 * 1024,
            max_list_items: 2000,
        }
    }
}

impl Limits {
    /// These limits, each lowered to `other`'s where `other`'s is lower: a host can tighten the
    /// defaults, never loosen them.
    pub fn lowered_to(self, other: Limits) -> Limits {
        Limits {
            max_problems: self.max_problems.min(other.max_problems).max(1),
            max_document_bytes: self.max_document_bytes.min(other.max_document_bytes),
            max_list_items: self.max_list_items.min(other.max_list_items),
        }
    }

    /// Builder: at most `n` problems listed per error (at least 1; never above the default).
    pub fn with_max_problems(self, n: usize) -> Limits {
        self.lowered_to(Limits {
            max_problems: n,
            ..Limits::default()
        })
    }

    /// Builder: plan documents of at most `n` bytes (never above the default).
    pub fn with_max_document_bytes(self, n: usize) -> Limits {
        self.lowered_to(Limits {
            max_document_bytes: n,
            ..Limits::default()
        })
    }

    /// Builder: at most `n` entries in any one list of a plan (never above the default).
    pub fn with_max_list_items(self, n: usize) -> Limits {
        self.lowered_to(Limits {
            max_list_items: n,
            ..Limits::default()
        })
    }

    /// Limits from JSON, as hosts pass them: `{"max_list_items": 200, "max_problems": 50}`.
    /// Absent fields keep their defaults; a value above its default is an error at
    /// `limits.<field>` (limits can only be lowered), as is an unknown field.
    pub fn from_json(text: &str) -> crate::Result<Limits> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Lowered {
            max_problems: Option<usize>,
            max_document_bytes: Option<usize>,
            max_list_items: Option<usize>,
        }
        // Problems of the text itself keep their kind, placed under `limits`.
        let given: Lowered = crate::json::parse_json(text, Error::Input).map_err(|e| {
            let under = Loc::root().key("limits");
            Error::Input(
                e.problems()
                    .iter()
                    .map(|p| p.clone().under(&under))
                    .collect(),
            )
        })?;
        let defaults = Limits::default();
        let mut problems = Problems::new();
        let mut pick = |name: &str, value: Option<usize>, default: usize, least: usize| match value
        {
            Some(v) if v > default => {
                problems.push(
                    Problem::new(
                        Loc::root().key("limits").key(name),
                        kinds::LIMIT_RAISED,
                        format!("{v} is above the default {default}; limits can only be lowered"),
                    )
                    .zh(format!("{v} 高于默认值 {default}；限额只能调低，不能调高")),
                );
                default
            }
            Some(v) if v < least => {
                problems.push(
                    Problem::new(
                        Loc::root().key("limits").key(name),
                        kinds::OUT_OF_RANGE,
                        format!("must be at least {least}"),
                    )
                    .zh(format!("不能小于 {least}")),
                );
                default
            }
            Some(v) => v,
            None => default,
        };
        let limits = Limits {
            max_problems: pick("max_problems", given.max_problems, defaults.max_problems, 1),
            max_document_bytes: pick(
                "max_document_bytes",
                given.max_document_bytes,
                defaults.max_document_bytes,
                0,
            ),
            max_list_items: pick(
                "max_list_items",
                given.max_list_items,
                defaults.max_list_items,
                0,
            ),
        };
        problems.finish(Error::Input, limits)
    }

    /// Refuses a document longer than `max_document_bytes`, before any of it is read.
    pub(crate) fn check_document(
        &self,
        text: &str,
        kind: fn(Vec<Problem>) -> Error,
    ) -> crate::Result<()> {
        if text.len() > self.max_document_bytes {
            let (len, max) = (text.len(), self.max_document_bytes);
            return Err(kind(vec![Problem::new(
                Loc::root(),
                kinds::TOO_LARGE,
                format!("the document is {len} bytes; at most {max} are accepted"),
            )
            .zh(format!("文档大小为 {len} 字节，最多接受 {max} 字节"))]));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_from_json_can_only_lower_the_defaults() {
        let l = Limits::from_json(r#"{"max_list_items": 200, "max_problems": 50}"#).unwrap();
        assert_eq!((l.max_list_items, l.max_problems), (200, 50));
        assert_eq!(l.max_document_bytes, Limits::default().max_document_bytes);
        let e = Limits::from_json(r#"{"max_list_items": 5000, "max_problems": 0}"#).unwrap_err();
        let paths: Vec<String> = e.problems().iter().map(|p| p.path()).collect();
        assert_eq!(paths, ["limits.max_problems", "limits.max_list_items"]);
        let e = Limits::from_json(r#"{"max_items": 5}"#).unwrap_err();
        assert_eq!(e.problems()[0].path(), "limits.max_items");
    }

    #[test]
    fn a_host_can_lower_limits_but_not_raise_them() {
        let l = Limits::default()
            .with_max_problems(10)
            .with_max_list_items(1_000_000);
        assert_eq!(l.max_problems, 10);
        assert_eq!(l.max_list_items, 2000);
        assert_eq!(Limits::default().with_max_problems(0).max_problems, 1);
    }
}
