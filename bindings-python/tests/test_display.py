"""repr, HTML and the sequence behaviour of a batch."""

from decimal import Decimal

import pytest

import perfscore
from conftest import load_vector


@pytest.fixture
def progress_batch():
    v = load_vector("worked-example-progress")
    plan = perfscore.Plan.from_dict(v["plan"])
    return plan.score_many(v["records"], period=v["options"]["period"])


def test_repr_is_short(worked):
    plan, records = worked
    batch = plan.score_many(records)
    assert repr(batch) == "<BatchResult 3 scorecards>"
    assert repr(batch[1]) == "<Scorecard E002 Zhang Min total=74.40 grade=C>"
    assert "Plan worked-example" in repr(plan)
    assert str(batch[0]).startswith(batch[0].explain("en")[:20])


def test_sequence(worked):
    plan, records = worked
    batch = plan.score_many(records)
    assert len(batch) == 3
    assert [c.record_id for c in batch] == ["E001", "E002", "E003"]
    assert batch[-1].record_id == "E003"
    assert [c.record_id for c in batch[1:]] == ["E002", "E003"]
    with pytest.raises(IndexError):
        batch[3]
    assert len(plan.score_many([])) == 0


def test_html_has_lights(progress_batch):
    html = progress_batch[0]._repr_html_()
    assert "perfscore-yellow" in html and "Li Wei" in html and "72.03" in html
    table = progress_batch._repr_html_()
    assert "perfscore-yellow" in table and "perfscore-green" in table
    assert table.count("<tr>") == 3  # header + two people


def test_html_names_veto(worked):
    plan, records = worked
    html = plan.score(records[2])._repr_html_()
    assert "veto" in html and "Compliance violation" in html


def test_html_escapes():
    plan = perfscore.Plan.template("monthly-sales-rep")
    rec = plan.records_from_csv(perfscore.demo_team_csv())[0]
    rec["name"] = "<script>x</script>"
    html = plan.score(rec)._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_rows_match_columns(progress_batch):
    cols = progress_batch.columns()
    for row in progress_batch.rows():
        assert len(row) == len(cols)
    row = dict(zip(cols, progress_batch.rows()[0]))
    assert row["total"] == Decimal("72.03") and row["status"] == "yellow"
