"""The blank input template: headers, the 说明 sheet, drop-downs."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from engine.input.review_form import REVIEW_SHEET
from engine.input.sheets import SHEETS, Kind
from engine.xlsxio import display_width
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
    assert book.sheetnames == [GUIDE_SHEET] + [s.zh for s in SHEETS] + [REVIEW_SHEET]
    assert [c.value for c in book[REVIEW_SHEET][1]] == ["年度", "干部编号", "代码", "结论", "理由", "复核人", "日期"]


def test_headers_bold_frozen_and_sized(book) -> None:
    for spec in SHEETS:
        ws = book[spec.zh]
        assert [c.value for c in ws[1]] == [c.zh for c in spec.columns]
        assert all(c.font.b for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.max_row == 1
        # wide enough for the header and its filter button (widths follow the column's kind)
        assert all(ws.column_dimensions[c.column_letter].width >= display_width(c.value) + 4 for c in ws[1])


def test_guide_sheet(book) -> None:
    # one row per column under its sheet's section row (tests/test_template_clerk.py has the details)
    ws = book[GUIDE_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows(max_col=len(GUIDE_HEADERS))]
    header = rows.index(list(GUIDE_HEADERS))
    table = [r for r in rows[header + 1:] if isinstance(r[0], str) and r[0].endswith("]")]
    assert len(table) == sum(len(s.columns) for s in SHEETS)
    assert any(r[0] == "填写须知" for r in rows)


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
    def listed(spec, c) -> bool:
        return (c.kind in (Kind.FLAG, Kind.CHOICE, Kind.ROUND, Kind.SCORE_OR_GRADE)
                or (spec.en != "roster" and c.kind in (Kind.ID, Kind.UNIT))      # from the roster
                or (spec.en, c.en) == ("deductions", "item"))                     # the catalogue

    for spec in SHEETS:
        lists = {ref.split(":")[0][:-1] for ref, (kind, _) in _validations(book[spec.zh]).items()
                 if kind == "list"}
        expected = {openpyxl.utils.get_column_letter(i)
                    for i, c in enumerate(spec.columns, start=1) if listed(spec, c)}
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
