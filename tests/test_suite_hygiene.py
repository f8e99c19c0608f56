"""Issue 7, item 24: the tests point at what exists.

tests/test_condition_semantics.py once cited a test file that did not exist; a reader following
it found nothing. Every test file a test module names must be there.
"""
from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_test_file_a_test_names_exists():
    cited = {(path.name, name) for path in TESTS.glob("*.py")
             for name in re.findall(r"\b(test_\w+\.py)\b", path.read_text(encoding="utf-8"))}
    assert cited, "the pattern must find the references tests make to each other"
    assert sorted((src, name) for src, name in cited if not (TESTS / name).exists()) == []
