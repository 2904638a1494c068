//! The table as read: ids, column names and every chunk's cells, with all problems located by
//! row and column (phases 1–3 in order).

use super::cells::{
    chunk_rows, gather_objects, join_column, joined_text, Deferred, DeferredCells, SEP, SEP_CHAR,
};
use super::columns::{frame_columns, id_from_py, read_column, Cells, NON_MEASURES};
use super::score::default_threads;
use crate::{core_err, problem};
use perfscore::{Columns, Error as CoreError, Plan, Problem};
use pyo3::prelude::*;
use pyo3::types::{PyList, PyString};
use rust_decimal::Decimal;
use std::time::Instant;

/// A problem with a place in the table, sorted into row order before reporting.
pub(super) struct Located {
    pub(super) row: usize,
    pub(super) col: usize,
    pub(super) problem: Problem,
}

pub(super) fn record_path(index: usize, id: &str) -> String {
    if id.is_empty() {
        format!("records[{index}]")
    } else {
        format!("records[{index}] ({id})")
    }
}

/// `columns[k]` in the core's problems (an index into the measure columns it was given) →
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

/// The frame as read: ids, measure column names, row-major values (no `Bound`s, so the
/// threads can share it). `converted` holds the cells converted with the GIL (per chunk, by index
/// in the chunk's values), `deferred` the rest; [`convert_deferred`] makes `values` from both.
pub(super) struct Table {
    pub(super) ids: Vec<String>,
    pub(super) names: Vec<String>,
    pub(super) columns: Columns,
    /// One row-major `Vec` per chunk of `chunk_rows(n, threads)` rows, in order.
    pub(super) values: Vec<Vec<Option<Decimal>>>,
    pub(super) converted: Vec<Vec<(usize, Decimal)>>,
    pub(super) deferred: Vec<Deferred>,
    /// Problems of the table as a whole (reported first), then of cells, found with the GIL.
    pub(super) table_problems: Vec<Problem>,
    pub(super) located: Vec<Located>,
    /// How many threads (and row chunks) convert and score.
    pub(super) threads: usize,
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
    threads: Option<usize>,
) -> PyResult<(Table, Bound<'py, PyList>)> {
    let py = frame.py();
    let started = Instant::now();
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
    let threads = threads.unwrap_or_else(|| default_threads(n)).min(n.max(1));
    let per = chunk_rows(n, threads);
    let t_cells = Instant::now();
    let sep = PyString::new(py, SEP);
    let mut ids = Vec::with_capacity(n);
    // All text (the usual case): one `str.join` and one UTF-8 copy instead of one per id.
    let all_text = sep
        .call_method1("join", (&id_cells,))
        .ok()
        .and_then(|j| j.cast_into::<PyString>().ok())
        .and_then(|j| joined_text(j, n));
    let id_objects = if let Some(text) = all_text {
        for (i, id) in text.split(SEP_CHAR).enumerate() {
            if id.trim().is_empty() {
                located.push(Located {
                    row: i,
                    col: 0,
                    problem: problem(format!("records[{i}].id"), "record id is empty"),
                });
            }
            ids.push(id.to_owned());
        }
        // A copy: the caller may change their list afterwards.
        id_cells.get_slice(0, n).cast_into::<PyList>()?
    } else {
        let id_objects = PyList::empty(py);
        for (i, v) in id_cells.iter().enumerate() {
            match id_from_py(&v)? {
                Ok(s) => {
                    let text = s.to_cow()?.into_owned();
                    if text.trim().is_empty() {
                        located.push(Located {
                            row: i,
                            col: 0,
                            problem: problem(format!("records[{i}].id"), "record id is empty"),
                        });
                    }
                    ids.push(text);
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
    seconds_cells += t_cells.elapsed().as_secs_f64();

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
    let resolved = match plan.columns(&names) {
        Ok(c) => Some(c),
        Err(e) => {
            table_problems.extend(e.problems().iter().map(|p| {
                problem(
                    remap_column_refs(&p.path(), &positions),
                    remap_column_refs(&p.message, &positions),
                )
            }));
            None
        }
    };

    let width = names.len();
    let mut converted: Vec<Vec<(usize, Decimal)>> = vec![Vec::new(); n.div_ceil(per)];
    let mut deferred = Vec::new();
    if resolved.is_some() {
        for (k, col) in sources.iter().enumerate() {
            let j = positions[k];
            let name = &names[k];
            let cells = match read_column(col, true)? {
                Ok(c) => c,
                Err(m) => {
                    table_problems.push(problem(format!("columns[{j}] ({name})"), m));
                    continue;
                }
            };
            if cells.len() != n {
                table_problems.push(problem(
                    format!("columns[{j}] ({name})"),
                    format!("{} values, but the id column has {n}", cells.len()),
                ));
                continue;
            }
            let t = Instant::now();
            let mut bad = |i: usize, message: String| {
                located.push(Located {
                    row: i,
                    col: k + 1,
                    problem: problem(format!("{}.{name}", record_path(i, &ids[i])), message),
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
                        seconds_cells += t.elapsed().as_secs_f64();
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
            seconds_cells += t.elapsed().as_secs_f64();
        }
    }

    // Problems of the cells converted on the threads are added to these later.
    let Some(columns) = resolved else {
        located.sort_by_key(|l| (l.row, l.col));
        table_problems.extend(located.into_iter().map(|l| l.problem));
        return Err(input_error(py, table_problems));
    };
    let table = Table {
        ids,
        names,
        columns,
        values: Vec::new(),
        converted,
        deferred,
        table_problems,
        located,
        threads,
        seconds_sequences: started.elapsed().as_secs_f64() - seconds_cells,
        seconds_cells,
    };
    Ok((table, id_objects))
}
