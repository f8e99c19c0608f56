"""Hostile workbooks (issue 7, items 8-11 and the limits paragraph): each is refused with a named
reason and exit 1, in bounded time and memory, never exit 134 (abort) or 4 (internal error).

Each file is generated here with zipfile (a few hundred KB on disk) and run through the real
CLI in a child process whose address space is capped at 1 GiB, so an unbounded allocation
fails there instead of on the machine; the child's peak RSS comes from wait4.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from engine.input import limits
from hostile import deductions_sheet, repeat, row, sheet_xml, xlsx_file

ADDRESS_SPACE = 1 << 30      # the child may map at most 1 GiB
RSS_BUDGET_MB = 500          # the limits paragraph: memory for any refused file stays under ~500 MB
TIMEOUT = 60                 # a runaway is killed; the figures the tests print are what matters
FIRST = row(2, [2024, "1001", None, "违规公务接待", 2])


def run_cli(path: Path, *args: str) -> tuple[int, float, int, str]:
    """(exit code, seconds, peak RSS in MB, stdout+stderr) of `python -m engine.cli validate path`."""
    # The child caps its own address space and reports its own peak (VmHWM of its memory after exec):
    # the rusage of a child forked from this large pytest process counts the parent's pages it shared.
    hwm = path.with_suffix(".hwm")
    hwm.unlink(missing_ok=True)
    launcher = (f"import resource, runpy, sys\n"
                f"resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))\n"
                f"sys.argv = ['scorecard', *sys.argv[1:]]\n"
                f"try:\n    runpy.run_module('engine.cli', run_name='__main__')\n"
                f"finally:\n    open({str(hwm)!r}, 'w').write(next(l.split()[1] for l in open('/proc/self/status')"
                f" if l.startswith('VmHWM:')))\n")
    out = path.with_suffix(".out")
    started = time.monotonic()
    with out.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-c", launcher, "validate", str(path), *args],
                                stdout=sink, stderr=subprocess.STDOUT)
        deadline = started + TIMEOUT
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = 0   # reaped by wait4 above; Popen must not wait for it again
    seconds = time.monotonic() - started
    code = os.waitstatus_to_exitcode(status)
    text = out.read_text(encoding="utf-8", errors="replace")
    peak_kb = int(hwm.read_text()) if hwm.exists() else usage.ru_maxrss   # killed: rusage is all there is
    print(f"{path.name}: exit {code}, {seconds:.2f} s, peak RSS {peak_kb // 1024} MB")
    return code, seconds, peak_kb // 1024, text


def assert_refused(path: Path, code_name: str, *named: str) -> str:
    code, seconds, rss, text = run_cli(path)
    assert code == 1, f"exit {code} after {seconds:.1f} s: {text[-800:]}"
    assert code_name in text, text[-800:]
    for part in named:
        assert part in text, (part, text[-800:])
    assert rss < RSS_BUDGET_MB, f"peak RSS {rss} MB"
    return text


def test_shared_strings_that_inflate_past_the_limit_are_refused(tmp_path):
    # Item 8: only sheet XML was size-checked; sharedStrings.xml inflating to gigabytes aborted the process.
    times = limits.MAX_SHARED_STRINGS_BYTES // 1000 + 10
    path = xlsx_file(tmp_path / "sst.xlsx", deductions_sheet([FIRST]),
                     shared_strings=repeat(b"<si><t>" + b"x" * 988 + b"</t></si>", times))
    assert path.stat().st_size < 2 << 20
    assert_refused(path, "FILE_TOO_LARGE", "sharedStrings", f"{limits.MAX_SHARED_STRINGS_BYTES}")


REPEATED_CELL = b'<c r="A3"><v>1</v></c>'


def repeated_cell_sheet(times: int):
    return deductions_sheet([FIRST, b'<row r="3">', *repeat(REPEATED_CELL, times), b"</row>"])


def test_one_cell_repeated_millions_of_times_is_refused_early(tmp_path):
    # Item 9: 1.9 GB of one repeated cell, under the old 2 GiB size limit, aborted after 25 s at 2.3 GB.
    # 5 million cells (110 MB of XML, under the size limit) are refused by the cell count.
    path = xlsx_file(tmp_path / "cells.xlsx", repeated_cell_sheet(5_000_000))
    assert path.stat().st_size < 1 << 20
    assert_refused(path, "TOO_MANY_CELLS", "廉政监督卡", f"{limits.MAX_SHEET_CELLS}")


def test_a_sheet_declaring_more_than_the_limit_is_refused_before_inflating(tmp_path):
    path = xlsx_file(tmp_path / "big.xlsx", repeated_cell_sheet(25_000_000))   # 550 MB of XML
    assert_refused(path, "FILE_TOO_LARGE", "廉政监督卡", "xl/worksheets/sheet1.xml", f"{limits.MAX_SHEET_XML_BYTES}")


def _declare_small(path: Path, member: str) -> None:
    """Make the zip lie: the member's uncompressed size, in its local and central headers, says 1000."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at:at + name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = (1000).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(("content", "code"), [("cells", "TOO_MANY_CELLS"), ("padding", "FILE_TOO_LARGE")])
def test_sizes_the_zip_declares_are_not_trusted(tmp_path, content, code):
    # The sheet claims to inflate to 1000 bytes; it is counted while it is inflated, and reading
    # stops at the limit instead of at the end of 550 MB.
    body = (repeat(REPEATED_CELL, 25_000_000) if content == "cells"
            else repeat(b" " * (1 << 20), limits.MAX_SHEET_XML_BYTES // (1 << 20) + 2))
    path = tmp_path / "liar.xlsx"
    xlsx_file(path, deductions_sheet([FIRST, b'<row r="3">', *body, b"</row>"]), zip64=False)
    _declare_small(path, "xl/worksheets/sheet1.xml")
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    assert_refused(path, code, "廉政监督卡")


def test_sheet_xml_past_the_inflated_limit_is_refused_without_reading_it_whole(tmp_path):
    # Item 9, the other half: a sheet that is mostly padding is bounded by its inflated size.
    padding = limits.MAX_SHEET_XML_BYTES // (1 << 20) + 2
    path = xlsx_file(tmp_path / "pad.xlsx", sheet_xml([
        row(1, ["年度", "干部编号", "日期", "扣分事项", "扣分", "说明"]), FIRST,
        *repeat(b" " * (1 << 20), padding)]))
    assert_refused(path, "FILE_TOO_LARGE", "廉政监督卡", f"{limits.MAX_SHEET_XML_BYTES}")


@pytest.mark.parametrize(("ref", "code"), [("XFD1048576", "TOO_MANY_COLUMNS"), ("GR999999", "STRAY_CELL"),
                                           ("GR200000", "STRAY_CELL"), ("A1048576", "TOO_MANY_ROWS")])
def test_a_stray_far_away_cell_is_an_error_naming_the_cell(tmp_path, ref, code):
    # Item 10: one value far away made calamine allocate the whole dense range (exit 134 in < 1 s).
    number = int("".join(ch for ch in ref if ch.isdigit()))
    path = xlsx_file(tmp_path / "stray.xlsx", deductions_sheet([
        FIRST, f'<row r="{number}"><c r="{ref}"><v>1</v></c></row>'.encode()]))
    assert_refused(path, code, ref)


def test_unclosed_formula_cells_are_scanned_in_linear_time(tmp_path):
    # Item 11: 60,000 unclosed formula cells (2.4 MB) took 52 s: the pre-scan searched to the end
    # of the sheet for every cell. 120,000 of them would take minutes if it were still quadratic.
    path = xlsx_file(tmp_path / "formulas.xlsx", deductions_sheet([
        FIRST, b'<row r="3">', *repeat(b'<c r="A3"><f>SUM(A1)', 120_000)]))
    code, seconds, rss, text = run_cli(path)
    assert code == 1 and "NOT_XLSX" in text, text[-800:]
    assert seconds < TIMEOUT and rss < RSS_BUDGET_MB


def test_cells_copying_one_long_shared_string_are_refused_before_they_are_copied(tmp_path):
    # Every cell gets its own copy of its shared string (in calamine and again in Python):
    # 20,000 cells naming one 32,000-character string would be 640 MB twice over.
    cells = b"".join(f'<row r="{r}"><c r="F{r}" t="s"><v>0</v></c></row>'.encode() for r in range(3, 20_003))
    path = xlsx_file(tmp_path / "copies.xlsx", deductions_sheet([FIRST, cells]),
                     shared_strings=[b"<si><t>" + b"y" * 32_000 + b"</t></si>"])
    assert_refused(path, "FILE_TOO_LARGE", "廉政监督卡", f"{limits.MAX_SHEET_TEXT_BYTES}")


def test_a_well_formed_generated_file_still_reads(tmp_path):
    path = xlsx_file(tmp_path / "ok.xlsx", deductions_sheet([FIRST]))
    code, _, _, text = run_cli(path)
    assert code == 0, text[-800:]
