//! Every distinct text of a batch of facts, so cells compare and hash as numbers. The plan's
//! quoted filter texts come first, so a cell equal to one gets the value the filter uses.
//!
//! The texts sit end to end in one buffer and the index holds only their numbers: a table of a
//! few hundred thousand customer codes stays in the processor's cache, where a map of owned
//! strings would miss it twice per lookup. Hashing is std's keyed SipHash (random keys per
//! table), so texts made to collide cannot slow the reading of an export.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

#[derive(Clone, Default)]
pub(crate) struct Texts {
    /// The texts end to end: text `i` ends at `ends[i]` and starts where text `i - 1` ends.
    bytes: String,
    ends: Vec<usize>,
    /// Each text's number, found by the text's hash.
    index: hashbrown::HashTable<usize>,
    hasher: RandomState,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts").field("len", &self.len()).finish()
    }
}

/// Text `i` of `bytes` and `ends` ("" when there is none).
fn text<'a>(bytes: &'a str, ends: &[usize], i: usize) -> &'a str {
    let start = match i.checked_sub(1) {
        Some(before) => ends.get(before).copied().unwrap_or(0),
        None => 0,
    };
    let end = ends.get(i).copied().unwrap_or(start);
    bytes.get(start..end).unwrap_or("")
}

impl Texts {
    pub(crate) fn seeded(literals: &[String]) -> Texts {
        let mut t = Texts::default();
        for l in literals {
            t.intern(l);
        }
        t
    }

    /// The number of `text`, given the next one when it is new.
    pub(crate) fn intern(&mut self, text: &str) -> usize {
        let hash = self.hasher.hash_one(text);
        if let Some(i) = self.lookup(hash, text) {
            return i;
        }
        let i = self.ends.len();
        self.bytes.push_str(text);
        self.ends.push(self.bytes.len());
        let (bytes, ends, hasher) = (&self.bytes, &self.ends, &self.hasher);
        self.index
            .insert_unique(hash, i, |&j| hasher.hash_one(self::text(bytes, ends, j)));
        i
    }

    /// The number of `text`, when it has been seen.
    pub(crate) fn find(&self, text: &str) -> Option<usize> {
        self.lookup(self.hasher.hash_one(text), text)
    }

    fn lookup(&self, hash: u64, wanted: &str) -> Option<usize> {
        let (bytes, ends) = (&self.bytes, &self.ends);
        self.index
            .find(hash, |&i| text(bytes, ends, i) == wanted)
            .copied()
    }

    /// How many texts there are.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(crate) fn get(&self, i: usize) -> &str {
        text(&self.bytes, &self.ends, i)
    }
}

#[cfg(test)]
mod tests {
    use super::Texts;

    #[test]
    fn each_text_keeps_the_number_it_was_first_given() {
        let mut t = Texts::seeded(&["signed".to_string()]);
        assert_eq!(t.intern("C001"), 1);
        assert_eq!(t.intern(""), 2);
        assert_eq!(t.intern("signed"), 0);
        assert_eq!(t.intern("C001"), 1);
        assert_eq!(t.find("C002"), None);
        let many: Vec<usize> = (0..10_000).map(|n| t.intern(&format!("客户{n}"))).collect();
        assert_eq!(many.first(), Some(&3));
        assert_eq!(t.find("客户9999"), Some(10_002));
        assert_eq!(
            (t.get(0), t.get(1), t.get(2), t.get(10_002)),
            ("signed", "C001", "", "客户9999")
        );
        assert_eq!(t.get(10_003), "");
        assert_eq!(t.len(), 10_003);
    }
}
