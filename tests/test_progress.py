"""Progress (issue 9, item 5): a bar on a terminal's standard error, nothing otherwise, never in the output."""
from __future__ import annotations

import fcntl
import json
import os
import pty
import subprocess
import struct
import sys
import termios
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"


def _sweep(tmp_path: Path, stderr_tty: bool) -> tuple[bytes, bytes, dict]:
    out = tmp_path / "s.json"
    args = [sys.executable, "-m", "engine.cli", "sweep", str(SAMPLE), "card.disqualify_awards", "3", "4",
            "--json", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    if not stderr_tty:
        done = subprocess.run(args, capture_output=True, env=env, cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr, json.loads(out.read_text(encoding="utf-8"))
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))  # a terminal 100 wide
    seen: list[bytes] = []

    def drain() -> None:  # read the terminal while the child runs, or it blocks on a full buffer
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                return
            if not chunk:
                return
            seen.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=follower, env=env, cwd=tmp_path)
    os.close(follower)
    stdout = proc.stdout.read()  # type: ignore[union-attr]
    assert proc.wait(timeout=300) == 0
    reader.join(timeout=10)
    os.close(leader)
    return stdout, b"".join(seen), json.loads(out.read_text(encoding="utf-8"))


def test_a_bar_on_a_terminal_and_nothing_in_the_output(tmp_path):
    stdout, stderr, doc = _sweep(tmp_path, stderr_tty=True)
    text = stderr.decode("utf-8", "replace")
    assert "参数扫描" in text and "card.disqualify_awards = 4" in text and "/4" in text
    assert "参数扫描" not in stdout.decode("utf-8")
    assert "参数扫描" not in json.dumps(doc, ensure_ascii=False)


def test_nothing_when_not_a_terminal(tmp_path):
    stdout, stderr, _ = _sweep(tmp_path, stderr_tty=False)
    assert stderr == b""
    assert stdout.decode("utf-8").startswith("参数 card.disqualify_awards 各取值下触发各项后果的人数")
