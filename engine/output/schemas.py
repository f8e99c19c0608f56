"""JSON Schemas for editors (rule, scorecard, scenario, rule-case and results files)."""
from __future__ import annotations

import json
from pathlib import Path

from engine.rules import load
from engine.rules.model import RuleCases, Rule, ScenarioDef, ScorecardDef
from engine.evaluation.results import RunResult

SCHEMAS = {
    "rule.schema.json": Rule,
    "scorecard.schema.json": ScorecardDef,
    "scenario.schema.json": ScenarioDef,
    "rule-cases.schema.json": RuleCases,
    "results.schema.json": RunResult,
}


def schema_texts() -> dict[str, str]:
    return {name: json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
            for name, model in SCHEMAS.items()}


def write_schemas(folder: Path | None = None) -> list[Path]:
    folder = folder or load.RULES_DIR / "schema"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in schema_texts().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
