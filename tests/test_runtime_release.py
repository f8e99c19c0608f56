"""Session.close releases what durable_rules keeps per ruleset (sweeps and servers run thousands)."""
from __future__ import annotations

import durable_rules_engine
from engine.evaluation.runtime import RuleSpec, Session

AWARDS = RuleSpec("awards", "leader_year", {"$gte": {"p": 4}})


def test_close_deletes_every_ruleset_of_the_session():
    with Session() as session:
        assert session.run([AWARDS], [{"p": 5}, {"p": 1}]) == [(0, "awards")]
        assert len(session._host._ruleset_list) == 1
    assert session._host._ruleset_list == [] and session._host._ruleset_directory == {}


def test_close_asks_the_native_engine_to_delete_each_ruleset(monkeypatch):
    deleted = []
    real = durable_rules_engine.delete_ruleset
    monkeypatch.setattr(durable_rules_engine, "delete_ruleset", lambda handle: (deleted.append(handle), real(handle)))
    session = Session()
    session.run([AWARDS], [{"p": 5}])
    session.run([AWARDS], [{"p": 5}])
    handles = [r._handle for r in session._host._ruleset_list]
    session.close()
    assert deleted == handles and len(handles) == 2


def test_a_closed_session_can_run_again():
    session = Session()
    session.run([AWARDS], [{"p": 5}])
    session.close()
    assert session.run([AWARDS], [{"p": 4}]) == [(0, "awards")]
    session.close()
