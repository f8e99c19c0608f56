"""The rule catalogue: every rule of a scorecard with its doc fields, clauses in Chinese, parameters
(value, provenance, meaning), code and verbatim quote, grouped by family.

Generated from the rule files through the same renderer as `explain` (engine.output.render), so
it cannot drift from the rules that run. `docs/rules.md` is this Markdown for the default
scorecard, checked in; a test fails when it is out of date (`scorecard rules -o docs/rules.md`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from engine.output.printing import fit_row_heights, print_setup, set_widths, wrap_all
from engine.output.render import RenderContext, render, text_value
from engine.output.trace import family_name
from engine.rules.load import LoadedRule, Scorecard
from engine.rules.model import effective_window_zh
from engine.rules.sources import document_title
from engine.xlsx_safe import safe_cell
from engine.xlsxio import HEADER_FILL, HEADER_FONT, save_workbook_stable

PROVENANCE_ZH = {"source": "文件依据", "local": "本地参数", "scenario": "情景覆盖"}
XLSX_WIDTHS = (12, 88)
TITLE_FONT = Font(bold=True, size=14)


@dataclass
class Entry:
    """One rule as the catalogue shows it."""

    family: str
    rule_id: str
    title: str
    applies_to: str
    result: str
    what: str
    why: str
    clauses: list[str]         # "一年扣分条款：当年扣分 ≥ 10（card.demote_one_year，篇3）"
    parameters: list[str]      # "card.demote_one_year = 10（文件依据：…；降职、免职…的一年扣分下限）"
    effective: str
    document: str
    section: str
    quote: str


def entries(scorecard: Scorecard) -> list[Entry]:
    concluded = {r.concludes: r.rule.then.meaning for r in scorecard.rules if r.concludes}
    out = [_entry(loaded, scorecard, concluded) for loaded in scorecard.rules]
    order = list(dict.fromkeys(e.family for e in out))  # families in the order the scorecard lists rules
    return sorted(out, key=lambda e: order.index(e.family))


def _entry(loaded: LoadedRule, scorecard: Scorecard, concluded: dict[str, str]) -> Entry:
    rule = loaded.rule
    then = rule.then
    ctx = RenderContext(params=scorecard.params, scope=rule.scope, concluded=concluded, lists=loaded.local_values)
    labels = rule.clause_labels()
    clauses = [f"{labels[name]}：{render(node, ctx)}" if name else render(node, ctx) for name, node in loaded.clauses]
    params = [_parameter(name, scorecard.params[name]) for name in rule.parameters]
    result = (f"后果 {then.code}：{then.label}" if then.kind == "consequence"
              else f"得出结论“{then.meaning}”，供其他规则使用")
    return Entry(family=family_name(rule.family), rule_id=rule.id, title=rule.title,
                 applies_to="党政一把手" if rule.applies_to == "top" else "全部干部", result=result,
                 what=rule.what, why=rule.why, clauses=clauses, parameters=params,
                 effective=effective_window_zh(rule.effective_from, rule.effective_to),
                 document=document_title(rule.source.document), section=rule.source.section,
                 quote=rule.source.quote)


def _parameter(name: str, param: Any) -> str:
    return (f"{name} = {text_value(param.value)}（{PROVENANCE_ZH.get(param.provenance, param.provenance)}："
            f"{param.citation}；{param.meaning}）")


def markdown(scorecard: Scorecard) -> str:
    out = [f"# 规则目录 — {scorecard.definition.title}", "",
           "由规则文件生成（`scorecard rules --format md -o docs/rules.md`），请勿手工编辑。", ""]
    family = None
    for e in entries(scorecard):
        if e.family != family:
            family = e.family
            out += [f"## {family}", ""]
        out += [f"### {e.rule_id} — {e.title}", "",
                f"- 适用对象：{e.applies_to}；{e.result}；生效年度：{e.effective}",
                f"- 做什么：{e.what}", f"- 为什么：{e.why}", "- 条件（任一成立即触发）：" if len(e.clauses) > 1 else "- 条件："]
        out += [f"  - {clause}" for clause in e.clauses]
        if e.parameters:
            out.append("- 参数：")
            out += [f"  - {p}" for p in e.parameters]
        out += [f"- 来源：{e.document} {e.section}", "", f"> {e.quote}", ""]
    return "\n".join(out).rstrip() + "\n"


def write_xlsx(scorecard: Scorecard, path: Path) -> None:
    """One block per rule (项目 | 内容), portrait A4: readable when printed, unlike a 13-column table."""
    wb = Workbook()
    ws = wb.active
    ws.title = "规则目录"
    ws.append([f"规则目录 — {scorecard.definition.title}", None])
    ws["A1"].font = TITLE_FONT
    heads = [1]
    for e in entries(scorecard):
        ws.append([])
        ws.append([f"{e.rule_id} — {e.title}", None])
        heads.append(ws.max_row)
        ws.cell(ws.max_row, 1).font = HEADER_FONT
        ws.cell(ws.max_row, 1).fill = HEADER_FILL
        ws.cell(ws.max_row, 2).fill = HEADER_FILL
        for label, value in (("类别", e.family), ("适用对象", e.applies_to), ("结果", e.result), ("做什么", e.what),
                             ("为什么", e.why), ("条件", "\n".join(e.clauses)), ("参数", "\n".join(e.parameters) or "无"),
                             ("生效年度", e.effective), ("来源", f"{e.document} {e.section}"), ("来源原文", e.quote)):
            ws.append([label, safe_cell(value)])
    set_widths(ws, XLSX_WIDTHS)
    wrap_all(ws)
    fit_row_heights(ws)
    for row in heads:  # a title spans both columns on one line
        ws.merge_cells(start_row=row, end_row=row, start_column=1, end_column=2)
        ws.cell(row, 1).alignment = Alignment(vertical="center")
        ws.row_dimensions[row].height = 24 if row == 1 else 18
    print_setup(ws, (scorecard.fingerprint, "—"), landscape=False, title_rows=0)
    save_workbook_stable(wb, path)
