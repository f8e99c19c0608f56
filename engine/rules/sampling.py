"""A condition's truth over sample values: for lint's unreachable / subsumed clause checks.

Each fact a rule reads gets a few sample values that sit on both sides of every constant or
parameter it is compared with (plus "missing"); every combination (or a fixed, seeded sample of
them when there are too many) is evaluated with three-valued (Kleene) logic, the semantics the
engine runs: a missing fact makes a comparison unknown, never true.
"""
from __future__ import annotations

import itertools
import random
from typing import Any

from engine.rules.conditions import And, Compare, Const, ContainsAny, Fact, In, Node, Not, Or, Param, Truth, param_truth

MAX_POINTS = 20_000  # combinations evaluated per rule; beyond this a seeded sample

_OPS = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b,
}


def _value(ref: Const | Param, params: dict[str, Any]) -> Any:
    return ref.value if isinstance(ref, Const) else params[ref.name]


def truth(node: Node, record: dict[str, Any], params: dict[str, Any]) -> bool | None:
    """True / False / None (unknown) for one record."""
    if isinstance(node, Const):
        return bool(node.value)
    if isinstance(node, Truth):
        if isinstance(node.ref, Param):
            return param_truth(node, params)
        value = record.get(node.ref.name)
        return None if value is None else bool(value)
    if isinstance(node, Not):
        inner = truth(node.item, record, params)
        return None if inner is None else not inner
    if isinstance(node, (And, Or)):
        values = [truth(item, record, params) for item in node.items]
        decisive, neutral = (False, True) if isinstance(node, And) else (True, False)
        return decisive if decisive in values else None if None in values else neutral
    value = record.get(node.fact.name)
    if value is None:
        return None
    if isinstance(node, Compare):
        return _OPS[node.op](value, _value(node.value, params))
    if isinstance(node, In):
        return (value in list(_value(node.values, params))) != node.negated
    if isinstance(node, ContainsAny):
        return any(word in value for word in _value(node.values, params))
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover


def _atoms(node: Node) -> list[Node]:
    if isinstance(node, (And, Or)):
        return [a for item in node.items for a in _atoms(item)]
    if isinstance(node, Not):
        return _atoms(node.item)
    return [node]


def sample_values(nodes: list[Node], params: dict[str, Any]) -> dict[str, list[Any]]:
    """Per fact: values on both sides of everything it is compared with, and None (missing)."""
    samples: dict[str, set[Any]] = {}
    for atom in (a for node in nodes for a in _atoms(node)):
        if isinstance(atom, Truth) and isinstance(atom.ref, Fact):
            samples.setdefault(atom.ref.name, set()).update({True, False})
        elif isinstance(atom, Compare):
            target = _value(atom.value, params)
            found = samples.setdefault(atom.fact.name, set())
            found.update({target} if isinstance(target, (bool, str)) else {target - 0.5, target, target + 0.5})
            if isinstance(target, str):
                found.add("\u3000其他")
        elif isinstance(atom, In):
            items = list(_value(atom.values, params))
            found = samples.setdefault(atom.fact.name, set())
            found.update(items)
            found.add("\u3000其他" if atom.fact.type == "text" else max([0, *items]) + 1000)
        elif isinstance(atom, ContainsAny):
            found = samples.setdefault(atom.fact.name, set())
            found.update(_value(atom.values, params))
            found.add("\u3000其他")
    return {name: sorted(values, key=repr) + [None] for name, values in sorted(samples.items())}


def clause_truths(clauses: tuple[tuple[str, Node], ...] | list[tuple[str, Node]],
                  params: dict[str, Any]) -> dict[str, list[bool | None]]:
    """Per clause, its truth at each sample point (the same points for every clause)."""
    samples = sample_values([node for _, node in clauses], params)
    names = list(samples)
    total = 1
    for values in samples.values():
        total *= len(values)
    if total <= MAX_POINTS:
        points = itertools.product(*samples.values())
    else:
        rnd = random.Random(0)
        points = (tuple(rnd.choice(samples[n]) for n in names) for _ in range(MAX_POINTS))
    records = [dict(zip(names, point)) for point in points]
    return {name: [truth(node, record, params) for record in records] for name, node in clauses}
