"""Syntax tree + parameter values → durable_rules condition expressions.

Parameters are constants of a run, so they are folded in here: a clause that can
never fire under the parameters in force is dropped (and reported by explain),
one that always fires becomes a bare scope match. `not` is pushed down to the
comparisons, because durable_rules has no negation of an expression; a missing
(null) fact makes a comparison false either way round.

`contains_any` compiles to a `$kw` marker (text fact, keywords, wanted truth value)
that engine.evaluation.runtime resolves: durable_rules' own regex matcher misses some
keywords (see the notes at the top of the runtime), so the wrapper decides containment.
"""
from __future__ import annotations

from typing import Any

from engine.rules.conditions import And, Compare, Const, ContainsAny, In, Node, Not, Or, Param, Truth, param_truth

Compiled = bool | dict[str, Any]

_OPS = {">=": "$gte", ">": "$gt", "<=": "$lte", "<": "$lt", "!=": "$neq"}
_NEGATE = {">=": "<", "<": ">=", ">": "<=", "<=": ">", "==": "!=", "!=": "=="}


def compile_condition(node: Node, params: dict[str, Any]) -> Compiled:
    """True / False when parameters decide it, else a durable expression."""
    return _compile(node, params, negate=False)


def _value(ref: Const | Param, params: dict[str, Any]) -> Any:
    return ref.value if isinstance(ref, Const) else params[ref.name]


def _compile(node: Node, params: dict[str, Any], negate: bool) -> Compiled:
    if isinstance(node, Const):
        return bool(node.value) != negate
    if isinstance(node, Not):
        return _compile(node.item, params, not negate)
    if isinstance(node, (And, Or)):
        is_and = isinstance(node, And) != negate  # De Morgan
        parts = [_compile(item, params, negate) for item in node.items]
        return _combine(parts, is_and)
    if isinstance(node, Truth):
        if isinstance(node.ref, Param):
            return param_truth(node, params) != negate
        return {node.ref.name: not negate}
    if isinstance(node, Compare):
        op = _NEGATE[node.op] if negate else node.op
        return _comparison(node.fact.name, op, _value(node.value, params))
    if isinstance(node, In):
        values = list(_value(node.values, params))
        if node.negated != negate:
            if not values:  # "x not in []" holds for every x, but only when there is an x
                return {"$ex": {node.fact.name: 1}}
            return _combine([_comparison(node.fact.name, "!=", v) for v in values], is_and=True)
        return _combine([_comparison(node.fact.name, "==", v) for v in values], is_and=False)
    if isinstance(node, ContainsAny):
        keywords = list(_value(node.values, params))
        if not keywords:  # no word can be contained; like `in []`, false whatever the text
            return negate and {"$ex": {node.fact.name: 1}}
        return {KEYWORDS: {"fact": node.fact.name, "words": keywords, "value": not negate}}
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover - the parser builds only the above


def _comparison(fact: str, op: str, value: Any) -> dict[str, Any]:
    if op == "==":
        return {fact: value}
    return {_OPS[op]: {fact: value}}


def _combine(parts: list[Compiled], is_and: bool) -> Compiled:
    exprs = []
    for part in parts:
        if part is (not is_and):   # False in an AND, True in an OR decides it
            return part
        if isinstance(part, dict):
            exprs.append(part)
    if not exprs:
        return is_and              # all parts were the neutral constant
    if len(exprs) == 1:
        return exprs[0]
    return {"$and" if is_and else "$or": exprs}


KEYWORDS = "$kw"  # a contains_any test, resolved by the runtime wrapper (not a durable_rules operator)
