"""The 触发依据 sheet: one row per consequence, readable and printable by an auditor.

Each row names the leader, the consequence, the rule, the fired condition with its numbers
(engine.output.render), the arithmetic of derived facts, every input row behind it (sheet and
Excel row, engine.evaluation.evidence), and the source by document title and passage. Year and
批次 (for per-round rules) are columns of their own, so two 表扬 of one leader are told apart.
No identifier of a fact and no JSON appears in a cell.
"""
from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from engine.evaluation.results import Consequence, LeaderResult, RunResult
from engine.output.printing import fit_row_heights, set_widths, wrap_all
from engine.output.trace import Trace, evidence_line, grade_notes
from engine.rules.sources import document_title
from engine.xlsxio import EXCEL_CELL_MAX, table_sheet

BASIS_HEADERS = (
    "年度", "批次", "干部", "后果", "规则", "命中条件（含数值）", "依据记录（工作表 第几行）",
    "来源文件与段落", "来源原文",
)
BASIS_WIDTHS = (6, 5, 14, 16, 20, 38, 50, 20, 40)
SEVERITY_ZH = {"info": "提示", "warning": "关注", "serious": "严重", "critical": "特别严重"}
ROUND_FACT = "image_round"   # the 批次 of a per-round consequence (SPEC 3.3)


def _fit(text: str) -> str:
    """A cell holds at most 32,767 characters; say where the rest is."""
    if len(text) <= EXCEL_CELL_MAX:
        return text
    note = "\n……其余记录见 JSON 结果（evidence）"
    return text[:EXCEL_CELL_MAX - len(note)] + note


def condition_text(trace: Trace, leader: LeaderResult, cons: Consequence) -> str:
    lines = trace.conditions(cons)
    lines += [f"计算：{text}" for text in cons.arithmetic.values()]
    lines += [f"等次：{text}" for text in grade_notes(leader, cons)]
    if "reason_zh" in cons.detail:
        lines.append(f"说明：{cons.detail['reason_zh']}")
    return "\n".join(lines)


def evidence_text(cons: Consequence) -> str:
    return "\n".join(evidence_line(ev) for ev in cons.evidence) or "（无逐行记录）"


def basis_row(trace: Trace, leader: LeaderResult, cons: Consequence) -> list[Any]:
    titles = {rule.id: rule.title for rule in trace.result.rules}
    rnd = cons.facts.get(ROUND_FACT)
    return [
        leader.year, rnd,
        f"{leader.name}（{leader.leader_id}）\n{leader.unit}",
        f"{cons.label}（{SEVERITY_ZH.get(cons.severity, cons.severity)}）",
        "\n".join(x for x in (titles.get(cons.rule_id), cons.rule_id) if x),
        _fit(condition_text(trace, leader, cons)),
        _fit(evidence_text(cons)),
        f"{document_title(cons.source.document)}\n{cons.source.section}",
        trace.result.quote(cons.rule_id),
    ]


def basis_rows(result: RunResult, trace: Trace | None = None) -> list[list[Any]]:
    trace = trace or Trace(result)
    return [basis_row(trace, leader, cons) for leader in result.results for cons in leader.consequences]


def write_basis(wb: Workbook, result: RunResult, trace: Trace | None = None) -> Worksheet:
    ws = table_sheet(wb, "触发依据", BASIS_HEADERS, basis_rows(result, trace))
    set_widths(ws, BASIS_WIDTHS)
    wrap_all(ws)
    fit_row_heights(ws)
    return ws
