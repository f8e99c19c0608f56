"""One linear pass over a sheet's XML before calamine reads it: limits, and what calamine cannot tell.

calamine builds a *dense* range from the first to the last cell and gives every
cell its own copy of its shared string, in Rust, where a failed allocation aborts
the process. So before it runs, the sheet XML is inflated here block by block
(bounded by `limits.MAX_SHEET_XML_BYTES`) and each block is measured with C-speed
byte searches: cells written, the farthest cell, the text the cells will copy.
The same pass collects what calamine does not report: hidden rows (and whether an
AutoFilter is active), cells with a percent number format, formula cells without
a cached value and Excel error cells.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from engine.input import limits
from engine.input.xlsx_cells import Special, column_letter, maybe_special, specials_in

_P = rb"<(?:[A-Za-z_][\w.\-]*:)?"                       # an element, with or without a namespace prefix
_CELL_OPEN = re.compile(_P + rb"c[\s>]")
_CELL_EMPTY = re.compile(_P + rb"c(?:\s[^>]*)?/>")
_CELL_REF = re.compile(_P + rb'c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
_CELL_REF_FAST = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*(?<!/)>')
_CELL_EMPTY_FAST = re.compile(rb"<c [^>]*/>")
_ROW_REF = re.compile(_P + rb'row\s[^>]*?\br="([0-9]{1,9})"')
_HIDDEN_ROW = re.compile(_P + rb'row\s[^>]*?\bhidden="(?:1|true)"[^>]*>')
_R_ATTR = re.compile(rb'\br="([0-9]{1,9})"')
_STYLED_REF = re.compile(_P + rb'c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?\bs="([0-9]+)"')
_STRING_INDEX = re.compile(rb't="s"[^>]*>\s*' + _P + rb"v>\s*([0-9]{1,10})\s*<")
_STRING_INDEX_FAST = re.compile(rb't="s"><v>([0-9]{1,10})</v>')
_SI = re.compile(_P + rb"si[\s>/]")
_FILTER = re.compile(_P + rb"filterColumn[\s>/]")
_MAX_CARRY = 16 << 20       # a single row longer than this is scanned in pieces


class ScanLimit(Exception):
    """A limit was passed; `code` and the fields say which and where (see grid.limit_issue)."""

    def __init__(self, code: str, **fields: object):
        super().__init__(code)
        self.code, self.fields = code, fields


@dataclass
class SheetScan:
    cells: int = 0                          # cells with content (self-closing empty cells skipped)
    text_bytes: int = 0                     # shared-string text the cells copy, in UTF-8 bytes
    last_row: tuple[int, str] = (-1, "")    # (0-based row, ref) of the lowest cell with content
    last_col: tuple[int, str] = (-1, "")    # (0-based column, ref) of the rightmost one
    hidden_rows: set[int] = field(default_factory=set)        # 0-based rows with hidden="1"
    filter_active: bool = False             # an AutoFilter with a condition: hidden rows are filtered out
    percent: set[tuple[int, int]] = field(default_factory=set)  # (row0, col0) with a percent format
    specials: dict[tuple[int, int], Special] = field(default_factory=dict)


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters:
        index = index * 26 + (char - 64)
    return index - 1


def _blocks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut inflated chunks at row ends, so no cell is split between two blocks."""
    carry = b""
    for chunk in chunks:
        buffer = carry + chunk
        cut = buffer.rfind(b"row>")
        if cut < 0 and len(buffer) > _MAX_CARRY:
            tag = buffer.rfind(b"<")          # no row end for 16 MB: cut before the last tag
            cut = (tag if tag > 0 else len(buffer)) - 4
        if cut < 0:
            carry = buffer
            continue
        yield buffer[:cut + 4]
        carry = buffer[cut + 4:]
    if carry:
        yield carry


def scan_sheet(chunks: Iterable[bytes], *, string_lengths: list[int], percent_styles: frozenset[int],
               full_calc: bool, max_rows: int, max_columns: int) -> SheetScan:
    """Measure the sheet block by block; raise ScanLimit as soon as a limit is passed."""
    scan = SheetScan()
    for block in _blocks(chunks):
        _measure(scan, block)
        if scan.cells > limits.MAX_SHEET_CELLS:
            raise ScanLimit("TOO_MANY_CELLS", value=f"{scan.cells}+", limit=limits.MAX_SHEET_CELLS)
        _strings(scan, block, string_lengths)
        if b"hidden=" in block:
            for match in _HIDDEN_ROW.finditer(block):
                number = _R_ATTR.search(match.group(0))
                if number:
                    scan.hidden_rows.add(int(number.group(1)) - 1)
        if b"autoFilter" in block and _FILTER.search(block):
            scan.filter_active = True
        if percent_styles:
            for letters, digits, style in _STYLED_REF.findall(block):
                if int(style) in percent_styles:
                    scan.percent.add((int(digits) - 1, _column_index(letters)))
        if maybe_special(block):
            for position, special in specials_in(block, full_calc).items():
                scan.specials.setdefault(position, special)
        _check_extent(scan, max_rows, max_columns)
    return scan


def _measure(scan: SheetScan, block: bytes) -> None:
    """Count the cells with content and find the farthest, at C speed for the way Excel writes them
    (`<c r="B7" ...>`: r first, no namespace prefix); other spellings take the general regexes."""
    opened = block.count(b"<c ") + block.count(b"<c>")
    plain = opened == block.count(b'<c r="') and b":c " not in block and b":c>" not in block
    if not plain:
        _measure_general(scan, block)
        return
    empty = len(_CELL_EMPTY_FAST.findall(block)) if b"/>" in block else 0
    scan.cells += max(opened - empty, 0)
    if not opened or scan.cells > limits.MAX_SHEET_CELLS:
        return                                  # nothing to measure, or refused anyway
    row = _last_row_fast(block)
    if row is not None and int(row[1]) - 1 > scan.last_row[0]:
        scan.last_row = (int(row[1]) - 1, (row[0] + row[1]).decode())
    col = _last_col_fast(block)
    if col is not None and _column_index(col[0]) > scan.last_col[0]:
        scan.last_col = (_column_index(col[0]), (col[0] + col[1]).decode())


def _last_row_fast(block: bytes) -> tuple[bytes, bytes] | None:
    """(letters, digits) of a cell with content on the lowest row. Row numbers of one length
    compare as bytes like numbers, so: the length of the row tags' numbers (one per row), a
    check that no cell has a longer one, then the largest of that length."""
    tags = _ROW_TAG_FAST.findall(block)
    length = max(map(len, tags)) if tags else 7
    lengths = range(7, 0, -1) if length >= 7 or _ROW_LONGER[length].search(block) else range(length, 0, -1)
    for digits in lengths:
        rows = _ROW_OF_LENGTH[digits].findall(block)
        if rows:
            best = max(rows)
            letters = re.search(rb'<c r="([A-Z]{1,3})' + best + rb'"', block)
            return (letters.group(1) if letters else b""), best
    return None


def _last_col_fast(block: bytes) -> tuple[bytes, bytes] | None:
    """(letters, digits) of a cell with content in the rightmost column: the distinct column
    letters of all cells (one findall, a set), rightmost first, the first one holding content."""
    for letters in sorted(set(_COLUMN_FAST.findall(block)), key=_column_index, reverse=True):
        found = re.search(rb'<c r="' + letters + rb'([0-9]{1,7})' + _CONTENT_END, block)
        if found:
            return letters, found.group(1)
    return None


def _measure_general(scan: SheetScan, block: bytes) -> None:
    written = len(_CELL_OPEN.findall(block)) - len(_CELL_EMPTY.findall(block))
    scan.cells += max(written, 0)
    refs = _CELL_REF.findall(block)
    if len(refs) < written:                     # cells without r sit in their row tag's row
        rows = _ROW_REF.findall(block)
        if rows:
            row = max(map(int, set(rows))) - 1
            if row > scan.last_row[0]:
                scan.last_row = (row, f"第{row + 1}行")
    if not refs:
        return
    by_row = max(refs, key=lambda ref: int(ref[1]))
    if int(by_row[1]) - 1 > scan.last_row[0]:
        scan.last_row = (int(by_row[1]) - 1, (by_row[0] + by_row[1]).decode())
    by_col = max(refs, key=lambda ref: _column_index(ref[0]))
    if _column_index(by_col[0]) > scan.last_col[0]:
        scan.last_col = (_column_index(by_col[0]), (by_col[0] + by_col[1]).decode())


_CONTENT_END = rb'"[^>]*(?<!/)>'            # the rest of a start tag that is not self-closing
_ROW_OF_LENGTH = {n: re.compile(rb'<c r="[A-Z]{1,3}([0-9]{%d})' % n + _CONTENT_END) for n in range(1, 8)}
_ROW_LONGER = {n: re.compile(rb'<c r="[A-Z]{1,3}[0-9]{%d}' % (n + 1)) for n in range(1, 7)}
_ROW_TAG_FAST = re.compile(rb'<row r="([0-9]{1,9})"')
_COLUMN_FAST = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')


def _strings(scan: SheetScan, block: bytes, lengths: list[int]) -> None:
    strings = block.count(b't="s"')
    if not strings:
        return
    indices = _STRING_INDEX_FAST.findall(block)
    if len(indices) != strings:
        indices = _STRING_INDEX.findall(block)
    try:
        scan.text_bytes += sum(map(lengths.__getitem__, map(int, indices)))
    except IndexError:                          # an index past the table: calamine reports the damage
        scan.text_bytes += sum(lengths[i] for i in map(int, indices) if i < len(lengths))
    if scan.text_bytes > limits.MAX_SHEET_TEXT_BYTES:
        raise ScanLimit("FILE_TOO_LARGE", value=f"{scan.text_bytes}+", limit=limits.MAX_SHEET_TEXT_BYTES,
                        what="text")


def _check_extent(scan: SheetScan, max_rows: int, max_columns: int) -> None:
    """Columns, rows, then the dense area calamine would allocate, each naming the farthest cell."""
    col, col_ref = scan.last_col
    row, row_ref = scan.last_row
    if col + 1 > max_columns:
        raise ScanLimit("TOO_MANY_COLUMNS", value=str(col + 1), letter=column_letter(col), cell=col_ref,
                        limit=max_columns)
    if row > max_rows:                          # rows below the first (the header), as calamine counts them
        raise ScanLimit("TOO_MANY_ROWS", value=str(row), cell=row_ref, limit=max_rows)
    area = (row + 1) * (col + 1)
    if area > limits.MAX_SHEET_CELLS:
        cells = row_ref if row_ref == col_ref else f"{row_ref}、{col_ref}"
        raise ScanLimit("STRAY_CELL", value=cells, rows=row + 1, columns=col + 1, area=area,
                        limit=limits.MAX_SHEET_CELLS)


# --------------------------------------------------------------------------
# The workbook-wide parts a sheet scan needs: shared string sizes, percent styles
# --------------------------------------------------------------------------

def shared_string_lengths(chunks: Iterable[bytes]) -> list[int]:
    """Bytes of XML per shared string (an upper bound on its text), in table order."""
    lengths: list[int] = []
    carry = b""
    first = True
    for chunk in chunks:
        pieces = _SI.split(carry + chunk)
        carry = pieces.pop()
        if first and pieces:
            pieces.pop(0)                   # what precedes the first <si> is not a string
            first = False
        lengths.extend(map(len, pieces))
    if carry and not first:
        lengths.append(len(carry))
    return lengths


_PERCENT_BUILTIN = {9, 10}                      # 0% and 0.00%
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def percent_styles(styles_xml: bytes | None) -> frozenset[int]:
    """Indexes of the cell formats (cellXfs) whose number format shows a percent."""
    if not styles_xml:
        return frozenset()
    root = ET.fromstring(styles_xml)
    percent_ids = set(_PERCENT_BUILTIN)
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "numFmt":
            code = _QUOTED.sub("", element.get("formatCode", ""))
            if "%" in code and element.get("numFmtId", "").isdigit():
                percent_ids.add(int(element.get("numFmtId", "0")))
    found: set[int] = set()
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] == "cellXfs":
            for index, xf in enumerate(child for child in element if child.tag.rsplit("}", 1)[-1] == "xf"):
                if xf.get("numFmtId", "0").isdigit() and int(xf.get("numFmtId", "0")) in percent_ids:
                    found.add(index)
    return frozenset(found)
