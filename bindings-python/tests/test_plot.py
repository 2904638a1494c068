"""Charts: the bars and lines carry exactly the results' numbers. The demo team's twelve
scorecards (the bundled export, as the demo prints them) are 1 S (E001), 3 A (E002, E008, E011),
3 B (E003, E009, E012), 3 C (E005, E006, E010) and 2 D (E004, E007)."""

import matplotlib

matplotlib.use("Agg")

import perfscore  # noqa: E402
import perfscore.plot  # noqa: E402

PLAN = perfscore.Plan.template("monthly-sales-rep")
TEAM = PLAN.records_from_csv(perfscore.demo_team_csv())


def test_grade_distribution_counts_each_grade_lowest_first():
    cards = PLAN.score_many(TEAM)
    fig = perfscore.plot.grade_distribution(cards, PLAN)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    heights = [int(b.get_height()) for b in ax.patches]
    assert labels == ["D", "C", "B", "A", "S"]
    grades = [c.grade for c in cards]
    assert heights == [2, 3, 3, 3, 1] == [grades.count(g) for g in labels]
    # The same from the columnar result.
    table = PLAN.summarize_frame({k: [r.get(k) if k in ("id", "name", "team") else r["measures"].get(k) for r in TEAM] for k in ["id", *PLAN.measures]})
    fig2 = perfscore.plot.grade_distribution(table, PLAN)
    assert [int(b.get_height()) for b in fig2.axes[0].patches] == heights


def test_attainment_by_group_draws_each_teams_mean_total():
    cards = PLAN.score_many(TEAM)
    fig = perfscore.plot.attainment_by_group(cards, by="team")
    ax = fig.axes[0]
    drawn = {t.get_text(): b.get_width() for t, b in zip(ax.get_yticklabels(), ax.patches)}
    teams = {c.team for c in cards}
    assert set(drawn) == teams
    for team in teams:
        totals = [c.total for c in cards if c.team == team]
        assert abs(drawn[team] - float(sum(totals) / len(totals))) < 1e-9
    # Highest mean last (top of a horizontal bar chart).
    widths = [b.get_width() for b in ax.patches]
    assert widths == sorted(widths)


def test_trend_draws_each_persons_months_and_leaves_gaps():
    history = perfscore.History(perfscore.demo_history_csv())
    fig = perfscore.plot.trend(history, people=["E001", "E004"])
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    assert set(lines) == {"E001", "E004"}
    # E001's January–May totals in the bundled history: 98.4, 104.1, 108.9, 115.6, 112.3.
    assert list(lines["E001"].get_ydata()) == [98.4, 104.1, 108.9, 115.6, 112.3]
    assert list(lines["E001"].get_xdata()) == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]


def test_html_views_colour_the_lights_and_mark_vetoes():
    # E004's compliance veto (total 0.00, D) is marked in red in the summary table's HTML.
    table = PLAN.summarize_frame({k: [r.get(k) if k == "id" else r["measures"].get(k) for r in TEAM] for k in ["id", *PLAN.measures]})
    html = table._repr_html_()
    assert html.count('class="perfscore-veto" style="color:#d33a2c"') == table.vetoed.count(True) >= 1
    mid = PLAN.score(TEAM[0], period={"basis": "calendar_days", "elapsed": 12, "total": 30})
    assert 'style="color:#' in mid._repr_html_() and mid.status in mid._repr_html_()
