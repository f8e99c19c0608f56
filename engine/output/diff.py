"""Who flips between two runs of the same workbook, and why (SPEC 1: analysts).

A change is any difference in a leader-year's consequences: a code gained or lost, the
same code a different number of times (表扬 ×2 → ×1), a different clause, or a changed
score. Each change carries the deciding numbers against both sides' thresholds, read from
the rules' condition trees (engine.output.deciding).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from engine.evaluation.facts import SCOPES
from engine.evaluation.results import Consequence, LeaderResult, RunResult
from engine.output.deciding import BASE_ZH, OTHER_ZH, Sides, deciding_lines
from engine.rules.load import Scorecard
from engine.rules.model import CONSEQUENCE_CODES, ConsequenceAction
from engine.rules.model import code_label as catalogue_label
from engine.xlsxio import format_value, parameter_cell, save_workbook_stable, table_sheet

SCORE_NAMES = {"deduction_points": "当年扣分", "five_weighted": "五个强化加权分", "composite": "综合得分"}


@dataclass
class Side:
    """One side of a comparison: its run, the scorecard behind it and how to name it."""

    result: RunResult
    scorecard: Scorecard
    label: str


def scorecard_codes(*cards: Scorecard) -> list[str]:
    """Every code the scorecard(s) can produce, in catalogue order (a stable column set)."""
    codes = {r.rule.then.code for card in cards for r in card.rules if isinstance(r.rule.then, ConsequenceAction)}
    return [c for c in CONSEQUENCE_CODES if c in codes] + sorted(codes - set(CONSEQUENCE_CODES))


def code_label(code: str) -> str:
    return catalogue_label(code)  # across scenarios: no parameter-dependent number


def differing_parameters(base: Scorecard, other: Scorecard) -> list[dict[str, Any]]:
    a, b = base.values(), other.values()
    return [{"name": n, "before": a.get(n), "after": b.get(n)}
            for n in sorted(set(a) | set(b)) if a.get(n) != b.get(n)]


def _instance_key(cons: Consequence, card: Scorecard) -> tuple[str, Any]:
    try:
        group = SCOPES[card.rule(cons.rule_id).rule.scope].group_by
    except KeyError:
        group = None
    return cons.rule_id, cons.facts.get(group) if group else None


def _instances(leader: LeaderResult | None, code: str, card: Scorecard) -> dict[tuple[str, Any], Consequence]:
    return {_instance_key(c, card): c for c in (leader.consequences if leader else []) if c.code == code}


def _shape(cons: Consequence) -> tuple[Any, ...]:
    return tuple(cons.clauses), cons.facts.get("count")


def _summary(instances: dict[tuple[str, Any], Consequence]) -> dict[str, Any]:
    return {"count": len(instances),
            "clauses": sorted(c for cons in instances.values() for c in cons.clauses)}


def _score(leader: LeaderResult | None, name: str) -> Any:
    if leader is None:
        return None
    if name == "five_weighted":
        five = leader.scores.get("five_reinforcements")
        return five.get("weighted") if isinstance(five, dict) else None
    return leader.scores.get(name)


def _facts(leader: LeaderResult | None, cons: Consequence | None) -> dict[str, Any]:
    facts = dict(leader.scores) if leader else {}
    if cons is not None:
        facts.update(cons.facts)
    return facts


def _why(code: str, keys: list[tuple[str, Any]], old: dict, new: dict, pair: tuple[LeaderResult | None, ...],
         base: Side, other: Side, differing: list[dict[str, Any]]) -> list[str]:
    names = {p["name"] for p in differing}
    lines: list[str] = []
    for key in keys:
        cons_a, cons_b = old.get(key), new.get(key)
        card = other.scorecard if cons_b is not None else base.scorecard
        sides = Sides(base.scorecard.values(), other.scorecard.values(), names,
                      _facts(pair[0], cons_a or cons_b), _facts(pair[1], cons_b or cons_a))
        try:
            loaded = card.rule(key[0])
        except KeyError:
            continue
        for line in deciding_lines(loaded, card, sides):
            prefix = f"第{key[1]}批次 " if key[1] is not None and isinstance(key[1], int) else ""
            if prefix + line not in lines:
                lines.append(prefix + line)
    if not lines:  # the parameter acts through a fact, not a comparison (e.g. ranking.tie_position)
        lines = [f"参数 {p['name']}：{BASE_ZH} {format_value(p['before'])}，{OTHER_ZH} {format_value(p['after'])}"
                 for p in differing]
    return lines


def leader_change(pair: tuple[LeaderResult | None, LeaderResult | None], codes: list[str], base: Side, other: Side,
                  differing: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The change of one leader-year, or None when both sides agree."""
    a, b = pair
    added, removed, changed, why = [], [], [], []
    for code in codes:
        old, new = _instances(a, code, base.scorecard), _instances(b, code, other.scorecard)
        keys = sorted((k for k in set(old) | set(new)
                       if k not in old or k not in new or _shape(old[k]) != _shape(new[k])), key=str)
        if not keys:
            continue
        if not old:
            added.append(code)
        elif not new:
            removed.append(code)
        else:
            changed.append({"code": code, "before": _summary(old), "after": _summary(new)})
        why.append({"code": code, "lines": _why(code, keys, old, new, pair, base, other, differing)})
    scores = {name: {"before": _score(a, name), "after": _score(b, name)} for name in SCORE_NAMES}
    scores = {k: v for k, v in scores.items() if v["before"] != v["after"]}
    if not (added or removed or changed or scores):
        return None
    who = b or a
    assert who is not None
    return {"leader_id": who.leader_id, "name": who.name, "unit": who.unit, "year": who.year,
            "added": added, "removed": removed, "changed": changed,
            "score_before": _score(a, "composite"), "score_after": _score(b, "composite"),
            "scores_changed": scores, "why": why}


def leaders_per_code(result: RunResult) -> Counter:
    """Leader-years per consequence code (a leader-year counts once per code)."""
    return Counter(code for r in result.results for code in {c.code for c in r.consequences})


def compare(base: Side, other: Side) -> dict[str, Any]:
    """The whole comparison as plain data (what --json writes)."""
    codes = scorecard_codes(base.scorecard, other.scorecard)
    differing = differing_parameters(base.scorecard, other.scorecard)
    a = {(r.year, r.leader_id): r for r in base.result.results}
    b = {(r.year, r.leader_id): r for r in other.result.results}
    changes = [c for key in sorted(set(a) | set(b))
               if (c := leader_change((a.get(key), b.get(key)), codes, base, other, differing))]
    before, after = leaders_per_code(base.result), leaders_per_code(other.result)
    clause_labels: dict[str, dict[str, str]] = {}
    for card in (base.scorecard, other.scorecard):
        for r in card.rules:
            if isinstance(r.rule.then, ConsequenceAction):
                clause_labels.setdefault(r.rule.then.code, {}).update(r.rule.clause_labels())
    return {
        "base": {"label": base.label, "scorecard": base.result.scorecard, "scenario": base.result.scenario},
        "other": {"label": other.label, "scorecard": other.result.scorecard, "scenario": other.result.scenario},
        "years": base.result.years,
        "input_fingerprint": base.result.input_fingerprint,
        "parameters": differing,
        "counts": [{"code": c, "label": code_label(c), "before": before.get(c, 0), "after": after.get(c, 0)}
                   for c in codes],
        "changes": changes,
        "clause_labels": {c: clause_labels[c] for c in codes if clause_labels.get(c)},
    }


def diff_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


# --------------------------------------------------------------------------- Chinese text

def _times(summary: dict[str, Any], labels: dict[str, str]) -> str:
    order = list(labels)
    ranked = sorted(summary["clauses"], key=lambda c: (order.index(c) if c in order else len(order), c))
    clauses = "、".join(labels.get(c, c) for c in ranked)
    return f"×{summary['count']}" + (f"（{clauses}）" if clauses else "")


def change_lines(change: dict[str, Any], clause_labels: dict[str, dict[str, str]]
                 ) -> list[tuple[str, str, str, str, str]]:
    """(kind, code, before, after, why) per consequence change, in Chinese."""
    why = {w["code"]: "；".join(w["lines"]) for w in change["why"]}
    rows = [("新增", c, "无", code_label(c), why.get(c, "")) for c in change["added"]]
    rows += [("取消", c, code_label(c), "无", why.get(c, "")) for c in change["removed"]]
    rows += [("变化", ch["code"], _times(ch["before"], clause_labels.get(ch["code"], {})),
              _times(ch["after"], clause_labels.get(ch["code"], {})), why.get(ch["code"], ""))
             for ch in change["changed"]]
    rows += [("得分", name, format_value(v["before"]), format_value(v["after"]), "")
             for name, v in change["scores_changed"].items()]
    return rows


def render(doc: dict[str, Any]) -> str:
    lines = [f"比较：{BASE_ZH}（{doc['base']['label']}）→ {OTHER_ZH}（{doc['other']['label']}），"
             f"年度 {'、'.join(map(str, doc['years']))}"]
    if doc["parameters"]:
        lines.append("不同的参数：" + "；".join(
            f"{p['name']} {format_value(p['before'])} → {format_value(p['after'])}" for p in doc["parameters"]))
    else:
        lines.append("两边参数相同。")
    changes = doc["changes"]
    if not changes:
        lines.append("两边的后果与得分完全相同，没有干部发生变化。")
    else:
        lines.append(f"{len(changes)} 名干部·年度发生变化：")
    for change in changes:
        lines.append(f"  {change['year']}年度 {change['name']}（{change['leader_id']}，{change['unit']}）")
        for kind, code, before, after, why in change_lines(change, doc["clause_labels"]):
            if kind == "新增":
                text = f"+ {code_label(code)}"
            elif kind == "取消":
                text = f"- {code_label(code)}"
            elif kind == "变化":
                text = f"~ {code_label(code)} {before} → {after}"
            else:
                text = f"~ {SCORE_NAMES.get(code, code)} {before} → {after}"
            lines.append(f"    {text}" + (f"　因为 {why}" if why else ""))
    lines.append(f"按后果统计（人·年，{BASE_ZH} → {OTHER_ZH}）：")
    for count in doc["counts"]:
        if count["before"] or count["after"]:
            mark = "" if count["before"] == count["after"] else "  ←"
            lines.append(f"  {count['label']}：{count['before']} → {count['after']}{mark}")
    return "\n".join(lines)


def write_diff_xlsx(doc: dict[str, Any], path: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    rows = []
    for change in doc["changes"]:
        for kind, code, before, after, why in change_lines(change, doc["clause_labels"]):
            label = SCORE_NAMES.get(code, code) if kind == "得分" else code_label(code)
            rows.append([change["year"], change["leader_id"], change["name"], change["unit"], kind, label,
                         before, after, why or None])
    table_sheet(wb, "变化明细", ("年度", "干部编号", "姓名", "单位", "变化", "后果/得分",
                             BASE_ZH, OTHER_ZH, "原因（决定性数值与两边的标准）"), rows)
    table_sheet(wb, "按后果统计", ("后果", f"{BASE_ZH}人数", f"{OTHER_ZH}人数", "增减", "代码"),
                [[c["label"], c["before"], c["after"], c["after"] - c["before"], c["code"]] for c in doc["counts"]])
    table_sheet(wb, "参数差异", ("参数名", BASE_ZH, OTHER_ZH),
                [[p["name"], parameter_cell(p["before"]), parameter_cell(p["after"])] for p in doc["parameters"]])
    table_sheet(wb, "说明", ("项目", "内容"), [
        [BASE_ZH, doc["base"]["label"]], [OTHER_ZH, doc["other"]["label"]],
        ["年度", "、".join(map(str, doc["years"]))], ["输入指纹", doc["input_fingerprint"]],
        ["变化的人·年数", len(doc["changes"])]])
    save_workbook_stable(wb, Path(path))
