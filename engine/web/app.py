"""The web page for the organization department: the application, its settings and middleware.

    app = create_app(WebConfig(host="127.0.0.1"))      # what `scorecard serve` runs under uvicorn

Server-rendered (Jinja2, autoescaped) with HTMX for partial updates; every form also works
without JavaScript. The routes live in engine/web/pages.py.
"""
from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.web import i18n
from engine.web.jobs import Runs
from engine.web.security import (CSRF_COOKIE, SECURITY_HEADERS, SESSION_COOKIE, BodyLimit, Sessions, UserFile,
                                 is_loopback, new_token)

HERE = Path(__file__).parent
DEFAULT_UPLOAD_LIMIT = 20 * 1024 * 1024  # 20 MB: the 64-leader sample is 40 kB; a county's full book a few MB
PUBLIC_PATHS = ("/login", "/static/", "/lang/")


@dataclass
class WebConfig:
    host: str = "127.0.0.1"
    store: str | None = None            # a store location (SQLite file or PostgreSQL URL), optional
    users_file: Path | None = None      # JSON user list; required when logins are
    require_login: bool | None = None   # default: whenever host is not a loopback address
    upload_limit: int = DEFAULT_UPLOAD_LIMIT
    workdir: Path | None = None         # where uploads live while the server runs (default: a private temp dir)
    workers: int = 2                    # runs scored at the same time

    @property
    def login_required(self) -> bool:
        return (not is_loopback(self.host)) if self.require_login is None else self.require_login


class LoginMissing(RuntimeError):
    """Listening beyond this machine without a user list: refused rather than open to the network."""


def create_app(config: WebConfig | None = None) -> FastAPI:
    config = config or WebConfig()
    users = UserFile(config.users_file) if config.users_file else None
    if config.login_required and (users is None or not users.load()):
        raise LoginMissing("监听非本机地址时必须登录：请先用 `scorecard users add 用户名 --users 文件` 建立用户，"
                           "再以 --users 文件 启动。/ a non-loopback address needs logins: add users with "
                           "`scorecard users add NAME --users FILE` and start with --users FILE.")
    owned = config.workdir is None
    workdir = Path(config.workdir or tempfile.mkdtemp(prefix="scorecard-web-"))
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o700)
    store = _open_store(config.store)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.runs.close()
        if owned:
            shutil.rmtree(workdir, ignore_errors=True)

    app = FastAPI(title="scorecard", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.config = config
    app.state.users = users
    app.state.sessions = Sessions()
    app.state.store = store
    app.state.runs = Runs(workdir, workers=config.workers, store=store)
    app.state.templates = _environment()
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        request.state.lang = request.cookies.get("lang") if request.cookies.get("lang") in i18n.LANGS else "zh"
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or new_token()
        request.state.user = app.state.sessions.user(request.cookies.get(SESSION_COOKIE))
        if config.login_required and request.state.user is None and not request.url.path.startswith(PUBLIC_PATHS):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response: Response = RedirectResponse(f"/login?next={quote(target)}", status_code=303)
        else:
            response = await call_next(request)
        if request.cookies.get(CSRF_COOKIE) != request.state.csrf:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict", path="/")
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    from engine.web import pages

    app.include_router(pages.router)
    app.add_middleware(BodyLimit, limit=config.upload_limit)

    return app


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = i18n.number
    env.filters["part"] = i18n.part
    return env


def _open_store(where: str | None) -> Any:
    if not where:
        return None
    from engine.web import adapters

    return adapters.open_store(where)
