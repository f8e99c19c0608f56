"""The blank input template: headers, the 说明 sheet, drop-downs."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from engine.input.sheets import SHEETS, Kind, sheet
from engine.input.template import GUIDE_HEADERS, GUIDE_SHEET, LAST_DATA_ROW, write_template


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    write_template(path)
    return openpyxl.load_workbook(path)


def _validations(ws) -> dict[str, tuple[str, str]]:
    """sqref -> (type, formula1)"""
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


def test_sheet_order(book) -> None:
    assert book.sheetnames == [GUIDE_SHEET] + [s.zh for s in SHEETS]


def test_headers_bold_frozen_and_sized(book) -> None:
    for spec in SHEETS:
        ws = book[spec.zh]
        assert [c.value for c in ws[1]] == [c.zh for c in spec.columns]
        assert all(c.font.b for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.max_row == 1
        assert all(ws.column_dimensions[c.column_letter].width >= 12 for c in ws[1])


def test_guide_sheet(book) -> None:
    ws = book[GUIDE_SHEET]
    assert tuple(c.value for c in ws[1]) == GUIDE_HEADERS
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2, max_col=len(GUIDE_HEADERS))]
    table = [r for r in rows if r[1] is not None]
    assert len(table) == sum(len(s.columns) for s in SHEETS)
    by_key = {(r[0], r[3]): r for r in table}
    assert by_key[("干部名册", "单位类别")] == [
        "干部名册", "roster", sheet("roster").help_zh, "单位类别", "unit_type", "必填",
        "从下拉列表中选择", "乡镇 / 县直单位 / 其他", "乡镇、县直单位、其他"]
    assert by_key[("干部名册", "试用期满日期")][5] == "可选"
    assert by_key[("廉政监督卡", "扣分")][6] == "扣分：大于 0 的数，最多两位小数"
    assert by_key[("形象测评", "批次")][8] == "1、2"
    assert by_key[("大额支出", "是否会签")][8] == "是、否"
    assert by_key[("五个强化", "对党忠诚")][8] == "0–100 或 好、较好、一般、差"
    assert any(r[0] == "填写须知：" for r in rows)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:I{len(table) + 1}"


def test_dropdowns(book) -> None:
    end = LAST_DATA_ROW
    roster = _validations(book["干部名册"])
    assert roster[f"E2:E{end}"] == ("list", '"乡镇,县直单位,其他"')
    assert roster[f"G2:G{end}"] == ("list", '"是,否"')
    assert roster[f"I2:I{end}"] == ("list", '"普通,审批,人财物"')
    assert roster[f"J2:J{end}"] == ("list", '"是,否"')
    assert _validations(book["形象测评"])[f"B2:B{end}"] == ("list", '"1,2"')
    assert _validations(book["大额支出"])[f"F2:F{end}"] == ("list", '"是,否"')
    assert _validations(book["综合考核排名"])[f"C2:C{end}"] == ("list", '"乡镇,县直单位,其他"')


def test_every_flag_choice_round_column_has_a_dropdown(book) -> None:
    for spec in SHEETS:
        lists = {ref.split(":")[0][:-1] for ref, (kind, _) in _validations(book[spec.zh]).items()
                 if kind == "list"}
        expected = {openpyxl.utils.get_column_letter(i)
                    for i, c in enumerate(spec.columns, start=1)
                    if c.kind in (Kind.FLAG, Kind.CHOICE, Kind.ROUND)}
        assert lists == expected, spec.zh


def test_numeric_columns_warn(book) -> None:
    dv = {str(d.sqref): d for d in book["廉政监督卡"].data_validations.dataValidation}
    points = dv[f"E2:E{LAST_DATA_ROW}"]
    assert (points.type, points.operator, points.formula1, points.errorStyle) == \
        ("decimal", "greaterThan", "0", "warning")


def test_template_bytes_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_template(a)
    write_template(b)
    assert a.read_bytes() == b.read_bytes()
