"""The web page over a history store (issues 11 + 12), on SQLite and on a real PostgreSQL server.

An upload is imported as yearly versions and scored as `scorecard run WORKBOOK --store` scores it, the run is
logged; a year stored with other data is replaced only when the clerk confirms; a broken workbook stores
nothing; a 复核 decision made on a leader's page is the store's decision (reviewer = the login), and the
report the page hands out carries it, as `run --store` writes it.
"""
from __future__ import annotations

import io
import shutil

import pytest
from openpyxl import load_workbook

from engine.store import open_store
from engine.store.imports import history
from engine.store.review import decisions_for
from engine.store.runs import list_runs
from engine.web.app import WebConfig, create_app
from engine.web.security import UserFile
from pgserver import start_cluster
from tests.wbtools import DEDUCTIONS, ROSTER, deduction_row, make_workbook, roster_row
from tests.webtools import SAMPLE, cli, client, csrf, finished_run, upload, wait_for


@pytest.fixture(scope="module")
def pg_cluster():
    cluster = start_cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'web.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


def _sheet(book, name):
    return [[c.value for c in row] for row in book[name].iter_rows()]


def test_upload_imports_scores_and_logs_like_run_store(store_url, tmp_path):
    app = create_app(WebConfig(store=store_url, workdir=tmp_path / "w"))
    with client(app) as c:
        location, page = finished_run(c)
        assert page.status_code == 200
        assert "运行记录 #" in page.text and "2025 年度第 1 版" in page.text
        store = open_store(store_url)
        assert [h["year"] for h in history(store) if h["year"]] == [2023, 2024, 2025]
        assert len(list_runs(store)) == 1
        web_report = load_workbook(io.BytesIO(c.get(location + "/report.xlsx").content))
    # the CLI on a second store with the same import: the same results and basis (the chain heads differ)
    other = tmp_path / "cli.db"
    book = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, book)
    assert cli("import", str(book), "--store", str(other)).returncode == 0
    done = cli("run", str(book), "--store", str(other), "--out", str(tmp_path / "r.xlsx"),
               "--json", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    cli_report = load_workbook(tmp_path / "r.xlsx")
    # the page's report carries the charts `scorecard run` draws; `run --store` draws none (yet)
    assert [n for n in web_report.sheetnames if n != "图表"] == cli_report.sheetnames
    for name in ("结果明细", "触发依据", "参数"):
        assert _sheet(web_report, name) == _sheet(cli_report, name)
    app.state.store.dispose()


def test_a_changed_year_is_replaced_only_when_confirmed_and_a_broken_book_stores_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'web.db'}"
    app = create_app(WebConfig(store=url, workdir=tmp_path / "w"))
    first = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001")],
                                     "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", 2)]}, name="a.xlsx")
    second = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001")],
                                      "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", 5)]}, name="b.xlsx")
    broken = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001")],
                                      "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", -1)]}, name="c.xlsx")
    with client(app) as c:
        finished_run(c, first)
        store = open_store(url)
        before = (len(history(store)), len(list_runs(store)))
        page = wait_for(c, upload(c, broken).headers["location"])
        assert page.status_code == 422
        assert (len(history(store)), len(list_runs(store))) == before  # nothing stored
        location, page = finished_run(c, second)
        assert "与已存储的第 1 版相比" in page.text and "确认以本文件为新版本" in page.text
        assert "取消该年度评比各类先进资格" in page.text  # the run scored the uploaded 5 points
        assert [h["version"] for h in history(store) if h["year"] == 2024] == [1]
        done = c.post(location + "/replace", data={"csrf_token": csrf(c), "dataset": "2024"}, follow_redirects=True)
        assert "已按确认写入新版本" in done.text and "2024 年度第 2 版" in done.text
        assert [h["version"] for h in history(store) if h["year"] == 2024] == [1, 2]
    app.state.store.dispose()


def test_review_on_the_leader_page_is_the_stores_decision(store_url, tmp_path):
    users = tmp_path / "users.json"
    UserFile(users).add("王审核", "correct horse")
    app = create_app(WebConfig(store=store_url, workdir=tmp_path / "w", require_login=True, users_file=users))
    with client(app) as c:
        c.post("/login", data={"csrf_token": csrf(c), "name": "王审核", "password": "correct horse", "next": "/"})
        location, _ = finished_run(c)
        leader = c.get(location + "/leaders/QH003").text
        assert "待复核" in leader and 'name="reason"' in leader and "复核人：王审核" in leader
        missing = c.post(location + "/leaders/QH003/review", data={"csrf_token": csrf(c), "year": "2025",
                                                                   "code": "DISQUALIFY_AWARDS", "decision": "撤销"})
        assert missing.status_code == 400 and "理由" in missing.text
        done = c.post(location + "/leaders/QH003/review",
                      data={"csrf_token": csrf(c), "year": "2025", "code": "DISQUALIFY_AWARDS", "decision": "撤销",
                            "reason": "扣分事项经核实有误", "reviewer": "冒名"}, follow_redirects=True)
        assert done.status_code == 200 and "已撤销 — 扣分事项经核实有误" in done.text
        decisions = decisions_for(open_store(store_url), [2025])
        assert [(d["leader_id"], d["code"], d["decision"], d["reviewer"], d["by"]) for d in decisions] == \
            [("QH003", "DISQUALIFY_AWARDS", "撤销", "王审核", "王审核")]  # the login, not what the form said
        report = load_workbook(io.BytesIO(c.get(location + "/report.xlsx").content))
        records = _sheet(report, "复核记录")
        assert any("扣分事项经核实有误" in [str(v) for v in row] for row in records[1:])
        assert "已撤销 1" in c.get(location).text
    app.state.store.dispose()
