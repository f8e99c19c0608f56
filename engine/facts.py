"""Facts: what the rules may read, and how each is derived from the workbook.

The catalogue is for auditors (`scorecard facts` prints it) and for the
condition parser (unknown fact → error with a did-you-mean). Derivation is pandas,
once per run; windows and sums are facts because durable_rules cannot add.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .conditions import FactType


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: FactType
    sheet: str            # the input sheet it needs (SheetSpec.en); "roster" is always needed
    meaning: str          # Chinese, for auditors
    derivation: str       # how it is computed


CATALOGUE: tuple[FactSpec, ...] = (
    FactSpec("year", "number", "roster", "考核年度", "干部名册.年度"),
    FactSpec("leader_id", "text", "roster", "干部编号", "干部名册.干部编号"),
    FactSpec("name", "text", "roster", "姓名", "干部名册.姓名"),
    FactSpec("unit", "text", "roster", "单位", "干部名册.单位（该年度）"),
    FactSpec("unit_type", "text", "roster", "单位类别：乡镇 / 县直单位 / 其他", "干部名册.单位类别（该年度）"),
    FactSpec("title", "text", "roster", "职务", "干部名册.职务"),
    FactSpec("is_top", "bool", "roster", "是否党政一把手", "干部名册.是否一把手 = 是"),
    FactSpec("assessed_prev_year", "bool", "roster", "上一年度是否参加考核",
             "干部名册中有该干部 Y-1 年度的行"),
    FactSpec("deduction_points", "number", "deductions", "当年扣分 P(Y)",
             "廉政监督卡中该干部 Y 年度扣分之和（四舍五入到两位小数）；参加考核但无扣分记录为 0"),
    FactSpec("deduction_points_prev", "number", "deductions", "上一年度扣分 P(Y-1)",
             "同上，Y-1 年度；Y-1 年度未参加考核时为空"),
    FactSpec("deduction_points_2y", "number", "deductions", "连续两年累计扣分 P(Y-1)+P(Y)",
             "Y-1 与 Y 两年都参加考核时为两年之和，否则为空（窗口不完整，不视为 0）"),
    FactSpec("deduction_points_3y", "number", "deductions", "连续三年累计扣分 P(Y-2)+P(Y-1)+P(Y)",
             "Y-2、Y-1、Y 三年都参加考核时为三年之和，否则为空"),
    FactSpec("deduction_count", "number", "deductions", "当年扣分记录条数", "廉政监督卡中该干部 Y 年度的行数"),
    FactSpec("unit_rank", "number", "annual_ranking", "本单位当年综合考核名次",
             "综合考核排名.名次（按年度、单位匹配）；单位未列入排名时为空"),
    FactSpec("unit_count", "number", "annual_ranking", "同类别参加排名的单位数 N",
             "综合考核排名中该年度、该单位类别的单位数"),
    FactSpec("bottom_position", "number", "annual_ranking", "当年倒数位次 b(Y)",
             "b = N - 名次 + 1（名次 1 为最好；并列名次位次相同）"),
    FactSpec("bottom_position_prev", "number", "annual_ranking", "上一年度倒数位次 b(Y-1)",
             "同上，Y-1 年度；单位 Y-1 年度未列入排名时为空"),
    FactSpec("held_top_post_2y", "bool", "roster", "Y-1 与 Y 两年均任本单位党政一把手",
             "干部名册 Y-1 年度该干部在同一单位且是否一把手 = 是"),
)

FACTS: dict[str, FactSpec] = {f.name: f for f in CATALOGUE}
KEY = ["year", "leader_id"]


def fact_types(extra: dict[str, FactType] | None = None) -> dict[str, FactType]:
    """Name → type for the parser: catalogue facts plus facts concluded by rules."""
    types: dict[str, FactType] = {f.name: f.type for f in CATALOGUE}
    types.update(extra or {})
    return types


def derive_leader_year(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per (year, leader_id) on the roster, every catalogue fact as a column.

    A column whose sheet is absent is all-null; the evaluator then reports the
    rules that need it as not evaluated instead of passing silently.
    """
    roster = tables["roster"]
    base = roster[["year", "leader_id", "name", "unit", "unit_type", "title", "is_top"]].copy()
    base = base.sort_values(KEY, kind="stable").reset_index(drop=True)
    assessed = set(zip(roster["year"], roster["leader_id"]))
    base["assessed_prev_year"] = [(y - 1, lid) in assessed for y, lid in zip(base["year"], base["leader_id"])]
    base = _deduction_facts(base, tables.get("deductions"), assessed)
    base = _ranking_facts(base, tables.get("annual_ranking"))
    base["held_top_post_2y"] = _held_top_post(base, roster)
    return base


def _deduction_facts(base: pd.DataFrame, deductions: pd.DataFrame | None, assessed: set) -> pd.DataFrame:
    names = ["deduction_points", "deduction_points_prev", "deduction_points_2y",
             "deduction_points_3y", "deduction_count"]
    if deductions is None:
        for name in names:
            base[name] = None
        return base
    grouped = deductions.groupby(KEY)["points"]
    sums = {k: float(v) for k, v in grouped.sum().items()}
    counts = {k: int(v) for k, v in grouped.size().items()}

    def points(year: int, lid: str) -> float | None:
        # An assessed year with no rows is 0; a year not assessed is unknown.
        if (year, lid) not in assessed:
            return None
        return round(sums.get((year, lid), 0.0), 2)

    rows = []
    for year, lid in zip(base["year"], base["leader_id"]):
        p0, p1, p2 = points(year, lid), points(year - 1, lid), points(year - 2, lid)
        two = round(p0 + p1, 2) if p1 is not None else None
        three = round(p0 + p1 + p2, 2) if p1 is not None and p2 is not None else None
        rows.append((p0, p1, two, three, counts.get((year, lid), 0)))
    for i, name in enumerate(names):
        base[name] = pd.Series([r[i] for r in rows], index=base.index, dtype=object)
    return base


def bottom_positions(ranking: pd.DataFrame) -> pd.DataFrame:
    """year, unit, unit_rank, unit_count, bottom_position for every ranked unit."""
    out = ranking[["year", "unit", "unit_type", "rank"]].rename(columns={"rank": "unit_rank"}).copy()
    out["unit_count"] = out.groupby(["year", "unit_type"])["unit"].transform("size")
    # SPEC 2: b = N - rank + 1; tied ranks share a rank and so share a position.
    out["bottom_position"] = out["unit_count"] - out["unit_rank"] + 1
    return out


def _ranking_facts(base: pd.DataFrame, ranking: pd.DataFrame | None) -> pd.DataFrame:
    names = ["unit_rank", "unit_count", "bottom_position", "bottom_position_prev"]
    if ranking is None:
        for name in names:
            base[name] = None
        return base
    pos = bottom_positions(ranking)
    now = {(y, u): (r, n, b) for y, u, r, n, b in
           zip(pos["year"], pos["unit"], pos["unit_rank"], pos["unit_count"], pos["bottom_position"])}
    cols: dict[str, list[Any]] = {name: [] for name in names}
    for year, unit in zip(base["year"], base["unit"]):
        r, n, b = now.get((year, unit), (None, None, None))
        prev = now.get((year - 1, unit))
        for name, value in zip(names, (r, n, b, prev[2] if prev else None)):
            cols[name].append(None if value is None else int(value))
    for name in names:
        base[name] = pd.Series(cols[name], index=base.index, dtype=object)
    return base


def _held_top_post(base: pd.DataFrame, roster: pd.DataFrame) -> list[bool]:
    tops = {(y, lid, u) for y, lid, u, t in
            zip(roster["year"], roster["leader_id"], roster["unit"], roster["is_top"]) if t}
    return [bool(top) and (y - 1, lid, u) in tops
            for y, lid, u, top in zip(base["year"], base["leader_id"], base["unit"], base["is_top"])]


def window_notes(row: dict[str, Any]) -> list[dict[str, str]]:
    """Why a multi-year window could not be summed (SPEC 2: not silently 0)."""
    notes = []
    year = int(row["year"])
    if row.get("deduction_points") is None:
        return notes
    if row.get("deduction_points_2y") is None:
        notes.append({
            "family": "card.two_years",
            "reason_zh": f"{year - 1}年度未在干部名册中（未参加考核），连续两年累计扣分无法计算，该条款不适用",
            "reason_en": f"not assessed in {year - 1}: the two-year window is incomplete",
        })
    if row.get("deduction_points_3y") is None:
        notes.append({
            "family": "card.three_years",
            "reason_zh": f"{year - 2}—{year - 1}年度至少一年未参加考核，连续三年累计扣分无法计算，该条款不适用",
            "reason_en": f"not assessed in every year {year - 2}-{year - 1}: the three-year window is incomplete",
        })
    return notes
