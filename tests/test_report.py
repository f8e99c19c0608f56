"""The Excel report: sheet order, headers, exact cells, formatting, injection guard."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from engine.input.issues import InputIssue
from engine.output.report import (
    BASIS_HEADERS, DETAIL_HEADERS, ISSUE_HEADERS, PARAMETER_HEADERS, SUMMARY_TITLE,
    build_report, write_report,
)
from engine.xlsxio import display_width, format_mapping
from engine.evaluation.results import (
    Consequence, ConsequenceSource, LeaderResult, ParameterInForce, RuleInfo, RunResult, SourceRef,
)

QUOTE = "年度扣分在4分以上,取消该年度评比各类先进,6分以上,扣发该年度50%目标考核奖"
SOURCE = SourceRef(document="002_2c590592798420cb.txt", section="篇3 5、四是", quote=QUOTE)


def _cons(code: str, label: str, rule_id: str, **kw) -> Consequence:
    return Consequence(code=code, rule_id=rule_id, label=label, severity="serious",
                       source=ConsequenceSource(document=SOURCE.document, section=SOURCE.section), **kw)


def _leader(leader_id: str, name: str, **kw) -> LeaderResult:
    base = dict(leader_id=leader_id, name=name, unit="县财政局", unit_type="县直单位",
                title="局长", is_top=True, year=2025, consequences=[], not_evaluated=[],
                scores={"deduction_points": 0.0, "deduction_points_2y": 0.0,
                        "deduction_points_3y": 0.0, "five_reinforcements": None})
    base.update(kw)
    return LeaderResult(**base)


def _result(**kw) -> RunResult:
    first = _leader(
        "QH001", "王建国",
        scores={"deduction_points": 6.0, "deduction_points_2y": 7.5, "deduction_points_3y": None,
                "five_reinforcements": {"weighted": 78.5, "dimensions": {
                    "loyalty": 95.0, "implementation": 55.0, "development": 85.0,
                    "accountability": 70.0, "integrity": 88.0}},
                "composite": None},
        consequences=[
            _cons("DISQUALIFY_AWARDS", "取消该年度评比各类先进资格", "CARD_DISQUALIFY_AWARDS",
                  facts={"deduction_points": 6.0}, parameters={"card.disqualify_awards": 4}),
            _cons("WITHHOLD_BONUS_50", "扣发该年度50%目标考核奖", "CARD_WITHHOLD_BONUS",
                  clauses=["one_year"], facts={"deduction_points": 6.0, "count": 3},
                  parameters={"card.withhold_bonus": 6, "card.withhold_bonus_share": 0.5},
                  detail={"说明": "合计", "rows": [4, 5]}),
        ],
        not_evaluated=[{"family": "image", "reason_zh": "缺少工作表", "reason_en": "missing"}],
    )
    second = _leader("=HYPERLINK(\"http://x\")", "=HYPERLINK(\"http://evil\",\"点我\")",
                     unit="柳河镇", unit_type="乡镇", title="副镇长", is_top=False,
                     scores={"deduction_points": 0.0, "deduction_points_2y": None,
                             "deduction_points_3y": None, "five_reinforcements": None})
    base = dict(
        scorecard="county", years=[2025], rules_fingerprint="a" * 64,
        input_fingerprint="b" * 64, input_file="清河县2025.xlsx",
        parameters=[
            ParameterInForce(name="card.disqualify_awards", value=4, provenance="source",
                             citation="篇3", default=4),
            ParameterInForce(name="elimination.township.single_year", value=[1, 2],
                             provenance="scenario", citation="情景", default=[1]),
            ParameterInForce(name="five.grades", value={"好": 95, "差": 50}, provenance="local"),
            ParameterInForce(name="five.weak_below", value=65, provenance="scenario", default=60),
        ],
        rules=[RuleInfo(id="CARD_DISQUALIFY_AWARDS", title="廉政监督卡年度扣分4分以上",
                        code="DISQUALIFY_AWARDS", source=SOURCE)],
        input_issues=[InputIssue(code="FULLWIDTH_DIGITS", severity="note", sheet="廉政监督卡",
                                 row=7, column="扣分", value="４", expected="数字",
                                 message_zh="全角数字已转换", message_en="full-width digits")],
        extra_sheets=["备注"],
        unmatched={"portfolio": [{"year": 2025, "leader_id": "QH001", "name": "王建国",
                                  "item": "乡村振兴"}]},
        results=[first, second],
    )
    base.update(kw)
    return RunResult(**base)


@pytest.fixture()
def book(tmp_path: Path) -> openpyxl.Workbook:
    path = tmp_path / "report.xlsx"
    write_report(_result(), path)
    return openpyxl.load_workbook(path)


def _header(ws) -> list:
    return [c.value for c in ws[1]]


def test_sheet_order(book) -> None:
    assert book.sheetnames == ["汇总", "结果明细", "触发依据", "参数", "规则", "数据问题", "五个强化", "未匹配分工"]


def test_optional_sheets_absent_when_no_data(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    plain = _result(unmatched={}, results=[_leader("QH009", "李四")])
    write_report(plain, path)
    assert openpyxl.load_workbook(path).sheetnames == ["汇总", "结果明细", "触发依据", "参数", "规则", "数据问题"]


def test_summary(book) -> None:
    ws = book["汇总"]
    assert ws["A1"].value == SUMMARY_TITLE
    block = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(3, 12)}
    assert block["评分卡"] == "county"
    assert block["年度"] == 2025
    assert block["输入文件"] == "清河县2025.xlsx"
    assert block["规则指纹"] == "a" * 64
    assert block["输入指纹"] == "b" * 64
    assert block["干部人数"] == 2
    assert block["数据问题"] == "错误 0 条，提示 1 条"
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    count_at = rows.index(["代码", "后果", "人数"] + [None] * (len(rows[0]) - 3))
    assert rows[count_at + 1][:3] == ["DISQUALIFY_AWARDS", "取消该年度评比各类先进资格", 1]
    assert rows[count_at + 2][:3] == ["WITHHOLD_BONUS_50", "扣发该年度50%目标考核奖", 1]
    unit_at = next(i for i, r in enumerate(rows) if r[:4] == ["年度", "单位", "单位类别", "干部人数"])
    assert rows[unit_at][4:6] == ["取消该年度评比各类先进资格", "扣发该年度50%目标考核奖"]
    # 乡镇 sorts before 县直单位
    assert rows[unit_at + 1][:6] == [2025, "柳河镇", "乡镇", 1, 0, 0]
    assert rows[unit_at + 2][:6] == [2025, "县财政局", "县直单位", 1, 1, 1]
    assert ws.auto_filter.ref == f"A{unit_at + 1}:F{unit_at + 3}"
    assert ws.cell(count_at + 1, 1).font.b


def test_detail_sheet(book) -> None:
    ws = book["结果明细"]
    assert tuple(_header(ws)) == DETAIL_HEADERS
    assert [c.value for c in ws[2]] == [
        2025, "QH001", "王建国", "县财政局", "县直单位", "局长", "是", 6, 7.5, None, 78.5, None,
        "取消该年度评比各类先进资格；扣发该年度50%目标考核奖", "形象测评"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:N3"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")


def test_formula_injection_escaped_and_null_is_empty(book) -> None:
    ws = book["结果明细"]
    assert ws["B3"].value == "'=HYPERLINK(\"http://x\")"
    assert ws["C3"].value == "'=HYPERLINK(\"http://evil\",\"点我\")"
    assert ws["C3"].data_type == "s"
    assert ws["G3"].value == "否"
    assert ws["I3"].value is None and ws["J3"].value is None  # null windows: empty, not "None"
    assert ws["K3"].value is None and ws["M3"].value is None


def test_basis_sheet(book) -> None:
    ws = book["触发依据"]
    assert tuple(_header(ws)) == BASIS_HEADERS
    row = {h: c.value for h, c in zip(BASIS_HEADERS, ws[3])}
    assert row["年度"] == 2025 and row["批次"] is None
    assert row["干部"] == "王建国（QH001）\n县财政局"
    assert row["后果"] == "扣发该年度50%目标考核奖（严重）"
    assert row["规则"] == "CARD_WITHHOLD_BONUS"  # rule not in result.rules: no title
    # read back without the run behind it: clause, facts and parameters in Chinese, no JSON
    assert row["命中条件（含数值）"] == ("命中条款：one_year\n当年扣分 6\ncount 3\n"
                                    "参数 card.withhold_bonus = 6\n参数 card.withhold_bonus_share = 0.5")
    assert row["依据记录（工作表 第几行）"] == "（无逐行记录）"
    assert row["来源文件与段落"] == "《加强对一把手监督情况的报告（通用9篇）》\n篇3 5、四是"
    assert row["来源原文"] is None  # the quote lives under result.rules (SPEC 5); this rule is not there
    first = {h: c.value for h, c in zip(BASIS_HEADERS, ws[2])}
    assert first["来源原文"] == QUOTE
    assert first["规则"] == "廉政监督卡年度扣分4分以上\nCARD_DISQUALIFY_AWARDS"
    quote_col = ws.cell(1, BASIS_HEADERS.index("来源原文") + 1).column_letter
    assert ws[f"{quote_col}2"].alignment.wrap_text
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:I3"


def test_every_sheet_prints_one_page_wide(book) -> None:
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == \
            ("landscape", 9, 1, 0), ws.title  # 9 = A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_area, ws.title
        assert ws.oddFooter.center.text == "规则指纹 " + "a" * 64 + "\n输入指纹 " + "b" * 64
        assert "&P" in ws.oddFooter.left.text
        if ws.title != "汇总":
            assert ws.print_title_rows == "$1:$1", ws.title


def test_wrapped_rows_grow(book) -> None:
    ws = book["触发依据"]
    assert ws.row_dimensions[3].height >= 5 * 14  # five lines of condition text


def test_parameters_sheet(book) -> None:
    ws = book["参数"]
    assert tuple(_header(ws)) == PARAMETER_HEADERS
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    # issue 7 item 20: the meaning beside the name, values as text a clerk reads, the --set form last
    assert rows[0] == ["card.disqualify_awards", None, 4, "文件依据", "篇3", 4, "card.disqualify_awards=4"]
    assert rows[1] == ["elimination.township.single_year", None, "1、2", "情景覆盖", "情景", "1",
                       "elimination.township.single_year=[1,2]"]
    assert rows[2] == ["five.grades", None, "好 95；差 50", "本地参数", None, None, 'five.grades={"好":95,"差":50}']
    assert ws["A3"].fill.fgColor.rgb.endswith("FFF2CC")


def test_issues_sheet(book) -> None:
    ws = book["数据问题"]
    assert tuple(_header(ws)) == ISSUE_HEADERS
    assert [c.value for c in ws[2]] == ["提示", "FULLWIDTH_DIGITS", "廉政监督卡", 7, "扣分", "４",
                                        "数字", "全角数字已转换", "full-width digits"]
    assert [c.value for c in ws[3]][:3] == ["提示", "EXTRA_SHEET", "备注"]
    assert ws.max_row == 3


def test_five_sheet_with_weak_fill(book) -> None:
    ws = book["五个强化"]
    assert _header(ws) == ["年度", "干部编号", "姓名", "单位", "对党忠诚", "贯彻决策部署",
                           "推动高质量发展", "落实主体责任", "民主集中廉洁自律", "加权分"]
    assert [c.value for c in ws[2]] == [2025, "QH001", "王建国", "县财政局", 95, 55, 85, 70, 88, 78.5]
    assert ws.max_row == 2  # the leader without five scores has no row
    (cf,) = list(ws.conditional_formatting)
    assert str(cf.sqref) == "E2:I2"
    assert cf.rules[0].formula == ["AND(ISNUMBER(E2),E2<65)"]  # five.weak_below from parameters


def test_unmatched_sheet(book) -> None:
    ws = book["未匹配分工"]
    assert _header(ws) == ["年度", "干部编号", "姓名", "分管事项"]
    assert [c.value for c in ws[2]] == [2025, "QH001", "王建国", "乡村振兴"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D2"


def test_bytes_are_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_report(_result(), a)
    write_report(_result(), b)
    assert a.read_bytes() == b.read_bytes()
    props = openpyxl.load_workbook(a).properties
    assert props.created.year == 2000 and props.modified.year == 2000


def test_width_counts_cjk_double() -> None:
    assert display_width("abc") == 3
    assert display_width("单位") == 4
    assert display_width("ab\n单位单位") == 8
    wb = build_report(_result())
    assert wb["结果明细"].column_dimensions["M"].width <= 60


def test_format_mapping_sorted() -> None:
    assert format_mapping({"b": 1.0, "a": [1, 2], "c": "x", "d": None, "e": True}) == \
        "a=[1,2]; b=1; c=x; d=空; e=是"


def test_no_none_text_anywhere(book) -> None:
    for ws in book.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not any(v in ("None", "nan", "null") for v in row), ws.title
