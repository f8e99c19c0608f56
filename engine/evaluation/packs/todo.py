"""A leader's obligations at a glance (issue 14): what is overdue as of calendar.as_of or falls due
within the year after it.

Not consequences — the rules decide those — but the department's to-do list: each talk, audit,
report, rectification, responsibility item and probation assessment still open at the as-of day,
with the date it falls due. Read from the facts the packs derived, so it agrees with the rules.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from engine.evaluation.packs import dates

Item = dict[str, Any]
_KINDS = {"talk": "谈话", "audit": "经济责任审计", "integrity_report": "廉政报告", "rectification": "巡察整改",
          "responsibility": "责任清单", "probation": "试用期考核", "personal_matter": "个人重大事项"}


def _item(kind: str, what: str, due: dt.date | None, as_of: dt.date, sheet: str, row: int | None,
          rule_id: str) -> Item:
    overdue = due is not None and due < as_of
    return {"kind": kind, "kind_zh": _KINDS[kind], "what": what, "due": due.isoformat() if due else None,
            "status": "overdue" if overdue else "due", "days_overdue": (as_of - due).days if overdue else None,
            "sheet": sheet, "row": row, "rule_id": rule_id}


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _plus(text: str | None, days: int) -> dt.date | None:
    day = _day(text)
    return day + dt.timedelta(days=days) if day else None


def _talk(r: Item, p: dict[str, Any], as_of: dt.date) -> Item | None:
    if r.get("talk_found") is not False:
        return None
    return _item("talk", f"{r['trigger_what']}（{r['trigger_ref']}，{r['trigger_on']}）后应进行{r['talk_kinds_needed']}",
                 _plus(r["trigger_on"], int(p["talk.deadline_days"])), as_of, r["trigger_sheet"], r["trigger_row"],
                 "TALK_OVERDUE")


def _probation(r: Item, p: dict[str, Any], as_of: dt.date) -> Item | None:
    if r.get("probation_result_known") is not False:
        return None
    return _item("probation", f"试用期满考核（试用期满 {r['probation_end']}）",
                 _plus(r["probation_end"], int(p["probation.grace_days"])), as_of, "试用期考核", r["row"],
                 "PROBATION_OVERDUE")


def _personal(r: Item, p: dict[str, Any], as_of: dt.date) -> Item | None:
    if r.get("reported") is not False:
        return None
    return _item("personal_matter", f"报告个人重大事项：{r['matter_kind']}（{r['occurred_on']} 发生）",
                 _plus(r["occurred_on"], int(p["personal.report_days"])), as_of, "个人重大事项", r["row"],
                 "PERSONAL_MATTER_UNREPORTED")


def _responsibility(r: Item, p: dict[str, Any], as_of: dt.date) -> Item | None:
    if r.get("completed") is not False:
        return None
    return _item("responsibility", f"完成责任清单项目：{r['responsibility_item'] or '（未填责任项目）'}",
                 _day(r["due"]), as_of, "责任清单", r["row"], "RESPONSIBILITY_INTERVIEW")


def _rectification(r: Item, p: dict[str, Any], as_of: dt.date) -> Item | None:
    if r.get("closed") is not False:
        return None
    return _item("rectification", f"整改销号：{r['issue_no']} {r['issue_text']}（{r['unit']}）", _day(r["due"]), as_of,
                 "巡察整改", r["row"], "RECTIFICATION_OVERDUE")


def _leader_year(r: Item, p: dict[str, Any], as_of: dt.date) -> list[Item]:
    out = []
    if r.get("is_top") and r.get("audited_in_tenure") is False and r.get("post_since"):
        due = dates.shift_years(dt.date.fromisoformat(r["post_since"]), int(p["audit.tenure_years"]))
        out.append(_item("audit", f"经济责任审计（{r['post_since']} 任现职，满{p['audit.tenure_years']}年）", due, as_of,
                         "干部名册", None, "ECONOMIC_AUDIT_DUE"))
    if r.get("is_top") and r.get("integrity_reported") is False:
        out.append(_item("integrity_report", f"向上级党委和纪委报送{r['year']}年度个人廉政情况报告",
                         dt.date(int(r["year"]), 12, 31), as_of, "廉政报告", None, "INTEGRITY_REPORT_MISSING"))
    return out


_BY_SCOPE: dict[str, tuple[Callable[[Item, dict[str, Any], dt.date], Item | None], tuple[str, ...]]] = {
    "talk_trigger": (_talk, ("talk.deadline_days",)),
    "probation": (_probation, ("probation.grace_days",)),
    "personal_matter": (_personal, ("personal.report_days",)),
    "responsibility": (_responsibility, ()),
    "rectification": (_rectification, ()),
}


def obligations(records: dict[str, list[Item]], params: dict[str, Any]) -> dict[tuple[int, str], list[Item]]:
    """(year, leader_id) → open obligations as of calendar.as_of, earliest due first.

    A kind whose parameter the scorecard does not define is left out (no defaults in Python)."""
    if "calendar.as_of" not in params:
        return {}
    out: dict[tuple[int, str], list[Item]] = {}
    days: dict[int, dt.date] = {}

    def as_of(year: Any) -> dt.date:   # once per year, not once per record
        if int(year) not in days:
            days[int(year)] = dates.as_of(int(year), params["calendar.as_of"])
        return days[int(year)]

    def add(r: Item, item: Item | None) -> None:
        # Due, overdue, or coming due within a year of the as-of day: the next year's work, not the next term's.
        horizon = dates.shift_years(as_of(r["year"]), 1).isoformat()
        if item is not None and (item["due"] is None or item["due"] <= horizon):
            out.setdefault((int(r["year"]), str(r["leader_id"])), []).append(item)

    for scope, (make, needs) in _BY_SCOPE.items():
        if all(n in params for n in needs):
            for r in records.get(scope, []):
                add(r, make(r, params, as_of(r["year"])))
    if "audit.tenure_years" in params:
        for r in records.get("leader_year", []):
            for item in _leader_year(r, params, as_of(r["year"])):
                add(r, item)
    for items in out.values():
        items.sort(key=lambda i: (i["due"] or "9999", i["kind"], i["sheet"], i["row"] or 0))
    return out
