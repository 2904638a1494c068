//! Phases 2 and 3: cells gathered with the GIL (text joined once per column or chunk, cells that
//! need Python converted one by one) and converted to exact decimals on the scoring threads.

use super::columns::cell_from_py;
use super::read::{cell_problem, FrameTable, Located};
use perfscore::batch::ChunkMut;
use perfscore::input::{decimal_from_f64, parse_decimal};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyList, PyString};
use rust_decimal::Decimal;

/// Joins the text of a chunk's `str` cells (U+001F, the ASCII unit separator).
pub(super) const SEP: &str = "\u{1f}";
pub(super) const SEP_CHAR: char = '\u{1f}';

/// The cells of a [`TextChunk`]'s text, in order (like `split(SEP_CHAR)`, cheaper for short cells).
pub(super) struct Pieces<'a>(Option<&'a str>);

impl<'a> Iterator for Pieces<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match rest.bytes().position(|b| b == SEP_CHAR as u8) {
            // U+001F is one byte: `at` and `at + 1` are character boundaries.
            Some(at) => {
                self.0 = rest.get(at + 1..);
                rest.get(..at)
            }
            None => {
                self.0 = None;
                Some(rest)
            }
        }
    }
}

/// The text of some `str` cells of one chunk, joined by [`SEP`], held without needing the GIL.
pub(super) struct TextChunk {
    pub(super) text: PyBackedStr,
    /// The rows of the cells, in order; `None`: every row of the chunk.
    pub(super) rows: Option<Vec<usize>>,
}

/// Cells of a measure column left for the scoring threads (all `Send + Sync`: no `Bound`s).
pub(super) enum DeferredCells {
    /// A numpy float64 array's bytes (native order).
    F64(PyBackedBytes),
    /// A numpy int64 array's bytes (native order).
    I64(PyBackedBytes),
    /// A numpy uint64 array's bytes (native order).
    U64(PyBackedBytes),
    /// An object column of `str` cells only, joined by [`SEP`] once; `cuts`: the byte offsets of
    /// the separators that end each chunk but the last.
    Joined { text: PyBackedStr, cuts: Vec<usize> },
    /// The `str` cells of an object column, per chunk (`None`: the chunk has none).
    Text(Vec<Option<TextChunk>>),
}

pub(super) struct Deferred {
    /// The measure column's index (its slot in each row of the table).
    pub(super) k: usize,
    pub(super) cells: DeferredCells,
}

/// `joined` (the text of `cells` cells joined by [`SEP`]) as UTF-8 readable without the GIL, or
/// `None` when a cell cannot be encoded (a lone surrogate) or itself contains the separator:
/// those chunks are converted cell by cell, which raises or reports exactly as before.
pub(super) fn joined_text(joined: Bound<'_, PyString>, cells: usize) -> Option<PyBackedStr> {
    let text = PyBackedStr::try_from(joined).ok()?;
    let separators = text.bytes().filter(|&b| b == SEP_CHAR as u8).count();
    (separators + 1 == cells).then_some(text)
}

/// An object column whose cells are all `str` (the usual case for text columns) as one text, the
/// cells joined by [`SEP`] (checked and copied by `str.join` in C, then one UTF-8 copy), and the
/// byte offsets where the chunks of `per` rows end; `None` for any other column, or when a cell
/// cannot be encoded or contains the separator (then the column is read chunk by chunk).
pub(super) fn join_column(
    list: &Bound<'_, PyList>,
    sep: &Bound<'_, PyString>,
    per: usize,
) -> Option<(PyBackedStr, Vec<usize>)> {
    let n = list.len();
    let joined = sep.call_method1("join", (list,)).ok()?;
    let text = PyBackedStr::try_from(joined.cast_into::<PyString>().ok()?).ok()?;
    const BLOCK: usize = 4096;
    let mut cuts = Vec::with_capacity(n / per.max(1));
    let (mut seen, mut next) = (0, per);
    for (b, block) in text.as_bytes().chunks(BLOCK).enumerate() {
        let count = block.iter().filter(|&&x| x == SEP_CHAR as u8).count();
        if seen + count < next {
            seen += count;
            continue;
        }
        // A chunk ends in this block: find where.
        for (at, &x) in block.iter().enumerate() {
            if x == SEP_CHAR as u8 {
                seen += 1;
                if seen == next {
                    cuts.push(b * BLOCK + at);
                    next += per;
                }
            }
        }
    }
    (n > 0 && seen + 1 == n).then_some((text, cuts))
}

/// Rows `start..end` of an object column: the text of its `str` cells gathered for parsing off
/// the GIL; every other cell converted here, into `converted` as (index in the chunk's row-major
/// values: slot `k` of rows `width` wide, row 0 being row `start`; value), bad ones passed to `bad`.
#[allow(clippy::too_many_arguments)]
pub(super) fn gather_objects(
    list: &Bound<'_, PyList>,
    start: usize,
    end: usize,
    sep: &Bound<'_, PyString>,
    converted: &mut Vec<(usize, Decimal)>,
    width: usize,
    k: usize,
    bad: &mut impl FnMut(usize, String),
) -> PyResult<Option<TextChunk>> {
    let py = list.py();
    let part = if start == 0 && end == list.len() {
        list.clone()
    } else {
        list.get_slice(start, end).cast_into::<PyList>()?
    };
    // Every cell is text (the usual case for text columns): `str.join` checks and copies in C.
    if let Ok(joined) = sep.call_method1("join", (&part,)) {
        if let Some(text) = joined_text(joined.cast_into::<PyString>()?, end - start) {
            return Ok(Some(TextChunk { text, rows: None }));
        }
    }
    // Mixed cells: text gathered, the rest converted now, in row order.
    let mut texts: Vec<Bound<'_, PyString>> = Vec::new();
    let mut rows = Vec::new();
    for (i, v) in (start..end).zip(part.iter()) {
        if v.is_none() {
            continue;
        }
        let v = match v.cast_into::<PyString>() {
            Ok(s) => {
                texts.push(s);
                rows.push(i);
                continue;
            }
            Err(e) => e.into_inner(),
        };
        match cell_from_py(&v) {
            Ok(Ok(d)) => converted.extend(d.map(|d| ((i - start) * width + k, d))),
            Ok(Err(m)) => bad(i, m),
            Err(e) => {
                // Cell by cell, an earlier text cell that cannot be encoded would have raised first.
                for s in &texts {
                    s.encode_utf8()?;
                }
                return Err(e);
            }
        }
    }
    if texts.is_empty() {
        return Ok(None);
    }
    let joined = sep
        .call_method1("join", (PyList::new(py, &texts)?,))?
        .cast_into::<PyString>()?;
    if let Some(text) = joined_text(joined, texts.len()) {
        return Ok(Some(TextChunk {
            text,
            rows: Some(rows),
        }));
    }
    // A cell that cannot be encoded or contains the separator: cell by cell, here.
    for (s, i) in texts.iter().zip(rows) {
        match cell_from_py(s.as_any())? {
            Ok(d) => converted.extend(d.map(|d| ((i - start) * width + k, d))),
            Err(m) => bad(i, m),
        }
    }
    Ok(None)
}

/// Where one deferred column stands while a chunk is converted row by row.
pub(super) enum Cursor<'a> {
    F64(std::slice::ChunksExact<'a, u8>),
    I64(std::slice::ChunksExact<'a, u8>),
    U64(std::slice::ChunksExact<'a, u8>),
    /// Every row's cell is the next piece of text.
    Text(Pieces<'a>),
    /// The rows still to come whose cell is the next piece of text.
    Rows(Pieces<'a>, &'a [usize]),
    /// Nothing to convert in this chunk.
    Done,
}

/// Chunk `c`'s values (its rows of the core table, row-major, `names.len()` wide, on the chunk's
/// thread without the GIL): the cells converted with the GIL put in (`converted`), then the
/// deferred cells converted row by row (each row's slots written together, in cache). The bad
/// cells come back as problems with their place.
pub(super) fn convert_chunk<'a>(
    deferred: &'a [Deferred],
    converted: &[(usize, Decimal)],
    c: usize,
    chunk: ChunkMut<'_>,
    names: &[String],
) -> Vec<Located> {
    let width = names.len();
    let ChunkMut { start, ids, values } = chunk;
    let rows = ids.len();
    for &(j, d) in converted {
        if let Some(slot) = values.get_mut(j) {
            *slot = Some(d);
        }
    }
    let end = start + rows;
    if width == 0 || deferred.is_empty() {
        return Vec::new();
    }
    let words = |b: &'a PyBackedBytes| -> std::slice::ChunksExact<'a, u8> {
        b.get(start * 8..end * 8)
            .unwrap_or_default()
            .chunks_exact(8)
    };
    let mut cursors: Vec<(usize, Cursor<'a>)> = deferred
        .iter()
        .map(|d| {
            let cursor = match &d.cells {
                DeferredCells::F64(b) => Cursor::F64(words(b)),
                DeferredCells::I64(b) => Cursor::I64(words(b)),
                DeferredCells::U64(b) => Cursor::U64(words(b)),
                DeferredCells::Joined { text, cuts } => {
                    let from = if c == 0 {
                        Some(0)
                    } else {
                        cuts.get(c - 1).map(|&at| at + 1)
                    };
                    let to = cuts.get(c).copied().unwrap_or(text.len());
                    let cells = from.and_then(|from| text.get(from..to)).unwrap_or_default();
                    Cursor::Text(Pieces(Some(cells)))
                }
                DeferredCells::Text(chunks) => match chunks.get(c) {
                    Some(Some(chunk)) => match &chunk.rows {
                        None => Cursor::Text(Pieces(Some(&chunk.text))),
                        Some(rows) => Cursor::Rows(Pieces(Some(&chunk.text)), rows),
                    },
                    _ => Cursor::Done,
                },
            };
            (d.k, cursor)
        })
        .collect();
    let word =
        |w: Option<&[u8]>| -> [u8; 8] { w.and_then(|w| w.try_into().ok()).unwrap_or_default() };
    let mut problems = Vec::new();
    for (i, row) in (start..end).zip(values.chunks_exact_mut(width)) {
        for (k, cursor) in &mut cursors {
            let cell = match cursor {
                Cursor::F64(w) => {
                    let x = f64::from_ne_bytes(word(w.next()));
                    if x.is_nan() {
                        continue;
                    }
                    decimal_from_f64(x)
                }
                Cursor::I64(w) => Ok(Decimal::from(i64::from_ne_bytes(word(w.next())))),
                Cursor::U64(w) => Ok(Decimal::from(u64::from_ne_bytes(word(w.next())))),
                Cursor::Text(cells) => parse_decimal(cells.next().unwrap_or_default()),
                Cursor::Rows(cells, rows) => match rows.split_first() {
                    Some((&r, rest)) if r == i => {
                        *rows = rest;
                        parse_decimal(cells.next().unwrap_or_default())
                    }
                    _ => continue,
                },
                Cursor::Done => continue,
            };
            match cell {
                Ok(d) => {
                    if let Some(slot) = row.get_mut(*k) {
                        *slot = Some(d);
                    }
                }
                Err(m) => problems.push(Located {
                    row: i,
                    col: *k + 1,
                    problem: cell_problem(i, &ids[i - start], &names[*k], m),
                }),
            }
        }
    }
    problems
}

/// Phase 3 (the GIL released by the caller): every chunk's cells converted on the core's batch
/// threads, into the core table; the problems of all chunks, unsorted.
pub(super) fn convert_deferred(frame: &mut FrameTable) -> perfscore::Result<Vec<Located>> {
    let Some(builder) = frame.builder.as_mut() else {
        return Ok(Vec::new());
    };
    let per = frame.threads.rows_per_chunk(builder.len());
    let (names, deferred, converted) = (&frame.names[..], &frame.deferred[..], &frame.converted);
    let done = builder.fill(frame.threads, |chunk| {
        let c = chunk.start / per;
        let cells = converted.get(c).map_or(&[][..], Vec::as_slice);
        convert_chunk(deferred, cells, c, chunk, names)
    })?;
    Ok(done.into_iter().flatten().collect())
}
