"""Why a consequence differs between two parameter sets: the deciding number against both thresholds.

Read from the rule's condition syntax tree, never from per-rule text: every comparison of a fact
with a parameter that differs between the two sides becomes one line such as

    当年扣分 3.5：基线 < 4，情景 ≥ 3.5

A fact concluded by another rule (末位淘汰: ELIMINATION_ADJUST_POST reads
elimination_single_year_met) is followed into the rule that concludes it.
"""
from __future__ import annotations

import operator
from typing import Any, Callable

from engine.evaluation.facts import CATALOGUE
from engine.rules.conditions import And, Compare, ContainsAny, Fact, In, Not, Or, Param, Truth
from engine.rules.load import LoadedRule, Scorecard
from engine.xlsxio import format_value

BASE_ZH, OTHER_ZH = "基线", "情景"

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq, "!=": operator.ne}
_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "=", "!=": "≠"}
_NEGATED = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "==": "≠", "!=": "="}


def fact_label(name: str) -> str:
    """The fact's Chinese meaning without its formula: "当年扣分 P(Y)" → "当年扣分"."""
    for spec in CATALOGUE:
        if spec.name == name:
            return spec.meaning.split(" ")[0].split("（")[0]
    return name


def _fmt(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return format_value(value)


class Sides:
    """The two parameter sets and the facts seen on each side for one consequence."""

    def __init__(self, base: dict[str, Any], other: dict[str, Any], differing: set[str],
                 facts_base: dict[str, Any], facts_other: dict[str, Any]):
        self.params = (base, other)
        self.differing = differing
        self.facts = (facts_base, facts_other)


def _compare_line(node: Compare, sides: Sides) -> tuple[str, bool] | None:
    name = node.value.name  # type: ignore[union-attr]
    values = [facts.get(node.fact.name) for facts in sides.facts]
    if all(v is None for v in values):
        return None
    values = [v if v is not None else values[1 - i] for i, v in enumerate(values)]
    parts, outcomes = [], []
    for label, value, params in zip((BASE_ZH, OTHER_ZH), values, sides.params):
        threshold = params.get(name)
        try:
            holds = _OPS[node.op](value, threshold)
        except TypeError:
            return None
        outcomes.append(holds)
        symbol = _SYMBOL[node.op] if holds else _NEGATED[node.op]
        shown = "" if values[0] == values[1] else f"{_fmt(value)} "
        parts.append(f"{label} {shown}{symbol} {_fmt(threshold)}")
    head = f"{fact_label(node.fact.name)} {_fmt(values[0])}" if values[0] == values[1] else fact_label(node.fact.name)
    return f"{head}：{'，'.join(parts)}", outcomes[0] != outcomes[1]


def _in_line(node: In, sides: Sides) -> tuple[str, bool] | None:
    name = node.values.name  # type: ignore[union-attr]
    values = [facts.get(node.fact.name) for facts in sides.facts]
    if all(v is None for v in values):
        return None
    values = [v if v is not None else values[1 - i] for i, v in enumerate(values)]
    parts, outcomes = [], []
    for label, value, params in zip((BASE_ZH, OTHER_ZH), values, sides.params):
        band = params.get(name) or []
        outcomes.append(value in band)
        shown = "" if values[0] == values[1] else f"{_fmt(value)} "
        parts.append(f"{label} {shown}{'在' if value in band else '不在'} {_fmt(band)} 中")
    head = f"{fact_label(node.fact.name)} {_fmt(values[0])}" if values[0] == values[1] else fact_label(node.fact.name)
    return f"{head}：{'，'.join(parts)}", outcomes[0] != outcomes[1]


def _param_line(name: str, sides: Sides) -> tuple[str, bool]:
    base, other = (params.get(name) for params in sides.params)
    return f"参数 {name}：{BASE_ZH} {_fmt(base)}，{OTHER_ZH} {_fmt(other)}", True


def deciding_lines(loaded: LoadedRule, scorecard: Scorecard, sides: Sides) -> list[str]:
    """The comparisons in the rule (and in the rules concluding the facts it reads) whose parameter
    differs; those that come out differently on the two sides when there are any."""
    concluders = {r.concludes: r for r in scorecard.rules if r.concludes}
    lines: list[tuple[str, bool]] = []
    seen_rules: set[str] = set()

    def walk(node: Any) -> None:
        line = None
        if isinstance(node, (And, Or)):
            for item in node.items:
                walk(item)
        elif isinstance(node, Not):
            walk(node.item)
        elif isinstance(node, Compare) and isinstance(node.value, Param) and node.value.name in sides.differing:
            line = _compare_line(node, sides)
        elif isinstance(node, In) and isinstance(node.values, Param) and node.values.name in sides.differing:
            line = _in_line(node, sides)
        elif isinstance(node, ContainsAny) and isinstance(node.values, Param) and node.values.name in sides.differing:
            line = _param_line(node.values.name, sides)
        elif isinstance(node, Truth) and isinstance(node.ref, Param) and node.ref.name in sides.differing:
            line = _param_line(node.ref.name, sides)
        elif isinstance(node, Truth) and isinstance(node.ref, Fact) and node.ref.name in concluders:
            visit(concluders[node.ref.name])
        if line and line not in lines:
            lines.append(line)

    def visit(rule: LoadedRule) -> None:
        if rule.id in seen_rules:
            return
        seen_rules.add(rule.id)
        for _, node in rule.clauses:
            walk(node)

    visit(loaded)
    decisive = [text for text, differs in lines if differs]
    return decisive or [text for text, _ in lines]
