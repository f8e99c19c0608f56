"""Build input workbooks for tests from plain Python data, and damage them on purpose.

    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTION_HEADER, [2024, "1001", None, "x", 2, None]]})

Rows are lists written from column A; a row may be shorter than the header.
The damage helpers add what openpyxl alone writes differently from Excel:
merged header cells, formulas without cached values (openpyxl never stores a
computed value), Excel error cells, hidden sheets.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from engine.input.sheets import SHEETS, sheet

Rows = list[list[Any]]


def header(en: str, lang: str = "zh") -> list[str]:
    """The contract header row of a sheet, in Chinese or with the English aliases."""
    return [c.zh if lang == "zh" else c.en for c in sheet(en).columns]


ROSTER = header("roster")
DEDUCTIONS = header("deductions")
ANNUAL = header("annual_ranking")
IMAGE = header("image_ranking")
PORTFOLIOS = header("portfolios")
EXPENDITURES = header("expenditures")
FIVE = header("five_reinforcements")


def roster_row(year: int = 2024, leader: str = "1001", unit: str = "甲镇", unit_type: str = "乡镇",
               is_top: str = "是", name: str = "张三") -> list[Any]:
    return [year, leader, name, unit, unit_type, "党委书记", is_top, dt.date(2020, 3, 1), "普通", "否", None]


def deduction_row(year: int = 2024, leader: str = "1001", points: Any = 2) -> list[Any]:
    return [year, leader, dt.date(year, 3, 5), "违规公务接待", points, None]


def make_workbook(directory: Path, sheets: dict[str, Rows], name: str = "input.xlsx",
                  hidden: tuple[str, ...] = (), merged: dict[str, list[str]] | None = None) -> Path:
    """Write `sheets` (name -> rows incl. header) as an .xlsx; returns its path.

    Values starting with "=" are written as formulas (openpyxl stores no cached value)."""
    book = _book(sheets)
    for sheet_name in sheets:
        ws = book[sheet_name]
        if sheet_name in hidden:
            ws.sheet_state = "hidden"
        for ref in (merged or {}).get(sheet_name, []):
            ws.merge_cells(ref)
    if not sheets:
        book.create_sheet("Sheet1")
    path = Path(directory) / name
    book.save(path)
    return path


def valid_workbook(directory: Path, name: str = "input.xlsx") -> Path:
    """A small, fully valid workbook covering every contract sheet."""
    return make_workbook(directory, {
        "干部名册": [ROSTER, roster_row(), roster_row(leader="1002", unit="乙局", unit_type="县直单位"),
                 roster_row(leader="1003", unit="丙局", unit_type="县直单位")],
        "廉政监督卡": [DEDUCTIONS, deduction_row(), deduction_row(points=1.5)],
        "综合考核排名": [ANNUAL, [2024, "甲镇", "乡镇", 1], [2024, "乙局", "县直单位", 1],
                   [2024, "丙局", "县直单位", 2]],
        "形象测评": [IMAGE, [2024, 1, "乙局", 1], [2024, 1, "丙局", 2], [2024, 2, "乙局", 2], [2024, 2, "丙局", 1]],
        "分工": [PORTFOLIOS, [2024, "1001", "财务"]],
        "大额支出": [EXPENDITURES, [2024, "甲镇", dt.date(2024, 5, 1), 5000, "采购", "否"]],
        "五个强化": [FIVE, [2024, "1001", 90, "好", 80, 75.5, "较好"]],
        # SPEC 4b
        "任职经历": [header("posts"), ["1001", "甲镇", "党政办", "主任", "普通", "是", "是", dt.date(2019, 7, 1), None]],
        "试用期考核": [header("probation"), ["1002", dt.date(2023, 5, 1), dt.date(2024, 4, 30), dt.date(2024, 5, 10), "合格"]],
        "新提拔": [header("promotions"), [2024, "1002", dt.date(2024, 3, 1), dt.date(2024, 3, 5), 88, "是", "无问题", "否"]],
        "年度考核等次": [header("assessment_grades"), [2024, "1001", "称职"]],
        "经济责任审计": [header("audits"), ["1001", "甲镇", "任中", dt.date(2024, 6, 1), "无"]],
        "个人重大事项": [header("personal_matters"), ["1001", "住房变动", dt.date(2024, 2, 1), dt.date(2024, 2, 20), "一致"]],
        "廉政报告": [header("integrity_reviews"), [2024, "1001", dt.date(2024, 12, 20), "好", 90, "较好", 85, "一般", "合格"]],
        "谈话记录": [header("talks"), ["1002", dt.date(2024, 3, 6), "任职谈话", "提拔任职"]],
        "责任清单": [header("responsibilities"), [2024, "1001", "主体责任", "每季度研究", "办公室", dt.date(2024, 10, 31),
                                             "是", "是", "是", "已完成", dt.date(2024, 10, 20)]],
        "巡察整改": [header("rectifications"), ["甲镇", "XC-1", "台账不全", "1001", dt.date(2024, 6, 30), dt.date(2024, 6, 1)]],
    }, name=name)


def rewrite_member(path: Path, member: str, edit) -> None:
    """Apply edit(bytes) -> bytes to one zip member of the workbook, in place."""
    with zipfile.ZipFile(path) as src:
        items = [(info, src.read(info.filename)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in items:
            out.writestr(info, edit(data) if info.filename == member else data)


def sheet_member(path: Path, sheet_name: str) -> str:
    """The zip member holding a sheet (openpyxl numbers them in creation order)."""
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
    names = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook_xml)
    return f"xl/worksheets/sheet{names.index(sheet_name) + 1}.xml"


def put_error_cell(path: Path, sheet_name: str, ref: str, error: str = "#DIV/0!") -> None:
    """Make cell `ref` (already written, any value) an Excel error cell with a cached error."""
    member = sheet_member(path, sheet_name)
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', re.S)

    def edit(data: bytes) -> bytes:
        new, count = pattern.subn(b'<c r="' + ref.encode() + b'" t="e"><v>' + error.encode() + b"</v></c>", data)
        assert count == 1, f"cell {ref} not found in {member}"
        return new

    rewrite_member(path, member, edit)


def cache_formulas(path: Path, sheet_name: str, value: str = "1") -> None:
    """Give every formula of a sheet a cached value, as Excel would after saving,
    and drop openpyxl's fullCalcOnLoad request."""
    member = sheet_member(path, sheet_name)
    rewrite_member(path, member, lambda d: d.replace(b"<v />", b"<v>" + value.encode() + b"</v>")
                   .replace(b"<v></v>", b"<v>" + value.encode() + b"</v>"))
    rewrite_member(path, "xl/workbook.xml", lambda d: re.sub(rb'\s*fullCalcOnLoad="1"', b"", d))


def encrypted_ole_bytes() -> bytes:
    """What Office writes for a password-protected .xlsx: an OLE compound file whose
    directory names the EncryptionInfo and EncryptedPackage streams."""
    header_ = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00")
                         for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    return header_ + directory + b"\x00" * 1024


def xls_ole_bytes() -> bytes:
    """The start of an Excel 97-2003 .xls: an OLE compound file with a Workbook stream."""
    header_ = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\x00") for name in ("Root Entry", "Workbook"))
    return header_ + directory + b"\x00" * 1024


def _book(sheets: dict[str, Rows]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for sheet_name, rows in sheets.items():
        ws = book.create_sheet(sheet_name)
        for row in rows:
            ws.append(list(row))
    return book


def xlsx_bytes(sheets: dict[str, Rows]) -> bytes:
    book = _book(sheets)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def issues_of(error_or_book, code: str | None = None):
    """The issues of an InputError or a Workbook, optionally of one code."""
    issues = error_or_book.issues
    return [i for i in issues if code is None or i.code == code]


def cell_of(issue) -> tuple:
    """(code, sheet, row, column, value): what the per-code tests pin down."""
    return (issue.code, issue.sheet, issue.row, issue.column, issue.value)


ALL_SHEET_NAMES = [s.zh for s in SHEETS]
