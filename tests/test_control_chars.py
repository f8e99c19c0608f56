"""Control characters in cells (issue 7, items 12 and 13).

A Word line break pasted into a name is stored as `_x000B_` (vertical tab); `\\x01` turns up in
text copied from other systems; ESC and BEL in a cell could retitle the terminal or clear it.
Every xlsx writer scrubs them through the shared safe-cell path, and every command that prints
cell text shows them escaped.
"""
from __future__ import annotations

from pathlib import Path

import openpyxl

from engine.cli import main
from engine.xlsx_safe import safe_cell
from wbtools import rewrite_member, valid_workbook


def _edit_sheets(path: Path, old: str, new: str) -> None:
    """Replace text in every sheet's XML; Excel writes control characters as _xHHHH_ escapes."""
    for number in range(1, 8):
        rewrite_member(path, f"xl/worksheets/sheet{number}.xml", lambda d: d.replace(old.encode(), new.encode()))


def _with_controls(tmp_path: Path) -> Path:
    path = valid_workbook(tmp_path)
    _edit_sheets(path, "张三", "张_x000B_三_x001B_]0;pwned_x0007_")
    _edit_sheets(path, "财务", "财务_x0001_管理")
    return path


def _texts(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [c.value for ws in book for r in ws.iter_rows() for c in r if isinstance(c.value, str)]


def test_a_report_is_written_when_cells_hold_control_characters(tmp_path, capsys):
    # Item 12: writing the note into the report raised openpyxl's IllegalCharacterError (exit 4).
    path = _with_controls(tmp_path)
    assert main(["run", str(path)]) == 0, capsys.readouterr().err
    reports = list(tmp_path.glob("*评分结果*.xlsx"))
    assert len(reports) == 1
    texts = _texts(reports[0])
    assert any("张\\x0b三\\x1b]0;pwned\\x07" in t for t in texts)
    assert any("财务\\x01管理" in t for t in texts)
    assert not any(ch in t for t in texts for ch in "\x0b\x01\x1b\x07")


def test_the_problem_file_shows_control_characters_escaped(tmp_path, capsys):
    path = _with_controls(tmp_path)
    _edit_sheets(path, "违规公务接待", "")  # 扣分事项 blank: errors, so the problem file is written
    assert main(["validate", str(path)]) == 1
    texts = _texts(tmp_path / "input_数据问题.xlsx")
    assert not any(ch in t for t in texts for ch in "\x0b\x01\x1b\x07")


def test_terminal_output_escapes_esc_and_bel(tmp_path, capsys):
    # Item 13: validate, run and explain printed ESC and BEL raw.
    path = _with_controls(tmp_path)
    assert main(["explain", str(path), "--leader", "1001"]) == 0
    out = capsys.readouterr()
    assert "张\\x0b三\\x1b]0;pwned\\x07" in out.out
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr()
    assert not any(ch in out.out + out.err for ch in "\x0b\x1b\x07")
    _edit_sheets(path, "县直单位", "县直单位_x001B_[2J_x0007_")   # BAD_CHOICE errors that show the value
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr()
    # click drops CSI sequences (ESC [ ... letter) itself when the output is not a terminal;
    # on a terminal they reach terminal_text, which escapes them (test_the_helpers).
    assert "县直单位\\x07" in out.out
    assert not any(ch in out.out + out.err for ch in "\x0b\x1b\x07")
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr()
    assert "县直单位\\x07" in out.err
    assert not any(ch in out.out + out.err for ch in "\x0b\x1b\x07")


def test_the_helpers():
    from engine.xlsx_safe import terminal_text

    assert safe_cell("a\x0bb\x00c") == "a\\x0bb\\x00c"
    assert safe_cell("=1+\x01") == "'=1+\\x01"
    assert safe_cell("换行\n制表\t保留") == "换行\n制表\t保留"
    assert terminal_text("\x1b[31m红\x07\x9b\x7f\r") == "\\x1b[31m红\\x07\\x9b\\x7f\\x0d"
    assert terminal_text("第一行\n\t第二行") == "第一行\n\t第二行"
