"""The auditor's trail for one leader-year: conditions with numbers, evidence rows, nearest misses.

Everything here is generated from the rules' syntax trees (engine.output.render), the facts
catalogue and the evidence the run attached (engine.evaluation.evidence) — no sentence is
written per rule, so a new rule pack is explained the same way as the shipped rules.

"Nearest miss" of a rule that did not fire: over the rule's clauses (and, for per-record
scopes, the leader's or unit's records), the clause with the smallest gap (render.gap: the
relative distance of a number from its threshold; 1 for a failed yes/no or text condition;
clauses whose data is missing come last), shown as the atoms that failed — `当年扣分 3.5 < 4`.
A failed concluded fact is followed into the rule that concludes it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.evaluation.evidence import num
from engine.evaluation.facts import SCOPES, fact_label
from engine.evaluation.results import Consequence, Evidence, LeaderResult, RunResult
from engine.input.sheets import FAMILY_NAMES, FIVE_DIMENSIONS, SHEETS_BY_EN
from engine.output.render import RenderContext, failing, gap, render, text_value
from engine.rules.load import LoadedRule, Scorecard
from engine.rules.model import ConsequenceAction
from engine.rules.sources import document, with_titles

PROVENANCE_ZH = {"source": "文件依据", "local": "本地参数", "scenario": "情景覆盖"}
FAMILY_ZH: dict[str, str] = FAMILY_NAMES | {
    "card.two_years": "连续两年累计扣分", "card.three_years": "连续三年累计扣分",
    "elimination.two_years": "末位淘汰连续二年条款",
}
SCORE_LABELS = {"five_reinforcements": "五个强化加权分", "composite": "综合得分"}


@dataclass(frozen=True)
class Miss:
    rule_id: str
    title: str        # the consequence label of the rule
    text: str         # the failing atoms with numbers (or why the rule does not apply)


# --------------------------------------------------------------------------- small texts
def family_name(family: str) -> str:
    """A family's Chinese name; an unnamed "family.clause" reads as the family's name and 部分条款."""
    if family in FAMILY_ZH or "." not in family:
        return FAMILY_ZH.get(family, family)
    return f"{FAMILY_ZH.get(family.split('.', 1)[0], family)}（部分条款）"


def source_line(cons: Consequence) -> str:
    return f"{document(cons.source.document).display} {cons.source.section}"


def evidence_line(ev: Evidence) -> str:
    """廉政监督卡 第63行：年度 2025，日期 2025-02-11，扣分事项 插手工程承包，扣分 3"""
    values = "，".join(f"{k} {_plain(v)}" for k, v in ev.values.items())
    return f"{ev.sheet} 第{ev.row}行：{values}"


def _plain(value: Any) -> str:
    return text_value(value).strip("“”") if isinstance(value, str) else text_value(value)


def parameter_line(name: str, value: Any, result: RunResult) -> str:
    p = next((x for x in result.parameters if x.name == name), None)
    what = f"{p.meaning}；" if p and p.meaning else ""
    kind = PROVENANCE_ZH.get(p.provenance, "") if p else ""
    citation = f"：{with_titles(p.citation)}" if p and p.citation else ""
    return f"{name} = {text_value(value).strip('“”')}（{what}{kind}{citation}）"


def score_items(leader: LeaderResult) -> list[tuple[str, str]]:
    """(label, value) of each score, in Chinese; a missing window says so."""
    items: list[tuple[str, str]] = []
    for name, value in leader.scores.items():
        if name == "five_reinforcements":
            five = value or {}
            if not five:
                continue
            dims = five.get("dimensions") or {}
            grades = five.get("grades") or {}
            parts = "，".join(f"{d.zh} {num(dims.get(d.en))}" + (f"（{grades[d.en]}）" if d.en in grades else "")
                             for d in FIVE_DIMENSIONS)
            items.append((SCORE_LABELS[name], f"{num(five.get('weighted'))}（{parts}）"))
            continue
        label = SCORE_LABELS.get(name) or fact_label(name) or name
        if value is None:
            if name.startswith("deduction_points_"):
                items.append((label, "无法计算（窗口内有未参加考核的年度）"))
            continue
        items.append((label, text_value(value)))
    return items


def grade_notes(leader: LeaderResult, cons: Consequence) -> list[str]:
    """A 五个强化 dimension typed as a grade: say so, and which parameter turned it into a number."""
    grades = ((leader.scores.get("five_reinforcements") or {}).get("grades") or {})
    return [f"{fact_label(f'five_{d.en}')}：填写为等次“{grades[d.en]}”，按参数 five.grades 换算为 "
            f"{num(cons.facts[f'five_{d.en}'])}"
            for d in FIVE_DIMENSIONS if d.en in grades and f"five_{d.en}" in cons.facts]


# --------------------------------------------------------------------------- tracing
class Trace:
    """Conditions and misses for the leaders of one result (needs the run behind it)."""

    def __init__(self, result: RunResult, scorecard: Scorecard | None = None, run: Any = None):
        trace = getattr(result, "_trace", None)
        if scorecard is None and trace:
            scorecard, run = trace
        self.result = result
        self.scorecard = scorecard
        self.run = run
        self.params = {p.name: p for p in result.parameters}
        self.concluded = ({r.concludes: r.rule.then.meaning for r in scorecard.rules if r.concludes}
                          if scorecard else {})
        self.concluders = {r.concludes: r for r in scorecard.rules if r.concludes} if scorecard else {}

    def _ctx(self, rule: LoadedRule) -> RenderContext:
        return RenderContext(self.params, rule.rule.scope, self.concluded, rule.local_values)

    def _rule(self, rule_id: str) -> LoadedRule | None:
        if not self.scorecard:
            return None
        try:
            return self.scorecard.rule(rule_id)
        except KeyError:
            return None

    # -- fired
    def conditions(self, cons: Consequence) -> list[str]:
        """Each fired clause with its numbers; for per-record scopes, one line per row."""
        rule = self._rule(cons.rule_id)
        labels = next((r.clauses for r in self.result.rules if r.id == cons.rule_id), {})
        if rule is None:  # a result read back from JSON: no syntax tree, so the clause and the values
            lines = [f"命中条款：{'、'.join(labels.get(c, c) for c in cons.clauses)}"] if cons.clauses else []
            lines += [f"{fact_label(k) or self.concluded.get(k) or k} {_plain(v)}" for k, v in cons.facts.items()
                      if not isinstance(v, (list, dict))]
            return lines + [f"参数 {name} = {_plain(v)}" for name, v in cons.parameters.items()]
        ctx = self._ctx(rule)
        nodes = dict(rule.clauses)
        names = cons.clauses or [name for name, _ in rule.clauses]
        lines = []
        rows = cons.detail.get("rows") or []
        for name in names:
            node = nodes.get(name)
            if node is None:
                continue
            prefix = f"{labels[name]}：" if labels.get(name) else ""
            if rows:
                lines += [f"{row.get('sheet', '')}第{row.get('row')}行：{prefix}{render(node, ctx, row)}"
                          for row in rows]
            else:
                lines.append(prefix + render(node, ctx, cons.facts))
        return lines + self._chains(cons.detail.get("derived_from") or {})

    def _chains(self, derived: dict[str, Any]) -> list[str]:
        """其中 <concluded fact> ← the clause of the rule that concluded it, with its numbers."""
        lines = []
        for fact, chain in derived.items():
            rule = self._rule(chain.get("rule_id", ""))
            if rule is None:
                continue
            nodes, labels = dict(rule.clauses), rule.rule.clause_labels()
            for name in chain.get("clauses") or [""]:
                if name in nodes:
                    label = f"（{labels[name]}）" if labels.get(name) else ""
                    lines.append(f"其中“{self.concluded.get(fact, fact)}”{label}："
                                 f"{render(nodes[name], self._ctx(rule), chain.get('facts') or {})}")
            lines += self._chains(chain.get("derived_from") or {})
        return lines

    # -- not fired
    def misses(self, leader: LeaderResult) -> tuple[list[Miss], list[str]]:
        """(nearest miss per rule that did not fire, rules that apply only to 党政一把手 when the
        leader is not one). Rules of families not evaluated are left out: not_evaluated says why."""
        if not self.scorecard or not self.run:
            return [], []
        fired = {c.rule_id for c in leader.consequences}
        skipped = {n["family"] for n in leader.not_evaluated if "row" not in n}
        out: list[Miss] = []
        top_only: list[str] = []
        for rule in self.scorecard.rules:
            then = rule.rule.then
            if not isinstance(then, ConsequenceAction) or rule.id in fired or rule.rule.family in skipped:
                continue
            scope = SCOPES[rule.rule.scope]
            needs_top = rule.rule.applies_to == "top" or scope.attach == "unit_top"
            if needs_top and not leader.is_top:
                top_only.append(f"{then.label}（{rule.id}）")
                continue
            out.append(Miss(rule.id, then.label, self._nearest(rule, leader)))
        return out, top_only

    def _records(self, rule: LoadedRule, leader: LeaderResult) -> list[dict[str, Any]]:
        scope = SCOPES[rule.rule.scope]
        records = [o.record for o in self.run.outcomes.get(rule.rule.scope, [])]
        if scope.attach == "leader":
            return [r for r in records if r.get("year") == leader.year and r.get("leader_id") == leader.leader_id]
        return [r for r in records if r.get("year") == leader.year and r.get("unit") == leader.unit]

    def _nearest(self, rule: LoadedRule, leader: LeaderResult, depth: int = 0) -> str:
        records = self._records(rule, leader)
        scope = SCOPES[rule.rule.scope]
        if not records:
            return f"没有{SHEETS_BY_EN[scope.sheet].zh}记录"
        ctx = self._ctx(rule)
        best = min(((gap(node, rec, ctx), i, j, name, node, rec)
                    for i, rec in enumerate(records) for j, (name, node) in enumerate(rule.clauses)),
                   key=lambda t: t[:3])
        distance, _, _, name, node, rec = best
        atoms = [self._atom(atom, rec, ctx, leader, depth) for atom in failing(node, rec, ctx)]
        label = rule.rule.clause_labels().get(name)
        text = "；".join(atoms) or render(node, ctx, rec)
        where = _where(scope.name, rec)
        prefix = f"{where}{label + '：' if label else ''}"
        if distance[0]:
            return f"{prefix}数据不全，无法判断：{text}"
        return prefix + text

    def _atom(self, atom: Any, rec: dict[str, Any], ctx: RenderContext, leader: LeaderResult, depth: int) -> str:
        text = render(atom, ctx, rec)
        ref = getattr(atom, "ref", None)
        concluder = self.concluders.get(getattr(ref, "name", ""))
        if concluder and depth < 3 and rec.get(ref.name) is False:
            text += f"（{concluder.rule.title}：{self._nearest(concluder, leader, depth + 1)}）"
        return text


def _where(scope: str, rec: dict[str, Any]) -> str:
    """Which record a per-record miss is about: the sheet row, or the round."""
    spec = SCOPES[scope]
    if scope == "leader_year":
        return ""
    if rec.get("row") is not None:
        return f"{SHEETS_BY_EN[spec.sheet].zh}第{rec['row']}行："
    if spec.group_by:
        return f"{rec.get('year')}年{fact_label(spec.group_by, scope)}{text_value(rec.get(spec.group_by))}："
    return ""
