"""Benchmark: a whole scoring run on a generated county of N leaders over several years.

    python3 bench/bench_run.py [--leaders 5000] [--years 3] [--seed 20250101] [--check] [--keep DIR]

Generates (deterministic seed) an input workbook with all seven sheets of
engine/sheets.py -- roster, 廉政监督卡 deductions, annual ranking (valid
competition rankings with ties, both unit categories), image rounds, portfolios,
large expenditures, five reinforcements -- with openpyxl in write-only mode, in a
temporary directory. Then times, separately:

    read_workbook                      engine.input.workbook.read_workbook (strict)
    load scorecard                     engine.rules.load.load_scorecard (default county.yaml)
    derive_facts                       engine.evaluation.facts.derive_facts   } both inside one
    evaluate_records                   engine.evaluation.evaluate.evaluate_records } engine.evaluation.scoring.score call
    assemble results                   the rest of engine.evaluation.scoring.score
    write JSON                         engine.evaluation.scoring.to_json + write
    write Excel report                 engine.output.report.write_report

and prints seconds and records/s per stage. Every assessed year is scored
(score(..., years=all years)), so the leader-years evaluated are N x years minus
the few leader-years in which a leader was not assessed.

--check recomputes SPEC 3.1 (廉政监督卡) for every leader-year in plain Python from
the generator's own data (integer cents, thresholds 4/6/10/12/14 inclusive, the
two- and three-year windows null when a year was not assessed) and asserts zero
differences against the engine's scores, consequence codes and DEMOTE clauses.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook as XlsxBook  # noqa: E402

import engine.evaluation.scoring as score_module  # noqa: E402
from engine.rules.load import load_scorecard  # noqa: E402
from engine.output.report import write_report  # noqa: E402
from engine.input.sheets import SHEETS  # noqa: E402
from engine.input.workbook import read_workbook  # noqa: E402

FIRST_YEAR = 2023
GRADE_CHOICES = ("好", "好", "较好", "较好", "较好", "一般", "差")
DEDUCTION_ITEMS = ("违规公务接待", "违规配用交通工具", "收受礼金礼品", "个人有关事项未如实报告", "插手工程承包",
                   "上班时间饮酒", "公车私用")
POINT_CENTS = (25, 50, 50, 100, 100, 100, 133, 150, 200, 200, 250, 300, 400, 500)
SEPARATORS = ("、", "，", ",", ";", "；")
BENIGN = ("农业农村", "文化旅游", "安全生产", "信访维稳", "乡村振兴", "生态环境", "教育卫生", "民政",
          "招商引资", "党建", "宣传", "统战", "社会治理", "交通运输", "水利")
FORBIDDEN = ("财务", "人事", "干部人事", "工程招标", "招投标", "行政审批", "物资采购", "政府采购", "财务管理",
             "组织人事")
SPEND_ITEMS = ("办公设备采购", "会议费", "差旅费", "车辆维修", "印刷费", "培训费", "工程款", "物业费")

CARD_CODES = ("DISQUALIFY_AWARDS", "WITHHOLD_BONUS_50", "DEMOTE_REMOVE_OR_RESIGN")


@dataclass
class County:
    """What the generator wrote, kept in plain Python for --check."""

    years: list[int]
    assessed: set[tuple[int, str]] = field(default_factory=set)
    cents: dict[tuple[int, str], int] = field(default_factory=lambda: defaultdict(int))
    rows: dict[str, int] = field(default_factory=dict)


def competition_ranks(scores: dict[str, int]) -> dict[str, int]:
    """Higher score = better; rank = 1 + number of strictly better units (1, 2, 2, 4)."""
    ordered = sorted(scores.values(), reverse=True)
    first = {}
    for position, value in enumerate(ordered):
        first.setdefault(value, position + 1)
    return {unit: first[value] for unit, value in scores.items()}


def generate(path: Path, leaders: int, n_years: int, seed: int) -> County:
    rng = random.Random(seed)
    years = list(range(FIRST_YEAR, FIRST_YEAR + n_years))
    county = County(years)
    n_units = max(12, leaders // 10)
    units: dict[str, str] = {}
    for i in range(n_units):
        share = i / n_units
        if share < 0.35:
            units[f"第{i:04d}镇"] = "乡镇"
        elif share < 0.9:
            units[f"县直第{i:04d}局"] = "县直单位"
        else:
            units[f"第{i:04d}中心"] = "其他"
    unit_names = list(units)
    members: dict[str, list[str]] = {u: [] for u in unit_names}
    ids = [f"L{n:06d}" for n in range(leaders)]
    unit_of: dict[str, str] = {}
    for n, lid in enumerate(ids):
        unit_of[lid] = unit_names[n % n_units]
        members[unit_of[lid]].append(lid)
    since = {lid: dt.date(FIRST_YEAR - rng.randrange(1, 9), rng.randrange(1, 13), rng.randrange(1, 29))
             for lid in ids}

    book = XlsxBook(write_only=True)
    ws = {spec.en: book.create_sheet(spec.zh) for spec in SHEETS}
    for spec in SHEETS:
        ws[spec.en].append([c.zh for c in spec.columns])
    counts = defaultdict(int)

    def put(en: str, row: list[Any]) -> None:
        ws[en].append(row)
        counts[en] += 1

    for year in years:
        if year != FIRST_YEAR:  # about 3% of leaders move each year: tenure changes, deputies become 一把手
            for lid in rng.sample(ids, max(1, leaders * 3 // 100)):
                members[unit_of[lid]].remove(lid)
                unit_of[lid] = rng.choice(unit_names)
                members[unit_of[lid]].append(lid)
                since[lid] = dt.date(year - 1, rng.randrange(1, 13), rng.randrange(1, 29))
        absent = set(rng.sample(ids, leaders * 4 // 100))  # not assessed this year: breaks windows
        for unit in unit_names:
            kind = units[unit]
            for slot, lid in enumerate(members[unit]):
                if lid in absent:
                    continue
                top = slot < 2
                title = (("党委书记", "镇长")[slot] if kind == "乡镇" else ("党组书记", "局长")[slot]) if top \
                    else ("副镇长" if kind == "乡镇" else "副局长")
                put("roster", [year, lid, f"干部{lid[1:]}", unit, kind, title, "是" if top else "否",
                               since[lid], rng.choice(("普通", "普通", "审批", "人财物")),
                               rng.choice(("是", "否")), None])
                county.assessed.add((year, lid))
                # 廉政监督卡: most leader-years clean, some heavy enough for every threshold
                if rng.random() < 0.45:
                    for _ in range(rng.choice((1, 1, 2, 2, 3, 4, 5))):
                        cents = rng.choice(POINT_CENTS)
                        county.cents[(year, lid)] += cents
                        put("deductions", [year, lid, dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29)),
                                           rng.choice(DEDUCTION_ITEMS), cents / 100,
                                           rng.choice((None, "已整改", "通报批评"))])
                # 分工: one cell, several items with mixed separators; some 一把手 in a forbidden category
                pool = BENIGN + FORBIDDEN if (not top or rng.random() < 0.15) else BENIGN
                items = rng.sample(pool, rng.randrange(1, 4))
                put("portfolios", [year, lid, rng.choice(SEPARATORS).join(items)])
                # 五个强化: most leader-years have a row; cells mix scores and grades
                if rng.random() < 0.9:
                    cells = [rng.choice(GRADE_CHOICES) if rng.random() < 0.5 else rng.randrange(45, 101)
                             for _ in range(5)]
                    put("five_reinforcements", [year, lid, *cells])
            for _ in range(rng.randrange(2, 7)):
                amount = round(rng.uniform(500, 20000), 2)
                put("expenditures", [year, unit, dt.date(year, rng.randrange(1, 13), rng.randrange(1, 29)), amount,
                                     rng.choice(SPEND_ITEMS), "否" if rng.random() < 0.1 else "是"])
        # 综合考核排名: per category, coarse scores so ties are common; a few units unranked some years
        for kind in ("乡镇", "县直单位", "其他"):
            scores = {u: rng.randrange(0, 40) for u in unit_names if units[u] == kind and rng.random() > 0.02}
            for unit, rank in sorted(competition_ranks(scores).items(), key=lambda kv: (kv[1], kv[0])):
                put("annual_ranking", [year, unit, kind, rank])
        # 形象测评: twice a year, the county departments and centres
        for rnd in (1, 2):
            scores = {u: rng.randrange(0, 60) for u in unit_names if units[u] != "乡镇"}
            for unit, rank in sorted(competition_ranks(scores).items(), key=lambda kv: (kv[1], kv[0])):
                put("image_ranking", [year, rnd, unit, rank])
    book.save(path)
    county.rows = dict(counts)
    return county


# --------------------------------------------------------------------------- SPEC 3.1, independently
def expected_card(county: County, year: int, lid: str) -> dict[str, Any]:
    """P(Y), the windows (None when a year of the window was not assessed), codes and DEMOTE clauses."""

    def p(y: int) -> int | None:
        return county.cents[(y, lid)] if (y, lid) in county.assessed else None

    p0, p1, p2 = p(year), p(year - 1), p(year - 2)
    two = p0 + p1 if p1 is not None else None
    three = p0 + p1 + p2 if p1 is not None and p2 is not None else None
    codes = set()
    if p0 >= 400:
        codes.add("DISQUALIFY_AWARDS")
    if p0 >= 600:
        codes.add("WITHHOLD_BONUS_50")
    clauses = [name for name, value, limit in (("one_year", p0, 1000), ("two_years", two, 1200),
                                               ("three_years", three, 1400))
               if value is not None and value >= limit]
    if clauses:
        codes.add("DEMOTE_REMOVE_OR_RESIGN")
    as_points = (lambda c: None if c is None else c / 100)
    return {"scores": (as_points(p0), as_points(two), as_points(three)), "codes": codes, "clauses": clauses}


def check(county: County, result: Any) -> tuple[int, dict[str, int]]:
    differences: list[str] = []
    fired = defaultdict(int)
    for res in result.results:
        want = expected_card(county, res.year, res.leader_id)
        got_scores = (res.scores["deduction_points"], res.scores["deduction_points_2y"],
                      res.scores["deduction_points_3y"])
        got_codes = {c.code for c in res.consequences if c.code in CARD_CODES}
        demote = [c for c in res.consequences if c.code == "DEMOTE_REMOVE_OR_RESIGN"]
        got_clauses = demote[0].clauses if demote else []
        for code in got_codes:
            fired[code] += 1
        for code in CARD_CODES:
            if sum(1 for c in res.consequences if c.code == code) > 1:
                differences.append(f"{res.year} {res.leader_id}: {code} attached twice")
        if got_scores != want["scores"]:
            differences.append(f"{res.year} {res.leader_id}: scores {got_scores} != {want['scores']}")
        if got_codes != want["codes"]:
            differences.append(f"{res.year} {res.leader_id}: codes {sorted(got_codes)} != {sorted(want['codes'])}")
        if got_clauses != want["clauses"]:
            differences.append(f"{res.year} {res.leader_id}: clauses {got_clauses} != {want['clauses']}")
    compared = len(result.results)
    if compared != len(county.assessed):
        differences.append(f"{compared} leader-years in the results, {len(county.assessed)} assessed")
    assert not differences, f"{len(differences)} differences, e.g.\n" + "\n".join(differences[:20])
    return compared, dict(fired)


# --------------------------------------------------------------------------- timing
class Stopwatch:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.records: dict[str, tuple[int, str]] = {}

    def wrap(self, stage: str, func: Callable) -> Callable:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            out = func(*args, **kwargs)
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
            return out
        return timed

    def run(self, stage: str, func: Callable, *args: Any, **kwargs: Any) -> Any:
        return self.wrap(stage, func)(*args, **kwargs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leaders", type=int, default=5_000)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--check", action="store_true", help="verify SPEC 3.1 against a plain-Python reimplementation")
    parser.add_argument("--keep", type=Path, help="write the workbook, JSON and report into this directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"bench_{args.leaders}.xlsx"
        started = time.perf_counter()
        county = generate(path, args.leaders, args.years, args.seed)
        input_rows = sum(county.rows.values())
        print(f"generated {args.leaders:,} leaders x {args.years} years: "
              + ", ".join(f"{en} {county.rows.get(en, 0):,}" for en in (s.en for s in SHEETS))
              + f" ({input_rows:,} rows, {path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s")

        watch = Stopwatch()
        captured: dict[str, Any] = {}
        workbook = watch.run("read_workbook", read_workbook, path)
        scorecard = watch.run("load scorecard", load_scorecard)

        def derive(*a: Any, **k: Any) -> Any:
            captured["facts"] = out = original_derive(*a, **k)
            return out

        def evaluate(scorecard_: Any, records: dict[str, list], *a: Any, **k: Any) -> Any:
            captured["records"] = sum(len(v) for v in records.values())
            return original_evaluate(scorecard_, records, *a, **k)

        original_derive, original_evaluate = score_module.derive_facts, score_module.evaluate_records
        score_module.derive_facts = watch.wrap("derive_facts", derive)
        score_module.evaluate_records = watch.wrap("evaluate_records", evaluate)
        try:
            result = watch.run("score (total)", score_module.score, workbook, scorecard, years=county.years)
        finally:
            score_module.derive_facts, score_module.evaluate_records = original_derive, original_evaluate
        watch.seconds["assemble results"] = (watch.seconds.pop("score (total)") - watch.seconds["derive_facts"]
                                             - watch.seconds["evaluate_records"])
        json_path, xlsx_path = out_dir / "results.json", out_dir / "report.xlsx"
        watch.run("write JSON", lambda: json_path.write_text(score_module.to_json(result), encoding="utf-8"))
        watch.run("write Excel report", write_report, result, xlsx_path)

        leader_years = len(result.results)
        facts = captured["facts"]
        scope_rows = {scope: int(frame["year"].isin(county.years).sum()) for scope, frame in facts.items()}
        consequences = sum(len(r.consequences) for r in result.results)
        counts = {
            "read_workbook": (input_rows, "input rows"),
            "load scorecard": (len(scorecard.rules), "rules"),
            "derive_facts": (leader_years, "leader-years"),
            "evaluate_records": (captured["records"], "records, all scopes"),
            "assemble results": (leader_years, "leader-years"),
            "write JSON": (leader_years, "leader-years"),
            "write Excel report": (leader_years, "leader-years"),
        }
        print(f"{leader_years:,} leader-years; records per scope: "
              + ", ".join(f"{k} {v:,}" for k, v in scope_rows.items())
              + f"; {consequences:,} consequences; JSON {json_path.stat().st_size / 1e6:.1f} MB, "
              f"report {xlsx_path.stat().st_size / 1e6:.1f} MB")
        print()
        print(f"{'stage':<20} {'seconds':>8} {'records':>10} {'records/s':>11}  unit")
        for stage, (n, unit) in counts.items():
            s = watch.seconds[stage]
            print(f"{stage:<20} {s:>8.2f} {n:>10,} {n / s if s else float('inf'):>11,.0f}  {unit}")
        total = sum(watch.seconds.values())
        print(f"{'total':<20} {total:>8.2f} {leader_years:>10,} {leader_years / total:>11,.0f}  leader-years")

        if args.check:
            compared, fired = check(county, result)
            print()
            print(f"check: {compared:,} leader-years compared with the plain-Python SPEC 3.1 card, 0 differences "
                  f"(fired: " + ", ".join(f"{code} {fired.get(code, 0):,}" for code in CARD_CODES) + ")")


if __name__ == "__main__":
    main()
