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


def test_every_result_in_the_vectors_is_valid_under_its_schema():
    # The committed JSON Schemas of the results (and so formats.d.ts, rendered from them) say what
    # the canonical JSON writes: every expected scorecard, pay statement and feedback round of the
    # conformance vectors validates, every key it holds is described (no extra keys: the schemas are closed).
    import json
    from pathlib import Path

    import jsonschema  # nbformat's dependency, pinned through it

    root = Path(__file__).resolve().parents[2]

    def closed(schema, part_of_parent=False):
        # The result schemas describe every key written; refuse any other. Properties beside a
        # union (a flattened enum) are closed where both are seen, not in the union's members.
        if isinstance(schema, list):
            return [closed(v, part_of_parent) for v in schema]
        if not isinstance(schema, dict):
            return schema
        flattened = "properties" in schema and "oneOf" in schema
        out = {k: closed(v, flattened and k == "oneOf") for k, v in schema.items()}
        if "properties" in schema and not part_of_parent and "additionalProperties" not in schema:
            out["unevaluatedProperties"] = False
        return out

    checked = {}
    for name, key, pattern in [
        ("scorecard.schema.json", "sections", "tests/vectors/*.expected.jsonl"),
        ("pay-statement.schema.json", "pay_plan_id", "tests/vectors/pay/*.expected.jsonl"),
        ("feedback-round.schema.json", "reports", "tests/vectors/feedback/*.expected.jsonl"),
    ]:
        schema = closed(json.loads((root / "schema" / name).read_text(encoding="utf-8")))
        validator = jsonschema.Draft202012Validator(schema)
        checked[name] = 0
        for path in sorted(root.glob(pattern)):
            for line in path.read_text(encoding="utf-8").splitlines():
                doc = json.loads(line)
                if key in doc:
                    errors = [e.message for e in validator.iter_errors(doc)]
                    assert not errors, (path.name, errors[:3])
                    # A key the schema does not describe is refused.
                    assert not validator.is_valid({**doc, "surplus": 1})
                    checked[name] += 1
    # 34 scorecard lines, 5 statement lines and the feedback rounds in the vectors today.
    assert checked["scorecard.schema.json"] >= 34 and checked["pay-statement.schema.json"] >= 5, checked
    assert checked["feedback-round.schema.json"] >= 1, checked
