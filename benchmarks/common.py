"""Shared helpers: run a measurement in a fresh process (for peak memory), machine description, checkpoints."""

from __future__ import annotations

import json
import platform
import resource
import signal
import statistics
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from importlib import metadata
from pathlib import Path
from typing import Any

#: When set (``benchmarks.run`` sets it), every finished measurement is appended to this JSON-lines file at once,
#: so a crash or a kill loses one measurement rather than a whole section, and ``--resume`` can reuse them.
progress_log: Path | None = None
#: Reuse measurements already in ``progress_log`` that were made of the same code (see ``code_version``).
resume = False


def _measured(fn: Callable[..., dict], kwargs: dict) -> dict:
    try:
        out = fn(**kwargs)
    except Exception as exc:  # one failed measurement is a result to report, not the end of the suite
        out = {**kwargs, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def _task_key(fn: Callable[..., dict], kwargs: dict, code: str | None) -> str:
    return json.dumps([f"{fn.__module__}.{fn.__qualname__}", kwargs, code], sort_keys=True)


def _logged() -> dict[str, dict]:
    """Measurements already in the progress log, by task key (a torn last line from a kill is skipped)."""
    done: dict[str, dict] = {}
    if progress_log is None or not progress_log.is_file():
        return done
    for line in progress_log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        done[entry["key"]] = entry["result"]
    return done


def run_isolated(tasks: Iterable[tuple[Callable[..., dict], dict]], jobs: int) -> list[dict]:
    """Run ``fn(**kwargs)`` for each task, each in a new process (so peak memory is its own), ``jobs`` at a time.

    Results come back in task order. Each is appended to ``progress_log`` as soon as it finishes; with ``resume``,
    tasks whose result that log already holds for the same code version are not run again.
    """
    tasks = list(tasks)
    code = code_version()
    keys = [_task_key(fn, kwargs, code) for fn, kwargs in tasks]
    done = _logged() if resume and committed(code) else {}
    results: dict[int, dict] = {i: done[k] for i, k in enumerate(keys) if k in done}
    if progress_log is not None and progress_log.is_file() and not progress_log.read_bytes().endswith(b"\n"):
        with open(progress_log, "a", encoding="utf-8") as fh:
            fh.write("\n")  # end a line torn by a kill, so the next measurement starts a line of its own
    pool = ProcessPoolExecutor(max_workers=max(1, jobs), max_tasks_per_child=1)
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _interrupt) if main_thread else None
    try:
        futures = {pool.submit(_measured, fn, kwargs): i for i, (fn, kwargs) in enumerate(tasks) if i not in results}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
            if progress_log is not None:
                with open(progress_log, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps({"key": keys[i], "result": results[i]}, ensure_ascii=False) + "\n")
    except BaseException:
        # stopped (Ctrl-C, SIGTERM) or failed: end the measurements under way too, or they would run on and slow
        # whatever is measured next (Python 3.14 has ``terminate_workers``; 3.11 has only the private list)
        for process in list((pool._processes or {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)
    pool.shutdown()
    return [results[i] for i in range(len(tasks))]


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def at_checkpoints(history: list[tuple[float, float]], checkpoints: Iterable[float]) -> dict[str, float | None]:
    """Best objective reached by each checkpoint (seconds) from an improvement history."""
    out: dict[str, float | None] = {}
    for t in checkpoints:
        seen = [c for s, c in history if s <= t]
        out[f"{t:g}s"] = round(min(seen), 2) if seen else None
    return out


def spread(values: list[float]) -> dict[str, float] | None:
    """Median with min and max (the README's 'median (min-max)')."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def fmt(s: dict | None, unit: str = "") -> str:
    if not s:
        return "–"
    if s["min"] == s["max"]:
        return f"{s['median']:g}{unit}"
    return f"{s['median']:g}{unit} ({s['min']:g}–{s['max']:g})"


def code_version() -> str | None:
    """The git commit measured (short hash, "+changes" if the optimizer, network or benchmarks differ from it)."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                              check=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "optimizer", "network", "benchmarks/*.py"],
                               cwd=root, capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("+changes" if dirty else "")


def committed(code: str | None) -> bool:
    """Whether ``code`` (from ``code_version``) names a commit exactly, so its measurements may be reused."""
    return code is not None and not code.endswith("+changes")


def machine() -> dict[str, Any]:
    import os

    versions = {}
    for package in ("ortools", "pyvrp", "osmnx", "networkx", "numpy", "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "versions": versions,
    }
