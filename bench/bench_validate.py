"""Benchmark: validate a 100,000-row 廉政监督卡 sheet with 1% bad cells.

    python3 bench/bench_validate.py [--rows 100000] [--bad 0.01] [--seed 20240305]

Generates the workbook (deterministic seed) in a temporary directory, times
read_workbook in lenient and strict mode, prints rows/s and issue counts, and
asserts that every injected bad cell was reported with the expected code.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook  # noqa: E402

from engine.input.issues import InputError  # noqa: E402
from engine.input.sheets import sheet  # noqa: E402
from engine.input.workbook import read_workbook  # noqa: E402

LEADERS = 500
COLUMNS = [c.zh for c in sheet("deductions").columns]      # 年度 干部编号 日期 扣分事项 扣分 说明
ROSTER_HEADER = [c.zh for c in sheet("roster").columns]

# column index -> list of (bad value, expected code)
BAD_VALUES: dict[int, list[tuple[object, str]]] = {
    0: [("20x4", "BAD_YEAR"), (1850, "BAD_YEAR"), (None, "MISSING_VALUE")],
    1: [(None, "MISSING_VALUE"), (True, "BAD_ID"), (-7, "BAD_ID")],
    2: [("2024-02-30", "BAD_DATE"), ("明天", "BAD_DATE"), (3, "BAD_DATE")],
    3: [(None, "MISSING_VALUE"), ("长" * 1001, "TEXT_TOO_LONG")],
    4: [(-1, "NEGATIVE_POINTS"), (0, "NEGATIVE_POINTS"), ("abc", "NOT_A_NUMBER"), (1.234, "TOO_MANY_DECIMALS"),
        (None, "MISSING_VALUE")],
    5: [("说" * 1001, "TEXT_TOO_LONG")],
}


def build(directory: Path, rows: int, bad_share: float, seed: int) -> tuple[Path, dict[tuple[int, str], str]]:
    """Write the workbook; return its path and {(excel row, column zh): expected code}."""
    rng = random.Random(seed)
    cells = rows * len(COLUMNS)
    bad_count = int(cells * bad_share)
    positions = rng.sample(range(cells), bad_count)
    injected: dict[tuple[int, int], tuple[object, str]] = {}
    for position in positions:
        row, col = divmod(position, len(COLUMNS))
        injected[(row, col)] = rng.choice(BAD_VALUES[col])
    book = Workbook(write_only=True)
    roster = book.create_sheet("干部名册")
    roster.append(ROSTER_HEADER)
    for n in range(LEADERS):
        roster.append([2024, f"L{n:04d}", f"干部{n}", f"单位{n % 40}", "乡镇" if n % 40 < 15 else "县直单位",
                       "局长", "是" if n % 5 == 0 else "否", dt.date(2020, 1, 1), "普通", "否", None])
    card = book.create_sheet("廉政监督卡")
    card.append(COLUMNS)
    start = dt.date(2024, 1, 1)
    for row in range(rows):
        values: list[object] = [2024, f"L{rng.randrange(LEADERS):04d}", start + dt.timedelta(days=rng.randrange(360)),
                                rng.choice(["违规公务接待", "违规配用交通工具", "收受礼金礼品"]),
                                rng.choice([0.5, 1, 2, 1.25, 3]), rng.choice([None, "已整改", "通报"])]
        for col in range(len(COLUMNS)):
            if (row, col) in injected:
                values[col] = injected[(row, col)][0]
        card.append(values)
    path = directory / "bench.xlsx"
    book.save(path)
    expected = {(row + 2, COLUMNS[col]): code for (row, col), (_, code) in injected.items()}
    return path, expected


def check_reported(issues, expected: dict[tuple[int, str], str]) -> None:
    found = {(i.row, i.column): i.code for i in issues if i.sheet == "廉政监督卡" and i.severity == "error"}
    missing = [(cell, code) for cell, code in expected.items() if found.get(cell) != code]
    assert not missing, f"{len(missing)} injected bad cells not reported as expected, e.g. {missing[:5]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=20240305)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        path, expected = build(Path(tmp), args.rows, args.bad, args.seed)
        print(f"generated {args.rows:,} rows, {len(expected):,} bad cells in "
              f"{time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")

        started = time.perf_counter()
        book = read_workbook(path, lenient=True)
        lenient_s = time.perf_counter() - started
        errors = [i for i in book.issues if i.severity == "error"]
        kept, skipped = len(book.tables["deductions"]), len(book.skipped_rows.get("deductions", []))
        assert kept + skipped == book.rows_in_sheet["deductions"] == args.rows
        check_reported(book.issues, expected)
        print(f"lenient: {lenient_s:.2f} s, {args.rows / lenient_s:,.0f} rows/s, {len(book.issues):,} issues "
              f"({len(errors):,} errors), kept {kept:,}, skipped {skipped:,}")

        started = time.perf_counter()
        try:
            strict_issues = read_workbook(path).issues
            assert not expected, "strict mode accepted a workbook with bad cells"
        except InputError as exc:
            strict_issues = exc.issues
        strict_s = time.perf_counter() - started
        check_reported(strict_issues, expected)
        strict_errors = sum(1 for i in strict_issues if i.severity == "error")
        print(f"strict:  {strict_s:.2f} s, {args.rows / strict_s:,.0f} rows/s, {len(strict_issues):,} issues "
              f"({strict_errors:,} errors)")
        print(f"every one of the {len(expected):,} injected bad cells was reported with its code")


if __name__ == "__main__":
    main()
