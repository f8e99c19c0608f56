"""The rule condition language: text → typed syntax tree, checked at load time.

A condition is a small boolean expression over facts and parameters, e.g.

    deduction_points_2y >= card.demote_two_years
    is_top and bottom_position in elimination.township.single_year

Grammar (no arithmetic: sums and windows are facts derived before the rules run)::

    expr    := or_
    or_     := and_ ("or" and_)*
    and_    := not_ ("and" not_)*
    not_    := "not" not_ | compare
    compare := atom ((">=" | ">" | "<=" | "<" | "==" | "!=") atom
                     | "in" atom | "not" "in" atom | "contains_any" atom)?
    atom    := NUMBER | STRING | "true" | "false" | NAME | "[" literals "]" | "(" expr ")"

NAME is a fact (see engine.evaluation.facts) or a parameter declared by the rule. Nothing
here is ever handed to eval/exec: text is tokenised and parsed by hand.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal, Union

FactType = Literal["number", "bool", "text"]

COMPARE_OPS = (">=", "<=", "==", "!=", ">", "<")


class ConditionError(ValueError):
    """A condition that cannot be parsed or type-checked; message says where and why."""


# ---------------------------------------------------------------- syntax tree
@dataclass(frozen=True)
class Const:
    value: Any


@dataclass(frozen=True)
class Fact:
    name: str
    type: FactType


@dataclass(frozen=True)
class Param:
    name: str


@dataclass(frozen=True)
class Compare:
    op: str            # one of COMPARE_OPS
    fact: Fact         # facts sit on the left after normalisation
    value: Const | Param


@dataclass(frozen=True)
class In:
    fact: Fact
    values: Const | Param   # a list
    negated: bool = False


@dataclass(frozen=True)
class ContainsAny:
    """Text fact contains any of a list of keywords (matched as plain substrings)."""

    fact: Fact
    values: Const | Param


@dataclass(frozen=True)
class Truth:
    """A boolean fact or boolean parameter used on its own, or a parameter compared with a
    value (`elimination.two_year_mode == "cumulative"`: `equals` holds the value). A parameter's
    value is known when the scorecard loads, so such a test is true or false for every record."""

    ref: Fact | Param
    equals: Any = None


def param_truth(node: Truth, params: dict[str, Any]) -> bool:
    """The truth of a parameter test under the values in force."""
    assert isinstance(node.ref, Param)
    value = params[node.ref.name]
    return bool(value) if node.equals is None else value == node.equals


@dataclass(frozen=True)
class Not:
    item: "Node"


@dataclass(frozen=True)
class And:
    items: tuple["Node", ...]


@dataclass(frozen=True)
class Or:
    items: tuple["Node", ...]


Node = Union[Compare, In, ContainsAny, Truth, Not, And, Or, Const]


def names_in(node: Node) -> tuple[set[str], set[str]]:
    """(fact names, parameter names) a condition reads, for explanations."""
    facts: set[str] = set()
    params: set[str] = set()

    def walk(n: Any) -> None:
        if isinstance(n, Fact):
            facts.add(n.name)
        elif isinstance(n, Param):
            params.add(n.name)
        elif isinstance(n, (And, Or)):
            for item in n.items:
                walk(item)
        elif isinstance(n, Not):
            walk(n.item)
        elif isinstance(n, Truth):
            walk(n.ref)
        elif isinstance(n, (Compare,)):
            walk(n.fact)
            walk(n.value)
        elif isinstance(n, (In, ContainsAny)):
            walk(n.fact)
            walk(n.values)

    walk(node)
    return facts, params


# ---------------------------------------------------------------- tokens
_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>-?\d+(?:\.\d+)?)
      | (?P<str>"[^"\\]*"|'[^'\\]*')
      | (?P<op>>=|<=|==|!=|>|<|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
    )""",
    re.VERBOSE,
)
KEYWORDS = {"and", "or", "not", "in", "true", "false", "contains_any"}


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    pos: int


def _tokenise(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ConditionError(f"unexpected character {text[pos:].strip()[:1]!r} at column {pos + 1}")
        group = m.lastgroup or ""
        value = m.group(group)
        kind = "kw" if group == "name" and value in KEYWORDS else group
        tokens.append(_Tok(kind, value, m.start(group)))
        pos = m.end()
    tokens.append(_Tok("end", "", len(text)))
    return tokens


# ---------------------------------------------------------------- parser
class _Parser:
    def __init__(self, text: str, facts: dict[str, FactType], params: dict[str, Any]):
        self.text = text
        self.tokens = _tokenise(text)
        self.i = 0
        self.facts = facts
        self.params = params

    # -- helpers
    def peek(self, offset: int = 0) -> _Tok:
        return self.tokens[min(self.i + offset, len(self.tokens) - 1)]

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def accept(self, kind: str, text: str | None = None) -> bool:
        tok = self.peek()
        if tok.kind == kind and (text is None or tok.text == text):
            self.i += 1
            return True
        return False

    def expect(self, kind: str, text: str) -> None:
        if not self.accept(kind, text):
            tok = self.peek()
            found = tok.text or "end of condition"
            raise ConditionError(f"expected {text!r} at column {tok.pos + 1}, found {found!r}")

    # -- grammar
    def parse(self) -> Node:
        node = self.or_()
        if self.peek().kind != "end":
            tok = self.peek()
            raise ConditionError(f"unexpected {tok.text!r} at column {tok.pos + 1}")
        return node

    def or_(self) -> Node:
        items = [self.and_()]
        while self.accept("kw", "or"):
            items.append(self.and_())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_(self) -> Node:
        items = [self.not_()]
        while self.accept("kw", "and"):
            items.append(self.not_())
        return items[0] if len(items) == 1 else And(tuple(items))

    def not_(self) -> Node:
        if self.peek().kind == "kw" and self.peek().text == "not" and self.peek(1).text != "in":
            self.take()
            return Not(_require_bool(self.not_()))
        return self.compare()

    def compare(self) -> Node:
        start = self.peek()
        left = self.atom()
        tok = self.peek()
        if tok.kind == "op" and tok.text in COMPARE_OPS:
            self.take()
            return _make_compare(tok.text, left, self.atom(), start.pos)
        if tok.kind == "kw" and tok.text == "in":
            self.take()
            return _make_in(left, self.atom(), negated=False)
        if tok.kind == "kw" and tok.text == "not" and self.peek(1).text == "in":
            self.take()
            self.take()
            return _make_in(left, self.atom(), negated=True)
        if tok.kind == "kw" and tok.text == "contains_any":
            self.take()
            return _make_contains(left, self.atom())
        return _require_bool(left)

    def atom(self) -> Any:
        tok = self.take()
        if tok.kind == "num":
            return Const(float(tok.text) if "." in tok.text else int(tok.text))
        if tok.kind == "str":
            return Const(tok.text[1:-1])
        if tok.kind == "kw" and tok.text in ("true", "false"):
            return Const(tok.text == "true")
        if tok.kind == "op" and tok.text == "(":
            node = self.or_()
            self.expect("op", ")")
            return node
        if tok.kind == "op" and tok.text == "[":
            return self.literal_list()
        if tok.kind == "name":
            return self.resolve(tok)
        found = tok.text or "end of condition"
        raise ConditionError(f"expected a fact, parameter or value at column {tok.pos + 1}, found {found!r}")

    def literal_list(self) -> Const:
        values: list[Any] = []
        if self.accept("op", "]"):
            return Const(tuple(values))
        while True:
            item = self.atom()
            if not isinstance(item, Const) or isinstance(item.value, tuple):
                raise ConditionError("a list may hold only numbers and strings")
            values.append(item.value)
            if self.accept("op", "]"):
                return Const(tuple(values))
            self.expect("op", ",")

    def resolve(self, tok: _Tok) -> Fact | Param:
        name = tok.text
        if name in self.facts:
            return Fact(name, self.facts[name])
        if name in self.params:
            return Param(name)
        known = sorted(set(self.facts) | set(self.params))
        close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        kind = "parameter" if "." in name else "fact"
        raise ConditionError(f"unknown {kind} {name!r} at column {tok.pos + 1}{hint}")


# ---------------------------------------------------------------- typed constructors
def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


def _require_bool(node: Any) -> Node:
    if isinstance(node, Fact):
        if node.type != "bool":
            raise ConditionError(f"fact {node.name!r} is {node.type}, not true/false; compare it")
        return Truth(node)
    if isinstance(node, Param):
        return Truth(node)  # type checked against the value at compile time
    if isinstance(node, Const):
        if not isinstance(node.value, bool):
            raise ConditionError(f"{node.value!r} is not true/false")
        return node
    return node


_FLIP = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "==", "!=": "!="}


def _make_compare(op: str, left: Any, right: Any, pos: int) -> Compare | Truth | Not:
    if not isinstance(left, Fact) and isinstance(right, Fact):
        left, right, op = right, left, _FLIP[op]
    if isinstance(right, Param) and isinstance(left, Const):
        left, right = right, left
    if isinstance(left, Param) and isinstance(right, Const) and isinstance(right.value, str):
        # a choice parameter tested against one of its values (compared at load, never per record)
        if op not in ("==", "!="):
            raise ConditionError(f"comparison at column {pos + 1}: a parameter and a text value take == or !=")
        test = Truth(left, right.value)
        return test if op == "==" else Not(test)
    if not isinstance(left, Fact):
        raise ConditionError(f"comparison at column {pos + 1} must involve a fact")
    if isinstance(right, Fact):
        raise ConditionError(
            f"comparison at column {pos + 1} compares two facts; derive the combination as a fact instead"
        )
    if not isinstance(right, (Const, Param)):
        raise ConditionError(f"comparison at column {pos + 1} needs a value or parameter on one side")
    if isinstance(right, Const):
        _check_operand(left, right.value, op)
    return Compare(op, left, right)


def _check_operand(fact: Fact, value: Any, op: str) -> None:
    vtype = _value_type(value)
    if vtype != fact.type:
        raise ConditionError(f"fact {fact.name!r} is {fact.type} but is compared with {vtype} {value!r}")
    if fact.type != "number" and op not in ("==", "!="):
        raise ConditionError(f"{op} needs numbers; fact {fact.name!r} is {fact.type}")


def _make_in(left: Any, right: Any, negated: bool) -> In:
    if not isinstance(left, Fact):
        raise ConditionError("'in' needs a fact on its left")
    if not isinstance(right, (Const, Param)):
        raise ConditionError("'in' needs a list or a list parameter on its right")
    if isinstance(right, Const):
        for value in _as_list(right.value, "in"):
            _check_operand(left, value, "==")
    return In(left, right, negated)


def _make_contains(left: Any, right: Any) -> ContainsAny:
    if not isinstance(left, Fact) or left.type != "text":
        raise ConditionError("'contains_any' needs a text fact on its left")
    if not isinstance(right, (Const, Param)):
        raise ConditionError("'contains_any' needs a list of keywords on its right")
    if isinstance(right, Const):
        for value in _as_list(right.value, "contains_any"):
            _check_operand(left, value, "==")
    return ContainsAny(left, right)


def _as_list(value: Any, op: str) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise ConditionError(f"'{op}' needs a list, got {value!r}")
    return tuple(value)


def parse_condition(text: str, facts: dict[str, FactType], params: dict[str, Any]) -> Node:
    """Parse and type-check; `params` maps each declared parameter to its default value."""
    try:
        node = _Parser(text, facts, params).parse()
    except RecursionError as exc:
        raise ConditionError("condition is nested too deeply") from exc
    check_params(node, params)
    return node


def check_params(node: Node, params: dict[str, Any]) -> None:
    """Type-check every parameter use against a value (default or scenario override)."""

    def walk(n: Any) -> None:
        if isinstance(n, Compare) and isinstance(n.value, Param):
            _check_operand(n.fact, params[n.value.name], n.op)
        elif isinstance(n, (In, ContainsAny)) and isinstance(n.values, Param):
            for value in _as_list(params[n.values.name], "in"):
                _check_operand(n.fact, value, "==")
        elif isinstance(n, Truth) and isinstance(n.ref, Param) and n.equals is not None:
            if not isinstance(params[n.ref.name], str):
                raise ConditionError(f"parameter {n.ref.name!r} is not text; it cannot equal {n.equals!r}")
        elif isinstance(n, Truth) and isinstance(n.ref, Param):
            if not isinstance(params[n.ref.name], bool):
                raise ConditionError(f"parameter {n.ref.name!r} is not true/false")
        elif isinstance(n, (And, Or)):
            for item in n.items:
                walk(item)
        elif isinstance(n, Not):
            walk(n.item)

    walk(node)
