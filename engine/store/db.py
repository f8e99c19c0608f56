"""Open a store: resolve where it is, connect, bring its schema up to date (Alembic), name its tables.

The schema is created and changed only by the Alembic migrations shipped in
engine/store/migrations (so an installed wheel can migrate a department's file);
the Table objects below mirror them for queries.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (BigInteger, Column, Integer, MetaData, String, Table, Text, create_engine, event)
from sqlalchemy.engine import Engine, make_url

DEFAULT_STORE = "scorecard.db"
STORE_ENV = "SCORECARD_STORE"
MIGRATIONS = Path(__file__).with_name("migrations")

metadata = MetaData()

# The hash chain: one entry per import, run and review decision, in order. body is canonical JSON.
log = Table(
    "log", metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("kind", String(16), nullable=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False, unique=True),
    Column("hash", String(64), nullable=False, unique=True),
)

# One stored version of one dataset: a year ("2025") or the year-less sheets ("-").
versions = Table(
    "versions", metadata,
    Column("id", Integer, primary_key=True),
    Column("log_seq", Integer, nullable=False),
    Column("dataset", String(16), nullable=False),
    Column("year", Integer, nullable=True),
    Column("version", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("sheets", Text, nullable=False),   # JSON: sheet en -> {"rows": n, "dtypes": {column: dtype}}
)

# The validated, normalised rows (one per Excel row kept by the reader), with their provenance.
rows = Table(
    "rows", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("version_id", Integer, nullable=False),
    Column("sheet", String(64), nullable=False),
    Column("year", Integer, nullable=True),
    Column("key", String(400), nullable=False),
    Column("excel_row", Integer, nullable=False),
    Column("data", Text, nullable=False),     # JSON: column en -> normalised value
)


@dataclass
class Store:
    engine: Engine
    url: str
    name: str          # what reports print: the file name, or the URL without its password

    def dispose(self) -> None:
        self.engine.dispose()


def resolve_store(option: str | os.PathLike | None) -> str:
    """--store, else $SCORECARD_STORE, else scorecard.db in the working folder; a path becomes a SQLite URL."""
    value = str(option) if option else os.environ.get(STORE_ENV) or DEFAULT_STORE
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def open_store(where: str | os.PathLike | None = None, *, create: bool = True) -> Store:
    """Connect and migrate to the newest schema. create=False refuses a SQLite file that does not exist."""
    url = resolve_store(where)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        if not create and not path.exists():
            raise StoreError(f"没有找到存储库 {path}（先用 scorecard import 导入）/ no store at {path}")
        engine = create_engine(url)
        _sqlite_immediate_transactions(engine)
        name = path.name
    else:
        engine = create_engine(url, pool_pre_ping=True)
        name = parsed.render_as_string(hide_password=True)
    store = Store(engine=engine, url=url, name=name)
    migrate(store)
    return store


def migrate(store: Store) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def _sqlite_immediate_transactions(engine: Engine) -> None:
    """SQLite takes its write lock at BEGIN IMMEDIATE, so two writers cannot both read the same chain head."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # noqa: ANN001
        dbapi_conn.isolation_level = None   # let SQLAlchemy's begin event issue BEGIN itself

    @event.listens_for(engine, "begin")
    def _begin(conn):  # noqa: ANN001
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class StoreError(Exception):
    """A store problem the user can fix (wrong path, version conflict, missing --replace)."""
