"""The durable_rules wrapper: one test per quirk in DURABLE_RULES_NOTES.md (and the ones found here)."""
from __future__ import annotations

import pytest

from engine.evaluation import runtime
from engine.evaluation.runtime import RuleSpec, RuntimeFailure, Session

AWARDS = RuleSpec("awards", "ly", {"$gte": {"p": 4}})
BONUS = RuleSpec("bonus", "ly", {"$gte": {"p": 6}})
DEMOTE = RuleSpec("demote", "ly", {"$or": [{"$gte": {"p": 10}}, {"$gte": {"p2": 12}}]})


def test_overlapping_rules_all_fire_for_every_record():
    # Posted events are consumed by one rule (1,629 of 10,000 wrong in the notes); facts are not.
    records = [{"p": i % 13, "p2": i % 17} for i in range(2_000)]
    fired = Session().run([AWARDS, BONUS, DEMOTE], records)
    expected = sorted(
        [(i, "awards") for i, r in enumerate(records) if r["p"] >= 4]
        + [(i, "bonus") for i, r in enumerate(records) if r["p"] >= 6]
        + [(i, "demote") for i, r in enumerate(records) if r["p"] >= 10 or r["p2"] >= 12]
    )
    assert fired == expected


def test_or_with_two_true_branches_reports_one_firing():
    assert Session().run([DEMOTE], [{"p": 11, "p2": 13}]) == [(0, "demote")]


def test_record_matching_nothing_is_not_an_error():
    assert Session().run([AWARDS], [{"p": 1}, {"p": 5}, {}]) == [(1, "awards")]


def test_null_fact_is_left_out_and_compares_false_both_ways():
    rules = [RuleSpec("ge", "ly", {"$gte": {"p": 4}}), RuleSpec("lt", "ly", {"$lt": {"p": 4}}),
             RuleSpec("ne", "ly", {"$neq": {"p": 4}})]
    assert Session().run(rules, [{"p": None}]) == []


def test_same_rule_names_in_two_sessions_do_not_clash():
    # ruleset names register globally on durable's default host; each Session has its own Host
    for _ in range(3):
        assert Session().run([AWARDS], [{"p": 5}]) == [(0, "awards")]


def test_two_runs_in_one_session():
    session = Session()
    assert session.run([AWARDS], [{"p": 5}]) == [(0, "awards")]
    assert session.run([AWARDS], [{"p": 1}, {"p": 9}]) == [(1, "awards")]


def test_hash_colliding_ids_are_both_evaluated():
    # The notes measured ids 797186 and 40189 colliding in durable's 32-bit fact hash.
    records = [{"p": 5, "leader_id": "797186"}, {"p": 5, "leader_id": "40189"}]
    assert Session().run([AWARDS], records) == [(0, "awards"), (1, "awards")]


def test_identical_records_are_both_evaluated():
    assert Session().run([AWARDS], [{"p": 5}, {"p": 5}]) == [(0, "awards"), (1, "awards")]


def test_an_exception_inside_an_action_is_raised_not_swallowed(monkeypatch):
    def broken(key, fired, errors):
        def action(c):
            raise ValueError("boom")
        return action

    monkeypatch.setattr(runtime, "_recorder", broken)
    with pytest.raises(RuntimeFailure, match="rule action failed: exception caught boom"):
        Session().run([AWARDS], [{"p": 5}])


def test_an_error_recorded_by_an_action_is_raised(monkeypatch):
    real = runtime._recorder

    def failing(key, fired, errors):
        action = real(key, fired, errors)

        def wrapped(c):
            action(c)
            errors.append(f"{key}: simulated")
        return wrapped

    monkeypatch.setattr(runtime, "_recorder", failing)
    with pytest.raises(RuntimeFailure, match="simulated"):
        Session().run([AWARDS], [{"p": 5}])


def test_bad_definition_is_a_clear_failure():
    with pytest.raises(RuntimeFailure, match="rejected"):
        Session().run([RuleSpec("bad", "ly", {"$nope": {"p": 1}})], [{"p": 5}])


def test_one_scope_per_run():
    with pytest.raises(RuntimeFailure, match="one scope"):
        Session().run([AWARDS, RuleSpec("x", "other", {"p": 1})], [{"p": 5}])


def test_chinese_text_equality_and_regex():
    rules = [RuleSpec("town", "ly", {"unit_type": "乡镇"}), RuleSpec("hr", "ly", {"$mt": {"s": ".*人事.*"}})]
    fired = Session().run(rules, [{"unit_type": "乡镇", "s": "分管组织人事"}, {"unit_type": "县直单位", "s": "财务"}])
    assert fired == [(0, "hr"), (0, "town")]


def test_int_and_float_compare_equal():
    assert Session().run([RuleSpec("eq", "ly", {"b": 1})], [{"b": 1.0}, {"b": 1}, {"b": 2}]) == [(0, "eq"), (1, "eq")]


def test_many_records_all_accounted_for():
    records = [{"p": i % 11} for i in range(20_000)]
    fired = Session().run([AWARDS], records)
    assert len(fired) == sum(1 for r in records if r["p"] >= 4)


# Size, chosen (issue 7, item 24): the defect was two ids whose 32-bit hashes are equal (797186 and
# 40189) meeting in one durable session; the exact pair is asserted below in milliseconds, and it
# fails as soon as two records share a session (checked by hand: MessageObservedException). What
# only volume shows is a leak or a dropped record over many sessions: 200,000 records (~8 s, 20x
# any county's leader-years over a decade) run in CI; the full million (~50 s, half of CI's time)
# stays as a slow profile: `pytest -m slow tests/test_runtime.py`.
def test_the_ids_that_collided_in_one_session_both_fire():
    session = Session()
    fired: set[tuple[int, str]] = set()
    name = session._register([AWARDS], AWARDS.scope, fired, [])
    for index in (40189, 797186):
        session._assert_one(name, AWARDS.scope, index, {"p": 5, "leader_id": str(index)})
    assert sorted(i for i, key in fired if key == "awards") == [40189, 797186]


def test_two_hundred_thousand_records_none_lost():
    records = [{"p": i % 11, "leader_id": str(i)} for i in range(200_000)]
    fired = Session().run([AWARDS], records)
    assert len(fired) == sum(1 for r in records if r["p"] >= 4) == 127_272
    assert fired[0] == (4, "awards") and fired[-1] == (199_999, "awards")  # 199,999 % 11 == 8


@pytest.mark.slow
def test_a_million_records_none_lost_to_id_collisions():
    # The notes saw durable's 32-bit fact hash collide (797186 vs 40189) at 1M facts in one session.
    # One session per record, deleted after, means no two facts ever meet. ~35 s on 2 cores.
    records = [{"p": i % 11, "leader_id": str(i)} for i in range(1_000_000)]
    fired = Session().run([AWARDS], records)
    assert len(fired) == sum(1 for r in records if r["p"] >= 4) == 636_363
    assert fired[0] == (4, "awards") and fired[-1] == (999_998, "awards")  # 999,999 % 11 == 0


@pytest.mark.parametrize(("value", "fires"), [(1e-05, False), (1e16, True), (1.5e16, True), (0.00001, False),
                                              (4.0, True), (3.99, False)])
def test_numbers_json_writes_with_an_exponent_are_evaluated(value, fires):
    # durable_rules' parser rejects 1e-05 / 1e+16 (error 204); the wrapper encodes them as 1.0e-05.
    assert Session().run([AWARDS], [{"p": value}]) == ([(0, "awards")] if fires else [])


def test_number_encoding():
    from engine.evaluation.runtime import encode_fact, encode_number

    assert [encode_number(v) for v in (1e-05, 1e16, 2.5, 1.5e16)] == ["1.0e-05", "1.0e+16", "2.5", "1.5e+16"]
    assert encode_fact({"name": "王\"建国", "p": 1e-05, "n": 3, "b": True}) == \
        '{"name":"王\\"建国","p":1.0e-05,"n":3,"b":true}'
    with pytest.raises(RuntimeFailure, match="non-finite"):
        encode_number(float("nan"))
