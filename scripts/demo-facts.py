#!/usr/bin/env python3
"""Write core/data/demo-facts/: the demo team's June 2026 as raw business facts.

CRM orders (with May history, a cancellation and a return), finance invoices and receipts, and
the visit log, generated so that the plan `monthly-sales-rep-facts` aggregates them to exactly
the numbers of core/data/demo-team.csv (revenue, contracts, new customers, gross profit,
invoiced, collected, visits); the other measures (targets, ratings, counts the CRM does not
hold) stay in people.csv, which also serves as the org table (工号, team, branch). Orders carry
a product line and a customer type for cross-analysis. Deterministic: run it again and the files are byte-identical.

    python3 scripts/demo-facts.py
"""

import csv
import io
import random
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEAM = ROOT / "core" / "data" / "demo-team.csv"
OUT = ROOT / "core" / "data" / "demo-facts"
FROM_FACTS = ["销售额", "回款金额", "开票金额", "毛利", "新客户数", "contracts", "拜访次数"]
CENT = Decimal("0.01")


def split(total: Decimal, parts: int, rng: random.Random) -> list:
    """`total` in `parts` positive amounts to the cent that add up exactly."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    amounts = [(total * Decimal(w / sum(weights))).quantize(CENT) for w in weights]
    amounts[-1] += total - sum(amounts)
    return amounts


def june_day(rng: random.Random) -> str:
    return f"2026-06-{rng.randint(1, 30):02d}"


def main() -> None:
    rng = random.Random(20260630)
    team = list(csv.DictReader(TEAM.open(encoding="utf-8")))
    orders, money, visits, people = [], [], [], []
    customer_no = 0
    for p in team:
        pid = p["工号"]
        revenue, margin = Decimal(p["销售额"]), Decimal(p["毛利"])
        contracts, new = int(p["contracts"]), int(p["新客户数"])
        # One existing customer per June order that is not a new customer's, each with a May order.
        customers = []
        for k in range(contracts):
            customer_no += 1
            c = f"C{customer_no:04d}"
            customers.append(c)
            if k >= new:
                orders.append([f"SO-{len(orders) + 1:05d}", f"2026-05-{rng.randint(1, 31):02d}", pid, c, "signed", str(rng.randint(20, 90) * 1000), str(rng.randint(3, 12) * 1000)])
        # A return (its own negative order) for every third person, compensated in the signed orders.
        returned = Decimal(rng.randint(5, 15) * 1000) if int(pid[1:]) % 3 == 0 else Decimal(0)
        returned_margin = (returned * Decimal("0.15")).quantize(CENT)
        for c, amount, m in zip(customers, split(revenue + returned, contracts, rng), split(margin + returned_margin, contracts, rng)):
            orders.append([f"SO-{len(orders) + 1:05d}", june_day(rng), pid, c, "signed", str(amount), str(m)])
        if returned:
            orders.append([f"SO-{len(orders) + 1:05d}", f"2026-06-{rng.randint(20, 30):02d}", pid, customers[0], "returned", str(-returned), str(-returned_margin)])
        # A cancelled order for every fourth person: in the CRM, in no number.
        if int(pid[1:]) % 4 == 0:
            orders.append([f"SO-{len(orders) + 1:05d}", june_day(rng), pid, customers[-1], "cancelled", "88000.00", "12000.00"])
        for kind, total in (("invoice", Decimal(p["开票金额"])), ("receipt", Decimal(p["回款金额"]))):
            for amount in split(total, rng.randint(2, 4), rng):
                money.append([f"FIN-{len(money) + 1:05d}", june_day(rng), pid, rng.choice(customers), kind, str(amount)])
        # Visits: distinct (customer, day) pairs, plus a second call on some of them (counted once).
        pairs = set()
        while len(pairs) < int(p["拜访次数"]):
            pairs.add((rng.choice(customers + [f"P{pid}-{k}" for k in range(6)]), june_day(rng)))
        for c, day in sorted(pairs):
            visits.append([len(visits) + 1, day, pid, c])
            if rng.random() < 0.15:
                visits.append([len(visits) + 1, day, pid, c])
        people.append({k: v for k, v in p.items() if k not in FROM_FACTS})
    # A payment the finance team has not assigned yet: listed as unassigned, in no one's numbers.
    money.append([f"FIN-{len(money) + 1:05d}", "2026-06-28", "", "C9999", "receipt", "15000.00"])
    orders.sort(key=lambda r: (r[1], r[0]))
    # Product line per order and type per customer, for cross-analysis; drawn from their own
    # generator so every other column stays as it was.
    tag = random.Random(618)
    kinds = {}
    for o in orders:
        kinds.setdefault(o[3], tag.choice(["retail", "retail", "wholesale", "key_account"]))
        o.extend([tag.choice(["hardware", "hardware", "software", "service"]), kinds[o[3]]])
    money.sort(key=lambda r: (r[1], r[0]))
    visits.sort(key=lambda r: (r[1], r[0]))
    write("orders.csv", ["订单号", "签约日期", "工号", "客户", "状态", "金额", "毛利", "产品线", "客户类型"], orders)
    write("payments.csv", ["单据号", "日期", "工号", "客户", "类型", "金额"], money)
    write("visits.csv", ["拜访编号", "拜访日期", "工号", "客户"], visits)
    header = list(people[0].keys())
    write("people.csv", header, [[p[h] for h in header] for p in people])


def write(name: str, header: list, rows: list) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    (OUT / name).write_text(buf.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    main()
