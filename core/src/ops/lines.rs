//! Canonical JSON documents written one per line into one buffer.

/// One canonical document per line, each written straight into one growing buffer, so a batch
/// never holds every result, every line and their join at once.
pub(crate) struct Lines(Vec<u8>);

impl Lines {
    /// Room for `n` documents of about 2 KB.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Lines(Vec::with_capacity(n.saturating_mul(2048)))
    }

    /// Append one document (the same bytes as `serde_json::to_string`, which is what every
    /// `to_canonical_json` writes).
    pub(crate) fn push<T: serde::Serialize>(&mut self, value: &T) {
        if !self.0.is_empty() {
            self.0.push(b'\n');
        }
        let start = self.0.len();
        if serde_json::to_writer(&mut self.0, value).is_err() {
            // Serialising the library's own result types cannot fail; never leave half a line.
            self.0.truncate(start);
            self.0.extend_from_slice(b"{}");
        }
    }

    /// Append `other`'s lines after these.
    pub(crate) fn append(&mut self, other: Lines) {
        if other.0.is_empty() {
            return;
        }
        if self.0.is_empty() {
            *self = other;
            return;
        }
        self.0.push(b'\n');
        self.0.extend_from_slice(&other.0);
    }

    /// The lines as text.
    pub(crate) fn finish(self) -> String {
        // serde_json writes UTF-8 only.
        String::from_utf8(self.0).unwrap_or_default()
    }
}
