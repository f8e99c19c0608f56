"""Runs started from the page: each scored in a worker thread so a long run blocks nobody.

A run lives in memory (and its upload in a private folder) while the server runs; the
registry keeps the most recent `keep` runs and deletes the folders of older ones. A run
whose workbook fails validation keeps only its failure table: the upload is deleted at once.
"""
from __future__ import annotations

import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.web import adapters

PENDING, DONE, FAILED = "pending", "done", "failed"


@dataclass
class Run:
    id: str
    folder: Path
    filename: str
    years: list[int]
    scenario: str | None
    started: float = field(default_factory=time.monotonic)
    status: str = PENDING
    phase: str = "排队等候"
    result: Any = None                 # RunResult when done
    book: Any = None                   # the engine's Workbook, kept for what-if runs
    issues: list[Any] = field(default_factory=list)   # failure table when failed
    problem: str = ""                  # a one-line reason when failed without a table
    stored: Any = None                 # what the store recorded, when a store is configured
    by: str | None = None              # who uploaded (the login), when logins are on
    charts: list[Any] | None = None    # the report's charts, drawn on first view

    @property
    def upload(self) -> Path:
        return self.folder / self.filename

    def elapsed(self) -> int:
        return int(time.monotonic() - self.started)


class Runs:
    def __init__(self, root: Path, *, workers: int = 2, keep: int = 50, store: Any = None):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._runs: dict[str, Run] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scorecard-run")
        self.keep = keep
        self.store = store

    def new(self, filename: str, years: list[int], scenario: str | None, by: str | None = None) -> Run:
        run_id = secrets.token_hex(8)  # unguessable: a run's id is the only key to its results
        folder = self.root / run_id
        folder.mkdir(mode=0o700)
        run = Run(run_id, folder, filename, years, scenario, by=by)
        with self._lock:
            self._runs[run_id] = run
            self._evict()
        return run

    def get(self, run_id: str) -> Run | None:
        with self._lock:
            return self._runs.get(run_id)

    def submit(self, run: Run) -> None:
        self._pool.submit(self._work, run)

    def _work(self, run: Run) -> None:
        try:
            def phase(text: str) -> None:
                run.phase = text

            run.book, run.result, run.stored = adapters.read_and_score(
                run.upload, years=run.years, scenario=run.scenario, phase=phase, store=self.store,
                by=run.by or adapters.os_user())
            run.status = DONE
        except adapters.InputProblems as exc:
            run.issues, run.problem = exc.issues, exc.summary
            run.status = FAILED
            shutil.rmtree(run.folder, ignore_errors=True)  # nothing of a bad workbook is kept
        except Exception as exc:  # the page must say something rather than spin for ever
            run.problem = adapters.describe_failure(exc)
            run.status = FAILED
            shutil.rmtree(run.folder, ignore_errors=True)

    def _evict(self) -> None:
        while len(self._runs) > self.keep:
            oldest = next(iter(self._runs))
            shutil.rmtree(self._runs.pop(oldest).folder, ignore_errors=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
