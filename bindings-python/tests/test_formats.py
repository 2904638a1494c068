"""perfscore.formats: the file formats as TypedDicts, generated from the core's types."""

import subprocess
import sys
import textwrap

import pytest

import perfscore
from perfscore import formats

# A plan over raw business facts, typed: `sources` and measures aggregated from them are the
# parts the hand-written JavaScript types had lost.
TYPED_PLAN = textwrap.dedent(
    """
    from decimal import Decimal

    import perfscore
    from perfscore.formats import MethodSpec, PlanSpec

    ratio: MethodSpec = {"method": "ratio", "cap": Decimal("120")}
    plan: PlanSpec = {
        "id": "mini-facts",
        "name": "Mini plan over CRM orders",
        "sources": [
            {
                "id": "orders",
                "id_column": "order_id",
                "date_column": "date",
                "owner_column": "owner",
                "columns": [
                    {"id": "order_id", "type": "text"},
                    {"id": "date", "type": "date"},
                    {"id": "owner", "type": "text"},
                    {"id": "amount", "type": "decimal", "aliases": ["金额"]},
                ],
            }
        ],
        "measures": [
            {"id": "revenue", "from": {"source": "orders", "aggregate": "sum", "column": "amount"}},
            {"id": "revenue_target"},
        ],
        "indicators": [
            {"id": "sales", "weight": 100, "actual": "revenue", "target": "revenue_target", "scoring": ratio}
        ],
        "grades": [{"grade": "B", "to": 95}, {"grade": "A", "from": "95"}],
    }
    compiled = perfscore.Plan.from_dict(plan)
    """
)


def mypy(source, tmp_path):
    path = tmp_path / "typed_plan.py"
    path.write_text(source, encoding="utf-8")
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(path)]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path)


def test_the_plan_type_has_the_keys_the_plan_reader_requires():
    # The four keys a plan cannot do without (docs/plan-format.md); the rest are optional.
    assert formats.PlanSpec.__required_keys__ == {"id", "name", "measures", "grades"}
    assert {"sections", "indicators", "sources", "promotion"} <= formats.PlanSpec.__optional_keys__
    # A key that is a Python keyword (`from`) is a key all the same.
    assert formats.BandSpec.__optional_keys__ == {"from", "to"}


def test_a_typed_plan_compiles_and_type_checks(tmp_path):
    namespace = {}
    exec(TYPED_PLAN, namespace)
    assert namespace["compiled"].measures == ["revenue", "revenue_target"]
    pytest.importorskip("mypy")
    out = mypy(TYPED_PLAN, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_misspelt_key_or_unknown_method_fails_the_type_check(tmp_path):
    pytest.importorskip("mypy")
    misspelt = TYPED_PLAN.replace('"sources": [', '"sourcez": [')
    out = mypy(misspelt, tmp_path)
    assert out.returncode != 0 and "sourcez" in out.stdout, out.stdout
    unknown = TYPED_PLAN.replace('{"method": "ratio"', '{"method": "ratios"')
    out = mypy(unknown, tmp_path)
    assert out.returncode != 0 and "MethodSpec" in out.stdout, out.stdout
