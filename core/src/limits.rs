//! Limits on what one call accepts, so that the work and memory of any call are bounded
//! whatever its input. Every limit has a documented default; a host that takes input from
//! untrusted users may lower them (never raise them past the defaults, which are what the
//! library is tested at).

use crate::error::{Error, Problem, MAX_PROBLEMS};

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

    /// Refuses a document longer than `max_document_bytes`, before any of it is read.
    pub(crate) fn check_document(
        &self,
        text: &str,
        kind: fn(Vec<Problem>) -> Error,
    ) -> crate::Result<()> {
        if text.len() > self.max_document_bytes {
            return Err(kind(vec![Problem::new(
                "",
                format!(
                    "the document is {} bytes; at most {} are accepted",
                    text.len(),
                    self.max_document_bytes
                ),
            )]));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
