"""The vectorized backend: the same parsed condition trees, evaluated as whole-column masks.

durable_rules (engine.evaluation.runtime) stays the reference backend. This module reads
the very syntax trees engine.rules.conditions parsed from the rule files — nothing is
written twice — and evaluates each clause over a whole scope at once with numpy boolean
masks in Kleene three-valued logic: every node yields a pair (true, false); a record
where neither holds is *unknown* (a fact it reads is missing). That is exactly what the
durable path computes: engine.rules.compile pushes `not` down to comparisons, a missing
fact makes every comparison false either way round, so a compiled condition fires where
the tree is Kleene-true and its compiled negation fires where the tree is Kleene-false.

Semantics kept identical to the durable path (and proven by tests/test_backends_agree.py):

* numbers compare as doubles (durable parses JSON numbers into doubles);
* text `==` / `in` compare exact strings; a value of another type never equals a text;
* `contains_any` is Python's substring test `word in text` (the runtime wrapper decides
  containment the same way), so regex metacharacters in a keyword are plain characters;
  a fact that is not a string is unknown;
* `x in []` is false where x is known; `x not in []` true where x is known;
* parameters are constants of the run (`rule.local_values` over the scorecard's values).

Only the *decisions* come from here; what a firing carries (facts, parameters, the
conclusion chain) is built by engine.evaluation.evaluate for both backends, so the JSON
they produce can be compared byte for byte.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from engine.rules.conditions import And, Compare, Const, ContainsAny, In, Node, Not, Or, Param, Truth, param_truth

Masks = tuple[np.ndarray, np.ndarray]  # (definitely true, definitely false), one bool per record


class Columns:
    """One scope's records as columns, built lazily per fact and cached (typed per use)."""

    def __init__(self, records: Sequence[dict[str, Any]]):
        self.records = records
        self.n = len(records)
        self._raw: dict[str, np.ndarray] = {}
        self._num: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def raw(self, name: str) -> np.ndarray:
        """The values as the durable path sees them (None = missing), as an object array."""
        if name not in self._raw:
            col = np.empty(self.n, dtype=object)
            col[:] = [rec.get(name) for rec in self.records]
            self._raw[name] = col
        return self._raw[name]

    def set(self, name: str, values: np.ndarray) -> None:
        """A concluded fact (True / False / None per record) for the strata that read it."""
        self._raw[name] = values
        self._num.pop(name, None)

    def known(self, name: str) -> np.ndarray:
        return pd.notna(self.raw(name)) if self.n else np.zeros(0, dtype=bool)

    def number(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """(known, float64 values) for a number fact; a value that is not a number is unknown."""
        if name not in self._num:
            raw = self.raw(name)
            present = self.known(name)
            if pd.api.types.infer_dtype(raw[present], skipna=False) in ("integer", "floating",
                                                                        "mixed-integer-float", "empty"):
                known = present    # only ints and floats (no bools): the common case, decided in C
            else:
                known = np.fromiter((_is_number(v) for v in raw), dtype=bool, count=self.n)
            values = np.zeros(self.n, dtype=np.float64)
            if known.any():
                values[known] = raw[known].astype(np.float64)
            self._num[name] = (known, values)
        return self._num[name]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _const(n: int, value: bool) -> Masks:
    return (np.full(n, value, dtype=bool), np.full(n, not value, dtype=bool))


def evaluate(node: Node, cols: Columns, params: dict[str, Any]) -> Masks:
    """Kleene (true, false) masks of a condition tree over every record of a scope."""
    n = cols.n
    if isinstance(node, Const):
        return _const(n, bool(node.value))
    if isinstance(node, Not):
        true, false = evaluate(node.item, cols, params)
        return false, true
    if isinstance(node, And):
        parts = [evaluate(item, cols, params) for item in node.items]
        return (np.logical_and.reduce([p[0] for p in parts]), np.logical_or.reduce([p[1] for p in parts]))
    if isinstance(node, Or):
        parts = [evaluate(item, cols, params) for item in node.items]
        return (np.logical_or.reduce([p[0] for p in parts]), np.logical_and.reduce([p[1] for p in parts]))
    if isinstance(node, Truth):
        if isinstance(node.ref, Param):
            return _const(n, param_truth(node, params))
        return _equal(cols, node.ref.name, node.ref.type, True)
    if isinstance(node, Compare):
        value = _value(node.value, params)
        if node.op == "==":
            return _equal(cols, node.fact.name, node.fact.type, value)
        if node.op == "!=":
            true, false = _equal(cols, node.fact.name, node.fact.type, value)
            return false, true
        known, x = cols.number(node.fact.name)
        hit = _ORDER[node.op](x, float(value))
        return known & hit, known & ~hit
    if isinstance(node, In):
        values = list(_value(node.values, params))
        true, false = _member(cols, node.fact.name, node.fact.type, values)
        return (false, true) if node.negated else (true, false)
    if isinstance(node, ContainsAny):
        return _contains(cols, node.fact.name, tuple(_value(node.values, params)))
    raise TypeError(f"unknown node {node!r}")  # pragma: no cover - the parser builds only the above


_ORDER = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


def _value(ref: Const | Param, params: dict[str, Any]) -> Any:
    return ref.value if isinstance(ref, Const) else params[ref.name]


def _equal(cols: Columns, name: str, fact_type: str, value: Any) -> Masks:
    """fact == value: unknown where the fact is missing; a value of another kind is never equal."""
    if fact_type == "number":
        known, x = cols.number(name)
        hit = known & (x == float(value)) if _is_number(value) else np.zeros(cols.n, dtype=bool)
        return hit, known & ~hit
    raw = cols.raw(name)
    known = cols.known(name)
    kind = bool if fact_type == "bool" else str
    if not isinstance(value, kind):
        return np.zeros(cols.n, dtype=bool), known
    hit = np.fromiter((type(v) is kind and v == value for v in raw), dtype=bool, count=cols.n) \
        if fact_type == "bool" else _text_equal(raw, value)
    return hit, known & ~hit


def _text_equal(raw: np.ndarray, value: str) -> np.ndarray:
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    lookup = np.fromiter((isinstance(u, str) and u == value for u in uniques), dtype=bool, count=len(uniques))
    return _take(lookup, codes)


def _take(lookup: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """lookup[codes] with the missing code (-1) mapped to False."""
    out = np.zeros(len(codes), dtype=bool)
    present = codes >= 0
    out[present] = lookup[codes[present]]
    return out


def _member(cols: Columns, name: str, fact_type: str, values: list[Any]) -> Masks:
    known = cols.number(name)[0] if fact_type == "number" else cols.known(name)
    hit = np.zeros(cols.n, dtype=bool)
    for value in values:
        hit |= _equal(cols, name, fact_type, value)[0]
    return hit, known & ~hit


def _contains(cols: Columns, name: str, words: tuple[str, ...]) -> Masks:
    """Any keyword is a substring of the text (Python `in`, as the runtime wrapper decides it).

    Each distinct text is tested once: portfolio items repeat across leaders and years."""
    codes, uniques = pd.factorize(cols.raw(name), use_na_sentinel=True)
    is_text = np.fromiter((isinstance(u, str) for u in uniques), dtype=bool, count=len(uniques))
    found = np.fromiter((isinstance(u, str) and any(w in u for w in words) for u in uniques),
                        dtype=bool, count=len(uniques))
    known = _take(is_text, codes)
    hit = _take(found, codes)
    return hit, known & ~hit


def concluded_column(clauses: list[Masks], n: int) -> np.ndarray:
    """A concluded fact: True where a clause holds, False where every clause is definitely
    false, None (unknown) otherwise — the same three values the durable path settles."""
    true = np.logical_or.reduce([c[0] for c in clauses]) if clauses else np.zeros(n, dtype=bool)
    false = np.logical_and.reduce([c[1] for c in clauses]) if clauses else np.ones(n, dtype=bool)
    out = np.full(n, None, dtype=object)
    out[false] = False
    out[true] = True
    return out
