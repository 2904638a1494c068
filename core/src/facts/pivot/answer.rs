//! A pivot's answer: rows, others and total as JSON cells (value, share, comparisons) and the
//! summary in words, in English or Chinese.

use super::pass::{Pass, Passes};
use super::{Key, Pivot};
use crate::explain::{amount, fixed2};
use crate::facts::aggregate::{Acc, Held};
use crate::facts::compile::Model;
use crate::facts::date::Date;
use crate::facts::org::Org;
use crate::facts::period::Span;
use crate::facts::spec::Aggregate;
use crate::lang::Lang;
use crate::rounding::RoundingMode;
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

/// Run `pivot` over `store` for `period` as known on `as_of`: the answer as JSON.
pub(crate) fn run_pivot(
    model: &Model,
    store: &impl Held,
    pivot: &Pivot,
    org: Option<&Org>,
    period: Span,
    as_of: Option<Date>,
    lang: Lang,
) -> crate::Result<Value> {
    let passes = Passes::run(pivot, model, store, org, (period, as_of))?;
    let writer = Writer::new(pivot, model, lang, &passes);
    let mut summary = vec![pivot.headline(
        lang,
        period,
        as_of,
        &writer.totals,
        passes.current.groups.len(),
    )];
    let rows: Vec<Value> = (passes.order.iter())
        .map(|key| writer.row(&passes, key, &mut summary))
        .collect();
    let others = writer.others(&passes, &mut summary);
    let total = writer.cell(
        &writer.totals,
        passes
            .prev
            .as_ref()
            .map(|p| p.total.iter().map(Acc::peek).collect()),
        passes
            .ly
            .as_ref()
            .map(|p| p.total.iter().map(Acc::peek).collect()),
    );
    Ok(json!({
        "period": {"from": period.from.to_string(), "to": period.to.to_string()},
        "as_of": as_of.map(|d| d.to_string()),
        "by": pivot.names,
        "measures": pivot.ids(model),
        "rows": rows,
        "others": others,
        "total": total,
        "summary": summary,
    }))
}

/// Writes an answer's cells and summary lines.
struct Writer<'p> {
    pivot: &'p Pivot,
    ids: Vec<&'p str>,
    lang: Lang,
    /// The totals of the period, by measure.
    totals: Vec<Option<Decimal>>,
    /// Whether each measure adds up over groups (sums and counts): the ones with shares.
    additive: Vec<bool>,
    /// The values of no facts (0 for sums and counts): a group's in a pass it has no facts in.
    empty: Vec<Option<Decimal>>,
}

impl<'p> Writer<'p> {
    fn new(pivot: &'p Pivot, model: &'p Model, lang: Lang, passes: &Passes<'_>) -> Writer<'p> {
        let additive = (pivot.measures.iter())
            .map(|&m| {
                (model.measures.get(m))
                    .is_some_and(|s| matches!(s.aggregate, Aggregate::Sum | Aggregate::Count))
            })
            .collect();
        Writer {
            pivot,
            ids: pivot.ids(model),
            lang,
            totals: passes.current.total.iter().map(Acc::peek).collect(),
            additive,
            empty: pivot.accs(model).iter().map(Acc::peek).collect(),
        }
    }

    fn values(&self, pass: &Pass<'_>, group: &Vec<Key<'_>>) -> Vec<Option<Decimal>> {
        match pass.groups.get(group) {
            Some(a) => a.iter().map(Acc::peek).collect(),
            None => self.empty.clone(),
        }
    }

    /// One group's row, its summary line added to `summary`.
    fn row(&self, passes: &Passes<'_>, key: &Vec<Key<'_>>, summary: &mut Vec<String>) -> Value {
        let now = self.values(&passes.current, key);
        let p = passes.prev.as_ref().map(|pass| self.values(pass, key));
        let l = passes.ly.as_ref().map(|pass| self.values(pass, key));
        let named: Map<String, Value> = (self.pivot.names.iter().zip(key))
            .map(|(name, k)| (name.clone(), k.json()))
            .collect();
        summary.push(self.pivot.line(
            self.lang,
            key,
            &now,
            &self.totals,
            p.as_deref(),
            l.as_deref(),
        ));
        json!({"key": named, "values": self.cell(&now, p, l)})
    }

    /// The row of the groups `top` left out, when it left some out.
    fn others(&self, passes: &Passes<'_>, summary: &mut Vec<String>) -> Option<Value> {
        let set = passes.cut.as_ref()?;
        let n = passes.current.groups.len().saturating_sub(set.len());
        let rest = |pass: &Pass<'_>| pass.others.iter().map(Acc::peek).collect::<Vec<_>>();
        let now = rest(&passes.current);
        let (p, l) = (passes.prev.as_ref().map(rest), passes.ly.as_ref().map(rest));
        let name = match self.lang {
            Lang::En => format!("Others ({n} groups)"),
            Lang::Zh => format!("其他（{n} 组）"),
        };
        let key = [Key::Text(&name)];
        summary.push(self.pivot.line(
            self.lang,
            &key,
            &now,
            &self.totals,
            p.as_deref(),
            l.as_deref(),
        ));
        Some(json!({"groups": n, "values": self.cell(&now, p, l)}))
    }

    /// Each measure's cell: its value, share of the total and comparisons.
    fn cell(
        &self,
        now: &[Option<Decimal>],
        p: Option<Vec<Option<Decimal>>>,
        l: Option<Vec<Option<Decimal>>>,
    ) -> Value {
        let mut map = Map::new();
        for (k, id) in self.ids.iter().enumerate() {
            let v = now.get(k).copied().flatten();
            let total = self.totals.get(k).copied().flatten();
            let additive = self.additive.get(k).copied().unwrap_or(false);
            let share = additive.then(|| percent(v?, total?)).flatten();
            let mut m = Map::new();
            m.insert("value".into(), dec(v));
            m.insert("share".into(), dec(share));
            if let Some(p) = &p {
                let base = p.get(k).copied().flatten();
                change(&mut m, v, base, ["previous", "change", "change_pct"]);
            }
            if let Some(l) = &l {
                let base = l.get(k).copied().flatten();
                change(&mut m, v, base, ["last_year", "yoy_change", "yoy_pct"]);
            }
            map.insert((*id).to_owned(), Value::Object(m));
        }
        Value::Object(map)
    }
}

impl Pivot {
    /// The first line: what was grouped, over which dates, and the first measure's total.
    fn headline(
        &self,
        lang: Lang,
        period: Span,
        as_of: Option<Date>,
        totals: &[Option<Decimal>],
        groups: usize,
    ) -> String {
        let label = self.labels.first().map_or("", String::as_str);
        let total = totals.first().copied().flatten();
        let end = as_of.map_or(period.to, |a| a.min(period.to));
        let by = if self.names.is_empty() {
            String::new()
        } else {
            self.names.join(" × ")
        };
        let total = total.map_or_else(|| String::from("—"), |t| amount(t).to_string());
        match lang {
            Lang::En => format!(
                "{label}{}{by}, {} to {end}: total {total} in {groups} group{}.",
                if by.is_empty() { "" } else { " by " },
                period.from,
                if groups == 1 { "" } else { "s" },
            ),
            Lang::Zh => format!(
                "{label}{}{by}，{} 至 {end}：合计 {total}，共 {groups} 组。",
                if by.is_empty() { "" } else { "，按 " },
                period.from,
            ),
        }
    }

    /// One group's line: its first measure, share of the total and changes.
    fn line(
        &self,
        lang: Lang,
        key: &[Key],
        now: &[Option<Decimal>],
        totals: &[Option<Decimal>],
        prev: Option<&[Option<Decimal>]>,
        ly: Option<&[Option<Decimal>]>,
    ) -> String {
        let name: Vec<String> = key.iter().map(|k| k.text(lang)).collect();
        let name = name.join(" / ");
        let v = now.first().copied().flatten();
        let shown = v.map_or_else(|| String::from("—"), |v| amount(v).to_string());
        let mut out = match lang {
            Lang::En => format!("{name}: {shown}"),
            Lang::Zh => format!("{name}：{shown}"),
        };
        if let Some(share) = v
            .zip(totals.first().copied().flatten())
            .and_then(|(v, t)| percent(v, t))
        {
            out.push_str(&match lang {
                Lang::En => format!(" ({} % of the total)", fixed2(share)),
                Lang::Zh => format!("（占合计 {}%）", fixed2(share)),
            });
        }
        let mut versus = |base: Option<&[Option<Decimal>]>, en: &str, zh: &str| {
            let Some(base) = base else { return };
            let b = base.first().copied().flatten();
            out.push_str(
                &match (lang, v.zip(b).and_then(|(v, b)| pct_change(v, b))) {
                    (Lang::En, Some(p)) if p.is_sign_negative() => {
                        format!("; down {} % on {en}", fixed2(p.abs()))
                    }
                    (Lang::En, Some(p)) => format!("; up {} % on {en}", fixed2(p)),
                    (Lang::Zh, Some(p)) if p.is_sign_negative() => {
                        format!("；较{zh}下降 {}%", fixed2(p.abs()))
                    }
                    (Lang::Zh, Some(p)) => format!("；较{zh}增长 {}%", fixed2(p)),
                    (Lang::En, None) => format!("; {en} had none to compare with"),
                    (Lang::Zh, None) => format!("；{zh}无可比数据"),
                },
            );
        };
        versus(prev, "the previous period", "上期");
        versus(ly, "the same period last year", "去年同期");
        out.push_str(match lang {
            Lang::En => ".",
            Lang::Zh => "。",
        });
        out
    }
}

/// `value` as a percentage of `total`, two places (half up); none when the total is 0.
fn percent(value: Decimal, total: Decimal) -> Option<Decimal> {
    if total.is_zero() {
        return None;
    }
    let p = value
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(total)?;
    Some(RoundingMode::HalfUp.round(p, 2).normalize())
}

/// The change from `base` to `value` in percent of `|base|`, two places; none from 0.
fn pct_change(value: Decimal, base: Decimal) -> Option<Decimal> {
    percent(value.checked_sub(base)?, base.abs())
}

/// A comparison's fields (named `[base, change, change in percent]`): the base value, the change
/// and the change in percent.
fn change(m: &mut Map<String, Value>, v: Option<Decimal>, base: Option<Decimal>, names: [&str; 3]) {
    let [base_name, diff_name, pct_name] = names;
    m.insert(base_name.into(), dec(base));
    let diff = v.zip(base).and_then(|(v, b)| v.checked_sub(b));
    m.insert(diff_name.into(), dec(diff));
    let pct = v.zip(base).and_then(|(v, b)| pct_change(v, b));
    m.insert(pct_name.into(), dec(pct));
}

fn dec(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::String(d.normalize().to_string()))
}
