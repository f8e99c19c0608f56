"""Explanations for auditors: why a consequence fired, with which facts and numbers.

Also renders the rule and fact catalogues from the typed rule docs, so the
documentation cannot drift from the rules that run.
"""
from __future__ import annotations

import json
from typing import Any

from engine.evaluation.facts import CATALOGUE
from engine.rules.load import Scorecard
from engine.evaluation.results import LeaderResult, RunResult


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "（空）"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


_MEANINGS = {spec.name: spec.meaning for spec in CATALOGUE}
_MEANINGS.update({"count": "命中的记录数", "amount_total": "命中记录的金额合计（元）",
                  "portfolio_raw": "分管事项原文", "matched_keywords": "命中的关键词"})


def _fact_line(name: str, value: Any, concluded: dict[str, str] | None = None) -> str:
    meaning = (_MEANINGS.get(name) or (concluded or {}).get(name)
               or ("由规则推出的结论：得出它的规则未成立" if value is False else "由规则推出的结论"))
    return f"      {name} = {_fmt(value)}    （{meaning}）"


def _row_line(row: dict[str, Any]) -> str:
    rest = "，".join(f"{k}={_fmt(v)}" for k, v in row.items() if k not in ("sheet", "row"))
    return f"      工作表“{row['sheet']}”第{row['row']}行：{rest}"


_PROVENANCE = {"source": "文件依据", "local": "本地参数", "scenario": "情景覆盖"}


def _param_line(name: str, value: Any, params: dict[str, Any], indent: str = "    ") -> str:
    p = params.get(name)
    kind = _PROVENANCE.get(p.provenance, "") if p else ""
    return f"{indent}参数 {name} = {_fmt(value)}（{kind}：{p.citation if p else ''}）"


def _typed_grades(leader: LeaderResult) -> dict[str, str]:
    five = leader.scores.get("five_reinforcements") or {}
    return {f"five_{dim}": grade for dim, grade in (five.get("grades") or {}).items()}


def explain_leader(result: RunResult, leader: LeaderResult) -> str:
    params = {p.name: p for p in result.parameters}
    clause_labels = {rule.id: rule.clauses for rule in result.rules}
    grades = _typed_grades(leader)
    lines = [f"{leader.year}年度 {leader.name}（{leader.leader_id}） {leader.unit} {leader.title}"
             f"{' · 党政一把手' if leader.is_top else ''}"]
    scores = "，".join(f"{k}={_fmt(v)}" for k, v in leader.scores.items() if v is not None)
    lines.append(f"  得分与事实：{scores or '（无）'}")
    if not leader.consequences:
        lines.append("  未触发任何后果。")
    for c in leader.consequences:
        labels = clause_labels.get(c.rule_id, {})
        clauses = f"（条款：{'、'.join(labels.get(n, n) for n in c.clauses)}）" if c.clauses else ""
        lines.append(f"  ▶ {c.code} {c.label} — 规则 {c.rule_id}{clauses}")
        lines.append("    依据的事实：")
        concluded = {f: f"由规则 {chain['rule_id']} 得出：{chain.get('meaning', '')}"
                     for f, chain in c.detail.get("derived_from", {}).items()}
        for k, v in c.facts.items():
            line = _fact_line(k, v, concluded)
            if k in grades:  # typed as a grade: say so, the grade map is among the parameters below
                line = line[:-1] + f"；填写为等次“{grades[k]}”，按参数 five.grades 换算）"
            lines.append(line)
        for fact, chain in c.detail.get("derived_from", {}).items():
            lines.append(f"    其中 {fact} 由规则 {chain['rule_id']}（条款 {'、'.join(chain['clauses'])}）得出，依据：")
            lines += ["  " + _fact_line(k, v) for k, v in chain["facts"].items()]
            lines += [_param_line(k, v, params, "        ") for k, v in chain["parameters"].items()]
        lines += [_param_line(name, value, params) for name, value in c.parameters.items()]
        if c.detail.get("rows"):
            lines.append("    依据的记录：")
            lines += [_row_line(row) for row in c.detail["rows"]]
        if "reason_zh" in c.detail:
            lines.append(f"    说明：{c.detail['reason_zh']}")
        lines.append(f"    来源：{c.source.document} {c.source.section}")
        lines.append(f"    原文：{c.source.quote}")
    for note in leader.not_evaluated:
        lines.append(f"  ○ 未评估 [{note['family']}]：{note['reason_zh']}")
    return "\n".join(lines)


def rule_catalogue(scorecard: Scorecard) -> str:
    """Markdown catalogue of every rule of a scorecard, generated from the rule files."""
    out = [f"# 规则目录 — {scorecard.definition.title}", ""]
    for loaded in scorecard.rules:
        rule = loaded.rule
        then = rule.then
        result = (f"后果 `{then.code}`（{then.label}）" if then.kind == "consequence"
                  else f"得出结论 `{then.fact}`（{then.meaning}）")
        out += [f"## {rule.id} — {rule.title}", "",
                f"- 适用：{'党政一把手' if rule.applies_to == 'top' else '全部干部'}；类别：{rule.family}；{result}",
                f"- 做什么：{rule.what}", f"- 为什么：{rule.why}"]
        for name, text in rule.named_conditions():
            out.append(f"- 条件{('（' + name + '）') if name else ''}：`{' '.join(text.split())}`")
        for name in rule.parameters:
            p = scorecard.params[name]
            out.append(f"- 参数 `{name}` = {_fmt(p.value)}（{p.provenance}：{p.citation}）")
        out += [f"- 来源：{rule.source.document} {rule.source.section}", f"  > {rule.source.quote}", ""]
    return "\n".join(out)


def fact_catalogue() -> str:
    out = ["# 事实目录（规则可读取的事实）", "", "| 事实 | 类型 | 所需工作表 | 含义 | 计算方法 |", "|---|---|---|---|---|"]
    for f in CATALOGUE:
        out.append(f"| {f.name} | {f.type} | {f.sheet} | {f.meaning} | {f.derivation} |")
    return "\n".join(out)
