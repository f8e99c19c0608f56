"""One sheet's cells, normalised (SPEC section 6).

`workbook.py` turns the file into `SheetData` (raw cells by contract column);
this module sends every cell through its column's normaliser (`normalise.py`)
and records notes and errors; `checks.py` runs the checks that need several
rows or sheets.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from engine.input.issues import CODES, InputIssue, make_issue
from engine.input.normalise import (  # noqa: F401  (re-exported: the validate API predates the split)
    BLANK, INVALID, Problem, display_value, expected_for, normalise_cell, normaliser_for, number_text,
)
from engine.input.sheets import ColumnSpec, SheetSpec

# --------------------------------------------------------------------------
# One sheet's rows, as the reader hands them over
# --------------------------------------------------------------------------

@dataclass
class SheetData:
    """A contract sheet after reading: raw and normalised cells by contract column."""

    spec: SheetSpec
    name: str                                   # the sheet name as in the file
    rows: list[int] = field(default_factory=list)          # Excel row number of each data row
    raw: dict[str, list[Any]] = field(default_factory=dict)     # en -> raw cells ('' = empty)
    values: dict[str, list[Any]] = field(default_factory=dict)  # en -> value | None | INVALID
    present: set[str] = field(default_factory=set)          # contract columns found in the header
    bad: set[int] = field(default_factory=set)              # row indices with an error
    structural: bool = False                    # a sheet-level error: no row is usable
    # en -> how a header's unit or direction changes the column: ("scale", 10000) for 金额（万元）,
    # ("invert",) for 名次（倒数） (engine.input.headers.qualifier_transform)
    transforms: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    issues: list[InputIssue] = field(default_factory=list)

    def issue(self, code: str, index: int | None, col_en: str | None, *,
              value: str | None = None, severity: str | None = None, **extra: object) -> None:
        """Record an issue about row `index` (a data-row index) / column; errors mark the row bad."""
        col = self.spec.column(col_en) if col_en else None
        expected, expected_en = expected_for(col) if col else ("", "")
        extra.setdefault("expected", expected)
        extra.setdefault("expected_en", expected_en)
        row = self.rows[index] if index is not None else None
        item = make_issue(code, sheet=self.name, row=row, column=col.zh if col else None,
                          column_en=col.en if col else None, value=value,
                          severity=severity, **extra)
        self.issues.append(item)
        if item.severity == "error" and index is not None:
            self.bad.add(index)

    def shown(self, index: int, col_en: str) -> str:
        return display_value(self.raw[col_en][index])

    def valid_rows(self, *cols: str) -> Iterable[tuple[int, tuple[Any, ...]]]:
        """(index, values) of the rows where every one of `cols` holds a usable value."""
        columns = [self.values.get(col) for col in cols]
        if any(column is None for column in columns):
            return
        for index, values in enumerate(zip(*columns)):
            if None not in values and INVALID not in values:
                yield index, values

    def valid(self, index: int, *cols: str) -> tuple[Any, ...] | None:
        """The normalised values of `cols` in row `index`, or None if any is missing/invalid."""
        out = []
        for col in cols:
            column = self.values.get(col)
            if column is None:
                return None
            value = column[index]
            if value is None or value is INVALID:
                return None
            out.append(value)
        return tuple(out)


def normalise_sheet(data: SheetData, specials: dict[tuple[int, str], Problem]) -> None:
    """Normalise every present column; record notes and errors. `specials` maps
    (data-row index, column en) to a problem that overrides the cell (formula
    without value, Excel error, covered merged cell)."""
    by_col: dict[str, list[tuple[int, Problem]]] = defaultdict(list)
    for (index, col_en), problem in specials.items():
        by_col[col_en].append((index, problem))
    for col in data.spec.columns:
        if col.en not in data.present:
            data.values[col.en] = [None] * len(data.rows)
            continue
        out, flagged = _normalise_column(data.raw[col.en], col)
        overrides = dict(by_col.get(col.en, ()))
        for index, problems in flagged:
            if index not in overrides:
                _report(data, index, col, problems)
        for index, problem in sorted(overrides.items()):
            out[index] = INVALID
            _report(data, index, col, (problem,))
        data.values[col.en] = out


def _normalise_column(raws: list[Any], col: ColumnSpec) -> tuple[list[Any], list[tuple[int, tuple[Problem, ...]]]]:
    norm = normaliser_for(col)
    required = col.required
    out: list[Any] = [None] * len(raws)
    flagged: list[tuple[int, tuple[Problem, ...]]] = []
    missing = (("MISSING_VALUE", {}),)
    for index, raw in enumerate(raws):
        if raw == "":
            if required:
                out[index] = INVALID
                flagged.append((index, missing))
            continue
        value, problems = norm(raw)
        if value is BLANK:
            if required:
                value = INVALID
                problems = missing
            else:
                value = None
        if problems:
            flagged.append((index, problems))
        out[index] = value
    return out, flagged


def _report(data: SheetData, index: int, col: ColumnSpec, problems: Iterable[Problem]) -> None:
    problems = tuple(problems)
    has_error = any(CODES[code].severity == "error" for code, _ in problems)
    for code, extra in problems:
        if has_error and CODES[code].severity == "note":
            continue   # an invalid cell gets its error only; notes would describe a value not used
        # Specials carry the text to show (the formula, the error value) under "shown".
        shown = extra.get("shown")
        value = shown if isinstance(shown, str) else data.shown(index, col.en)
        data.issue(code, index, col.en, value=value, **{k: v for k, v in extra.items() if k != "shown"})




__all__ = ["BLANK", "INVALID", "Problem", "SheetData", "display_value", "expected_for", "normalise_cell",
           "normalise_sheet", "normaliser_for", "number_text"]
