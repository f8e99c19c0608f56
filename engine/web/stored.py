"""The page over a history store (issue 11): uploads imported as yearly versions, runs logged, 复核 decisions.

The same steps as `scorecard run WORKBOOK --store S` (the workbook's years from the workbook, earlier years
of the windows from the store, the run appended to the log) and `scorecard review` (one decision per
consequence, the reviewer named); a year already stored with other data is never replaced silently: the
run page shows the difference and a form to store the upload as the year's new version.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from engine.evaluation.results import RunResult
from engine.evaluation.scoring import score, to_json


@dataclass
class Stored:
    """What the store holds of one page run."""

    run_seq: int                                     # the run's entry in the store's log
    import_seq: int | None                           # the import's entry (None: nothing new to store)
    stored: list[str] = field(default_factory=list)  # "2025 年度第 2 版", ...
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # years stored with other data
    upload: Any = None                               # the uploaded Workbook (for a confirmed replacement)
    store_name: str = ""


def open_store(where: str) -> Any:
    from engine.store import open_store as _open

    return _open(where, create=True)


def _label(name: str, version: int | None = None) -> str:
    what = "不分年度数据" if name == "-" else f"{name} 年度"
    return f"{what}第 {version} 版" if version else what


def import_and_score(store: Any, book: Any, scorecard: Any, years: list[int], by: str
                     ) -> tuple[Any, RunResult, Stored]:
    """Import what is new (never a replacement without asking), score as `run --store` does, log the run."""
    from engine.store import chain
    from engine.store.imports import ImportPlan, commit_import, plan_import
    from engine.store.runs import run_body, store_workbook

    plan = plan_import(store, book, years or None)
    conflicts = plan.needs_replace()
    safe = ImportPlan(book, [d for d in plan.datasets if d not in conflicts])
    import_seq, stored = (commit_import(store, safe, by=by, note="网页上传") if safe.to_store() else (None, []))
    merged, chosen, info = store_workbook(store, years or None, book)
    result = score(merged, scorecard, years=chosen)
    result.store = info
    with store.engine.begin() as conn:
        seq, _ = chain.append(conn, "run", by, run_body(result, {"web": "网页"}, to_json(result)))
    return merged, result, Stored(seq, import_seq, [_label(d.new.name, d.version) for d in stored],
                                  [_conflict(d) for d in conflicts], book, store.name)


def _conflict(d: Any) -> dict[str, Any]:
    from engine.store.imports import describe_change

    changes = d.changes
    return {"dataset": d.new.name, "label": _label(d.new.name), "base": d.base["version"], "version": d.version,
            "added": sum(c["change"] == "added" for c in changes),
            "removed": sum(c["change"] == "removed" for c in changes),
            "changed": sum(c["change"] == "changed" for c in changes),
            "lines": [describe_change(c) for c in changes[:50]], "more": max(0, len(changes) - 50)}


def replace(store: Any, book: Any, datasets: list[str], by: str) -> list[str]:
    """Store the upload as the new version of the years the clerk confirmed (the old versions stay)."""
    from engine.store.imports import ImportPlan, commit_import, plan_import

    plan = plan_import(store, book)
    chosen = ImportPlan(book, [d for d in plan.datasets if d.new.name in datasets and d.status != "same"])
    if not chosen.to_store():
        return []
    _, stored = commit_import(store, chosen, by=by, note="网页上传：确认替换")
    return [_label(d.new.name, d.version) for d in stored]


# ---------------------------------------------------------------- 复核
def review_view(store: Any, result: RunResult) -> Any:
    from engine.store.review import decisions_for, review_view as view

    return view(decisions_for(store, result.years), result)


def record_decision(store: Any, result: RunResult, run_seq: int, form: dict[str, str], reviewer: str,
                    by: str) -> list[Any]:
    """Check and record one decision; the problems (as the CLI words them) when it cannot be recorded."""
    from engine.store.review import check_decision, record

    decision, problems = check_decision({
        "year": form.get("year"), "leader_id": form.get("leader_id"), "code": form.get("code"),
        "decision": form.get("decision"), "reason": form.get("reason"), "reviewer": reviewer,
        "date": dt.date.today().isoformat()}, source="网页")
    if problems:
        return problems
    fired = {(r.year, r.leader_id, c.code) for r in result.results for c in r.consequences}
    record(store, [decision], target={"run": run_seq}, fired=fired, by=by)
    return []
