"""Hostile and odd .xlsx files, built with zipfile directly (small on disk, whatever they inflate to).

    path = xlsx_file(tmp_path / "bomb.xlsx", sheet_rows=[...], shared_strings=repeat(b"<si><t>x</t></si>", 10))

Every member is streamed into the zip, so a file that inflates to gigabytes costs
only its compressed size in memory and a second or two of deflate.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
DEDUCTION_HEADER = ("年度", "干部编号", "日期", "扣分事项", "扣分", "说明")

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    b'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    b'</Types>')
_ROOT_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    b'Target="xl/workbook.xml"/></Relationships>')
_BOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    b'Target="worksheets/sheet1.xml"/>'
    b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/>'
    b'<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    b'Target="styles.xml"/></Relationships>')
# Style 0 general, 1 a date (numFmt 14), 2 percent (numFmt 9), 3 a custom percent format.
STYLES = (
    b'<?xml version="1.0" encoding="UTF-8"?><styleSheet ' + MAIN + b'>'
    b'<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    b'<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
    b'<cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>'
    b'<xf numFmtId="9" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs>'
    b'</styleSheet>')


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell(ref: str, value: object, style: int | None = None) -> bytes:
    """One <c> element: numbers as numbers, text inline."""
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'.encode()
    return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_esc(str(value))}</t></is></c>'.encode()


def row(number: int, values: Iterable[object], *, hidden: bool = False, styles: dict[int, int] | None = None) -> bytes:
    attrs = f' r="{number}"' + (' hidden="1"' if hidden else "")
    cells = b"".join(cell(f"{col_letter(j)}{number}", v, (styles or {}).get(j))
                     for j, v in enumerate(values) if v is not None)
    return f"<row{attrs}>".encode() + cells + b"</row>"


def sheet_xml(body: Iterable[bytes], tail: bytes = b"") -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + MAIN + b' ' + REL + b'><sheetData>'
    yield from body
    yield b"</sheetData>" + tail + b"</worksheet>"


def shared_strings_xml(items: Iterable[bytes]) -> Iterable[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8"?><sst ' + MAIN + b'>'
    yield from items
    yield b"</sst>"


def xlsx_file(path: Path, sheet: Iterable[bytes], *, sheet_name: str = "廉政监督卡",
              shared_strings: Iterable[bytes] | None = None, styles: bytes = STYLES,
              book_extra: bytes = b"", zip64: bool = True) -> Path:
    """Write a one-sheet workbook whose sheet XML (and shared strings) are streamed from iterables."""
    path = Path(path)
    book = (b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + MAIN + b' ' + REL + b'><sheets>'
            b'<sheet name="' + _esc(sheet_name).encode() + b'" sheetId="1" r:id="rId1"/></sheets>'
            + book_extra + b'</workbook>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS)
        archive.writestr("xl/styles.xml", styles)
        _stream(archive, "xl/sharedStrings.xml", shared_strings_xml(shared_strings or ()), zip64)
        _stream(archive, "xl/worksheets/sheet1.xml", sheet, zip64)
    return path


def _stream(archive: zipfile.ZipFile, name: str, parts: Iterable[bytes], zip64: bool = True) -> None:
    with archive.open(name, "w", force_zip64=zip64) as handle:
        pending: list[bytes] = []
        size = 0
        for part in parts:
            pending.append(part)
            size += len(part)
            if size >= 1 << 20:
                handle.write(b"".join(pending))
                pending, size = [], 0
        handle.write(b"".join(pending))


def repeat(piece: bytes, times: int, block: int = 1 << 20) -> Iterable[bytes]:
    """`piece` repeated `times` times, yielded in blocks of about `block` bytes."""
    per = max(1, block // max(1, len(piece)))
    chunk = piece * per
    full, rest = divmod(times, per)
    for _ in range(full):
        yield chunk
    if rest:
        yield piece * rest


def deductions_sheet(rows: Iterable[bytes] = ()) -> Iterable[bytes]:
    """A 廉政监督卡 sheet: the contract header, then `rows`."""
    return sheet_xml([row(1, DEDUCTION_HEADER), *rows])
