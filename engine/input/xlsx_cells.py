"""Cells calamine shows as empty but that are not: formulas without a cached value, Excel errors.

Read straight from the sheet XML, block by block, as `sheet_scan` streams it; a
cheap substring test skips the work for blocks without formulas.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_PREFILTER = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
_CELL_TAG = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?)c[\s>/]")
_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{1,3})(\d{1,7})[\"']")
_TYPE = re.compile(rb"\st\s*=\s*[\"'](\w+)[\"']")


@dataclass(frozen=True)
class Special:
    code: str          # FORMULA_WITHOUT_VALUE or CELL_ERROR
    shown: str         # the formula or error text


def _unescape(text: bytes) -> str:
    value = text.decode("utf-8", errors="replace")
    for entity, char in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        value = value.replace(entity, char)
    return value


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + (char - 64)
    return index - 1


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def maybe_special(block: bytes) -> bool:
    """Cheap substring test (memchr speed) before the exact regex: most sheets have no formulas."""
    return b"<f" in block or b":f" in block or b'"e"' in block or b"'e'" in block


def specials_in(block: bytes, full_calc: bool) -> dict[tuple[int, int], Special]:
    """(row0, col0) -> special, for formula cells without a trustworthy cached value and error cells.

    Linear in the block: each marker (<f> or t="e") belongs to the last cell tag before it,
    and a cell is only ever searched up to the next cell tag, so unclosed cells cannot make
    one search run to the end of the sheet for every cell."""
    starts: list[int] = []
    prefixes: list[bytes] = []
    for tag in _CELL_TAG.finditer(block):
        starts.append(tag.start())
        prefixes.append(tag.group(1))
    found: dict[tuple[int, int], Special] = {}
    done = -1
    for match in _PREFILTER.finditer(block):
        index = bisect.bisect_right(starts, match.start()) - 1
        if index < 0 or index == done:
            continue                             # before the first cell, or that cell is parsed already
        done = index
        bound = starts[index + 1] if index + 1 < len(starts) else len(block)
        cell = _parse_cell(block, starts[index], bound, prefixes[index], full_calc)
        if cell is not None:
            found.setdefault(*cell)
    return found


def _parse_cell(xml: bytes, start: int, bound: int, prefix: bytes,
                full_calc: bool) -> tuple[tuple[int, int], Special] | None:
    head_end = xml.find(b">", start, bound)
    if head_end < 0:
        return None
    head = xml[start:head_end]
    ref = _REF.search(head)
    if ref is None:
        return None   # cells without r are positional; Excel and common writers always write r
    position = (int(ref.group(2)) - 1, _column_index(ref.group(1)))
    kind = _TYPE.search(head)
    cell_type = kind.group(1) if kind else b"n"
    if xml[head_end - 1] == 0x2F:                # <c .../> has no children
        return None
    end = xml.find(b"</" + prefix + b"c>", head_end, bound)
    body = xml[head_end + 1:end if end >= 0 else bound]
    formula = re.search(rb"<" + re.escape(prefix) + rb"f\b[^>]*?(?:/>|>(.*?)</" + re.escape(prefix) + rb"f>)",
                        body, re.DOTALL)
    value = re.search(rb"<" + re.escape(prefix) + rb"v\b[^>]*?(?:/>|>(.*?)</" + re.escape(prefix) + rb"v>)",
                      body, re.DOTALL)
    value_text = value.group(1) if value and value.group(1) else b""
    if cell_type == b"e" and value_text:
        return position, Special("CELL_ERROR", _unescape(value_text))
    if formula is None:
        return None
    shown = "=" + _unescape(formula.group(1)) if formula.group(1) else "=（共享公式）"
    # Excel stores an empty-string result as t="str" with an empty <v>; anything
    # else without a <v> text has never been computed.
    no_value = value is None or (not value_text and cell_type not in (b"str", b"inlineStr"))
    if no_value or full_calc:
        return position, Special("FORMULA_WITHOUT_VALUE", shown)
    return None


def special_detail(special: Special, full_calc: bool) -> dict[str, object]:
    if special.code != "FORMULA_WITHOUT_VALUE":
        return {}
    if full_calc:
        return {"detail": "生成该文件的程序要求打开时重新计算全部公式（fullCalcOnLoad），文件中保存的结果不可信",
                "detail_en": "the program that wrote the file asked for a full recalculation on load "
                             "(fullCalcOnLoad), so stored results cannot be trusted"}
    return {"detail": "文件中没有保存它的计算结果（文件可能由程序生成、从未在 Excel 中打开保存）",
            "detail_en": "the file holds no computed value for it (written by a program and never saved by Excel?)"}


