"""Helpers for the web page tests: an ASGI client, uploads, waiting for a run, page text, the CLI."""
from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about a future httpx; the client is the same
    from fastapi.testclient import TestClient  # noqa: E402


def client(app) -> TestClient:
    c = TestClient(app)
    c.get("/")  # the first page sets the CSRF cookie, as a browser's first visit does
    return c


def csrf(c: TestClient) -> str:
    return c.cookies.get("csrftoken")


def upload(c: TestClient, path: Path | None = None, *, data: bytes | None = None, name: str | None = None,
           years: str = "", scenario: str = "", token: str | None = None):
    body = data if data is not None else Path(path).read_bytes()
    return c.post("/runs", data={"csrf_token": csrf(c) if token is None else token, "years": years,
                                 "scenario": scenario},
                  files={"workbook": (name or Path(path).name, body, "application/octet-stream")},
                  follow_redirects=False)


def wait_for(c: TestClient, location: str, timeout: float = 60.0):
    """GET the run page until it is no longer pending."""
    deadline = time.monotonic() + timeout
    while True:
        page = c.get(location)
        if 'hx-get="' + location + '/status"' not in page.text:
            return page
        if time.monotonic() > deadline:
            raise AssertionError(f"run {location} still pending after {timeout}s")
        time.sleep(0.1)


def finished_run(c: TestClient, path: Path = SAMPLE, **kw) -> tuple[str, object]:
    response = upload(c, path, **kw)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    return location, wait_for(c, location)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def page_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return html.unescape("".join(parser.parts))


def squeeze(text: str) -> str:
    """Text without any white space: layout may break lines, the words must be the same."""
    return re.sub(r"\s+", "", text)


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=300)
