"""Yearly imports: each year a workbook holds becomes a version of that year; a year already stored
gets a new version only with --replace, after the difference was shown. Nothing is ever overwritten."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, insert, select

from engine.input.sheets import SHEETS_BY_EN
from engine.input.workbook import Workbook
from engine.store import chain
from engine.store.codec import YEARLESS, Dataset, StoredRow, decode_value, split_tables
from engine.store.db import Store, StoreError, rows, versions


@dataclass
class DatasetPlan:
    new: Dataset
    base: dict[str, Any] | None            # the latest stored version: {"version", "content_hash", "id"}
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.base is None:
            return "new"
        if self.base["content_hash"] == self.new.content_hash():
            return "same"
        if self.new.name == YEARLESS and all(c["change"] == "added" for c in self.changes):
            return "extended"                # year-less history only grew: no correction to confirm
        return "changed"

    @property
    def version(self) -> int:
        return 1 if self.base is None else self.base["version"] + 1


@dataclass
class ImportPlan:
    book: Workbook
    datasets: list[DatasetPlan]

    def needs_replace(self) -> list[DatasetPlan]:
        return [d for d in self.datasets if d.status == "changed"]

    def to_store(self) -> list[DatasetPlan]:
        return [d for d in self.datasets if d.status != "same"]


# ------------------------------------------------------------------ reading stored versions
def latest_versions(conn: Connection) -> dict[str, dict[str, Any]]:
    newest = (select(versions.c.dataset, func.max(versions.c.version).label("version"))
              .group_by(versions.c.dataset).subquery())
    query = select(versions).join(newest, (versions.c.dataset == newest.c.dataset)
                                  & (versions.c.version == newest.c.version))
    return {row.dataset: dict(row._mapping) for row in conn.execute(query)}


def load_dataset(conn: Connection, version: dict[str, Any]) -> Dataset:
    meta = json.loads(version["sheets"])
    ds = Dataset(version["dataset"], version["year"], sheets=meta["sheets"], notes=meta["notes"])
    query = select(rows).where(rows.c.version_id == version["id"]).order_by(rows.c.id)
    ds.rows = [StoredRow(r.sheet, r.year, r.key, r.excel_row, r.data) for r in conn.execute(query)]
    return ds


# ------------------------------------------------------------------ the difference between two versions
def diff(old: Dataset, new: Dataset) -> list[dict[str, Any]]:
    """Rows added, removed, changed (sheet, key, column, old → new), in contract sheet order."""
    out: list[dict[str, Any]] = []
    for en in _sheet_order(set(old.sheets) | set(new.sheets)):
        before = {r.key: json.loads(r.data) for r in old.rows if r.sheet == en}
        after = {r.key: json.loads(r.data) for r in new.rows if r.sheet == en}
        rows_after = {r.key: r.excel_row for r in new.rows if r.sheet == en}
        rows_before = {r.key: r.excel_row for r in old.rows if r.sheet == en}
        for key in sorted(set(before) | set(after), key=_natural):
            if key not in before:
                out.append({"change": "added", "sheet": en, "key": key, "row": rows_after[key]})
            elif key not in after:
                out.append({"change": "removed", "sheet": en, "key": key, "row": rows_before[key]})
            else:
                for col in list(after[key]) + [c for c in before[key] if c not in after[key]]:
                    if before[key].get(col) != after[key].get(col):
                        out.append({"change": "changed", "sheet": en, "key": key, "column": col,
                                    "old": decode_value(before[key].get(col)), "new": decode_value(after[key].get(col)),
                                    "row": rows_after[key]})
    return out


def _natural(key: str) -> tuple[Any, ...]:
    return tuple((0, int(p[1:]) if p.startswith("#") and p[1:].isdigit() else 0, p) for p in key.split("|"))


def _sheet_order(names: set[str]) -> list[str]:
    order = {en: i for i, en in enumerate(SHEETS_BY_EN)}
    return sorted(names, key=lambda en: (order.get(en, len(order)), en))


def describe_change(change: dict[str, Any]) -> str:
    spec = SHEETS_BY_EN.get(change["sheet"])
    sheet = spec.zh if spec else change["sheet"]
    where = f"{sheet} {_key_text(change['key'])}（第{change['row']}行）"
    if change["change"] == "added":
        return f"  + 新增 {where}"
    if change["change"] == "removed":
        return f"  - 删除 {where}"
    column = next((c.zh for c in spec.columns if c.en == change["column"]), change["column"]) if spec else change["column"]
    return f"  ~ 修改 {where} {column}：{_shown(change['old'])} → {_shown(change['new'])}"


def _key_text(key: str) -> str:
    """2025|QH002 → 2025 QH002; QH002|#3 → QH002 第3条 (a sheet without a key: the n-th row of that leader)."""
    parts = key.split("|")
    if parts[-1].startswith("#"):
        return " ".join(parts[:-1] + [f"第{parts[-1][1:]}条"])
    return " ".join(parts)


def _shown(value: Any) -> str:
    return "（空）" if value is None else str(value)


# ------------------------------------------------------------------ planning and committing
def plan_import(store: Store, book: Workbook, years: list[int] | None = None) -> ImportPlan:
    datasets = split_tables(book.tables, book.issues, years)
    if years:
        missing = sorted(set(years) - {d.year for d in datasets.values() if d.year is not None})
        if missing:
            raise StoreError(f"工作簿中没有 {'、'.join(map(str, missing))} 年度的数据 / the workbook has no rows "
                             f"for {missing}")
    if not any(d.year is not None for d in datasets.values()):
        raise StoreError("工作簿中没有任何年度的数据，未导入 / no yearly rows: nothing imported")
    with store.engine.connect() as conn:
        latest = latest_versions(conn)
        plans = []
        for name in sorted(datasets, key=lambda n: (n != YEARLESS, n)):
            new = datasets[name]
            base = latest.get(name)
            plan = DatasetPlan(new, base)
            if base is not None and base["content_hash"] != new.content_hash():
                plan.changes = diff(load_dataset(conn, base), new)
            plans.append(plan)
    return ImportPlan(book, plans)


def commit_import(store: Store, plan: ImportPlan, *, by: str, note: str = "") -> tuple[int, list[DatasetPlan]]:
    """Store the new versions and the log entry in one transaction. Returns (log seq, what was stored)."""
    stored = plan.to_store()
    book = plan.book
    with store.engine.begin() as conn:
        latest = latest_versions(conn)
        for d in stored:   # someone else imported the same year meanwhile: plan again
            if (latest.get(d.new.name) or {}).get("version") != (d.base or {}).get("version"):
                raise StoreError(f"{d.new.name} 年度在此期间已被他人导入，请重新执行 / {d.new.name} changed meanwhile")
        body = {
            "file": book.path.name, "sha256": book.fingerprint, "note": note,
            "years": sorted(d.new.year for d in plan.datasets if d.new.year is not None),
            "versions": [{"dataset": d.new.name, "year": d.new.year, "version": d.version,
                          "content_hash": d.new.content_hash(), "rows": d.new.counts(), "status": d.status,
                          "changes": len(d.changes)} for d in stored],
            "unchanged": [d.new.name for d in plan.datasets if d.status == "same"],
        }
        seq, _ = chain.append(conn, "import", by, body)
        for d in stored:
            version_id = conn.execute(insert(versions).values(
                log_seq=seq, dataset=d.new.name, year=d.new.year, version=d.version,
                content_hash=d.new.content_hash(), sheets=chain.canonical(d.new.meta()),
            )).inserted_primary_key[0]
            if d.new.rows:
                conn.execute(insert(rows), [{"version_id": version_id, "sheet": r.sheet, "year": r.year,
                                             "key": r.key, "excel_row": r.excel_row, "data": r.data}
                                            for r in d.new.rows])
    return seq, stored


def history(store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """The import log, oldest first: one line per stored version (an import of unchanged data: one line)."""
    with store.engine.connect() as conn:
        out = []
        for entry in chain.entries(conn, "import"):
            body = entry["body"]
            for v in body["versions"] or [{"dataset": "", "year": None, "version": None, "rows": {}, "status": "same"}]:
                if year is not None and v["year"] != year:
                    continue
                out.append({"seq": entry["seq"], "at": entry["at"], "by": entry["actor"], "file": body["file"],
                            "sha256": body["sha256"], "note": body["note"], **v})
    return out
