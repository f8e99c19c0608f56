"""The integrity and accountability packs (issue 14, SPEC 3.7): 年度廉政报告与考廉, 个人重大事项,
谈话义务 (八个必谈), 责任清单, 巡察整改."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from engine.evaluation.packs import dates
from engine.evaluation.packs.common import empty, expand_years, flags, ints, texts, with_is_top
from engine.input.sheets import INTEGRITY_ASPECTS, SHEETS_BY_EN


# ------------------------------------------------------------------ 年度廉政报告与考廉 (leader-year)
def _aspect_score(value: Any, grades: dict[str, float]) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return float(grades[value]) if isinstance(value, str) else float(value)


def integrity_facts(base: pd.DataFrame, reviews: pd.DataFrame | None, params: dict[str, Any]) -> None:
    names = ["integrity_report_due", "integrity_reported", "integrity_conclusion", "integrity_min_aspect",
             "integrity_weak_aspects"]
    for name in names:
        base[name] = None
    if reviews is None:
        return
    as_of = params["calendar.as_of"]
    by_key = {(int(r["year"]), str(r["leader_id"])): r for r in reviews.to_dict("records")}
    grades, passing = params["integrity.grades"], params["integrity.aspect_pass"]
    values: dict[str, list[Any]] = {name: [] for name in names}
    for year, lid in zip(base["year"].tolist(), base["leader_id"].tolist()):
        day = dates.as_of(year, as_of)
        row = by_key.get((year, str(lid)))
        values["integrity_report_due"].append(day >= dt.date(year, 12, 31))
        reported = row is not None and row["reported_on"] is not None and row["reported_on"] <= day
        values["integrity_reported"].append(reported)
        values["integrity_conclusion"].append(row["conclusion"] if row else None)
        scores = {zh: _aspect_score(row[en], grades) for zh, en in INTEGRITY_ASPECTS} if row else {}
        known = [v for v in scores.values() if v is not None]
        values["integrity_min_aspect"].append(min(known) if known else None)
        weak = [zh for zh, v in scores.items() if v is not None and v < passing]
        values["integrity_weak_aspects"].append("、".join(weak) or None)
    for name in names:
        base[name] = pd.Series(values[name], dtype=object, index=base.index)


# ------------------------------------------------------------------ 个人重大事项
def _matter_findings(matters: pd.DataFrame, report_days: int) -> dict[str, list[tuple[dt.date, int]]]:
    """Per leader: (occurred_on, row) of each matter with a problem that does not depend on the as-of
    day: reported more than report_days after it occurred, or verified 不一致. A matter still
    unreported counts from the day its deadline passed (added per as-of in earlier_findings)."""
    out: dict[str, list[tuple[dt.date, int]]] = {}
    for r in matters.to_dict("records"):
        late = r["reported_on"] is not None and (r["reported_on"] - r["occurred_on"]).days > report_days
        if late or r["verified"] == "不一致":
            out.setdefault(str(r["leader_id"]), []).append((r["occurred_on"], int(r["_row"])))
    return out


def personal_matter_records(matters: pd.DataFrame | None, roster: pd.DataFrame, params: dict[str, Any]
                            ) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "matter_kind", "occurred_on", "reported_on", "reported",
               "days_since_occurred", "report_delay_days", "verified", "earlier_findings", "repeat_in_window"]
    if matters is None:
        return empty(columns)
    occurred, reported = dates.days(matters["occurred_on"]), dates.days(matters["reported_on"])
    out = expand_years(matters.assign(_occ=occurred, _rep=reported), roster, dates.year_of(occurred),
                       dates.year_of(reported))
    out = out[dates.as_days(out["_occ"]) <= dates.as_of_days(out["year"], params["calendar.as_of"])]
    if out.empty:   # (a matter after the as-of day has not happened yet)
        return empty(columns)
    out = out.reset_index(drop=True)
    day = dates.as_of_days(out["year"], params["calendar.as_of"])
    occ, rep = dates.as_days(out["_occ"]), dates.as_days(out["_rep"])
    is_reported = ~np.isnat(rep) & (rep <= day)
    out["matter_kind"] = out["kind"]
    out["occurred_on"], out["reported_on"] = dates.iso(occ), dates.iso(rep)
    out["reported"] = is_reported.tolist()
    out["days_since_occurred"] = ints(dates.day_count(day, occ))
    delay = dates.day_count(rep, occ)
    delay[~is_reported] = np.nan
    out["report_delay_days"] = ints(delay)
    out["verified"] = texts(out["verified"])
    out["earlier_findings"] = _earlier_findings(out, matters, params, day)
    out["repeat_in_window"] = [n >= 1 for n in out["earlier_findings"]]
    out["row"] = out["_row"].astype(int)
    return with_is_top(out, roster)[columns]


def _earlier_findings(out: pd.DataFrame, matters: pd.DataFrame, params: dict[str, Any], day: np.ndarray) -> list[int]:
    report_days, window = int(params["personal.report_days"]), int(params["personal.repeat_window_years"])
    findings = _matter_findings(matters, report_days)
    unreported = {}
    for r in matters.to_dict("records"):
        if r["reported_on"] is None:
            unreported.setdefault(str(r["leader_id"]), []).append((r["occurred_on"], int(r["_row"])))
    counts = []
    for lid, row, occ, as_of in zip(out["leader_id"], out["_row"], dates.as_days(out["_occ"]), day):
        this = occ.astype(object)
        start = dates.shift_years(this, -window)
        limit = as_of.astype(object) - dt.timedelta(days=report_days)
        mine = findings.get(str(lid), []) + [(o, r) for o, r in unreported.get(str(lid), []) if o < limit]
        counts.append(sum(1 for o, r in mine if r != int(row) and start <= o <= this))
    return counts


# ------------------------------------------------------------------ 谈话义务 (八个必谈)
_TRIGGERS = (  # (kind in talk.kinds, fact, sheet, date column, what column)
    ("promotion", "promotion_trigger", "promotions", "promoted_on", None),
    ("card", "card_trigger", "deductions", "date", "item"),
    ("personal", "personal_trigger", "personal_matters", "reported_on", "kind"),
)


def talk_trigger_records(tables: dict[str, pd.DataFrame | None], roster: pd.DataFrame,
                         params: dict[str, Any]) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "promotion_trigger", "card_trigger", "personal_trigger",
               "trigger_sheet", "trigger_row", "trigger_ref", "trigger_on", "trigger_what", "talk_kinds_needed", "talk_found",
               "talk_on", "talk_delay_days", "days_open"]
    talks = tables.get("talks")
    if talks is None:
        return empty(columns)
    parts = []
    for kind, fact, sheet, date_col, what_col in _TRIGGERS:
        rows = tables.get(sheet)
        if rows is None:
            continue
        rows = rows[rows[date_col].notna()]
        when = dates.days(rows[date_col])
        part = pd.DataFrame({"year": ints(dates.year_of(when)), "leader_id": rows["leader_id"].to_numpy(),
                             "_on": when, "_kind": kind, "trigger_sheet": SHEETS_BY_EN[sheet].zh,
                             "trigger_row": rows["_row"].astype(int).to_numpy(),
                             "trigger_what": rows[what_col].to_numpy() if what_col else "提拔"})
        for _, other, *_rest in _TRIGGERS:
            part[other] = other == fact
        parts.append(part)
    if not parts:
        return empty(columns)
    out = pd.concat(parts, ignore_index=True)
    out = out[dates.as_days(out["_on"]) <= dates.as_of_days(out["year"], params["calendar.as_of"])]
    if out.empty:   # (a trigger after the as-of day has not happened yet)
        return empty(columns)
    out = out.sort_values(["year", "leader_id", "_on", "trigger_row"], kind="stable").reset_index(drop=True)
    kinds: dict[str, list[str]] = params["talk.kinds"]
    held: dict[str, list[tuple[np.datetime64, str]]] = {}
    for lid, on, k in zip(talks["leader_id"], dates.days(talks["talked_on"]), talks["kind"]):
        held.setdefault(str(lid), []).append((on, k))
    day = dates.as_of_days(out["year"], params["calendar.as_of"])
    first_talk = []
    for lid, on, kind, as_of in zip(out["leader_id"], dates.as_days(out["_on"]), out["_kind"], day):
        found = sorted(t for t, k in held.get(str(lid), []) if k in kinds[kind] and on <= t <= as_of)
        first_talk.append(found[0] if found else dates.NAT)
    talk_on = np.array(first_talk, dtype="datetime64[D]")
    out["talk_kinds_needed"] = ["、".join(kinds[k]) for k in out["_kind"]]
    out["talk_found"] = (~np.isnat(talk_on)).tolist()
    out["talk_on"] = dates.iso(talk_on)
    out["talk_delay_days"] = ints(dates.day_count(talk_on, out["_on"].to_numpy()))
    out["days_open"] = ints(dates.day_count(day, out["_on"].to_numpy()))
    out["trigger_on"] = dates.iso(out["_on"].to_numpy())
    out["row"] = out["trigger_row"]
    out["trigger_ref"] = [f"{sheet}第{row}行" for sheet, row in zip(out["trigger_sheet"], out["trigger_row"])]
    return with_is_top(out, roster)[columns]


# ------------------------------------------------------------------ 责任清单
_ELEMENTS = (("item", "责任项目"), ("measures", "工作措施"), ("department", "责任部门"), ("due", "完成时限"))


def responsibility_records(items: pd.DataFrame | None, roster: pd.DataFrame, as_of: str) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "responsibility_item", "missing_elements", "elements_complete",
               "personally_drafted", "collectively_discussed", "published_online", "due", "days_past_due",
               "past_due", "completed"]
    if items is None:
        return empty(columns)
    out = items.copy()
    day = dates.as_of_days(out["year"], as_of)
    due, done = dates.days(out["due"]), dates.days(out["done_on"])
    missing = ["、".join(zh for en, zh in _ELEMENTS if r[en] is None or r[en] == "") or None
               for r in out.to_dict("records")]
    out["responsibility_item"] = texts(out["item"])
    out["missing_elements"] = missing
    out["elements_complete"] = [m is None for m in missing]
    out["personally_drafted"] = flags(out["drafted"])
    out["collectively_discussed"] = flags(out["discussed"])
    out["published_online"] = flags(out["published"])
    out["due"] = dates.iso(due)
    past = dates.day_count(day, due)
    out["days_past_due"] = ints(past)
    out["past_due"] = (past > 0).tolist()
    out["completed"] = ((out["status"] == "已完成").to_numpy() & (np.isnat(done) | (done <= day))).tolist()
    out["row"] = out["_row"].astype(int)
    out = out.sort_values(["year", "leader_id", "row"], kind="stable").reset_index(drop=True)
    return with_is_top(out, roster)[columns]


# ------------------------------------------------------------------ 巡察整改
def rectification_records(items: pd.DataFrame | None, roster: pd.DataFrame, as_of: str) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "unit", "issue_no", "issue_text", "due", "closed_on", "closed",
               "days_overdue", "past_due"]
    if items is None:
        return empty(columns)
    due, closed = dates.days(items["due"]), dates.days(items["closed_on"])
    # Open from the due year to the year it was closed (never closed: every later year).
    out = expand_years(items.assign(_due=due, _closed=closed), roster, dates.year_of(due), dates.year_of(closed))
    if out.empty:
        return empty(columns)
    day = dates.as_of_days(out["year"], as_of)
    d, c = dates.as_days(out["_due"]), dates.as_days(out["_closed"])
    is_closed = ~np.isnat(c) & (c <= day)
    end = np.where(is_closed, c, day)
    overdue = dates.day_count(end, d)
    out["due"], out["closed_on"] = dates.iso(d), dates.iso(c)
    out["closed"] = is_closed.tolist()
    out["days_overdue"] = ints(overdue)
    out["past_due"] = (overdue > 0).tolist()
    out["row"] = out["_row"].astype(int)
    return with_is_top(out, roster)[columns]
