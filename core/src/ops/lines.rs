//! The documents of a batch operation, one per record: canonical JSON lines in one buffer, or a
//! [`Tape`] for a host that builds its own values.

use super::tape::{Tape, TapeWriter};

/// Which form a batch operation's documents take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// JSON lines: one canonical document per line.
    Lines,
    /// A tape ([`Tape`]).
    Tape,
}

/// Documents written one after another straight into one growing buffer, so a batch never holds
/// every result, every line and their join at once.
pub(crate) enum Lines {
    Json(Vec<u8>),
    Tape(Box<TapeWriter>),
}

impl Lines {
    /// Room for `n` documents of about 2 KB (as lines).
    pub(crate) fn with_capacity(format: Format, n: usize) -> Self {
        match format {
            Format::Lines => Lines::Json(Vec::with_capacity(n.saturating_mul(2048))),
            Format::Tape => Lines::Tape(Box::new(TapeWriter::new())),
        }
    }

    /// Append one document (as a line: the same bytes as `serde_json::to_string`, which is what
    /// every `to_canonical_json` writes).
    pub(crate) fn push<T: serde::Serialize>(&mut self, value: &T) {
        match self {
            Lines::Json(buf) => {
                if !buf.is_empty() {
                    buf.push(b'\n');
                }
                let start = buf.len();
                if serde_json::to_writer(&mut *buf, value).is_err() {
                    // Serialising the library's own result types cannot fail; never leave half a line.
                    buf.truncate(start);
                    buf.extend_from_slice(b"{}");
                }
            }
            Lines::Tape(tape) => tape.push(value),
        }
    }

    /// Append `other`'s documents after these (both of one format).
    pub(crate) fn append(&mut self, other: Lines) {
        match (self, other) {
            (Lines::Json(buf), Lines::Json(more)) => {
                if more.is_empty() {
                    return;
                }
                if buf.is_empty() {
                    *buf = more;
                    return;
                }
                buf.push(b'\n');
                buf.extend_from_slice(&more);
            }
            (Lines::Tape(tape), Lines::Tape(more)) => tape.append(*more),
            // Batches write every chunk in the format of the whole.
            _ => {}
        }
    }

    /// The lines as text (empty for a tape).
    pub(crate) fn text(self) -> String {
        match self {
            // serde_json writes UTF-8 only.
            Lines::Json(buf) => String::from_utf8(buf).unwrap_or_default(),
            Lines::Tape(_) => String::new(),
        }
    }

    /// The documents as a tape, or the problem that kept one of them off it.
    pub(crate) fn tape(self) -> crate::Result<Tape> {
        let tape = match self {
            Lines::Tape(tape) => tape.finish(),
            Lines::Json(_) => None,
        };
        tape.ok_or_else(|| {
            crate::Error::Input(vec![crate::Problem::new(
                crate::Loc::root(),
                crate::kinds::NOT_ALLOWED,
                "a result that has no tape form (ask for JSON lines instead)",
            )
            .zh("该结果无法以 tape 形式给出（请改用 JSON 行）")])
        })
    }
}
