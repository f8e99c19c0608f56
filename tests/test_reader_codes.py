"""Reason codes added for issue 7 (reader half): one test each, registered with test_validate_codes'
`covers` so its every-code-is-tested check sees them."""
from __future__ import annotations

import pytest

from engine.input import limits
from engine.input.issues import InputError
from engine.input.workbook import read_workbook
from hostile import deductions_sheet, row, xlsx_file
from test_validate_codes import covers, only, strict

FIRST = row(2, [2024, "1001", None, "违规公务接待", 2])


@covers("TOO_MANY_CELLS")
def test_too_many_cells(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_SHEET_CELLS", 10)
    path = xlsx_file(tmp_path / "cells.xlsx", deductions_sheet([FIRST, row(3, [2024, "1001", None, "x", 1])]))
    issue = only(strict(path), "TOO_MANY_CELLS")
    assert (issue.sheet, issue.value, issue.expected) == ("廉政监督卡", "14+", "10")
    assert issue.message_zh == ("【TOO_MANY_CELLS】工作表“廉政监督卡”写有超过 10 个单元格（已数到 14+ 个时停止读取），"
                                "超过上限 10 个。")


@covers("STRAY_CELL")
def test_stray_cell(tmp_path):
    # Column CV is the 100th: 40,000 rows x 100 columns is exactly the 4,000,000-cell limit, one row more is not.
    fits = xlsx_file(tmp_path / "fits.xlsx", deductions_sheet([FIRST, b'<row r="40000"><c r="CV40000"><v>1</v></c></row>']))
    assert [i.code for i in strict(fits)] != ["STRAY_CELL"]
    path = xlsx_file(tmp_path / "stray.xlsx", deductions_sheet([FIRST, b'<row r="40001"><c r="CV40001"><v>1</v></c></row>']))
    issue = only(strict(path), "STRAY_CELL")
    assert (issue.sheet, issue.value, issue.expected) == ("廉政监督卡", "CV40001", "4000000")
    assert issue.message_zh == ("【STRAY_CELL】工作表“廉政监督卡”的单元格 CV40001 远离其他数据：使用区域将达 40001 行 × 100 列 = "
                                "4000100 个单元格，超过上限 4000000 个。请在 Excel 中删除该单元格的内容（或整行、整列）后重新保存。")


@covers("OUT_OF_MEMORY")
def test_an_allocation_failure_inside_the_reader_is_a_clean_input_error(tmp_path, monkeypatch):
    import engine.input.workbook as workbook

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(workbook, "load_grid", exhausted)
    path = xlsx_file(tmp_path / "ok.xlsx", deductions_sheet([FIRST]))
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    (issue,) = caught.value.issues
    assert (issue.code, issue.severity, issue.value) == ("OUT_OF_MEMORY", "error", "ok.xlsx")
    assert "内存不足" in issue.message_zh and "out of memory" in issue.message_en
