"""Opening the input file safely: bytes, format sniffing, the zip, calamine, the workbook XML.

Everything here runs before any cell is read, and every failure becomes a `Fatal`
carrying the issue that names the file and what to do about it.
"""
from __future__ import annotations

import contextlib
import io
import struct
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

from engine.input import limits
from engine.input.issues import InputIssue, make_issue

MAX_FILE_BYTES = limits.MAX_FILE_BYTES     # module attribute: tests lower it


class Fatal(Exception):
    """Internal: reading cannot go on; carries the issue that says why."""

    def __init__(self, issue: InputIssue):
        super().__init__(issue.code)
        self.issue = issue


# --------------------------------------------------------------------------
# Opening the file: bytes, format sniffing, zip and calamine
# --------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
               NotImplementedError, RuntimeError, ValueError, KeyError)


def not_xlsx(file: str, label: str, zh: str, en: str) -> Fatal:
    return Fatal(make_issue("NOT_XLSX", file=file, value=label, detail=zh, detail_en=en,
                             expected="Excel 工作簿（.xlsx）", expected_en="an Excel workbook (.xlsx)"))


def read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        if not path.exists():
            raise Fatal(make_issue("FILE_NOT_FOUND", file=name, value=name,
                                    detail="路径不存在", detail_en="no such path"))
        if not path.is_file():
            raise Fatal(make_issue("FILE_NOT_FOUND", file=name, value=name,
                                    detail="这是一个文件夹或特殊文件，不是普通文件",
                                    detail_en="it is a directory or special file, not a regular file"))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Fatal(make_issue("FILE_TOO_LARGE", file=name, value=str(size),
                                    detail=f"文件有 {size} 字节，超过上限 {MAX_FILE_BYTES} 字节",
                                    detail_en=f"the file has {size} bytes, more than {MAX_FILE_BYTES}"))
        with path.open("rb") as handle:     # read-only: the input is never modified
            return handle.read()
    except PermissionError as exc:
        raise Fatal(make_issue("FILE_UNREADABLE", file=name, value=name,
                                detail=f"没有读取权限（{exc.strerror}）",
                                detail_en=f"permission denied ({exc.strerror})")) from None
    except OSError as exc:
        raise Fatal(make_issue("FILE_UNREADABLE", file=name, value=name,
                                detail=f"操作系统报告错误：{exc.strerror or exc}",
                                detail_en=f"the operating system reported: {exc.strerror or exc}")) from None


# How to get an .xlsx, said with every "save it as .xlsx" (issue 7, item 19: name the real type, give the steps).
SAVE_AS_ZH = "：用 Excel 或 WPS 表格打开它，选“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，再用新文件运行"
SAVE_AS_EN = (": open it in Excel or WPS Spreadsheets, choose File > Save As, type \"Excel Workbook (*.xlsx)\", "
              "then run on the new file")


def _suffix(file: str) -> str:
    return Path(file).suffix.lower()


def sniff_non_zip(data: bytes, file: str) -> Fatal:
    """Name the format of a file that is not a zip, as precisely as the bytes allow."""
    if not data:
        return not_xlsx(file, "empty", "文件是空的（0 字节）", "the file is empty (0 bytes)")
    if data.startswith(_OLE_MAGIC):
        return _sniff_ole(data, file)
    if data.startswith(b"%PDF"):
        return not_xlsx(file, "pdf", "这是 PDF 文件，不是 Excel 工作簿；PDF 中的表格不能直接读取，请使用原始的 Excel 文件（.xlsx）",
                        "this is a PDF file, not an Excel workbook; tables in a PDF cannot be read, use the "
                        "original Excel file (.xlsx)")
    head = data[:4096]
    text = _as_text(head)
    if text is None:
        return not_xlsx(file, "unknown", "无法识别的文件格式（既不是 Excel 工作簿，也不是文本）",
                         "unrecognised format (neither an Excel workbook nor text)")
    lowered = text.lstrip().lower()
    if lowered.startswith("<?xml") and "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
        return not_xlsx(file, "xml2003", "这是 Excel 2003 XML 表格，请在 Excel 中“另存为” Excel 工作簿（*.xlsx）",
                         "this is an Excel 2003 XML spreadsheet; save it as an Excel workbook (*.xlsx)")
    if lowered.startswith("<") and ("<html" in lowered or "<table" in lowered):
        return not_xlsx(file, "html", "这是网页（HTML）文件，只是扩展名是 Excel 的；请在 Excel 中打开后“另存为” Excel 工作簿（*.xlsx）",
                         "this is a web page (HTML) with an Excel file name; open it in Excel and "
                         "save it as an Excel workbook (*.xlsx)")
    suffix = _suffix(file)
    if suffix in (".csv", ".tsv", ".txt"):
        return not_xlsx(file, "csv", f"这是 {suffix[1:].upper()} 文本文件（{suffix}），不是 Excel 工作簿{SAVE_AS_ZH}",
                        f"this is a {suffix[1:].upper()} text file ({suffix}), not an Excel workbook{SAVE_AS_EN}")
    named = f"，只是扩展名是 {suffix}" if suffix else ""
    return not_xlsx(file, "csv", f"这是文本/CSV 文件{named}，不是 Excel 工作簿{SAVE_AS_ZH}",
                    f"this is a text/CSV file{f' with a {suffix} name' if suffix else ''}, not an Excel "
                    f"workbook{SAVE_AS_EN}")


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


def _sniff_ole(data: bytes, file: str) -> Fatal:
    # An OLE compound file: Office stores a password-protected .xlsx this way
    # (streams EncryptionInfo + EncryptedPackage); an old .xls has a Workbook stream.
    def has(name: str) -> bool:
        return name.encode("utf-16-le") in data

    if has("EncryptedPackage") or has("EncryptionInfo"):
        return not_xlsx(file, "encrypted",
                         "工作簿设置了打开密码（文件已加密），无法读取；请在 Excel 中取消密码"
                         "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重新保存为 .xlsx",
                         "the workbook is password-protected (encrypted) and cannot be read; remove the "
                         "password in Excel (File > Info > Protect Workbook > Encrypt with Password) and save again")
    if _suffix(file) in (".et", ".ett") or has("ETExtData"):
        return not_xlsx(file, "et", f"这是 WPS 表格文件（.et），不是 Excel 工作簿（.xlsx）{SAVE_AS_ZH}",
                        f"this is a WPS Spreadsheets file (.et), not an Excel workbook (.xlsx){SAVE_AS_EN}")
    if has("Workbook") or has("Book"):
        return not_xlsx(file, "xls", f"这是旧版 Excel 97-2003 工作簿（.xls，BIFF 格式）{SAVE_AS_ZH}",
                        f"this is an old Excel 97-2003 workbook (.xls, BIFF){SAVE_AS_EN}")
    return not_xlsx(file, "ole", "这是 Office 97-2003 复合文档（如 .doc），不是 Excel 工作簿",
                     "this is an Office 97-2003 compound document (e.g. .doc), not an Excel workbook")


def open_zip(data: bytes, file: str) -> zipfile.ZipFile:
    if not data.startswith(_ZIP_MAGICS):
        raise sniff_non_zip(data, file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except ZIP_ERRORS:
        raise not_xlsx(file, "corrupt", "文件已损坏（zip 结构不完整，可能下载或复制没有完成）",
                        "the file is corrupt (incomplete zip structure; an unfinished download or copy?)") from None
    if "xl/workbook.xml" in names:
        return archive
    if "xl/workbook.bin" in names:
        raise not_xlsx(file, "xlsb", "这是 Excel 二进制工作簿（.xlsb）；请“另存为” Excel 工作簿（*.xlsx）",
                        "this is an Excel binary workbook (.xlsb); save it as an Excel workbook (*.xlsx)")
    if "mimetype" in names and "content.xml" in names:
        raise not_xlsx(file, "ods", "这是 OpenDocument 表格（.ods）；请“另存为” Excel 工作簿（*.xlsx）",
                        "this is an OpenDocument spreadsheet (.ods); save it as an Excel workbook (*.xlsx)")
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        raise not_xlsx(file, "office", "这是 Word 或 PowerPoint 文件，不是 Excel 工作簿",
                        "this is a Word or PowerPoint file, not an Excel workbook")
    raise not_xlsx(file, "zip", "这是 zip 压缩包，不是 Excel 工作簿（缺少 xl/workbook.xml）",
                    "this is a zip archive, not an Excel workbook (no xl/workbook.xml)")


def corrupt(file: str, what: str) -> Fatal:
    return not_xlsx(file, "corrupt", f"文件已损坏，无法读取（{what}）", f"the file is corrupt and cannot be read ({what})")


def is_panic(exc: BaseException) -> bool:
    # pyo3 turns a Rust panic inside calamine into PanicException, a BaseException
    # subclass that cannot be imported; recognise it by name, nothing broader.
    return type(exc).__name__ == "PanicException"


@contextlib.contextmanager
def calamine_errors(file: str, what: str) -> Iterator[None]:
    """Map calamine's failures on a damaged file (errors, or a Rust panic) to NOT_XLSX."""
    try:
        yield
    except python_calamine.PasswordError:
        raise not_xlsx(file, "encrypted", "工作簿设置了密码，无法读取；请取消密码后重新保存",
                        "the workbook is password-protected; remove the password and save again") from None
    except python_calamine.CalamineError as exc:
        raise corrupt(file, f"{what}：{str(exc)[:200]}") from None
    except BaseException as exc:
        if is_panic(exc):
            raise corrupt(file, f"{what}：calamine {str(exc)[:200]}") from None
        raise


def open_calamine(data: bytes, file: str) -> python_calamine.CalamineWorkbook:
    with calamine_errors(file, "工作簿"):
        return python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))


@dataclass
class BookXml:
    """What the workbook XML says that calamine does not: sheet XML paths, calc mode."""

    paths: dict[str, str]       # sheet name -> zip member path
    full_calc_on_load: bool     # the writer asked Excel to recompute: cached values untrusted
    shared_strings: str = "xl/sharedStrings.xml"   # member paths, from the relationships
    styles: str = "xl/styles.xml"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: ET.Element, local: str) -> str | None:
    for key, value in element.attrib.items():
        if _local(key) == local:
            return value
    return None


def book_xml(data: bytes, archive: zipfile.ZipFile, file: str) -> BookXml:
    try:
        root = ET.fromstring(read_part(data, archive, "xl/workbook.xml", limits.MAX_XML_PART_BYTES))
        rels_name = "xl/_rels/workbook.xml.rels"
        rels = (ET.fromstring(read_part(data, archive, rels_name, limits.MAX_XML_PART_BYTES))
                if rels_name in archive.NameToInfo else None)
    except TooLarge as exc:
        raise exc.fatal(file) from None
    except (ET.ParseError, *ZIP_ERRORS):
        raise corrupt(file, "xl/workbook.xml") from None
    targets: dict[str, str] = {}
    kinds: dict[str, str] = {}
    for rel in rels.iter() if rels is not None else ():
        if _local(rel.tag) == "Relationship" and rel.get("Id") and rel.get("Target"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            targets[rel.get("Id", "")] = path
            kinds[rel.get("Type", "").rsplit("/", 1)[-1]] = path
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
    return BookXml(paths, full_calc, kinds.get("sharedStrings", "xl/sharedStrings.xml"),
                   kinds.get("styles", "xl/styles.xml"))


# --------------------------------------------------------------------------
# Inflating a member ourselves: bounded by what it holds, not what the zip says
# --------------------------------------------------------------------------

HAS_VALUE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(?:v|is)[\s>]")
CHUNK = 8 << 20
_INPUT_PIECE = 1 << 20


class TooLarge(Exception):
    """A member inflated past its limit (raised as soon as it does: nothing beyond is inflated)."""

    def __init__(self, member: str, limit: int, sheet: str | None = None):
        super().__init__(member)
        self.member, self.limit, self.sheet = member, limit, sheet

    def fatal(self, file: str) -> Fatal:
        mb = self.limit >> 20
        where = f"工作表“{self.sheet}”的 XML（{self.member}）" if self.sheet else f"文件内的“{self.member}”"
        where_en = f"the XML of sheet \"{self.sheet}\" ({self.member})" if self.sheet else f"member \"{self.member}\""
        return Fatal(make_issue(
            "FILE_TOO_LARGE", sheet=self.sheet, file=file, value=self.member,
            detail=f"{where}解压后超过上限 {self.limit} 字节（{mb} MB），已停止读取",
            detail_en=f"{where_en} inflates to more than the limit of {self.limit} bytes ({mb} MB); reading stopped",
            expected=f"解压后不超过 {self.limit} 字节", expected_en=f"at most {self.limit} bytes inflated"))


def inflate(data: bytes, archive: zipfile.ZipFile, member: str, limit: int,
            sheet: str | None = None) -> Iterator[bytes]:
    """The member's bytes in chunks of at most CHUNK, inflated here while counting.

    The sizes a zip declares can lie (and decompressors that trust them can be
    made to inflate gigabytes), so the raw deflate stream is inflated with a
    bounded output size per step, the total is counted, and TooLarge is raised
    the moment it passes `limit`. The CRC is checked at the end."""
    info = archive.getinfo(member)
    offset = info.header_offset
    head = data[offset:offset + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04" or info.flag_bits & 0x1:
        raise zipfile.BadZipFile(f"bad local header for {member}")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    start = offset + 30 + name_len + extra_len
    raw = memoryview(data)[start:start + info.compress_size]
    total, crc = 0, 0
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > limit:
            raise TooLarge(member, limit, sheet)
        for at in range(0, len(raw), CHUNK):
            out = bytes(raw[at:at + CHUNK])
            crc = zlib.crc32(out, crc)
            yield out
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        inflater = zlib.decompressobj(-15)
        for at in range(0, len(raw), _INPUT_PIECE):
            piece = raw[at:at + _INPUT_PIECE]
            while piece and not inflater.eof:
                out = inflater.decompress(piece, CHUNK)
                piece = inflater.unconsumed_tail
                total += len(out)
                if total > limit:
                    raise TooLarge(member, limit, sheet)
                if out:
                    crc = zlib.crc32(out, crc)
                    yield out
            if inflater.eof:
                break
    else:
        raise NotImplementedError(f"compression method {info.compress_type}")
    if crc != info.CRC:
        raise zipfile.BadZipFile(f"bad CRC for {member}")


def read_part(data: bytes, archive: zipfile.ZipFile, member: str, limit: int) -> bytes:
    """A small XML part whole, within `limit`."""
    return b"".join(inflate(data, archive, member, limit))


def stream_has(data: bytes, archive: zipfile.ZipFile, member: str, pattern: re.Pattern[bytes],
               limit: int = limits.MAX_SHEET_XML_BYTES) -> bool:
    """Search a member chunk by chunk (big sheets rarely match); each search sees the previous
    chunk's last 256 bytes too, so a match across a boundary counts."""
    tail = b""
    for chunk in inflate(data, archive, member, limit):
        if pattern.search(tail + chunk):
            return True
        tail = chunk[-256:]
    return False
