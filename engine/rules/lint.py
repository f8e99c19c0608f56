"""`scorecard lint`: what an auditor would object to in the rule and scorecard files, with file and line.

Loading (engine.rules.load) stops at the first problem; lint reads every file and reports
every problem it finds, each with the YAML line it is on:

* schema errors (pydantic), a rule id that is not its file name, a quote not verbatim in its
  source document, unknown facts or parameters (with did-you-mean), numbers written into
  conditions — the load checks, collected instead of raised;
* a consequence code used by two rules with different labels (one code, one meaning);
* a `source` parameter whose number is in neither its citation nor the quotes of the rules that
  use it (a number the documents do not give must be marked `local`);
* threshold ladders declared in the scorecard (`ladders:`) that overlap or leave gaps, also
  under each shipped scenario;
* a clause that can never fire (unreachable) or that never adds a firing because another
  clause of the same rule holds wherever it does (subsumed), decided over sample values;
* keyword lists with a repeated word, or a word that contains another word of the same list
  (it can never add a match).
"""
from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from engine.rules import load
from engine.rules.conditions import ConditionError, Not, Param, Truth, parse_condition
from engine.rules.model import Rule, ScenarioDef, ScorecardDef
from engine.rules.sampling import clause_truths
from engine.rules.numbers import numbers_in_text


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    code: str          # stable, e.g. SCHEMA, QUOTE_NOT_VERBATIM, CLAUSE_SUBSUMED
    severity: str      # error | warning
    message: str

    def render(self) -> str:
        path = Path(self.path)
        shown = path.resolve().relative_to(Path.cwd().resolve()) if path.resolve().is_relative_to(Path.cwd().resolve()) \
            else path
        return f"{shown}:{self.line}: {SEVERITY_ZH[self.severity]} {self.code}: {self.message}"


SEVERITY_ZH = {"error": "错误/error", "warning": "提示/warning"}


# --------------------------------------------------------------------------- YAML with line numbers
def _compose(path: Path) -> tuple[Any, yaml.Node | None, Finding | None]:
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text, Loader=load.SafeNoAliasLoader)
        return load.safe_yaml(text), node, None
    except OSError as exc:
        return None, None, Finding(str(path), 1, "UNREADABLE", "error", str(exc.strerror or exc))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, None, Finding(str(path), (mark.line + 1) if mark else 1, "YAML", "error", str(exc))


def line_of(node: yaml.Node | None, loc: Iterable[Any]) -> int:
    """The line of the value at `loc` (keys and list indexes), or of the nearest parent found."""
    line = (node.start_mark.line + 1) if node is not None else 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == key), None)
            if pair is None:
                break
            line, node = pair[0].start_mark.line + 1, pair[1]  # the key's line: a block value starts below it
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def _schema_findings(path: Path, node: Any, exc: ValidationError) -> list[Finding]:
    return [Finding(str(path), line_of(node, err["loc"]), "SCHEMA", "error",
                    f"格式错误 {'.'.join(str(p) for p in err['loc']) or '(文件)'}: {err['msg']}") for err in exc.errors()]


# --------------------------------------------------------------------------- rule files
@dataclass
class _RuleFile:
    path: Path
    rule: Rule
    node: Any


def _parse_rule_file(path: Path, findings: list[Finding]) -> _RuleFile | None:
    data, node, problem = _compose(path)
    if problem:
        findings.append(problem)
        return None
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        findings += _schema_findings(path, node, exc)
        return None
    if rule.id != path.stem:
        findings.append(Finding(str(path), line_of(node, ["id"]), "ID_NOT_FILE_NAME", "error",
                                f"规则编号 {rule.id} 须与文件名 {path.stem} 相同"))
    return _RuleFile(path, rule, node)


def _source_findings(rf: _RuleFile) -> list[Finding]:
    doc = load.SOURCES_DIR / rf.rule.source.document
    where = str(rf.path)
    if not doc.is_file():
        return [Finding(where, line_of(rf.node, ["source", "document"]), "SOURCE_MISSING", "error",
                        f"来源文件 {rf.rule.source.document} 不在 rules/sources/ 中")]
    if load._unwrap(rf.rule.source.quote) not in load._unwrap(doc.read_text(encoding="utf-8")):
        return [Finding(where, line_of(rf.node, ["source", "quote"]), "QUOTE_NOT_VERBATIM", "error",
                        f"source.quote 不是来源文件 {rf.rule.source.document} 中的原文（须逐字引用）")]
    return []


def _condition_findings(rf: _RuleFile, params: dict[str, Any], concluded: dict[str, tuple[str, str]]) -> list[Finding]:
    from engine.evaluation.facts import fact_types  # the facts catalogue types the conditions

    out = []
    rule = rf.rule
    declared = {}
    for i, name in enumerate(rule.parameters):
        if name in params:
            declared[name] = params[name]
        else:
            close = difflib.get_close_matches(name, list(params), n=3)
            hint = f"；是否想写 {' 或 '.join(close)}？" if close else ""
            out.append(Finding(str(rf.path), line_of(rf.node, ["parameters", i]), "UNKNOWN_PARAMETER", "error",
                               f"参数 {name} 在评分卡中没有取值{hint}"))
    declared.update({f"lists.{n}": words for n, words in rule.lists.items()})
    types = fact_types(rule.scope, {n: "bool" for n, (_, scope) in concluded.items() if scope == rule.scope})
    for index, (clause, text) in enumerate(rule.named_conditions()):
        loc = ["clauses", index, "condition"] if rule.clauses else ["condition"]
        try:
            node = parse_condition(text, types, declared)
        except ConditionError as exc:
            if any(p not in params for p in rule.parameters) and "parameter" in str(exc):
                continue  # already reported as UNKNOWN_PARAMETER
            out.append(Finding(str(rf.path), line_of(rf.node, loc), "CONDITION", "error", f"条件有误：{exc}"))
            continue
        number = load._numeric_literal(node)
        if number is not None:
            out.append(Finding(str(rf.path), line_of(rf.node, loc), "NUMBER_IN_CONDITION", "error",
                               f"条件中直接写了数字 {number!r}；请在评分卡中声明为参数并注明来源性质"))
    return out


def _keyword_findings(rf: _RuleFile) -> list[Finding]:
    out = []
    conditions = " ".join(text for _, text in rf.rule.named_conditions())
    for name, words in rf.rule.lists.items():
        substring = re.search(rf"contains_any\s+lists\.{name}\b", conditions) is not None
        for i, word in enumerate(words):
            line = line_of(rf.node, ["lists", name, i])
            if word in words[:i]:
                out.append(Finding(str(rf.path), line, "KEYWORD_REPEATED", "warning",
                                   f"lists.{name}：“{word}”重复列出"))
                continue
            inner = next((w for w in words if w != word and w in word), None)
            if inner and substring:  # a list matched whole (`in`) has no redundant longer words
                out.append(Finding(str(rf.path), line, "KEYWORD_REDUNDANT", "warning",
                                   f"lists.{name}：“{word}”包含同一列表中的“{inner}”，不会增加任何命中"))
    return out


def _code_findings(files: list[_RuleFile]) -> list[Finding]:
    """One code, one meaning. A label may specialise its meaning after a colon
    (违反“五个不直接分管”：直接分管财务); the part before it must be the same for every rule."""
    labels: dict[str, dict[str, list[_RuleFile]]] = {}
    for rf in files:
        then = rf.rule.then
        if then.kind == "consequence":
            meaning = re.split(r"[：:]", then.label, maxsplit=1)[0].strip()
            labels.setdefault(then.code, {}).setdefault(meaning, []).append(rf)
    out = []
    for code, by_label in sorted(labels.items()):
        if len(by_label) > 1:
            meanings = "；".join(f"{label}（{', '.join(r.rule.id for r in rfs)}）" for label, rfs in by_label.items())
            for rfs in by_label.values():
                for rf in rfs:
                    out.append(Finding(str(rf.path), line_of(rf.node, ["then", "code"]), "CODE_MEANINGS", "error",
                                       f"后果代码 {code} 在不同规则中含义不同：{meanings}"))
    return out


# --------------------------------------------------------------------------- scorecards
def _numbers(value: Any) -> list[float]:
    if isinstance(value, bool):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, (list, tuple)):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    return []


def _provenance_findings(path: Path, node: Any, card: ScorecardDef, files: list[_RuleFile]) -> list[Finding]:
    out = []
    quotes: dict[str, list[str]] = {}
    for rf in files:
        for name in rf.rule.parameters:
            quotes.setdefault(name, []).append(rf.rule.source.quote)
    for name, p in card.parameters.items():
        if p.provenance != "source":
            continue
        # the quoted words of the citation (“…”), not its section numbers (篇3 一、5、四是)
        cited = re.findall(r"“([^”]*)”", p.citation) or [p.citation]
        said = numbers_in_text(" ".join([*cited, *quotes.get(name, [])]))
        missing = [n for n in _numbers(p.value) if n not in said]
        if missing:
            shown = "、".join(f"{n:g}" for n in missing)
            out.append(Finding(str(path), line_of(node, ["parameters", name, "value"]), "SOURCE_NUMBER_NOT_CITED",
                               "error", f"{name} 标为文件依据，但 {shown} 既不在其引文中，也不在使用它的规则原文中："
                                        "请引用说出这个数的原文，或改标为本地参数（local）"))
    return out


def _ladder_findings(where: str, line: int, card: ScorecardDef, values: dict[str, Any], label: str) -> list[Finding]:
    out = []
    for ladder in card.ladders:
        steps = [values[name] for name in ladder.parameters if name in values]
        if len(steps) != len(ladder.parameters):
            unknown = [n for n in ladder.parameters if n not in values]
            out.append(Finding(where, line, "LADDER_UNKNOWN_PARAMETER", "error",
                               f"档次 {ladder.name} 引用了未知参数 {', '.join(unknown)}"))
            continue
        if ladder.kind == "increasing":
            pairs = [(a, b, x, y) for (a, x), (b, y) in itertools.pairwise(zip(ladder.parameters, steps)) if x >= y]
            out += [Finding(where, line, "LADDER_OVERLAP", "error",
                            f"档次 {ladder.name}{label}：{a} = {x:g} 不低于 {b} = {y:g}（门槛倒挂或重叠）")
                    for a, b, x, y in pairs]
            continue
        seen: dict[int, str] = {}
        for name, band in zip(ladder.parameters, steps):
            for position in band:
                if position in seen:
                    out.append(Finding(where, line, "LADDER_OVERLAP", "error",
                                       f"档次 {ladder.name}{label}：倒数第 {position} 名同时在 "
                                       f"{seen[position]} 和 {name} 中"))
                seen.setdefault(position, name)
        gaps = sorted(set(range(1, max(seen, default=0) + 1)) - set(seen))
        if gaps:
            out.append(Finding(where, line, "LADDER_GAP", "error",
                               f"档次 {ladder.name}{label}：倒数第 {'、'.join(map(str, gaps))} 名不在任何档内"))
    return out


def _clause_findings(scorecard: load.Scorecard) -> list[Finding]:
    """Unreachable and subsumed clauses, over sample values of the facts each rule reads."""
    out = []
    params = scorecard.values()
    for loaded in scorecard.rules:
        node_of_rule = yaml.compose(loaded.path.read_text(encoding="utf-8"), Loader=load.SafeNoAliasLoader)
        truths = clause_truths(loaded.clauses, {**params, **loaded.local_values})
        reachable = _reachable_under_some_choice(scorecard, loaded)
        names = [name for name, _ in loaded.clauses]
        for index, name in enumerate(names):
            loc = ["clauses", index, "condition"] if loaded.rule.clauses else ["condition"]
            line = line_of(node_of_rule, loc)
            label = f"条款 {name}" if name else "条件"
            if not any(t is True for t in truths[name]):
                if name not in reachable:
                    out.append(Finding(str(loaded.path), line, "CLAUSE_UNREACHABLE", "error",
                                       f"{label}在现行参数下永远不会成立"))
                continue
            for other in names:
                if other != name and all(o is True for t, o in zip(truths[name], truths[other]) if t is True):
                    out.append(Finding(str(loaded.path), line, "CLAUSE_SUBSUMED", "warning",
                                       f"{label}不会增加任何触发：凡它成立之处，条款 {other} 也成立"))
                    break
    return out


def _reachable_under_some_choice(scorecard: load.Scorecard, loaded: load.LoadedRule) -> set[str]:
    """Clauses that hold somewhere under another value of a choice parameter they test
    (elimination.two_year_mode == "cumulative") or of a true/false switch (demote_bottom.enabled,
    off by default): a scenario choice, not an unreachable clause."""
    tested: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, Truth) and isinstance(node.ref, Param):
            tested.add(node.ref.name)
        for child in getattr(node, "items", ()) or ([node.item] if isinstance(node, Not) else []):
            walk(child)

    for _, node in loaded.clauses:
        walk(node)
    definitions = scorecard.definition.parameters
    choices = [[(name, v) for v in (definitions[name].choices or
                                    ([True, False] if isinstance(definitions[name].value, bool) else []))]
               for name in sorted(tested)]
    reachable: set[str] = set()
    for combination in itertools.product(*choices) if tested else ():
        params = {**scorecard.values(), **dict(combination), **loaded.local_values}
        for name, values in clause_truths(loaded.clauses, params).items():
            if any(t is True for t in values):
                reachable.add(name)
    return reachable


# --------------------------------------------------------------------------- driver
def _files(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    rules, cards, scenarios = [], [], []
    for base in paths:
        candidates = [base] if base.is_file() else sorted(base.rglob("*.yaml"))
        for path in candidates:
            if "schema" in path.parts or "sources" in path.parts:
                continue  # JSON Schemas; the source documents and their registry (engine.rules.sources)
            if path.parent.name == "scenarios":
                scenarios.append(path)
            elif path.parent.name == "scorecards" or path.parent.parent.name == "scorecards":
                cards.append(path)
            else:
                rules.append(path)
    return rules, cards, scenarios


def lint(paths: Iterable[Path | str] | None = None) -> list[Finding]:
    """Every finding in the given files or folders (default rules/ and scorecards/), sorted."""
    paths = [Path(p) for p in paths] if paths else [load.RULES_DIR, load.SCORECARDS_DIR]
    rule_paths, card_paths, scenario_paths = _files(paths)
    findings: list[Finding] = []
    files = [rf for rf in (_parse_rule_file(p, findings) for p in rule_paths) if rf]
    cards = []
    for path in card_paths:
        data, node, problem = _compose(path)
        if problem:
            findings.append(problem)
            continue
        try:
            cards.append((path, node, ScorecardDef.model_validate(data)))
        except ValidationError as exc:
            findings += _schema_findings(path, node, exc)
    params = {name: p.value for _, _, card in cards for name, p in card.parameters.items()}
    concluded = {rf.rule.then.fact: (rf.rule.id, rf.rule.scope) for rf in files if rf.rule.then.kind == "conclude"}
    for rf in files:
        findings += _source_findings(rf) + _condition_findings(rf, params, concluded) + _keyword_findings(rf)
    findings += _code_findings(files)
    for path, node, card in cards:
        findings += _provenance_findings(path, node, card, files)
        values = {name: p.value for name, p in card.parameters.items()}
        findings += _ladder_findings(str(path), line_of(node, ["ladders"]), card, values, "")
        for scenario_path in scenario_paths:
            findings += _scenario_findings(scenario_path, card, values)
        if not any(f.severity == "error" for f in findings):
            findings += _loaded_findings(path)
    return sorted(set(findings))


def _scenario_findings(path: Path, card: ScorecardDef, values: dict[str, Any]) -> list[Finding]:
    data, node, problem = _compose(path)
    if problem:
        return [problem]
    try:
        scenario = ScenarioDef.model_validate(data)
    except ValidationError as exc:
        return _schema_findings(path, node, exc)
    if scenario.scorecard != card.id:
        return []
    # only the ladders the scenario moves: the others are the scorecard's own findings
    moved = card.model_copy(update={"ladders": [ladder for ladder in card.ladders
                                                if set(ladder.parameters) & set(scenario.set)]})
    return _ladder_findings(str(path), line_of(node, ["set"]), moved, {**values, **scenario.set},
                            f"（情景 {scenario.id}）")


def _loaded_findings(path: Path) -> list[Finding]:
    """Checks that need the whole scorecard loaded (and anything loading still refuses)."""
    try:
        scorecard = load.load_scorecard(path)
    except load.RuleFileError as exc:
        return [Finding(exc.path, 1, "LOAD", "error", str(exc).split(": ", 1)[-1])]
    return _clause_findings(scorecard)


__all__ = ["Finding", "lint", "line_of"]
