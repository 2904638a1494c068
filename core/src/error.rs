//! Errors: every problem names where it is, and every call reports all the problems it can find.

use std::fmt;

/// One step of a [`Loc`]: a key of an object (a field, a measure id, a CSV header) or the index
/// of an item in a list (zero-based). Serialised as a JSON string or number, like pydantic's `loc`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(untagged)]
pub enum LocItem {
    /// A key of an object.
    Key(String),
    /// The index of an item in a list, from 0.
    Index(usize),
}

impl From<&str> for LocItem {
    fn from(k: &str) -> Self {
        LocItem::Key(k.to_string())
    }
}
impl From<String> for LocItem {
    fn from(k: String) -> Self {
        LocItem::Key(k)
    }
}
impl From<usize> for LocItem {
    fn from(i: usize) -> Self {
        LocItem::Index(i)
    }
}

/// Where a problem is, as data: the steps from the document's root (`["sections", 1,
/// "indicators"]`). The root itself is the empty location. A CSV cell is `["line", 2, "revenue"]`:
/// the 1-based line of the file and the column's header.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Loc(Vec<LocItem>);

impl Loc {
    /// The document's root.
    pub fn root() -> Self {
        Loc(Vec::new())
    }

    /// This location, one key further down.
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.0.push(LocItem::Key(key.into()));
        self
    }

    /// This location, one list index further down.
    pub fn index(mut self, index: usize) -> Self {
        self.0.push(LocItem::Index(index));
        self
    }

    /// The cell of a CSV file at a 1-based `line` under the header `column` (or the whole line).
    pub fn csv(line: u64, column: Option<&str>) -> Self {
        let line = usize::try_from(line).unwrap_or(usize::MAX);
        let at = Loc::root().key("line").index(line);
        match column {
            Some(c) => at.key(c),
            None => at,
        }
    }

    /// `inner` placed under this location (`options` + `period.elapsed`).
    pub fn join(mut self, inner: &Loc) -> Self {
        self.0.extend(inner.0.iter().cloned());
        self
    }

    /// The steps, from the root.
    pub fn items(&self) -> &[LocItem] {
        &self.0
    }

    /// Whether this is the root.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// Read a location from path text (`sections[1].indicators`, `line 2, column revenue`), the
    /// grammar [`Problem::path`] writes. Keys containing `.` or `[` do not survive the trip, so
    /// locations of names from input are built with [`Loc::key`] instead.
    pub fn from_path(path: &str) -> Self {
        let mut out = Loc::root();
        if let Some(rest) = path.strip_prefix("line ") {
            let (n, col) = rest.split_once(", column ").unwrap_or((rest, ""));
            let line = n.trim().parse::<u64>().unwrap_or(0);
            return Loc::csv(line, (!col.is_empty()).then_some(col));
        }
        for part in path.split('.').filter(|p| !p.is_empty()) {
            let (key, mut indexes) = match part.find('[') {
                Some(at) => part.split_at(at),
                None => (part, ""),
            };
            if !key.is_empty() {
                out = out.key(key);
            }
            while let Some(rest) = indexes.strip_prefix('[') {
                let Some((n, after)) = rest.split_once(']') else {
                    break;
                };
                match n.parse::<usize>() {
                    Ok(i) => out = out.index(i),
                    Err(_) => out = out.key(n),
                }
                indexes = after;
            }
        }
        out
    }

    /// The location as one line of text, inserting the record id after the first index
    /// (`records[0] (E001).measures.revenue`) or in front (`record E001.measures.revenue`).
    fn write(&self, id: Option<&str>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items = self.0.iter().peekable();
        if let (Some(LocItem::Key(k)), Some(LocItem::Index(line))) = (self.0.first(), self.0.get(1))
        {
            if k == "line" {
                write!(f, "line {line}")?;
                for item in self.0.iter().skip(2) {
                    match item {
                        LocItem::Key(c) => write!(f, ", column {}", shown(c))?,
                        LocItem::Index(i) => write!(f, "[{i}]")?,
                    }
                }
                return Ok(());
            }
        }
        let mut id = id;
        let has_index = self.0.iter().any(|i| matches!(i, LocItem::Index(_)));
        if let (Some(rid), false) = (id, has_index) {
            write!(f, "record {}", shown(rid))?;
            id = None;
            if items.peek().is_some() {
                f.write_str(".")?;
            }
        }
        let mut first = true;
        for item in items {
            match item {
                LocItem::Index(i) => {
                    write!(f, "[{i}]")?;
                    if let Some(rid) = id.take() {
                        write!(f, " ({})", shown(rid))?;
                    }
                }
                LocItem::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(&shown(k))?;
                }
            }
            first = false;
        }
        Ok(())
    }
}

impl fmt::Display for Loc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(None, f)
    }
}

/// One problem: where it is ([`Loc`], plus the record's id when it is about a record), what kind
/// of problem it is (a stable snake_case code hosts can match on) and what is wrong, in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Where the problem is.
    pub loc: Loc,
    /// The id of the record the problem is about, when there is one (instead of text in the path).
    pub id: Option<String>,
    /// What kind of problem it is: a stable snake_case code such as `not_a_number`.
    pub kind: &'static str,
    /// What is wrong, in plain English words.
    pub message: String,
}

impl Problem {
    /// A problem at `loc` of the given `kind`.
    pub fn new(loc: Loc, kind: &'static str, message: impl Into<String>) -> Self {
        Problem {
            loc,
            id: None,
            kind,
            message: message.into(),
        }
    }

    /// A problem located by path text the library itself spelled out (`sections[1].weight`).
    pub(crate) fn at(
        path: impl AsRef<str>,
        kind: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Problem::new(Loc::from_path(path.as_ref()), kind, message)
    }

    /// Transitional: a problem whose kind is not yet chosen (path text, `invalid`).
    pub(crate) fn untyped(path: impl AsRef<str>, message: impl Into<String>) -> Self {
        Problem::at(path, kinds::INVALID, message)
    }

    /// The same problem, about the record with this id.
    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// The same problem with its location placed under `outer` (`options` + `period`).
    pub fn under(mut self, outer: &Loc) -> Self {
        self.loc = outer.clone().join(&self.loc);
        self
    }

    /// The location as one line of text (`records[0] (E001).measures.revenue`), as in messages.
    pub fn path(&self) -> String {
        struct Path<'a>(&'a Problem);
        impl fmt::Display for Path<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.loc.write(self.0.id.as_deref(), f)
            }
        }
        Path(self).to_string()
    }

    /// The closing entry of a list that was cut at its limit: `…: 9000 more problems not listed`.
    fn omitted(count: usize) -> Self {
        Problem::new(
            Loc::root().key(OMITTED_KEY),
            kinds::MORE_PROBLEMS,
            format!("{count} more problems not listed"),
        )
    }

    /// How many problems this entry stands for, if it is the closing entry of a cut list.
    fn omitted_count(&self) -> Option<usize> {
        if self.kind != kinds::MORE_PROBLEMS {
            return None;
        }
        self.message.split(' ').next()?.parse().ok()
    }
}

impl serde::Serialize for Problem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Problem", 5)?;
        st.serialize_field("loc", &self.loc)?;
        if let Some(id) = &self.id {
            st.serialize_field("id", id)?;
        }
        st.serialize_field("kind", self.kind)?;
        st.serialize_field("path", &self.path())?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

/// The stable codes of [`Problem::kind`]. Hosts match on these; their meaning never changes.
pub mod kinds {
    /// The closing entry of a list cut at its limit (`…: N more problems not listed`).
    pub const MORE_PROBLEMS: &str = "more_problems";
    /// Not yet given a more precise kind.
    pub const INVALID: &str = "invalid";

    // Batch tables (`crate::batch::Table`).
    /// A table column names no measure of the plan.
    pub const UNKNOWN_COLUMN: &str = "unknown_column";
    /// Two table columns name the same measure (by id and alias).
    pub const DUPLICATE_COLUMN: &str = "duplicate_column";
    /// A table's values do not fit its ids and columns (a short column, a wrong count).
    pub const RAGGED_TABLE: &str = "ragged_table";
    /// A record id is empty (or only spaces).
    pub const EMPTY_ID: &str = "empty_id";
    /// A record id is used by an earlier record of the same batch.
    pub const DUPLICATE_ID: &str = "duplicate_id";
    /// A bug, not a problem of the input: e.g. a batch thread panicked.
    pub const INTERNAL: &str = "internal";
}

/// The most problems one error lists. Past it, a last entry (path `…`) says how many more there
/// were, so an error stays small however bad the input is (a million bad rows give 1,001 entries,
/// not ten million). Hosts may lower it for compiling a plan with [`crate::Limits::max_problems`].
pub const MAX_PROBLEMS: usize = 1000;

/// The key of the closing "N more problems" entry; no real key is a lone ellipsis.
const OMITTED_KEY: &str = "…";

/// Collects problems up to a limit, counting the rest, so every call can report all it finds
/// while the report (and the memory spent on it) stays bounded.
#[derive(Debug, Clone)]
pub struct Problems {
    list: Vec<Problem>,
    omitted: usize,
    limit: usize,
}

impl Default for Problems {
    fn default() -> Self {
        Problems::with_limit(MAX_PROBLEMS)
    }
}

impl Problems {
    /// An empty collector that keeps at most [`MAX_PROBLEMS`].
    pub fn new() -> Self {
        Problems::default()
    }

    /// An empty collector that keeps at most `limit` problems (at least one).
    pub fn with_limit(limit: usize) -> Self {
        Problems {
            list: Vec::new(),
            omitted: 0,
            limit: limit.max(1),
        }
    }

    /// Add one problem (counted only, once the limit is reached).
    pub fn push(&mut self, problem: Problem) {
        if let Some(n) = problem.omitted_count() {
            self.omitted = self.omitted.saturating_add(n);
        } else if self.list.len() < self.limit {
            self.list.push(problem);
        } else {
            self.omitted = self.omitted.saturating_add(1);
        }
    }

    /// Add a problem by its location, kind and message.
    pub fn report(&mut self, loc: Loc, kind: &'static str, message: impl Into<String>) {
        self.push(Problem::new(loc, kind, message));
    }

    /// Add a problem located by path text the library itself spelled out.
    pub(crate) fn report_at(
        &mut self,
        path: impl AsRef<str>,
        kind: &'static str,
        message: impl Into<String>,
    ) {
        self.push(Problem::at(path, kind, message));
    }

    /// Transitional: add a problem whose kind is not yet chosen.
    pub(crate) fn report_untyped(&mut self, path: impl AsRef<str>, message: impl Into<String>) {
        self.push(Problem::untyped(path, message));
    }

    /// Add every problem of `error` (including what it had already cut).
    pub fn absorb(&mut self, error: &Error) {
        self.extend(error.problems().iter().cloned());
    }

    /// True when nothing has been reported.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.omitted == 0
    }

    /// How many problems were reported, listed or not.
    pub fn count(&self) -> usize {
        self.list.len().saturating_add(self.omitted)
    }

    /// The listed problems, followed by the closing "N more" entry when some were cut.
    pub fn into_vec(self) -> Vec<Problem> {
        let mut list = self.list;
        if self.omitted > 0 {
            list.push(Problem::omitted(self.omitted));
        }
        list
    }

    /// `Ok(value)` when nothing was reported, otherwise the error `kind` made of the problems.
    pub fn finish<T>(self, kind: fn(Vec<Problem>) -> Error, value: T) -> Result<T> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(kind(self.into_vec()))
        }
    }
}

impl Extend<Problem> for Problems {
    fn extend<I: IntoIterator<Item = Problem>>(&mut self, iter: I) {
        for p in iter {
            self.push(p);
        }
    }
}

/// A user-supplied name (an id, a key, a header) made safe to put in a message or a path: at most
/// [`MAX_NAME_CHARS`] characters (then `…`), control characters and bidirectional overrides
/// written as `\u{…}` escapes, so an error can neither grow with the input nor display text that
/// reads differently from what it holds.
pub(crate) fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || is_bidi_control(c);
    if name.chars().count() <= MAX_NAME_CHARS && !name.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if i == MAX_NAME_CHARS {
            out.push('…');
            break;
        }
        if unsafe_char(c) {
            out.push_str(&c.escape_unicode().to_string());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Longest user-supplied name quoted whole in an error.
pub(crate) const MAX_NAME_CHARS: usize = 64;

/// Characters that reorder how text around them is displayed (Unicode bidi controls).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.loc.is_root() && self.id.is_none() {
            f.write_str(&self.message)
        } else {
            self.loc.write(self.id.as_deref(), f)?;
            write!(f, ": {}", self.message)
        }
    }
}

fn write_problems(f: &mut fmt::Formatter<'_>, what: &str, problems: &[Problem]) -> fmt::Result {
    match problems {
        [one] => write!(f, "{what}: {one}"),
        many => {
            write!(f, "{what} ({} problems):", many.len())?;
            for p in many {
                write!(f, "\n  - {p}")?;
            }
            Ok(())
        }
    }
}

/// Everything that can go wrong in perfscore, with a stable machine-readable code per kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The plan document is malformed or inconsistent; nothing was compiled.
    #[error("{}", DisplayProblems("invalid plan", .0))]
    Plan(Vec<Problem>),
    /// A record, a CSV file or a scoring input is malformed or incomplete; nothing was scored.
    #[error("{}", DisplayProblems("invalid input", .0))]
    Input(Vec<Problem>),
}

struct DisplayProblems<'a>(&'static str, &'a [Problem]);

impl fmt::Display for DisplayProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_problems(f, self.0, self.1)
    }
}

impl Error {
    /// Stable code for hosts: `PLAN_INVALID` or `INPUT_INVALID`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Plan(_) => "PLAN_INVALID",
            Error::Input(_) => "INPUT_INVALID",
        }
    }

    /// `{"code": …, "problems": [{"path": …, "message": …}]}`: the form every binding reports in
    /// conformance tests.
    pub fn to_canonical_json(&self) -> String {
        #[derive(serde::Serialize)]
        struct Canonical<'a> {
            code: &'a str,
            problems: &'a [Problem],
        }
        serde_json::to_string(&Canonical {
            code: self.code(),
            problems: self.problems(),
        })
        .unwrap_or_else(|_| String::from("{}"))
    }

    /// The same error with at most [`MAX_PROBLEMS`] problems listed (the rest counted in a last
    /// `…` entry). The core's own errors already are; bindings apply it where an error leaves
    /// for the host, so problems a binding collected itself are bounded the same way.
    pub fn bounded(self) -> Error {
        let cut = |problems: Vec<Problem>| {
            if problems.len() <= MAX_PROBLEMS {
                return problems;
            }
            let mut kept = Problems::new();
            kept.extend(problems);
            kept.into_vec()
        };
        match self {
            Error::Plan(p) => Error::Plan(cut(p)),
            Error::Input(p) => Error::Input(cut(p)),
        }
    }

    /// The problems, each with its path.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Plan(p) | Error::Input(p) => p,
        }
    }
}

/// Result alias for perfscore.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_problem_reads_as_one_line() {
        let e = Error::Plan(vec![Problem::untyped(
            "sections[1].indicators",
            "weights sum to 95%, expected 100%",
        )]);
        assert_eq!(
            e.to_string(),
            "invalid plan: sections[1].indicators: weights sum to 95%, expected 100%"
        );
        assert_eq!(e.code(), "PLAN_INVALID");
    }

    #[test]
    fn problems_past_the_limit_are_counted_not_kept() {
        let mut p = Problems::with_limit(2);
        for i in 0..5 {
            p.report_untyped(format!("records[{i}]"), "bad");
        }
        assert_eq!(p.count(), 5);
        let list = p.into_vec();
        // 2 listed + 1 closing entry for the 3 cut.
        assert_eq!(list.len(), 3);
        assert_eq!(list[2].to_string(), "…: 3 more problems not listed");
    }

    #[test]
    fn a_cut_list_absorbed_keeps_its_count() {
        let mut inner = Problems::with_limit(1);
        for _ in 0..4 {
            inner.report_untyped("a", "x");
        }
        let inner = Error::Input(inner.into_vec());
        let mut outer = Problems::with_limit(10);
        outer.report_untyped("b", "y");
        outer.absorb(&inner);
        // b, a, and the 3 that `inner` had cut.
        assert_eq!(outer.count(), 5);
        assert_eq!(outer.into_vec().len(), 3);
    }

    #[test]
    fn names_in_errors_are_bounded_and_escaped() {
        assert_eq!(shown("E001"), "E001");
        assert_eq!(shown("a\u{0}b\u{202E}c"), "a\\u{0}b\\u{202e}c");
        let long = "x".repeat(1000);
        assert_eq!(shown(&long).chars().count(), MAX_NAME_CHARS + 1);
    }

    #[test]
    fn many_problems_are_listed() {
        let e = Error::Input(vec![Problem::untyped("a", "x"), Problem::untyped("b", "y")]);
        assert_eq!(
            e.to_string(),
            "invalid input (2 problems):\n  - a: x\n  - b: y"
        );
    }
}
