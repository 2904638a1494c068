#!/usr/bin/env python3
"""Seed every fuzz target's corpus (fuzz/corpus/<target>/) from the conformance vectors.

Run by scripts/fuzz.sh before fuzzing; safe to run again (files are named by the SHA-1 of
their content, so seeds are written once and libFuzzer's own finds are kept). Input formats
match fuzz/src/lib.rs:

  plan_json      a plan document (every vector's plan, analytics request plans, templates)
  formula        formula source, names renamed to the target's measures a, b, c, d
  records_json   a records array (run against the worked example's plan)
  records_csv    a CSV export (run against the csv-aliases vector's plan)
  pay_plan       a pay plan document (run against the pay vectors' plan and records)
  feedback       360 configuration, a NUL byte, then the responses array
  analytics      the operation name, a newline, then the request JSON
  score_options  score options JSON (run against the worked-example-progress vector)
"""

import hashlib
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
VECTORS = ROOT / "tests" / "vectors"
CORPUS = ROOT / "fuzz" / "corpus"

FORMULA_KEYS = {"actual", "target", "when", "pass_if", "count", "formula", "attainment", "base",
                "value", "expression", "prior_base", "paid", "employed"}
RESERVED = {"and", "or", "not", "true", "false", "if", "min", "max", "clamp", "abs", "round"}
NAMES = ["a", "b", "c", "d"]

# Examples from the formula language's documentation (core/src/formula/mod.rs), already renamed,
# plus edge cases the documentation names (limits, exactness, short-circuiting).
FORMULA_EXAMPLES = [
    "a / b",
    "if(b == 0, 0, a / b)",
    "c > 0",
    "clamp(a / b * 100, 0, 120)",
    "round(a * 1.5 + b, 2)",
    "round(a)",
    "0.1 + 0.2 == 0.3",
    "1 / 3",
    "not a > 3 and (b <= 2 or c != 0)",
    "min(a, b, c, d) - max(a, -b)",
    "abs(-a) * 79228162514264337593543950335",
    "((((((((((a))))))))))",
    "true == false",
]


def dump(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write(target, text):
    data = text.encode("utf-8")
    directory = CORPUS / target
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)


def rename(source):
    mapping = {}

    def sub(match):
        word = match.group(0)
        if word in RESERVED:
            return word
        if word not in mapping:
            mapping[word] = NAMES[len(mapping) % len(NAMES)]
        return mapping[word]

    return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", sub, source)


def formulas(value, key=None):
    """Strings under formula-like keys anywhere in `value`."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from formulas(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from formulas(v, key)
    elif isinstance(value, str) and key in FORMULA_KEYS:
        yield value


def plans(vector):
    if "plan" in vector:
        yield vector["plan"]
    for case in vector.get("cases", []):
        request = case.get("request", {})
        if isinstance(request, dict) and isinstance(request.get("plan"), dict):
            yield request["plan"]


def main():
    files = sorted(VECTORS.rglob("*.json"))
    counts = {}
    for path in files:
        vector = json.loads(path.read_text(encoding="utf-8"))
        if path.parent.name == "plan-documents":
            write("plan_json", dump(vector))
            continue
        for plan in plans(vector):
            write("plan_json", dump(plan))
            for f in formulas(plan):
                write("formula", rename(f))
        if "records" in vector:
            write("records_json", dump(vector["records"]))
        if isinstance(vector.get("records_csv"), str):
            write("records_csv", vector["records_csv"])
        if "pay_plan" in vector:
            write("pay_plan", dump(vector["pay_plan"]))
            for f in formulas(vector["pay_plan"]):
                write("formula", rename(f))
        if "feedback" in vector:
            write("feedback", dump(vector["feedback"]) + "\0" + dump(vector.get("responses", [])))
        if "options" in vector:
            write("score_options", dump(vector["options"]))
        for case in vector.get("cases", []):
            request = case.get("request")
            write("analytics", case["operation"] + "\n" + dump(request))
            if isinstance(request, dict) and "feedback" in request:
                write("feedback",
                      dump(request["feedback"]) + "\0" + dump(request.get("responses", [])))
    for template in sorted((ROOT / "core" / "templates").glob("*.json")):
        doc = json.loads(template.read_text(encoding="utf-8"))
        if "indicators" in doc or "sections" in doc:
            write("plan_json", dump(doc))
    for f in FORMULA_EXAMPLES:
        write("formula", f)
    for options in [
        {},
        {"period": {"basis": "working_days", "elapsed": 5, "total": 22}},
        {"period": {"basis": "profile", "weights": [1, 2, 3, 4], "elapsed": 2}},
        {"period": {"basis": "calendar_days", "elapsed": 0, "total": 30}},
        {"period": {"basis": "calendar_days", "elapsed": "30", "total": "30"}},
    ]:
        write("score_options", dump(options))
    for target in sorted(p.name for p in CORPUS.iterdir() if p.is_dir()):
        counts[target] = sum(1 for _ in (CORPUS / target).iterdir())
    print("seed corpus:", ", ".join(f"{t} {n}" for t, n in counts.items()))


if __name__ == "__main__":
    main()
