"""Read the input workbook (SPEC sections 4 and 6) into typed tables, or say exactly why not.

Design, for speed and for honesty:

* python-calamine reads cell values (about ten times faster than openpyxl);
* what calamine cannot tell is read straight from the sheet XML inside the zip:
  formula cells with no cached value and Excel error cells (calamine shows both
  as empty). A cheap streaming pre-scan skips this for sheets without formulas;
* merged ranges and sheet visibility come from calamine;
* `validate.py` normalises every cell and runs the cross-row checks.

Every problem becomes an `InputIssue`; strict mode raises `InputError` once,
after every sheet was read. The input file is only ever opened for reading.
"""
from __future__ import annotations

import bisect
import contextlib
import hashlib
import io
import operator
import os
import posixpath
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import python_calamine

from engine.input.issues import CODES, InputError, InputIssue, make_issue, shorten
from engine.input.sheets import SHEETS, ColumnSpec, Kind, SheetSpec
from engine.input.validate import INVALID, Problem, SheetData, check_across, display_value, normalise_sheet, skipped_indices
from engine.xlsx_safe import safe_cell

GUIDE_SHEET = "说明"               # the guide sheet `scorecard template` writes first
MAX_FILE_BYTES = 1 << 30          # 1 GiB: larger inputs are not an annual scorecard
MAX_SHEET_XML_BYTES = 2 << 30     # zip-bomb guard before calamine inflates a sheet


@dataclass
class Workbook:
    path: Path
    fingerprint: str                      # sha256 hex of the file bytes
    tables: dict[str, pd.DataFrame]       # key = SheetSpec.en, only for sheets present in the file
    absent_sheets: list[str]              # SheetSpec.en of contract sheets not in the file
    extra_sheets: list[str]               # sheet names in the file not in the contract (listed, ignored)
    extra_columns: dict[str, list[str]]   # sheet en -> header names not in the contract
    issues: list[InputIssue]              # every note, and in lenient mode the errors of skipped rows
    skipped_rows: dict[str, list[int]]    # sheet en -> Excel row numbers skipped (lenient mode)
    rows_in_sheet: dict[str, int]         # sheet en -> data rows in the sheet (non-blank rows below the header)
    # sheet en -> for each skipped row, its Excel row and whichever key cells were readable
    # (year, leader_id, unit, round), so results can say what a skipped row leaves unevaluated
    skipped_keys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


class _Fatal(Exception):
    """Internal: reading cannot go on; carries the issue that says why."""

    def __init__(self, issue: InputIssue):
        super().__init__(issue.code)
        self.issue = issue


# --------------------------------------------------------------------------
# Opening the file: bytes, format sniffing, zip and calamine
# --------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
               NotImplementedError, RuntimeError, ValueError, KeyError)


def _not_xlsx(file: str, label: str, zh: str, en: str) -> _Fatal:
    return _Fatal(make_issue("NOT_XLSX", file=file, value=label, detail=zh, detail_en=en,
                             expected="Excel 工作簿（.xlsx）", expected_en="an Excel workbook (.xlsx)"))


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        if not path.exists():
            raise _Fatal(make_issue("FILE_NOT_FOUND", file=name, value=name,
                                    detail="路径不存在", detail_en="no such path"))
        if not path.is_file():
            raise _Fatal(make_issue("FILE_NOT_FOUND", file=name, value=name,
                                    detail="这是一个文件夹或特殊文件，不是普通文件",
                                    detail_en="it is a directory or special file, not a regular file"))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Fatal(make_issue("FILE_TOO_LARGE", file=name, value=str(size),
                                    detail=f"文件有 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节",
                                    detail_en=f"the file has {size} bytes, more than {MAX_FILE_BYTES}"))
        with path.open("rb") as handle:     # read-only: the input is never modified
            return handle.read()
    except PermissionError as exc:
        raise _Fatal(make_issue("FILE_UNREADABLE", file=name, value=name,
                                detail=f"没有读取权限（{exc.strerror}）",
                                detail_en=f"permission denied ({exc.strerror})")) from None
    except OSError as exc:
        raise _Fatal(make_issue("FILE_UNREADABLE", file=name, value=name,
                                detail=f"操作系统报告错误：{exc.strerror or exc}",
                                detail_en=f"the operating system reported: {exc.strerror or exc}")) from None


def _sniff_non_zip(data: bytes, file: str) -> _Fatal:
    """Name the format of a file that is not a zip, as precisely as the bytes allow."""
    if not data:
        return _not_xlsx(file, "empty", "文件是空的（0 字节）", "the file is empty (0 bytes)")
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, file)
    head = data[:4096]
    text = _as_text(head)
    if text is None:
        return _not_xlsx(file, "unknown", "无法识别的文件格式（既不是 Excel 工作簿，也不是文本）",
                         "unrecognised format (neither an Excel workbook nor text)")
    lowered = text.lstrip().lower()
    if lowered.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return _not_xlsx(file, "xml2003", "这是 Excel 2003 XML 表格，请在 Excel 中“另存为” Excel 工作簿（*.xlsx）",
                         "this is an Excel 2003 XML spreadsheet; save it as an Excel workbook (*.xlsx)")
    if lowered.startswith("<") and ("<html" in lowered or "<table" in lowered):
        return _not_xlsx(file, "html", "这是网页（HTML）文件，只是扩展名是 Excel 的；请在 Excel 中打开后“另存为” Excel 工作簿（*.xlsx）",
                         "this is a web page (HTML) with an Excel file name; open it in Excel and "
                         "save it as an Excel workbook (*.xlsx)")
    return _not_xlsx(file, "csv", "这是文本/CSV 文件，只是扩展名被改成了 Excel 的；请在 Excel 中打开后“另存为” Excel 工作簿（*.xlsx）",
                     "this is a text/CSV file renamed to an Excel name; open it in Excel and save it "
                     "as an Excel workbook (*.xlsx)")


def _as_text(head: bytes) -> str | None:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _sniff_ole(data: bytes, file: str) -> _Fatal:
    # An OLE compound file: Office stores a password-protected .xlsx this way
    # (streams EncryptionInfo + EncryptedPackage); an old .xls has a Workbook stream.
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return _not_xlsx(file, "encrypted",
                         "工作簿设置了打开密码（文件已加密），无法读取；请在 Excel 中取消密码"
                         "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新保存为 .xlsx",
                         "the workbook is password-protected (encrypted) and cannot be read; remove the "
                         "password in Excel (File > Info > Protect Workbook > Encrypt with Password) and save again")
    if has("Workbook") or has("Book"):
        return _not_xlsx(file, "xls", "这是旧版 Excel 97-2003 工作簿（.xls）；请在 Excel 中“另存为” Excel 工作簿（*.xlsx）",
                         "this is an old Excel 97-2003 workbook (.xls); save it as an Excel workbook (*.xlsx)")
    return _not_xlsx(file, "ole", "这是 Office 97-2003 复合文档（如 .doc），不是 Excel 工作簿",
                     "this is an Office 97-2003 compound document (e.g. .doc), not an Excel workbook")


def _open_zip(data: bytes, file: str) -> zipfile.ZipFile:
    if not data.startswith(_ZIP_MAGICS):
        raise _sniff_non_zip(data, file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except _ZIP_ERRORS:
        raise _not_xlsx(file, "corrupt", "文件已损坏（zip 结构不完整，可能下载或复制没有完成）",
                        "the file is corrupt (incomplete zip structure; an unfinished download or copy?)") from None
    if "xl/workbook.xml" in names:
        return archive
    if "xl/workbook.bin" in names:
        raise _not_xlsx(file, "xlsb", "这是 Excel 二进制工作簿（.xlsb）；请“另存为” Excel 工作簿（*.xlsx）",
                        "this is an Excel binary workbook (.xlsb); save it as an Excel workbook (*.xlsx)")
    if "mimetype" in names and "content.xml" in names:
        raise _not_xlsx(file, "ods", "这是 OpenDocument 表格（.ods）；请“另存为” Excel 工作簿（*.xlsx）",
                        "this is an OpenDocument spreadsheet (.ods); save it as an Excel workbook (*.xlsx)")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise _not_xlsx(file, "office", "这是 Word 或 PowerPoint 文件，不是 Excel 工作簿",
                        "this is a Word or PowerPoint file, not an Excel workbook")
    raise _not_xlsx(file, "zip", "这是 zip 压缩包，不是 Excel 工作簿（缺少 xl/workbook.xml）",
                    "this is a zip archive, not an Excel workbook (no xl/workbook.xml)")


def _corrupt(file: str, what: str) -> _Fatal:
    return _not_xlsx(file, "corrupt", f"文件已损坏，无法读取（{what}）", f"the file is corrupt and cannot be read ({what})")


def _is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic inside calamine into PanicException, a BaseException
    # subclass that cannot be imported; recognise it by name, nothing broader.
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def _calamine_errors(file: str, what: str) -> Iterator[None]:
    """Map calamine's failures on a damaged file (errors, or a Rust panic) to NOT_XLSX."""
    try:
        yield
    except python_calamine.PasswordError:
        raise _not_xlsx(file, "encrypted", "工作簿设置了密码，无法读取；请取消密码后重新保存",
                        "the workbook is password-protected; remove the password and save again") from None
    except python_calamine.CalamineError as exc:
        raise _corrupt(file, f"{what}：{str(exc)[:200]}") from None
    except BaseException as exc:
        if _is_panic(exc):
            raise _corrupt(file, f"{what}：calamine {str(exc)[:200]}") from None
        raise


def _open_calamine(data: bytes, file: str) -> python_calamine.CalamineWorkbook:
    with _calamine_errors(file, "工作簿"):
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


@dataclass
class _BookXml:
    """What the workbook XML says that calamine does not: sheet XML paths, calc mode."""

    paths: dict[str, str]       # sheet name -> zip member path
    full_calc_on_load: bool     # the writer asked Excel to recompute: cached values untrusted


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: ET.Element, local: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == local:
            return value
    return None


def _book_xml(archive: zipfile.ZipFile, file: str) -> _BookXml:
    try:
        root = ET.fromstring(archive.read("xl/workbook.xml"))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = ET.fromstring(archive.read(rels_name)) if rels_name in archive.namelist() else None
    except (ET.ParseError, *_ZIP_ERRORS):
        raise _corrupt(file, "xl/workbook.xml") from None
    targets: dict[str, str] = {}
    for rel in rels.iter() if rels is not None else ():
        if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[rel.get("Id", "")] = path
    paths: dict[str, str] = {}
    full_calc = False
    for element in root.iter():
        name = _local(element.tag)
        if name == "sheet" and element.get("name") is not None:
            rid = _attr(element, "id")
            if rid in targets:
                paths[element.get("name", "")] = targets[rid]
        elif name == "calcPr":
            full_calc = element.get("fullCalcOnLoad") in ("1", "true")
    return _BookXml(paths, full_calc)


# --------------------------------------------------------------------------
# Cells calamine shows as empty: formulas without cached value, Excel errors
# --------------------------------------------------------------------------

_PREFILTER = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?f[\s>/]|\st\s*=\s*[\"']e[\"']")
_CELL_TAG = re.compile(rb"<((?:[A-Za-z_][\w.\-]*:)?)c[\s>/]")
_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{1,3})(\d{1,7})[\"']")
_TYPE = re.compile(rb"\st\s*=\s*[\"'](\w+)[\"']")
_HAS_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(?:v|is)[\s>]")
_CHUNK = 8 << 20


@dataclass(frozen=True)
class _Special:
    code: str          # FORMULA_WITHOUT_VALUE or CELL_ERROR
    shown: str         # the formula or error text


def _stream_any(archive: zipfile.ZipFile, member: str, found: Callable[[bytes], bool]) -> bool:
    """Test a zip member chunk by chunk without holding it whole (big sheets rarely match);
    each test sees the previous chunk's last 256 bytes too, so a match across a boundary counts."""
    tail = b""
    with archive.open(member) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                return False
            if found(tail + chunk):
                return True
            tail = chunk[-256:]


def _stream_has(archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes]) -> bool:
    return _stream_any(archive, member, lambda data: pattern.search(data) is not None)


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


def _maybe_special(chunk: bytes) -> bool:
    """Cheap substring test (memchr speed) before the exact regex: most sheets have no formulas."""
    return b"<f" in chunk or b":f" in chunk or b'"e"' in chunk or b"'e'" in chunk


def _stream_maybe_special(archive: zipfile.ZipFile, member: str) -> bool:
    return _stream_any(archive, member, _maybe_special)


def _scan_specials(archive: zipfile.ZipFile, member: str, full_calc: bool) -> dict[tuple[int, int], _Special]:
    """(row0, col0) -> special, for formula cells without a trustworthy cached value and error cells."""
    if not _stream_maybe_special(archive, member):
        return {}
    xml = archive.read(member)
    found: dict[tuple[int, int], _Special] = {}
    for match in _PREFILTER.finditer(xml):
        # Either an <f> tag, whose cell is the tag just before it (f is a cell's first
        # child), or a t="e" attribute inside the cell's own start tag.
        start = xml.rfind(b"<", 0, match.start())
        tag = _CELL_TAG.match(xml, start) if start >= 0 else None
        if tag is None:
            continue                             # t="e" on another element, or <f> outside a cell
        cell = _parse_cell(xml, start, tag.group(1), full_calc)
        if cell is not None:
            position, special = cell
            found.setdefault(position, special)
    return found


def _parse_cell(xml: bytes, start: int, prefix: bytes, full_calc: bool) -> tuple[tuple[int, int], _Special] | None:
    head_end = xml.find(b">", start)
    head = xml[start:head_end]
    ref = _REF.search(head)
    if ref is None:
        return None   # cells without r are positional; Excel and common writers always write r
    position = (int(ref.group(2)) - 1, _column_index(ref.group(1)))
    kind = _TYPE.search(head)
    cell_type = kind.group(1) if kind else b"n"
    if xml[head_end - 1] == 0x2F:                # <c .../> has no children
        return None
    end = xml.find(b"</" + prefix + b"c>", head_end)
    body = xml[head_end + 1:end if end >= 0 else len(xml)]
    formula = re.search(rb"<" + re.escape(prefix) + rb"f\b[^>]*?(?:/>|>(.*?)</" + re.escape(prefix) + rb"f>)", body, re.S)
    value = re.search(rb"<" + re.escape(prefix) + rb"v\b[^>]*?(?:/>|>(.*?)</" + re.escape(prefix) + rb"v>)", body, re.S)
    value_text = value.group(1) if value and value.group(1) else b""
    if cell_type == b"e" and value_text:
        return position, _Special("CELL_ERROR", _unescape(value_text))
    if formula is None:
        return None
    shown = "=" + _unescape(formula.group(1)) if formula.group(1) else "=（共享公式）"
    # Excel stores an empty-string result as t="str" with an empty <v>; anything
    # else without a <v> text has never been computed.
    no_value = value is None or (not value_text and cell_type not in (b"str", b"inlineStr"))
    if no_value or full_calc:
        return position, _Special("FORMULA_WITHOUT_VALUE", shown)
    return None


# --------------------------------------------------------------------------
# Sheet names and headers
# --------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"[\s_\-*]+")
_UNIT_SUFFIX = re.compile(r"[(\[][^()\[\]]*[)\]]$")


def match_key(text: str) -> str:
    """Headers and sheet names compare without white space, width or case differences."""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", text)).casefold()


_SHEET_KEYS: dict[str, SheetSpec] = {}
for _spec in SHEETS:
    _SHEET_KEYS[match_key(_spec.zh)] = _spec
    _SHEET_KEYS[match_key(_spec.en)] = _spec


_COLUMN_KEYS: dict[str, tuple[dict[str, ColumnSpec], dict[str, ColumnSpec]]] = {
    spec.en: ({match_key(c.zh): c for c in spec.columns}, {match_key(c.en): c for c in spec.columns})
    for spec in SHEETS
}


def match_header(text: str, spec: SheetSpec) -> tuple[ColumnSpec | None, bool]:
    """(column, via_alias). Alias = English name, or a unit suffix such as 金额（元）."""
    zh, en = _COLUMN_KEYS[spec.en]
    key = match_key(text)
    if key in zh:
        return zh[key], False
    if key in en:
        return en[key], True
    bare = _UNIT_SUFFIX.sub("", key)
    if bare != key and bare:
        if bare in zh:
            return zh[bare], True
        if bare in en:
            return en[bare], True
    return None, False


def _is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _row_blank(row: list[Any]) -> bool:
    for value in row:
        if value != "" and not (type(value) is str and value.isspace()):
            return False
    return True


# --------------------------------------------------------------------------
# Reading one contract sheet
# --------------------------------------------------------------------------

@dataclass
class _Grid:
    """calamine's used range plus the cells it shows as empty but that are not."""

    rows: list[list[Any]]
    top: int                 # 0-based sheet row of rows[0]
    left: int                # 0-based sheet column of rows[i][0]
    specials: dict[tuple[int, int], _Special]
    merges: list[tuple[tuple[int, int], tuple[int, int]]]

    def cell(self, row: int, col: int) -> Any:
        i, j = row - self.top, col - self.left
        if 0 <= i < len(self.rows):
            line = self.rows[i]
            if 0 <= j < len(line):
                return line[j]
        return ""

    def width_end(self) -> int:
        """One past the last used 0-based column."""
        ends = [self.left + len(r) for r in self.rows[:1]] + [c + 1 for _, c in self.specials]
        return max(ends, default=0)

    def row_end(self) -> int:
        ends = [self.top + len(self.rows)] + [r + 1 for r, _ in self.specials]
        return max(ends)


@dataclass
class _SheetResult:
    data: SheetData
    rows_in_sheet: int
    extra_columns: list[str] = field(default_factory=list)


def _load_grid(book: python_calamine.CalamineWorkbook, name: str, archive: zipfile.ZipFile,
               xml: _BookXml, file: str, max_rows: int, max_columns: int) -> _Grid:
    member = xml.paths.get(name)
    if member is None or member not in archive.namelist():
        raise _corrupt(file, f"找不到工作表“{name}”的内容")
    size = archive.getinfo(member).file_size
    if size > MAX_SHEET_XML_BYTES:
        raise _Fatal(make_issue("FILE_TOO_LARGE", sheet=name, value=str(size),
                                detail=f"工作表解压后有 {size} 字节，超过上限 {MAX_SHEET_XML_BYTES} 字节",
                                detail_en=f"the sheet inflates to {size} bytes, more than {MAX_SHEET_XML_BYTES}"))
    try:
        specials = _scan_specials(archive, member, xml.full_calc_on_load)
    except _ZIP_ERRORS:
        raise _corrupt(file, f"工作表“{name}”") from None
    with _calamine_errors(file, f"工作表“{name}”"):
        sheet = book.get_sheet_by_name(name)
        return _grid_within_limits(sheet, specials, name, max_rows, max_columns)


def _grid_within_limits(sheet: python_calamine.CalamineSheet, specials: dict[tuple[int, int], _Special],
                        name: str, max_rows: int, max_columns: int) -> _Grid:
    """Check the size limits on calamine's used range first, and only then build Python rows."""
    start, end = sheet.start, sheet.end
    first_row = min(([start[0]] if start else []) + [r for r, _ in specials], default=0)
    last_row = max(([end[0]] if end else []) + [r for r, _ in specials], default=-1)
    last_col = max(([end[1]] if end else []) + [c for _, c in specials], default=-1)
    if last_col + 1 > max_columns:
        raise _Fatal(make_issue("TOO_MANY_COLUMNS", sheet=name, value=str(last_col + 1),
                                expected=str(max_columns), letter=column_letter(last_col)))
    if last_row - first_row > max_rows:
        raise _Fatal(make_issue("TOO_MANY_ROWS", sheet=name, value=str(last_row - first_row),
                                expected=str(max_rows)))
    rows = sheet.to_python() if start else []
    return _Grid(rows, start[0] if start else 0, start[1] if start else 0, specials,
                 list(sheet.merged_cell_ranges or []))


def _read_sheet(grid: _Grid, spec: SheetSpec, name: str, full_calc: bool) -> _SheetResult:
    data = SheetData(spec=spec, name=name)
    header = _find_header(grid)
    if header is None:
        data.issues.append(make_issue("EMPTY_SHEET", sheet=name))
        return _SheetResult(data, 0)
    if header > 0:
        data.issues.append(make_issue("BLANK_ROWS_BEFORE_HEADER", sheet=name, row=header + 1, count=header))
    columns, extras = _map_header(grid, header, spec, data, full_calc)
    kept = _data_rows(grid, header)
    data.rows = [r + 1 for r in kept]
    data.present = set(columns)
    if not kept:
        data.issues.append(make_issue("NO_DATA_ROWS", sheet=name, row=header + 1))
    lines = _kept_lines(grid, kept)
    _unnamed_columns(grid, header, kept, lines, columns, extras, data)
    for en, col in columns.items():
        data.raw[en] = _column_cells(grid, lines, col)
    normalise_sheet(data, _cell_specials(grid, header, kept, columns, full_calc))
    return _SheetResult(data, len(kept), [text for _, text in extras])


def _find_header(grid: _Grid) -> int | None:
    """0-based row of the header: the first row holding anything."""
    candidates = [r for r, _ in grid.specials]
    for i, row in enumerate(grid.rows):
        if not _row_blank(row):
            candidates.append(grid.top + i)
            break
    return min(candidates, default=None)


def _map_header(grid: _Grid, header: int, spec: SheetSpec, data: SheetData,
                full_calc: bool) -> tuple[dict[str, int], list[tuple[int, str]]]:
    """Contract column en -> 0-based sheet column; plus the extra (column, header text) pairs."""
    name = data.name
    columns: dict[str, int] = {}
    texts: dict[str, str] = {}
    extras: list[tuple[int, str]] = []
    structural: list[InputIssue] = []
    for col in range(0, grid.width_end()):
        special = grid.specials.get((header, col))
        if special is not None:
            structural.append(make_issue(special.code, sheet=name, row=header + 1, column=column_letter(col),
                                         value=special.shown, expected="表头文字", expected_en="header text",
                                         **_special_detail(special, full_calc)))
            continue
        raw = grid.cell(header, col)
        if _is_blank(raw):
            continue
        text = display_value(raw)
        match, via_alias = match_header(text, spec)
        if match is None:
            extras.append((col, text.strip()))
            data.issues.append(make_issue("EXTRA_COLUMN", sheet=name, row=header + 1, value=text,
                                          letter=column_letter(col)))
        elif match.en in columns:
            first = columns[match.en]
            structural.append(make_issue("DUPLICATE_COLUMN", sheet=name, row=header + 1, column=match.zh,
                                         column_en=match.en, value=text, letter=column_letter(col),
                                         other_letter=column_letter(first), other_value=texts[match.en]))
        else:
            columns[match.en] = col
            texts[match.en] = text
            if via_alias:
                data.issues.append(make_issue("HEADER_ALIAS", sheet=name, row=header + 1, column=match.zh,
                                              column_en=match.en, value=text, letter=column_letter(col)))
    structural += _merged_header(grid, header, columns, spec, name)
    structural += _missing_columns(grid, header, columns, spec, name)
    data.issues.extend(i for i in structural)
    data.structural = any(i.severity == "error" for i in structural)
    return columns, extras


def _merged_header(grid: _Grid, header: int, columns: dict[str, int], spec: SheetSpec,
                   name: str) -> list[InputIssue]:
    by_col = {c: spec.column(en) for en, c in columns.items()}
    issues = []
    for (r1, c1), (r2, c2) in grid.merges:
        if r1 <= header <= r2:
            col = by_col.get(c1)
            ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
            issues.append(make_issue("MERGED_HEADER", sheet=name, row=header + 1,
                                     column=col.zh if col else None, column_en=col.en if col else None,
                                     value=ref))
    return issues


def _missing_columns(grid: _Grid, header: int, columns: dict[str, int], spec: SheetSpec,
                     name: str) -> list[InputIssue]:
    if not columns:
        hint, hint_en = _header_hint(grid, header, spec)
        names = "、".join(c.zh for c in spec.columns if c.required)
        return [make_issue("HEADER_NOT_FOUND", sheet=name, row=header + 1, expected=names,
                           expected_en=", ".join(c.en for c in spec.columns if c.required),
                           hint=hint, hint_en=hint_en)]
    issues = []
    for col in spec.columns:
        if col.en in columns:
            continue
        if col.required:
            issues.append(make_issue("MISSING_COLUMN", sheet=name, column=col.zh, column_en=col.en,
                                     required="必填", required_en="required",
                                     expected=f"{col.zh}（{col.en}）",
                                     detail=f"请在表头（第{header + 1}行）加入“{col.zh}”列",
                                     detail_en=f"add a \"{col.zh}\" column to the header (row {header + 1})"))
        else:
            issues.append(make_issue("MISSING_COLUMN", sheet=name, column=col.zh, column_en=col.en,
                                     severity="note", required="选填", required_en="optional",
                                     expected=f"{col.zh}（{col.en}）",
                                     detail="该列按全部为空处理", detail_en="the column is read as all blank"))
    return issues


def _header_hint(grid: _Grid, header: int, spec: SheetSpec) -> tuple[str, str]:
    """If a row a little lower looks like the header, a title row sits above it: say so."""
    for row in range(header + 1, min(header + 11, grid.row_end())):
        hits = 0
        for col in range(grid.width_end()):
            raw = grid.cell(row, col)
            if not _is_blank(raw) and match_header(display_value(raw), spec)[0] is not None:
                hits += 1
        if hits >= 2:
            return (f"第{row + 1}行看起来才是表头：请删除其上方的标题行，使表头位于第一行。",
                    f" Row {row + 1} looks like the header: delete the title rows above it.")
    return "", ""


def _data_rows(grid: _Grid, header: int) -> list[int]:
    """0-based sheet rows below the header that hold anything (blank rows are not data)."""
    special_rows = {r for r, _ in grid.specials if r > header}
    kept = []
    first = header + 1 - grid.top
    for i in range(max(first, 0), len(grid.rows)):
        row = grid.top + i
        if not _row_blank(grid.rows[i]) or row in special_rows:
            kept.append(row)
    # Formula/error cells calamine left out of its range lie above or below it.
    before = sorted(r for r in special_rows if r < grid.top)
    beyond = sorted(r for r in special_rows if r >= grid.top + len(grid.rows))
    return before + kept + beyond


def _kept_lines(grid: _Grid, kept: list[int]) -> list[list[Any]]:
    """The grid rows of the kept sheet rows, padded to one width so columns slice with itemgetter."""
    width = grid.width_end() - grid.left
    blank = [""] * width
    rows, top, count = grid.rows, grid.top, len(grid.rows)
    lines = []
    for r in kept:
        i = r - top
        line = rows[i] if 0 <= i < count else blank
        lines.append(line if len(line) == width else (line + blank)[:width])
    return lines


def _column_cells(grid: _Grid, lines: list[list[Any]], col: int) -> list[Any]:
    j = col - grid.left
    if j < 0 or not lines or j >= len(lines[0]):
        return [""] * len(lines)
    return list(map(operator.itemgetter(j), lines))


def _special_detail(special: _Special, full_calc: bool) -> dict[str, object]:
    if special.code != "FORMULA_WITHOUT_VALUE":
        return {}
    if full_calc:
        return {"detail": "生成该文件的程序要求打开时重新计算全部公式（fullCalcOnLoad），文件中保存的结果不可信",
                "detail_en": "the program that wrote the file asked for a full recalculation on load "
                             "(fullCalcOnLoad), so stored results cannot be trusted"}
    return {"detail": "文件中没有保存它的计算结果（文件可能由程序生成、从未在 Excel 中打开保存）",
            "detail_en": "the file holds no computed value for it (written by a program and never saved by Excel?)"}


def _cell_specials(grid: _Grid, header: int, kept: list[int], columns: dict[str, int],
                   full_calc: bool) -> dict[tuple[int, str], Problem]:
    """(data index, column en) -> the problem that overrides the cell's own value."""
    index_of = {r: i for i, r in enumerate(kept)}
    en_of = {c: en for en, c in columns.items()}
    out: dict[tuple[int, str], Problem] = {}
    for (r, c), special in grid.specials.items():
        if r in index_of and c in en_of:
            out[(index_of[r], en_of[c])] = (special.code, {"shown": special.shown,
                                                           **_special_detail(special, full_calc)})
    for (r1, c1), (r2, c2) in grid.merges:
        if r2 <= header:
            continue
        ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
        lo, hi = bisect.bisect_left(kept, max(r1, header + 1)), bisect.bisect_right(kept, r2)
        for r in kept[lo:hi]:
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and c in en_of:
                    out.setdefault((index_of[r], en_of[c]), ("MERGED_CELL", {"range": ref}))
    return out


def _unnamed_columns(grid: _Grid, header: int, kept: list[int], lines: list[list[Any]],
                     columns: dict[str, int], extras: list[tuple[int, str]], data: SheetData) -> None:
    """Note data sitting in columns without a header: ignored, but never silently."""
    named = set(columns.values()) | {c for c, _ in extras}
    for col in range(grid.width_end()):
        if col in named or (header, col) in grid.specials:
            continue
        cells = _column_cells(grid, lines, col)
        if cells.count("") == len(cells):       # the usual case, decided at C speed
            continue
        for r, raw in zip(kept, cells):
            if not _is_blank(raw):
                data.issues.append(make_issue("UNNAMED_COLUMN", sheet=data.name, row=header + 1,
                                              value=display_value(raw), letter=column_letter(col),
                                              first_row=r + 1))
                break


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

def _dtype(col: ColumnSpec) -> str:
    if col.required and col.kind in (Kind.YEAR, Kind.RANK, Kind.ROUND):
        return "int64"
    if col.required and col.kind in (Kind.POINTS, Kind.AMOUNT):
        return "float64"
    if col.required and col.kind is Kind.FLAG:
        return "bool"
    return "object"


def _table(data: SheetData, keep: list[int]) -> pd.DataFrame:
    everything = len(keep) == len(data.rows)
    columns: dict[str, pd.Series] = {}
    for col in data.spec.columns:
        values = data.values.get(col.en, [None] * len(data.rows))
        picked = values if everything else [values[i] for i in keep]
        if INVALID in picked:     # cannot happen: every INVALID cell has an error, so its row is dropped
            raise AssertionError(f"invalid cell kept in {data.spec.en}.{col.en}")
        columns[col.en] = pd.Series(picked, dtype=_dtype(col))
    rows = data.rows if everything else [data.rows[i] for i in keep]
    columns["_row"] = pd.Series(rows, dtype="int64")
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------
# The whole workbook
# --------------------------------------------------------------------------

def _match_sheets(book: python_calamine.CalamineWorkbook
                  ) -> tuple[dict[str, tuple[str, Any]], list[str], list[InputIssue]]:
    """Contract en -> (name in file, visibility); extra sheet names; notes."""
    matched: dict[str, tuple[str, Any]] = {}
    extras: list[str] = []
    issues: list[InputIssue] = []
    for meta in book.sheets_metadata:
        spec = _SHEET_KEYS.get(match_key(meta.name))
        if spec is None and match_key(meta.name) == match_key(GUIDE_SHEET):
            continue  # the template's own 说明 sheet: expected, not an extra
        if spec is None or meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            extras.append(meta.name)
            hint = next((s for s in SHEETS if s.zh in meta.name), None)
            issues.append(make_issue(
                "EXTRA_SHEET", sheet=meta.name,
                hint=f"如果这是“{hint.zh}”，请把工作表改名为“{hint.zh}”。" if hint else "",
                hint_en=f" If it holds {hint.en}, rename it to \"{hint.zh}\"." if hint else ""))
            continue
        if spec.en in matched:
            raise _Fatal(make_issue("DUPLICATE_SHEET", sheet=meta.name, value=matched[spec.en][0],
                                    expected=spec.zh, expected_en=f"{spec.zh} ({spec.en})"))
        matched[spec.en] = (meta.name, meta.visible)
    return matched, extras, issues


def _has_content(archive: zipfile.ZipFile, xml: _BookXml, name: str) -> bool:
    member = xml.paths.get(name)
    if member is None or member not in archive.namelist():
        return False
    try:
        return _stream_has(archive, member, _HAS_VALUE)
    except _ZIP_ERRORS:
        return False


def _hidden_note(name: str, visible: Any) -> InputIssue | None:
    if visible == python_calamine.SheetVisibleEnum.Visible:
        return None
    very = visible == python_calamine.SheetVisibleEnum.VeryHidden
    return make_issue("HIDDEN_SHEET", sheet=name,
                      detail="深度隐藏（veryHidden），在 Excel 中无法直接取消隐藏" if very else "隐藏",
                      detail_en="very hidden, cannot be unhidden from the Excel menu" if very else "hidden")


_FAMILY_ZH = {"roster": "干部名册", "card": "廉政监督卡", "elimination": "末位淘汰", "image": "形象测评",
              "direct_charge": "五个不直接分管", "countersign": "大额支出会签", "five": "五个强化"}


def read_workbook(path: str | Path, *, lenient: bool = False, max_rows: int = 1_000_000,
                  max_columns: int = 200) -> Workbook:
    """Strict (default): if any issue has severity 'error' raise InputError(all_issues) AFTER
    collecting every problem in every sheet. Lenient: drop bad rows, keep going, record them."""
    path = Path(path)
    try:
        return _read(path, lenient=lenient, max_rows=max_rows, max_columns=max_columns)
    except _Fatal as fatal:
        raise InputError([fatal.issue]) from None


def _read(path: Path, *, lenient: bool, max_rows: int, max_columns: int) -> Workbook:
    file = path.name
    data = _read_bytes(path)
    with contextlib.closing(_open_zip(data, file)) as archive:
        xml = _book_xml(archive, file)
        with contextlib.closing(_open_calamine(data, file)) as book:
            return _read_open(path, data, archive, xml, book, lenient=lenient, max_rows=max_rows,
                              max_columns=max_columns)


def _read_open(path: Path, data: bytes, archive: zipfile.ZipFile, xml: _BookXml,
               book: python_calamine.CalamineWorkbook, *, lenient: bool, max_rows: int,
               max_columns: int) -> Workbook:
    file = path.name
    fingerprint = hashlib.sha256(data).hexdigest()
    matched, extra_sheets, issues = _match_sheets(book)
    order = _sheet_order(matched, extra_sheets)
    results: dict[str, _SheetResult] = {}
    fatal: list[InputIssue] = []
    for spec in SHEETS:
        if spec.en not in matched:
            issues.append(make_issue("SHEET_ABSENT", sheet=spec.zh, detail=_FAMILY_ZH.get(spec.family, spec.family),
                                     detail_en=spec.family))
            continue
        name, visible = matched[spec.en]
        note = _hidden_note(name, visible)
        if note:
            issues.append(note)
        try:
            grid = _load_grid(book, name, archive, xml, file, max_rows, max_columns)
        except _Fatal as exc:
            fatal.append(exc.issue)   # keep reading the other sheets: report everything at once
            continue
        results[spec.en] = _read_sheet(grid, spec, name, xml.full_calc_on_load)
    if not fatal:
        fatal += _emptiness(archive, xml, matched, extra_sheets, results, file)
    sheets = {en: r.data for en, r in results.items()}
    if not fatal:
        check_across(sheets, lenient=lenient)
    for result in results.values():
        issues.extend(result.data.issues)
    issues = sort_issues(issues + fatal, order)
    if fatal or (not lenient and any(i.severity == "error" for i in issues)):
        raise InputError(issues)
    return _assemble(path, fingerprint, matched, extra_sheets, results, issues)


def _emptiness(archive: zipfile.ZipFile, xml: _BookXml, matched: dict[str, tuple[str, Any]],
               extra_sheets: list[str], results: dict[str, _SheetResult], file: str) -> list[InputIssue]:
    contract_content = any(_has_header(r) for r in results.values())
    if contract_content:
        return []
    extra_content = [n for n in extra_sheets if _has_content(archive, xml, n)]
    expected = "、".join(s.zh for s in SHEETS)
    expected_en = ", ".join(f"{s.zh} ({s.en})" for s in SHEETS)
    if not matched and extra_content:
        return [make_issue("NO_KNOWN_SHEETS", file=file, value="、".join(extra_sheets),
                           expected=expected, expected_en=expected_en)]
    if not extra_content:
        return [make_issue("EMPTY_WORKBOOK", file=file, expected=expected, expected_en=expected_en)]
    return []


def _has_header(result: _SheetResult) -> bool:
    return not any(i.code == "EMPTY_SHEET" for i in result.data.issues)


_KEY_COLUMNS = ("year", "leader_id", "unit", "round")


def _readable_keys(data: SheetData, index: int) -> dict[str, Any]:
    keys: dict[str, Any] = {"row": data.rows[index]}
    for col in _KEY_COLUMNS:
        value = data.valid(index, col)
        if value is not None:
            keys[col] = value[0]
    return keys


def _assemble(path: Path, fingerprint: str, matched: dict[str, tuple[str, Any]], extra_sheets: list[str],
              results: dict[str, _SheetResult], issues: list[InputIssue]) -> Workbook:
    tables: dict[str, pd.DataFrame] = {}
    skipped: dict[str, list[int]] = {}
    skipped_keys: dict[str, list[dict[str, Any]]] = {}
    for en, result in results.items():
        data = result.data
        drop = skipped_indices(data)
        keep = [i for i in range(len(data.rows)) if i not in drop]
        tables[en] = _table(data, keep)
        if drop:
            skipped[en] = sorted(data.rows[i] for i in drop)
            skipped_keys[en] = [_readable_keys(data, i) for i in sorted(drop)]
    return Workbook(
        path=path, fingerprint=fingerprint, tables=tables,
        absent_sheets=[s.en for s in SHEETS if s.en not in matched],
        extra_sheets=list(extra_sheets),
        extra_columns={en: r.extra_columns for en, r in results.items() if r.extra_columns},
        issues=issues, skipped_rows=skipped, skipped_keys=skipped_keys,
        rows_in_sheet={en: r.rows_in_sheet for en, r in results.items()},
    )


# --------------------------------------------------------------------------
# Ordering and presenting issues
# --------------------------------------------------------------------------

def _sheet_order(matched: dict[str, tuple[str, Any]], extra_sheets: list[str]) -> dict[str, int]:
    order: dict[str, int] = {}
    for index, spec in enumerate(SHEETS):
        order[spec.zh] = index
        if spec.en in matched:
            order[matched[spec.en][0]] = index
    for index, name in enumerate(extra_sheets):
        order.setdefault(name, len(SHEETS) + index)
    return order


_COLUMN_ORDER: dict[str, int] = {}
for _spec in SHEETS:
    for _j, _col in enumerate(_spec.columns):
        _COLUMN_ORDER.setdefault(_col.zh, _j)


def sort_issues(issues: Iterable[InputIssue], sheet_order: dict[str, int] | None = None) -> list[InputIssue]:
    """Contract sheet order, then row, column (contract order), code; deterministic to the byte."""
    order = sheet_order or {s.zh: i for i, s in enumerate(SHEETS)}

    def key(issue: InputIssue) -> tuple[Any, ...]:
        sheet = -1 if issue.sheet is None else order.get(issue.sheet, len(SHEETS) + 100)
        row = -1 if issue.row is None else issue.row
        column = -1 if issue.column is None else _COLUMN_ORDER.get(issue.column, 1000)
        return (sheet, issue.sheet or "", row, column, issue.column or "", issue.code, issue.message_zh)

    return sorted(issues, key=key)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut to a display width (CJK counts double), mark the cut with …, pad with spaces."""
    text = text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    used = _width(text)
    if used > width:
        out, used = "", 0
        for ch in text:
            if used + _width(ch) > width - 1:
                break
            out += ch
            used += _width(ch)
        text, used = out + "…", used + 1
    return text + " " * (width - used)


_TABLE_HEADS = {
    "zh": ("级别", "工作表", "行", "列", "值", "代码", "说明"),
    "en": ("Severity", "Sheet", "Row", "Column", "Value", "Code", "Message"),
}
_SEVERITY = {"zh": {"error": "错误", "note": "提示"}, "en": {"error": "error", "note": "note"}}


def _message_body(issue: InputIssue, lang: str) -> str:
    message = issue.message_zh if lang == "zh" else issue.message_en
    for prefix in (f"【{issue.code}】", f"[{issue.code}] "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def format_issues(issues: list[InputIssue], lang: str = "zh") -> str:
    """A readable terminal table (sheet, row, column, value, code, message) with a summary line."""
    lang = "en" if lang == "en" else "zh"
    errors = sum(1 for i in issues if i.severity == "error")
    notes = len(issues) - errors
    summary = (f"共 {errors} 个错误，{notes} 条提示。" if lang == "zh"
               else f"{errors} error(s), {notes} note(s).")
    if not issues:
        return "没有发现数据问题。" if lang == "zh" else "No input issues."
    rows = [(_SEVERITY[lang][i.severity], i.sheet or "", "" if i.row is None else str(i.row), i.column or "",
             i.value or "", i.code, _message_body(i, lang)) for i in issues]
    caps = (8, 16, 7, 16, 24, 24)
    widths = [min(cap, max(_width(h), *(_width(r[k]) for r in rows)))
              for k, (h, cap) in enumerate(zip(_TABLE_HEADS[lang][:6], caps))]
    lines = ["  ".join(_fit(h, w) for h, w in zip(_TABLE_HEADS[lang][:6], widths)) + "  " + _TABLE_HEADS[lang][6]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
    for row in rows:
        lines.append("  ".join(_fit(v, w) for v, w in zip(row[:6], widths)) + "  " + row[6])
    lines.append(summary)
    return "\n".join(line.rstrip() for line in lines)


_XLSX_HEADS = ("级别", "代码", "工作表", "行", "列", "值", "应为", "说明", "Message")
_XLSX_WIDTHS = (8, 24, 16, 8, 16, 30, 30, 80, 80)


def write_issues_xlsx(issues: list[InputIssue], path: Path) -> None:
    """The 数据问题.xlsx file. Written to a temporary file and renamed, so a failed
    write never leaves half a file; every text cell goes through safe_cell."""
    # Imported here, not at the top: reading never needs openpyxl (a noticeable
    # part of a second to import). save_workbook_stable fixes the timestamps, so
    # the same issues give the same bytes.
    from openpyxl import Workbook as XlsxWorkbook  # noqa: PLC0415
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # noqa: PLC0415

    from engine.xlsxio import save_workbook_stable  # noqa: PLC0415

    def text(value: str | None) -> str:
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value or ""))

    path = Path(path)
    book = XlsxWorkbook(write_only=True)
    sheet = book.create_sheet("数据问题")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column_letter(len(_XLSX_HEADS) - 1)}{len(issues) + 1}"
    for index, width in enumerate(_XLSX_WIDTHS):
        sheet.column_dimensions[column_letter(index)].width = width
    sheet.append([text(h) for h in _XLSX_HEADS])
    for issue in issues:
        sheet.append([text(_SEVERITY["zh"][issue.severity]), text(issue.code), text(issue.sheet),
                      issue.row, text(issue.column), text(issue.value), text(issue.expected),
                      text(issue.message_zh), text(issue.message_en)])
    # A uniquely named sibling, created with the user's umask (mkstemp would make it 0600).
    temp = path.with_name(f".{path.stem}-{uuid.uuid4().hex}.tmp.xlsx")
    try:
        save_workbook_stable(book, temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


__all__ = ["Workbook", "read_workbook", "format_issues", "write_issues_xlsx", "sort_issues",
           "match_key", "match_header", "column_letter", "CODES", "InputError", "InputIssue", "shorten"]
