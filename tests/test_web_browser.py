"""The web page in a real browser: Debian's Chromium driven by Playwright (never `playwright install`).

Main flows: upload the sample, filter the table, open a leader, change a parameter, download
the report and open it with openpyxl; a broken workbook; the progress page; the same forms
without JavaScript. Every page gets an axe-core check (tests/assets/axe.min.js): no serious or
critical violations. Screenshots go to $SCORECARD_SCREENSHOTS when set (to look at them).

When CI=true a missing browser is a failure, not a skip (.ci/run installs `chromium`).
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.web import adapters
from engine.web.app import WebConfig, create_app
from engine.web.security import UserFile
from tests.wbtools import DEDUCTIONS, ROSTER, deduction_row, make_workbook, roster_row
from tests.webtools import ROOT, SAMPLE

CHROMIUM = os.environ.get("SCORECARD_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "tests" / "assets" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _browser_missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium; .ci/run does it)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _browser_missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run on CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Server:
    """The app under uvicorn on 127.0.0.1 and a free port, in a thread of this process."""

    def __init__(self, config: WebConfig):
        import uvicorn

        self.app = create_app(config)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(WebConfig(workdir=tmp_path_factory.mktemp("webroot")))
    yield s
    s.stop()


@pytest.fixture
def page(browser):
    # bypass_csp: only so the test can inject axe-core; the page itself runs under its CSP
    context = browser.new_context(bypass_csp=True, locale="zh-CN", accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def shoot(page, name: str) -> None:
    folder = os.environ.get("SCORECARD_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def axe_check(page, name: str) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               nodes: v.nodes.slice(0, 3).map(n => n.html)}))""")
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{name}: accessibility violations {bad}"
    shoot(page, name)


def _upload(page, server, path: Path = SAMPLE) -> None:
    page.goto(server.url + "/")
    page.set_input_files("#workbook", str(path))
    page.get_by_role("button", name="检查并计分").click()


def _row_count(page) -> int:
    return int(page.locator("#row-count").inner_text())


# ---------------------------------------------------------------- the main flow
def test_upload_filter_leader_whatif_download(page, server, tmp_path):
    page.goto(server.url + "/")
    axe_check(page, "01-upload")
    _upload(page, server)
    page.wait_for_selector("#count-leader-years", timeout=60_000)
    assert page.locator("#count-leader-years").inner_text() == "70"
    assert page.locator("#count-consequences").inner_text() == "130"
    run_url = page.url
    axe_check(page, "02-run")

    # filter by unit type: HTMX swaps the table and pushes the address
    page.select_option("#unit_type", "乡镇")
    page.wait_for_function("() => document.querySelectorAll('table.results tbody tr').length < 70")
    types = page.locator("table.results tbody tr td:nth-child(5)").all_inner_texts()
    assert types and set(types) == {"乡镇"}
    assert "unit_type=" in page.url
    page.fill("#q", "QH003")
    page.wait_for_function("() => document.getElementById('row-count').textContent.trim() === '1'")
    assert _row_count(page) == 1
    shoot(page, "03-run-filtered")

    # sort by card points, descending (two clicks on the header)
    page.goto(run_url)
    page.get_by_role("link", name=re.compile("当年扣分")).click()
    page.get_by_role("link", name=re.compile("当年扣分")).click()
    page.wait_for_url(re.compile("desc=1"))
    first = page.locator("table.results tbody tr td:nth-child(6)").first.inner_text()
    assert float(first) >= 10

    # open a leader
    page.goto(run_url)
    page.get_by_role("link", name="张丽华").click()
    page.wait_for_selector("article.consequence")
    assert "取消该年度评比各类先进资格" in page.locator("article.consequence").first.inner_text()
    axe_check(page, "04-leader")

    # what-if: card.disqualify_awards 4 → 5
    page.goto(run_url + "/whatif")
    axe_check(page, "05-whatif-form")
    page.locator("input[name='p.card.disqualify_awards']").fill("5")
    page.get_by_role("button", name="重新计分并比较").click()
    page.wait_for_selector("#flip-count")
    assert page.locator("#flip-count strong").inner_text() == "2"
    assert set(page.locator("table.flips tbody tr").evaluate_all("rows => rows.map(r => r.dataset.leader)")) == \
        {"QH003", "QH029"}
    axe_check(page, "06-whatif-result")

    # download the report and open it
    page.goto(run_url)
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Excel 报告").click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    assert saved.name == "sample_county_评分结果.xlsx"
    book = load_workbook(saved)
    assert book.sheetnames[:4] == ["汇总", "结果明细", "待办", "触发依据"]
    assert book["结果明细"].max_row == 71  # header + 70 leader-years
    run = server.app.state.runs.get(run_url.rsplit("/", 1)[1])
    assert saved.read_bytes() == adapters.report_bytes(run.result)

    page.goto(server.url + "/rules")
    axe_check(page, "07-rules")


def test_broken_workbook_in_the_browser(page, server, tmp_path):
    broken = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001")],
                                      "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", -2),
                                                 deduction_row(2024, "9999", 3)]}, name="有问题的工作簿.xlsx")
    _upload(page, server, broken)
    page.wait_for_selector("table.issues", timeout=60_000)
    text = page.locator("table.issues").inner_text()
    assert "NEGATIVE_POINTS" in text and "UNKNOWN_LEADER" in text
    axe_check(page, "08-failed")


def test_progress_page_polls_until_the_results(page, server, monkeypatch):
    release = threading.Event()
    real = adapters.read_and_score

    def slow(path, **kw):
        kw["phase"]("读取并检查工作簿")
        release.wait(30)
        return real(path, **kw)

    monkeypatch.setattr(adapters, "read_and_score", slow)
    _upload(page, server)
    page.wait_for_selector("p.status")
    assert "读取并检查工作簿" in page.locator("p.status").inner_text()
    axe_check(page, "09-pending")
    release.set()
    page.wait_for_selector("#count-leader-years", timeout=60_000)  # HTMX polled and went on by itself


def test_english_switch(page, server):
    page.goto(server.url + "/")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("text=Upload the annual assessment workbook")
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page, "10-upload-en")
    page.get_by_role("link", name="中文").click()
    page.wait_for_selector("text=上传年度考核工作簿")


def test_every_form_works_without_javascript(browser, server):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        _upload(page, server)
        page.wait_for_selector("#count-leader-years", timeout=60_000)  # the pending page reloads itself
        page.select_option("#unit_type", "县直单位")
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile("unit_type="))
        types = page.locator("table.results tbody tr td:nth-child(5)").all_inner_texts()
        assert types and set(types) == {"县直单位"}
        page.goto(page.url.split("?")[0] + "/whatif")
        page.locator("input[name='p.card.disqualify_awards']").fill("5")
        page.get_by_role("button", name="重新计分并比较").click()
        page.wait_for_selector("#flip-count")
        assert page.locator("#flip-count strong").inner_text() == "2"
    finally:
        context.close()


def test_login_page(browser, tmp_path):
    users = tmp_path / "users.json"
    UserFile(users).add("李文书", "correct horse")
    # a loopback server with logins forced on: the same page a department's shared server shows
    s = Server(WebConfig(require_login=True, users_file=users, workdir=tmp_path / "w"))
    context = browser.new_context(bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(s.url + "/rules")
        page.wait_for_selector("#password")
        axe_check(page, "11-login")
        page.fill("#name", "李文书")
        page.fill("#password", "correct horse")
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile("/rules$"))
        assert "已登录：李文书" in page.locator("header").inner_text()
    finally:
        context.close()
        s.stop()


def test_review_form_with_a_store(browser, tmp_path):
    """With a history store: the run page says what was stored; the leader page's 复核 form records a decision."""
    s = Server(WebConfig(store=f"sqlite:///{tmp_path / 'web.db'}", workdir=tmp_path / "w"))
    context = browser.new_context(bypass_csp=True, locale="zh-CN")
    page = context.new_page()
    try:
        _upload(page, s)
        page.wait_for_selector("#count-leader-years", timeout=60_000)
        assert "运行记录 #" in page.locator("section.stored").inner_text()
        axe_check(page, "12-run-store")
        page.get_by_role("link", name="张丽华").click()
        page.wait_for_selector("div.review")
        axe_check(page, "13-leader-review")
        form = page.locator("div.review").first
        form.get_by_label("撤销").check()
        form.get_by_label("理由（必填）").fill("扣分事项经核实有误")
        form.get_by_label("复核人（必填）").fill("王审核")
        form.get_by_role("button", name="记录复核意见").click()
        page.wait_for_selector("text=已撤销 — 扣分事项经核实有误")
        shoot(page, "14-leader-reviewed")
    finally:
        context.close()
        s.stop()
        s.app.state.store.dispose()
