//! Errors: every problem names where it is, and every call reports all the problems it can find.

use std::fmt;

/// One problem, located by a path into the plan or the input (e.g. `sections[1].indicators`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Where the problem is: a JSON path into the plan, or a record and field, or a CSV line and column.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The closing entry of a list that was cut at its limit: `…: 9000 more problems not listed`.
    fn omitted(count: usize) -> Self {
        Problem::new(OMITTED_PATH, format!("{count} more problems not listed"))
    }

    /// How many problems this entry stands for, if it is the closing entry of a cut list.
    fn omitted_count(&self) -> Option<usize> {
        if self.path != OMITTED_PATH {
            return None;
        }
        self.message.split(' ').next()?.parse().ok()
    }
}

/// The most problems one error lists. Past it, a last entry (path `…`) says how many more there
/// were, so an error stays small however bad the input is (a million bad rows give 1,001 entries,
/// not ten million). Hosts may lower it for compiling a plan with [`crate::Limits::max_problems`].
pub const MAX_PROBLEMS: usize = 1000;

/// The path of the closing "N more problems" entry; no real path is a lone ellipsis.
const OMITTED_PATH: &str = "…";

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

    /// Add a problem by its path and message.
    pub fn report(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.push(Problem::new(path, message));
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
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
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
        let e = Error::Plan(vec![Problem::new(
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
            p.report(format!("records[{i}]"), "bad");
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
            inner.report("a", "x");
        }
        let inner = Error::Input(inner.into_vec());
        let mut outer = Problems::with_limit(10);
        outer.report("b", "y");
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
        let e = Error::Input(vec![Problem::new("a", "x"), Problem::new("b", "y")]);
        assert_eq!(
            e.to_string(),
            "invalid input (2 problems):\n  - a: x\n  - b: y"
        );
    }
}
