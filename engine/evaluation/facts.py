"""Facts: what the rules may read, and how each is derived from the workbook.

The catalogue is for auditors (`scorecard facts` prints it) and for the
condition parser (unknown fact → error with a did-you-mean). Derivation is pandas,
once per run; windows and sums are facts because durable_rules cannot add.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from engine.rules.conditions import FactType
from engine.input.sheets import FIVE_DIMENSIONS
from engine.evaluation.traditional import FOLD, to_simplified
from engine.evaluation.factspec import FactSpec, ScopeSpec
from engine.evaluation import packs


SCOPES: dict[str, ScopeSpec] = {s.name: s for s in (
    ScopeSpec("leader_year", "每名干部每个考核年度一条（干部名册）", "leader", "roster"),
    ScopeSpec("portfolio_item", "每名干部每项分管事项一条（分工）", "leader", "portfolios"),
    ScopeSpec("expenditure", "每笔大额支出一条（大额支出），后果归于本单位党政一把手", "unit_top", "expenditures",
              sum_fields=("amount",)),
    ScopeSpec("image_round", "每个单位每批次形象测评一条，后果归于本单位党政一把手", "unit_top", "image_ranking",
              group_by="image_round", context=("image_round", "image_rank", "image_count", "image_bottom")),
    # 诫勉 looks at two rounds, and whether this 一把手 held the post at the earlier one (image.require_tenure):
    # one record per round per 一把手 of the unit that year, so the test is per person.
    ScopeSpec("image_round_top", "每个单位每批次形象测评、该单位每名党政一把手一条（干部名册当年是否一把手 = 是）",
              "leader", "image_ranking", group_by="image_round",
              context=("image_round", "image_rank", "image_count", "image_bottom")),
) + packs.SCOPES}


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
             "b = N - 名次 + 1（名次 1 为最好）；并列名次按 ranking.tie_position：默认 shared_from_bottom，"
             "并列单位共享更靠后的位次（名次 1,2,3,4,4 → 5,4,3,1,1，并列最后都算倒数第一）；"
             "n_minus_rank_plus_1 则并列单位位次 = N - 名次 + 1（→ 5,4,3,2,2）", params=("ranking.tie_position",)),
    FactSpec("bottom_position_prev", "number", "annual_ranking", "上一年度倒数位次 b(Y-1)",
             "同上，Y-1 年度，在本单位 Y 年度的单位类别中查找；单位 Y-1 年度未列入该类别排名"
             "（未排名或单位类别有变化）时为空", params=("ranking.tie_position",)),
    FactSpec("held_top_post_2y", "bool", "roster", "Y-1 与 Y 两年均任本单位党政一把手",
             "干部名册 Y-1 年度该干部在同一单位且是否一把手 = 是", label="两年均任本单位党政一把手"),
) + tuple(
    FactSpec(f"five_{d.en}", "number", "five_reinforcements", f"五个强化：{d.zh}（分）",
             f"五个强化.{d.zh}；填等次时按 five.grades 换算为分数", label=f"五个强化“{d.zh}”得分",
             params=("five.grades",))
    for d in FIVE_DIMENSIONS
) + (
    FactSpec("five_weighted", "number", "five_reinforcements", "五个强化加权分",
             "五个维度得分按 five.weights 加权求和（权重之和为 1），保留两位小数",
             params=("five.grades", "five.weights")),
    # portfolio_item: one record per portfolio item
    FactSpec("year", "number", "portfolios", "考核年度", "分工.年度", "portfolio_item"),
    FactSpec("leader_id", "text", "portfolios", "干部编号", "分工.干部编号", "portfolio_item"),
    FactSpec("is_top", "bool", "portfolios", "是否党政一把手", "干部名册.是否一把手（同年度）", "portfolio_item"),
    FactSpec("portfolio_item", "text", "portfolios", "分管事项（单项，已规范化）",
             "分工.分管事项按 、，,;； 拆分为单项，全角转半角（NFKC）、繁体字转简体（关键词用到的字，"
             "见 engine/evaluation/traditional.py）并去掉所有空白", "portfolio_item", normalised=True),
    FactSpec("portfolio_raw", "text", "portfolios", "分管事项原文", "分工.分管事项，原样", "portfolio_item"),
    FactSpec("row", "number", "portfolios", "Excel 行号", "该分工记录所在的 Excel 行", "portfolio_item"),
    # expenditure: one record per expenditure row
    FactSpec("year", "number", "expenditures", "考核年度", "大额支出.年度", "expenditure"),
    FactSpec("unit", "text", "expenditures", "单位", "大额支出.单位", "expenditure"),
    FactSpec("amount", "number", "expenditures", "支出金额（元）", "大额支出.金额", "expenditure"),
    FactSpec("countersigned", "bool", "expenditures", "是否经领导班子会签", "大额支出.是否会签 = 是", "expenditure"),
    FactSpec("item", "text", "expenditures", "支出事项", "大额支出.事项", "expenditure"),
    FactSpec("row", "number", "expenditures", "Excel 行号", "该支出记录所在的 Excel 行", "expenditure"),
    # image_round: one record per unit per evaluation round
    FactSpec("year", "number", "image_ranking", "考核年度", "形象测评.年度", "image_round"),
    FactSpec("unit", "text", "image_ranking", "单位", "形象测评.单位", "image_round"),
    FactSpec("image_round", "number", "image_ranking", "测评批次（1 或 2）", "形象测评.批次", "image_round"),
    FactSpec("image_rank", "number", "image_ranking", "本批次测评名次", "形象测评.名次", "image_round"),
    FactSpec("image_count", "number", "image_ranking", "本批次参加测评的单位数 N", "该年度该批次的行数", "image_round"),
    FactSpec("image_bottom", "number", "image_ranking", "本批次倒数位次",
             "N - 名次 + 1；并列名次同 ranking.tie_position（默认并列单位共享更靠后的位次）", "image_round",
             params=("ranking.tie_position",)),
    FactSpec("image_prev_round", "text", "image_ranking", "上一批次",
             "如“2024年第2批次”；第 2 批次的上一批次是同年第 1 批次，第 1 批次的上一批次是上一年第 2 批次",
             "image_round"),
    FactSpec("image_bottom_prev_round", "number", "image_ranking", "上一批次倒数位次",
             "上一批次：第 2 批次的上一批次是同年第 1 批次，第 1 批次的上一批次是上一年第 2 批次；"
             "单位未参加上一批次时为空", "image_round", params=("ranking.tie_position",)),
)
# image_round_top: the image_round facts, plus who the 一把手 is and whether they held the post at the round before.
CATALOGUE += tuple(replace(f, scope="image_round_top") for f in CATALOGUE if f.scope == "image_round") + (
    FactSpec("leader_id", "text", "roster", "干部编号", "干部名册中该单位该年度的党政一把手", "image_round_top"),
    FactSpec("is_top", "bool", "roster", "是否党政一把手", "干部名册.是否一把手 = 是（本范围只含一把手）",
             "image_round_top"),
    FactSpec("held_top_post_prev_round", "bool", "roster", "上一批次时已任本单位党政一把手",
             "上一批次所在年度（第 2 批次为同年，第 1 批次为上一年）干部名册中该干部在本单位且是否一把手 = 是；"
             "名册按年度记载，同年第 1 批次视为在任", "image_round_top", label="上一批次时已任本单位党政一把手"),
)

CATALOGUE += packs.FACTS

FACTS: dict[tuple[str, str], FactSpec] = {(f.scope, f.name): f for f in CATALOGUE}


def fact_label(name: str, scope: str | None = None) -> str | None:
    """The Chinese name of a catalogue fact (its own scope first, then any scope); None if unknown."""
    spec = FACTS.get((scope, name)) if scope else None
    spec = spec or next((f for f in CATALOGUE if f.name == name), None)
    return spec.short if spec else None
KEY = ["year", "leader_id"]


def fact_spec(scope: str, name: str) -> FactSpec | None:
    return FACTS.get((scope, name))


def fact_types(scope: str, extra: dict[str, FactType] | None = None) -> dict[str, FactType]:
    """Name → type for the parser: the scope's catalogue facts plus facts concluded by rules."""
    types: dict[str, FactType] = {f.name: f.type for f in CATALOGUE if f.scope == scope}
    types.update(extra or {})
    return types


def derive_facts(tables: dict[str, pd.DataFrame], params: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """Records per scope, every catalogue fact of the scope as a column.

    A scope whose sheet is absent has no records; a leader_year column whose
    sheet is absent is all-null, and the evaluator reports the rules that need
    it as not evaluated instead of passing silently.
    """
    leader_year = derive_leader_year(tables, params)
    image_rounds = _image_rounds(_data(tables, "image_ranking"), _tie_rule(params))
    return {
        "leader_year": leader_year,
        "portfolio_item": _portfolio_items(_data(tables, "portfolios"), leader_year),
        "expenditure": _expenditures(_data(tables, "expenditures")),
        "image_round": image_rounds,
        "image_round_top": _image_round_tops(image_rounds, tables["roster"]),
        **packs.scope_records(tables, params, leader_year),
    }


def _data(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """A sheet's rows, or None when the sheet is absent or has only its header: both mean "no data
    for that family" (SPEC 4), so both leave its facts null (never 0 points from an empty sheet)."""
    return packs.common.data(tables, name)


def derive_leader_year(tables: dict[str, pd.DataFrame], params: dict[str, Any] | None = None) -> pd.DataFrame:
    """One row per (year, leader_id) on the roster; every fact by grouped/merged columns.

    `params` are the scorecard's values; a fact whose derivation needs a parameter the scorecard
    does not define (FactSpec.params) stays null: no default stands in for it here, and a rule
    or composite reading such a fact is refused when the scorecard loads (engine.rules.load).
    """
    roster = tables["roster"]
    base = roster[["year", "leader_id", "name", "unit", "unit_type", "title", "is_top"]].copy()
    base = base.sort_values(KEY, kind="stable").reset_index(drop=True)
    assessed = pd.MultiIndex.from_arrays([roster["year"], roster["leader_id"]])
    base["assessed_prev_year"] = pd.MultiIndex.from_arrays([base["year"] - 1, base["leader_id"]]).isin(assessed)
    base = _deduction_facts(base, _data(tables, "deductions"), assessed)
    base = _ranking_facts(base, _data(tables, "annual_ranking"), _tie_rule(params or {}))
    base["held_top_post_2y"] = _held_top_post(base, roster)
    base = _five_facts(base, _data(tables, "five_reinforcements"), params or {})
    return packs.leader_year_facts(base, tables, params or {})


def _lookup(index: pd.MultiIndex, values: pd.Series, keys: list[pd.Series]) -> np.ndarray:
    """values (indexed like `index`) at each key tuple; NaN where the key is absent."""
    position = index.get_indexer(pd.MultiIndex.from_arrays(keys))
    out = np.full(len(position), np.nan)
    found = position >= 0
    out[found] = np.asarray(values, dtype=np.float64)[position[found]]
    return out


def _objects(values: np.ndarray, kind: type = float) -> pd.Series:
    """Floats with NaN → an object column of Python numbers (as `kind`) and None."""
    return pd.Series([None if v != v else kind(v) for v in values.tolist()], dtype=object)


def _deduction_facts(base: pd.DataFrame, deductions: pd.DataFrame | None, assessed: pd.MultiIndex) -> pd.DataFrame:
    names = ["deduction_points", "deduction_points_prev", "deduction_points_2y",
             "deduction_points_3y", "deduction_count"]
    if deductions is None:
        for name in names:
            base[name] = None
        return base
    # Points have at most two decimals (validated): summing integer cents is exact, and cents / 100
    # is the same float as rounding the float sum to two decimals.
    cents = np.rint(deductions["points"].to_numpy(dtype=np.float64) * 100).astype(np.int64)
    grouped = pd.Series(cents, index=pd.MultiIndex.from_arrays([deductions["year"], deductions["leader_id"]]))
    grouped = grouped.groupby(level=[0, 1])
    sums, counts = grouped.sum(), grouped.size()
    # An assessed year with no rows is 0; a year not assessed is unknown (NaN here, None in the column).
    assessed = assessed.unique()
    per_year = pd.Series(np.nan_to_num(_lookup(sums.index, sums, [assessed.get_level_values(0),
                                                                  assessed.get_level_values(1)])), index=assessed)
    year, lid = base["year"], base["leader_id"]
    p0, p1, p2 = (_lookup(per_year.index, per_year, [year - k, lid]) for k in (0, 1, 2))
    two = p0 + p1
    three = p0 + p1 + p2
    base["deduction_points"] = _objects(p0 / 100)
    base["deduction_points_prev"] = _objects(p1 / 100)
    base["deduction_points_2y"] = _objects(two / 100)
    base["deduction_points_3y"] = _objects(three / 100)
    base["deduction_count"] = _objects(np.nan_to_num(_lookup(counts.index, counts, [year, lid])), int)
    return base


TIE_RULES = ("shared_from_bottom", "n_minus_rank_plus_1")  # the choices of ranking.tie_position


def _tie_rule(params: dict[str, Any]) -> str | None:
    """ranking.tie_position as the scorecard sets it; None (positions not derived) when it does not."""
    return params["ranking.tie_position"] if "ranking.tie_position" in params else None


def bottom_position(rank: pd.Series, group_size: pd.Series, groups: list[pd.Series], tie_rule: str) -> pd.Series:
    """倒数位次 of each ranked unit within its group.

    shared_from_bottom (SPEC 2, the shipped default): b = 1 + the number of units ranked
    strictly worse, so tied units share the position counted from the bottom (ranks 1,2,3,4,4
    → b 5,4,3,1,1: the units tied for last are all 倒数第一). n_minus_rank_plus_1, the other
    reading: b = N - rank + 1 for ties too (→ 5,4,3,2,2). Both agree whenever nobody is tied.
    """
    if tie_rule == "n_minus_rank_plus_1":
        return group_size - rank + 1
    worse_or_tied = rank.groupby(groups).rank(method="max", ascending=False)
    tied = rank.groupby([*groups, rank]).transform("size")
    return (worse_or_tied - tied + 1).astype(int)


def bottom_positions(ranking: pd.DataFrame, tie_rule: str) -> pd.DataFrame:
    """year, unit, unit_rank, unit_count, bottom_position for every ranked unit."""
    out = ranking[["year", "unit", "unit_type", "rank"]].rename(columns={"rank": "unit_rank"}).copy()
    out["unit_count"] = out.groupby(["year", "unit_type"])["unit"].transform("size")
    out["bottom_position"] = bottom_position(out["unit_rank"], out["unit_count"],
                                             [out["year"], out["unit_type"]], tie_rule)
    return out


def _ranking_facts(base: pd.DataFrame, ranking: pd.DataFrame | None, tie_rule: str | None) -> pd.DataFrame:
    names = ["unit_rank", "unit_count", "bottom_position", "bottom_position_prev"]
    base["__unit_type_prev"] = None
    if ranking is None:
        for name in names:
            base[name] = None
        return base
    pos = bottom_positions(ranking, tie_rule or TIE_RULES[0])
    # Looked up within the unit's category of year Y: a unit that moved from 乡镇 to 县直单位 has no
    # b(Y-1) among 县直单位 (its 乡镇 position is not comparable), and the note says why.
    index = pd.MultiIndex.from_arrays([pos["year"], pos["unit"], pos["unit_type"]])
    year, unit, kind = base["year"], base["unit"], base["unit_type"]
    for name, column, offset in (("unit_rank", "unit_rank", 0), ("unit_count", "unit_count", 0),
                                 ("bottom_position", "bottom_position", 0),
                                 ("bottom_position_prev", "bottom_position", 1)):
        base[name] = _objects(_lookup(index, pos[column], [year - offset, unit, kind]), int)
        if tie_rule is None and name.startswith("bottom_position"):
            base[name] = None
    ranked_as = dict(zip(zip(pos["year"], pos["unit"]), pos["unit_type"]))  # one category per unit-year (validated)
    prev = [ranked_as.get((y - 1, u)) for y, u in zip(year, unit)]
    base["__unit_type_prev"] = [p if p is not None and p != k else None for p, k in zip(prev, kind)]
    return base


def _held_top_post(base: pd.DataFrame, roster: pd.DataFrame) -> np.ndarray:
    tops = roster[roster["is_top"].astype(bool)]
    held = pd.MultiIndex.from_arrays([tops["year"], tops["leader_id"], tops["unit"]])
    prev = pd.MultiIndex.from_arrays([base["year"] - 1, base["leader_id"], base["unit"]])
    return (base["is_top"].astype(bool).to_numpy() & prev.isin(held)).tolist()


# The unit categories 综合考核排名 ranks for 末位淘汰 (SPEC 3.2); 其他 units are not ranked.
RANKED_UNIT_TYPES = ("乡镇", "县直单位")


def window_notes(row: dict[str, Any], sheets_present: set[str] | frozenset[str] = frozenset(),
                 params: dict[str, Any] | None = None) -> list[dict[str, str]]:
    """Why a window or a ranking could not be used (SPEC 2 and 6: say why, never silently 0).

    With the scorecard's `params`, a five-reinforcements row that could not be scored because the
    scorecard lacks five.grades / five.weights says so, rather than blaming the data."""
    notes = _ranking_notes(row) if "annual_ranking" in sheets_present else []
    year = int(row["year"])
    undefined = [name for name in ("five.grades", "five.weights") if params is not None and name not in params]
    if "five_reinforcements" in sheets_present and row.get("five_weighted") is None and undefined:
        notes.append({
            "family": "five",
            "reason_zh": f"评分卡未定义参数 {'、'.join(undefined)}，五个强化得分无法换算，五个强化未评估",
            "reason_en": f"the scorecard defines no {', '.join(undefined)}: five reinforcements not evaluated",
        })
    elif "five_reinforcements" in sheets_present and row.get("five_weighted") is None:
        notes.append({
            "family": "five",
            "reason_zh": f"“五个强化”工作表中没有本人{year}年度的完整评价，五个强化未评估",
            "reason_en": f"no complete five-reinforcements row for {year}: not evaluated",
        })
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


def _ranking_notes(row: dict[str, Any]) -> list[dict[str, str]]:
    if not row.get("is_top") or row.get("unit_type") not in RANKED_UNIT_TYPES:
        return []
    year, unit = int(row["year"]), row["unit"]
    if row.get("unit_rank") is None:
        return [{
            "family": "elimination",
            "reason_zh": f"“{unit}”未列入{year}年度综合考核排名（{row['unit_type']}），末位淘汰未评估；"
                         f"请核对单位名称是否与排名表一致",
            "reason_en": f"{unit} is not in the {year} annual ranking: elimination not evaluated",
        }]
    moved_from = row.get("__unit_type_prev")
    if moved_from:
        return [{
            "family": "elimination.two_years",
            "reason_zh": f"“{unit}”的单位类别由{year - 1}年度的“{moved_from}”变为{year}年度的“{row['unit_type']}”："
                         f"上一年度的倒数位次只在同一类别内比较，{year - 1}年度不在“{row['unit_type']}”排名中，"
                         f"末位淘汰连续二年条款不适用",
            "reason_en": f"{unit} changed category from {moved_from} ({year - 1}) to {row['unit_type']} ({year}): "
                         f"b({year - 1}) is looked up within the same category, so the two-year clause does not apply",
        }]
    if row.get("bottom_position_prev") is None:
        return [{
            "family": "elimination.two_years",
            "reason_zh": f"“{unit}”未列入{year - 1}年度综合考核排名，末位淘汰连续二年条款不适用",
            "reason_en": f"{unit} is not in the {year - 1} annual ranking: the two-year clause does not apply",
        }]
    return []


FIVE_NAMES = tuple(f"five_{d.en}" for d in FIVE_DIMENSIONS)


def five_score(value: Any, grades: dict[str, float]) -> float | None:
    """A dimension cell as a score: numbers as typed, grades through the five.grades map."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return float(grades[value])
    return float(value)


def _five_facts(base: pd.DataFrame, five: pd.DataFrame | None, params: dict[str, Any]) -> pd.DataFrame:
    names = FIVE_NAMES + ("five_weighted", "__five_grades")
    if five is None or "five.grades" not in params:  # no data, or a scorecard without the grade map
        for name in names:
            base[name] = pd.Series([None] * len(base), index=base.index, dtype=object)
        return base
    grades = params["five.grades"]
    weights = params["five.weights"] if "five.weights" in params else None
    scores = [_dimension_scores(five[d.en], grades) for d in FIVE_DIMENSIONS]
    complete = np.logical_and.reduce([~np.isnan(x) for x in scores])
    weighted = np.zeros(len(five))
    for w, x in zip(weights or [], scores):  # the same additions, in the same order, as a Python sum
        weighted = weighted + w * x
    # Python's round (correctly rounded), as the scores have always been; one call per five-row.
    rounded = [round(v, 2) if ok and weights is not None else None
               for v, ok in zip(weighted.tolist(), complete.tolist())]
    # The grades as typed, for the explanation (a "__" column is never a fact the rules see).
    dims = [d.en for d in FIVE_DIMENSIONS]
    typed = [{en: v for en, v in zip(dims, row) if isinstance(v, str)} or None
             for row in zip(*(five[en].to_numpy(dtype=object) for en in dims))]
    index = pd.MultiIndex.from_arrays([five["year"], five["leader_id"]])
    position = index.get_indexer(pd.MultiIndex.from_arrays([base["year"], base["leader_id"]]))
    found = position >= 0
    columns = [*(_objects(x) for x in scores), pd.Series(rounded, dtype=object), pd.Series(typed, dtype=object)]
    for name, values in zip(names, columns):
        out = np.full(len(base), None, dtype=object)
        out[found] = values.to_numpy(dtype=object)[position[found]]
        base[name] = pd.Series(out, index=base.index, dtype=object)
    return base


def _dimension_scores(cells: pd.Series, grades: dict[str, float]) -> np.ndarray:
    """A dimension column as floats: numbers as typed, grades through the five.grades map, NaN if blank."""
    is_grade = cells.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
    out = np.full(len(cells), np.nan)
    numbers = ~is_grade & cells.notna().to_numpy()
    out[numbers] = cells[numbers].astype(np.float64).to_numpy()
    for grade in pd.unique(cells[is_grade]):
        out[is_grade & (cells == grade).to_numpy()] = float(grades[grade])  # an unknown grade: KeyError
    return out


_SEPARATORS = re.compile(r"[、，,;；]")


def normalise_text(text: str) -> str:
    """NFKC (full-width folded), traditional characters folded to simplified (財務 → 财务) and every
    white space removed: how portfolio items are compared."""
    return re.sub(r"\s+", "", to_simplified(unicodedata.normalize("NFKC", text)))


def split_portfolio(text: str) -> list[str]:
    """'分管财务、 人事' → ['财务', '人事'], full-width folded (NFKC) and every space removed."""
    items = []
    # Normalise first: NFKC maps the half-width 、(U+FF64) and small commas onto the separators.
    for part in _SEPARATORS.split(to_simplified(unicodedata.normalize("NFKC", text or ""))):
        item = re.sub(r"\s+", "", part)
        if item:
            items.append(item)
    return items


def _portfolio_items(portfolios: pd.DataFrame | None, leader_year: pd.DataFrame) -> pd.DataFrame:
    columns = ["year", "leader_id", "is_top", "portfolio_item", "portfolio_raw", "row"]
    if portfolios is None or portfolios.empty:
        return pd.DataFrame(columns=columns)
    raw = portfolios["portfolio"]
    # The same steps as split_portfolio, on the whole column: NFKC, traditional → simplified, split,
    # drop white space and empties.
    parts = raw.fillna("").astype(str).str.normalize("NFKC").str.translate(FOLD).str.split(_SEPARATORS.pattern,
                                                                                         regex=True)
    items = pd.DataFrame({"year": portfolios["year"].to_numpy(), "leader_id": portfolios["leader_id"].to_numpy(),
                          "portfolio_item": parts.to_numpy(), "portfolio_raw": raw.to_numpy(),
                          "row": portfolios["_row"].astype(int).to_numpy()}).explode("portfolio_item")
    items["portfolio_item"] = items["portfolio_item"].str.replace(r"\s+", "", regex=True)
    items = items[items["portfolio_item"].str.len() > 0].reset_index(drop=True)
    tops = pd.MultiIndex.from_arrays([leader_year["year"], leader_year["leader_id"]])
    position = tops.get_indexer(pd.MultiIndex.from_arrays([items["year"], items["leader_id"]]))
    is_top = np.full(len(items), None, dtype=object)
    found = position >= 0
    is_top[found] = leader_year["is_top"].astype(bool).to_numpy(dtype=object)[position[found]]
    items["is_top"] = is_top
    return items[columns]


def _expenditures(expenditures: pd.DataFrame | None) -> pd.DataFrame:
    columns = ["year", "unit", "amount", "countersigned", "item", "row"]
    if expenditures is None:
        return pd.DataFrame(columns=columns)
    out = expenditures[["year", "unit", "amount", "countersigned", "item", "_row"]].rename(columns={"_row": "row"})
    return out.reset_index(drop=True)


def _image_round_tops(rounds: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """Each image round × each 一把手 of the unit on that year's roster, with whether they were
    the unit's 一把手 in the year of the round before (Y for round 2, Y-1 for round 1)."""
    columns = [*rounds.columns, "leader_id", "is_top", "held_top_post_prev_round"]
    tops = roster[roster["is_top"].astype(bool)][["year", "unit", "leader_id"]]
    if rounds.empty or tops.empty:
        return pd.DataFrame(columns=columns)
    out = rounds.merge(tops, on=["year", "unit"], how="inner", sort=False)
    out = out.sort_values(["year", "image_round", "image_rank", "unit", "leader_id"], kind="stable")
    held = set(zip(tops["year"], tops["leader_id"], tops["unit"]))
    prev_year = np.where(out["image_round"] == 2, out["year"], out["year"] - 1)
    out["is_top"] = True
    out["held_top_post_prev_round"] = [(y, lid, u) in held
                                       for y, lid, u in zip(prev_year.tolist(), out["leader_id"], out["unit"])]
    return out[columns].reset_index(drop=True)


def _image_rounds(image: pd.DataFrame | None, tie_rule: str | None) -> pd.DataFrame:
    columns = ["year", "unit", "image_round", "image_rank", "image_count", "image_bottom", "image_prev_round",
               "image_bottom_prev_round"]
    if image is None:
        return pd.DataFrame(columns=columns)
    out = image[["year", "round", "unit", "rank"]].rename(columns={"round": "image_round", "rank": "image_rank"})
    out = out.sort_values(["year", "image_round", "image_rank", "unit"], kind="stable").reset_index(drop=True)
    out["image_count"] = out.groupby(["year", "image_round"])["unit"].transform("size")
    out["image_bottom"] = bottom_position(out["image_rank"], out["image_count"],
                                          [out["year"], out["image_round"]], tie_rule or TIE_RULES[0])
    if tie_rule is None:  # the scorecard does not say how ties count: no position
        out["image_bottom"] = pd.Series([None] * len(out), dtype=object)
    bottom = {(y, r, u): b for y, r, u, b in zip(out["year"], out["image_round"], out["unit"], out["image_bottom"])}
    # The round before (Y, 2) is (Y, 1); the round before (Y, 1) is (Y-1, 2).
    before = [(y, 1) if r == 2 else (y - 1, 2) for y, r in zip(out["year"], out["image_round"])]
    out["image_prev_round"] = [f"{y}年第{r}批次" for y, r in before]
    prev = [bottom.get((y, r, u)) for (y, r), u in zip(before, out["unit"])]
    out["image_bottom_prev_round"] = pd.Series([None if p is None or p != p else int(p) for p in prev], dtype=object)
    return out
