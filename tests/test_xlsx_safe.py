"""Formula-injection guard: text a spreadsheet could execute is neutralised, nothing else changes."""
import pytest

from engine.xlsx_safe import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "＝1+1", "＠x"])
def test_dangerous_text_is_escaped(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["王建国", "1+1", "a=b", "", 5, -2.5, None, True])
def test_everything_else_is_unchanged(value):
    assert safe_cell(value) == value
