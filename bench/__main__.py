"""Benchmark of whole runs per backend: `python -m bench [--sizes 10k,100k,1M] [--durable-max 100k]`.

Generates SPEC 4 workbooks (bench/bench_run.py's generator: every contract sheet, ties, moves,
missing years) of N leader-years (N/3 leaders x 3 years; cached by size and seed in --cache),
then scores every year of each with each backend in a fresh child process, so that peak RSS is
that run's alone, and prints per backend and stage: seconds, leader-years/s and the process's
peak RSS after the stage, with the vectorized/durable ratio from the same invocation.

Stages: read (read_workbook), facts (prepare: derive facts, lay out records), rules (the
backend deciding every rule over every record, conclusions applied), assemble (results,
evidence), JSON (streamed to a file), report (Excel; skipped above --report-max or with
--json-only), sweep (evaluate over --sweep values of card.disqualify_awards on the same
prepared facts; skipped when --sweep 0).

durable_rules evaluates ~2-3k leader-years/s here, so 1M would take ~10 minutes per run:
sizes above --durable-max are run with the vectorized backend only, and the table says so.
Not a timed test: the figures go in the notes.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("durable", "vectorized")
STAGES = ("read", "facts", "rules", "assemble", "JSON", "report", "sweep")


def _size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def _label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k" if n % 1000 == 0 else str(n)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def workbook_for(size: int, seed: int, cache: Path) -> Path:
    """The generated workbook for `size` leader-years (before the ~4 % not assessed), cached."""
    from bench.bench_run import generate

    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"bench_{_label(size)}_{seed}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".part.xlsx")
        generate(partial, max(1, size // 3), 3, seed)
        partial.replace(path)
        print(f"generated {path.name} ({path.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s",
              flush=True)
    return path


def child(args: argparse.Namespace) -> None:
    """One run in this process: time each stage, print one JSON line."""
    import engine.evaluation.scoring as scoring
    from engine.input.workbook import read_workbook
    from engine.rules.load import load_scorecard

    out: dict[str, Any] = {"seconds": {}, "peak_mb": {}, "cpu": {}}
    cpu = [time.process_time()]

    def stage(name: str, seconds: float) -> None:
        out["seconds"][name] = out["seconds"].get(name, 0.0) + seconds
        out["peak_mb"][name] = _peak_mb()
        now = time.process_time()
        out["cpu"][name] = out["cpu"].get(name, 0.0) + now - cpu[0]
        cpu[0] = now

    started = time.perf_counter()
    book = read_workbook(args.workbook)
    stage("read", time.perf_counter() - started)
    card = load_scorecard()
    years = sorted(int(y) for y in book.tables["roster"]["year"].unique())
    started = time.perf_counter()
    prepared = scoring.prepare(book, years, card.values())
    stage("facts", time.perf_counter() - started)
    out["leader_years"] = prepared.leader_years

    rules_seconds = [0.0]
    original = scoring.evaluate_records

    def timed(*a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return original(*a, **k)
        finally:
            rules_seconds[0] += time.perf_counter() - t

    scoring.evaluate_records = timed
    started = time.perf_counter()
    result = scoring.evaluate(prepared, card, args.backend)
    total = time.perf_counter() - started
    stage("rules", rules_seconds[0])
    stage("assemble", total - rules_seconds[0])
    out["consequences"] = sum(len(r.consequences) for r in result.results)

    json_path = Path(args.out) / f"results_{args.backend}.json"
    started = time.perf_counter()
    scoring.write_json(result, json_path)
    stage("JSON", time.perf_counter() - started)
    out["json_mb"] = json_path.stat().st_size / 1e6
    if args.report:
        from engine.output.report import write_report
        started = time.perf_counter()
        write_report(result, Path(args.out) / f"report_{args.backend}.xlsx")
        stage("report", time.perf_counter() - started)
    del result
    if args.sweep:
        started = time.perf_counter()
        for value in range(args.sweep):
            swept = load_scorecard(overrides={"card.disqualify_awards": 2 + value * 0.25})
            rules_seconds[0] = 0.0
            scoring.evaluate(prepared, swept, args.backend)
        stage("sweep", time.perf_counter() - started)
    print(json.dumps(out))


def run_child(workbook: Path, backend: str, report: bool, sweep: int, out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench", "--child", "--workbook", str(workbook), "--backend", backend,
               "--out", str(out), "--sweep", str(sweep)] + (["--report"] if report else [])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"{backend} run on {workbook.name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _total(stages: dict[str, float]) -> float:
    return sum(v for k, v in stages.items() if k != "sweep")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="leader-years per workbook, e.g. 10k,100k,1M")
    parser.add_argument("--durable-max", default="100k", help="largest size the durable backend runs")
    parser.add_argument("--report-max", default="100k", help="largest size an Excel report is written for")
    parser.add_argument("--json-only", action="store_true", help="no Excel report at any size")
    parser.add_argument("--backends", default="durable,vectorized")
    parser.add_argument("--sweep", type=int, default=0, help="also evaluate N sweep values on the prepared facts")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "scorecard-bench")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workbook", help=argparse.SUPPRESS)
    parser.add_argument("--backend", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--report", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    durable_max, report_max = _size(args.durable_max), _size(args.report_max)
    backends = [b for b in args.backends.split(",") if b]
    print(f"python -m bench --sizes {args.sizes} --durable-max {args.durable_max} --report-max {args.report_max}"
          + (" --json-only" if args.json_only else "") + (f" --sweep {args.sweep}" if args.sweep else ""))
    print(f"{'size':>5} {'backend':<10} {'stage':<9} {'seconds':>8} {'ly/s':>11} {'peak MB':>8} {'CPU s':>7}  note")
    for size in (_size(s) for s in args.sizes.split(",")):
        path = workbook_for(size, args.seed, args.cache)
        runs: dict[str, dict[str, Any]] = {}
        for backend in backends:
            if backend == "durable" and size > durable_max:
                print(f"{_label(size):>5} {'durable':<10} {'—':<9} {'':>8} {'':>11} {'':>8}  skipped: above "
                      f"--durable-max {args.durable_max} (~2-3k leader-years/s: would take minutes)")
                continue
            report = not args.json_only and size <= report_max
            runs[backend] = run = run_child(path, backend, report, args.sweep, args.cache)
            n = run["leader_years"]
            for name in STAGES:
                if name in run["seconds"]:
                    s = run["seconds"][name]
                    rate = n * (args.sweep if name == "sweep" else 1) / s if s else float("inf")
                    print(f"{_label(size):>5} {backend:<10} {name:<9} {s:>8.2f} {rate:>11,.0f} "
                          f"{run['peak_mb'][name]:>8,.0f} {run['cpu'][name]:>7.2f}")
            total = sum(v for k, v in run["seconds"].items() if k != "sweep")
            total_cpu = sum(v for k, v in run["cpu"].items() if k != "sweep")
            print(f"{_label(size):>5} {backend:<10} {'total':<9} {total:>8.2f} {n / total:>11,.0f} "
                  f"{max(run['peak_mb'].values()):>8,.0f} {total_cpu:>7.2f}  {n:,} leader-years, {run['consequences']:,} consequences, "
                  f"JSON {run['json_mb']:.0f} MB" + ("" if report else ", no report"), flush=True)
        if len(runs) == 2:
            d, v = runs["durable"]["cpu"], runs["vectorized"]["cpu"]
            same = (args.cache / "results_durable.json").read_bytes() == (args.cache / "results_vectorized.json").read_bytes()
            print(f"{_label(size):>5} ratio vectorized/durable speed (CPU seconds): rules {d['rules'] / v['rules']:,.0f}x, "
                  f"rules+assemble {(d['rules'] + d['assemble']) / (v['rules'] + v['assemble']):,.1f}x, "
                  f"whole run {_total(d) / _total(v):,.1f}x; JSON identical: {same}", flush=True)


if __name__ == "__main__":
    main()
