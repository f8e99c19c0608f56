"""Issue 7, item 21: a template a clerk can fill in and print.

Widths fit the columns, ids are text, dates are dates, drop-downs for every fixed or
known value (units and ids read from the roster, grades, 扣分事项 from the scorecard's
catalogue), examples on the 说明 sheet (never in data rows), a 说明 sheet that prints on
a few pages, and entered deduction items checked against the catalogue.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from engine import load_scorecard, read_workbook
from engine.input.sheets import SHEETS, Kind
from engine.input.template import (GUIDE_HEADERS, GUIDE_SHEET, IDS_NAME, ITEMS_NAME, LAST_DATA_ROW, UNITS_NAME,
                                   write_template)


@pytest.fixture(scope="module")
def path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tpl") / "template.xlsx"
    write_template(out)
    return out


@pytest.fixture(scope="module")
def book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def _validations(ws) -> dict[str, object]:
    return {str(dv.sqref).split(":")[0][:-1]: dv for dv in ws.data_validations.dataValidation}


def _letter(spec, en: str) -> str:
    return openpyxl.utils.get_column_letter([c.en for c in spec.columns].index(en) + 1)


def test_column_widths_follow_what_the_column_holds(book) -> None:
    portfolios = book["分工"]
    assert portfolios.column_dimensions["C"].width >= 30          # 分管事项: long text
    assert portfolios.column_dimensions["A"].width <= 10           # 年度
    widths = {book[s.zh].column_dimensions[_letter(s, "year")].width for s in SHEETS
              if "year" in [c.en for c in s.columns]}
    assert widths == {8}
    assert len({book["干部名册"].column_dimensions[c].width for c in "ABCDEFGHIJK"}) >= 4  # not all 12


def test_ids_are_text_and_dates_are_dates(book) -> None:
    for spec in SHEETS:
        ws = book[spec.zh]
        for index, col in enumerate(spec.columns, start=1):
            fmt = ws.column_dimensions[openpyxl.utils.get_column_letter(index)].number_format
            if col.kind is Kind.ID:
                assert fmt == "@", (spec.zh, col.zh)
            if col.kind is Kind.DATE:
                assert fmt == "yyyy-mm-dd", (spec.zh, col.zh)


def test_dropdowns_for_units_ids_grades_and_items(book) -> None:
    deductions = _validations(book["廉政监督卡"])
    assert (deductions["B"].type, deductions["B"].formula1) == ("list", IDS_NAME)
    assert (deductions["D"].type, deductions["D"].formula1) == ("list", ITEMS_NAME)
    assert deductions["D"].showErrorMessage is False      # items outside the catalogue are noted, not refused
    assert _validations(book["综合考核排名"])["B"].formula1 == UNITS_NAME
    assert _validations(book["大额支出"])["B"].formula1 == UNITS_NAME
    five = _validations(book["五个强化"])
    assert (five["C"].type, five["C"].formula1, five["C"].showErrorMessage) == ("list", '"好,较好,一般,差"', False)
    names = book.defined_names
    assert names[IDS_NAME].attr_text == f"'干部名册'!$B$2:$B${LAST_DATA_ROW}"
    assert names[UNITS_NAME].attr_text == f"'干部名册'!$D$2:$D${LAST_DATA_ROW}"
    assert names[ITEMS_NAME].attr_text.startswith(f"'{GUIDE_SHEET}'!$A$")


def test_guide_has_one_row_per_column_with_an_example_and_the_catalogue(book) -> None:
    ws = book[GUIDE_SHEET]
    rows = [[c.value for c in r] for r in ws.iter_rows(max_col=len(GUIDE_HEADERS))]
    header = rows.index(list(GUIDE_HEADERS))
    sections = [r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("工作表“")]
    assert len(sections) == len(SHEETS)
    by_name = {r[0]: r for r in rows[header:] if isinstance(r[0], str) and " [" in r[0] and not r[0].startswith("工作表")}
    assert by_name["干部编号 [leader_id]"][4] == "0012"
    assert by_name["扣分 [points]"][1:] == ["必填", "扣分，正数，最多两位小数", None, 2]
    assert by_name["任现职时间 [post_since]"][2].endswith("日期，如 2025-03-15（本列为日期格式）")
    assert by_name["单位类别 [unit_type]"][3] == "乡镇、县直单位、其他"
    # the sheet is named once, on its section row; column rows carry only the column
    assert sum(1 for r in rows if isinstance(r[0], str) and r[0].startswith("工作表“干部名册”")) == 1
    assert not any(isinstance(r[0], str) and r[0].startswith(("干部名册", "廉政监督卡")) for r in rows)
    name = book.defined_names[ITEMS_NAME].attr_text.split("!")[1].replace("$", "")
    first, last = (int(part[1:]) for part in name.split(":"))
    items = [ws.cell(row=r, column=1).value for r in range(first, last + 1)]
    points = [ws.cell(row=r, column=2).value for r in range(first, last + 1)]
    card = load_scorecard().definition.deduction_items
    assert items == [d.item for d in card] and points == [d.points for d in card]
    assert "违规公务接待" in items and "插手工程承包" in items


def test_data_sheets_hold_only_the_header(book) -> None:
    assert all(book[s.zh].max_row == 1 for s in SHEETS)


def test_filled_template_reads_without_notes_about_the_template(tmp_path, path) -> None:
    # the clerk fills two rows into the template; the reader sees the data and nothing else
    wb = openpyxl.load_workbook(path)
    wb["干部名册"].append([2025, "0012", "张三", "清河镇", "乡镇", "党委书记", "是"])
    wb["廉政监督卡"].append([2025, "0012", None, "违规公务接待", 1])
    wb.save(tmp_path / "filled.xlsx")
    book = read_workbook(tmp_path / "filled.xlsx")
    assert list(book.tables["roster"]["leader_id"]) == ["0012"]
    codes = {i.code for i in book.issues}
    assert not codes & {"EXTRA_SHEET", "HIDDEN_SHEET", "UNNAMED_COLUMN"}


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice and poppler render the template (see .ci/system-packages)")
def test_guide_prints_on_a_few_pages(tmp_path, path) -> None:
    wb = openpyxl.load_workbook(path)
    for name in wb.sheetnames[1:]:
        del wb[name]
    wb.save(tmp_path / "guide.xlsx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(tmp_path / "guide.xlsx")], check=True, capture_output=True,
                   timeout=180)
    info = subprocess.run(["pdfinfo", str(tmp_path / "guide.pdf")], check=True, capture_output=True,
                          text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert 1 <= pages <= 8   # 17 sheets since the second-wave packs (SPEC 4b); 20 pages before the fix
