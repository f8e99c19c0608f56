"""The history store (issue 11): yearly imports kept as versions, runs and review decisions in a
hash-chained, append-only log, on SQLite (default) or PostgreSQL.

Public API (the CLI in engine/cli/store.py is a thin layer over it):

    store = open_store("scorecard.db")            # or a postgresql+psycopg:// URL; migrates on open
    plan = plan_import(store, read_workbook(path))   # what would change (diff per year)
    commit_import(store, plan, by=..., note=...)
    book, used = store_workbook(store, years=[2025])    # the engine's Workbook from stored versions
    verify_store(store)                              # walk the chain, recompute version hashes
"""
from engine.store.db import Store, open_store, resolve_store

__all__ = ["Store", "open_store", "resolve_store"]
