"""Fact derivation (engine.evaluation.facts) on small hand-built tables, exact values.

The tables are shaped like engine.input.workbook's output: one DataFrame per sheet
present, columns = ColumnSpec.en of engine/sheets.py plus `_row` (the Excel row),
required year/rank/round columns int64, required points/amount float64, required
flags bool, everything else object.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from engine.evaluation.facts import (FIVE_NAMES, bottom_positions, derive_facts, derive_leader_year, five_score,
                          split_portfolio, window_notes)
from engine.input.sheets import Kind, sheet

GRADES = {"好": 95, "较好": 85, "一般": 70, "差": 50}
EQUAL = [0.2, 0.2, 0.2, 0.2, 0.2]
PARAMS = {"five.grades": GRADES, "five.weights": EQUAL, "ranking.tie_position": "n_minus_rank_plus_1"}


# --------------------------------------------------------------------------- table builders
def _dtype(kind: Kind, required: bool) -> str:
    if required and kind in (Kind.YEAR, Kind.RANK, Kind.ROUND):
        return "int64"
    if required and kind in (Kind.POINTS, Kind.AMOUNT):
        return "float64"
    if required and kind is Kind.FLAG:
        return "bool"
    return "object"


def table(en: str, rows: list[dict[str, Any]], first_row: int = 2) -> pd.DataFrame:
    """A sheet as engine.input.workbook hands it over; unspecified cells are None."""
    spec = sheet(en)
    columns: dict[str, pd.Series] = {}
    for col in spec.columns:
        columns[col.en] = pd.Series([r.get(col.en) for r in rows], dtype=_dtype(col.kind, col.required))
    columns["_row"] = pd.Series(range(first_row, first_row + len(rows)), dtype="int64")
    return pd.DataFrame(columns)


def person(year: int, leader: str, unit: str = "甲镇", unit_type: str = "乡镇", is_top: bool = False,
           title: str = "副镇长") -> dict[str, Any]:
    return {"year": year, "leader_id": leader, "name": f"干部{leader}", "unit": unit, "unit_type": unit_type,
            "title": title, "is_top": is_top}


def deduction(year: int, leader: str, points: float) -> dict[str, Any]:
    return {"year": year, "leader_id": leader, "item": "违规公务接待", "points": points}


def leader_years(tables: dict[str, pd.DataFrame], params: dict[str, Any] | None = None) -> dict[tuple, dict]:
    frame = derive_leader_year(tables, params if params is not None else PARAMS)
    return {(r["year"], r["leader_id"]): r for r in frame.to_dict("records")}


def card(roster_rows: list[dict], deduction_rows: list[dict]) -> dict[tuple, dict]:
    return leader_years({"roster": table("roster", roster_rows), "deductions": table("deductions", deduction_rows)})


# --------------------------------------------------------------------------- 廉政监督卡: P(Y) and windows
def test_points_sum_is_rounded_to_two_decimals():
    facts = card([person(2025, "A"), person(2025, "B"), person(2025, "C")],
                 [deduction(2025, "A", 0.1), deduction(2025, "A", 0.2)]
                 + [deduction(2025, "B", 1.33)] * 3
                 + [deduction(2025, "C", 1.1), deduction(2025, "C", 2.2)])
    assert 0.1 + 0.2 != 0.3 and 1.1 + 2.2 != 3.3  # the float sums themselves are off
    assert facts[(2025, "A")]["deduction_points"] == 0.3
    assert facts[(2025, "B")]["deduction_points"] == 3.99
    assert facts[(2025, "C")]["deduction_points"] == 3.3
    assert facts[(2025, "A")]["deduction_count"] == 2
    assert facts[(2025, "B")]["deduction_count"] == 3


def test_assessed_year_without_deduction_rows_is_zero():
    facts = card([person(2025, "A"), person(2025, "B")], [deduction(2025, "B", 2)])
    row = facts[(2025, "A")]
    assert row["deduction_points"] == 0.0 and isinstance(row["deduction_points"], float)
    assert row["deduction_count"] == 0


def test_not_assessed_previous_year_leaves_windows_null():
    facts = card([person(2025, "A")], [deduction(2025, "A", 11)])
    row = facts[(2025, "A")]
    assert row["deduction_points"] == 11.0
    assert not row["assessed_prev_year"]
    assert row["deduction_points_prev"] is None
    assert row["deduction_points_2y"] is None
    assert row["deduction_points_3y"] is None


def test_gap_in_the_middle_year_breaks_both_windows():
    # assessed Y-2 and Y, not Y-1: "consecutive" is broken, points of Y-2 are not carried over
    facts = card([person(2023, "A"), person(2025, "A")],
                 [deduction(2023, "A", 8), deduction(2025, "A", 7)])
    row = facts[(2025, "A")]
    assert row["deduction_points"] == 7.0
    assert row["deduction_points_prev"] is None
    assert row["deduction_points_2y"] is None
    assert row["deduction_points_3y"] is None
    assert not row["assessed_prev_year"]


def test_deductions_for_an_unassessed_year_do_not_count():
    # a deduction row for Y-1 without a roster row (the reader rejects it; facts must not sum it either)
    facts = card([person(2025, "A")], [deduction(2024, "A", 9), deduction(2025, "A", 4)])
    row = facts[(2025, "A")]
    assert row["deduction_points"] == 4.0
    assert row["deduction_points_2y"] is None


def test_three_assessed_years_with_a_zero_middle_year():
    facts = card([person(2023, "A"), person(2024, "A"), person(2025, "A")],
                 [deduction(2023, "A", 5.25), deduction(2025, "A", 4.5), deduction(2025, "A", 4.25)])
    y23, y24, y25 = facts[(2023, "A")], facts[(2024, "A")], facts[(2025, "A")]
    assert (y23["deduction_points"], y23["deduction_points_2y"], y23["deduction_points_3y"]) == (5.25, None, None)
    assert (y24["deduction_points"], y24["deduction_points_prev"], y24["deduction_points_2y"],
            y24["deduction_points_3y"]) == (0.0, 5.25, 5.25, None)
    assert (y25["deduction_points"], y25["deduction_points_prev"], y25["deduction_points_2y"],
            y25["deduction_points_3y"]) == (8.75, 0.0, 8.75, 14.0)


def test_window_sums_are_rounded():
    facts = card([person(2023, "A"), person(2024, "A"), person(2025, "A")],
                 [deduction(2023, "A", 0.1), deduction(2024, "A", 0.2), deduction(2025, "A", 0.7)])
    row = facts[(2025, "A")]
    assert row["deduction_points_2y"] == 0.9
    assert row["deduction_points_3y"] == 1.0


def test_leaders_do_not_share_points():
    facts = card([person(2024, "A"), person(2025, "A"), person(2025, "B")],
                 [deduction(2024, "A", 3), deduction(2025, "B", 6)])
    assert facts[(2025, "A")]["deduction_points"] == 0.0
    assert facts[(2025, "A")]["deduction_points_2y"] == 3.0
    assert facts[(2025, "B")]["deduction_points"] == 6.0
    assert facts[(2025, "B")]["deduction_points_2y"] is None


def test_absent_deductions_sheet_leaves_every_card_fact_null():
    facts = leader_years({"roster": table("roster", [person(2024, "A"), person(2025, "A")])})
    row = facts[(2025, "A")]
    for name in ("deduction_points", "deduction_points_prev", "deduction_points_2y",
                 "deduction_points_3y", "deduction_count"):
        assert row[name] is None, name
    assert window_notes(row) == []  # the family note (sheet absent) comes from the evaluator instead


def test_rows_come_out_sorted_by_year_then_leader():
    roster = table("roster", [person(2025, "B"), person(2024, "B"), person(2025, "A")])
    frame = derive_leader_year({"roster": roster}, PARAMS)
    assert list(zip(frame["year"], frame["leader_id"])) == [(2024, "B"), (2025, "A"), (2025, "B")]


# --------------------------------------------------------------------------- window notes
def test_window_notes_for_a_missing_previous_year():
    facts = card([person(2025, "A")], [deduction(2025, "A", 3)])
    notes = window_notes(facts[(2025, "A")])
    assert [n["family"] for n in notes] == ["card.two_years", "card.three_years"]
    assert notes[0]["reason_zh"] == "2024年度未在干部名册中（未参加考核），连续两年累计扣分无法计算，该条款不适用"
    assert notes[0]["reason_en"] == "not assessed in 2024: the two-year window is incomplete"
    assert notes[1]["reason_zh"] == "2023—2024年度至少一年未参加考核，连续三年累计扣分无法计算，该条款不适用"
    assert notes[1]["reason_en"] == "not assessed in every year 2023-2024: the three-year window is incomplete"


def test_window_notes_when_only_the_three_year_window_is_incomplete():
    # (one deduction row: a header-only 廉政监督卡 is no data at all, like an absent sheet)
    facts = card([person(2024, "A"), person(2025, "A")], [deduction(2025, "A", 1)])
    notes = window_notes(facts[(2025, "A")])
    assert [n["family"] for n in notes] == ["card.three_years"]


def test_no_window_notes_when_all_three_years_were_assessed():
    facts = card([person(2023, "A"), person(2024, "A"), person(2025, "A")], [])
    assert window_notes(facts[(2025, "A")]) == []


# --------------------------------------------------------------------------- 末位淘汰: bottom positions
def ranked(year: int, unit: str, unit_type: str, rank: int) -> dict[str, Any]:
    return {"year": year, "unit": unit, "unit_type": unit_type, "rank": rank}


RANKING = [
    # 2025: 4 townships with a tie (competition ranks 1, 2, 2, 4), 6 county departments
    ranked(2025, "甲镇", "乡镇", 1), ranked(2025, "乙镇", "乡镇", 2),
    ranked(2025, "丙镇", "乡镇", 2), ranked(2025, "丁镇", "乡镇", 4),
    *[ranked(2025, f"局{i}", "县直单位", i) for i in range(1, 7)],
    # 2024: 3 townships (丁镇 not ranked), 5 county departments
    ranked(2024, "甲镇", "乡镇", 3), ranked(2024, "乙镇", "乡镇", 1), ranked(2024, "丙镇", "乡镇", 2),
    *[ranked(2024, f"局{i}", "县直单位", 6 - i) for i in range(1, 6)],
]


def test_bottom_positions_per_year_and_category():
    pos = bottom_positions(table("annual_ranking", RANKING), "n_minus_rank_plus_1")
    got = {(y, u): (r, n, b) for y, u, r, n, b in
           zip(pos["year"], pos["unit"], pos["unit_rank"], pos["unit_count"], pos["bottom_position"])}
    # ties share a position: ranks 1,2,2,4 of N=4 → b 4,3,3,1
    assert [got[(2025, u)] for u in ("甲镇", "乙镇", "丙镇", "丁镇")] == [(1, 4, 4), (2, 4, 3), (2, 4, 3), (4, 4, 1)]
    # N counts the category only: 6 county departments, not 10 units
    assert [got[(2025, f"局{i}")][2] for i in range(1, 7)] == [6, 5, 4, 3, 2, 1]
    assert {got[(2025, f"局{i}")][1] for i in range(1, 7)} == {6}
    assert [got[(2024, u)] for u in ("甲镇", "乙镇", "丙镇")] == [(3, 3, 1), (1, 3, 3), (2, 3, 2)]
    assert [got[(2024, f"局{i}")] for i in range(1, 6)] == [(5, 5, 1), (4, 5, 2), (3, 5, 3), (2, 5, 4), (1, 5, 5)]


def test_ranking_facts_on_the_leader_year():
    roster = table("roster", [
        person(2025, "T1", "甲镇", is_top=True, title="党委书记"),
        person(2025, "T2", "丙镇", is_top=True, title="党委书记"),
        person(2025, "T3", "丁镇", is_top=True, title="党委书记"),
        person(2025, "D1", "局1", "县直单位", is_top=True, title="局长"),
        person(2025, "D6", "局6", "县直单位", is_top=True, title="局长"),
        person(2025, "X", "戊镇", is_top=True, title="党委书记"),       # unit not in the ranking
    ])
    facts = leader_years({"roster": roster, "annual_ranking": table("annual_ranking", RANKING)})
    view = {lid: (facts[(2025, lid)]["unit_rank"], facts[(2025, lid)]["unit_count"],
                  facts[(2025, lid)]["bottom_position"], facts[(2025, lid)]["bottom_position_prev"])
            for lid in ("T1", "T2", "T3", "D1", "D6", "X")}
    assert view == {
        "T1": (1, 4, 4, 1),        # 2024: rank 3 of 3
        "T2": (2, 4, 3, 2),        # 2024: rank 2 of 3
        "T3": (4, 4, 1, None),     # not ranked in 2024
        "D1": (1, 6, 6, 1),        # 2024: rank 5 of 5
        "D6": (6, 6, 1, None),     # 局6 not ranked in 2024
        "X": (None, None, None, None),
    }
    assert all(type(v) is int for v in view["T1"])


def test_absent_ranking_sheet_leaves_ranking_facts_null():
    facts = leader_years({"roster": table("roster", [person(2025, "T1", is_top=True)])})
    row = facts[(2025, "T1")]
    assert [row[n] for n in ("unit_rank", "unit_count", "bottom_position", "bottom_position_prev")] == [None] * 4


# --------------------------------------------------------------------------- held_top_post_2y
@pytest.mark.parametrize(("previous", "now", "expected"), [
    pytest.param(person(2024, "L", "甲镇", is_top=True), person(2025, "L", "甲镇", is_top=True), True,
                 id="top-of-same-unit-both-years"),
    pytest.param(person(2024, "L", "甲镇", is_top=False), person(2025, "L", "甲镇", is_top=True), False,
                 id="deputy-in-Y-1"),
    pytest.param(person(2024, "L", "乙镇", is_top=True), person(2025, "L", "甲镇", is_top=True), False,
                 id="top-of-another-unit-in-Y-1"),
    pytest.param(person(2024, "L", "甲镇", is_top=True), person(2025, "L", "甲镇", is_top=False), False,
                 id="not-top-in-Y"),
    pytest.param(None, person(2025, "L", "甲镇", is_top=True), False, id="not-assessed-in-Y-1"),
    pytest.param(person(2023, "L", "甲镇", is_top=True), person(2025, "L", "甲镇", is_top=True), False,
                 id="top-in-Y-2-only"),
])
def test_held_top_post_2y(previous, now, expected):
    rows = [r for r in (previous, now) if r is not None]
    # someone else was 一把手 of 甲镇 in 2024 too: only the same leader counts
    rows.append(person(2024, "OTHER", "甲镇", is_top=True, title="镇长"))
    facts = leader_years({"roster": table("roster", rows)})
    assert facts[(2025, "L")]["held_top_post_2y"] == expected


# --------------------------------------------------------------------------- 分工: portfolio splitting
@pytest.mark.parametrize(("text", "items"), [
    ("分管 财务、人事；ＡＢ", ["分管财务", "人事", "AB"]),
    ("财务，人事,工程招标;物资采购；行政审批", ["财务", "人事", "工程招标", "物资采购", "行政审批"]),
    ("\u3000组织\u3000人事 、、 ", ["组织人事"]),          # ideographic spaces, empty parts dropped
    ("政府采购（２０２５）", ["政府采购(2025)"]),          # full-width digits and brackets folded
    ("", []),
])
def test_split_portfolio(text, items):
    assert split_portfolio(text) == items


def test_split_portfolio_of_none_is_empty():
    assert split_portfolio(None) == []  # type: ignore[arg-type]


def test_portfolio_items_per_leader_with_is_top():
    roster = table("roster", [person(2025, "T", is_top=True, title="党委书记"), person(2025, "D")])
    portfolios = table("portfolios", [
        {"year": 2025, "leader_id": "T", "portfolio": "分管 财务、人事"},
        {"year": 2025, "leader_id": "D", "portfolio": "农业"},
    ], first_row=5)
    items = derive_facts({"roster": roster, "portfolios": portfolios}, PARAMS)["portfolio_item"]
    got = [tuple(r) for r in items[["leader_id", "is_top", "portfolio_item", "portfolio_raw", "row"]].itertuples(
        index=False)]
    assert got == [("T", True, "分管财务", "分管 财务、人事", 5), ("T", True, "人事", "分管 财务、人事", 5),
                   ("D", False, "农业", "农业", 6)]


# --------------------------------------------------------------------------- 形象测评: rounds
def image(year: int, rnd: int, unit: str, rank: int) -> dict[str, Any]:
    return {"year": year, "round": rnd, "unit": unit, "rank": rank}


def test_image_bottom_prev_round():
    rows = [
        image(2024, 2, "甲局", 1), image(2024, 2, "乙局", 2), image(2024, 2, "丙局", 3),
        image(2025, 1, "甲局", 3), image(2025, 1, "乙局", 1), image(2025, 1, "丙局", 1), image(2025, 1, "丁局", 4),
        image(2025, 2, "甲局", 2), image(2025, 2, "乙局", 1), image(2025, 2, "丁局", 3),
    ]
    roster = table("roster", [person(2025, "A")])
    rounds = derive_facts({"roster": roster, "image_ranking": table("image_ranking", rows)}, PARAMS)["image_round"]
    got = {(r["year"], r["image_round"], r["unit"]): (r["image_count"], r["image_bottom"],
                                                      r["image_bottom_prev_round"])
           for r in rounds.to_dict("records")}
    assert got == {
        # round 2 of 2024: no round 1 of 2024 in the table → None
        (2024, 2, "甲局"): (3, 3, None), (2024, 2, "乙局"): (3, 2, None), (2024, 2, "丙局"): (3, 1, None),
        # round 1 of 2025 ← round 2 of 2024; ties (1, 1, 3, 4) share a position
        (2025, 1, "甲局"): (4, 2, 3), (2025, 1, "乙局"): (4, 4, 2), (2025, 1, "丙局"): (4, 4, 1),
        (2025, 1, "丁局"): (4, 1, None),
        # round 2 of 2025 ← round 1 of 2025 (丙局 absent from round 2)
        (2025, 2, "甲局"): (3, 2, 2), (2025, 2, "乙局"): (3, 3, 4), (2025, 2, "丁局"): (3, 1, 1),
    }


# --------------------------------------------------------------------------- 五个强化
def five(year: int, leader: str, *cells: Any) -> dict[str, Any]:
    return {"year": year, "leader_id": leader, **dict(zip(("loyalty", "implementation", "development",
                                                          "accountability", "integrity"), cells))}


def test_five_reinforcements_grades_and_weights():
    roster = table("roster", [person(2025, "G"), person(2025, "M"), person(2025, "N"), person(2025, "Z")])
    rows = table("five_reinforcements", [
        five(2025, "G", "好", "较好", "一般", "差", "好"),
        five(2025, "M", 88.5, "较好", 70, "差", 59.5),
        five(2025, "N", 100, 100, 100, 100, 100),
    ])
    facts = leader_years({"roster": roster, "five_reinforcements": rows},
                         {"five.grades": GRADES, "five.weights": [0.3, 0.1, 0.2, 0.2, 0.2]})
    g, m, n, z = (facts[(2025, k)] for k in "GMNZ")
    assert [g[name] for name in FIVE_NAMES] == [95.0, 85.0, 70.0, 50.0, 95.0]
    assert g["five_weighted"] == 80.0            # 28.5 + 8.5 + 14 + 10 + 19
    assert [m[name] for name in FIVE_NAMES] == [88.5, 85.0, 70.0, 50.0, 59.5]
    assert m["five_weighted"] == 70.95           # 26.55 + 8.5 + 14 + 10 + 11.9
    assert n["five_weighted"] == 100.0
    assert [z[name] for name in FIVE_NAMES + ("five_weighted",)] == [None] * 6   # no row: null, not 0


def test_five_reinforcements_equal_weights_and_a_changed_grade_map():
    roster = table("roster", [person(2025, "G")])
    rows = table("five_reinforcements", [five(2025, "G", "好", "较好", "一般", "差", 60)])
    default = leader_years({"roster": roster, "five_reinforcements": rows})[(2025, "G")]
    assert default["five_weighted"] == 72.0      # (95 + 85 + 70 + 50 + 60) / 5
    harsher = leader_years({"roster": roster, "five_reinforcements": rows},
                           {"five.grades": {"好": 90, "较好": 80, "一般": 60, "差": 0}, "five.weights": EQUAL})
    assert harsher[(2025, "G")]["five_weighted"] == 58.0
    assert harsher[(2025, "G")]["five_development"] == 60.0


def test_five_score():
    assert five_score("较好", GRADES) == 85.0
    assert five_score(72, GRADES) == 72.0
    assert five_score(None, GRADES) is None
    assert five_score(float("nan"), GRADES) is None


def test_absent_five_sheet_leaves_five_facts_null():
    facts = leader_years({"roster": table("roster", [person(2025, "G")])})
    assert [facts[(2025, "G")][n] for n in FIVE_NAMES + ("five_weighted",)] == [None] * 6


# --------------------------------------------------------------------------- scopes
def test_derive_facts_scopes_and_expenditures():
    roster = table("roster", [person(2025, "T", is_top=True)])
    spend = table("expenditures", [
        {"year": 2025, "unit": "甲镇", "amount": 3000.0, "item": "办公设备", "countersigned": False},
        {"year": 2025, "unit": "甲镇", "amount": 120.5, "item": "文具", "countersigned": True},
    ], first_row=3)
    facts = derive_facts({"roster": roster, "expenditures": spend}, PARAMS)
    assert set(facts) == {"leader_year", "portfolio_item", "expenditure", "image_round", "image_round_top",
                          "probation", "promotion", "audit", "personal_matter", "talk_trigger", "responsibility",
                          "rectification"}
    assert facts["portfolio_item"].empty and facts["image_round"].empty and facts["image_round_top"].empty
    records = facts["expenditure"].to_dict("records")
    assert [(r["amount"], bool(r["countersigned"]), r["item"], r["row"]) for r in records] == [
        (3000.0, False, "办公设备", 3), (120.5, True, "文具", 4)]


def test_image_round_tops_and_the_tenure_at_the_round_before():
    # 甲局 has two 一把手 in 2025: A (also in 2024) and B (new in 2025); C is a deputy.
    roster = table("roster", [person(2024, "A", "甲局", "县直单位", True), person(2025, "A", "甲局", "县直单位", True),
                              person(2025, "B", "甲局", "县直单位", True), person(2025, "C", "甲局", "县直单位", False)])
    rows = [{"year": 2024, "round": 2, "unit": "甲局", "rank": 2}, {"year": 2024, "round": 2, "unit": "乙局", "rank": 1},
            {"year": 2025, "round": 1, "unit": "甲局", "rank": 2}, {"year": 2025, "round": 1, "unit": "乙局", "rank": 1},
            {"year": 2025, "round": 2, "unit": "甲局", "rank": 1}, {"year": 2025, "round": 2, "unit": "乙局", "rank": 2}]
    tops = derive_facts({"roster": roster, "image_ranking": table("image_ranking", rows)}, PARAMS)["image_round_top"]
    got = [(r["year"], r["image_round"], r["leader_id"], r["image_bottom"], r["image_bottom_prev_round"],
            r["held_top_post_prev_round"]) for r in tops.to_dict("records")]
    assert got == [(2024, 2, "A", 1, None, True),     # round 2: the round before is in the same year
                   (2025, 1, "A", 1, 1, True),        # round 1 ← 2024 round 2: A was 甲局's 一把手 then
                   (2025, 1, "B", 1, 1, False),       # B was not
                   (2025, 2, "A", 2, 1, True), (2025, 2, "B", 2, 1, True)]
