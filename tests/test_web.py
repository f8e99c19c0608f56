"""The web page through the ASGI test client: the same numbers, words and files as the CLI, and safe.

The "Done when" checks of issue 12: uploading the sample shows the counts `scorecard run`
prints; a leader's page holds every line `scorecard explain` prints; a what-if shows the
flips `scorecard diff` prints; the downloaded report and JSON are the CLI's bytes; a broken
workbook shows its failure table (the codes `validate` gives) and nothing is kept.
"""
from __future__ import annotations

import io
import os
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from engine.web import adapters, i18n
from engine.web.app import LoginMissing, WebConfig, create_app
from engine.web.security import UserFile, check_password, hash_password, is_loopback
from tests.wbtools import (DEDUCTIONS, ROSTER, deduction_row, encrypted_ole_bytes, make_workbook, roster_row,
                           xls_ole_bytes)
from tests.webtools import ROOT, SAMPLE, cli, client, csrf, finished_run, page_text, squeeze, upload, wait_for


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(WebConfig(workdir=tmp_path_factory.mktemp("web")))


@pytest.fixture(scope="module")
def c(app):
    with client(app) as c:
        yield c


@pytest.fixture(scope="module")
def sample_run(c):
    location, page = finished_run(c)
    assert page.status_code == 200
    return location, page


@pytest.fixture(scope="module")
def cli_outputs(tmp_path_factory):
    """`scorecard run` on a copy of the sample (same file name: the report names its input)."""
    folder = tmp_path_factory.mktemp("cli")
    book = folder / SAMPLE.name
    shutil.copy(SAMPLE, book)
    done = cli("run", str(book), "--out", str(folder / "report.xlsx"), "--json", str(folder / "results.json"))
    assert done.returncode == 0, done.stderr
    return done.stdout, folder / "report.xlsx", folder / "results.json"


def _counts(markup: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'id="count-([a-z-]+)">(\d+)<', markup)}


# ---------------------------------------------------------------- the "Done when" checks
def test_sample_shows_the_counts_scorecard_run_prints(sample_run, cli_outputs):
    stdout, _, results_json = cli_outputs
    leader_years, fired = map(int, re.search(r"(\d+) 名干部·年度，(\d+) 项后果", stdout).groups())
    counts = _counts(sample_run[1].text)
    assert (counts["leader-years"], counts["consequences"]) == (leader_years, fired) == (70, 130)  # 88 + 4 (the 2025 image tie, QH041 and QH042) + 1 (QH048 財務管理)
    # + 37 of the second-wave packs (tests/test_end_to_end_packs.py); 70: six 中层 leaders added for 轮岗交流
    # leaders per consequence: as counted from the CLI's own JSON
    results = json.loads(results_json.read_text(encoding="utf-8"))["results"]
    expected = {}
    for r in results:
        for code in {c["code"] for c in r["consequences"]}:
            expected[code] = expected.get(code, 0) + 1
    shown = {code: int(n) for code, n in re.findall(
        r'<tr data-code="([A-Z_0-9]+)">.*?<td class="num">(\d+)</td>', sample_run[1].text, re.S)}
    assert shown == expected
    assert shown["DISQUALIFY_AWARDS"] == 9 and shown["DEMOTE_REMOVE_OR_RESIGN"] == 4


def test_downloads_are_the_cli_files_byte_for_byte(c, sample_run, cli_outputs):
    _, report, results_json = cli_outputs
    got = c.get(sample_run[0] + "/report.xlsx")
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "sample_county_%E8%AF%84%E5%88%86%E7%BB%93%E6%9E%9C.xlsx" in got.headers["content-disposition"]
    assert got.content == report.read_bytes()
    assert load_workbook(io.BytesIO(got.content)).sheetnames[:2] == ["汇总", "结果明细"]
    got_json = c.get(sample_run[0] + "/results.json")
    assert got_json.content == results_json.read_bytes()


def test_every_leader_page_holds_what_explain_prints(c, sample_run):
    done = cli("explain", str(SAMPLE))
    assert done.returncode == 0, done.stderr
    blocks = [b for b in done.stdout.strip().split("\n\n") if b.strip()]
    results = c.get(sample_run[0] + "/results.json").json()["results"]
    assert len(blocks) == sum(1 for r in results if r["consequences"] or r["not_evaluated"]) > 30
    for block in blocks:
        head, *lines = block.split("\n")
        leader_id = re.search(r"（([^）]+)）", head).group(1)
        page = c.get(f"{sample_run[0]}/leaders/{leader_id}")
        assert page.status_code == 200
        text = squeeze(page_text(page.text)).replace("▶", "").replace("○", "")
        for line in lines:
            if line.strip().startswith("得分："):  # the page shows the scores as a table: each item a row
                items = line.strip().removeprefix("得分：").split("；")
            else:
                items = [line]
            for item in items:
                want = squeeze(item).replace("▶", "").replace("○", "")
                assert want in text, f"{leader_id}: {item!r} not on the page"


def test_leader_scores_are_words_not_json(c, sample_run):
    page = c.get(f"{sample_run[0]}/leaders/QH003")
    text = page_text(page.text)
    assert "当年扣分4" in squeeze(text) and "五个强化加权分79.6" in squeeze(text)
    assert "推动高质量发展85（较好）" in squeeze(text)
    assert "<th scope=\"row\">当年扣分</th><td>4</td>" in page.text
    assert '{"' not in text and "five_reinforcements" not in text


@pytest.mark.parametrize("value", ["5", "3"])
def test_whatif_shows_the_flips_diff_prints(c, sample_run, value, tmp_path):
    diffed = tmp_path / "d.json"
    done = cli("diff", str(SAMPLE), "--set", f"card.disqualify_awards={value}", "--json", str(diffed))
    assert done.returncode == 0, done.stderr
    expected = {(c["year"], c["leader_id"], tuple(sorted(c["added"])), tuple(sorted(c["removed"])))
                for c in json.loads(diffed.read_text(encoding="utf-8"))["changes"]}
    page = c.post(sample_run[0] + "/whatif", data={"csrf_token": csrf(c), "p.card.disqualify_awards": value})
    assert page.status_code == 200
    assert _flip_rows(page.text) == expected and expected
    if value == "5":
        assert {lid for _, lid, _, _ in expected} == {"QH003", "QH029"}
    assert re.search(r'id="flip-count"><strong>(\d+)</strong>', page.text).group(1) == str(len(expected))


def _flip_rows(markup: str) -> set:
    rows = re.findall(r'<tr data-leader="([^"]+)" data-gained="([^"]*)" data-lost="([^"]*)">\s*<td>(\d+)</td>', markup)
    return {(int(year), lid, tuple(gained.split()), tuple(lost.split())) for lid, gained, lost, year in rows}


def test_broken_workbook_shows_its_failure_table_and_keeps_nothing(c, app, tmp_path):
    broken = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001")],
                                      "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", -2),
                                                 deduction_row(2024, "9999", 3)]}, name="broken.xlsx")
    expected = json.loads(cli("validate", str(broken), "--json").stdout)
    response = upload(c, broken)
    page = wait_for(c, response.headers["location"])
    assert page.status_code == 422
    assert "未计分，未保存" in page.text
    errors = [i for i in expected if i["severity"] == "error"]
    assert {"NEGATIVE_POINTS", "UNKNOWN_LEADER"} <= {i["code"] for i in errors}
    for issue in expected:
        assert f"<code>{issue['code']}</code>" in page.text
        if issue["row"] is not None:
            assert f"<td>{issue['row']}</td>" in page.text
    run = app.state.runs.get(response.headers["location"].rsplit("/", 1)[1])
    assert not run.folder.exists()  # the upload is gone
    assert c.get(response.headers["location"] + "/report.xlsx").status_code == 404


# ---------------------------------------------------------------- the table
def test_table_filters_search_and_sort(c, sample_run):
    base = sample_run[0]
    all_rows = _rows(c.get(base).text)
    assert len(all_rows) == 70
    towns = _rows(c.get(base, params={"unit_type": "乡镇"}).text)
    assert towns and all(r[4] == "乡镇" for r in towns) and len(towns) < 70
    one = _rows(c.get(base, params={"q": "QH003"}).text)
    assert [r[1] for r in one] == ["QH003"]
    by_name = _rows(c.get(base, params={"q": "张丽华"}).text)
    assert [r[1] for r in by_name] == ["QH003"]
    demoted = _rows(c.get(base, params={"code": "DEMOTE_REMOVE_OR_RESIGN"}).text)
    assert len(demoted) == 4
    points = [float(r[5]) for r in _rows(c.get(base, params={"sort": "points", "desc": "1"}).text) if r[5] != "—"]
    assert points == sorted(points, reverse=True) and points[0] >= 10
    unit = all_rows[0][3]
    assert all(r[3] == unit for r in _rows(c.get(base, params={"unit": unit}).text))


def _rows(markup: str) -> list[list[str]]:
    body = markup.split('<table class="results">', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [page_text(td).strip() for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        if len(cells) == 8:
            rows.append(cells)
    return rows


def test_rules_page_lists_every_rule_with_its_quote(c):
    page = c.get("/rules")
    card = adapters.scorecard_for(None)
    assert page.status_code == 200
    text = page_text(page.text)
    for loaded in card.rules:
        assert f'id="{loaded.id}"' in page.text
        assert loaded.rule.source.quote in text
    assert "card.disqualify_awards" in text and "文件依据" in text and "本地参数" in text


def test_template_download_is_the_blank_template(c):
    got = c.get("/template.xlsx")
    assert got.status_code == 200
    assert "干部名册" in load_workbook(io.BytesIO(got.content)).sheetnames


# ---------------------------------------------------------------- safe by default
def test_forms_need_the_csrf_token(c, sample_run):
    assert upload(c, SAMPLE, token="").status_code == 403
    assert upload(c, SAMPLE, token="forged").status_code == 403
    page = c.post(sample_run[0] + "/whatif", data={"p.card.disqualify_awards": "5"})
    assert page.status_code == 403
    for form in re.findall(r'<form method="post".*?</form>', c.get(sample_run[0] + "/whatif").text + c.get("/").text,
                           re.S):
        assert f'name="csrf_token" value="{csrf(c)}"' in form


def test_upload_over_the_limit_is_refused(tmp_path):
    with client(create_app(WebConfig(upload_limit=10_000, workdir=tmp_path))) as small:
        response = upload(small, SAMPLE)
        assert response.status_code == 413
        assert "上限" in response.text
        assert list(tmp_path.iterdir()) == []


def test_cell_text_is_escaped_on_the_page_and_in_the_report(c, tmp_path):
    hostile = "<script>alert(1)</script>"
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001", name=hostile, unit="@甲镇")],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", 5)]}, name="x.xlsx")
    location, page = finished_run(c, book)
    assert page.status_code == 200
    leader = c.get(location + "/leaders/1001").text
    for markup in (page.text, leader):
        assert hostile not in markup and "&lt;script&gt;alert(1)&lt;/script&gt;" in markup
    report = load_workbook(io.BytesIO(c.get(location + "/report.xlsx").content))
    values = [cell.value for row in report["结果明细"].iter_rows() for cell in row]
    assert "@甲镇" not in values and any(isinstance(v, str) and v.endswith("@甲镇") for v in values)


def test_upload_names_cannot_leave_the_run_folder(c, app, tmp_path):
    response = upload(c, SAMPLE, name="../../../../tmp/evil.xlsx")
    run = app.state.runs.get(response.headers["location"].rsplit("/", 1)[1])
    assert run.upload.parent == run.folder and run.upload.name == "evil.xlsx"
    wait_for(c, response.headers["location"])
    assert not Path("/tmp/evil.xlsx").exists() or Path("/tmp/evil.xlsx").stat().st_mtime < run.started
    from engine.web.pages import safe_filename

    assert safe_filename("C:\\Users\\a\\考核.xlsx") == "考核.xlsx"
    assert safe_filename("report") == "report.xlsx"
    assert safe_filename("..") == "workbook.xlsx"


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", encrypted_ole_bytes(), xls_ole_bytes(), b""])
def test_hostile_or_wrong_files_get_the_readers_codes(c, data, tmp_path):
    """The page uses the CLI's reader: the same code as `validate` gives for the same bytes."""
    path = tmp_path / "fake.xlsx"
    path.write_bytes(data)
    expected = {i["code"] for i in json.loads(cli("validate", str(path), "--json").stdout)}
    response = upload(c, data=data, name="fake.xlsx")
    page = wait_for(c, response.headers["location"])
    assert page.status_code == 422
    assert expected and all(f"<code>{code}</code>" in page.text for code in expected)


def test_bad_form_input_is_said_in_chinese(c):
    response = upload(c, SAMPLE, years="二〇二五")
    assert response.status_code == 400 and "四位数字" in response.text
    response = upload(c, SAMPLE, scenario="../../etc/passwd")
    assert response.status_code == 400 and "情景" in response.text
    response = upload(c, SAMPLE, years="1999")
    page = wait_for(c, response.headers["location"])
    assert page.status_code == 422 and "YEAR_NOT_IN_WORKBOOK" in page.text


def test_whatif_refuses_values_of_the_wrong_kind(c, sample_run):
    page = c.post(sample_run[0] + "/whatif", data={"csrf_token": csrf(c), "p.card.disqualify_awards": "四",
                                                   "p.elimination.township.two_years": "2, x"})
    assert page.status_code == 400
    assert "不是数字" in page.text and 'aria-invalid="true"' in page.text
    page = c.post(sample_run[0] + "/whatif", data={"csrf_token": csrf(c), "p.card.withhold_bonus_share": "7"})
    assert page.status_code == 400 and "不能大于 1" in page.text
    page = c.post(sample_run[0] + "/whatif", data={"csrf_token": csrf(c), "p.five.weights": "0.5, 0.5"})
    assert page.status_code == 400 and "应为 5 个数" in page.text


def test_whatif_scenario_run_and_other_parameter_kinds(c):
    location, page = finished_run(c, scenario="strict")
    assert "从严" in page.text or "strict" in page.text
    form = c.get(location + "/whatif").text
    assert 'value="3"' in form  # the scenario's value is the starting point
    done = c.post(location + "/whatif", data={"csrf_token": csrf(c), "p.elimination.require_tenure": "false",
                                              "p.five.grades": "好: 95, 较好: 85, 一般: 70, 差: 40"})
    assert done.status_code == 200 and 'id="flip-count"' in done.text


def test_a_long_run_blocks_nobody(app, c, monkeypatch):
    release = threading.Event()
    real = adapters.read_and_score

    def slow(path, **kw):
        kw["phase"]("读取并检查工作簿")
        release.wait(30)
        return real(path, **kw)

    monkeypatch.setattr(adapters, "read_and_score", slow)
    response = upload(c, SAMPLE)
    location = response.headers["location"]
    pending = c.get(location)
    assert pending.status_code == 200 and f'hx-get="{location}/status"' in pending.text
    assert '<meta http-equiv="refresh"' in pending.text  # without JavaScript the page reloads itself
    assert c.get("/rules").status_code == 200  # other requests are served meanwhile
    assert "读取并检查工作簿" in c.get(location + "/status").text
    release.set()
    wait_for(c, location)
    assert c.get(location + "/status").headers["HX-Redirect"] == location


# ---------------------------------------------------------------- language, logins
def test_english_switch_covers_every_page_word(app, sample_run):
    i18n.MISSING.clear()
    with client(app) as en:
        assert en.get("/lang/en?next=/rules", follow_redirects=False).headers["location"] == "/rules"
        en.get("/lang/en")
        location, page = finished_run(en)
        assert "Upload a workbook" in page.text and "Leader-years" in page.text
        for path in ("/", "/rules", location + "/leaders/QH003", location + "/whatif", "/nowhere"):
            en.get(path)
        en.post(location + "/whatif", data={"csrf_token": csrf(en), "p.card.disqualify_awards": "5"})
        en.post(location + "/whatif", data={"csrf_token": csrf(en), "p.card.disqualify_awards": "x"})
        en.get("/runs/0000")
        assert 'lang="en"' in en.get("/").text
    assert i18n.MISSING == set()


def test_language_switch_is_no_open_redirect(c):
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        assert c.get("/lang/en", params={"next": target}, follow_redirects=False).headers["location"] == "/"
    c.get("/lang/zh")


def test_exposed_server_requires_a_login(tmp_path):
    assert not is_loopback("0.0.0.0") and is_loopback("127.0.0.1") and is_loopback("::1")
    with pytest.raises(LoginMissing):
        create_app(WebConfig(host="0.0.0.0", workdir=tmp_path / "a"))
    users = tmp_path / "users.json"
    UserFile(users).add("李文书", "correct horse")
    assert "correct horse" not in users.read_text(encoding="utf-8")
    assert oct(users.stat().st_mode & 0o777) == "0o600"
    app = create_app(WebConfig(host="0.0.0.0", users_file=users, workdir=tmp_path / "b"))
    with client(app) as c:
        assert c.get("/rules", follow_redirects=False).headers["location"] == "/login?next=/rules"
        assert c.get("/runs/x/report.xlsx", follow_redirects=False).status_code == 303
        bad = c.post("/login", data={"csrf_token": csrf(c), "name": "李文书", "password": "wrong", "next": "/rules"})
        assert bad.status_code == 401
        ok = c.post("/login", data={"csrf_token": csrf(c), "name": "李文书", "password": "correct horse",
                                    "next": "/rules"}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/rules"
        location, page = finished_run(c)
        assert "上传人 李文书" in page.text and "已登录：李文书" in page.text
        c.post("/logout", data={"csrf_token": csrf(c)})
        assert c.get(location, follow_redirects=False).status_code == 303


def test_password_hashes():
    stored = hash_password("秘密 password")
    assert stored.startswith("scrypt$") and check_password("秘密 password", stored)
    assert not check_password("秘密 passworD", stored) and not check_password("x", "plain")
    assert hash_password("same") != hash_password("same")  # salted


def test_users_add_command_and_serve_refuses_an_open_network(tmp_path):
    users = tmp_path / "u.json"
    done = cli("users", "add", "王审核", "--users", str(users), "--password", "long enough")
    assert done.returncode == 0, done.stderr
    assert UserFile(users).verify("王审核", "long enough")
    short = cli("users", "add", "x", "--users", str(users), "--password", "short")
    assert short.returncode == 2
    refused = cli("serve", "--host", "0.0.0.0", "--users", str(tmp_path / "none.json"))
    assert refused.returncode == 2 and "users add" in refused.stderr
    refused = cli("serve", "--host", "0.0.0.0", "--no-login")
    assert refused.returncode == 2


def test_security_headers(c):
    headers = c.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    assert "httponly" in headers.get("set-cookie", "httponly").lower()


def test_leader_sheet_download_is_explains_personal_sheet(c, sample_run, tmp_path):
    got = c.get(sample_run[0] + "/leaders/QH014.xlsx")
    assert got.status_code == 200 and "QH014" in got.headers["content-disposition"]
    out = tmp_path / "p.xlsx"
    done = cli("explain", str(SAMPLE), "--leader", "QH014", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert got.content == out.read_bytes()
    assert c.get(sample_run[0] + "/leaders/NOBODY.xlsx").status_code == 404
    assert 'href="' + sample_run[0] + '/leaders/QH014.xlsx"' in c.get(sample_run[0] + "/leaders/QH014").text


def test_scorecard_serve_starts_and_answers(tmp_path):
    """`scorecard serve` as a clerk starts it: 127.0.0.1, a free port, the upload page answers."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", "--port", str(port)], cwd=tmp_path,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    body = page.read().decode("utf-8")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"serve did not answer: {proc.communicate(timeout=5)}")
                time.sleep(0.2)
        assert "上传年度考核工作簿" in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/" in out


def test_whatif_moves_the_as_of_day_like_diff(c, sample_run, tmp_path):
    """A mid-year review from the page (calendar.as_of = 06-30) flips the same leaders as `scorecard diff`;
    a day that does not exist is refused in Chinese; talk.kinds (word lists) is shown, not edited."""
    diffed = tmp_path / "d.json"
    done = cli("diff", str(SAMPLE), "--set", "calendar.as_of=06-30", "--json", str(diffed))
    assert done.returncode == 0, done.stderr
    expected = {(c["year"], c["leader_id"], tuple(sorted(c["added"])), tuple(sorted(c["removed"])))
                for c in json.loads(diffed.read_text(encoding="utf-8"))["changes"]}
    page = c.post(sample_run[0] + "/whatif", data={"csrf_token": csrf(c), "p.calendar.as_of": "06-30"})
    assert page.status_code == 200 and _flip_rows(page.text) == expected and len(expected) == 12   # 11 leaders lose a code; QH011 one of two TALK_OVERDUE
    page = c.post(sample_run[0] + "/whatif", data={"csrf_token": csrf(c), "p.calendar.as_of": "06-31"})
    assert page.status_code == 400 and "应为“月-日”，如 12-31、06-30" in page.text
    form = c.get(sample_run[0] + "/whatif").text
    assert "promotion: 任职谈话、廉政谈话" in form and 'name="p.talk.kinds"' not in form
