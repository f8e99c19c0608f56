"""Explanations for auditors: why a consequence fired, with which facts and numbers.

Also renders the fact catalogue (the rule catalogue is engine.output.catalogue).
"""
from __future__ import annotations

import difflib
import json
from typing import Any

from engine.evaluation.facts import CATALOGUE, SCOPES
from engine.evaluation.results import LeaderResult, RunResult
from engine.output.report_todo import status_text, where_text
from engine.output.trace import (Trace, evidence_line, family_name, grade_notes, parameter_line, score_items,
                                 source_line)


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "（空）"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class AmbiguousLeader(ValueError):
    """--leader matched nobody, or several people: the message lists them (never a guess)."""


def select_leaders(result: RunResult, queries: tuple[str, ...] | list[str], everyone: bool = False
                   ) -> list[LeaderResult]:
    """The leader-years to explain. A query is an id (any case) or a name; a name two people share
    is listed, not guessed. No query: everyone with a consequence or a 未评估 note (all with everyone)."""
    if everyone or not queries:
        return [r for r in result.results if everyone or r.consequences or r.not_evaluated]
    chosen: set[str] = set()
    for query in queries:
        q = query.strip()
        ids = {r.leader_id for r in result.results if r.leader_id.casefold() == q.casefold()}
        ids = ids or {r.leader_id for r in result.results if r.name == q}
        if not ids:
            known = sorted({r.leader_id for r in result.results} | {r.name for r in result.results})
            close = difflib.get_close_matches(q, known, n=5, cutoff=0.5)
            hint = f"；是否想找：{'、'.join(close)}" if close else ""
            raise AmbiguousLeader(f"{'、'.join(map(str, result.years))}年度没有编号或姓名为“{q}”的干部{hint}"
                                  f" / no leader '{q}' in {result.years}")
        if len(ids) > 1:
            people = sorted({(r.leader_id, r.name, r.unit, r.title) for r in result.results if r.leader_id in ids})
            listing = "\n".join(f"  {lid} {name} {unit} {title}" for lid, name, unit, title in people)
            raise AmbiguousLeader(f"“{q}”对应多名干部，请用干部编号指定 / '{q}' matches several leaders, "
                                  f"give the id:\n{listing}")
        chosen |= ids
    return [r for r in result.results if r.leader_id in chosen]


def explain_leader(result: RunResult, leader: LeaderResult, trace: Trace | None = None) -> str:
    """One leader-year for an auditor, in Chinese: scores, each consequence with the condition and
    its numbers, the arithmetic, every input row behind it and the source; then, for every rule that
    did not fire, the nearest miss, and every family not evaluated with its reason."""
    trace = trace or Trace(result)
    titles = {rule.id: rule.title for rule in result.rules}
    lines = [f"{leader.year}年度 {leader.name}（{leader.leader_id}） {leader.unit} {leader.title}"
             f"{' · 党政一把手' if leader.is_top else ''}"]
    scores = "；".join(f"{label} {value}" for label, value in score_items(leader))
    lines.append(f"  得分：{scores or '（无）'}")
    if not leader.consequences:
        lines.append("  未触发任何后果。")
    for c in leader.consequences:
        lines.append(f"  ▶ {c.label}（{c.code}）— 规则 {c.rule_id} {titles.get(c.rule_id, '')}".rstrip())
        lines += [f"    条件：{text}" for text in trace.conditions(c)]
        lines += [f"    计算：{text}" for text in c.arithmetic.values()]
        lines += [f"    等次：{text}" for text in grade_notes(leader, c)]
        if c.evidence:
            lines.append("    依据记录：")
            lines += [f"      {evidence_line(ev)}" for ev in c.evidence]
        lines += [f"    参数：{parameter_line(name, value, result)}" for name, value in c.parameters.items()]
        if "reason_zh" in c.detail:
            lines.append(f"    说明：{c.detail['reason_zh']}")
        lines.append(f"    来源：{source_line(c)}")
        lines.append(f"    原文：{result.quote(c.rule_id)}")
    misses, top_only = trace.misses(leader)
    if misses or top_only:
        lines.append("  未触发的规则（最接近的条件）：")
        lines += [f"    ○ {m.title}（{m.rule_id}）：{m.text}" for m in misses]
        if top_only:
            lines.append(f"    ○ 仅适用于党政一把手，本人不适用：{'、'.join(top_only)}")
    for note in leader.not_evaluated:
        lines.append(f"  ○ 未评估（{family_name(note['family'])}）：{note['reason_zh']}")
    if leader.obligations:
        lines.append(f"  待办（截至统计日，{len(leader.obligations)} 项）：")
        lines += [f"    □ {item['due'] or '（未填到期日）'} {status_text(item)} {item['kind_zh']}：{item['what']}"
                  f"（{where_text(item)}）" for item in leader.obligations]
    return "\n".join(lines)


def fact_catalogue() -> str:
    out = ["# 事实目录（规则可读取的事实）", ""]
    for scope in SCOPES.values():   # a rule reads the facts of its own scope (rule file `scope`)
        out += [f"## {scope.name}：{scope.meaning}", "", "| 事实 | 类型 | 所需工作表 | 含义 | 计算方法 |",
                "|---|---|---|---|---|"]
        out += [f"| {f.name} | {f.type} | {f.sheet} | {f.meaning} | {f.derivation} |"
                for f in CATALOGUE if f.scope == scope.name]
        out.append("")
    return "\n".join(out).rstrip() + "\n"
