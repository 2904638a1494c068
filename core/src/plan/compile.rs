//! Validation and compilation of a plan document: every problem is collected, then either all
//! are reported or the compiled plan is returned.

use super::spec::*;
use super::*;
use crate::error::{kinds, loc, shown, Error, Loc, Problem};
use crate::formula::{Formula, Type};
use crate::json::parse_json;
use crate::method::{Band, Method};
use crate::number::Num;
use crate::validate::Checker;
use std::borrow::Cow;
use std::collections::HashSet;

/// Read JSON text into the document types; a structural error names its path.
pub(super) fn parse_spec(text: &str) -> crate::Result<PlanSpec> {
    parse_json(text, Error::Plan)
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;
const RESERVED: [&str; 8] = [
    "actual",
    "target",
    "completion",
    "and",
    "or",
    "not",
    "true",
    "false",
];
const MAX_SCALE: u32 = 10;

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every list of the plan against the list limit, each reported with its path.
fn check_sizes(spec: &PlanSpec, max: usize, ck: &mut Checker) {
    let mut list = |path: Loc, len: usize| {
        if len > max {
            ck.push(
                Problem::new(
                    path,
                    kinds::TOO_MANY,
                    format!("{len} entries; at most {max} are accepted"),
                )
                .zh(format!("共 {len} 项，最多接受 {max} 项")),
            );
        }
    };
    list(loc!("measures"), spec.measures.len());
    for (i, m) in spec.measures.iter().enumerate() {
        list(loc!("measures", i, "aliases"), m.aliases.len());
    }
    list(loc!("sections"), spec.sections.len());
    list(loc!("indicators"), spec.indicators.len());
    let mut indicators: Vec<(Loc, &IndicatorSpec)> = Vec::new();
    let mut flat = spec.indicators.iter().enumerate();
    indicators.extend(flat.by_ref().map(|(i, ind)| (loc!("indicators", i), ind)));
    for (s, sec) in spec.sections.iter().enumerate() {
        list(loc!("sections", s, "indicators"), sec.indicators.len());
        let nested = sec.indicators.iter().enumerate();
        indicators.extend(nested.map(|(i, ind)| (loc!("sections", s, "indicators", i), ind)));
    }
    for (at, ind) in &indicators {
        let at = at.clone().key("scoring");
        match &ind.scoring {
            MethodSpec::Bands { bands, .. } => list(at.key("bands"), bands.len()),
            MethodSpec::Rating { points, .. } => list(at.key("points"), points.len()),
            _ => {}
        }
    }
    if !spec.sections.is_empty() {
        // Each section may be within the limit while all of them together are not.
        list(loc!("indicators (all sections)"), indicators.len());
    }
    list(loc!("adjustments"), spec.adjustments.len());
    list(loc!("vetoes"), spec.vetoes.len());
    list(loc!("grades"), spec.grades.len());
    list(loc!("development"), spec.development.len());
}

/// The display name, falling back to the id when none (or a blank one) is given.
fn nonempty_name(name: &Option<String>, id: &str) -> Arc<str> {
    match name {
        Some(n) if !n.trim().is_empty() => Arc::from(n.as_str()),
        _ => Arc::from(id),
    }
}

pub(super) fn compile(spec: PlanSpec, limits: &Limits) -> crate::Result<Plan> {
    let mut ck = Checker::with_limit(limits.max_problems);
    // Sizes first: compiling is linear in the plan, but a plan past the limits is refused
    // before any of that work.
    check_sizes(&spec, limits.max_list_items, &mut ck);
    if !ck.problems.is_empty() {
        return Err(Error::Plan(ck.problems.into_vec()));
    }
    let mode = spec.rounding.mode;
    if spec.id.trim().is_empty() {
        ck.push(Problem::new(loc!("id"), kinds::EMPTY, "plan id is empty").zh("方案 id 为空"));
    }
    // The steps run in this order so problems are reported in document order.
    let (measures, lookup) = compile_measures(&spec.measures, &mut ck);
    let names = Names::new(&spec.measures);
    let (sections, indicators) = compile_sections(&spec, &names, mode, &mut ck);
    let grades = compile_grades(&spec.grades, &mut ck);
    let adjustments = compile_adjustments(&spec.adjustments, &names, mode, &mut ck);
    let vetoes = compile_vetoes(&spec.vetoes, &grades, &names, mode, &mut ck);
    check_rounding_total_progress(&spec, &mut ck);
    let froms: Vec<(usize, &str, &crate::facts::spec::AggregateSpec)> = spec
        .measures
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((i, m.id.as_str(), m.from.as_ref()?)))
        .collect();
    #[cfg(feature = "facts")]
    let facts = crate::facts::compile(&spec.sources, &froms, mode, &mut ck.problems);
    #[cfg(not(feature = "facts"))]
    crate::facts::refuse(
        !(spec.sources.is_empty() && froms.is_empty()),
        &mut ck.problems,
    );
    drop(froms);
    if !ck.problems.is_empty() {
        return Err(Error::Plan(ck.problems.into_vec()));
    }
    #[allow(clippy::disallowed_methods)]
    let mut sorted_names: Vec<(String, usize)> =
        lookup.iter().map(|(k, v)| (k.clone(), *v)).collect();
    sorted_names.sort();
    Ok(Plan {
        sorted_names,
        plan_id: Arc::from(spec.id.as_str()),
        scale: spec.rounding.scale,
        mode,
        total_floor: spec.total.floor.map(|n| n.0),
        total_cap: spec.total.cap.map(|n| n.0),
        green: spec.progress.green.0,
        yellow: spec.progress.yellow.0,
        spec,
        measures,
        lookup,
        sections,
        indicators,
        adjustments,
        vetoes,
        grades,
        #[cfg(feature = "facts")]
        facts: facts.map(Arc::new),
        kernel: crate::batch::KernelCell::default(),
    })
}

/// Measures, and the lookup from every id and alias (column headers) to its measure.
fn compile_measures(
    spec: &[MeasureSpec],
    ck: &mut Checker,
) -> (Vec<Measure>, HashMap<String, usize>) {
    let mut lookup: HashMap<String, usize> = HashMap::new();
    let mut measures = Vec::with_capacity(spec.len());
    for (i, m) in spec.iter().enumerate() {
        let path = loc!("measures", i);
        let id = shown(&m.id);
        if !is_identifier(&m.id) {
            ck.push(
                Problem::new(
                    path.clone().key("id"),
                    kinds::INVALID_ID,
                    format!("`{id}` is not a valid measure id (letters, digits and `_`, not starting with a digit)"),
                )
                .zh(format!("`{id}` 不是有效的指标数据 id（只能用字母、数字和 `_`，且不能以数字开头）")),
            );
        } else if RESERVED.contains(&m.id.as_str()) {
            ck.push(
                Problem::new(
                    path.clone().key("id"),
                    kinds::RESERVED_WORD,
                    format!("`{id}` is a reserved word"),
                )
                .zh(format!("`{id}` 是保留字")),
            );
        }
        for (j, name) in std::iter::once(&m.id).chain(&m.aliases).enumerate() {
            if lookup.insert(name.clone(), i).is_some() {
                let at = match j.checked_sub(1) {
                    None => path.clone().key("id"),
                    Some(alias) => path.clone().key("aliases").index(alias),
                };
                let name = shown(name);
                ck.push(
                    Problem::new(
                        at,
                        kinds::DUPLICATE,
                        format!("`{name}` names more than one measure"),
                    )
                    .zh(format!("`{name}` 同时指向多个指标数据")),
                );
            }
        }
        measures.push(Measure {
            id: Arc::from(m.id.as_str()),
            name: nonempty_name(&m.name, &m.id),
            unit: m.unit.as_deref().map(Arc::from),
        });
    }
    (measures, lookup)
}

/// The names formulas may use. Formulas see measure ids only (aliases are for column
/// headers); scoring formulas also see the method variables, in the slots after the measures.
struct Names<'s> {
    measure_ids: HashMap<&'s str, usize>,
    n_measures: usize,
}

impl<'s> Names<'s> {
    fn new(measures: &'s [MeasureSpec]) -> Self {
        let measure_ids = measures
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.as_str(), i))
            .collect();
        Names {
            measure_ids,
            n_measures: measures.len(),
        }
    }

    fn measure(&self, name: &str) -> Option<usize> {
        self.measure_ids.get(name).copied()
    }

    fn method(&self, name: &str) -> Option<usize> {
        METHOD_VARIABLES
            .iter()
            .position(|v| *v == name)
            .and_then(|p| self.n_measures.checked_add(p))
            .or_else(|| self.measure(name))
    }
}

/// Sections with their indicators.
fn compile_sections(
    spec: &PlanSpec,
    names: &Names,
    mode: RoundingMode,
    ck: &mut Checker,
) -> (Vec<Section>, Vec<Indicator>) {
    let (sections_spec, flat) = choose_sections(spec, ck);
    let sections_spec: &[SectionSpec] = &sections_spec;
    if !flat {
        check_section_ids_and_weights(sections_spec, ck);
    }
    check_indicator_ids(sections_spec, flat, ck);

    let mut sections = Vec::with_capacity(sections_spec.len());
    let mut indicators = Vec::new();
    for (si, s) in sections_spec.iter().enumerate() {
        let spath = if flat {
            Loc::root()
        } else {
            loc!("sections", si)
        };
        check_indicator_weights(s, &spath, flat, ck);
        let start = indicators.len();
        for (ii, ind) in s.indicators.iter().enumerate() {
            let path = spath.clone().key("indicators").index(ii);
            if let Some(indicator) = compile_indicator(ind, &path, names, mode, ck) {
                indicators.push(indicator);
            }
        }
        sections.push(Section {
            id: Arc::from(s.id.as_str()),
            name: nonempty_name(&s.name, &s.id),
            weight: s.weight.0,
            indicators: start..indicators.len(),
        });
    }
    (sections, indicators)
}

/// Either explicit sections, or one implicit section around a flat list (`flat`: paths then
/// name the flat list).
fn choose_sections<'s>(spec: &'s PlanSpec, ck: &mut Checker) -> (Cow<'s, [SectionSpec]>, bool) {
    match (spec.sections.is_empty(), spec.indicators.is_empty()) {
        (false, true) => (Cow::Borrowed(&spec.sections), false),
        (true, false) => {
            let implicit = SectionSpec {
                id: "main".into(),
                name: Some(spec.name.clone()),
                weight: Num(HUNDRED),
                indicators: spec.indicators.clone(),
            };
            (Cow::Owned(vec![implicit]), true)
        }
        (true, true) => {
            ck.push(
                Problem::new(
                    loc!("sections"),
                    kinds::EMPTY_LIST,
                    "the plan has no indicators: give `sections` or a flat `indicators` list",
                )
                .zh("方案没有任何考核指标：请给出 `sections`，或平铺的 `indicators` 列表"),
            );
            (Cow::Borrowed(&[]), false)
        }
        (false, false) => {
            ck.push(
                Problem::new(
                    loc!("indicators"),
                    kinds::CONFLICTING_FIELDS,
                    "give either `sections` or a flat `indicators` list, not both",
                )
                .zh("`sections` 与平铺的 `indicators` 列表只能二选一，不能同时给出"),
            );
            (Cow::Borrowed(&spec.sections), false)
        }
    }
}

fn check_section_ids_and_weights(sections: &[SectionSpec], ck: &mut Checker) {
    ck.unique(
        &loc!("sections"),
        ("section", "考核维度"),
        sections.iter().map(|s| s.id.as_str()),
    );
    if !sections.is_empty() {
        ck.weights_sum(
            &loc!("sections"),
            ("section", "各考核维度"),
            sections.iter().enumerate().map(|(i, s)| (i, s.weight.0)),
        );
    }
}

/// Indicator ids are unique across all sections, not only within one.
fn check_indicator_ids(sections: &[SectionSpec], flat: bool, ck: &mut Checker) {
    let mut seen = HashSet::new();
    for (si, s) in sections.iter().enumerate() {
        for (ii, ind) in s.indicators.iter().enumerate() {
            let path = if flat {
                loc!("indicators", ii, "id")
            } else {
                loc!("sections", si, "indicators", ii, "id")
            };
            if ind.id.trim().is_empty() {
                ck.push(
                    Problem::new(path, kinds::EMPTY, "indicator id is empty").zh("指标 id 为空"),
                );
            } else if !seen.insert(ind.id.as_str()) {
                let id = shown(&ind.id);
                ck.push(
                    Problem::new(
                        path,
                        kinds::DUPLICATE,
                        format!("duplicate indicator id `{id}`"),
                    )
                    .zh(format!("指标 id `{id}` 重复")),
                );
            }
        }
    }
}

/// A section has indicators, and their weights sum to 100.
fn check_indicator_weights(s: &SectionSpec, spath: &Loc, flat: bool, ck: &mut Checker) {
    let path = spath.clone().key("indicators");
    let section = shown(&s.id);
    if s.indicators.is_empty() {
        ck.push(
            Problem::new(
                path,
                kinds::EMPTY_LIST,
                format!("section `{section}` has no indicators"),
            )
            .zh(format!("考核维度 `{section}` 下没有指标")),
        );
    } else {
        let (what, what_zh) = if flat {
            ("indicator".to_string(), "各指标".to_string())
        } else {
            (
                format!("section `{section}`: indicator"),
                format!("考核维度 `{section}`：各指标"),
            )
        };
        ck.weights_sum(
            &path,
            (&what, &what_zh),
            s.indicators
                .iter()
                .enumerate()
                .map(|(i, ind)| (i, ind.weight.0)),
        );
    }
}

/// One indicator: its values, its scoring method, and whether that method has the target it
/// needs. `None` when any part failed (the problems are reported).
fn compile_indicator(
    ind: &IndicatorSpec,
    path: &Loc,
    names: &Names,
    mode: RoundingMode,
    ck: &mut Checker,
) -> Option<Indicator> {
    let resolve_measures = |name: &str| names.measure(name);
    let actual = ck.value(
        &path.clone().key("actual"),
        &ind.actual,
        &resolve_measures,
        mode,
    );
    let target = ind
        .target
        .as_ref()
        .map(|t| ck.value(&path.clone().key("target"), t, &resolve_measures, mode));
    let method = compile_method(
        ck,
        &path.clone().key("scoring"),
        &ind.scoring,
        ind.target.is_some(),
        &|name: &str| names.method(name),
        mode,
    );
    check_target_needs(ind, path, method.as_ref(), names.n_measures, ck);
    if let (Some(actual), Some(target), Some(method)) = (
        actual,
        target.unwrap_or(Some(Formula::constant(Decimal::ZERO))),
        method,
    ) {
        Some(Indicator {
            id: Arc::from(ind.id.as_str()),
            name: nonempty_name(&ind.name, &ind.id),
            kind: ind.kind,
            weight: ind.weight.0,
            actual,
            target: ind.target.as_ref().map(|_| target),
            method,
            missing: ind.missing,
            track_progress: ind.track_progress,
        })
    } else {
        None
    }
}

/// An indicator without a target can use neither a formula on `target`/`completion`, nor a
/// method scored on completion, nor progress tracking.
fn check_target_needs(
    ind: &IndicatorSpec,
    path: &Loc,
    method: Option<&Method>,
    n_measures: usize,
    ck: &mut Checker,
) {
    if let (Some(f), None) = (method.and_then(|m| m.formula()), &ind.target) {
        let vars = f.variables();
        for (i, var) in METHOD_VARIABLES.iter().enumerate().skip(1) {
            if n_measures
                .checked_add(i)
                .is_some_and(|slot| vars.contains(&slot))
            {
                let id = shown(&ind.id);
                ck.push(
                    Problem::new(
                        path.clone().key("scoring"),
                        kinds::MISSING_TARGET,
                        format!("the formula uses `{var}`, but indicator `{id}` has no target"),
                    )
                    .zh(format!("公式用到了 `{var}`，但指标 `{id}` 没有目标值")),
                );
            }
        }
    }
    if let Some(m) = method {
        if m.needs_target() && ind.target.is_none() {
            let id = shown(&ind.id);
            ck.push(
                Problem::new(
                    path.clone().key("target"),
                    kinds::MISSING_TARGET,
                    format!("indicator `{id}` is scored on completion, so it needs a target"),
                )
                .zh(format!("指标 `{id}` 按完成率计分，因此需要目标值")),
            );
        }
    }
    if ind.track_progress && ind.target.is_none() {
        ck.push(
            Problem::new(
                path.clone().key("track_progress"),
                kinds::MISSING_TARGET,
                "progress can only be tracked against a target",
            )
            .zh("只有设了目标值才能跟踪进度"),
        );
    }
}

/// Grades: sorted by range; must cover every total exactly once.
fn compile_grades(spec: &[GradeSpec], ck: &mut Checker) -> Vec<Grade> {
    ck.unique(
        &loc!("grades"),
        ("grade", "等级"),
        spec.iter().map(|g| g.grade.as_str()),
    );
    let mut order: Vec<usize> = (0..spec.len()).collect();
    order.sort_by(|&a, &b| {
        let key = |g: &GradeSpec| (g.from.is_some(), g.from.map(|n| n.0));
        key(&spec[a]).cmp(&key(&spec[b]))
    });
    let ranges: Vec<_> = order
        .iter()
        .map(|&i| (spec[i].from.map(|n| n.0), spec[i].to.map(|n| n.0)))
        .collect();
    ck.intervals(&loc!("grades"), ("grade", "等级区间"), &ranges, true);
    order
        .iter()
        .map(|&i| Grade {
            grade: Arc::from(spec[i].grade.as_str()),
            from: spec[i].from.map(|n| n.0),
            to: spec[i].to.map(|n| n.0),
        })
        .collect()
}

fn compile_adjustments(
    spec: &[AdjustmentSpec],
    names: &Names,
    mode: RoundingMode,
    ck: &mut Checker,
) -> Vec<Adjustment> {
    ck.unique(
        &loc!("adjustments"),
        ("adjustment", "加减分项"),
        spec.iter().map(|a| a.id.as_str()),
    );
    let resolve_measures = |name: &str| names.measure(name);
    let mut adjustments = Vec::with_capacity(spec.len());
    for (i, a) in spec.iter().enumerate() {
        let path = loc!("adjustments", i);
        if a.points_each.0 <= Decimal::ZERO {
            ck.push(
                Problem::new(
                    path.clone().key("points_each"),
                    kinds::OUT_OF_RANGE,
                    "points per occurrence must be positive (the kind gives the sign)",
                )
                .zh("每次加减的分值必须为正数（加分还是减分由类型决定）"),
            );
        }
        if let Some(m) = a.max {
            if m.0 <= Decimal::ZERO {
                ck.push(
                    Problem::new(
                        path.clone().key("max"),
                        kinds::OUT_OF_RANGE,
                        "the maximum must be positive",
                    )
                    .zh("上限必须为正数"),
                );
            }
        }
        if a.missing == MissingPolicy::Reweight {
            ck.push(
                Problem::new(
                    path.clone().key("missing"),
                    kinds::NOT_ALLOWED,
                    "an adjustment has no weight to re-balance: use `error` or `zero`",
                )
                .zh("加减分项没有可重新分配的权重：请用 `error` 或 `zero`"),
            );
        }
        if let Some(count) = ck.value(
            &path.clone().key("count"),
            &a.count,
            &resolve_measures,
            mode,
        ) {
            adjustments.push(Adjustment {
                id: Arc::from(a.id.as_str()),
                name: nonempty_name(&a.name, &a.id),
                bonus: a.kind == AdjustmentKind::Bonus,
                count,
                points_each: a.points_each.0,
                max: a.max.map(|m| m.0),
                missing: a.missing,
            });
        }
    }
    adjustments
}

/// Vetoes; a grade cap names one of the (already compiled) grades.
fn compile_vetoes(
    spec: &[VetoSpec],
    grades: &[Grade],
    names: &Names,
    mode: RoundingMode,
    ck: &mut Checker,
) -> Vec<Veto> {
    ck.unique(
        &loc!("vetoes"),
        ("veto", "否决项"),
        spec.iter().map(|v| v.id.as_str()),
    );
    let resolve_measures = |name: &str| names.measure(name);
    let mut vetoes = Vec::with_capacity(spec.len());
    for (i, v) in spec.iter().enumerate() {
        let path = loc!("vetoes", i);
        let action = match &v.effect {
            VetoEffect::ZeroTotal => Some(VetoAction::ZeroTotal),
            VetoEffect::CapGrade(g) => match grades.iter().position(|x| &*x.grade == g.as_str()) {
                Some(p) => Some(VetoAction::CapGrade(p)),
                None => {
                    let g = shown(g);
                    ck.push(
                        Problem::new(
                            path.clone().key("effect").key("cap_grade"),
                            kinds::UNKNOWN_REFERENCE,
                            format!("no grade `{g}` in the plan"),
                        )
                        .zh(format!("方案中没有等级 `{g}`")),
                    );
                    None
                }
            },
        };
        if v.missing == MissingPolicy::Reweight {
            ck.push(
                Problem::new(
                    path.clone().key("missing"),
                    kinds::NOT_ALLOWED,
                    "a veto has no weight to re-balance: use `error` or `zero`",
                )
                .zh("否决项没有可重新分配的权重：请用 `error` 或 `zero`"),
            );
        }
        let when = ck.formula(
            &path.clone().key("when"),
            &v.when,
            Type::Bool,
            &resolve_measures,
            mode,
        );
        if let (Some(when), Some(action)) = (when, action) {
            vetoes.push(Veto {
                id: Arc::from(v.id.as_str()),
                name: nonempty_name(&v.name, &v.id),
                when,
                action,
                missing: v.missing,
            });
        }
    }
    vetoes
}

fn check_rounding_total_progress(spec: &PlanSpec, ck: &mut Checker) {
    if spec.rounding.scale > MAX_SCALE {
        let scale = spec.rounding.scale;
        ck.push(
            Problem::new(
                loc!("rounding", "scale"),
                kinds::OUT_OF_RANGE,
                format!("at most {MAX_SCALE} decimal places, got {scale}"),
            )
            .zh(format!("最多 {MAX_SCALE} 位小数，实际为 {scale}")),
        );
    }
    ck.floor_cap(
        &loc!("total"),
        spec.total.floor.map(|n| n.0),
        spec.total.cap.map(|n| n.0),
    );
    if spec.progress.yellow.0 > spec.progress.green.0 {
        ck.push(
            Problem::new(
                loc!("progress", "yellow"),
                kinds::NOT_ASCENDING,
                "the yellow threshold is above the green one",
            )
            .zh("黄灯阈值高于绿灯阈值"),
        );
    }
    if spec.progress.yellow.0.is_sign_negative() && !spec.progress.yellow.0.is_zero() {
        ck.push(
            Problem::new(
                loc!("progress", "yellow"),
                kinds::NEGATIVE,
                "thresholds cannot be negative",
            )
            .zh("阈值不能为负数"),
        );
    }
}

fn compile_method(
    ck: &mut Checker,
    path: &Loc,
    spec: &MethodSpec,
    has_target: bool,
    resolve: &dyn Fn(&str) -> Option<usize>,
    mode: RoundingMode,
) -> Option<Method> {
    // Without an explicit basis, an indicator with a target is scored on completion.
    let default_basis = |b: &Option<Basis>| {
        b.unwrap_or(if has_target {
            Basis::Completion
        } else {
            Basis::Actual
        })
    };
    match spec {
        MethodSpec::Ratio {
            floor,
            cap,
            zero_target_score,
        } => Some(ratio(ck, path, *floor, *cap, *zero_target_score)),
        MethodSpec::LowerIsBetter { form, floor, cap } => {
            Some(lower_is_better(ck, path, *form, *floor, *cap))
        }
        MethodSpec::ThresholdTargetStretch {
            basis,
            threshold,
            target,
            stretch,
            below_threshold,
        } => {
            let points = curve_points(ck, path, threshold, target, stretch.as_ref());
            Some(Method::Curve {
                basis: default_basis(basis),
                points,
                below: num(*below_threshold, Decimal::ZERO),
            })
        }
        MethodSpec::Bands { basis, bands } => Some(Method::Bands {
            basis: default_basis(basis),
            bands: compile_bands(ck, path, bands),
        }),
        MethodSpec::PassFail {
            pass_if,
            pass_score,
            fail_score,
        } => {
            let cond = ck.formula(
                &path.clone().key("pass_if"),
                pass_if,
                Type::Bool,
                resolve,
                mode,
            )?;
            Some(Method::PassFail {
                pass_if: cond,
                pass: num(*pass_score, HUNDRED),
                fail: num(*fail_score, Decimal::ZERO),
            })
        }
        MethodSpec::Rating { min, max, points } => Some(rating(ck, path, *min, *max, points)),
        MethodSpec::Deduction {
            start,
            per_unit,
            floor,
        } => Some(deduction(ck, path, *start, *per_unit, *floor)),
        MethodSpec::Formula { expr, floor, cap } => {
            let floor = floor.map(|n| n.0);
            let cap = cap.map(|n| n.0);
            ck.floor_cap(path, floor, cap);
            let expr = ck.formula(&path.clone().key("expr"), expr, Type::Number, resolve, mode)?;
            Some(Method::Formula { expr, floor, cap })
        }
    }
}

/// An optional number, or its default.
fn num(n: Option<Num>, default: Decimal) -> Decimal {
    n.map_or(default, |n| n.0)
}

fn ratio(
    ck: &mut Checker,
    path: &Loc,
    floor: Option<Num>,
    cap: Option<Num>,
    zero_target_score: Option<Num>,
) -> Method {
    let floor = num(floor, Decimal::ZERO);
    let cap = cap.map(|c| c.0);
    ck.floor_cap(path, Some(floor), cap);
    Method::Ratio {
        floor,
        cap,
        zero_target_score: zero_target_score.map(|n| n.0),
    }
}

fn lower_is_better(
    ck: &mut Checker,
    path: &Loc,
    form: LowerIsBetterForm,
    floor: Option<Num>,
    cap: Num,
) -> Method {
    let floor = num(floor, Decimal::ZERO);
    ck.floor_cap(path, Some(floor), Some(cap.0));
    Method::LowerIsBetter {
        form,
        floor,
        cap: cap.0,
    }
}

/// Threshold, target and (optional) stretch as the points of a curve, strictly ascending.
fn curve_points(
    ck: &mut Checker,
    path: &Loc,
    threshold: &CurvePoint,
    target: &CurvePoint,
    stretch: Option<&CurvePoint>,
) -> Vec<(Decimal, Decimal)> {
    let mut points = vec![
        (threshold.at.0, threshold.score.0),
        (target.at.0, target.score.0),
    ];
    if let Some(s) = stretch {
        points.push((s.at.0, s.score.0));
    }
    if points.windows(2).any(|w| w[0].0 >= w[1].0) {
        ck.push(
            Problem::new(
                path.clone(),
                kinds::NOT_ASCENDING,
                "threshold, target and stretch must be strictly ascending (`at`)",
            )
            .zh("门槛值、目标值和挑战值必须严格递增（`at`）"),
        );
    }
    points
}

fn compile_bands(ck: &mut Checker, path: &Loc, bands: &[BandSpec]) -> Vec<Band> {
    let ranges: Vec<_> = bands
        .iter()
        .map(|b| (b.from.map(|n| n.0), b.to.map(|n| n.0)))
        .collect();
    ck.intervals(
        &path.clone().key("bands"),
        ("band", "分档区间"),
        &ranges,
        false,
    );
    bands
        .iter()
        .map(|b| Band {
            from: b.from.map(|n| n.0),
            to: b.to.map(|n| n.0),
            score: b.score.0,
        })
        .collect()
}

/// A rating scale: min below max, every listed rating on the scale and listed once.
fn rating(ck: &mut Checker, path: &Loc, min: Num, max: Num, points: &[RatingPoint]) -> Method {
    let (min_v, max_v) = (min.0, max.0);
    if min_v >= max_v {
        ck.push(
            Problem::new(
                path.clone(),
                kinds::INVALID_SCALE,
                format!("the scale's min {min_v} must be below its max {max_v}"),
            )
            .zh(format!("评分量表的最小值 {min_v} 必须小于最大值 {max_v}")),
        );
    }
    let mut seen = HashSet::new();
    for (i, p) in points.iter().enumerate() {
        let at = path.clone().key("points").index(i).key("rating");
        let r = p.rating.0;
        if r < min_v || r > max_v {
            ck.push(
                Problem::new(
                    at.clone(),
                    kinds::OUTSIDE_SCALE,
                    format!("rating {r} is outside the scale {min_v}–{max_v}"),
                )
                .zh(format!("评分 {r} 超出量表范围 {min_v}–{max_v}")),
            );
        }
        if !seen.insert(r.normalize()) {
            ck.push(
                Problem::new(at, kinds::DUPLICATE, format!("rating {r} is listed twice"))
                    .zh(format!("评分 {r} 重复列出")),
            );
        }
    }
    Method::Rating {
        min: min.0,
        max: max.0,
        points: points.iter().map(|p| (p.rating.0, p.score.0)).collect(),
    }
}

fn deduction(
    ck: &mut Checker,
    path: &Loc,
    start: Option<Num>,
    per_unit: Num,
    floor: Option<Num>,
) -> Method {
    let start = num(start, HUNDRED);
    let floor = num(floor, Decimal::ZERO);
    if per_unit.0.is_sign_negative() {
        ck.push(
            Problem::new(
                path.clone().key("per_unit"),
                kinds::NEGATIVE,
                "points per unit cannot be negative",
            )
            .zh("每单位扣分不能为负数"),
        );
    }
    ck.floor_cap(path, Some(floor), Some(start));
    Method::Deduction {
        start,
        per_unit: per_unit.0,
        floor,
    }
}
