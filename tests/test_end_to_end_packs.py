"""End to end for the second-wave packs (issues 13 and 14): the sample's planted cases, the 待办
list of hand-checked leaders, and a mid-year review (calendar.as_of = 06-30) moving what is overdue.

The expectations are worked by hand from SPEC 3.7 and the rows in engine/input/sample_packs.py
(dates as of 31 December unless said), not copied from the engine's output.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from engine.input.sample_packs import PACK_CASES, PACK_FAMILY_TITLES
from engine.rules.load import load_scorecard

SAMPLE = Path(__file__).resolve().parent.parent / "scorecards" / "samples" / "sample_county.xlsx"
PACK_RULES = {r.id for r in load_scorecard().rules if r.rule.family in PACK_FAMILY_TITLES}


def _run(folder: Path, *extra: str) -> dict:
    book = folder / "sample_county.xlsx"
    if not book.exists():
        shutil.copy(SAMPLE, book)
    out = folder / f"r{len(list(folder.glob('r*.json')))}.json"
    assert main(["run", str(book), "--json", str(out), "--out", str(out.with_suffix(".xlsx")), *extra]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def year_end(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("packs"))


@pytest.fixture(scope="module")
def mid_year(tmp_path_factory):
    return _run(tmp_path_factory.mktemp("packs_mid"), "--set", "calendar.as_of=06-30")


def _firings(data: dict) -> dict[str, set[str]]:
    """leader → {"RULE" and "RULE:clause+clause"} of the pack rules that fired in 2025."""
    out: dict[str, set[str]] = {}
    for r in data["results"]:
        for c in r["consequences"]:
            if c["rule_id"] in PACK_RULES:
                out.setdefault(r["leader_id"], set()).update(
                    {c["rule_id"], f"{c['rule_id']}:{'+'.join(c['clauses'])}" if c["clauses"] else c["rule_id"]})
    return out


@pytest.mark.parametrize("case", PACK_CASES, ids=lambda c: f"{c.family}-{c.leader_id}")
def test_planted_pack_case(year_end, case):
    fired = _firings(year_end).get(case.leader_id, set())
    mine = {f for f in fired if f.split(":")[0] in {e.split(":")[0] for e in PACK_CASES_BY_FAMILY[case.family]}}
    assert set(case.expect) <= fired, (case.leader_id, fired)
    assert {f.split(":")[0] for f in mine} == {e.split(":")[0] for e in case.expect}, (case.leader_id, fired)


PACK_CASES_BY_FAMILY: dict[str, set[str]] = {}
for _case in PACK_CASES:
    PACK_CASES_BY_FAMILY.setdefault(_case.family, set()).update(_case.expect)


def test_nobody_outside_the_tables_fires_a_pack_rule(year_end):
    expected: dict[str, set[str]] = {}
    for case in PACK_CASES:
        expected.setdefault(case.leader_id, set()).update(e.split(":")[0] for e in case.expect)
    got = {lid: {f for f in fired if ":" not in f} for lid, fired in _firings(year_end).items()}
    assert got == {lid: rules for lid, rules in expected.items() if rules}


def test_every_new_code_fires_in_the_sample(year_end):
    codes = {c["code"] for r in year_end["results"] for c in r["consequences"] if c["rule_id"] in PACK_RULES}
    assert codes == {
        "ROTATION_DUE", "PROBATION_CONFIRM", "PROBATION_REMOVE", "PROBATION_OVERDUE",
        "PROMOTION_INTEGRITY_STEPS_MISSING", "PROMOTION_VETO", "UNFIT_ADJUST", "ECONOMIC_AUDIT_DUE",
        "ECONOMIC_AUDIT_MISSING_ON_CHANGE", "TALK_EDUCATION", "ADMONITION", "REFER_DISCIPLINE", "REFER_JUDICIARY",
        "PERSONAL_MATTER_UNREPORTED", "PERSONAL_MATTER_MISMATCH", "PERSONAL_MATTER_CIRCULATE",
        "INTEGRITY_REPORT_MISSING", "INTEGRITY_REVIEW_FAILED", "TALK_OVERDUE", "RESPONSIBILITY_LIST_INCOMPLETE",
        "RESPONSIBILITY_INTERVIEW", "RECTIFICATION_OVERDUE",
    }  # DEMOTE_OR_REMOVE is off in the default scorecard (scenario bottom_three_demote)


def _leader(data: dict, lid: str) -> dict:
    return next(r for r in data["results"] if r["leader_id"] == lid)


def _consequence(data: dict, lid: str, rule: str) -> list[dict]:
    return [c for c in _leader(data, lid)["consequences"] if c["rule_id"] == rule]


def test_consequences_carry_their_evidence_rows_and_facts(year_end):
    (overdue,) = _consequence(year_end, "QH034", "RECTIFICATION_OVERDUE")
    assert overdue["facts"]["days_overdue"] == 184 and overdue["facts"]["issue_no"] == "XC-2025-01"
    assert any(e["sheet"] == "巡察整改" and e["values"]["问题编号"] == "XC-2025-01" for e in overdue["evidence"])
    talks = _consequence(year_end, "QH011", "TALK_OVERDUE")
    # 2025-02-19 (first 提醒谈话 only on 06-18: 119 days) and 2025-08-19 (only a 任职谈话 after it); 05-19 was in time
    assert sorted((c["facts"]["trigger_on"], c["facts"]["talk_delay_days"]) for c in talks) == \
        [("2025-02-19", 119), ("2025-08-19", None)]
    assert all(any(e["sheet"] == "廉政监督卡" for e in c["evidence"]) for c in talks)
    (late,) = _consequence(year_end, "QH009", "PERSONAL_MATTER_UNREPORTED")
    assert late["facts"]["report_delay_days"] == 59 and late["facts"]["matter_kind"] == "出国出境"
    (veto,) = _consequence(year_end, "QH003", "PROMOTION_VETO")
    assert veto["facts"]["card_points"] == 4 and veto["parameters"]["veto.card_points"] == 4
    (rotation,) = _consequence(year_end, "QH071", "ROTATION_DUE")
    assert rotation["facts"]["post_years"] == 12 and rotation["facts"]["post_kind_now"] == "审批"


def test_todo_of_hand_checked_leaders(year_end):
    def items(lid):
        return [(i["kind"], i["due"], i["status"], i["days_overdue"]) for i in _leader(year_end, lid)["obligations"]]
    assert items("QH034") == [("rectification", "2025-06-30", "overdue", 184)]
    assert items("QH073") == [("probation", "2025-09-30", "overdue", 92)]           # 试用期满 08-31 + 30 days
    assert items("QH005") == [("personal_matter", "2025-05-31", "overdue", 214)]    # 发生 05-01 + 30 days
    assert items("QH010") == [("integrity_report", "2025-12-31", "due", None)]      # due on the as-of day
    assert items("QH015") == [("audit", "2022-03-11", "overdue", 1391)]             # 任现职 2019-03-11 + 3 years
    assert items("QH025") == [("responsibility", "2025-09-30", "overdue", 92)]
    assert items("QH007") == []


def test_mid_year_review_moves_what_is_overdue(year_end, mid_year):
    """As of 2025-06-30, worked by hand from the rows (see sample_packs): what no longer fires, what still does."""
    end, mid = _firings(year_end), _firings(mid_year)
    gone = {("QH068", "ROTATION_DUE"),               # 5 years on 06-30 (6 on 12-31)
            ("QH059", "PROBATION_CONFIRM"),          # assessed 07-05: no result known on 06-30
            ("QH073", "PROBATION_OVERDUE"),          # probation ends 08-31
            ("QH003", "PROMOTION_VETO"),             # promoted 11-01: not yet
            ("QH033", "PROMOTION_VETO"), ("QH033", "TALK_OVERDUE"),   # promoted 09-01
            ("QH019", "ECONOMIC_AUDIT_DUE"),         # 满3年 only on 08-29
            ("QH030", "AUDIT_REFER_JUDICIARY"),      # audited 09-12
            ("QH010", "INTEGRITY_REPORT_MISSING"),   # due at the year end
            ("QH012", "TALK_OVERDUE"),               # reported 06-15: 15 days open
            ("QH025", "RESPONSIBILITY_INTERVIEW"),   # due 09-30
            ("QH034", "RECTIFICATION_OVERDUE")}      # due 06-30: not yet late on 06-30
    flat = {(lid, f) for lid, fired in end.items() for f in fired if ":" not in f}
    flat_mid = {(lid, f) for lid, fired in mid.items() for f in fired if ":" not in f}
    assert flat - flat_mid == gone
    assert flat_mid - flat == set()
    assert len(_consequence(mid_year, "QH011", "TALK_OVERDUE")) == 1      # 08-19 has not happened yet
    param = next(p for p in mid_year["parameters"] if p["name"] == "calendar.as_of")
    assert (param["value"], param["provenance"]) == ("06-30", "scenario")
    # the 待办 list of the same day: QH004's promotion talk falls due 07-01, not yet overdue
    assert [(i["kind"], i["due"], i["status"]) for i in _leader(mid_year, "QH004")["obligations"]] == \
        [("talk", "2025-07-01", "due")]


def test_report_has_the_todo_sheet_and_explain_the_section(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    out = tmp_path / "r.xlsx"
    assert main(["run", str(book), "--out", str(out), "--json", str(tmp_path / "r.json")]) == 0
    ws = openpyxl.load_workbook(out)["待办"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["年度", "干部编号", "姓名", "单位", "事项类别", "待办事项", "到期日", "状态", "依据", "逾期后适用的规则"]
    assert [2025, "QH034", "邓志明", "县教育局", "巡察整改",
            "整改销号：XC-2025-01 食堂采购未公开招标（县教育局）", "2025-06-30", "已逾期184天", "巡察整改第2行",
            "巡察整改问题逾期未销号"] in rows
    assert main(["explain", str(book), "--leader", "QH034"]) == 0
    text = capsys.readouterr().out
    assert "待办（截至统计日，1 项）" in text and "2025-06-30 已逾期184天 巡察整改：整改销号：XC-2025-01" in text
    assert "RECTIFICATION_OVERDUE" in text and "严格挂账、对账、结账" in text


def test_bad_as_of_is_refused_with_the_parameter_named(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["run", str(book), "--set", "calendar.as_of=06-31"]) == 3
    assert "calendar.as_of" in capsys.readouterr().err


def test_a_clause_whose_trigger_sheet_is_absent_is_not_evaluated_never_passed():
    """TALK_OVERDUE with 谈话记录 and 廉政监督卡 but no 新提拔 / 个人重大事项: the card clause runs, the other
    two are reported as not evaluated (SPEC 3.7) instead of silently passing."""
    from engine.evaluation.evaluate import evaluate_records
    scorecard = load_scorecard()
    record = {"year": 2025, "leader_id": "L1", "is_top": False, "row": 7, "card_trigger": True,
              "promotion_trigger": False, "personal_trigger": False, "talk_found": False, "days_open": 45}
    run = evaluate_records(scorecard, {"talk_trigger": [record]}, {"roster", "talks", "deductions"})
    (outcome,) = run.outcomes["talk_trigger"]
    assert [(f.rule.id, f.clauses) for f in outcome.firings] == [("TALK_OVERDUE", ["card"])]
    talk_notes = [n["reason_zh"] for n in run.not_evaluated if n["family"] == "talk"]
    assert talk_notes == ["工作簿中没有“新提拔”的数据，必谈事由发生后未按时谈话的“提拔重用时必谈”条款未评估",
                          "工作簿中没有“个人重大事项”的数据，必谈事由发生后未按时谈话的“个人向组织报告重大事项时必谈”条款未评估"]
    # without 谈话记录 the whole rule is not evaluated
    run = evaluate_records(scorecard, {"talk_trigger": [record]}, {"roster", "deductions", "promotions"})
    assert run.outcomes["talk_trigger"][0].firings == []
    assert any(n["family"] == "talk" and "谈话记录" in n["reason_zh"] for n in run.not_evaluated)


def test_bottom_three_scenario_turns_the_rule_on(tmp_path):
    """Off by default (another county's rule, SPEC 3.7); the scenario shows who it would demote:
    the 一把手 of units whose shared bottom position is 1–3 (ties share the position from the bottom)."""
    from engine.input.sample import annual_ranking_rows, posts_in
    data = _run(tmp_path, "--scenario", str(SAMPLE.parents[1] / "scenarios" / "bottom_three_demote.yaml"))
    fired = {r["leader_id"] for r in data["results"] for c in r["consequences"] if c["rule_id"] == "DEMOTE_OR_REMOVE"}
    ranks = [r for r in annual_ranking_rows() if r["year"] == 2025]
    by_type: dict[str, list[int]] = {}
    for r in ranks:
        by_type.setdefault(r["unit_type"], []).append(r["rank"])
    bottom3 = {r["unit"] for r in ranks if sum(1 for x in by_type[r["unit_type"]] if x > r["rank"]) + 1 <= 3}
    tops = {p.leader_id for p in posts_in(2025) if p.is_top and p.unit in bottom3}
    assert fired == tops and fired


def test_dates_as_clerks_type_them_are_normalised_and_noted_impossible_ones_refused(tmp_path):
    """Issue 14: 2025年3月1日, 2025/3/1 and 2025.3.1 read as 2025-03-01 with a note naming the cell;
    2025-02-30 is an error naming sheet, row and column."""
    from engine.input.issues import InputError
    from engine.input.workbook import read_workbook
    from wbtools import ROSTER, header, make_workbook, roster_row
    roster = [ROSTER, *(roster_row(year=2025, leader=lid) for lid in ("1001", "1002", "1003"))]
    rows = [[2025, lid, text, None, 80, "是", "无问题", "否"]
            for lid, text in zip(("1001", "1002", "1003"), ("2025年3月1日", "2025/3/1", "2025.3.1"))]
    book = read_workbook(make_workbook(tmp_path, {"干部名册": roster, "新提拔": [header("promotions"), *rows]}))
    assert book.tables["promotions"]["promoted_on"].tolist() == [dt.date(2025, 3, 1)] * 3
    notes = [(i.code, i.sheet, i.row, i.column) for i in book.issues if i.code == "DATE_FROM_TEXT"]
    assert notes == [("DATE_FROM_TEXT", "新提拔", row, "提拔日期") for row in (2, 3, 4)]
    bad = make_workbook(tmp_path, {"干部名册": roster, "新提拔": [header("promotions"), [2025, "1001", "2025-02-30", None, 80, "是",
                                                                    "无问题", "否"]]}, name="bad.xlsx")
    with pytest.raises(InputError) as caught:
        read_workbook(bad)
    (issue,) = [i for i in caught.value.issues if i.code == "BAD_DATE"]
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("新提拔", 2, "提拔日期", "2025-02-30")


def test_families_without_data_are_stated_once_in_the_json(tmp_path):
    """A first-wave workbook (no SPEC 4b sheets): the ten families are listed once at the top, not in each of
    the leader-years; read back, every leader-year has them again in front of its own notes."""
    from engine.evaluation.results import RunResult
    from engine.evaluation.scoring import to_json
    from engine.input.sheets import SECOND_WAVE
    book = openpyxl.load_workbook(SAMPLE)
    for spec in SECOND_WAVE:
        del book[spec.zh]
    path = tmp_path / "first_wave.xlsx"
    book.save(path)
    data = _run(_fresh(tmp_path, path))
    families = [n["family"] for n in data["not_evaluated"]]
    assert sorted(families) == sorted(["rotation", "probation", "promotion", "assessment", "audit", "personal",
                                       "integrity", "talk", "responsibility", "rectification"])
    assert all(n["family"] not in families for r in data["results"] for n in r["not_evaluated"])
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    back = RunResult.model_validate(data)
    assert all(r.not_evaluated[:10] == data["not_evaluated"] for r in back.results)
    assert to_json(back) == text


def _fresh(tmp_path: Path, book: Path) -> Path:
    folder = tmp_path / "fresh"
    folder.mkdir()
    shutil.copy(book, folder / "sample_county.xlsx")
    return folder


def test_a_yearly_pack_row_of_a_leader_not_on_that_years_roster_is_an_error(tmp_path):
    from engine.input.issues import InputError
    from engine.input.workbook import read_workbook
    from wbtools import ROSTER, header, make_workbook, roster_row
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(year=2025)],
                                    "年度考核等次": [header("assessment_grades"), [2025, "1001", "称职"],
                                                 [2024, "1001", "不称职"]]})
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    (issue,) = [i for i in caught.value.issues if i.code == "UNKNOWN_LEADER"]
    assert (issue.sheet, issue.row, issue.column) == ("年度考核等次", 3, "干部编号")
