"""Does a results file still hold? Recompute it from today's workbook, rules and scorecard.

An auditor holds a report's JSON and asks whether it still matches its inputs and rules.
`verify` re-scores the workbook for the same years with the scorecard (and scenario) given,
then names what differs: the engine version, which input sheets and which rule or scorecard
files changed (per-file digests recorded in the JSON), which parameters differ, and which
leader-years' results changed and how.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from engine.evaluation.results import LeaderResult, RunResult
from engine.evaluation.scoring import score
from engine.input.sheets import SHEETS
from engine.input.workbook import read_workbook
from engine.rules.load import Scorecard

SHEET_ZH = {spec.en: spec.zh for spec in SHEETS}


@dataclass
class Verdict:
    lines: list[str] = field(default_factory=list)      # Chinese, for the terminal
    changed_files: list[str] = field(default_factory=list)
    changed_sheets: list[str] = field(default_factory=list)
    changed_parameters: list[str] = field(default_factory=list)
    changed_results: list[tuple[int, str]] = field(default_factory=list)   # (year, leader_id)
    fingerprints_differ: list[str] = field(default_factory=list)            # rules / input

    @property
    def holds(self) -> bool:
        return not (self.changed_files or self.changed_sheets or self.changed_parameters or self.changed_results
                    or self.fingerprints_differ)


def load_results(path: Path) -> RunResult:
    return RunResult.model_validate(json.loads(path.read_text(encoding="utf-8")))


def verify(stored: RunResult, workbook: Path, scorecard: Scorecard) -> Verdict:
    """Recompute `stored` from `workbook` with `scorecard` and say what no longer matches."""
    lenient = any(issue.severity == "error" for issue in stored.input_issues)  # it was a --lenient run
    fresh = score(read_workbook(workbook, lenient=lenient), scorecard, years=stored.years)
    verdict = Verdict()
    out = verdict.lines
    if stored.engine_version != fresh.engine_version:
        out.append(f"注意：结果由引擎 {stored.engine_version or '（未记录）'} 计算，现在是 {fresh.engine_version}")
    _compare_input(stored, fresh, verdict)
    _compare_rules(stored, fresh, verdict)
    _compare_parameters(stored, fresh, verdict)
    _compare_results(stored, fresh, verdict)
    out.append("结论：结果仍然成立。" if verdict.holds else "结论：结果与现在的输入和规则不再一致。")
    return verdict


def _compare_input(stored: RunResult, fresh: RunResult, verdict: Verdict) -> None:
    changed = _compare_digests("输入工作簿", "input", (stored.input_fingerprint, fresh.input_fingerprint),
                               stored.input_sheets, fresh.input_sheets, verdict,
                               lambda sheet: f"工作表“{SHEET_ZH.get(sheet, sheet)}”", ("新增", "已删除", "内容已改变"))
    verdict.changed_sheets += changed


def _compare_rules(stored: RunResult, fresh: RunResult, verdict: Verdict) -> None:
    changed = _compare_digests("规则与评分卡", "rules", (stored.rules_fingerprint, fresh.rules_fingerprint),
                               stored.rule_files, fresh.rule_files, verdict, lambda name: f"{name}：",
                               ("结果未使用（本次新增）", "本次未使用（结果使用过）", "内容已改变"))
    verdict.changed_files += changed


def _compare_digests(label: str, key: str, fingerprints: tuple[str, str], before: dict[str, str],
                     after: dict[str, str], verdict: Verdict, name: Callable[[str], str],
                     states: tuple[str, str, str]) -> list[str]:
    """One fingerprint and its per-part digests: say whether it matches, and name each part that
    was added, removed or changed (states in that order). Returns the changed parts."""
    old, new = fingerprints
    if old == new:
        verdict.lines.append(f"{label}：一致（sha256 {new[:12]}…）")
        return []
    verdict.fingerprints_differ.append(key)
    verdict.lines.append(f"{label}：不一致（{key}_fingerprint {old[:12]}… → {new[:12]}…）")
    changed = [part for part in sorted(set(before) | set(after)) if before.get(part) != after.get(part)]
    for part in changed:
        state = states[0] if part not in before else states[1] if part not in after else states[2]
        verdict.lines.append(f"  {name(part)}{state}")
    return changed


def _compare_parameters(stored: RunResult, fresh: RunResult, verdict: Verdict) -> None:
    if stored.scenario != fresh.scenario:
        verdict.lines.append(f"情景：结果为 {stored.scenario or '（无，默认参数）'}，本次为 {fresh.scenario or '（无，默认参数）'}"
                             "（请用 --scenario 给出同一情景文件）")
    before = {p.name: p.value for p in stored.parameters}
    after = {p.name: p.value for p in fresh.parameters}
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            verdict.changed_parameters.append(name)
            verdict.lines.append(f"  参数 {name}：{_text(before.get(name))} → {_text(after.get(name))}")


def _compare_results(stored: RunResult, fresh: RunResult, verdict: Verdict) -> None:
    old = {(r.year, r.leader_id): r for r in stored.results}
    new = {(r.year, r.leader_id): r for r in fresh.results}
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and _canonical(a) == _canonical(b):
            continue
        verdict.changed_results.append(key)
        who = b or a
        verdict.lines.append(f"  {key[0]}年度 {who.leader_id} {who.name}（{who.unit}）：{_what_changed(a, b)}")
    total = len(set(old) | set(new))
    changed = len(verdict.changed_results)
    verdict.lines.insert(len(verdict.lines) - changed,
                         f"结果：{total} 名干部·年度中 {changed} 名的结果已变化" if changed else
                         f"结果：{total} 名干部·年度全部一致")


def _canonical(result: LeaderResult) -> str:
    # The parameter values each consequence records are compared once, as parameters, above;
    # a leader-year counts as changed when what was decided for it (or why) changed.
    data = result.model_dump(mode="json")
    for consequence in data["consequences"]:
        consequence.pop("parameters", None)
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _what_changed(a: LeaderResult | None, b: LeaderResult | None) -> str:
    if a is None:
        return "结果文件中没有此人，本次有"
    if b is None:
        return "结果文件中有此人，本次没有"
    parts = []
    codes_a = sorted(f"{c.label}" for c in a.consequences)
    codes_b = sorted(f"{c.label}" for c in b.consequences)
    added = [c for c in codes_b if c not in codes_a]
    removed = [c for c in codes_a if c not in codes_b]
    if added:
        parts.append("新增后果 " + "、".join(added))
    if removed:
        parts.append("不再有后果 " + "、".join(removed))
    for name in sorted(set(a.scores) | set(b.scores)):
        if a.scores.get(name) != b.scores.get(name):
            parts.append(f"{name} {_text(a.scores.get(name))} → {_text(b.scores.get(name))}")
    return "；".join(parts) or "后果的依据（事实、条款或说明）有变化"


def _text(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
