"""Property tests: whatever the workbook holds, read_workbook returns or raises InputError.

Profiles: "ci" (default, ~150 examples per test, well under a minute) and
"long" (thousands of examples): SCORECARD_FUZZ=long python3 -m pytest tests/test_fuzz_workbook.py
The profile is applied per test (not loaded globally) so other test modules keep their settings.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.input.issues import CODES, InputError
from engine.input.sheets import GRADES, SHEETS, ColumnSpec, Kind, SheetSpec
from engine.input.workbook import read_workbook
from wbtools import cache_formulas, make_workbook, xlsx_bytes

# database=None: no .hypothesis/ directory in the working tree; a failure prints its example.
settings.register_profile("ci", max_examples=150, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("long", max_examples=5000, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("long" if os.environ.get("SCORECARD_FUZZ") == "long" else "ci")
SMALL = settings(PROFILE, max_examples=max(PROFILE.max_examples // 3, 30))

# Text openpyxl can store (no control characters, no lone surrogates).
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_JUNK = st.one_of(
    st.none(), _TEXT, st.sampled_from(["", " ", "\u3000", "是", "否", "Y", "✓", "第3名", "２０２４", "１．５",
                                       "2024年3月5日", "2024/13/40", "=1+1", "=A1/0", "#N/A", "好", "优秀",
                                       "x" * 1001, "3,000", "+2", ".5", "nan", "inf", "1e3"]),
    st.integers(-10 ** 6, 10 ** 17), st.floats(-1e6, 1e17, allow_nan=False, allow_infinity=False),
    st.booleans(), st.dates(dt.date(1899, 12, 31), dt.date(2200, 1, 1)),
    st.datetimes(dt.datetime(1950, 1, 1), dt.datetime(2100, 1, 1)),
)
_LEADERS = st.sampled_from(["1001", "1002", "1003", 1001, 1002.0, "L7"])
_UNITS = st.sampled_from(["甲镇", "乙局", "丙局", "丁镇"])


def _valid(col: ColumnSpec) -> st.SearchStrategy:
    """Mostly well-formed values, so cross-row checks (keys, ranks, roster) get exercised."""
    if col.en == "leader_id":
        return _LEADERS
    if col.en == "unit":
        return _UNITS
    return {
        Kind.YEAR: st.sampled_from([2023, 2024, 2024.0, "2024"]),
        Kind.TEXT: _TEXT.filter(str.strip),
        Kind.ID: _LEADERS,
        Kind.FLAG: st.sampled_from(["是", "否"]),
        Kind.DATE: st.dates(dt.date(2000, 1, 1), dt.date(2030, 1, 1)),
        Kind.POINTS: st.sampled_from([0.5, 1, 2, 1.25, 4]),
        Kind.AMOUNT: st.integers(0, 100_000),
        Kind.RANK: st.integers(1, 5),
        Kind.ROUND: st.sampled_from([1, 2]),
        Kind.CHOICE: st.sampled_from(col.choices or ("x",)),
        Kind.SCORE_OR_GRADE: st.one_of(st.integers(0, 100), st.sampled_from(GRADES)),
        Kind.SCORE: st.one_of(st.integers(0, 100), st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 1))),
    }[col.kind]


def _cell(col: ColumnSpec) -> st.SearchStrategy:
    return st.one_of(_valid(col), _valid(col), _valid(col), _JUNK)


@st.composite
def _header(draw, spec: SheetSpec) -> tuple[list, list[ColumnSpec | None]]:
    """A header with structural damage: dropped, renamed, aliased, duplicated and extra columns."""
    names: list = []
    cols: list[ColumnSpec | None] = []
    for col in spec.columns:
        fate = draw(st.sampled_from(["keep"] * 6 + ["drop", "rename", "alias", "spaced"]))
        if fate == "drop":
            continue
        names.append({"keep": col.zh, "rename": draw(_TEXT) or None, "alias": col.en.upper(),
                      "spaced": f" {col.zh}\u3000"}[fate])
        cols.append(col if fate != "rename" else None)
    if cols and draw(st.booleans()) and draw(st.booleans()):
        i = draw(st.integers(0, len(cols) - 1))
        names.append(names[i])
        cols.append(cols[i])
    for _ in range(draw(st.integers(0, 2))):
        names.append(draw(st.sampled_from(["备注", "extra", None, "合计"])))
        cols.append(None)
    order = draw(st.permutations(range(len(names)))) if draw(st.booleans()) else list(range(len(names)))
    return [names[i] for i in order], [cols[i] for i in order]


@st.composite
def workbooks(draw) -> tuple[dict, dict, tuple, tuple]:
    sheets: dict[str, list] = {}
    merged: dict[str, list[str]] = {}
    specs = draw(st.lists(st.sampled_from(SHEETS), max_size=len(SHEETS), unique_by=lambda s: s.en))
    for spec in specs:
        names, cols = draw(_header(spec))
        rows: list[list] = [[] for _ in range(draw(st.integers(0, 1) if draw(st.booleans()) else st.just(0)))]
        rows.append(names)
        for _ in range(draw(st.integers(0, 12))):
            if draw(st.integers(0, 9)) == 0:
                rows.append([])                                  # a blank row
            else:
                rows.append([draw(_cell(c)) if c else draw(_JUNK) for c in cols])
        title = draw(st.sampled_from([spec.zh, spec.zh, spec.en, f" {spec.zh} "]))
        if title.strip() in {t.strip() for t in sheets}:
            continue
        sheets[title] = rows
        if len(names) >= 2 and draw(st.integers(0, 7)) == 0:
            header_row = len(rows) - len([r for r in rows[rows.index(names):]]) + 1
            merged[title] = [f"A{header_row}:B{header_row}"]
    for extra in draw(st.lists(st.sampled_from(["Sheet1", "说明", "干部名册2024"]), unique=True, max_size=2)):
        if extra not in sheets:
            sheets[extra] = [["x", 1]]
    hidden = tuple(t for t in sheets if draw(st.integers(0, 9)) == 0)
    if hidden and len(hidden) == len(sheets):
        hidden = hidden[1:]
    cached = tuple(t for t in sheets if draw(st.integers(0, 3)) == 0)   # as if saved by Excel
    return sheets, merged, hidden, cached


def _check_tables(book) -> None:
    for en, table in book.tables.items():
        spec = next(s for s in SHEETS if s.en == en)
        skipped = book.skipped_rows.get(en, [])
        assert len(table) + len(skipped) == book.rows_in_sheet[en]
        assert not set(table["_row"]) & set(skipped)
        assert len(set(skipped)) == len(skipped)
        assert list(table.columns) == [c.en for c in spec.columns] + ["_row"]
        assert table["_row"].is_monotonic_increasing
        for col in spec.columns:
            values = table[col.en].tolist()
            if col.required:
                assert all(v is not None and not (isinstance(v, float) and math.isnan(v)) for v in values), col.en
            if col.kind is Kind.POINTS:
                assert all(v > 0 for v in values)
            if col.kind is Kind.YEAR:
                assert all(type(v) is int and 1990 <= v <= 2100 for v in values)


@PROFILE
@given(workbooks())
def test_read_returns_or_raises_input_error(case):
    sheets, merged, hidden, cached = case
    with tempfile.TemporaryDirectory() as tmp:
        path = make_workbook(Path(tmp), sheets, merged=merged, hidden=hidden)
        for title in cached:
            cache_formulas(path, title)
        before = path.read_bytes()
        try:
            lenient = read_workbook(path, lenient=True)
        except InputError as exc:
            lenient = None
            assert any(i.severity == "error" for i in exc.issues)
            assert all(i.code in CODES for i in exc.issues)
        if lenient is not None:
            _check_tables(lenient)
            assert all(i.code in CODES for i in lenient.issues)
        try:
            strict = read_workbook(path)
        except InputError as exc:
            assert any(i.severity == "error" for i in exc.issues)
        else:
            # strict success means nothing was wrong: lenient mode reads the same
            assert not [i for i in strict.issues if i.severity == "error"]
            assert lenient is not None and lenient.skipped_rows == {}
            assert strict.issues == lenient.issues
            for en, table in strict.tables.items():
                assert table.equals(lenient.tables[en])
        assert path.read_bytes() == before


_SEED_XLSX = xlsx_bytes({
    "干部名册": [[c.zh for c in SHEETS[0].columns], [2024, "1001", "张三", "甲镇", "乡镇", "书记", "是", None, None, None, None]],
    "廉政监督卡": [[c.zh for c in SHEETS[1].columns], [2024, "1001", None, "x", 2, "=1+1"]],
})


@SMALL
@given(st.lists(st.tuples(st.integers(0, len(_SEED_XLSX) - 1), st.integers(0, 255)), max_size=8),
       st.integers(1, len(_SEED_XLSX)))
def test_damaged_bytes_never_escape_as_other_exceptions(flips, keep):
    data = bytearray(_SEED_XLSX[:keep])
    for position, value in flips:
        if position < len(data):
            data[position] = value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.xlsx"
        path.write_bytes(bytes(data))
        for lenient in (False, True):
            try:
                book = read_workbook(path, lenient=lenient)
            except InputError as exc:
                assert any(i.severity == "error" for i in exc.issues)
            else:
                _check_tables(book)
