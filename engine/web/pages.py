"""The routes: upload, run, leader, what-if, downloads, rules, language, login.

Every POST checks the CSRF token; every page is rendered from autoescaped templates; every
download is made by the CLI's own writers (formula-safe, byte-identical to the CLI's files).
"""
from __future__ import annotations

import re
import shutil
from pathlib import PurePath
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from engine.web import adapters, i18n
from engine.web.jobs import DONE, FAILED, Run
from engine.web.security import CSRF_FIELD, SESSION_COOKIE, same_token

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff（）()\-. ]+")


# ---------------------------------------------------------------- helpers
def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    lang = request.state.lang
    html = request.app.state.templates.get_template(name).render(
        request=request, lang=lang, _=i18n.translator(lang), csrf=request.state.csrf, csrf_field=CSRF_FIELD,
        user=request.state.user, login_required=request.app.state.config.login_required,
        has_store=request.app.state.store is not None, here=_here(request), **ctx)
    return HTMLResponse(html, status_code=status)


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def checked_form(request: Request) -> FormData:
    """The form, once its CSRF token matches the cookie; 403 otherwise."""
    form = await request.form(max_files=1, max_fields=200)  # one workbook; the what-if form has ~20 fields
    if not same_token(str(form.get(CSRF_FIELD, "")), request.cookies.get("csrftoken")):
        raise _Refused()
    return form


class _Refused(Exception):
    pass


def refused(request: Request) -> HTMLResponse:
    return render(request, "message.html", 403, title="请求被拒绝",
                  text="表单已过期或来源不明（CSRF 校验失败）。请刷新页面后重试。")


def get_run(request: Request, run_id: str) -> Run | None:
    return request.app.state.runs.get(run_id)


def not_found(request: Request, what: str = "没有这次运行（服务器重启后，以前的运行不再保留）。") -> HTMLResponse:
    return render(request, "message.html", 404, title="找不到", text=what)


def download(data: bytes | str, filename: str, media: str) -> Response:
    body = data.encode("utf-8") if isinstance(data, str) else data
    ascii_name = re.sub(r"[^A-Za-z0-9_.-]", "_", filename)
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"})


def safe_filename(name: str | None) -> str:
    """The upload's own name (reports are named after it), reduced to a plain file name."""
    base = PurePath((name or "").replace("\\", "/")).name
    base = _SAFE_NAME.sub("_", base).strip(" .") or "workbook.xlsx"
    stem, dot, suffix = base.rpartition(".")
    if not dot or suffix.lower() not in ("xlsx", "xlsm"):
        base = f"{base}.xlsx"
    return base[-120:]


def parse_years(text: str) -> list[int]:
    years = [int(y) for y in re.findall(r"\d+", text or "")]
    if re.sub(r"[\d\s,，、;；]", "", text or "") or any(y < 1900 or y > 2200 for y in years):
        raise ValueError(text)
    return sorted(set(years))


# ---------------------------------------------------------------- upload
@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    return render(request, "index.html", scenarios=adapters.scenarios(), problem="", form={})


@router.get("/template.xlsx")
def blank_template() -> Response:
    return download(adapters.template_bytes(), "空白模板.xlsx", XLSX)


@router.post("/runs")
async def start_run(request: Request) -> Response:
    try:
        form = await checked_form(request)
    except _Refused:
        return refused(request)
    upload = form.get("workbook")
    years_text, scenario = str(form.get("years", "")), str(form.get("scenario", "")) or None
    problem = ""
    try:
        years = parse_years(years_text)
    except ValueError:
        problem, years = "年度请填写四位数字，多个年度用空格或逗号分隔；留空表示工作簿中最新的年度。", []
    if scenario and scenario not in {s["id"] for s in adapters.scenarios()}:
        problem = "请选择列表中的情景。"
    if not isinstance(upload, UploadFile) or not upload.filename:
        problem = "请选择要上传的工作簿（.xlsx）。"
    if problem:
        return render(request, "index.html", 400, scenarios=adapters.scenarios(), problem=problem,
                      form={"years": years_text, "scenario": scenario or ""})
    run = request.app.state.runs.new(safe_filename(upload.filename), years, scenario, by=request.state.user)
    with run.upload.open("wb") as out:  # inside the run's private folder; the name is ours, not the client's
        shutil.copyfileobj(upload.file, out, 1024 * 1024)
    await upload.close()
    request.app.state.runs.submit(run)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


# ---------------------------------------------------------------- a run
@router.get("/runs/{run_id}", response_class=HTMLResponse)
def show_run(request: Request, run_id: str, unit: str = "", unit_type: str = "", code: str = "", q: str = "",
             sort: str = "leader_id", desc: str = "") -> HTMLResponse:
    run = get_run(request, run_id)
    if run is None:
        return not_found(request)
    if run.status == FAILED:
        return render(request, "failed.html", 422, run=run, issues=run.issues)
    if run.status != DONE:
        return render(request, "pending.html", run=run)
    filters = adapters.Filters(unit=unit, unit_type=unit_type, code=code, q=q[:100], sort=sort, desc=bool(desc))
    result = run.result
    return render(request, "run.html", run=run, result=result, summary=adapters.summary(result),
                  rows=adapters.table_rows(result, filters), filters=filters, choices=adapters.choices(result),
                  charts=adapters.charts_count(run), label=adapters.code_label, review=_review(request, run),
                  replaced=request.query_params.get("replaced", ""))


@router.get("/runs/{run_id}/status", response_class=HTMLResponse)
def run_status(request: Request, run_id: str) -> Response:
    """Polled by the pending page: the phase while scoring; when finished, HTMX reloads the run page."""
    run = get_run(request, run_id)
    if run is None:
        return not_found(request)
    if run.status in (DONE, FAILED):
        return Response(status_code=204, headers={"HX-Redirect": f"/runs/{run.id}"})
    return render(request, "status.html", run=run)


@router.get("/runs/{run_id}/charts/{index}.png")
def chart(request: Request, run_id: str, index: int) -> Response:
    run = get_run(request, run_id)
    pngs = adapters.run_charts(run) if run and run.status == DONE else []
    if not 0 <= index < len(pngs):
        return not_found(request, "没有这张图。")
    return Response(pngs[index][1], media_type="image/png")


@router.get("/runs/{run_id}/report.xlsx")
def report(request: Request, run_id: str) -> Response:
    run = get_run(request, run_id)
    if run is None or run.status != DONE:
        return not_found(request)
    review = _review(request, run)
    return download(adapters.report_bytes(run.result, review), adapters.report_name(run.result), XLSX)


def _review(request: Request, run: Run) -> Any:
    """The 复核 decisions in force beside this run (None without a store)."""
    store = request.app.state.store
    if store is None or run.stored is None:
        return None
    from engine.web import stored

    return stored.review_view(store, run.result)


@router.get("/runs/{run_id}/results.json")
def results(request: Request, run_id: str) -> Response:
    run = get_run(request, run_id)
    if run is None or run.status != DONE:
        return not_found(request)
    return download(adapters.results_json(run.result), adapters.json_name(run.result),
                    "application/json; charset=utf-8")


# ---------------------------------------------------------------- a leader
@router.get("/runs/{run_id}/leaders/{leader_id}.xlsx")
def leader_xlsx(request: Request, run_id: str, leader_id: str) -> Response:
    run = get_run(request, run_id)
    if run is None or run.status != DONE:
        return not_found(request)
    data = adapters.leader_sheet(run.result, leader_id)
    if data is None:
        return not_found(request, "这次运行中没有这名干部。")
    return download(data, f"{leader_id}_个人评分表.xlsx", XLSX)


@router.get("/runs/{run_id}/leaders/{leader_id}", response_class=HTMLResponse)
def leader(request: Request, run_id: str, leader_id: str) -> HTMLResponse:
    return _leader_page(request, run_id, leader_id)


def _leader_page(request: Request, run_id: str, leader_id: str, status: int = 200, problems: list | None = None,
                 entered: dict | None = None) -> HTMLResponse:
    run = get_run(request, run_id)
    if run is None or run.status != DONE:
        return not_found(request)
    years = [r for r in run.result.results if r.leader_id == leader_id]
    if not years:
        return not_found(request, "这次运行中没有这名干部。")
    sections = []
    for r in years:
        blocks, others = adapters.explain_tree(run.result, r)
        seen: set[str] = set()
        items = []
        for cons, block in zip(r.consequences, blocks):
            items.append((cons, block, cons.code not in seen))  # one 复核 form per code and year
            seen.add(cons.code)
        sections.append({"leader": r, "scores": adapters.score_rows(r), "blocks": items, "others": others})
    return render(request, "leader.html", status, run=run, leader=years[0], sections=sections,
                  review=_review(request, run), problems=problems or [], entered=entered or {})


@router.post("/runs/{run_id}/leaders/{leader_id}/review", response_class=HTMLResponse)
async def review(request: Request, run_id: str, leader_id: str) -> Response:
    """One 复核 decision (confirm / withdraw, reason; the reviewer is the login when there is one)."""
    try:
        form = await checked_form(request)
    except _Refused:
        return refused(request)
    run = get_run(request, run_id)
    store = request.app.state.store
    if run is None or run.status != DONE or store is None or run.stored is None:
        return not_found(request)
    from engine.web import stored

    user = request.state.user
    fields = {k: str(form.get(k, ""))[:2000] for k in ("year", "code", "decision", "reason", "reviewer")}
    fields["leader_id"] = leader_id
    reviewer = user or fields["reviewer"].strip()
    problems = await _in_thread(stored.record_decision, store, run.result, run.stored.run_seq, fields, reviewer,
                                user or adapters.os_user())
    if problems:
        return _leader_page(request, run_id, leader_id, 400, problems, fields)
    return RedirectResponse(f"/runs/{run.id}/leaders/{quote(leader_id)}#r-{fields['year']}-{fields['code']}",
                            status_code=303)


@router.post("/runs/{run_id}/replace")
async def replace(request: Request, run_id: str) -> Response:
    """Store the upload as the new version of the years the clerk ticked (the old versions stay)."""
    try:
        form = await checked_form(request)
    except _Refused:
        return refused(request)
    run = get_run(request, run_id)
    store = request.app.state.store
    if run is None or run.status != DONE or store is None or run.stored is None:
        return not_found(request)
    from engine.web import stored

    wanted = [str(v) for v in form.getlist("dataset")]
    offered = {c["dataset"] for c in run.stored.conflicts}
    done = await _in_thread(stored.replace, store, run.stored.upload, [d for d in wanted if d in offered],
                            request.state.user or adapters.os_user())
    run.stored.stored += done
    run.stored.conflicts = [c for c in run.stored.conflicts if c["dataset"] not in wanted]
    return RedirectResponse(f"/runs/{run.id}?replaced={len(done)}", status_code=303)


# ---------------------------------------------------------------- what-if
@router.get("/runs/{run_id}/whatif", response_class=HTMLResponse)
def whatif_form(request: Request, run_id: str) -> HTMLResponse:
    run = get_run(request, run_id)
    if run is None or run.status != DONE:
        return not_found(request)
    fields = adapters.parameter_fields(adapters.scorecard_for(run.scenario))
    return render(request, "whatif.html", run=run, fields=fields, entered={}, errors={}, outcome=None,
                  changed=[], choice_label=adapters.choice_label)


@router.post("/runs/{run_id}/whatif", response_class=HTMLResponse)
async def whatif(request: Request, run_id: str) -> HTMLResponse:
    try:
        form = await checked_form(request)
    except _Refused:
        return refused(request)
    run = get_run(request, run_id)
    if run is None or run.status != DONE:
        return not_found(request)
    card = adapters.scorecard_for(run.scenario)
    fields = adapters.parameter_fields(card)
    entered = {f.name: str(form.get(f"p.{f.name}", f.shown()))[:500] for f in fields}
    overrides, errors = {}, {}
    for f in fields:
        try:
            value = adapters.parse_value(f, entered[f.name])
        except ValueError as exc:
            errors[f.name] = str(exc)
            continue
        if value != f.value:
            problem = adapters.value_problem(card, f.name, value)
            if problem:
                errors[f.name] = problem
            overrides[f.name] = value
    outcome = None
    if not errors and overrides:
        try:
            outcome = await _in_thread(adapters.whatif, run.book, run.result, run.scenario, overrides)
        except adapters.InputProblems as exc:
            errors["_"] = exc.summary
    status = 400 if errors else 200
    return render(request, "whatif.html", status, run=run, fields=fields, entered=entered, errors=errors,
                  outcome=outcome, changed=sorted(overrides), choice_label=adapters.choice_label)


async def _in_thread(func: Any, *args: Any) -> Any:
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(func, *args)


# ---------------------------------------------------------------- rules, language, login
@router.get("/rules", response_class=HTMLResponse)
def rules(request: Request) -> HTMLResponse:
    card = adapters.scorecard_for(None)
    return render(request, "rules.html", card=card, rules=adapters.rule_catalogue(card))


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    response = RedirectResponse(_local(next), status_code=303)
    if code in i18n.LANGS:
        response.set_cookie("lang", code, samesite="lax", path="/", max_age=365 * 24 * 3600)
    return response


def _local(target: str) -> str:
    """Only paths on this site (no open redirects)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_local(next), problem="")


@router.post("/login")
async def login(request: Request) -> Response:
    try:
        form = await checked_form(request)
    except _Refused:
        return refused(request)
    users = request.app.state.users
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:256]
    target = _local(str(form.get("next", "/")))
    if users is None or not users.verify(name, password):
        return render(request, "login.html", 401, next=target, problem="用户名或密码不对。")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, request.app.state.sessions.start(name.strip()), httponly=True,
                        samesite="strict", path="/")
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    try:
        await checked_form(request)
    except _Refused:
        return refused(request)
    request.app.state.sessions.end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
