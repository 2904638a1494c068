//! Which texts of a batch are distinct (record ids), found by row number.
//!
//! The index holds row numbers, not texts: the caller keeps the texts (one buffer, or the host's
//! column) and hands the index a way to read row `j`'s text.
//!
//! The hash is fixed, the same in every run and on every host (the core takes no randomness),
//! and fast on short ids. What keeps ids made to collide from slowing a batch is a budget, not a
//! secret key: linear probing counts every slot it looks at, and once a table has cost more than
//! [`PROBES_PER_LOOKUP`] probes per lookup (finding or adding a text) the index moves its rows
//! into an ordered map, whose work is `O(log n)` comparisons per text whatever the texts are.
//! Ordinary texts never get there (at most half the slots are full, where a lookup looks at 2.5
//! slots on average). The budget grows with lookups, not texts held, so an index asked for the
//! same few texts again and again (the tape's interning) stays hashed.
//!
//! The rows sit in [`PARTS`] small tables chosen by the hash's top bits, and a batch is inserted
//! one table at a time ([`RowIndex::insert_all`]): the table being filled stays in the
//! processor's nearest cache, where one large table would miss it on nearly every id.

use super::{threads, Threads};
use std::collections::BTreeMap;
use std::ops::Range;

/// Probes allowed per lookup into a table (plus [`PROBES_SLACK`]) before the index is ordered.
const PROBES_PER_LOOKUP: usize = 8;
/// Probes allowed a table whatever its size, so a small one never moves by chance.
const PROBES_SLACK: usize = 512;
/// Slots of the smallest table.
const MIN_SLOTS: usize = 16;
/// Bits of the hash that choose the table.
const PART_BITS: u32 = 8;
/// Number of tables.
const PARTS: usize = 1 << PART_BITS;

/// A fixed 64-bit hash of `text`: one folded multiply per eight bytes.
pub(crate) fn hash(text: &str) -> u64 {
    const SEED: u64 = 0x243f_6a88_85a3_08d3;
    let bytes = text.as_bytes();
    let mut h = SEED ^ u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        h = mix(h ^ u64::from_le_bytes(w.try_into().unwrap_or_default()));
    }
    // The last bytes shifted into one word (a copy into a buffer and a load of it stalls).
    let tail = words
        .remainder()
        .iter()
        .rev()
        .fold(0u64, |w, &b| w << 8 | u64::from(b));
    mix(h ^ tail)
}

/// Both halves of a 128-bit product with an odd constant: every input bit reaches the high bits
/// (the table and slot) and the low ones (the tag).
fn mix(x: u64) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let m = u128::from(x).wrapping_mul(u128::from(K));
    (m as u64) ^ ((m >> 64) as u64)
}

/// A row as the tables hold it: the high half of its text's hash (its table, its slot and a tag
/// that spares most comparisons of texts) above the row number + 1 (0 is a free slot). `None`
/// for a row number past 2³² − 2, which does not fit.
fn entry(hash: u64, row: usize) -> Option<u64> {
    let row = u32::try_from(row).ok()?.checked_add(1)?;
    Some(hash & !u64::from(u32::MAX) | u64::from(row))
}

fn row_of(entry: u64) -> usize {
    usize::try_from(entry as u32).map_or(0, |r| r.saturating_sub(1))
}

/// The table of an entry: its top bits.
fn part(entry: u64) -> usize {
    usize::try_from(entry >> (64 - PART_BITS)).unwrap_or(0)
}

/// Row numbers of distinct texts.
#[derive(Debug, Default)]
pub(crate) struct RowIndex {
    rows: Rows,
}

#[derive(Debug)]
enum Rows {
    /// [`PARTS`] tables (empty until a row needs them).
    Hashed(Vec<Table>),
    /// Past the probe budget: each text (a copy) and its row.
    Ordered(BTreeMap<Box<str>, usize>),
}

impl Default for Rows {
    fn default() -> Rows {
        Rows::Hashed(Vec::new())
    }
}

impl RowIndex {
    /// The row holding `text`.
    pub(crate) fn find<'t>(
        &mut self,
        text: &str,
        text_of: impl Fn(usize) -> &'t str,
    ) -> Option<usize> {
        if let Rows::Hashed(tables) = &mut self.rows {
            // Row 0 stands in for the text's own row: only its hash half is looked at.
            let e = entry(hash(text), 0)?;
            let table = tables.get_mut(part(e))?;
            match table.find(e, |j| text_of(j) == text) {
                Ok(found) => return found,
                Err(OverBudget) => self.order(&text_of),
            }
        }
        match &self.rows {
            Rows::Ordered(map) => map.get(text).copied(),
            Rows::Hashed(_) => None,
        }
    }

    /// Add `text` at `row` unless a row holds it already; whether it was added.
    pub(crate) fn insert<'t>(
        &mut self,
        text: &str,
        row: usize,
        text_of: impl Fn(usize) -> &'t str,
    ) -> bool {
        self.holder_or_insert(hash(text), text, row, text_of)
            .is_none()
    }

    /// The row holding `text`, or `None` after adding it at `row`: one probe where a lookup and
    /// an insertion would take two. `hash` is [`hash`] of `text` (a caller that keeps a cache by
    /// hash has it already).
    pub(crate) fn holder_or_insert<'t>(
        &mut self,
        hash: u64,
        text: &str,
        row: usize,
        text_of: impl Fn(usize) -> &'t str,
    ) -> Option<usize> {
        if let Rows::Hashed(tables) = &mut self.rows {
            if tables.is_empty() {
                tables.resize_with(PARTS, Table::default);
            }
            let e = entry(hash, row);
            if let Some(table) = e.and_then(|e| tables.get_mut(part(e)).map(|t| (t, e))) {
                let (table, e) = table;
                match table.insert(e, |j| text_of(j) == text) {
                    Ok(holder) => return holder,
                    Err(OverBudget) => self.order(&text_of),
                }
            } else {
                self.order(&text_of);
            }
        }
        self.insert_ordered(text, row)
    }

    /// Add each row of `rows` that has a text (`text_of` gives `None` for a row that is not to
    /// be added, such as a blank id) and whose text no earlier row holds: the rows that repeat
    /// one, rising. The rows are hashed and grouped by table first, then inserted table by
    /// table; both steps are split over `threads` (hashing by rows, inserting by tables).
    pub(crate) fn insert_all<'t>(
        &mut self,
        rows: Range<usize>,
        text_of: impl Fn(usize) -> Option<&'t str> + Sync,
        threads: Threads,
    ) -> Vec<usize> {
        let grouped = by_part(rows.clone(), &text_of, threads);
        if let (Rows::Hashed(tables), Some(grouped)) = (&mut self.rows, &grouped) {
            if tables.is_empty() {
                tables.resize_with(PARTS, Table::default);
            }
            let text = |j| text_of(j).unwrap_or_default();
            if let Some(mut repeats) = insert_grouped(tables, grouped, text, threads) {
                repeats.sort_unstable();
                return repeats;
            }
        }
        // Past the budget (or past 2³² rows): every row again, into the ordered map. A row
        // whose text the map gives to that very row was inserted before the budget ran out.
        self.order(|j| text_of(j).unwrap_or_default());
        let all: Vec<usize> = match &grouped {
            Some(g) => g.entries.iter().map(|&e| row_of(e)).collect(),
            None => rows.filter(|&j| text_of(j).is_some()).collect(),
        };
        let mut repeats = Vec::new();
        if let Rows::Ordered(map) = &mut self.rows {
            for row in all {
                let text = text_of(row).unwrap_or_default();
                match map.get(text) {
                    Some(&r) if r == row => {}
                    Some(_) => repeats.push(row),
                    None => {
                        map.insert(text.into(), row);
                    }
                }
            }
        }
        repeats.sort_unstable();
        repeats
    }

    /// [`RowIndex::holder_or_insert`] once ordered.
    fn insert_ordered(&mut self, text: &str, row: usize) -> Option<usize> {
        match &mut self.rows {
            Rows::Ordered(map) => match map.entry(text.into()) {
                std::collections::btree_map::Entry::Occupied(o) => Some(*o.get()),
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(row);
                    None
                }
            },
            // Not reached: the caller has just ordered the index.
            Rows::Hashed(_) => None,
        }
    }

    /// Take back `text` if `row` holds it. Rows are taken back newest first: undoing
    /// insertions in reverse order leaves a linear-probing table exactly as it was.
    pub(crate) fn remove_newest(&mut self, text: &str, row: usize) {
        match &mut self.rows {
            Rows::Hashed(tables) => {
                let e = entry(hash(text), row);
                if let Some(e) = e {
                    if let Some(table) = tables.get_mut(part(e)) {
                        table.remove(e);
                    }
                }
            }
            Rows::Ordered(map) => {
                if map.get(text) == Some(&row) {
                    map.remove(text);
                }
            }
        }
    }

    /// Move every row into the ordered map (their texts are distinct: no comparison can fail).
    fn order<'t>(&mut self, text_of: impl Fn(usize) -> &'t str) {
        if let Rows::Hashed(tables) = &self.rows {
            let map = tables
                .iter()
                .flat_map(Table::rows)
                .map(|j| (Box::from(text_of(j)), j))
                .collect();
            self.rows = Rows::Ordered(map);
        }
    }

    /// Whether the index has left hashing (for tests).
    #[cfg(test)]
    pub(crate) fn is_ordered(&self) -> bool {
        matches!(self.rows, Rows::Ordered(_))
    }

    /// Every table's budget spent, as texts made to collide would spend it (for tests).
    #[cfg(test)]
    pub(crate) fn spend_budget(&mut self) {
        if let Rows::Hashed(tables) = &mut self.rows {
            for t in tables {
                t.probes = usize::MAX / 2;
            }
        }
    }
}

/// A batch's entries grouped by table, each group in row order (a stable counting sort).
struct Grouped {
    entries: Vec<u64>,
    /// Where each table's group ends in `entries`.
    ends: [usize; PARTS],
}

/// `None` when a row number does not fit an entry. Each chunk of rows counts its rows per table
/// (hashing each), then places them (hashing again, which costs less than keeping the hashes in
/// between) in its own piece of each table's group, after the earlier chunks' pieces.
fn by_part<'t>(
    rows: Range<usize>,
    text_of: &(impl Fn(usize) -> Option<&'t str> + Sync),
    threads: Threads,
) -> Option<Grouped> {
    let chunks: Vec<Range<usize>> = threads
        .chunks(rows.len())
        .map(|c| rows.start.saturating_add(c.start)..rows.start.saturating_add(c.end))
        .collect();
    let entries_of = |c: Range<usize>| c.filter_map(|j| text_of(j).map(|t| entry(hash(t), j)));
    let counted = threads::run(chunks.clone(), |c| {
        let mut counts = [0usize; PARTS];
        for e in entries_of(c) {
            let n = counts.get_mut(part(e?))?;
            *n = n.saturating_add(1);
        }
        Some(counts)
    })
    .ok()?;
    let counts: Vec<[usize; PARTS]> = counted.into_iter().collect::<Option<_>>()?;
    let mut ends = [0usize; PARTS];
    let mut sum = 0usize;
    for (p, end) in ends.iter_mut().enumerate() {
        sum = counts
            .iter()
            .fold(sum, |s, c| s.saturating_add(c.get(p).copied().unwrap_or(0)));
        *end = sum;
    }
    let mut entries = vec![0u64; sum];
    // Each chunk's piece of each group, table by table.
    let mut pieces: Vec<Vec<&mut [u64]>> = counts.iter().map(|_| Vec::new()).collect();
    let mut rest = entries.as_mut_slice();
    for p in 0..PARTS {
        for (c, piece) in counts.iter().zip(pieces.iter_mut()) {
            let (this, after) = rest.split_at_mut(c.get(p).copied().unwrap_or(0).min(rest.len()));
            piece.push(this);
            rest = after;
        }
    }
    threads::run(
        chunks.into_iter().zip(pieces).collect(),
        |(c, mut piece)| {
            let mut next = [0usize; PARTS];
            for e in entries_of(c).flatten() {
                let (Some(group), Some(at)) = (piece.get_mut(part(e)), next.get_mut(part(e)))
                else {
                    continue;
                };
                if let Some(slot) = group.get_mut(*at) {
                    *slot = e;
                }
                *at = at.saturating_add(1);
            }
        },
    )
    .ok()?;
    Some(Grouped { entries, ends })
}

impl Grouped {
    fn groups(&self) -> impl Iterator<Item = &[u64]> + '_ {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(s, e)| self.entries.get(s..e).unwrap_or_default())
    }
}

/// Insert each group into its table, the tables split over `threads`: the rows that repeat
/// one, or `None` when a table ran out of budget.
fn insert_grouped<'t>(
    tables: &mut [Table],
    grouped: &Grouped,
    text_of: impl Fn(usize) -> &'t str + Sync,
    threads: Threads,
) -> Option<Vec<usize>> {
    let per = PARTS.div_ceil(threads.count(grouped.entries.len())).max(1);
    let groups: Vec<&[u64]> = grouped.groups().collect();
    let jobs: Vec<(&mut [Table], &[&[u64]])> =
        tables.chunks_mut(per).zip(groups.chunks(per)).collect();
    let found = threads::run(jobs, |(tables, groups)| {
        let mut repeats = Vec::new();
        for (table, group) in tables.iter_mut().zip(groups) {
            table.reserve(group.len()).ok()?;
            for &e in *group {
                // The row's text is read only on a tag match: reading it for every row
                // would miss the cache on every row.
                if table
                    .insert_reserved(e, |j| text_of(j) == text_of(row_of(e)))
                    .ok()?
                    .is_some()
                {
                    repeats.push(row_of(e));
                }
            }
        }
        Some(repeats)
    })
    .ok()?;
    let mut repeats = Vec::new();
    for r in found {
        repeats.extend(r?);
    }
    Some(repeats)
}

/// The probe budget is spent: the caller orders the index.
struct OverBudget;

/// Where a lookup ended: at the row holding the text, or at the free slot it would take.
enum Probe {
    Held(usize),
    Free(usize),
}

/// Open addressing with linear probing over entries; at most half the slots full.
#[derive(Debug, Default)]
struct Table {
    /// `0` for a free slot, else an [`entry`].
    slots: Vec<u64>,
    len: usize,
    /// Lookups so far (finding or adding a text): what the budget grows with.
    lookups: usize,
    /// Slots looked at so far, against the budget.
    probes: usize,
}

impl Table {
    fn budget(&self) -> usize {
        self.lookups
            .saturating_mul(PROBES_PER_LOOKUP)
            .saturating_add(PROBES_SLACK)
    }

    /// The slot where probing for an entry starts: the hash bits below the table's (the slot
    /// count is a power of 2).
    fn home(&self, entry: u64) -> usize {
        let bits = self.slots.len().trailing_zeros();
        let shift = 64u32.saturating_sub(bits);
        usize::try_from((entry << PART_BITS).checked_shr(shift).unwrap_or(0)).unwrap_or(0)
    }

    fn next(&self, at: usize) -> usize {
        at.wrapping_add(1) & self.slots.len().wrapping_sub(1)
    }

    /// Every row held.
    fn rows(&self) -> impl Iterator<Item = usize> + '_ {
        self.slots.iter().filter(|&&s| s != 0).map(|&s| row_of(s))
    }

    /// The row holding the text of `entry` (`same` says whether a row holds it), counting each
    /// slot looked at.
    fn find(
        &mut self,
        entry: u64,
        same: impl Fn(usize) -> bool,
    ) -> Result<Option<usize>, OverBudget> {
        Ok(match self.probe(entry, same)? {
            Probe::Held(row) => Some(row),
            Probe::Free(_) => None,
        })
    }

    /// Add `entry` unless a row holds its text (`same`): that row, or `None` when it was added.
    fn insert(
        &mut self,
        entry: u64,
        same: impl Fn(usize) -> bool,
    ) -> Result<Option<usize>, OverBudget> {
        self.reserve(1)?;
        self.insert_reserved(entry, same)
    }

    /// [`Table::insert`] into a table with room reserved: the loop of a batch.
    fn insert_reserved(
        &mut self,
        entry: u64,
        same: impl Fn(usize) -> bool,
    ) -> Result<Option<usize>, OverBudget> {
        match self.probe(entry, same)? {
            Probe::Held(row) => Ok(Some(row)),
            Probe::Free(at) => {
                // A table with room reserved has the slot; one without goes to the ordered map.
                *self.slots.get_mut(at).ok_or(OverBudget)? = entry;
                self.len = self.len.saturating_add(1);
                Ok(None)
            }
        }
    }

    /// One lookup: from `entry`'s home slot to the row holding its text or the first free slot,
    /// each slot looked at counted against the budget (kept to a few instructions per slot).
    fn probe(&mut self, entry: u64, same: impl Fn(usize) -> bool) -> Result<Probe, OverBudget> {
        self.lookups = self.lookups.saturating_add(1);
        let mask = self.slots.len().wrapping_sub(1);
        let room = self.budget().saturating_sub(self.probes);
        let mut at = self.home(entry);
        for probes in 1..=room {
            let slot = self.slots.get(at & mask).copied().unwrap_or(0);
            if slot == 0 || (slot ^ entry) >> 32 == 0 && same(row_of(slot)) {
                self.probes = self.probes.saturating_add(probes);
                return Ok(match slot {
                    0 => Probe::Free(at & mask),
                    _ => Probe::Held(row_of(slot)),
                });
            }
            at = at.wrapping_add(1);
        }
        self.probes = usize::MAX;
        Err(OverBudget)
    }

    /// Room for `more` rows with at most half the slots full, moving every row once when the
    /// table grows (each move counted against the budget too; the entries hold their hash).
    fn reserve(&mut self, more: usize) -> Result<(), OverBudget> {
        let wanted = self
            .len
            .checked_add(more)
            .and_then(|n| n.checked_mul(2))
            .and_then(usize::checked_next_power_of_two)
            .ok_or(OverBudget)?
            .max(MIN_SLOTS);
        if wanted <= self.slots.len() {
            return Ok(());
        }
        let old = std::mem::replace(&mut self.slots, vec![0; wanted]);
        let budget = self.budget();
        for entry in old.into_iter().filter(|&s| s != 0) {
            let mut at = self.home(entry);
            while self.slots.get(at).is_some_and(|&s| s != 0) {
                self.probes = self.probes.saturating_add(1);
                if self.probes > budget {
                    return Err(OverBudget);
                }
                at = self.next(at);
            }
            if let Some(s) = self.slots.get_mut(at) {
                *s = entry;
            }
        }
        Ok(())
    }

    /// Free the slot of `entry`'s row, the newest row added.
    fn remove(&mut self, entry: u64) {
        if self.slots.is_empty() {
            return;
        }
        let mut at = self.home(entry);
        for _ in 0..self.slots.len() {
            match self.slots.get(at).copied() {
                None | Some(0) => return,
                Some(slot) if slot == entry => {
                    if let Some(s) = self.slots.get_mut(at) {
                        *s = 0;
                    }
                    self.len = self.len.saturating_sub(1);
                    return;
                }
                Some(_) => at = self.next(at),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(index: &mut RowIndex, texts: &mut Vec<String>, text: &str) -> bool {
        let row = texts.len();
        let added = {
            let t = &*texts;
            index.insert(text, row, |j| t[j].as_str())
        };
        if added {
            texts.push(text.to_owned());
        }
        added
    }

    fn exhaust(index: &mut RowIndex) {
        index.spend_budget();
    }

    #[test]
    fn distinct_texts_are_added_and_repeats_refused() {
        let (mut index, mut texts) = (RowIndex::default(), Vec::new());
        for t in [
            "E1",
            "E10",
            "E",
            "王伟",
            "a longer id of more than sixteen bytes",
        ] {
            assert!(add(&mut index, &mut texts, t), "{t}");
        }
        for t in ["E1", "王伟", "a longer id of more than sixteen bytes"] {
            assert!(!add(&mut index, &mut texts, t), "{t}");
        }
        let t = &texts;
        assert_eq!(index.find("E10", |j| t[j].as_str()), Some(1));
        assert_eq!(index.find("E2", |j| t[j].as_str()), None);
        assert!(!index.is_ordered());
    }

    #[test]
    fn a_batch_reports_the_rows_that_repeat_an_earlier_one() {
        let texts = ["A", "B", "A", "C", "B", "A", "D"].map(String::from);
        let mut index = RowIndex::default();
        let repeats = index.insert_all(0..4, |j| Some(texts[j].as_str()), Threads::Auto);
        assert_eq!(repeats, [2]);
        // A second batch: repeats of the first batch and of itself; the first holder stays.
        let repeats = index.insert_all(4..7, |j| Some(texts[j].as_str()), Threads::Auto);
        assert_eq!(repeats, [4, 5]);
        assert_eq!(index.find("A", |j| texts[j].as_str()), Some(0));
        assert_eq!(index.find("D", |j| texts[j].as_str()), Some(6));
    }

    #[test]
    fn a_large_batch_finds_every_repeat() {
        // 50,000 ids, every 7th row repeating the id 1,000 rows before it.
        let texts: Vec<String> = (0..50_000usize)
            .map(|j| match j % 7 == 0 && j >= 1000 {
                true => format!("P{:07}", j - 1000),
                false => format!("P{j:07}"),
            })
            .collect();
        let repeats = RowIndex::default().insert_all(
            0..texts.len(),
            |j| Some(texts[j].as_str()),
            Threads::Auto,
        );
        // Row j − 1000 is never a multiple of 7 itself (1000 = 7 × 142 + 6), so it holds the
        // id row j repeats: every multiple of 7 from 1001 on repeats.
        let expected: Vec<usize> = (1000..50_000).filter(|j| j % 7 == 0).collect();
        assert_eq!(expected.len(), 7000);
        assert_eq!(repeats, expected);
    }

    #[test]
    fn the_newest_texts_taken_back_leave_the_index_as_it_was() {
        let (mut index, mut texts) = (RowIndex::default(), Vec::new());
        for i in 0..1000 {
            assert!(add(&mut index, &mut texts, &format!("E{i}")));
        }
        for j in (500..1000).rev() {
            index.remove_newest(&texts[j], j);
        }
        texts.truncate(500);
        let t = &texts;
        assert_eq!(index.find("E499", |j| t[j].as_str()), Some(499));
        assert_eq!(index.find("E500", |j| t[j].as_str()), None);
        // A row taken back can be added again, at a new row.
        assert!(add(&mut index, &mut texts, "E700"));
        let t = &texts;
        assert_eq!(index.find("E700", |j| t[j].as_str()), Some(500));
        // Taking back a row that repeated (and so was never added) keeps the first holder.
        index.remove_newest("E1", 501);
        let t = &texts;
        assert_eq!(index.find("E1", |j| t[j].as_str()), Some(1));
    }

    /// Texts that all land in one slot with one tag (simulated with a constant hash by the
    /// table directly) spend the budget in a bounded number of probes.
    #[test]
    fn colliding_texts_spend_the_budget_and_stop() {
        let mut table = Table::default();
        let mut added = 0usize;
        let result = (0..100_000usize).try_for_each(|row| {
            let e = entry(7 << 32, row).unwrap_or_default();
            table.insert(e, |_| false).map(|_| added += 1)
        });
        assert!(result.is_err());
        // 1 + 2 + … + k probes for k rows, and as many again when the table grows: the budget
        // (8 per row + 512) runs out before 64 rows.
        assert!((16..64).contains(&added), "{added}");
        assert!(table.probes <= table.budget() + 1);
    }

    /// The budget grows with lookups: asking for the same few texts again and again, as the
    /// tape's interning does, never spends it (it did when it grew only with the texts held).
    #[test]
    fn repeated_lookups_of_a_few_texts_keep_the_index_hashed() {
        let (mut index, mut texts) = (RowIndex::default(), Vec::new());
        for t in ["amount", "weight", "方法"] {
            assert!(add(&mut index, &mut texts, t));
        }
        for round in 0..100_000 {
            let t = &texts;
            let text = ["amount", "weight", "方法"][round % 3];
            let held = index.holder_or_insert(hash(text), text, t.len(), |j| t[j].as_str());
            assert_eq!(held, Some(round % 3));
            assert_eq!(index.find(text, |j| t[j].as_str()), Some(round % 3));
        }
        assert!(!index.is_ordered());
    }

    /// The index moves to the ordered map when the budget runs out and keeps every answer.
    #[test]
    fn an_ordered_index_gives_the_same_answers() {
        let (mut index, mut texts) = (RowIndex::default(), Vec::new());
        for i in 0..300 {
            assert!(add(&mut index, &mut texts, &format!("id-{i}")));
        }
        exhaust(&mut index);
        assert!(!add(&mut index, &mut texts, "id-7"));
        assert!(index.is_ordered());
        assert!(add(&mut index, &mut texts, "id-300"));
        let t = &texts;
        assert_eq!(index.find("id-299", |j| t[j].as_str()), Some(299));
        assert_eq!(index.find("id-300", |j| t[j].as_str()), Some(300));
        index.remove_newest("id-300", 300);
        texts.truncate(300);
        let t = &texts;
        assert_eq!(index.find("id-300", |j| t[j].as_str()), None);
    }

    /// A batch whose tables run out of budget part way finishes in the ordered map with the
    /// same repeats.
    #[test]
    fn a_batch_past_the_budget_reports_the_same_repeats() {
        let texts: Vec<String> = (0..2000usize).map(|j| format!("T{}", j % 1500)).collect();
        let mut index = RowIndex::default();
        assert!(index
            .insert_all(0..100, |j| Some(texts[j].as_str()), Threads::Auto)
            .is_empty());
        exhaust(&mut index);
        let repeats = index.insert_all(100..2000, |j| Some(texts[j].as_str()), Threads::Auto);
        assert!(index.is_ordered());
        assert_eq!(repeats, (1500..2000).collect::<Vec<_>>());
    }

    proptest::proptest! {
        /// Batch by batch, with the budget spent (as colliding ids would spend it) after any
        /// batch or never, the repeats are those a plain set of texts finds.
        #[test]
        fn repeats_are_those_a_plain_set_finds(
            texts in proptest::collection::vec("[a-c]{0,3}", 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..4),
            spent_after in proptest::option::of(0usize..5),
            threads in 1usize..4,
        ) {
            let threads = Threads::from_count(Some(threads)).unwrap();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(texts.len())).collect();
            cuts.push(0);
            cuts.push(texts.len());
            cuts.sort_unstable();
            let mut index = RowIndex::default();
            let mut seen = std::collections::HashSet::new();
            for (k, pair) in cuts.windows(2).enumerate() {
                let expected: Vec<usize> =
                    (pair[0]..pair[1]).filter(|&j| !seen.insert(texts[j].as_str())).collect();
                let text = |j: usize| Some(texts[j].as_str());
                let repeats = index.insert_all(pair[0]..pair[1], text, threads);
                proptest::prop_assert_eq!(repeats, expected);
                if spent_after == Some(k) {
                    exhaust(&mut index);
                }
            }
            for t in ["", "a", "abc", "d"] {
                let found = index.find(t, |j| texts[j].as_str());
                proptest::prop_assert_eq!(found, texts.iter().position(|x| x == t));
            }
        }
    }

    #[test]
    fn the_hash_is_fixed() {
        // The same value in every run and on every host: no key, no randomness.
        assert_eq!(hash("E000001"), 2_348_192_594_100_323_999);
        assert_ne!(hash("E000001"), hash("E000002"));
        assert_ne!(hash(""), hash("\0"));
        assert_ne!(hash("abcdefgh"), hash("abcdefgh\0"));
    }
}
