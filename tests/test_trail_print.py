"""The report and the 个人评分表 as printed: converted to PDF by LibreOffice headless, pages counted.

Needs LibreOffice and poppler-utils (.ci/system-packages); skipped on a machine without them,
never on CI.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.evaluation.scoring import score_workbook
from engine.output.pdf import converter, to_pdf
from engine.output.personal import build_personal
from engine.output.report import build_report
from engine.xlsxio import save_workbook_stable

SAMPLE = Path(__file__).resolve().parents[1] / "scorecards" / "samples" / "sample_county.xlsx"
HAVE_TOOLS = converter() is not None and shutil.which("pdfinfo") is not None
pytestmark = pytest.mark.skipif(not HAVE_TOOLS and os.environ.get("CI") != "true",
                                reason="LibreOffice / pdfinfo not installed (CI installs them)")


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def _printed(wb, tmp_path: Path, name: str) -> int:
    xlsx = tmp_path / f"{name}.xlsx"
    save_workbook_stable(wb, xlsx)
    return _pages(to_pdf(xlsx, tmp_path / f"{name}.pdf"))


@pytest.fixture(scope="module")
def sample():
    return score_workbook(SAMPLE)


def test_summary_and_details_print_in_a_few_pages(sample, tmp_path) -> None:
    wb = build_report(sample)
    for title in wb.sheetnames:
        if title not in ("汇总", "结果明细"):
            del wb[title]
    assert _printed(wb, tmp_path, "summary") <= 5   # 70 leaders: 汇总 1–2 pages (35 codes), 结果明细 3


def test_basis_prints_one_page_wide_in_bounded_pages(sample, tmp_path) -> None:
    wb = build_report(sample)
    for title in wb.sheetnames:
        if title != "触发依据":
            del wb[title]
    # ~130 consequences with their evidence: one column per page would be ~9 pages × rows
    assert _printed(wb, tmp_path, "basis") <= 24


def test_personal_sheet_is_one_page_per_leader_year(sample, tmp_path) -> None:
    leaders = [r for r in sample.results if r.leader_id in ("QH005", "QH037", "QH044")]
    assert _printed(build_personal(sample, leaders), tmp_path, "personal") == 3
