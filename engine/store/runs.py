"""Runs from the store: the engine's Workbook rebuilt from stored versions (and optionally a workbook
holding the new year), and the run log."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from engine.input.issue_table import sort_issues
from engine.input.issues import InputIssue
from engine.input.sheets import SHEETS, SHEETS_BY_EN
from engine.input.workbook import Workbook
from engine.store import chain
from engine.store.codec import YEARLESS, Dataset, join_tables, split_tables
from engine.store.db import Store, StoreError
from engine.store.imports import latest_versions, load_dataset

# The longest window in the rules: 连续三年 (SPEC 2) = Y-2, Y-1, Y. Earlier years change no result.
LOOKBACK_YEARS = 2


def stored_years(conn: Connection) -> list[int]:
    return sorted(v["year"] for v in latest_versions(conn).values() if v["year"] is not None)


def store_workbook(store: Store, years: list[int] | None = None, book: Workbook | None = None
                   ) -> tuple[Workbook, list[int], dict[str, Any]]:
    """(Workbook for the engine, the years to score, the store block for the results).

    The latest stored version of each year in the window, except the years the given workbook holds,
    which come from the workbook itself (it is scored, not imported)."""
    from_book = split_tables(book.tables, book.issues) if book is not None else {}
    with store.engine.connect() as conn:
        latest = latest_versions(conn)
        head_seq, head_hash = chain.head(conn)
        available = sorted({v["year"] for v in latest.values() if v["year"] is not None}
                           | {d.year for d in from_book.values() if d.year is not None})
        if not available:
            raise StoreError(f"存储库 {store.name} 中还没有任何年度的数据（先用 scorecard import 导入）"
                             f" / the store holds no year yet")
        if not years:
            book_years = [d.year for d in from_book.values() if d.year is not None]
            years = [max(book_years or available)]
        wanted = [str(y) for y in range(min(years) - LOOKBACK_YEARS, max(years) + 1)] + [YEARLESS]
        picked: list[Dataset] = []
        used: list[dict[str, Any]] = []
        for name in wanted:
            if name in from_book:
                picked.append(from_book[name])
                used.append({"dataset": name, "year": from_book[name].year, "version": None,
                             "content_hash": from_book[name].content_hash(), "source": book.path.name})
            elif name in latest:
                v = latest[name]
                picked.append(load_dataset(conn, v))
                used.append({"dataset": name, "year": v["year"], "version": v["version"],
                             "content_hash": v["content_hash"], "source": "store"})
    tables = join_tables(picked)
    info = {"name": store.name, "chain_seq": head_seq, "chain_head": head_hash, "versions_used": used}
    fingerprint = book.fingerprint if book is not None else \
        hashlib.sha256(chain.canonical(used).encode()).hexdigest()
    workbook = Workbook(
        path=book.path if book is not None else Path(store.name), fingerprint=fingerprint, tables=tables,
        absent_sheets=[s.en for s in SHEETS if s.en not in tables],
        extra_sheets=list(book.extra_sheets) if book is not None else [],
        extra_columns=dict(book.extra_columns) if book is not None else {},
        issues=_issues(picked, tables, book),
        skipped_rows=dict(book.skipped_rows) if book is not None else {},
        rows_in_sheet={en: len(t) for en, t in tables.items()},
        skipped_keys=dict(book.skipped_keys) if book is not None else {},
    )
    return workbook, sorted(set(years)), info


def _issues(picked: list[Dataset], tables: dict[str, Any], book: Workbook | None) -> list[InputIssue]:
    """The reader's notes about the rows used, once each; a sheet another year supplies is not absent."""
    present = {SHEETS_BY_EN[en].zh for en in tables if en in SHEETS_BY_EN}
    seen: set[str] = set()
    out: list[InputIssue] = [i for i in book.issues if i.severity == "error"] if book is not None else []
    for ds in picked:
        for note in ds.notes:
            key = chain.canonical(note)
            if key in seen or (note["code"] == "SHEET_ABSENT" and note.get("sheet") in present):
                continue
            seen.add(key)
            out.append(InputIssue(**note))
    return sort_issues(out)


def fired(result: Any) -> list[list[Any]]:
    """Every consequence of a result as [year, leader_id, code], sorted, once each."""
    return sorted({(r.year, r.leader_id, c.code) for r in result.results for c in r.consequences})


def run_body(result: Any, outputs: dict[str, str], results_json: str) -> dict[str, Any]:
    return {
        "scorecard": result.scorecard, "scenario": result.scenario, "years": result.years,
        "rules_fingerprint": result.rules_fingerprint, "input_fingerprint": result.input_fingerprint,
        "input_file": result.input_file, "store": result.store, "outputs": outputs,
        "results_sha256": hashlib.sha256(results_json.encode("utf-8")).hexdigest(),
        "fired": [list(f) for f in fired(result)],
    }


def list_runs(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        return chain.entries(conn, "run")


def get_run(store: Store, seq: int | None) -> dict[str, Any]:
    """A run entry by its number (the log seq); None: the newest run."""
    runs = list_runs(store)
    if not runs:
        raise StoreError("存储库中还没有运行记录 / no runs recorded yet")
    if seq is None:
        return runs[-1]
    for run in runs:
        if run["seq"] == seq:
            return run
    raise StoreError(f"没有编号为 {seq} 的运行记录 / no run {seq}")
