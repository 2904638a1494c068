//! One source's CSV text read on several threads: the data rows split into contiguous chunks at
//! record boundaries (never inside a quoted field), each chunk read with its own texts, then
//! joined in chunk order so facts, rows, texts and problems are exactly those of a read on one
//! thread. A chunk that is not plain (a record with another number of fields than the header, or
//! a CSV error) makes the whole text read on one thread instead, whose reader reports it.
//!
//! Repeated fact ids are found once all chunks are read, from each id's hash sorted with its row
//! (sequential memory, where a map of a million ids would miss the cache on every insert); ids
//! with equal hashes are compared as text, sorted, so even ids made to collide cost
//! O(n log n).

use super::{parse_fact, settle, Cell, Columns, Credits, Fact, Parsed, Texts};
use crate::batch::threads;
use crate::error::Problems;
use std::collections::HashMap;

/// What one chunk read, its rows numbered from 0.
struct Chunk {
    /// The records read whole, without a problem and with an id not seen before in the chunk.
    facts: Vec<Fact>,
    /// The other records, by row.
    pending: Vec<Pending>,
    /// The hash of each record's id, with its row.
    ids: Vec<(u64, usize)>,
    /// The texts of the chunk's cells, indexed as its facts' cells are.
    texts: Texts,
    /// How many records it holds.
    records: usize,
}

/// A record with a problem, or a fact whose id is on an earlier row.
struct Pending {
    row: usize,
    parsed: Parsed,
}

/// The facts of `body` (the CSV data rows after the header) read on up to `threads` threads into
/// `texts` and `problems` as a read on one thread would, or `None` (nothing changed) when the
/// text is best read on one thread.
pub(super) fn read(
    columns: &Columns<'_>,
    body: &str,
    threads: usize,
    texts: &mut Texts,
    problems: &mut Problems,
) -> Option<Vec<Fact>> {
    let parts = split(body, threads);
    if parts.len() <= 1 {
        return None;
    }
    let read = match threads::run(parts, |part| read_chunk(columns, part)) {
        Ok(read) => read,
        Err(e) => {
            problems.absorb(&e);
            return Some(Vec::new());
        }
    };
    let chunks: Vec<Chunk> = read.into_iter().collect::<Option<_>>()?;
    let mut offsets = Vec::with_capacity(chunks.len());
    let mut total = 0usize;
    for c in &chunks {
        offsets.push(total);
        total = total.checked_add(c.records)?;
    }
    // Each chunk's texts in chunk order: new texts get their indices in the order a read on one
    // thread would give them.
    let remaps: Vec<Vec<usize>> = chunks
        .iter()
        .map(|c| {
            (0..c.texts.len())
                .map(|i| texts.intern(c.texts.get(i)))
                .collect()
        })
        .collect();
    let repeats = repeated_ids(&chunks, &offsets);
    let jobs: Vec<_> = chunks
        .into_iter()
        .zip(repeats)
        .enumerate()
        .map(|(k, (c, r))| (k, c.facts, c.pending, r))
        .collect();
    let joined = Joined {
        columns,
        offsets: &offsets,
        remaps: &remaps,
    };
    let settled = match threads::run(jobs, |(k, facts, pending, repeats)| {
        joined.settle(k, facts, pending, &repeats)
    }) {
        Ok(settled) => settled,
        Err(e) => {
            problems.absorb(&e);
            return Some(Vec::new());
        }
    };
    let mut out: Vec<Fact> = Vec::new();
    for (facts, found) in settled {
        if out.is_empty() {
            out = facts;
            out.reserve(total.saturating_sub(out.len()));
        } else {
            out.extend(facts);
        }
        problems.extend(found.into_vec());
    }
    Some(out)
}

/// `body` split into up to `n` contiguous parts of about equal size, each ending after a line
/// break that ends a record (outside any quoted field).
fn split(body: &str, n: usize) -> Vec<&str> {
    let len = body.len();
    let step = len.checked_div(n).unwrap_or(len).max(1);
    let mut cuts: Vec<usize> = Vec::with_capacity(n);
    let bytes = body.as_bytes();
    if body.contains('"') {
        // Where each record ends, read as the CSV reader does: a quote opens a quoted field only
        // at the field's start, and `""` inside one is a quote.
        #[derive(Clone, Copy, PartialEq)]
        enum At {
            Start,
            Field,
            Quoted,
            QuoteInQuoted,
        }
        let mut at = At::Start;
        let mut next = step;
        for (i, &b) in bytes.iter().enumerate() {
            at = match (at, b) {
                (At::Quoted, b'"') => At::QuoteInQuoted,
                (At::Quoted, _) => At::Quoted,
                (At::Start, b'"') | (At::QuoteInQuoted, b'"') => At::Quoted,
                (_, b',' | b'\r') => At::Start,
                (_, b'\n') => {
                    let cut = i.saturating_add(1);
                    if cut >= next && cut < len {
                        cuts.push(cut);
                        next = cut.saturating_add(step);
                    }
                    At::Start
                }
                _ => At::Field,
            };
        }
    } else {
        let mut from = step;
        while from < len {
            // A line break just before `from` ends the part there (as in the scan above).
            let look = from.saturating_sub(1);
            let Some(nl) = bytes
                .get(look..)
                .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
            else {
                break;
            };
            let cut = look.saturating_add(nl).saturating_add(1);
            if cut >= len {
                break;
            }
            cuts.push(cut);
            from = cut.saturating_add(step);
        }
    }
    let mut parts = Vec::with_capacity(cuts.len().saturating_add(1));
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(len)) {
        if let Some(part) = body.get(start..cut) {
            parts.push(part);
        }
        start = cut;
    }
    parts
}

/// One chunk's records, or `None` when one is not plain (another number of fields than the
/// header, or not valid CSV).
fn read_chunk(columns: &Columns<'_>, part: &str) -> Option<Chunk> {
    let source = columns.source;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(part.as_bytes());
    let lines = memchr::memchr_iter(b'\n', part.as_bytes()).count();
    let mut texts = Texts::default();
    let mut enums: Vec<Vec<Option<usize>>> = source
        .columns
        .iter()
        .map(|c| vec![None; c.values.len()])
        .collect();
    let mut ids: Vec<(u64, usize)> = Vec::with_capacity(lines);
    let mut facts = Vec::with_capacity(lines);
    let mut pending = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut row = 0usize;
    while rdr.read_record(&mut record).ok()? {
        if record.len() != columns.headers.len() {
            return None;
        }
        let parsed = parse_fact(source, columns.cells(&record), &mut texts, &mut enums);
        if let Some(id) = &parsed.id {
            ids.push((id_hash(id), row));
        }
        if parsed.has_problems() {
            pending.push(Pending { row, parsed });
        } else if let Some(fact) = parsed.into_fact(row) {
            facts.push(fact);
        }
        row = row.saturating_add(1);
    }
    Some(Chunk {
        facts,
        pending,
        ids,
        texts,
        records: row,
    })
}

/// An id's hash: the same for the same text on every thread and run, and cheap (a word-at-a-time
/// multiply-rotate; collisions only cost a comparison of the texts).
fn id_hash(id: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let mut h = id.len() as u64;
    for word in id.as_bytes().chunks(8) {
        let mut w = [0u8; 8];
        if let Some(dst) = w.get_mut(..word.len()) {
            dst.copy_from_slice(word);
        }
        h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
    }
    h
}

/// By chunk, the records whose id is on an earlier row of the whole text: chunk row → the
/// earliest row with that id (`offsets`: each chunk's first row in the whole text).
fn repeated_ids(chunks: &[Chunk], offsets: &[usize]) -> Vec<HashMap<usize, usize>> {
    let mut out = vec![HashMap::new(); chunks.len()];
    let mut all: Vec<(u64, usize)> = chunks
        .iter()
        .zip(offsets)
        .flat_map(|(c, &o)| c.ids.iter().map(move |&(h, r)| (h, o.saturating_add(r))))
        .collect();
    all.sort_unstable();
    // The chunk holding row `g`, and the row within it.
    let place = |g: usize| -> Option<(usize, usize)> {
        let k = offsets.partition_point(|&o| o <= g).checked_sub(1)?;
        Some((k, g.checked_sub(*offsets.get(k)?)?))
    };
    let id_at = |g: usize| -> Option<&str> {
        let (k, r) = place(g)?;
        let c = chunks.get(k)?;
        if let Ok(i) = c.facts.binary_search_by_key(&r, |f| f.row) {
            return c.facts.get(i).map(|f| &*f.id);
        }
        let i = c.pending.binary_search_by_key(&r, |p| p.row).ok()?;
        c.pending.get(i)?.parsed.id.as_deref()
    };
    for run in all.chunk_by(|a, b| a.0 == b.0).filter(|run| run.len() > 1) {
        // Equal hashes: the ids themselves, in text then row order.
        let mut ids: Vec<(&str, usize)> = run
            .iter()
            .filter_map(|&(_, g)| Some((id_at(g)?, g)))
            .collect();
        ids.sort_unstable();
        for same in ids.chunk_by(|a, b| a.0 == b.0) {
            let Some((&(_, first), later)) = same.split_first() else {
                continue;
            };
            for &(_, g) in later {
                if let Some((k, r)) = place(g) {
                    if let Some(map) = out.get_mut(k) {
                        map.insert(r, first);
                    }
                }
            }
        }
    }
    out
}

/// What the chunks share once all are read.
struct Joined<'a> {
    columns: &'a Columns<'a>,
    /// By chunk, the row its first record is in the whole text.
    offsets: &'a [usize],
    /// By chunk, its text indices' indices among all the texts.
    remaps: &'a [Vec<usize>],
}

impl Joined<'_> {
    /// Chunk `k`'s facts and problems as a read of the whole text gives them: rows and texts
    /// renumbered, facts whose id is on an earlier row (`repeats`: chunk row → that row in the
    /// whole text) reported as duplicates.
    fn settle(
        &self,
        k: usize,
        facts: Vec<Fact>,
        pending: Vec<Pending>,
        repeats: &HashMap<usize, usize>,
    ) -> (Vec<Fact>, Problems) {
        let offset = self.offsets.get(k).copied().unwrap_or(0);
        let remap = self.remaps.get(k).map_or(&[][..], Vec::as_slice);
        let mut facts = facts;
        // Facts whose id is on an earlier row: reported, not kept.
        let mut dropped: Vec<Pending> = Vec::new();
        if !repeats.is_empty() {
            let mut kept = Vec::with_capacity(facts.len());
            for fact in facts {
                if repeats.contains_key(&fact.row) {
                    let row = fact.row;
                    let parsed = Parsed {
                        id: Some(fact.id),
                        cell_problems: Vec::new(),
                        credit_problem: None,
                        date: Some(fact.date),
                        credits: fact.credits,
                        cells: fact.cells,
                    };
                    dropped.push(Pending { row, parsed });
                } else {
                    kept.push(fact);
                }
            }
            facts = kept;
        }
        let to = |t: usize| remap.get(t).copied().unwrap_or(t);
        for fact in &mut facts {
            fact.row = offset.saturating_add(fact.row);
            for cell in &mut fact.cells {
                if let Cell::Text(t) = cell {
                    *t = to(*t);
                }
            }
            match &mut fact.credits {
                Credits::Unassigned => {}
                Credits::Owner(p) => *p = to(*p),
                Credits::Split(shares) => {
                    for (p, _) in shares {
                        *p = to(*p);
                    }
                }
            }
        }
        // The problems in row order: the pending records' and the dropped facts'.
        let mut problems = Problems::new();
        let mut dropped = dropped.into_iter().peekable();
        for p in pending {
            while let Some(d) = dropped.next_if(|d| d.row < p.row) {
                self.report(offset, d, repeats, &mut problems);
            }
            self.report(offset, p, repeats, &mut problems);
        }
        for d in dropped {
            self.report(offset, d, repeats, &mut problems);
        }
        (facts, problems)
    }

    /// The problems of a record that is not a fact (one with a problem or a duplicate id).
    fn report(
        &self,
        offset: usize,
        p: Pending,
        repeats: &HashMap<usize, usize>,
        problems: &mut Problems,
    ) {
        let row = offset.saturating_add(p.row);
        let first = repeats.get(&p.row).copied();
        let loc = |j: usize| self.columns.loc(row, j);
        let _ = settle(self.columns.source, row, p.parsed, first, &loc, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_only_where_a_record_ends() {
        let body = "a,1\nb,2\nc,3\nd,4\n";
        assert_eq!(split(body, 2), vec!["a,1\nb,2\n", "c,3\nd,4\n"]);
        let quoted = "a,\"x\ny\nz\"\nb,2\nc,3\nd,4\n";
        for n in 1..6 {
            let parts = split(quoted, n);
            assert_eq!(parts.concat(), quoted);
            assert!(parts
                .iter()
                .skip(1)
                .all(|p| !p.starts_with("y") && !p.starts_with("z")));
        }
        // A quote inside an unquoted field is a plain character.
        let literal = "a\"b,1\nc,2\nd,3\n";
        assert_eq!(split(literal, 3), vec!["a\"b,1\n", "c,2\n", "d,3\n"]);
        assert_eq!(split("", 4), vec![""]);
    }
}
