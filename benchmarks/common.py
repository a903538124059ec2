"""Shared helpers: run a measurement in a fresh process (for peak memory), machine description, checkpoints."""

from __future__ import annotations

import platform
import resource
import statistics
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from importlib import metadata
from typing import Any


def _measured(fn: Callable[..., dict], kwargs: dict) -> dict:
    try:
        out = fn(**kwargs)
    except Exception as exc:  # one failed measurement is a result to report, not the end of the suite
        out = {**kwargs, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def run_isolated(tasks: Iterable[tuple[Callable[..., dict], dict]], jobs: int) -> list[dict]:
    """Run ``fn(**kwargs)`` for each task, each in a new process (so peak memory is its own), ``jobs`` at a time."""
    tasks = list(tasks)
    with ProcessPoolExecutor(max_workers=max(1, jobs), max_tasks_per_child=1) as pool:
        futures = [pool.submit(_measured, fn, kwargs) for fn, kwargs in tasks]
        return [f.result() for f in futures]


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
