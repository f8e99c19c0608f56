"""Issue 7, item 16: `pip install .` (not editable) works from any folder.

Builds the wheel from a copy of the checkout, installs it into a fresh virtual environment (with
the system site-packages, so the dependencies are not downloaded again) and scores the sample from
an empty folder: the rules, scorecards, sources and schemas must come from inside the package.
Before the fix this exited 3 (`…/scorecards/county.yaml: cannot read`). About 20 s.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine import load_scorecard
from engine.input.sample import expected_2025
from engine.input.sample_packs import PACK_FAMILY_TITLES

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "engine", "rules", "scorecards")
IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*_评分结果.xlsx", "*_results.json",
                                "*_数据问题.xlsx")


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kwargs)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout}\n{proc.stderr}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    pytest.importorskip("wheel", reason="the [test] extra installs wheel")
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    src.mkdir()
    for name in SHIPPED:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=IGNORE)
        else:
            shutil.copy2(path, src / name)
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp / "dist"),
          str(src)])
    (wheel,) = (tmp / "dist").glob("scorecard-*.whl")
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
          str(wheel)])
    return venv


def _clean_env() -> dict[str, str]:
    # Nothing may point back at the checkout: no PYTHONPATH, no SCORECARD_HOME.
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SCORECARD_HOME")}


def test_installed_package_scores_the_sample_from_an_empty_folder(installed, tmp_path):
    where = _run([str(installed / "bin" / "python"), "-c", "import engine, sys; print(engine.__file__)"],
                 cwd=tmp_path, env=_clean_env()).stdout.strip()
    assert Path(where).is_relative_to(installed), where  # the wheel's copy, not the checkout
    shutil.copy(ROOT / "scorecards" / "samples" / "sample_county.xlsx", tmp_path / "wb.xlsx")
    proc = _run([str(installed / "bin" / "scorecard"), "run", "wb.xlsx"], cwd=tmp_path, env=_clean_env())
    assert "2025年度，基准参数：" in proc.stdout
    data = json.loads((tmp_path / "wb_2025_results.json").read_text(encoding="utf-8"))
    # the same rule and scorecard files (the fingerprint covers their bytes and relative paths)
    assert data["rules_fingerprint"] == load_scorecard().fingerprint
    first_wave = {r.id for r in load_scorecard().rules if r.rule.family not in PACK_FAMILY_TITLES}
    fired = {r["leader_id"]: {c["code"] for c in r["consequences"] if c["rule_id"] in first_wave}
             for r in data["results"]}
    assert {k: v for k, v in fired.items() if v} == {k: v for k, v in expected_2025().items() if v}
    packs = sum(1 for r in data["results"] for c in r["consequences"] if c["rule_id"] not in first_wave)
    assert packs == 37   # the second-wave planted cases (tests/test_end_to_end_packs.py)
    assert {p.name for p in tmp_path.iterdir()} >= {"wb_2025_评分结果.xlsx", "wb_2025_results.json"}


def test_installed_package_finds_sources_and_schemas(installed, tmp_path):
    env = _clean_env()
    rules = _run([str(installed / "bin" / "scorecard"), "rules"], cwd=tmp_path, env=env).stdout
    assert "CARD_DEMOTE" in rules
    bundled = installed / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages" / \
        "engine" / "_data"
    assert sorted(p.name for p in (bundled / "rules" / "sources").iterdir()) == \
        sorted(p.name for p in (ROOT / "rules" / "sources").iterdir())
    assert sorted(p.name for p in (bundled / "rules" / "schema").iterdir()) == \
        sorted(p.name for p in (ROOT / "rules" / "schema").iterdir())


def test_home_option_points_elsewhere(installed, tmp_path):
    # A county's own copy of the rules: --home (or $SCORECARD_HOME) wins over the bundled one.
    home = tmp_path / "home"
    shutil.copytree(ROOT / "rules", home / "rules", ignore=IGNORE)
    shutil.copytree(ROOT / "scorecards", home / "scorecards", ignore=IGNORE)
    card = home / "scorecards" / "county.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("title: 县级党政“一把手”年度监督评分卡",
                                                             "title: 本县自编评分卡"), encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    out = _run([str(installed / "bin" / "scorecard"), "--home", str(home), "rules"], cwd=work,
               env=_clean_env()).stdout
    assert "本县自编评分卡" in out
    out = _run([str(installed / "bin" / "scorecard"), "rules"], cwd=work,
               env={**_clean_env(), "SCORECARD_HOME": str(home)}).stdout
    assert "本县自编评分卡" in out


def test_readme_says_what_a_windows_or_macos_install_needs():
    # Item 17: durable-rules has no wheel; the README names the compiler per platform and the Python versions.
    import tomllib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    for needle in ("xcode-select --install", "Build Tools", "build-essential", "durable-rules 2.0.28",
                   f"`requires-python {requires}`"):
        assert readme.count(needle) == 2, needle  # once in Chinese, once in English
