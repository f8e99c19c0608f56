"""The engine's tables ↔ stored rows, generically from the sheet contract (engine.input.sheets.SHEETS).

A table read from a workbook is split into datasets: one per year for sheets with a 年度 column,
and "-" for sheets without one (the §4b history sheets such as 任职经历). Each row is kept as the
JSON of its normalised values with its Excel row; each sheet's column order and dtypes are kept too,
so the tables rebuilt from the store are the very tables the reader produced, and a new sheet in the
contract needs no schema change.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from engine.input.issues import InputIssue
from engine.input.sheets import SHEETS_BY_EN, SheetSpec
from engine.store.chain import canonical, sha256_text

YEARLESS = "-"          # the dataset of the sheets without a 年度 column
ROW = "_row"            # the reader's Excel-row column


@dataclass
class StoredRow:
    sheet: str
    year: int | None
    key: str
    excel_row: int
    data: str           # canonical JSON of the normalised values


@dataclass
class Dataset:
    """One year's (or the year-less) rows of one workbook, ready to store or to compare."""
    name: str                                   # "2025" or "-"
    year: int | None
    rows: list[StoredRow] = field(default_factory=list)
    sheets: dict[str, dict[str, Any]] = field(default_factory=dict)   # en -> {"columns": [...], "dtypes": {...}}
    notes: list[dict[str, Any]] = field(default_factory=list)         # the reader's notes about these rows

    def meta(self) -> dict[str, Any]:
        return {"sheets": self.sheets, "notes": self.notes}

    def content_hash(self) -> str:
        rows = sorted(([r.sheet, r.excel_row, r.key, r.data] for r in self.rows), key=lambda r: (r[0], r[1]))
        return sha256_text(canonical({"dataset": self.name, "meta": self.meta(), "rows": rows}))

    def counts(self) -> dict[str, int]:
        out = {en: 0 for en in self.sheets}
        for r in self.rows:
            out[r.sheet] += 1
        return out


# ------------------------------------------------------------------ values
def encode_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()          # numpy scalar
    if isinstance(value, float) and value != value:
        return None                   # NaN: an empty optional cell
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    raise TypeError(f"cannot store a {type(value).__name__} value: {value!r}")


def decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$date" in value:
            return dt.date.fromisoformat(value["$date"])
        if "$datetime" in value:
            return dt.datetime.fromisoformat(value["$datetime"])
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    return value


# ------------------------------------------------------------------ tables → datasets
def row_identity(spec: SheetSpec | None, values: dict[str, Any], ordinal: int) -> str:
    """What a row is called in a diff: the contract's key, else leader/unit and its place among theirs."""
    if spec is not None and spec.key:
        return "|".join(str(values.get(k)) for k in spec.key)
    who = next((values[c] for c in ("leader_id", "unit") if values.get(c) is not None), "")
    return f"{who}|#{ordinal}"


def split_tables(tables: dict[str, pd.DataFrame], issues: list[InputIssue] | None = None,
                 years: list[int] | None = None) -> dict[str, Dataset]:
    """Datasets by name ("2025", "-"); years limits the year datasets kept (None: all)."""
    found: dict[str, Dataset] = {}
    yearly_sheets, yearless_sheets = [], []
    for en, frame in tables.items():
        (yearly_sheets if "year" in frame.columns else yearless_sheets).append(en)
    all_years = sorted({int(y) for en in yearly_sheets for y in tables[en]["year"]})
    wanted = [y for y in all_years if years is None or y in years]
    for year in wanted:
        found[str(year)] = Dataset(str(year), year)
    if yearless_sheets:
        found[YEARLESS] = Dataset(YEARLESS, None)
    for en, frame in tables.items():
        columns = [c for c in frame.columns if c != ROW]
        shape = {"columns": columns, "dtypes": {c: str(frame[c].dtype) for c in columns}}
        targets = [found[str(y)] for y in wanted] if en in yearly_sheets else [found[YEARLESS]]
        for ds in targets:
            ds.sheets[en] = shape
        _add_rows(en, frame, columns, found)
    _attach_notes(found, issues or [])
    return found


def _add_rows(en: str, frame: pd.DataFrame, columns: list[str], found: dict[str, Dataset]) -> None:
    spec = SHEETS_BY_EN.get(en)
    ordinals: dict[tuple[Any, str], int] = {}
    records = frame.to_dict("records")
    for rec in records:
        values = {c: encode_value(rec[c]) for c in columns}
        year = values.get("year") if "year" in frame.columns else None
        name = YEARLESS if year is None else str(year)
        if name not in found:
            continue                       # a year not asked for (--year)
        who = next((values[c] for c in ("leader_id", "unit") if values.get(c) is not None), "")
        ordinal = ordinals[(year, who)] = ordinals.get((year, who), 0) + 1
        found[name].rows.append(StoredRow(en, year, row_identity(spec, values, ordinal)[:400],
                                          int(rec[ROW]), canonical(values)))


def _attach_notes(found: dict[str, Dataset], issues: list[InputIssue]) -> None:
    """A note about a row goes with that row's dataset; a note about a sheet or the file goes with all."""
    where: dict[tuple[str, int], str] = {}
    for ds in found.values():
        for r in ds.rows:
            spec = SHEETS_BY_EN.get(r.sheet)
            for label in (r.sheet, spec.zh if spec else r.sheet):
                where[(label, r.excel_row)] = ds.name
    for issue in issues:
        if issue.severity != "note":
            continue
        home = where.get((issue.sheet or "", issue.row)) if issue.row is not None else None
        for ds in found.values():
            if home is None or ds.name == home:
                ds.notes.append(issue.model_dump(mode="json"))


# ------------------------------------------------------------------ datasets → tables
def join_tables(datasets: list[Dataset]) -> dict[str, pd.DataFrame]:
    """The engine's tables from several datasets: rows by (year, Excel row), the reader's dtypes."""
    shapes: dict[str, dict[str, Any]] = {}
    for ds in datasets:
        for en, shape in ds.sheets.items():
            shapes.setdefault(en, shape)
    picked: dict[str, list[StoredRow]] = {en: [] for en in shapes}
    for ds in datasets:
        for r in ds.rows:
            picked[r.sheet].append(r)
    tables = {}
    for en in _contract_order(shapes):
        shape, rows_ = shapes[en], sorted(picked[en], key=lambda r: (r.year or 0, r.excel_row))
        records = [json.loads(r.data) for r in rows_]
        columns: dict[str, pd.Series] = {}
        for col in shape["columns"]:
            values = [decode_value(rec.get(col)) for rec in records]
            columns[col] = pd.Series(values, dtype=shape["dtypes"][col])
        columns[ROW] = pd.Series([r.excel_row for r in rows_], dtype="int64")
        tables[en] = pd.DataFrame(columns)
    return tables


def _contract_order(shapes: dict[str, Any]) -> list[str]:
    order = {en: i for i, en in enumerate(SHEETS_BY_EN)}
    return sorted(shapes, key=lambda en: (order.get(en, len(order)), en))
