"""The one place that talks to durable_rules (see shared DURABLE_RULES_NOTES.md).

Every quirk measured on durable_rules 2.0.28 is handled here, and each has a test
in tests/test_runtime.py:

* rulesets register globally by name → a fresh Host per run, unique names;
* the Host's dispatcher threads race the caller → a Host without them; actions
  run synchronously inside assert_fact;
* events are consumed by one rule → we assert *facts*, so every matching rule fires;
* an OR fires once per true branch → firings are a set;
* no match raises MessageNotHandledException, and delete_state on such a session
  *segfaults the process* (measured here) → a sentinel rule matches every record
  of the scope, so every record matches; its firings also prove each record ran;
* fact identity is a 32-bit hash → one session (sid) per record, deleted after;
* exceptions inside actions are stored, not raised → every action is wrapped so that it
  records them and we re-raise after every call (no per-record get_state round trip);
* an action with two parameters is taken as asynchronous → actions take one;
* a bare `+m.x` catch-all refires forever → every rule is anchored on `_scope`;
* its JSON parser rejects a number with an exponent but no decimal point (`1e-05`,
  `1e+16`: error 204, measured here), which is how json.dumps writes such floats
  → facts are encoded here, every float with a decimal point, and handed over as text;
* its regex automaton (`$mt`) misses a keyword whose beginning repeats at its end
  (`.*aba.*` does not match "ababc"; 一对一 is not found in 一对一对口帮扶; measured here),
  and hangs past ~510 alternatives in one ruleset → `contains_any` never reaches it: the
  compiler emits a `$kw` marker, and this wrapper decides containment per record with a
  plain substring test and hands durable_rules a true/false fact to test instead.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import math
import types
from dataclasses import dataclass
from typing import Any, Callable

import durable.engine as durable_engine
import durable_rules_engine


class RuntimeFailure(RuntimeError):
    """durable_rules failed or an action raised; never swallowed."""


class _SyncHost(durable_engine.Host):
    """A Host that never starts its dispatcher/timer threads.

    Facts asserted through it run their actions synchronously within the call,
    so when assert_fact returns every firing for that fact has been recorded.
    """

    def _run(self) -> None:  # noqa: D401 - overriding the thread starter on purpose
        return None


@dataclass(frozen=True)
class RuleSpec:
    """A compiled rule: a key the caller chose and a durable condition expression."""

    key: str
    scope: str
    condition: dict[str, Any]


_names = itertools.count()
_SENTINEL = "__sentinel__"


class Session:
    """One evaluation run. Create one per run and close it (or use `with`): closing deletes
    its rulesets from durable_rules' native engine, which otherwise keeps every one."""

    def __init__(self) -> None:
        self._host = _SyncHost()
        self._prefix = f"scorecard_{id(self):x}_{next(_names)}"
        self._count = 0
        self._keywords: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {}  # ruleset → its $kw facts

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Release every ruleset this session registered (native memory included)."""
        for ruleset in list(self._host._ruleset_list):
            durable_rules_engine.delete_ruleset(ruleset._handle)
            ruleset._actions.clear()
        self._host._ruleset_list.clear()
        self._host._ruleset_directory.clear()
        self._keywords.clear()

    def run(self, rules: list[RuleSpec], records: list[dict[str, Any]]) -> list[tuple[int, str]]:
        """Assert each record as a fact; return sorted unique (record index, rule key) firings.

        Records are plain dicts of JSON values; None values are left out so that
        comparisons with a missing fact are false (SQL-like null semantics).
        """
        if not rules or not records:
            return []
        scopes = {rule.scope for rule in rules}
        if len(scopes) != 1:
            raise RuntimeFailure(f"one scope per run, got {sorted(scopes)}")
        scope = scopes.pop()
        fired: set[tuple[int, str]] = set()
        errors: list[str] = []
        name = self._register(rules, scope, fired, errors)
        for index, record in enumerate(records):
            self._assert_one(name, scope, index, record)
            if errors:
                raise RuntimeFailure(f"rule action failed: {errors[0]}")
        seen = {index for index, key in fired if key == _SENTINEL}
        if len(seen) != len(records):  # pragma: no cover - guards the dispatcher race the notes measured
            raise RuntimeFailure(f"only {len(seen)} of {len(records)} records evaluated")
        return sorted(f for f in fired if f[1] != _SENTINEL)

    def check(self, rules: list[RuleSpec]) -> None:
        """Register the rules without asserting anything: durable_rules' own limits show here
        (e.g. error 503 for some regexes, 113 for some and-of-ors), at load time, not mid-run."""
        for scope in sorted({rule.scope for rule in rules}):
            self._register([r for r in rules if r.scope == scope], scope, set(), [])

    def _register(self, rules: list[RuleSpec], scope: str, fired: set, errors: list[str]) -> str:
        self._count += 1
        name = f"{self._prefix}_{self._count}"
        definition: dict[str, Any] = {
            "sentinel": {"all": [{"m": {"_scope": scope}}], "run": _guarded(_recorder(_SENTINEL, fired, errors), errors)},
        }
        keywords: dict[str, tuple[str, tuple[str, ...]]] = {}
        for i, rule in enumerate(rules):
            anchored = {"$and": [{"_scope": rule.scope}, _resolve_keywords(rule.condition, keywords)]}
            definition[f"r{i}"] = {"all": [{"m": anchored}], "run": _guarded(_recorder(rule.key, fired, errors), errors)}
        try:
            self._host.register_rulesets({name: definition})
        except Exception as exc:  # durable reports a bad definition as a bare error code
            raise RuntimeFailure(f"durable_rules rejected the compiled ruleset: {exc}") from exc
        self._keywords[name] = keywords
        ruleset = self._host.get_ruleset(name)
        ruleset.assert_fact = types.MethodType(_assert_encoded, ruleset)
        return name

    def _assert_one(self, name: str, scope: str, index: int, record: dict[str, Any]) -> None:
        sid = str(index)
        # None is left out (null semantics); "__" keys are the engine's own notes, not facts.
        fact = {k: v for k, v in record.items() if v is not None and not k.startswith("__")}
        for kw_name, (text_fact, words) in self._keywords[name].items():
            text = fact.get(text_fact)
            if isinstance(text, str):  # no text: unknown, so the keyword fact stays absent
                fact[kw_name] = any(word in text for word in words)
        fact.update({"sid": sid, "id": sid, "_rid": index, "_scope": scope})
        try:
            self._host.assert_fact(name, fact)
        except durable_engine.MessageNotHandledException as exc:  # the sentinel makes this impossible
            raise RuntimeFailure(f"record {index} matched no rule, not even the sentinel") from exc
        except durable_engine.MessageObservedException as exc:  # pragma: no cover - one fact per sid
            raise RuntimeFailure(f"durable_rules saw record {index} twice") from exc
        # No get_state round trip for the session's `exception` slot: every action is wrapped by
        # _guarded, so durable never stores an exception; errors are re-raised by run().
        self._host.delete_state(name, sid)


KEYWORDS = "$kw"  # engine.rules.compile's contains_any marker


def keyword_fact(text_fact: str, words: tuple[str, ...]) -> str:
    """The name of the true/false fact "text_fact contains any of words" (stable per list)."""
    digest = hashlib.sha256("\0".join((text_fact, *words)).encode("utf-8")).hexdigest()[:16]
    return f"kw_{text_fact}_{digest}"


def _resolve_keywords(condition: Any, found: dict[str, tuple[str, tuple[str, ...]]]) -> Any:
    """The condition with every `$kw` marker replaced by a test of its keyword fact."""
    if isinstance(condition, list):
        return [_resolve_keywords(item, found) for item in condition]
    if not isinstance(condition, dict):
        return condition
    if KEYWORDS in condition:
        marker = condition[KEYWORDS]
        words = tuple(marker["words"])
        name = keyword_fact(marker["fact"], words)
        found[name] = (marker["fact"], words)
        return {name: marker["value"]}
    return {key: _resolve_keywords(value, found) for key, value in condition.items()}


def encode_number(value: float) -> str:
    """A float as durable_rules' parser accepts it: always with a decimal point."""
    if not math.isfinite(value):
        raise RuntimeFailure(f"cannot evaluate a non-finite number ({value!r})")
    text = repr(value)
    if "e" in text and "." not in text.split("e")[0]:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _plain(value: Any) -> bool:
    # repr() uses an exponent only below 1e-4 or from 1e16 up; nan/inf are not plain either.
    return type(value) is not float or value == 0 or 1e-4 <= abs(value) < 1e16


def encode_fact(fact: dict[str, Any]) -> str:
    """JSON for one flat fact (text, true/false, numbers), floats via encode_number."""
    if all(_plain(v) for v in fact.values()):
        return json.dumps(fact, ensure_ascii=False, separators=(",", ":"))  # the common, fast path
    parts = []
    for key, value in fact.items():
        if isinstance(value, float):
            encoded = encode_number(value)
        else:
            encoded = json.dumps(value, ensure_ascii=False)
        parts.append(f"{json.dumps(key, ensure_ascii=False)}:{encoded}")
    return "{" + ",".join(parts) + "}"


def _assert_encoded(self: Any, fact: dict[str, Any]) -> Any:
    # Replaces Ruleset.assert_fact (which json.dumps the fact) on our rulesets only.
    return self._handle_result(durable_rules_engine.assert_fact(self._handle, encode_fact(fact)), fact)


def _guarded(action: Callable[[Any], None], errors: list[str]) -> Callable[[Any], None]:
    """Whatever an action raises is recorded for Session.run to raise, never left in durable's state."""

    def guarded(c: Any) -> None:
        try:
            action(c)
        except Exception as exc:
            errors.append(f"exception caught {exc}")

    return guarded


def _recorder(key: str, fired: set, errors: list[str]) -> Callable[[Any], None]:
    """An action with exactly one parameter (two would make durable treat it as async)."""

    def action(c: Any) -> None:
        try:
            fired.add((int(c.m["_rid"]), key))
        except Exception as exc:  # recorded and re-raised by Session.run, never lost
            errors.append(f"{key}: {exc!r}")

    return action
