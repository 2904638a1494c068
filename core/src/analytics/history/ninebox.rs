//! The 9-box: people placed on a 3 × 3 grid by two scores of one period (the performance total
//! across, a 360 overall or a potential rating up, or any two of total, 360, pay, an
//! indicator's points and values the request gives), each score cut into low / middle / high
//! by fixed cut points or by thirds of the cohort, and how people moved since an earlier cycle.
//! Placement compares exact decimals; nobody is placed on a missing score.

use super::collection::History;
use super::compare::{pick, Side};
use super::period::Period;
use super::result::PeriodResult;
use crate::error::{kinds, shown, Loc, Problem, Problems};
use crate::number::serialize_decimal as dec;
use crate::Lang;
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Which score an axis places people by.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Score {
    Total,
    Feedback,
    Pay,
    /// An indicator's points.
    Indicator(String),
    /// Values the request gives per person and period (a potential rating, say).
    Given(HashMap<(String, Period), Decimal>),
}

/// How an axis is cut into its three bands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cuts {
    /// Low below the first, high from the second on (a value on a cut goes up).
    Fixed(Decimal, Decimal),
    /// By rank in the cohort placed: band = ⌊3 × (people strictly below) ÷ cohort⌋, so equal
    /// values share a band.
    Thirds,
}

/// One axis of the grid.
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    pub score: Score,
    pub cuts: Cuts,
    pub name: String,
}

/// The 9-box of one period, with movement since `before` when the request names one.
#[derive(Debug, Serialize)]
pub(crate) struct NineBox {
    pub period: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    pub x: AxisOut,
    pub y: AxisOut,
    pub boxes: Vec<BoxOut>,
    pub people: Vec<Placed>,
    pub not_placed: Vec<NotPlaced>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement: Option<Movement>,
    pub summary: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct AxisOut {
    pub name: String,
    /// `[low_cut, high_cut]` (`"thirds"` when cut by rank).
    pub cuts: Value,
}

#[derive(Debug, Serialize)]
pub(crate) struct BoxOut {
    /// 1 (low, low) … 9 (high, high): 3 × y band + x band + 1.
    #[serde(rename = "box")]
    pub number: u8,
    pub x: &'static str,
    pub y: &'static str,
    pub label: String,
    pub count: usize,
    pub people: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Placed {
    pub person: String,
    #[serde(serialize_with = "dec")]
    pub x_value: Decimal,
    #[serde(serialize_with = "dec")]
    pub y_value: Decimal,
    #[serde(rename = "box")]
    pub number: u8,
    pub label: String,
    /// The box in the earlier cycle (`null`: not placed then).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_box: Option<Option<u8>>,
    /// `up` / `down` (the two bands' sum rose or fell), `across` (same sum, other box), `same`,
    /// `new` (not placed before).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub movement: Option<&'static str>,
}

#[derive(Debug, Serialize)]
pub(crate) struct NotPlaced {
    pub person: String,
    pub reason: String,
}

#[derive(Debug, Default, Serialize)]
pub(crate) struct Movement {
    pub up: usize,
    pub down: usize,
    pub across: usize,
    pub same: usize,
    pub new: usize,
    /// Placed before, not now.
    pub left: usize,
    /// Box-to-box counts of the people placed both times, by (from, to).
    pub transitions: Vec<Transition>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Transition {
    pub from: u8,
    pub to: u8,
    pub count: usize,
}

const BANDS: [&str; 3] = ["low", "middle", "high"];
const LABELS: [(&str, &str); 9] = [
    ("Risk", "风险"),
    ("Effective", "称职"),
    ("Solid professional", "稳健骨干"),
    ("Inconsistent", "表现不稳"),
    ("Core player", "中坚力量"),
    ("High performer", "高绩效"),
    ("Rough diamond", "待雕琢"),
    ("High potential", "高潜力"),
    ("Star", "明星"),
];

/// What the request asks of the 9-box.
pub(crate) struct Ask<'a> {
    pub now: Side<'a>,
    pub before: Option<Side<'a>>,
    pub x: &'a Axis,
    pub y: &'a Axis,
    pub labels: Option<&'a [String]>,
    pub people: Option<&'a [String]>,
    pub lang: Lang,
}

/// The 9-box `ask` describes.
pub(crate) fn nine_box(history: &History, ask: &Ask<'_>) -> crate::Result<NineBox> {
    let zh = ask.lang == Lang::Zh;
    let now = pick(history, &ask.now, "period").map_err(|p| crate::Error::Input(vec![p]))?;
    let (placed, not_placed) = place(&now, ask, ask.now.period, zh);
    let before = match &ask.before {
        Some(side) => {
            let then = pick(history, side, "before").map_err(|p| crate::Error::Input(vec![p]))?;
            Some(place(&then, ask, side.period, zh).0)
        }
        None => None,
    };
    let label = |n: u8| -> String {
        let i = usize::from(n.saturating_sub(1));
        match ask.labels.and_then(|l| l.get(i)) {
            Some(l) => l.clone(),
            None => LABELS
                .get(i)
                .map(|(en, cn)| if zh { *cn } else { *en })
                .unwrap_or_default()
                .to_owned(),
        }
    };
    let mut movement = before.as_ref().map(|_| Movement::default());
    let mut transitions: BTreeMap<(u8, u8), usize> = BTreeMap::new();
    let mut people = Vec::with_capacity(placed.len());
    for (person, (xv, yv, xb, yb)) in &placed {
        let number = box_number(*xb, *yb);
        let (before_box, moved) = match (&before, movement.as_mut()) {
            (Some(b), Some(m)) => {
                let was = b.get(person).map(|(_, _, bx, by)| (*bx, *by));
                let moved = match was {
                    None => {
                        m.new = m.new.saturating_add(1);
                        "new"
                    }
                    Some((bx, by)) => {
                        let e = transitions.entry((box_number(bx, by), number)).or_default();
                        *e = e.saturating_add(1);
                        let (s0, s1) = (bx.saturating_add(by), xb.saturating_add(*yb));
                        let (word, count) = match s1.cmp(&s0) {
                            std::cmp::Ordering::Greater => ("up", &mut m.up),
                            std::cmp::Ordering::Less => ("down", &mut m.down),
                            _ if (bx, by) == (*xb, *yb) => ("same", &mut m.same),
                            _ => ("across", &mut m.across),
                        };
                        *count = count.saturating_add(1);
                        word
                    }
                };
                (Some(was.map(|(bx, by)| box_number(bx, by))), Some(moved))
            }
            _ => (None, None),
        };
        people.push(Placed {
            person: person.clone(),
            x_value: *xv,
            y_value: *yv,
            number,
            label: label(number),
            before_box,
            movement: moved,
        });
    }
    if let (Some(b), Some(m)) = (&before, movement.as_mut()) {
        m.left = b.keys().filter(|p| !placed.contains_key(*p)).count();
        m.transitions = transitions
            .into_iter()
            .map(|((from, to), count)| Transition { from, to, count })
            .collect();
    }
    let boxes: Vec<BoxOut> = (1..=9u8)
        .map(|n| {
            let members: Vec<String> = people
                .iter()
                .filter(|p| p.number == n)
                .map(|p| p.person.clone())
                .collect();
            let i = usize::from(n.saturating_sub(1));
            BoxOut {
                number: n,
                x: BANDS.get(i % 3).copied().unwrap_or_default(),
                y: BANDS.get(i / 3).copied().unwrap_or_default(),
                label: label(n),
                count: members.len(),
                people: members,
            }
        })
        .collect();
    let summary = summary(&boxes, people.len(), movement.as_ref(), zh);
    Ok(NineBox {
        period: ask.now.period.to_string(),
        before: ask.before.as_ref().map(|s| s.period.to_string()),
        x: axis_out(ask.x),
        y: axis_out(ask.y),
        boxes,
        people,
        not_placed,
        movement,
        summary,
    })
}

type Bands = BTreeMap<String, (Decimal, Decimal, u8, u8)>;

/// Each person's two values and bands in one period, and who could not be placed.
fn place(
    results: &BTreeMap<&str, &PeriodResult>,
    ask: &Ask<'_>,
    period: Period,
    zh: bool,
) -> (Bands, Vec<NotPlaced>) {
    let mut values = Vec::new();
    let mut missing = Vec::new();
    let only: Option<std::collections::HashSet<&str>> =
        ask.people.map(|ps| ps.iter().map(String::as_str).collect());
    let wanted = |p: &str| only.as_ref().is_none_or(|ps| ps.contains(p));
    for (person, r) in results.iter().filter(|(p, _)| wanted(p)) {
        match (value(&ask.x.score, r), value(&ask.y.score, r)) {
            (Some(x), Some(y)) => values.push((*person, x, y)),
            (x, _) => {
                let axis = if x.is_none() { ask.x } else { ask.y };
                missing.push(NotPlaced {
                    person: (*person).to_owned(),
                    reason: if zh {
                        format!("{period} 没有{}", axis.name)
                    } else {
                        format!("no {} in {period}", axis.name)
                    },
                });
            }
        }
    }
    let mut xs: Vec<Decimal> = values.iter().map(|v| v.1).collect();
    let mut ys: Vec<Decimal> = values.iter().map(|v| v.2).collect();
    xs.sort_unstable();
    ys.sort_unstable();
    let bands = values
        .iter()
        .map(|(p, x, y)| {
            let xb = band(*x, &ask.x.cuts, &xs);
            let yb = band(*y, &ask.y.cuts, &ys);
            ((*p).to_owned(), (*x, *y, xb, yb))
        })
        .collect();
    (bands, missing)
}

fn value(score: &Score, r: &PeriodResult) -> Option<Decimal> {
    match score {
        Score::Total => Some(r.total),
        Score::Feedback => r.feedback,
        Score::Pay => r.pay,
        Score::Indicator(id) => r.indicators.iter().find(|i| &i.id == id)?.points,
        Score::Given(values) => values.get(&(r.person.clone(), r.period)).copied(),
    }
}

/// 0 (low), 1 (middle) or 2 (high); `cohort` sorted.
fn band(v: Decimal, cuts: &Cuts, cohort: &[Decimal]) -> u8 {
    match cuts {
        Cuts::Fixed(low, high) => u8::from(v >= *low).saturating_add(u8::from(v >= *high)),
        Cuts::Thirds => {
            let below = cohort.partition_point(|c| *c < v);
            let band = below
                .saturating_mul(3)
                .checked_div(cohort.len())
                .unwrap_or(0);
            u8::try_from(band.min(2)).unwrap_or(2)
        }
    }
}

fn box_number(x: u8, y: u8) -> u8 {
    y.saturating_mul(3).saturating_add(x).saturating_add(1)
}

fn axis_out(a: &Axis) -> AxisOut {
    AxisOut {
        name: a.name.clone(),
        cuts: match &a.cuts {
            Cuts::Fixed(l, h) => Value::Array(vec![
                Value::String(l.normalize().to_string()),
                Value::String(h.normalize().to_string()),
            ]),
            Cuts::Thirds => Value::String("thirds".into()),
        },
    }
}

fn summary(boxes: &[BoxOut], placed: usize, movement: Option<&Movement>, zh: bool) -> String {
    let top = boxes.last();
    let (top_n, top_label) = top.map_or((0, String::new()), |b| (b.count, b.label.clone()));
    let low = boxes.first();
    let (low_n, low_label) = low.map_or((0, String::new()), |b| (b.count, b.label.clone()));
    let mut s = if zh {
        format!("{placed} 人入格：{top_n} 人在「{top_label}」，{low_n} 人在「{low_label}」")
    } else {
        format!("{placed} people placed: {top_n} in {top_label}, {low_n} in {low_label}")
    };
    if let Some(m) = movement {
        s.push_str(&if zh {
            format!(
                "；较上期上升 {}，下降 {}，平移 {}，不变 {}，新入格 {}，离开 {}",
                m.up, m.down, m.across, m.same, m.new, m.left
            )
        } else {
            format!(
                "; since the earlier cycle {} moved up, {} down, {} across, {} stayed, {} new, {} left",
                m.up, m.down, m.across, m.same, m.new, m.left
            )
        });
    }
    s
}

/// An axis from the request (`{"score": "total" | "feedback" | "pay" | "indicator" | "given",
/// "indicator": id, "values": [{person, period, value}], "cuts": [low, high] | "thirds",
/// "name": text}`), or `None` with its problems.
pub(crate) fn read_axis(v: Value, at: &Loc, problems: &mut Problems) -> Option<Axis> {
    let Value::Object(mut m) = v else {
        problems.push(
            Problem::new(
                at.clone(),
                kinds::WRONG_TYPE,
                "expected an axis object like {\"score\": \"total\", \"cuts\": [70, 85]}",
            )
            .zh("应为坐标轴对象，如 {\"score\": \"total\", \"cuts\": [70, 85]}"),
        );
        return None;
    };
    const FIELDS: [&str; 5] = ["score", "indicator", "values", "cuts", "name"];
    let mut ok = true;
    for k in m.keys().filter(|k| !FIELDS.contains(&k.as_str())) {
        ok = false;
        problems.push(
            Problem::new(
                at.clone().key(k.as_str()),
                kinds::UNKNOWN_FIELD,
                format!("unknown field: expected {}", FIELDS.join(", ")),
            )
            .zh(format!("未知字段；可用：{}", FIELDS.join("、"))),
        );
    }
    let score = read_score(&mut m, at, problems);
    let cuts = read_cuts(m.remove("cuts"), &at.clone().key("cuts"), problems);
    let name = match m.remove("name") {
        None | Some(Value::Null) => None,
        Some(v) => crate::input::scalar::text(v, &at.clone().key("name"), problems).ok()?,
    };
    let (score, cuts) = (score?, cuts?);
    let name = name.unwrap_or_else(|| match &score {
        Score::Total => "total".into(),
        Score::Feedback => "360".into(),
        Score::Pay => "pay".into(),
        Score::Indicator(id) => id.clone(),
        Score::Given(_) => "given score".into(),
    });
    ok.then_some(Axis { score, cuts, name })
}

fn read_score(m: &mut Map<String, Value>, at: &Loc, problems: &mut Problems) -> Option<Score> {
    let which = crate::input::scalar::required_text(
        m.remove("score"),
        &at.clone().key("score"),
        "评分来源",
        problems,
    )?;
    match which.as_str() {
        "total" => Some(Score::Total),
        "feedback" | "360" => Some(Score::Feedback),
        "pay" => Some(Score::Pay),
        "indicator" => crate::input::scalar::required_text(
            m.remove("indicator"),
            &at.clone().key("indicator"),
            "指标编号",
            problems,
        )
        .map(Score::Indicator),
        "given" => read_given(m.remove("values"), &at.clone().key("values"), problems),
        other => {
            problems.push(
                Problem::new(
                    at.clone().key("score"),
                    kinds::INVALID_VALUE,
                    format!(
                        "`{}` is not a score: expected total, feedback, pay, indicator or given",
                        shown(other)
                    ),
                )
                .zh(format!(
                    "`{}` 不是评分来源；可用：total、feedback、pay、indicator、given",
                    shown(other)
                )),
            );
            None
        }
    }
}

/// `[{"person", "period", "value"}]`: each person's given score in each period.
fn read_given(v: Option<Value>, at: &Loc, problems: &mut Problems) -> Option<Score> {
    let Some(Value::Array(rows)) = v else {
        problems.push(
            Problem::new(
                at.clone(),
                kinds::MISSING,
                "`values` is missing: a list of {\"person\", \"period\", \"value\"}",
            )
            .zh("缺少 `values`（{\"person\", \"period\", \"value\"} 列表）"),
        );
        return None;
    };
    let before = problems.count();
    let mut out = HashMap::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let at = at.clone().index(i);
        let Value::Object(mut row) = row else {
            problems.push(
                Problem::new(
                    at,
                    kinds::WRONG_TYPE,
                    "expected {\"person\", \"period\", \"value\"}",
                )
                .zh("应为 {\"person\", \"period\", \"value\"}"),
            );
            continue;
        };
        let person = crate::input::scalar::required_text(
            row.remove("person"),
            &at.clone().key("person"),
            "人员编号",
            problems,
        );
        let period = crate::input::scalar::required_text(
            row.remove("period"),
            &at.clone().key("period"),
            "考核期间",
            problems,
        )
        .and_then(|t| super::parse_period(&t, &at.clone().key("period"), problems));
        let value = match row.remove("value") {
            Some(v) => crate::input::scalar::number(v, &at.clone().key("value"), problems)
                .ok()
                .flatten(),
            None => None,
        };
        if let (Some(person), Some(period), Some(value)) = (person, period, value) {
            if out.insert((person.clone(), period), value).is_some() {
                problems.push(
                    Problem::new(
                        at,
                        kinds::DUPLICATE,
                        format!("a second value for period {period}"),
                    )
                    .zh(format!("考核期间 {period} 的值重复"))
                    .with_id(person),
                );
            }
        }
    }
    (problems.count() == before).then_some(Score::Given(out))
}

fn read_cuts(v: Option<Value>, at: &Loc, problems: &mut Problems) -> Option<Cuts> {
    match v {
        None | Some(Value::Null) => Some(Cuts::Thirds),
        Some(Value::String(s)) if s == "thirds" => Some(Cuts::Thirds),
        Some(Value::Array(items)) if items.len() == 2 => {
            let mut read = items.into_iter().enumerate().map(|(i, v)| {
                crate::input::scalar::number(v, &at.clone().index(i), problems)
                    .ok()
                    .flatten()
            });
            let (low, high) = (read.next().flatten(), read.next().flatten());
            let (low, high) = (low?, high?);
            if low > high {
                problems.push(
                    Problem::new(
                        at.clone(),
                        kinds::INVALID_VALUE,
                        format!("the cuts go down ({low} then {high}): give the low cut first"),
                    )
                    .zh(format!("分界点应从低到高（{low}，{high}）")),
                );
                return None;
            }
            Some(Cuts::Fixed(low, high))
        }
        Some(_) => {
            problems.push(
                Problem::new(
                    at.clone(),
                    kinds::INVALID_VALUE,
                    "expected two cut points [low, high] or \"thirds\"",
                )
                .zh("应为两个分界点 [低, 高] 或 \"thirds\""),
            );
            None
        }
    }
}
