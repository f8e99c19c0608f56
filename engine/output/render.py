"""Conditions in Chinese: a rule's syntax tree rendered for auditors, with or without the numbers.

    render(node, ctx)                 当年扣分 ≥ 4（card.disqualify_awards，篇3）
    render(node, ctx, values=record)  当年扣分 7 ≥ 4（card.disqualify_awards，篇3）

With values, every comparison states the relation that actually holds: a clause that
fired reads `12 ≥ 12`, one that missed reads `3.5 < 4`. Facts are named by their label
in the facts catalogue (engine.evaluation.facts), concluded facts by the meaning their
rule gives; a parameter shows its value, name and where it comes from (篇N of the source,
本地参数, 情景覆盖). Nothing here is written per rule: the rule catalogue, `explain`,
触发依据 and the 个人评分表 all render clauses through `render`.

`evaluate` and `gap` read the same tree (Kleene logic: a missing fact is unknown, not
false); engine.output.trace uses them for the nearest misses.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from engine.evaluation.evidence import num
from engine.evaluation.facts import fact_label
from engine.rules.conditions import And, Compare, Const, ContainsAny, Fact, In, Node, Not, Or, Param, Truth

OP_ZH = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
NEGATE = {">=": "<", "<=": ">", ">": "<=", "<": ">=", "==": "!=", "!=": "=="}
PROVENANCE_SHORT = {"local": "本地参数", "scenario": "情景覆盖"}
SHOWN_WORDS = 6   # keyword lists longer than this are shortened in a rendered clause


@dataclass
class RenderContext:
    """What a rendering needs besides the tree: parameters in force and names of concluded facts.

    `params` maps a parameter name to anything with .value, .provenance and .citation
    (the scorecard's ParamValue or the results' ParameterInForce); `lists` holds a rule's
    own word lists (lists.<name>); `concluded` maps a concluded fact to its meaning.
    """

    params: Mapping[str, Any]
    scope: str = "leader_year"
    concluded: Mapping[str, str] = field(default_factory=dict)
    lists: Mapping[str, Any] = field(default_factory=dict)

    def value(self, name: str) -> Any:
        if name in self.lists:
            return self.lists[name]
        p = self.params.get(name)
        return getattr(p, "value", p)

    def label(self, name: str) -> str:
        return fact_label(name, self.scope) or self.concluded.get(name) or name


def where_from(param: Any) -> str:
    """篇3 for a source parameter (the passage it cites), 本地参数 / 情景覆盖 otherwise."""
    provenance = getattr(param, "provenance", "")
    if provenance in PROVENANCE_SHORT:
        return PROVENANCE_SHORT[provenance]
    found = re.search(r"篇\s*\d+", getattr(param, "citation", "") or "")
    return found.group(0).replace(" ", "") if found else "文件依据"


def text_value(value: Any) -> str:
    """A value as a person writes it: 7, 3.5, 是/否, 2、3, “乡镇”; None as 空."""
    if value is None:
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple)):
        return "、".join(text_value(v) for v in value)
    if isinstance(value, dict):
        return "，".join(f"{k} {text_value(v)}" for k, v in value.items())
    if isinstance(value, str):
        return f"“{value}”"
    return num(value)


def _operand(node: Const | Param, ctx: RenderContext) -> str:
    if isinstance(node, Const):
        return _set(node.value) if isinstance(node.value, tuple) else text_value(node.value)
    value = ctx.value(node.name)
    shown = _set(value) if isinstance(value, (list, tuple)) else text_value(value)
    if node.name.startswith("lists."):
        return shown
    return f"{shown}（{node.name}，{where_from(ctx.params.get(node.name))}）"


def _set(values: Any) -> str:
    values = list(values or [])
    return "{" + "、".join(text_value(v) for v in values) + "}"


def _words(values: Any) -> str:
    words = list(values or [])
    shown = "、".join(words[:SHOWN_WORDS])
    return shown + (f"等 {len(words)} 个" if len(words) > SHOWN_WORDS else "")


# --------------------------------------------------------------------------- evaluation
def evaluate(node: Node, values: Mapping[str, Any], ctx: RenderContext) -> bool | None:
    """The clause's truth on a record, Kleene style: None when a fact it needs is missing."""
    if isinstance(node, Const):
        return bool(node.value)
    if isinstance(node, Truth):
        v = values.get(node.ref.name) if isinstance(node.ref, Fact) else ctx.value(node.ref.name)
        if isinstance(node.ref, Param) and node.equals is not None:
            return v == node.equals
        return None if v is None else bool(v)
    if isinstance(node, Not):
        inner = evaluate(node.item, values, ctx)
        return None if inner is None else not inner
    if isinstance(node, (And, Or)):
        results = [evaluate(item, values, ctx) for item in node.items]
        if isinstance(node, And):
            return False if False in results else (None if None in results else True)
        return True if True in results else (None if None in results else False)
    fact = values.get(node.fact.name)
    if fact is None:
        return None
    if isinstance(node, Compare):
        return _holds(node.op, fact, _rhs(node.value, ctx))
    if isinstance(node, In):
        inside = fact in list(_rhs(node.values, ctx) or [])
        return not inside if node.negated else inside
    if isinstance(node, ContainsAny):
        return any(w in str(fact) for w in (_rhs(node.values, ctx) or []))
    raise TypeError(node)  # pragma: no cover


def _rhs(node: Const | Param, ctx: RenderContext) -> Any:
    return node.value if isinstance(node, Const) else ctx.value(node.name)


def _holds(op: str, left: Any, right: Any) -> bool:
    return {">=": left >= right, "<=": left <= right, ">": left > right, "<": left < right,
            "==": left == right, "!=": left != right}[op]


Gap = tuple[float, float, float]
HOLDS: Gap = (0.0, 0.0, 0.0)


def gap(node: Node, values: Mapping[str, Any], ctx: RenderContext) -> Gap:
    """How far a clause is from holding, compared as (facts missing, yes/no or text conditions
    failed, numeric distance): (0, 0, 0) when it holds. A number's distance from its threshold is
    relative (|value − threshold| / max(|threshold|, 1)); And adds up, Or takes the nearest branch.
    So a clause for another unit category never beats one that only misses by a number, and a
    clause whose data is missing comes last."""
    truth = evaluate(node, values, ctx)
    if truth is True:
        return HOLDS
    if truth is None and not isinstance(node, (And, Or)):
        return (1.0, 0.0, 0.0)
    if isinstance(node, And):
        parts = [gap(item, values, ctx) for item in node.items]
        return (sum(p[0] for p in parts), sum(p[1] for p in parts), sum(p[2] for p in parts))
    if isinstance(node, Or):
        return min(gap(item, values, ctx) for item in node.items)
    if isinstance(node, Compare) and node.fact.type == "number":
        target = _rhs(node.value, ctx)
        return (0.0, 0.0, abs(values[node.fact.name] - target) / max(abs(target), 1))
    if isinstance(node, In) and node.fact.type == "number" and not node.negated:
        members = [m for m in (_rhs(node.values, ctx) or []) if isinstance(m, (int, float))]
        if members:
            v = values[node.fact.name]
            return (0.0, 0.0, min(abs(v - m) / max(abs(m), 1) for m in members))
    return (0.0, 1.0, 0.0)


def failing(node: Node, values: Mapping[str, Any], ctx: RenderContext) -> list[Node]:
    """The atoms that keep a clause from holding, along its nearest branch."""
    truth = evaluate(node, values, ctx)
    if truth is True:
        return []
    if isinstance(node, And):
        return [atom for item in node.items for atom in failing(item, values, ctx)]
    if isinstance(node, Or):
        best = min(node.items, key=lambda item: gap(item, values, ctx))
        return failing(best, values, ctx)
    return [node]


# --------------------------------------------------------------------------- rendering
def render(node: Node, ctx: RenderContext, values: Mapping[str, Any] | None = None) -> str:
    """The clause in Chinese; with `values`, each fact's value and the relation that holds."""
    return _render(node, ctx, values, top=True)


def _render(node: Node, ctx: RenderContext, values: Mapping[str, Any] | None, top: bool = False) -> str:
    if isinstance(node, And):
        return "，且".join(_render(item, ctx, values) for item in node.items) if top else \
            "（" + " 且 ".join(_render(item, ctx, values) for item in node.items) + "）"
    if isinstance(node, Or):
        text = " 或 ".join(_render(item, ctx, values) for item in node.items)
        return text if top else f"（{text}）"
    if isinstance(node, Not):
        return _render_not(node, ctx, values)
    if isinstance(node, Const):
        return "恒成立" if node.value else "恒不成立"
    if isinstance(node, Truth):
        return _render_truth(node, ctx, values, negated=False)
    label = ctx.label(node.fact.name)
    known = values is not None
    v = values.get(node.fact.name) if known else None
    shown = f"{label} {text_value(v)}" if known else label
    if known and v is None:
        return f"{label} 空（无数据，无法判断）"
    if isinstance(node, Compare):
        op = node.op
        if known and not _holds(op, v, _rhs(node.value, ctx)):
            op = NEGATE[op]
        return f"{shown} {OP_ZH[op]} {_operand(node.value, ctx)}"
    if isinstance(node, In):
        inside = not node.negated
        if known:
            inside = v in list(_rhs(node.values, ctx) or [])
        return f"{shown} {'属于' if inside else '不属于'} {_operand(node.values, ctx)}"
    if isinstance(node, ContainsAny):
        words = list(_rhs(node.values, ctx) or [])
        if not known:
            return f"{label}含下列关键词之一：{_words(words)}"
        hits = [w for w in words if w in str(v)]
        if hits:
            return f"{label}{text_value(v)}含关键词“{'、'.join(hits)}”"
        return f"{label}{text_value(v)}不含所列关键词（{_words(words)}）"
    raise TypeError(node)  # pragma: no cover


def _render_truth(node: Truth, ctx: RenderContext, values: Mapping[str, Any] | None, negated: bool) -> str:
    if isinstance(node.ref, Param) and node.equals is not None:
        p = ctx.params.get(node.ref.name)
        relation = "不为" if negated else "为"
        if values is None:
            return f"参数 {node.ref.name}（{where_from(p)}）{relation}“{node.equals}”"
        return f"参数 {node.ref.name}（{where_from(p)}）：{text_value(ctx.value(node.ref.name))}"
    if isinstance(node.ref, Param):
        p = ctx.params.get(node.ref.name)
        actual = ctx.value(node.ref.name)
        if values is None:
            return f"参数 {node.ref.name}（{where_from(p)}）为“{'否' if negated else '是'}”"
        return f"参数 {node.ref.name}（{where_from(p)}）：{text_value(actual)}"
    label = ctx.label(node.ref.name)
    if values is None:
        return f"{label}：{'否' if negated else '是'}"
    v = values.get(node.ref.name)
    return f"{label}：{'空（无数据，无法判断）' if v is None else text_value(bool(v))}"


def _render_not(node: Not, ctx: RenderContext, values: Mapping[str, Any] | None) -> str:
    item = node.item
    if isinstance(item, Truth):
        return _render_truth(item, ctx, values, negated=True)
    if isinstance(item, Compare):
        return _render(Compare(NEGATE[item.op], item.fact, item.value), ctx, values)
    if isinstance(item, In):
        return _render(In(item.fact, item.values, not item.negated), ctx, values)
    if isinstance(item, ContainsAny) and values is None:
        return f"{ctx.label(item.fact.name)}不含下列任何关键词：{_words(_rhs(item.values, ctx))}"
    return f"并非（{_render(item, ctx, values)}）"
