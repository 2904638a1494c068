//! Record ids with their text in one buffer: a batch read part by part keeps its ids (and the set
//! of ids seen so far, for repeats across parts) in a few allocations, not one per id.

use super::distinct::RowIndex;
use super::Threads;

/// Record ids in row order, their text in one buffer (the layout of an Arrow text column).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ids {
    text: String,
    /// Where each id's text ends in `text`; it starts where the previous one ends.
    ends: Vec<usize>,
}

impl Ids {
    /// No ids.
    pub fn new() -> Ids {
        Ids::default()
    }

    /// Number of ids.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Id `i`.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0),
            None => 0,
        };
        self.text.get(start..end)
    }

    /// Every id's text, one after another (for a host that hands ids on as one column: the
    /// data of an Arrow text column).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where each id's text ends in [`Ids::text`], rising; id `i` starts where id `i − 1` ends
    /// (the first at 0): an Arrow text column's offsets after the leading 0.
    pub fn ends(&self) -> &[usize] {
        &self.ends
    }

    /// The ids in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// Ids from one text and each id's end in it (rising, each on a character boundary, the
    /// last at most the text's length: [`super::Column`]'s text block).
    pub(crate) fn from_block(text: &str, ends: Vec<usize>) -> Ids {
        Ids {
            text: text.to_owned(),
            ends,
        }
    }

    /// Add `id` at the end.
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    /// Keep the first `len` ids.
    pub(crate) fn truncate(&mut self, len: usize) {
        self.ends.truncate(len);
        let end = self.ends.last().copied().unwrap_or(0);
        self.text.truncate(end);
    }
}

impl<S: AsRef<str>> Extend<S> for Ids {
    fn extend<I: IntoIterator<Item = S>>(&mut self, ids: I) {
        for id in ids {
            self.push(id.as_ref());
        }
    }
}

impl<S: AsRef<str>> FromIterator<S> for Ids {
    fn from_iter<I: IntoIterator<Item = S>>(ids: I) -> Ids {
        let mut out = Ids::new();
        out.extend(ids);
        out
    }
}

/// A set of ids: row numbers into its own [`Ids`], found by the core's fixed hash with a probe
/// budget (`batch/distinct.rs`: ids made to collide cannot slow a batch down).
#[derive(Debug, Default)]
pub(crate) struct IdSet {
    ids: Ids,
    rows: RowIndex,
}

impl IdSet {
    /// Number of ids in the set.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The ids from the `start`-th added on, in the order they were added.
    pub(crate) fn added_since(&self, start: usize) -> impl Iterator<Item = &str> + '_ {
        (start..self.ids.len()).map(|j| self.ids.get(j).unwrap_or_default())
    }

    /// Add every id of a batch, each hashed once: `false`, and the set as it was, when one is
    /// blank or repeats an id of the set or of the batch (the caller reports those).
    pub(crate) fn add_batch<S: AsRef<str>>(&mut self, batch: &[S], threads: Threads) -> bool {
        if batch
            .iter()
            .any(|id| super::table::is_blank_id(id.as_ref()))
        {
            return false;
        }
        let start = self.len();
        self.ids.extend(batch);
        let ids = &self.ids;
        let end = ids.len();
        let repeats = self.rows.insert_all(start..end, |j| ids.get(j), threads);
        if !repeats.is_empty() {
            self.truncate_to(start);
            return false;
        }
        true
    }

    /// Keep the first `len` ids added (the later ones taken back newest first).
    pub(crate) fn truncate_to(&mut self, len: usize) {
        for j in (len..self.ids.len()).rev() {
            self.rows
                .remove_newest(self.ids.get(j).unwrap_or_default(), j);
        }
        self.ids.truncate(len);
    }

    /// Whether `id` is in the set.
    pub(crate) fn contains(&mut self, id: &str) -> bool {
        let ids = &self.ids;
        self.rows
            .find(id, |j| ids.get(j).unwrap_or_default())
            .is_some()
    }

    /// Add `id`; whether it was new.
    pub(crate) fn insert(&mut self, id: &str) -> bool {
        let ids = &self.ids;
        let added = self
            .rows
            .insert(id, ids.len(), |j| ids.get(j).unwrap_or_default());
        if added {
            self.ids.push(id);
        }
        added
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_their_text_and_order() {
        let ids: Ids = ["E1", "", "王伟"].into_iter().collect();
        assert_eq!(ids.len(), 3);
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["E1", "", "王伟"]);
        assert_eq!(ids.get(2), Some("王伟"));
        assert_eq!(ids.get(3), None);
        // One buffer: "E1" ends at 2, "" at 2, "王伟" (six bytes) at 8.
        assert_eq!(ids.text(), "E1王伟");
        assert_eq!(ids.ends(), [2, 2, 8]);
    }

    #[test]
    fn an_id_set_finds_what_was_added_and_refuses_a_repeat() {
        let mut set = IdSet::default();
        assert!(set.insert("E1"));
        assert!(set.insert("E10"));
        assert!(!set.insert("E1"));
        assert!(set.contains("E10"));
        assert!(!set.contains("E2"));
        // Ids that are prefixes of each other stay distinct.
        assert!(set.insert("E"));
    }

    #[test]
    fn a_batch_with_a_blank_or_repeated_id_leaves_the_set_as_it_was() {
        let mut set = IdSet::default();
        assert!(set.add_batch(&["E1", "E2"], Threads::Auto));
        // A repeat of an earlier batch, a repeat within the batch, a blank id: nothing added.
        for bad in [
            &["E3", "E1"][..],
            &["E3", "E4", "E3"],
            &["E3", " "],
            &["E3", ""],
        ] {
            assert!(!set.add_batch(bad, Threads::Auto), "{bad:?}");
            assert_eq!(set.len(), 2);
            assert!(!set.contains("E3"));
            assert!(set.contains("E1") && set.contains("E2"));
        }
        assert!(set.add_batch(&["E3", "E4"], Threads::Auto));
        assert_eq!(set.added_since(2).collect::<Vec<_>>(), ["E3", "E4"]);
        assert!(!set.insert("E4"));
    }
}
