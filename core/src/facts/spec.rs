//! The plan's fact sources and fact measures as written in the plan document (serde types; the
//! checks are in `compile`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A named table of business facts (CRM orders, payments, visits…) that measures aggregate.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Identifier, e.g. `orders`: the key the facts are given under.
    pub id: String,
    /// Display name, e.g. "CRM orders".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The columns perfscore reads; other columns of an export are ignored.
    pub columns: Vec<ColumnSpec>,
    /// The column holding each fact's id, unique in the source.
    pub id_column: String,
    /// The date column that places each fact in a period.
    pub date_column: String,
    /// The column naming the person credited with the fact (an empty cell: unassigned).
    pub owner_column: String,
    /// A text column that splits a fact's credit between people (`E001:60;E002:40`, shares in
    /// percent adding up to exactly 100); where it is empty the owner has all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_column: Option<String>,
}

/// One column of a source.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Identifier used in filters: ASCII letters, digits and `_`, not starting with a digit.
    pub id: String,
    /// What the cells hold.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// Other names the column goes by in exports (`回款金额`, `Amount (CNY)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// The allowed values of an `enum` column.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// Whether a cell may be empty (otherwise an empty cell is a problem).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Whether a negative number is a problem (amounts that are never negative).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub non_negative: bool,
}

/// The type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Free text (names, ids; a JSON number is read as its text).
    Text,
    /// An exact decimal number.
    Decimal,
    /// A whole number.
    Integer,
    /// A calendar date, `YYYY-MM-DD`.
    Date,
    /// `true` / `false`.
    Boolean,
    /// One of the column's `values`.
    Enum,
}

/// A measure computed from facts instead of read from records.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AggregateSpec {
    /// The source's id.
    pub source: String,
    /// How the facts become one number per person.
    pub aggregate: Aggregate,
    /// The column aggregated (not for `count`); for `count_distinct` and `count_new` a list
    /// counts distinct combinations (`["customer", "date"]`: once per customer per day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<Columns>,
    /// Which facts count, in the formula language over the source's columns
    /// (`status == "signed" and product_line == "hardware"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<String>,
    /// Which dates count, relative to the scored period.
    #[serde(default)]
    pub window: Window,
    /// Whose facts a person is credited with: their own (the default), or, through the org
    /// table given with the request, their team's, their branch's, or their own and everyone's
    /// who reports to them.
    #[serde(default, skip_serializing_if = "Credit::is_owner")]
    pub credit: Credit,
}

/// Whose facts a measure credits each person with. Roll-ups read the org table in force on
/// each fact's date and count a fact once per person, whatever its split.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Credit {
    /// The facts credited to the person (split facts by their share).
    #[default]
    Owner,
    /// The facts of everyone in the person's team on the fact's date.
    Team,
    /// The facts of everyone in the person's branch on the fact's date.
    Branch,
    /// The person's own facts and those of everyone who reported to them, directly or through
    /// other managers, on the fact's date.
    Manager,
}

impl Credit {
    fn is_owner(&self) -> bool {
        *self == Credit::Owner
    }
}

/// One column or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Columns {
    /// One column's id.
    One(String),
    /// Several columns' ids.
    Many(Vec<String>),
}

/// How a measure aggregates its facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aggregate {
    /// The sum of a number column (0 with no facts).
    Sum,
    /// The number of facts (0 with none).
    Count,
    /// The number of distinct values (or combinations) of the column(s).
    CountDistinct,
    /// The number of values seen for the first time ever in the window: a customer whose
    /// first qualifying fact, among all the facts given, falls in the window.
    CountNew,
    /// The smallest value (missing with no facts).
    Min,
    /// The largest value (missing with no facts).
    Max,
    /// The mean, at 28 significant digits (missing with no facts).
    Mean,
    /// The value of the earliest fact by date (missing with no facts).
    First,
    /// The value of the latest fact by date (missing with no facts).
    Last,
}

/// The dates a measure counts, relative to the scored period and the as-of date. `end` below is
/// the period's last day, or the as-of date when that is earlier (period-to-date).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// From the period's first day to `end`.
    #[default]
    Period,
    /// Every fact dated up to `end`.
    ToDate,
    /// The same dates one year earlier (same period last year, to the same day).
    LastYear,
    /// The `n` days up to and including `end`.
    LastDays(u32),
    /// The `n` months up to and including `end`.
    LastMonths(u32),
    /// Fixed dates, both included.
    Range {
        /// First day, `YYYY-MM-DD`.
        from: String,
        /// Last day, `YYYY-MM-DD`.
        to: String,
    },
}
