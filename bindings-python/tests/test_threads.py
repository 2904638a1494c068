"""score_many releases the GIL: two threads scoring at once work and agree."""

import threading

import perfscore


def test_score_many_from_two_threads():
    plan = perfscore.Plan.template("monthly-sales-rep")
    # Copies: `list * 20` repeats the same dicts, and batch ids must be unique.
    team = [dict(r) for r in plan.records_from_csv(perfscore.demo_team_csv()) * 20]
    for i, r in enumerate(team):
        r["id"] = f"P{i}"
    expected = plan.score_many(team).to_json_lines()
    results, errors = [], []

    def work():
        try:
            for _ in range(3):
                results.append(plan.score_many(team).to_json_lines())
        except Exception as e:  # pragma: no cover
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(results) == 6 and all(r == expected for r in results)
