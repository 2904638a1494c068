"""The core issue's worked example, through the Python API."""

from decimal import Decimal

import pytest

import perfscore
from conftest import load_vector


def test_totals_and_grades(worked):
    plan, records = worked
    li, zhang, wang = plan.score_many(records)
    assert (li.record_id, li.name, li.total, li.grade) == ("E001", "Li Wei", Decimal("88.48"), "B")
    assert str(li.total) == "88.48"
    assert (zhang.total, zhang.grade) == (Decimal("74.40"), "C")
    assert str(zhang.total) == "74.40"  # keeps the plan's scale
    assert (str(wang.total), wang.grade) == ("0.00", "D")
    assert [v["id"] for v in wang.vetoes] == ["compliance"]
    assert wang.vetoes[0]["name"] == "Compliance violation"
    assert wang.vetoes[0]["effect"] == "zero_total"
    assert li.vetoes == []
    assert repr(li) == "<Scorecard E001 Li Wei total=88.48 grade=B>"


def test_single_record_matches_batch(worked):
    plan, records = worked
    batch = plan.score_many(records)
    for r, card in zip(records, batch):
        one = plan.score(r)
        # Same numbers; only error paths differ between single and batch scoring.
        assert one.to_json() == card.to_json()


def test_scorecard_attributes(worked):
    plan, records = worked
    li = plan.score(records[0])
    assert li.plan_id == "worked-example"
    assert li.unrounded_total == Decimal(li.to_dict()["unrounded_total"])
    assert isinstance(li.weighted_total, Decimal)
    assert li.status is None and li.progress is None
    sales = li.indicator("revenue")
    assert sales is not None
    assert sales["actual"] == Decimal(850000) and sales["completion"] == Decimal(85)
    assert li.section("results")["weight"] == Decimal(70)
    assert [s["id"] for s in li.sections] == [s["id"] for s in li.to_dict()["sections"]]
    assert len(li.indicators) == sum(len(s["indicators"]) for s in li.sections)
    assert li.indicator("nope") is None
    total = sum((i["contribution"] for i in li.indicators), Decimal(0))
    assert total == li.weighted_total  # contributions reconcile exactly


def test_to_dict_decimals_and_text(worked):
    plan, records = worked
    d = plan.score(records[0]).to_dict()
    assert d["record_id"] == "E001" and isinstance(d["record_id"], str)
    assert d["total"] == Decimal("88.48") and str(d["total"]) == "88.48"
    ind = d["sections"][0]["indicators"][0]
    assert isinstance(ind["score"], Decimal) and isinstance(ind["name"], str)
    assert list(d)[:2] == ["plan_id", "record_id"]  # canonical field order kept


def test_explain_both_languages(worked):
    plan, records = worked
    li = plan.score(records[0])
    en = li.explain()
    assert "Sales completion: 850,000 ÷ 1,000,000 = 85.00% → ratio method → 85.00 points" in en
    assert li.explain("en") == en
    zh = li.explain(lang="zh")
    assert zh != en and "分" in zh
    with pytest.raises(ValueError):
        li.explain("fr")


def test_missing_measure_names_record_and_measure():
    v = load_vector("missing-measure-error")
    plan = perfscore.Plan.from_dict(v["plan"])
    with pytest.raises(perfscore.InputError) as info:
        plan.score_many(v["records"])
    e = info.value
    assert e.code == "INPUT_INVALID"
    assert e.problems[0].path == "records[0] (E001).indicators.demos"
    assert "demos" in e.problems[0].message
    assert "E001" in str(e) and "demos" in str(e)
    with pytest.raises(perfscore.InputError) as one:
        plan.score(v["records"][0])
    assert one.value.problems[0].path.startswith("record (E001)")


def test_progress_day_12_of_30():
    v = load_vector("worked-example-progress")
    plan = perfscore.Plan.from_dict(v["plan"])
    li = plan.score(v["records"][0], period={"basis": "calendar_days", "elapsed": 12, "total": 30})
    p = li.indicator("revenue")["progress"]
    assert p["expected"] == Decimal(400000)
    assert p["pace"] == Decimal(95)
    assert p["status"] == "yellow"
    assert p["projected"] == Decimal(950000)
    assert li.status == "yellow"
    assert li.projected_total == Decimal("91.98") and li.projected_grade == "B"
    assert "status=yellow" in repr(li)
    # The period may also be given as JSON text.
    same = plan.score(v["records"][0], period='{"basis": "calendar_days", "elapsed": 12, "total": 30}')
    assert same.to_json() == li.to_json()


def test_templates_and_demo():
    assert "monthly-sales-rep" in perfscore.template_ids()
    plan = perfscore.Plan.template("monthly-sales-rep")
    assert plan.id == "monthly-sales-rep"
    assert perfscore.Plan.from_json(perfscore.demo_plan_json()).id == plan.id
    team = plan.records_from_csv(perfscore.demo_team_csv())
    assert len(team) == 12
    batch = plan.score_many(team)
    assert len(batch) == 12
    assert all(isinstance(c.total, Decimal) for c in batch)
    assert perfscore.indicator_library_json().lstrip().startswith("[")
    with pytest.raises(perfscore.PlanError) as info:
        perfscore.Plan.template("nope")
    assert info.value.problems[0].path == "template"


def test_from_file(tmp_path):
    p = tmp_path / "plan.json"
    p.write_text(perfscore.demo_plan_json(), encoding="utf-8")
    assert perfscore.Plan.from_file(p).id == "monthly-sales-rep"
    assert perfscore.Plan.from_file(str(p)).id == "monthly-sales-rep"
    with pytest.raises(FileNotFoundError):
        perfscore.Plan.from_file(tmp_path / "missing.json")
