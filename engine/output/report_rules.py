"""The report's 规则 sheet: every consequence rule of the run, its effective years, and whether
it applied to the years scored (a rule outside its effective years is skipped, and says why)."""
from __future__ import annotations

from openpyxl import Workbook

from engine.evaluation.results import RunResult
from engine.rules.model import effective_window_zh
from engine.rules.sources import document_title
from engine.xlsxio import table_sheet

RULE_HEADERS = ("规则编号", "规则名称", "后果代码", "生效年度", "本次适用情况", "来源文件", "来源段落")


def rule_rows(result: RunResult) -> list[list[object]]:
    skipped = {s.rule_id: s for s in result.rules_not_in_force}
    rows = []
    for rule in result.rules:
        state = skipped[rule.id].reason_zh if rule.id in skipped else "适用"
        rows.append([rule.id, rule.title, rule.code, effective_window_zh(rule.effective_from, rule.effective_to), state,
                     document_title(rule.source.document), rule.source.section])
    known = {rule.id for rule in result.rules}
    rows += [[s.rule_id, s.title, "（得出结论，供其他规则使用）", "", s.reason_zh, "", ""]
             for s in result.rules_not_in_force if s.rule_id not in known]
    return rows


def write_rules_sheet(wb: Workbook, result: RunResult) -> None:
    table_sheet(wb, "规则", RULE_HEADERS, rule_rows(result))
