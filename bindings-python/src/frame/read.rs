//! The table as read: ids, column names and every chunk's cells, with all problems located by
//! row and column (phases 1–3 in order).

use super::cells::{
    gather_objects, join_column, joined_text, Deferred, DeferredCells, SEP, SEP_CHAR,
};
use super::clock::Clock;
use super::columns::{frame_columns, id_from_py, read_column, Cells, NON_MEASURES};
use crate::{core_err, problem};
use perfscore::batch::{Table, TableBuilder, Threads};
use perfscore::{Error as CoreError, Loc, LocItem, Plan, Problem};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use rust_decimal::Decimal;
use std::collections::HashSet;

/// A problem with a place in the table, sorted into row order before reporting.
pub(super) struct Located {
    pub(super) row: usize,
    pub(super) col: usize,
    pub(super) problem: Problem,
}

/// A bad cell: `["records", row, column name]`, about the row's record id when it has one.
pub(super) fn cell_problem(row: usize, id: &str, name: &str, message: String) -> Problem {
    let at = Loc::root().key("records").index(row).key(name);
    let p = perfscore::input::number_problem(at, message);
    if id.is_empty() {
        p
    } else {
        p.with_id(id)
    }
}

/// The problems of the core's table, placed in the frame: a column's (`columns[k]`, an index
/// into the measure columns it was given) at the column's position in the frame, as a table
/// problem; a row's (`records[i].id`) as a located problem of that row, unless the row's id was
/// already reported here (the core then sees the empty text that stands in for it, and reports it
/// as empty, once per such row, listed or counted); the count of problems past the limit, less
/// those stand-ins, after everything.
pub(super) fn place_core_problems(
    e: &CoreError,
    positions: &[usize],
    table_problems: &mut Vec<Problem>,
    located: &mut Vec<Located>,
) {
    let flagged: HashSet<usize> = located
        .iter()
        .filter(|l| l.col == 0)
        .map(|l| l.row)
        .collect();
    let mut stand_ins_listed = 0;
    for p in e.problems() {
        match p.loc.items() {
            [LocItem::Key(c), LocItem::Index(k)] if c == "columns" => {
                let j = positions.get(*k).copied().unwrap_or(*k);
                let message = remap_column_refs(&p.message, positions);
                let at = Loc::root().key("columns").index(j);
                table_problems.push(Problem::new(at, p.kind, message));
            }
            [LocItem::Key(r), LocItem::Index(i), ..] if r == "records" => {
                if flagged.contains(i) {
                    stand_ins_listed += 1;
                } else {
                    let problem = p.clone();
                    located.push(Located {
                        row: *i,
                        col: 0,
                        problem,
                    });
                }
            }
            _ if p.kind == perfscore::kinds::MORE_PROBLEMS => {
                let counted = p.message.split(' ').next().and_then(|n| n.parse().ok());
                let stand_ins_counted = flagged.len().saturating_sub(stand_ins_listed);
                let more = counted.unwrap_or(0usize).saturating_sub(stand_ins_counted);
                if more > 0 {
                    let message = format!("{more} more problems not listed");
                    located.push(Located {
                        row: usize::MAX,
                        col: usize::MAX,
                        problem: Problem::new(p.loc.clone(), p.kind, message),
                    });
                }
            }
            _ => table_problems.push(p.clone()),
        }
    }
}

/// `columns[k]` in the core's messages (an index into the measure columns it was given) →
/// `columns[j]`, the column's position in the frame.
pub(super) fn remap_column_refs(text: &str, positions: &[usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("columns[") {
        let (head, tail) = rest.split_at(at + "columns[".len());
        out.push_str(head);
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        let (number, tail) = tail.split_at(digits);
        match number.parse::<usize>().ok().and_then(|k| positions.get(k)) {
            Some(j) => out.push_str(&j.to_string()),
            None => out.push_str(number),
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// The frame as read: the core table being filled (ids checked, columns resolved), the measure
/// column names, and the cells (no `Bound`s, so the threads can share it). `converted` holds the
/// cells converted with the GIL (per chunk, by index in the chunk's values), `deferred` the rest;
/// [`convert_deferred`](super::cells::convert_deferred) puts both into the table.
pub(super) struct FrameTable {
    /// Taken when the cells are in.
    pub(super) builder: Option<TableBuilder>,
    pub(super) names: Vec<String>,
    pub(super) converted: Vec<Vec<(usize, Decimal)>>,
    pub(super) deferred: Vec<Deferred>,
    /// Problems of the table as a whole (reported first), then of cells, found with the GIL.
    pub(super) table_problems: Vec<Problem>,
    pub(super) located: Vec<Located>,
    /// The threads (and so the row chunks) that convert and score.
    pub(super) threads: Threads,
    /// The core's columns resolved to frame positions, for its later problems.
    pub(super) positions: Vec<usize>,
    pub(super) seconds_sequences: f64,
    pub(super) seconds_cells: f64,
}

pub(super) fn input_error(py: Python<'_>, problems: Vec<Problem>) -> PyErr {
    core_err(py, &CoreError::Input(problems))
}

/// The table and its ids as the Python objects given (for `record_ids`).
pub(super) fn read_table<'py>(
    plan: &Plan,
    frame: &Bound<'py, PyAny>,
    id_column: &str,
    threads: Threads,
) -> PyResult<(FrameTable, Bound<'py, PyList>)> {
    let py = frame.py();
    let started = Clock::start();
    let mut seconds_cells = 0.0;
    let (columns, index) = frame_columns(frame, id_column)?;

    let mut table_problems: Vec<Problem> = Vec::new();
    let mut located: Vec<Located> = Vec::new();

    // Ids: the id column, or the index when it is named like the id column.
    let id_source = match columns.iter().position(|(n, _)| n == id_column) {
        Some(j) => Some((j, columns[j].1.clone())),
        None => index.map(|idx| (usize::MAX, idx)),
    };
    let Some((id_pos, id_col)) = id_source else {
        let known: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        return Err(input_error(
            py,
            vec![problem(
                "columns",
                format!(
                    "no id column `{id_column}` (columns: {}); name it with id_column=…",
                    known.join(", ")
                ),
            )],
        ));
    };
    let id_cells = match read_column(&id_col, false)? {
        Ok(Cells::Objects(list)) => list,
        // Not reached: ids are never read as raw numbers.
        Ok(_) => PyList::empty(py),
        Err(m) => {
            return Err(input_error(
                py,
                vec![problem(format!("columns.{id_column}"), m)],
            ))
        }
    };
    let n = id_cells.len();
    let per = threads.rows_per_chunk(n);
    let t_cells = Clock::start();
    let sep = PyString::new(py, SEP);
    let mut ids = Vec::with_capacity(n);
    // All text (the usual case): one `str.join` and one UTF-8 copy instead of one per id.
    let all_text = sep
        .call_method1("join", (&id_cells,))
        .ok()
        .and_then(|j| j.cast_into::<PyString>().ok())
        .and_then(|j| joined_text(j, n));
    let id_objects = if let Some(text) = all_text {
        // Empty and repeated ids are the core table's to report.
        ids.extend(text.split(SEP_CHAR).map(str::to_owned));
        // A copy: the caller may change their list afterwards.
        id_cells.get_slice(0, n).cast_into::<PyList>()?
    } else {
        let id_objects = PyList::empty(py);
        for (i, v) in id_cells.iter().enumerate() {
            match id_from_py(&v)? {
                Ok(s) => {
                    ids.push(s.to_cow()?.into_owned());
                    id_objects.append(s)?;
                }
                Err(m) => {
                    located.push(Located {
                        row: i,
                        col: 0,
                        problem: problem(format!("records[{i}].id"), m),
                    });
                    ids.push(String::new());
                    id_objects.append(py.None())?;
                }
            }
        }
        id_objects
    };
    seconds_cells += t_cells.seconds();

    // Measure columns: everything but the id and the person's descriptive columns.
    let mut names = Vec::new();
    let mut positions = Vec::new();
    let mut sources = Vec::new();
    for (j, (name, col)) in columns.iter().enumerate() {
        if j == id_pos || NON_MEASURES.contains(&name.as_str()) {
            continue;
        }
        if name == "measures" {
            table_problems.push(problem(
                format!("columns[{j}]"),
                "a nested `measures` column is not read here: give one column per measure \
                 (pandas.json_normalize flattens it) or use score_many",
            ));
            continue;
        }
        names.push(name.clone());
        positions.push(j);
        sources.push(col);
    }
    // The core table: columns resolved, ids checked (their problems wait for the cells').
    let builder = match Table::builder(plan, ids, &names) {
        Ok(b) => b,
        Err(e) => {
            place_core_problems(&e, &positions, &mut table_problems, &mut located);
            located.sort_by_key(|l| (l.row, l.col));
            table_problems.extend(located.into_iter().map(|l| l.problem));
            return Err(input_error(py, table_problems));
        }
    };
    let ids = builder.ids();

    let width = names.len();
    let mut converted: Vec<Vec<(usize, Decimal)>> = vec![Vec::new(); n.div_ceil(per)];
    let mut deferred = Vec::new();
    {
        for (k, col) in sources.iter().enumerate() {
            let j = positions[k];
            let name = &names[k];
            let cells = match read_column(col, true)? {
                Ok(c) => c,
                Err(m) => {
                    let at = Loc::root().key("columns").index(j);
                    let m = format!("column `{name}`: {m}");
                    table_problems.push(Problem::new(at, perfscore::kinds::INVALID, m));
                    continue;
                }
            };
            if cells.len() != n {
                table_problems.push(Problem::new(
                    Loc::root().key("columns").index(j),
                    perfscore::kinds::LENGTH_MISMATCH,
                    format!(
                        "column `{name}`: {} values, but the id column has {n}",
                        cells.len()
                    ),
                ));
                continue;
            }
            let t = Clock::start();
            let mut bad = |i: usize, message: String| {
                located.push(Located {
                    row: i,
                    col: k + 1,
                    problem: cell_problem(i, &ids[i], name, message),
                });
            };
            match cells {
                Cells::F64(b) => deferred.push(Deferred {
                    k,
                    cells: DeferredCells::F64(b.into()),
                }),
                Cells::I64(b) => deferred.push(Deferred {
                    k,
                    cells: DeferredCells::I64(b.into()),
                }),
                Cells::U64(b) => deferred.push(Deferred {
                    k,
                    cells: DeferredCells::U64(b.into()),
                }),
                Cells::Objects(list) => {
                    if let Some((text, cuts)) = join_column(&list, &sep, per) {
                        deferred.push(Deferred {
                            k,
                            cells: DeferredCells::Joined { text, cuts },
                        });
                        seconds_cells += t.seconds();
                        continue;
                    }
                    let mut chunks = Vec::new();
                    for (start, part) in (0..n).step_by(per).zip(converted.iter_mut()) {
                        let end = (start + per).min(n);
                        chunks.push(gather_objects(
                            &list, start, end, &sep, part, width, k, &mut bad,
                        )?);
                    }
                    if chunks.iter().any(Option::is_some) {
                        deferred.push(Deferred {
                            k,
                            cells: DeferredCells::Text(chunks),
                        });
                    }
                }
            }
            seconds_cells += t.seconds();
        }
    }

    // Problems of the cells converted on the threads, and of the ids, are added to these later.
    let table = FrameTable {
        builder: Some(builder),
        names,
        converted,
        deferred,
        table_problems,
        located,
        threads,
        positions,
        seconds_sequences: started.seconds() - seconds_cells,
        seconds_cells,
    };
    Ok((table, id_objects))
}
