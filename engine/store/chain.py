"""The hash chain: every import, run and review decision is one log entry whose sha256 covers its
content and the previous entry's hash, so any edit of an earlier entry breaks every later link."""
from __future__ import annotations

import getpass
import hashlib
import json
import os
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from engine.store.db import log

GENESIS = "0" * 64


def canonical(value: Any) -> str:
    """The one text a value hashes as: sorted keys, no spaces, UTF-8 characters as they are."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256_text(text_: str) -> str:
    return hashlib.sha256(text_.encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, kind: str, at: str, actor: str, body: str) -> str:
    return sha256_text("\n".join((prev_hash, kind, at, actor, body)))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers): the uid still says who
        return f"uid {os.getuid()}"


def head(conn: Connection) -> tuple[int, str]:
    """(seq, hash) of the newest entry; (0, GENESIS) for an empty store."""
    row = conn.execute(select(log.c.seq, log.c.hash).order_by(log.c.seq.desc()).limit(1)).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def append(conn: Connection, kind: str, actor: str, body: dict[str, Any]) -> tuple[int, str]:
    """Add one entry at the head, inside the caller's transaction. Returns (seq, hash)."""
    if conn.dialect.name == "postgresql":
        # Several workstations: one writer at a time extends the chain (readers are not blocked).
        conn.execute(text("LOCK TABLE log IN SHARE ROW EXCLUSIVE MODE"))
    seq, prev = head(conn)
    at = now()
    payload = canonical(body)
    digest = entry_hash(prev, kind, at, actor, payload)
    conn.execute(insert(log).values(seq=seq + 1, kind=kind, at=at, actor=actor, body=payload,
                                    prev_hash=prev, hash=digest))
    return seq + 1, digest


def entries(conn: Connection, kind: str | None = None) -> list[dict[str, Any]]:
    query = select(log).order_by(log.c.seq)
    if kind:
        query = query.where(log.c.kind == kind)
    return [{**row._mapping, "body": json.loads(row.body)} for row in conn.execute(query)]


def count(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(log)).scalar_one()
