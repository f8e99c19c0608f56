"""A throw-away copy of rules/ and scorecards/ for tests that author rules, with engine.rules.load pointed at it."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.rules import load

REPO = Path(__file__).resolve().parents[1]


def copy_project(root: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> None:
    shutil.copytree(REPO / "rules", root / "rules")
    shutil.copytree(REPO / "scorecards", root / "scorecards")
    if monkeypatch is not None:
        monkeypatch.setattr(load, "PROJECT_ROOT", root)
        monkeypatch.setattr(load, "RULES_DIR", root / "rules")
        monkeypatch.setattr(load, "SOURCES_DIR", root / "rules" / "sources")
        monkeypatch.setattr(load, "SCORECARDS_DIR", root / "scorecards")
        monkeypatch.setattr(load, "DEFAULT_SCORECARD", root / "scorecards" / "county.yaml")
