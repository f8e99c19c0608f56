"""The condition language: parse, type-check, did-you-mean, compile (no eval anywhere)."""
from __future__ import annotations

import pytest

from engine.rules.compile import compile_condition
from engine.rules.conditions import ConditionError, parse_condition

FACTS = {"deduction_points": "number", "is_top": "bool", "unit_type": "text", "bottom_position": "number",
         "portfolio": "text"}
PARAMS = {"card.disqualify_awards": 4, "band": [2, 3], "flag": True, "words": ["人事", "财务"]}


def compiled(text, params=PARAMS):
    return compile_condition(parse_condition(text, FACTS, params), params)


def test_comparison_with_parameter():
    assert compiled("deduction_points >= card.disqualify_awards") == {"$gte": {"deduction_points": 4}}


def test_value_on_the_left_is_flipped():
    assert compiled("card.disqualify_awards <= deduction_points") == {"$gte": {"deduction_points": 4}}


def test_and_or_in_and_text():
    assert compiled('is_top and (unit_type == "乡镇" or bottom_position in band)') == {
        "$and": [{"is_top": True}, {"$or": [{"unit_type": "乡镇"},
                                             {"$or": [{"bottom_position": 2}, {"bottom_position": 3}]}]}]
    }


def test_not_is_pushed_down():
    assert compiled("not (deduction_points >= card.disqualify_awards or is_top)") == {
        "$and": [{"$lt": {"deduction_points": 4}}, {"is_top": False}]
    }
    assert compiled("bottom_position not in band") == {
        "$and": [{"$neq": {"bottom_position": 2}}, {"$neq": {"bottom_position": 3}}]
    }


def test_boolean_parameters_fold():
    assert compiled("is_top and flag") == {"is_top": True}
    assert compiled("is_top and not flag") is False
    assert compiled("is_top or flag") is True


def test_contains_any_compiles_to_a_keyword_marker_for_the_runtime():
    # durable_rules' regex automaton misses overlapping keywords: the runtime wrapper decides
    # containment and durable tests a true/false fact (see engine.evaluation.runtime)
    words = ["a.b", "人事"]
    assert compiled('portfolio contains_any ["a.b", "人事"]') == {"$kw": {"fact": "portfolio", "words": words,
                                                                          "value": True}}
    assert compiled('not (portfolio contains_any ["a.b", "人事"])') == {"$kw": {"fact": "portfolio",
                                                                                "words": words, "value": False}}
    assert compiled("portfolio contains_any []") is False
    assert compiled("not (portfolio contains_any [])") == {"$ex": {"portfolio": 1}}


def test_empty_list_never_matches():
    assert compiled("bottom_position in []") is False
    assert compiled("bottom_position not in []") == {"$ex": {"bottom_position": 1}}  # needs the fact


@pytest.mark.parametrize(("text", "message"), [
    ("deduction_point >= 4", "unknown fact 'deduction_point' at column 1; did you mean 'deduction_points'?"),
    ("deduction_points >= card.disqualify_award", "unknown parameter 'card.disqualify_award' at column 21; "
                                                  "did you mean 'card.disqualify_awards'?"),
    ("deduction_points >= '4'", "fact 'deduction_points' is number but is compared with text '4'"),
    ("unit_type >= '乡镇'", ">= needs numbers; fact 'unit_type' is text"),
    ("deduction_points", "fact 'deduction_points' is number, not true/false; compare it"),
    ("deduction_points >= bottom_position", "compares two facts"),
    ("deduction_points >= 4 and", "expected a fact, parameter or value at column 26, found 'end of condition'"),
    ("(is_top", "expected ')' at column 8"),
    ("is_top; import os", "unexpected character ';' at column 7"),
    ("__import__('os')", "unknown fact '__import__' at column 1"),
    ("bottom_position in card.disqualify_awards", "'in' needs a list"),
])
def test_errors_are_precise(text, message):
    with pytest.raises(ConditionError) as err:
        parse_condition(text, FACTS, PARAMS)
    assert message in str(err.value)
