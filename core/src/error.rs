//! Errors: every problem names where it is, and every call reports all the problems it can find.

use crate::lang::Lang;
use std::fmt;

/// A [`Loc`] from its steps, keys and indexes alike: `loc!("sections", i, "weight")`.
macro_rules! loc {
    ($($item:expr),* $(,)?) => {
        $crate::error::Loc::root()$(.step($item))*
    };
}
pub(crate) use loc;

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
impl From<&String> for LocItem {
    fn from(k: &String) -> Self {
        LocItem::Key(k.clone())
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

    /// This location, one step (a key or an index) further down; what [`loc!`] builds with.
    pub(crate) fn step(mut self, item: impl Into<LocItem>) -> Self {
        self.0.push(item.into());
        self
    }

    /// A location the library spelled itself as path text from field names and indexes
    /// (`competencies[2].items`); never text from input, whose keys may hold `.` or `[`.
    pub(crate) fn spelled(path: &str) -> Self {
        Loc::from_path(path)
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

    /// The same place `by` records further on (`records[i]…` → `records[i + by]…`), for a batch
    /// read in parts; any other place unchanged.
    pub(crate) fn records_shifted(mut self, by: usize) -> Loc {
        if let [LocItem::Key(k), LocItem::Index(i), ..] = self.0.as_mut_slice() {
            if k == "records" {
                *i = i.saturating_add(by);
            }
        }
        self
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
    /// (`records[0] (E001).measures.revenue`) or in front (`record (E001).measures.revenue`).
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
        // The id goes after the record's place: its index, or a leading `record` key.
        let record_key = matches!(self.0.first(), Some(LocItem::Key(k)) if k == "record");
        if let (Some(rid), true) = (id, record_key) {
            items.next();
            write!(f, "record ({})", shown(rid))?;
            for item in items {
                match item {
                    LocItem::Index(i) => write!(f, "[{i}]")?,
                    LocItem::Key(k) => write!(f, ".{}", shown(k))?,
                }
            }
            return Ok(());
        }
        let has_index = self.0.iter().any(|i| matches!(i, LocItem::Index(_)));
        if let (Some(rid), false) = (id, has_index) {
            write!(f, "record ({})", shown(rid))?;
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
    /// The same in Simplified Chinese; empty when none was given (then [`Problem::message_in`]
    /// falls back to the English).
    pub message_zh: String,
}

impl Problem {
    /// A problem at `loc` of the given `kind`, described in English; add the Chinese with
    /// [`Problem::zh`] at the same site.
    pub fn new(loc: Loc, kind: &'static str, message: impl Into<String>) -> Self {
        Problem {
            loc,
            id: None,
            kind,
            message: message.into(),
            message_zh: String::new(),
        }
    }

    /// The same problem with its description in Simplified Chinese.
    pub fn zh(mut self, message: impl Into<String>) -> Self {
        self.message_zh = message.into();
        self
    }

    /// The description in `lang` (English when no Chinese was given).
    pub fn message_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh if !self.message_zh.is_empty() => &self.message_zh,
            _ => &self.message,
        }
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
        .zh(format!("另有 {count} 个问题未列出"))
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
        let mut st = s.serialize_struct("Problem", 7)?;
        st.serialize_field("loc", &self.loc)?;
        if let Some(id) = &self.id {
            st.serialize_field("id", id)?;
        }
        st.serialize_field("kind", self.kind)?;
        st.serialize_field("path", &self.path())?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("message_zh", self.message_in(Lang::Zh))?;
        st.end()
    }
}

/// The stable codes of [`Problem::kind`]. Hosts match on these; their meaning never changes.
/// Each is listed, with what it means, in `docs/errors.md`.
pub mod kinds {
    // Input values.

    /// A value that is needed was not given (a measure of a record, a month of a series).
    pub const MISSING: &str = "missing";
    /// A value that must be a number is not one (`abc`, `1,2`, `NaN`).
    pub const NOT_A_NUMBER: &str = "not_a_number";
    /// A number too large, too small or too precise to be kept exactly as a decimal.
    pub const NUMBER_OUT_OF_RANGE: &str = "number_out_of_range";
    /// A value that cannot be negative is (a weight, a share, a count, a cap, a target).
    pub const NEGATIVE: &str = "negative";
    /// A number outside the range its field allows (a factor from 0 to 1, a horizon from 1 to 36,
    /// a pool that must be positive, a limit below its least value).
    pub const OUT_OF_RANGE: &str = "out_of_range";
    /// An amount with more decimal places than the currency's minor units.
    pub const TOO_PRECISE: &str = "too_precise";
    /// An id, a name or a text that must say something is empty.
    pub const EMPTY: &str = "empty";
    /// A list that needs at least one entry has none.
    pub const EMPTY_LIST: &str = "empty_list";
    /// The same id, name or answer is given twice.
    pub const DUPLICATE: &str = "duplicate";
    /// A name refers to something that does not exist (a measure, grade, group, item, competency,
    /// attribute or record).
    pub const UNKNOWN_REFERENCE: &str = "unknown_reference";
    /// Fields that exclude each other are given together (either `a` or `b`, not both).
    pub const CONFLICTING_FIELDS: &str = "conflicting_fields";
    /// A field or setting is given where it does not apply.
    pub const NOT_ALLOWED: &str = "not_allowed";
    /// A list has the wrong number of entries (12 monthly indices, one flat tier).
    pub const WRONG_COUNT: &str = "wrong_count";
    /// Inputs that must line up have different lengths (scorecards and records, values and columns).
    pub const LENGTH_MISMATCH: &str = "length_mismatch";
    /// A month that is not written `YYYY-MM`, or lies outside years 1 to 9999.
    pub const INVALID_MONTH: &str = "invalid_month";
    /// NaN or an infinity, which no exact number stands for.
    pub const NOT_FINITE: &str = "not_finite";
    /// A host value that has no JSON form (a function, a date, text that is not valid Unicode).
    pub const UNSUPPORTED_VALUE: &str = "unsupported_value";

    // Document structure (JSON).

    /// The text is not well-formed JSON.
    pub const SYNTAX_ERROR: &str = "syntax_error";
    /// A value has the wrong JSON type (a string where a list is expected).
    pub const WRONG_TYPE: &str = "wrong_type";
    /// An object has a field the format does not define (often a misspelling).
    pub const UNKNOWN_FIELD: &str = "unknown_field";
    /// A required field of an object is absent (or one another field needs, such as the
    /// responses of a 360 configuration).
    pub const MISSING_FIELD: &str = "missing_field";
    /// An object gives the same key twice.
    pub const DUPLICATE_KEY: &str = "duplicate_key";
    /// A value is not one of the words its field accepts (a method, a policy, a basis).
    pub const UNKNOWN_VARIANT: &str = "unknown_variant";
    /// A value the format cannot read for another reason.
    pub const INVALID_VALUE: &str = "invalid_value";

    // Records.

    /// A scorecard belongs to a different record from the one it is paired with.
    pub const RECORD_MISMATCH: &str = "record_mismatch";

    // Plan structure.

    /// A measure id is not an identifier (letters, digits and `_`, not starting with a digit).
    pub const INVALID_ID: &str = "invalid_id";
    /// A measure id is a word formulas reserve (`actual`, `and`, `min`, …).
    pub const RESERVED_WORD: &str = "reserved_word";
    /// Something needs the indicator's target (completion, progress), and it has none.
    pub const MISSING_TARGET: &str = "missing_target";
    /// Points that must be strictly ascending are not.
    pub const NOT_ASCENDING: &str = "not_ascending";
    /// A floor is above its cap.
    pub const FLOOR_ABOVE_CAP: &str = "floor_above_cap";

    // Weights.

    /// Weights or shares that must add up to 100% do not (indicators, sections, calibration
    /// quotas, intended grade shares).
    pub const WEIGHTS_DO_NOT_SUM: &str = "weights_do_not_sum";
    /// Some entries have a weight and others not: give all or none.
    pub const PARTIAL_WEIGHTS: &str = "partial_weights";
    /// Every weight is zero, or every weighted entry was left out: nothing to split or score by.
    pub const NOTHING_TO_WEIGH: &str = "nothing_to_weigh";

    // Formulas.

    /// A formula cannot be read (an unexpected character, a missing bracket, an empty formula).
    pub const FORMULA_SYNTAX: &str = "formula_syntax";
    /// A formula names a measure, variable or function that does not exist.
    pub const FORMULA_UNKNOWN_NAME: &str = "formula_unknown_name";
    /// A formula mixes numbers and conditions (`revenue and 3`, a number where a condition is needed).
    pub const FORMULA_TYPE: &str = "formula_type";
    /// A formula is longer, deeper or larger than the formula limits.
    pub const FORMULA_TOO_COMPLEX: &str = "formula_too_complex";
    /// A division by zero, written in a formula or met while scoring.
    pub const DIVISION_BY_ZERO: &str = "division_by_zero";
    /// A result too large to represent exactly as a decimal (about 7.9e28).
    pub const ARITHMETIC_OVERFLOW: &str = "arithmetic_overflow";

    // Scoring methods and grades.

    /// The target is 0, so completion is undefined.
    pub const ZERO_TARGET: &str = "zero_target";
    /// A value falls outside every band of a banded method.
    pub const OUTSIDE_BANDS: &str = "outside_bands";
    /// A rating or answer is outside its scale.
    pub const OUTSIDE_SCALE: &str = "outside_scale";
    /// A rating is not one of the ratings the plan lists.
    pub const NOT_ON_SCALE: &str = "not_on_scale";
    /// A range `[from, to)` is empty (`from` is not below `to`).
    pub const EMPTY_RANGE: &str = "empty_range";
    /// Consecutive ranges (grades, bands, tiers) leave a gap between them.
    pub const RANGE_GAP: &str = "range_gap";
    /// Consecutive ranges overlap.
    pub const RANGE_OVERLAP: &str = "range_overlap";
    /// A range is open-ended where only the first or the last may be.
    pub const OPEN_END_MISPLACED: &str = "open_end_misplaced";
    /// The ranges do not reach down or up far enough for every value to fall in one.
    pub const NOT_COVERED: &str = "not_covered";

    // 360 feedback.

    /// A rating scale's min is not below its max, or the scale is too wide to compute with.
    pub const INVALID_SCALE: &str = "invalid_scale";
    /// A rater group merges into itself or into a group that merges elsewhere.
    pub const INVALID_MERGE: &str = "invalid_merge";

    // Pay.

    /// A currency code whose minor units are not known: give `minor_units`.
    pub const UNKNOWN_CURRENCY: &str = "unknown_currency";

    // Analytics.

    /// An operation that does not exist (an analytics operation, or one of a host request).
    pub const UNKNOWN_OPERATION: &str = "unknown_operation";
    /// A series too short or too sparse for the method (24 months for Holt-Winters).
    pub const INSUFFICIENT_HISTORY: &str = "insufficient_history";

    // Limits.

    /// A document longer than the byte limit.
    pub const TOO_LARGE: &str = "too_large";
    /// More entries than a size limit accepts (measures, indicators, months, cells).
    pub const TOO_MANY: &str = "too_many";
    /// A document nested deeper than can be read.
    pub const TOO_DEEP: &str = "too_deep";
    /// A host limit set above its default: limits can only be lowered.
    pub const LIMIT_RAISED: &str = "limit_raised";
    /// The closing entry of a list cut at its limit (`…: N more problems not listed`).
    pub const MORE_PROBLEMS: &str = "more_problems";
    /// A pay plan used with a scoring plan other than the one it was compiled against.
    pub const PLAN_MISMATCH: &str = "plan_mismatch";

    // Bindings.

    /// A problem a binding reports about its own arguments (a DataFrame's columns); the core
    /// itself never reports it.
    pub const INVALID: &str = "invalid";

    /// A bug, not a problem of the input: e.g. a batch thread panicked.
    pub const INTERNAL: &str = "internal";

    /// Every kind, grouped by area as above.
    pub const ALL: &[&str] = &[
        MISSING,
        NOT_A_NUMBER,
        NUMBER_OUT_OF_RANGE,
        NEGATIVE,
        OUT_OF_RANGE,
        TOO_PRECISE,
        EMPTY,
        EMPTY_LIST,
        DUPLICATE,
        UNKNOWN_REFERENCE,
        CONFLICTING_FIELDS,
        NOT_ALLOWED,
        WRONG_COUNT,
        LENGTH_MISMATCH,
        INVALID_MONTH,
        NOT_FINITE,
        UNSUPPORTED_VALUE,
        SYNTAX_ERROR,
        WRONG_TYPE,
        UNKNOWN_FIELD,
        MISSING_FIELD,
        DUPLICATE_KEY,
        UNKNOWN_VARIANT,
        INVALID_VALUE,
        RECORD_MISMATCH,
        INVALID_ID,
        RESERVED_WORD,
        MISSING_TARGET,
        NOT_ASCENDING,
        FLOOR_ABOVE_CAP,
        WEIGHTS_DO_NOT_SUM,
        PARTIAL_WEIGHTS,
        NOTHING_TO_WEIGH,
        FORMULA_SYNTAX,
        FORMULA_UNKNOWN_NAME,
        FORMULA_TYPE,
        FORMULA_TOO_COMPLEX,
        DIVISION_BY_ZERO,
        ARITHMETIC_OVERFLOW,
        ZERO_TARGET,
        OUTSIDE_BANDS,
        OUTSIDE_SCALE,
        NOT_ON_SCALE,
        EMPTY_RANGE,
        RANGE_GAP,
        RANGE_OVERLAP,
        OPEN_END_MISPLACED,
        NOT_COVERED,
        INVALID_SCALE,
        INVALID_MERGE,
        UNKNOWN_CURRENCY,
        UNKNOWN_OPERATION,
        INSUFFICIENT_HISTORY,
        TOO_LARGE,
        TOO_MANY,
        TOO_DEEP,
        LIMIT_RAISED,
        MORE_PROBLEMS,
        INTERNAL,
        INVALID,
    ];
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
        InLang(self, Lang::En).fmt(f)
    }
}

/// A problem as one line in a language: `path: message`, or `path：message` in Chinese.
struct InLang<'a>(&'a Problem, Lang);

impl fmt::Display for InLang<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let InLang(p, lang) = *self;
        if p.loc.is_root() && p.id.is_none() {
            return f.write_str(p.message_in(lang));
        }
        p.loc.write(p.id.as_deref(), f)?;
        match lang {
            Lang::En => write!(f, ": {}", p.message),
            Lang::Zh => write!(f, "：{}", p.message_in(lang)),
        }
    }
}

/// An error's heading and its problems: one line for one problem, a list for several.
struct DisplayProblems<'a>(&'a Error, Lang);

impl fmt::Display for DisplayProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let DisplayProblems(error, lang) = *self;
        let what = match (error, lang) {
            (Error::Plan(_), Lang::En) => "invalid plan",
            (Error::Input(_), Lang::En) => "invalid input",
            (Error::Plan(_), Lang::Zh) => "方案无效",
            (Error::Input(_), Lang::Zh) => "输入无效",
        };
        match (error.problems(), lang) {
            ([one], Lang::En) => write!(f, "{what}: {}", InLang(one, lang)),
            ([one], Lang::Zh) => write!(f, "{what}：{}", InLang(one, lang)),
            (many, _) => {
                match lang {
                    Lang::En => write!(f, "{what} ({} problems):", many.len())?,
                    Lang::Zh => write!(f, "{what}（共 {} 个问题）：", many.len())?,
                }
                for p in many {
                    write!(f, "\n  - {}", InLang(p, lang))?;
                }
                Ok(())
            }
        }
    }
}

/// Everything that can go wrong in perfscore, with a stable machine-readable code per kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The plan document is malformed or inconsistent; nothing was compiled.
    #[error("{}", DisplayProblems(self, Lang::En))]
    Plan(Vec<Problem>),
    /// A record, a CSV file or a scoring input is malformed or incomplete; nothing was scored.
    #[error("{}", DisplayProblems(self, Lang::En))]
    Input(Vec<Problem>),
}

impl Error {
    /// Stable code for hosts: `PLAN_INVALID` or `INPUT_INVALID`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Plan(_) => "PLAN_INVALID",
            Error::Input(_) => "INPUT_INVALID",
        }
    }

    /// The error as text in `lang`, laid out as its [`Display`](fmt::Display) is: a heading
    /// (`invalid plan` / `方案无效`), then the problem, or the list of problems.
    pub fn display_in(&self, lang: Lang) -> String {
        DisplayProblems(self, lang).to_string()
    }

    /// `{"code": …, "problems": [{"loc": […], "id"?: …, "kind": …, "path": …, "message": …,
    /// "message_zh": …}]}`: the form every binding reports in conformance tests.
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
            loc!("sections", 1usize, "indicators"),
            kinds::WEIGHTS_DO_NOT_SUM,
            "weights sum to 95%, expected 100%",
        )
        .zh("权重合计为 95%，应为 100%")]);
        assert_eq!(
            e.to_string(),
            "invalid plan: sections[1].indicators: weights sum to 95%, expected 100%"
        );
        assert_eq!(e.code(), "PLAN_INVALID");
        assert_eq!(
            e.display_in(Lang::Zh),
            "方案无效：sections[1].indicators：权重合计为 95%，应为 100%"
        );
    }

    #[test]
    fn kinds_are_snake_case_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for k in kinds::ALL {
            assert!(
                !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                    && !k.starts_with('_')
                    && !k.ends_with('_')
                    && !k.contains("__"),
                "{k} is not snake_case"
            );
            assert!(seen.insert(*k), "{k} is listed twice");
        }
    }

    #[test]
    fn problems_past_the_limit_are_counted_not_kept() {
        let mut p = Problems::with_limit(2);
        for i in 0..5 {
            p.push(Problem::new(loc!("records", i), kinds::INVALID, "bad"));
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
            inner.push(Problem::new(loc!("a"), kinds::INVALID, "x"));
        }
        let inner = Error::Input(inner.into_vec());
        let mut outer = Problems::with_limit(10);
        outer.push(Problem::new(loc!("b"), kinds::INVALID, "y"));
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
        let e = Error::Input(vec![
            Problem::new(loc!("a"), kinds::INVALID, "x").zh("甲"),
            Problem::new(loc!("b"), kinds::INVALID, "y"),
        ]);
        assert_eq!(
            e.to_string(),
            "invalid input (2 problems):\n  - a: x\n  - b: y"
        );
        // Without a Chinese text, the English stands in.
        assert_eq!(
            e.display_in(Lang::Zh),
            "输入无效（共 2 个问题）：\n  - a：甲\n  - b：y"
        );
    }
}
