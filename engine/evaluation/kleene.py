"""One record, three values: a condition tree is True, False or None (unknown: a fact it needs is missing).

The durable path uses this to settle concluded facts: durable_rules fires where a clause is
true; where it did not fire, a concluded fact is False only if every clause is *definitely*
false here, else unknown. Deciding falsity in the wrapper instead of firing a "definitely
false" rule per record in durable_rules saves most of the engine's action callbacks. It is
written per record in plain Python — independent of the vectorized backend's masks — so the
differential test (tests/test_backends_agree.py) still compares two implementations.
"""
from __future__ import annotations

from typing import Any

from engine.rules.conditions import And, Compare, Const, ContainsAny, In, Node, Not, Or, Param, Truth, param_truth

_KIND = {"number": (int, float), "bool": (bool,), "text": (str,)}


def truth(node: Node, record: dict[str, Any], params: dict[str, Any]) -> bool | None:
    """Kleene value of `node` on one record (None values and absent keys are missing)."""
    if isinstance(node, Const):
        return bool(node.value)
    if isinstance(node, Not):
        value = truth(node.item, record, params)
        return None if value is None else not value
    if isinstance(node, (And, Or)):
        values = [truth(item, record, params) for item in node.items]
        decisive = isinstance(node, Or)          # True decides an OR, False an AND
        if decisive in values:
            return decisive
        return None if None in values else not decisive
    if isinstance(node, Truth):
        if isinstance(node.ref, Param):
            return param_truth(node, params)
        return _equal(record.get(node.ref.name), "bool", True)
    value = _value(node, params)
    fact = record.get(node.fact.name)
    if fact is None or (node.fact.type == "number" and not _is_number(fact)):
        return None
    if isinstance(node, Compare):
        if node.op in ("==", "!="):
            equal = _equal(fact, node.fact.type, value)
            return equal if node.op == "==" else not equal
        return {">=": fact >= value, ">": fact > value, "<=": fact <= value, "<": fact < value}[node.op]
    if isinstance(node, In):
        found = any(_equal(fact, node.fact.type, v) for v in value)
        return not found if node.negated else found
    if isinstance(node, ContainsAny):
        return any(word in fact for word in value) if isinstance(fact, str) else None
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover - the parser builds only the above


def _value(node: Any, params: dict[str, Any]) -> Any:
    ref = node.value if isinstance(node, Compare) else node.values
    return ref.value if isinstance(ref, Const) else params[ref.name]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(fact: Any, fact_type: str, value: Any) -> bool | None:
    if fact is None:
        return None
    if fact_type == "number":
        return _is_number(value) and float(fact) == float(value)
    kind = _KIND[fact_type]
    return isinstance(fact, kind) and isinstance(value, kind) and type(fact) is type(value) and fact == value
