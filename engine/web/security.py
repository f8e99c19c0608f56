"""Safe by default: CSRF tokens, an upload size limit, logins with hashed passwords, response headers.

- CSRF: double-submit cookie. Every page gets a random `csrftoken` cookie (SameSite=Strict,
  HttpOnly); every form carries the same value in a hidden field; a POST whose field does not
  match the cookie is refused (403). A cross-site page can neither read the cookie nor set it.
- Upload limit: requests whose body exceeds the limit are cut off with 413, counted while the
  body streams in (a missing or false Content-Length does not get round it).
- Logins: a user file (JSON) of name → scrypt hash; sessions are random tokens held in memory.
  Required whenever the server listens on anything but a loopback address.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import threading
from pathlib import Path
from typing import Any

CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "scorecard_session"

# scrypt cost: n=2**14, r=8, p=1 (16 MiB, ~50 ms): the OWASP minimum for interactive logins.
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}


class TooLarge(Exception):
    """The request body is over the upload limit."""


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; anything else (0.0.0.0 included) is exposed."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


# ---------------------------------------------------------------- passwords and users
def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        **_SCRYPT, salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode())


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), dklen=32,
                             n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


class UserFile:
    """name → {hash, display} in one JSON file, written atomically with mode 0600."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def load(self) -> dict[str, dict[str, Any]]:
        if not self.path.exists():
            return {}
        data = json.loads(self.path.read_text(encoding="utf-8"))
        return data.get("users", {}) if isinstance(data, dict) else {}

    def add(self, name: str, password: str) -> None:
        name = name.strip()
        if not name or len(name) > 64:
            raise ValueError("user name must be 1–64 characters")
        users = self.load()
        users[name] = {"hash": hash_password(password)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"users": dict(sorted(users.items()))}, out, ensure_ascii=False, indent=2)
        os.replace(tmp, self.path)

    def verify(self, name: str, password: str) -> bool:
        user = self.load().get(name.strip())
        if user is None:
            check_password(password, hash_password("timing"))  # same cost whether or not the name exists
            return False
        return check_password(password, user.get("hash", ""))


class Sessions:
    """Random session tokens → user name, in memory (a restart logs everybody out)."""

    def __init__(self) -> None:
        self._by_token: dict[str, str] = {}
        self._lock = threading.Lock()

    def start(self, user: str) -> str:
        token = new_token()
        with self._lock:
            self._by_token[token] = user
        return token

    def user(self, token: str | None) -> str | None:
        if not token:
            return None
        with self._lock:
            return self._by_token.get(token)

    def end(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)


# ---------------------------------------------------------------- ASGI middleware
class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whatever Content-Length says."""

    def __init__(self, app: Any, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        seen = 0
        started = False

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise TooLarge()
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except TooLarge:
            if not started:
                await _too_large(send, self.limit)


async def _too_large(send: Any, limit: int) -> None:
    text = (f"上传的文件过大（上限 {limit // (1024 * 1024)} MB）。/ upload too large "
            f"(limit {limit // (1024 * 1024)} MB).").encode("utf-8")
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode())]})
    await send({"type": "http.response.body", "body": text})


SECURITY_HEADERS = {
    # Only our own files: no inline script, no third-party anything; images may be data: (charts).
    "Content-Security-Policy": ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
