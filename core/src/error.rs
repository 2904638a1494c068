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
    fn many_problems_are_listed() {
        let e = Error::Input(vec![Problem::new("a", "x"), Problem::new("b", "y")]);
        assert_eq!(
            e.to_string(),
            "invalid input (2 problems):\n  - a: x\n  - b: y"
        );
    }
}
