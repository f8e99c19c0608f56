"""The personnel-cycle packs (issue 13, SPEC 3.7): 轮岗交流, 试用期, 新提拔, 年度考核等次, 经济责任审计.

Each function adds facts to the leader-year frame or builds one scope's records; a leader-year
whose data a rule needs is missing gets a note saying so (never a silent pass).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from engine.evaluation.packs import dates
from engine.evaluation.packs.common import empty, expand_years, flags, ints, texts, with_is_top

Note = tuple[int, str, dict[str, str]]   # (year, leader_id, not-evaluated note)


def _note(family: str, zh: str, en: str) -> dict[str, str]:
    return {"family": family, "reason_zh": zh, "reason_en": en}


# ------------------------------------------------------------------ 轮岗交流 (任职经历)
def _spell_start(spells: list[tuple[dt.date, dt.date | None]], start: dt.date) -> dt.date:
    """Walk back over earlier spells that end the day before (or after) `start` begins: no gap → one spell."""
    changed = True
    while changed:
        changed = False
        for s, e in spells:
            if s < start and e is not None and e >= start - dt.timedelta(days=1):
                start, changed = s, True
    return start


def rotation_facts(base: pd.DataFrame, posts: pd.DataFrame | None, as_of: str) -> list[Note]:
    names = ["current_post", "post_years", "office_head_years", "middle_level_post", "post_kind_now"]
    for name in names:
        base[name] = None
    if posts is None:
        return []
    by_leader: dict[str, list[dict[str, Any]]] = {}
    for row in posts.to_dict("records"):
        by_leader.setdefault(str(row["leader_id"]), []).append(row)
    values: dict[str, list[Any]] = {name: [] for name in names}
    notes: list[Note] = []
    for year, lid in zip(base["year"].tolist(), base["leader_id"].tolist()):
        day = dates.as_of(year, as_of)
        rows = by_leader.get(str(lid), [])
        current = [r for r in rows if r["start"] <= day and (r["end"] is None or r["end"] >= day)]
        if not current:
            for name in names:
                values[name].append(None)
            notes.append((year, lid, _note(
                "rotation", f"“任职经历”中没有本人截至{day.isoformat()}在任的岗位，轮岗交流未评估",
                f"no post held on {day.isoformat()} in posts: rotation not evaluated")))
            continue
        now = max(current, key=lambda r: (r["start"], r["_row"]))
        same = [(r["start"], r["end"]) for r in rows
                if (r["unit"], r["office"], r["post"]) == (now["unit"], now["office"], now["post"])]
        office = [(r["start"], r["end"]) for r in rows
                  if (r["unit"], r["office"]) == (now["unit"], now["office"]) and r["office_head"]]
        values["current_post"].append(" / ".join(str(x) for x in (now["unit"], now["office"], now["post"]) if x))
        values["post_years"].append(dates.full_years(_spell_start(same, now["start"]), day))
        values["office_head_years"].append(dates.full_years(_spell_start(office, now["start"]), day) if now["office_head"] else 0)
        values["middle_level_post"].append(bool(now["middle_level"]))
        values["post_kind_now"].append(now["post_kind"])
    for name in names:
        base[name] = pd.Series(values[name], dtype=object, index=base.index)
    return notes


# ------------------------------------------------------------------ 年度考核等次
def grade_facts(base: pd.DataFrame, grades: pd.DataFrame | None) -> list[Note]:
    base["assessment_grade"] = None
    if grades is None:
        return []
    found = {(int(y), str(lid)): g for y, lid, g in zip(grades["year"], grades["leader_id"], grades["grade"])}
    base["assessment_grade"] = pd.Series([found.get((int(y), str(lid))) for y, lid in
                                          zip(base["year"], base["leader_id"])], dtype=object, index=base.index)
    return [(y, lid, _note("assessment", f"“年度考核等次”中没有本人{y}年度的等次，年度考核等次规则未评估",
                           f"no {y} grade in assessment_grades: not evaluated"))
            for y, lid, g in zip(base["year"].tolist(), base["leader_id"].tolist(), base["assessment_grade"]) if g is None]


# ------------------------------------------------------------------ 经济责任审计 (leader-year)
def audit_facts(base: pd.DataFrame, roster: pd.DataFrame, audits: pd.DataFrame | None,
                params: dict[str, Any]) -> list[Note]:
    as_of = dates.as_of_days(base["year"], params["calendar.as_of"])
    since = dates.days(base["__post_since"])
    base["post_since"] = dates.iso(since)
    base["unit_tenure_years"] = pd.Series(ints(dates.completed_years(since, as_of)), dtype=object, index=base.index)
    # The Y-1 roster row of the same leader, by a merge ((年度, 干部编号) is unique on the roster).
    prev = roster[["year", "leader_id", "unit", "title", "is_top"]].rename(
        columns={"unit": "_unit", "title": "_title", "is_top": "_top"}).assign(year=roster["year"] + 1)
    joined = base[["year", "leader_id", "unit", "title"]].merge(prev, on=["year", "leader_id"], how="left")
    known = joined["_unit"].notna().to_numpy()
    top = np.empty(len(base), dtype=object)
    changed = np.empty(len(base), dtype=object)
    top[known] = joined["_top"].to_numpy()[known].astype(bool)
    changed[known] = ((joined["_unit"] != joined["unit"]) | (joined["_title"] != joined["title"])).to_numpy()[known]
    base["was_top_prev_year"] = top
    base["changed_post"] = changed
    base["audited_in_tenure"] = None
    base["audited_on_change"] = None
    blank = np.flatnonzero(base["is_top"].astype(bool).to_numpy() & np.isnat(since))
    years, lids = base["year"].to_numpy(), base["leader_id"].to_numpy()
    notes = [(int(years[i]), lids[i], _note("audit", f"干部名册中本人{int(years[i])}年度的任现职时间为空，经济责任审计到期规则未评估",
                                             f"post_since is blank on the {int(years[i])} roster: "
                                             "economic audit due not evaluated")) for i in blank]
    if audits is None:
        return notes
    audited: dict[str, list[np.datetime64]] = {}
    for lid, day in zip(audits["leader_id"], dates.days(audits["audited_on"])):
        audited.setdefault(str(lid), []).append(day)
    window = int(params["audit.tenure_years"])
    every = params["audit.mode"] == "every_n_years"
    in_tenure, on_change = [], []
    for lid, s, a, year in zip(base["leader_id"], since, as_of, base["year"].tolist()):
        mine = audited.get(str(lid), [])
        lower = s
        if every:  # an audit within the last audit.tenure_years years (and after taking the post)
            limit = np.datetime64(dates.shift_years(dates.as_of(year, params["calendar.as_of"]), -window), "D")
            lower = limit if np.isnat(s) or limit > s else s
        in_tenure.append(None if np.isnat(lower) else any(lower <= d <= a for d in mine))
        first = np.datetime64(dt.date(year - 1, 1, 1), "D")
        on_change.append(any(first <= d <= a for d in mine))
    base["audited_in_tenure"] = pd.Series(in_tenure, dtype=object, index=base.index)
    base["audited_on_change"] = pd.Series(on_change, dtype=object, index=base.index)
    return notes


# ------------------------------------------------------------------ scopes
def probation_records(probation: pd.DataFrame | None, roster: pd.DataFrame, as_of: str) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "probation_start", "probation_end", "probation_result",
               "probation_result_known", "days_past_end"]
    if probation is None:
        return empty(columns)
    end = dates.days(probation["end"])
    assessed = dates.days(probation["assessed_on"])
    has_result = probation["result"].notna().to_numpy()
    # Open from the year the probation ends to the year its result is dated (undated result: the end year).
    last = np.where(has_result, np.where(np.isnat(assessed), dates.year_of(end), dates.year_of(assessed)), np.nan)
    rows = probation.assign(_end=end, _assessed=assessed)
    out = expand_years(rows, roster, dates.year_of(end), last)
    if out.empty:
        return empty(columns)
    day = dates.as_of_days(out["year"], as_of)
    assessed_at = dates.as_days(out["_assessed"])
    known_at = out["result"].notna().to_numpy() & (np.isnat(assessed_at) | (assessed_at <= day))
    out["probation_start"] = dates.iso(dates.days(out["start"]))
    out["probation_end"] = dates.iso(out["_end"])
    out["probation_result"] = [r if k else None for r, k in zip(out["result"], known_at)]
    out["probation_result_known"] = known_at.tolist()
    out["days_past_end"] = ints(dates.day_count(day, out["_end"]))
    out["row"] = out["_row"].astype(int)
    return with_is_top(out, roster)[columns]


def promotion_records(promotions: pd.DataFrame | None, roster: pd.DataFrame, leader_year: pd.DataFrame,
                      as_of: str) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "promoted_on", "talk_on", "talk_done", "test_taken",
               "test_score", "pledge", "clearance", "under_investigation", "card_points"]
    if promotions is None:
        return empty(columns)
    # A promotion after the as-of day has not happened yet (a mid-year review as of 06-30).
    out = promotions[dates.days(promotions["promoted_on"]) <= dates.as_of_days(promotions["year"], as_of)].copy()
    if out.empty:
        return empty(columns)
    talk = dates.days(out["talk_on"])
    day = dates.as_of_days(out["year"], as_of)
    out["promoted_on"] = dates.iso(dates.days(out["promoted_on"]))
    out["talk_on"] = dates.iso(talk)
    out["talk_done"] = (~np.isnat(talk) & (talk <= day)).tolist()
    scores = [None if v is None or v != v else float(v) for v in out["test_score"]]
    out["test_score"] = pd.Series(scores, dtype=object, index=out.index)
    out["test_taken"] = [s is not None for s in scores]
    out["pledge"] = flags(out["pledge"])
    out["under_investigation"] = flags(out["under_investigation"])
    points = {(int(y), str(lid)): p for y, lid, p in
              zip(leader_year["year"], leader_year["leader_id"], leader_year["deduction_points"])}
    out["card_points"] = pd.Series([points.get((int(y), str(lid))) for y, lid in zip(out["year"], out["leader_id"])],
                                   dtype=object, index=out.index)
    out["row"] = out["_row"].astype(int)
    out = out.sort_values(["year", "leader_id", "row"], kind="stable").reset_index(drop=True)
    return with_is_top(out, roster)[columns]


def audit_records(audits: pd.DataFrame | None, roster: pd.DataFrame, as_of: str) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "row", "unit", "audit_kind", "audited_on", "finding"]
    if audits is None:
        return empty(columns)
    day = dates.days(audits["audited_on"])
    audits = audits[day <= dates.as_of_days(dates.year_of(day), as_of)]   # not after the as-of day of its year
    day = dates.days(audits["audited_on"])
    out = pd.DataFrame({"year": ints(dates.year_of(day)), "leader_id": audits["leader_id"].to_numpy(),
                        "row": audits["_row"].astype(int).to_numpy(), "unit": audits["unit"].to_numpy(),
                        "audit_kind": audits["kind"].to_numpy(), "audited_on": dates.iso(day),
                        "finding": texts(audits["finding"])})
    out = out.sort_values(["year", "leader_id", "row"], kind="stable").reset_index(drop=True)
    return with_is_top(out, roster)[columns]
