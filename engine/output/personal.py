"""个人评分表: one printable page per leader-year, for the file and for signatures.

Each sheet holds the leader's scores, every consequence with its condition and numbers, the
arithmetic, the input rows behind it, the source and its verbatim quote, the nearest miss of each
rule that did not fire, the families not evaluated, and signature lines for 经办人 and 复核人.
Portrait A4, fitted to one page, fingerprints of rules and input in the footer.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from engine.evaluation.results import LeaderResult, RunResult
from engine.output.printing import LINE_HEIGHT, MAX_ROW_HEIGHT, lines_needed, print_setup, set_widths
from engine.output.report_basis import condition_text, evidence_text
from engine.output.trace import Trace, family_name, score_items
from engine.rules.sources import document_title
from engine.xlsxio import cell_value, save_workbook_stable

TITLE = "监督“一把手”年度考核个人评分表"
WIDTHS = (16, 30, 14, 30)           # A label | B value | C label | D value  (portrait A4)
_THIN = Side(style="thin", color="999999")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SECTION_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_INVALID_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(leader: LeaderResult, taken: set[str]) -> str:
    """'2025 QH037 沈雅琴' within Excel's 31 characters, unique in the workbook."""
    base = _INVALID_SHEET_CHARS.sub("_", f"{leader.year} {leader.leader_id} {leader.name}")[:31]
    title, n = base, 2
    while title in taken:
        suffix = f"~{n}"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


class _Page:
    """Rows written top-down; a text spanning columns gets the row height its wrapped lines need."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.row = 1

    def put(self, values: list[tuple[Any, int]], bold_first: bool = False, fill: PatternFill | None = None,
            box: bool = True) -> None:
        """values: (text, columns it spans), left to right."""
        col, lines = 1, 1
        for i, (value, span) in enumerate(values):
            cell = self.ws.cell(row=self.row, column=col, value=cell_value(value))
            cell.alignment = _WRAP
            if bold_first and i == 0:
                cell.font = Font(bold=True)
            if fill:
                cell.fill = fill
            if span > 1:
                self.ws.merge_cells(start_row=self.row, start_column=col, end_row=self.row, end_column=col + span - 1)
            if box:
                for c in range(col, col + span):
                    self.ws.cell(row=self.row, column=c).border = _BOX
            width = sum(WIDTHS[col - 1:col - 1 + span])
            lines = max(lines, lines_needed(value, width))
            col += span
        if lines > 1:
            self.ws.row_dimensions[self.row].height = min(lines * LINE_HEIGHT + 2, MAX_ROW_HEIGHT)
        self.row += 1

    def pair(self, label: str, value: Any) -> None:
        self.put([(label, 1), (value, 3)], bold_first=True)

    def section(self, title: str) -> None:
        self.row += 1
        self.put([(title, 4)], bold_first=True, fill=_SECTION_FILL)

    def gap(self) -> None:
        self.row += 1


def write_leader_page(ws: Worksheet, result: RunResult, leader: LeaderResult, trace: Trace) -> None:
    set_widths(ws, WIDTHS)
    page = _Page(ws)
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    ws.merge_cells("A1:D1")
    page.row = 3
    page.put([("考核年度", 1), (leader.year, 1), ("干部编号", 1), (leader.leader_id, 1)], bold_first=True)
    page.put([("姓名", 1), (leader.name, 1), ("职务", 1), (leader.title, 1)], bold_first=True)
    page.put([("单位", 1), (leader.unit, 1), ("单位类别", 1),
              (f"{leader.unit_type}{'（党政一把手）' if leader.is_top else ''}", 1)], bold_first=True)

    page.section("一、得分")
    for label, value in score_items(leader):
        page.pair(label, value)

    page.section("二、触发的后果")
    titles = {rule.id: rule.title for rule in result.rules}
    if not leader.consequences:
        page.put([("未触发任何后果。", 4)])
    for n, cons in enumerate(leader.consequences, start=1):
        rnd = cons.facts.get("image_round")
        page.put([(f"{n}. {cons.label}" + (f"（{leader.year}年第{rnd}批次）" if rnd else ""), 4)], bold_first=True)
        page.pair("规则", f"{titles.get(cons.rule_id, '')} {cons.rule_id}".strip())
        page.pair("条件（含数值）", condition_text(trace, leader, cons))
        page.pair("依据记录", evidence_text(cons))
        page.pair("来源", f"{document_title(cons.source.document)} {cons.source.section}")
        page.pair("原文", result.quote(cons.rule_id))

    misses, top_only = trace.misses(leader)
    if misses or top_only:
        page.section("三、未触发的规则（最接近的条件）")
        for miss in misses:
            page.pair(miss.title, miss.text)
        if top_only:
            page.pair("仅适用于党政一把手", "、".join(top_only))
    if leader.not_evaluated:
        page.section("四、未评估")
        for note in leader.not_evaluated:
            page.pair(family_name(note["family"]), note["reason_zh"])

    page.gap()
    page.put([("经办人（签字）：", 1), ("", 1), ("复核人（签字）：", 1), ("", 1)], bold_first=True, box=False)
    page.put([("日期：", 1), ("", 1), ("日期：", 1), ("", 1)], bold_first=True, box=False)
    for col in (2, 4):
        for r in (page.row - 2, page.row - 1):
            ws.cell(row=r, column=col).border = Border(bottom=_THIN)
        ws.cell(row=page.row - 1, column=col - 1).font = Font(bold=True)
    ws.cell(row=page.row - 1, column=3).font = Font(bold=True)
    print_setup(ws, (result.rules_fingerprint, result.input_fingerprint), landscape=False, title_rows=0,
                fit_height=True)


def build_personal(result: RunResult, leaders: Iterable[LeaderResult], trace: Trace | None = None) -> Workbook:
    trace = trace or Trace(result)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for leader in leaders:
        write_leader_page(wb.create_sheet(sheet_title(leader, taken)), result, leader, trace)
    if not wb.worksheets:
        ws = wb.create_sheet("个人评分表")
        ws["A1"] = "没有选中的干部。"
    return wb


def write_personal(result: RunResult, leaders: Iterable[LeaderResult], path: Path) -> None:
    save_workbook_stable(build_personal(result, leaders), Path(path))
