"""Load rule files, scorecards and scenarios: parse once, check everything, then run many.

Every error names the file. YAML is read with safe_load only; conditions are
parsed by engine.rules.conditions, never evaluated as Python.
"""
from __future__ import annotations

import difflib
import hashlib
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine.rules.compile import compile_condition
from engine.rules.conditions import (And, Compare, ConditionError, Const, ContainsAny, Fact, In, Node, Not, Param,
                                     check_params, names_in, parse_condition)
from engine.evaluation.runtime import RuleSpec, RuntimeFailure, Session
from engine.evaluation.facts import CATALOGUE, fact_spec, fact_types, normalise_text
from engine.rules.model import (LABEL_PARAM, ConcludeAction, Rule, ScenarioDef, ScorecardDef, constraint_problem,
                               fill_params)

BUNDLED_ROOT = Path(__file__).resolve().parents[1] / "_data"  # the copy a built wheel carries (setup.py)


def _is_project(folder: Path) -> bool:
    return (folder / "rules").is_dir() and (folder / "scorecards").is_dir()


def _project_root() -> Path:
    """Where rules/ and scorecards/ live: $SCORECARD_HOME, else the checkout this package sits
    in (the editable install the README uses), else the current folder if it holds rules/ and
    scorecards/, else the copy bundled with an installed package."""
    if os.environ.get("SCORECARD_HOME"):
        return Path(os.environ["SCORECARD_HOME"]).resolve()
    checkout = Path(__file__).resolve().parents[2]
    for folder in (checkout, Path.cwd().resolve()):
        if _is_project(folder):
            return folder
    return BUNDLED_ROOT if _is_project(BUNDLED_ROOT) else Path.cwd().resolve()


def set_project_root(root: Path) -> None:
    """Point every rules/ and scorecards/ lookup at `root` (the CLI's --home / $SCORECARD_HOME)."""
    global PROJECT_ROOT, RULES_DIR, SOURCES_DIR, SCORECARDS_DIR, DEFAULT_SCORECARD
    PROJECT_ROOT = Path(root).resolve()
    RULES_DIR = PROJECT_ROOT / "rules"
    SOURCES_DIR = RULES_DIR / "sources"
    SCORECARDS_DIR = PROJECT_ROOT / "scorecards"
    DEFAULT_SCORECARD = SCORECARDS_DIR / "county.yaml"


PROJECT_ROOT = RULES_DIR = SOURCES_DIR = SCORECARDS_DIR = DEFAULT_SCORECARD = Path()
set_project_root(_project_root())


class RuleFileError(ValueError):
    """A rule, scorecard or scenario file is wrong; the message starts with its path."""

    def __init__(self, path: Path | str, message: str):
        self.path = str(path)
        super().__init__(f"{path}: {message}")


@dataclass(frozen=True)
class LoadedRule:
    rule: Rule
    path: Path
    clauses: tuple[tuple[str, Node], ...]
    facts_read: frozenset[str]
    params_read: frozenset[str]

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def local_values(self) -> dict[str, Any]:
        """The rule's own word lists, read in conditions as lists.<name>."""
        return {f"lists.{name}": words for name, words in self.rule.lists.items()}

    @property
    def concludes(self) -> str | None:
        return self.rule.then.fact if isinstance(self.rule.then, ConcludeAction) else None


@dataclass(frozen=True)
class ParamValue:
    name: str
    value: Any
    provenance: str       # source | local | scenario
    citation: str
    meaning: str
    default: Any


@dataclass
class Scorecard:
    definition: ScorecardDef
    path: Path
    rules: list[LoadedRule]
    params: dict[str, ParamValue]
    strata: list[list[LoadedRule]]
    fingerprint: str
    scenario: ScenarioDef | None = None
    files: list[Path] = field(default_factory=list)

    def values(self) -> dict[str, Any]:
        return {name: p.value for name, p in self.params.items()}

    def rule(self, rule_id: str) -> LoadedRule:
        for loaded in self.rules:
            if loaded.id == rule_id:
                return loaded
        raise KeyError(rule_id)


class SafeNoAliasLoader(yaml.SafeLoader):
    """Safe loading, and no aliases (*name): rule data never needs them, and alias bombs
    ("billion laughs") would make the loader walk exponentially large values."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, "YAML aliases (*name) are not allowed here",
                                              event.start_mark)
        return super().compose_node(parent, index)


def safe_yaml(text: str) -> Any:
    return yaml.load(text, Loader=SafeNoAliasLoader)  # noqa: S506 - a SafeLoader subclass


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(path, f"cannot read: {exc.strerror or exc}") from exc
    try:
        return safe_yaml(text)
    except yaml.YAMLError as exc:
        raise RuleFileError(path, f"not valid YAML: {exc}") from exc


def _validation_message(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(file)"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def parse_model(path: Path, model: type, data: Any) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleFileError(path, _validation_message(exc)) from exc


def _unwrap(text: str) -> str:
    return text.replace("\r", "").replace("\n", "")


@lru_cache(maxsize=32)
def _read_source(path: str, mtime_ns: int) -> str:
    return Path(path).read_text(encoding="utf-8")


def _source_text(document: str) -> str:
    # Keyed by full path and modification time: a repointed or edited source is re-read.
    path = SOURCES_DIR / document
    return _read_source(str(path), path.stat().st_mtime_ns)


def check_source(path: Path, rule: Rule) -> None:
    """The quote must stand verbatim in the cited document (auditors check the law, not us)."""
    doc = SOURCES_DIR / rule.source.document
    if not doc.is_file():
        known = sorted(p.name for p in SOURCES_DIR.glob("*.txt"))
        raise RuleFileError(path, f"source.document {rule.source.document!r} not in rules/sources/ ({', '.join(known)})")
    # Web pages wrap lines mid-sentence; the quote must match with line breaks removed, nothing else.
    if _unwrap(rule.source.quote) not in _unwrap(_source_text(rule.source.document)):
        raise RuleFileError(path, f"source.quote is not verbatim in {rule.source.document}")


def load_rule(path: Path, params: dict[str, Any], concluded: dict[str, str]) -> LoadedRule:
    rule = parse_model(path, Rule, read_yaml(path))
    if rule.id != path.stem:
        raise RuleFileError(path, f"id {rule.id!r} must equal the file name {path.stem!r}")
    check_source(path, rule)
    declared = {}
    for name in rule.parameters:
        if name not in params:
            close = difflib.get_close_matches(name, list(params), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise RuleFileError(path, f"parameter {name!r} has no value in the scorecard{hint}")
        declared[name] = params[name]
    for name, words in rule.lists.items():
        declared[f"lists.{name}"] = words
    if rule.scope in ("expenditure", "image_round") and rule.applies_to != "top":
        raise RuleFileError(path, f"scope {rule.scope} attaches to the unit's 一把手: applies_to must be top")
    types = fact_types(rule.scope, {name: "bool" for name, (_, scope) in concluded.items() if scope == rule.scope})
    clauses = []
    for clause_name, text in rule.named_conditions():
        try:
            clauses.append((clause_name, parse_condition(text, types, declared)))
        except ConditionError as exc:
            where = f"clause {clause_name!r}" if clause_name else "condition"
            raise RuleFileError(path, f"{where}: {exc}") from exc
    for clause_name, node in clauses:
        number = _numeric_literal(node)
        if number is not None:
            where = f"clause {clause_name!r}" if clause_name else "condition"
            raise RuleFileError(path, f"{where}: the number {number!r} is written into the condition; declare it as "
                                      "a parameter in the scorecard so its provenance (source/local) is recorded")
    _check_words_normalised(path, rule, clauses)
    clauses = [(name, _in_force_only(rule, node)) for name, node in clauses]
    unknown_shown = [name for name in rule.show if name not in types]
    if unknown_shown:
        raise RuleFileError(path, f"show names unknown facts: {', '.join(unknown_shown)}")
    facts_read: set[str] = set()
    params_read: set[str] = set()
    for _, node in clauses:
        f, p = names_in(node)
        facts_read |= f
        params_read |= p
    carried = set(getattr(rule.then, "carry", []))
    unused = set(rule.parameters) - params_read - carried
    if unused:
        raise RuleFileError(path, f"parameters listed but not used: {', '.join(sorted(unused))}")
    undeclared = carried - set(rule.parameters)
    if undeclared:
        raise RuleFileError(path, f"then.carry names parameters not listed in parameters: {', '.join(sorted(undeclared))}")
    return LoadedRule(_filled(path, rule, params), path, tuple(clauses), frozenset(facts_read), frozenset(params_read))


def _filled(path: Path, rule: Rule, params: dict[str, Any]) -> Rule:
    """The rule with {parameter:%} in its title and consequence label replaced by the values in force,
    so a scenario's share (card.withhold_bonus_share = 0.3) reads 30% wherever the label is shown."""
    texts = {"title": rule.title, "label": getattr(rule.then, "label", "")}
    named = {m.group(1) for text in texts.values() for m in LABEL_PARAM.finditer(text)}
    if not named:
        return rule
    unlisted = named - set(getattr(rule.then, "carry", []))
    if unlisted:
        raise RuleFileError(path, f"title/label name parameters the consequence does not carry: {', '.join(sorted(unlisted))}")
    then = rule.then.model_copy(update={"label": fill_params(texts["label"], params)})
    return rule.model_copy(update={"title": fill_params(texts["title"], params), "then": then})


def _in_force_only(rule: Rule, node: Node) -> Node:
    """A rule with effective years holds only for records of those years: the window becomes
    part of every clause, so every backend and every explanation sees it."""
    year = Fact("year", "number")
    bounds = [Compare(">=", year, Const(rule.effective_from))] if rule.effective_from else []
    bounds += [Compare("<=", year, Const(rule.effective_to))] if rule.effective_to else []
    return And((*bounds, node)) if bounds else node


def _check_words_normalised(path: Path, rule: Rule, clauses: list[tuple[str, Node]]) -> None:
    """Words matched against normalised text (e.g. portfolio_item) must be written normalised,
    or they could never match; say which word and how to write it."""
    def walk(node: Any) -> None:
        if isinstance(node, (ContainsAny, In)) and isinstance(node.values, Param) and \
                node.values.name.startswith("lists."):
            spec = fact_spec(rule.scope, node.fact.name)
            if spec and spec.normalised:
                for word in rule.lists[node.values.name[len("lists."):]]:
                    if normalise_text(word) != word:
                        raise RuleFileError(path, f"{node.values.name}: {word!r} never matches {node.fact.name} "
                                                  f"(full-width folded, spaces removed); write {normalise_text(word)!r}")
        for child in getattr(node, "items", ()) or ([node.item] if isinstance(node, Not) else []):
            walk(child)

    for _, node in clauses:
        walk(node)


def _numeric_literal(node: Any) -> Any:
    """The first number written directly into a condition, if any (rule files keep numbers in parameters)."""
    if isinstance(node, Const):
        values = node.value if isinstance(node.value, tuple) else (node.value,)
        return next((v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)), None)
    children = (getattr(node, "items", None) or
                [getattr(node, name) for name in ("item", "value", "values") if hasattr(node, name)])
    for child in children:
        found = _numeric_literal(child)
        if found is not None:
            return found
    return None


def _concluded_facts(paths: list[Path]) -> dict[str, tuple[str, str]]:
    """Pre-scan: fact name → (rule id, scope) for every rule that concludes a fact."""
    out: dict[str, tuple[str, str]] = {}
    catalogue = {f.name for f in CATALOGUE}
    for path in paths:
        data = read_yaml(path)
        then = data.get("then") if isinstance(data, dict) else None
        if isinstance(then, dict) and then.get("kind") == "conclude" and isinstance(then.get("fact"), str):
            fact = then["fact"]
            if fact in catalogue:
                raise RuleFileError(path, f"concludes {fact!r}, which is a workbook fact; pick a new name")
            if fact in out:
                raise RuleFileError(path, f"fact {fact!r} is already concluded by {out[fact][0]}")
            out[fact] = (path.stem, str(data.get("scope", "leader_year")))
    return out


def stratify(rules: list[LoadedRule]) -> list[list[LoadedRule]]:
    """Order rules so a rule runs after every rule whose concluded fact it reads."""
    producer = {r.concludes: r.id for r in rules if r.concludes}
    level: dict[str, int] = {}

    def depth(rule: LoadedRule, seen: tuple[str, ...]) -> int:
        if rule.id in level:
            return level[rule.id]
        if rule.id in seen:
            raise RuleFileError(rule.path, f"circular conclusion: {' → '.join(seen + (rule.id,))}")
        deps = [producer[f] for f in rule.facts_read if f in producer]
        by_id = {r.id: r for r in rules}
        level[rule.id] = 1 + max((depth(by_id[d], seen + (rule.id,)) for d in deps), default=-1)
        return level[rule.id]

    for rule in rules:
        depth(rule, ())
    strata: list[list[LoadedRule]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for rule in rules:
        strata[level[rule.id]].append(rule)
    return strata


def _params_in_force(path: Path, definition: ScorecardDef, scenario: tuple[Path, ScenarioDef] | None,
                     overrides: dict[str, Any]) -> dict[str, ParamValue]:
    params = {
        name: ParamValue(name, p.value, p.provenance, p.citation, p.meaning, p.value)
        for name, p in sorted(definition.parameters.items())
    }
    layered: list[tuple[Path | str, str, Any]] = []
    if scenario:
        layered += [(scenario[0], name, value) for name, value in scenario[1].set.items()]
    layered += [("--set", name, value) for name, value in overrides.items()]
    for where, name, value in layered:
        if name not in params:
            close = difflib.get_close_matches(name, list(params), n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            hint_zh = f"，是否想写 {' 或 '.join(close)}？" if close else ""
            raise RuleFileError(where, f"没有参数 {name!r}{hint_zh} / unknown parameter {name!r}{hint}")
        _check_same_shape(where, name, params[name].default, value)
        problem = constraint_problem(definition.parameters[name], value)
        if problem:
            raise RuleFileError(where, f"parameter {name!r} {problem}")
        old = params[name]
        params[name] = ParamValue(name, value, "scenario", old.citation, old.meaning, old.default)
    return params


def _check_same_shape(path: Path | str, name: str, default: Any, value: Any) -> None:
    def kind(v: Any) -> str:
        if isinstance(v, bool):
            return "true/false"
        if isinstance(v, (int, float)):
            return "number"
        if isinstance(v, list):
            kinds = {kind(item) for item in v}
            return "list of " + (kinds.pop() if len(kinds) == 1 else "mixed values" if kinds else "numbers")
        if isinstance(v, dict):
            return "mapping"
        return type(v).__name__

    if kind(default) != kind(value) and not (isinstance(default, list) and value == []):
        raise RuleFileError(path, f"parameter {name!r} must be a {kind(default)}, got {value!r}")


def _rel(path: Path) -> str:
    resolved = path.resolve()
    return resolved.relative_to(PROJECT_ROOT).as_posix() if resolved.is_relative_to(PROJECT_ROOT) else path.name


def file_digests(paths: list[Path]) -> dict[str, str]:
    """sha256 of each file that shaped the run, by its path relative to the project (for verify)."""
    return {rel: hashlib.sha256(path.read_bytes()).hexdigest() for rel, path in sorted((_rel(p), p) for p in paths)}


def fingerprint(paths: list[Path]) -> str:
    """sha256 over (relative path, bytes) of every file that shaped the run."""
    digest = hashlib.sha256()
    for rel, path in sorted((_rel(p), p) for p in paths):
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_scorecard(path: Path | str | None = None, *, scenario: Path | str | None = None,
                   overrides: dict[str, Any] | None = None) -> Scorecard:
    """Load a scorecard (default: scorecards/county.yaml), optional scenario and --set overrides."""
    path = Path(path) if path else DEFAULT_SCORECARD
    definition = parse_model(path, ScorecardDef, read_yaml(path))
    scenario_def = None
    scenario_path = None
    files = [path]
    if scenario:
        scenario_path = Path(scenario)
        scenario_def = parse_model(scenario_path, ScenarioDef, read_yaml(scenario_path))
        if scenario_def.scorecard != definition.id:
            raise RuleFileError(scenario_path, f"scenario is for scorecard {scenario_def.scorecard!r}, not {definition.id!r}")
        files.append(scenario_path)
    params = _params_in_force(path, definition, (scenario_path, scenario_def) if scenario_def else None,
                              overrides or {})
    values = {name: p.value for name, p in params.items()}
    rule_paths = _rule_paths(path, definition.rules)
    concluded = _concluded_facts(rule_paths)
    rules = [load_rule(p, values, concluded) for p in rule_paths]
    for loaded in rules:
        _recheck(loaded, values)
    _check_fact_parameters(path, definition, rules, values)
    files += rule_paths
    return Scorecard(definition, path, rules, params, stratify(rules), fingerprint(files), scenario_def, files)


def _check_fact_parameters(path: Path, definition: ScorecardDef, rules: list[LoadedRule],
                           values: dict[str, Any]) -> None:
    """A fact derived with a scorecard parameter (b with ranking.tie_position, the five scores with
    five.grades / five.weights) needs that parameter in the scorecard: Python holds no default for
    it. A rule or the composite reading such a fact without it is refused, naming the parameter;
    facts no rule reads are simply left null (their family "not evaluated", with the reason)."""
    readers = [(loaded.path, loaded.rule.scope, sorted(loaded.facts_read | set(loaded.rule.show)))
               for loaded in rules]
    if definition.composite:
        readers.append((path, "leader_year", [part.score for part in definition.composite.parts]))
    for where, scope, names in readers:
        for name in names:
            spec = fact_spec(scope, name)
            missing = [p for p in (spec.params if spec else ()) if p not in values]
            if missing:
                raise RuleFileError(where, f"评分卡未定义参数 {'、'.join(missing)}，无法计算事实 {name} / "
                                           f"fact {name!r} is derived with parameter {', '.join(missing)}, "
                                           "which the scorecard does not define")


def _recheck(loaded: LoadedRule, values: dict[str, Any]) -> None:
    """With the parameters in force: types still fit, every clause compiles, and durable_rules
    accepts the compiled rules, so a rule that cannot run fails here naming its file (exit 3)."""
    params = {**values, **loaded.local_values}
    specs = []
    for name, node in loaded.clauses:
        where = f"clause {name!r}: " if name else ""
        try:
            check_params(node, params)
            compiled = compile_condition(node, params)
        except ConditionError as exc:
            raise RuleFileError(loaded.path, f"{where}{exc}") from exc
        if isinstance(compiled, dict):
            specs.append(RuleSpec(name or "condition", loaded.rule.scope, compiled))
    try:
        Session().check(specs)
    except RuntimeFailure as exc:
        raise RuleFileError(loaded.path, f"durable_rules cannot run this rule: {exc} (very long lists and deeply "
                                         "combined or-clauses are known durable_rules limits)") from exc


def _rule_paths(scorecard_path: Path, rule_ids: list[str]) -> list[Path]:
    if len(set(rule_ids)) != len(rule_ids):
        raise RuleFileError(scorecard_path, "a rule is listed twice")
    paths = []
    known = sorted(p.stem for p in RULES_DIR.glob("*.yaml"))
    for rule_id in rule_ids:
        p = RULES_DIR / f"{rule_id}.yaml"
        if not p.is_file():
            close = difflib.get_close_matches(rule_id, known, n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            raise RuleFileError(scorecard_path, f"rule {rule_id!r} not found in rules/{hint}")
        paths.append(p)
    return paths
