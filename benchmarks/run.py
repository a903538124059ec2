"""Run the benchmark suite and regenerate benchmarks/README.md's tables.

    python -m benchmarks.run                 # everything (long: see README for the time each section takes)
    python -m benchmarks.run --quick         # smoke run, a minute or so
    python -m benchmarks.run --only cvrp,pvrp --jobs 2

Raw results go to a JSON file (default benchmarks/results.json, or results-quick.json with --quick); sections not
run keep their earlier results, and a partial CVRP or PVRP run (some limits, seeds or instances) replaces only the
runs it repeats, each run recording the commit it measured. The README's tables are rewritten from that file. Each
measurement is also appended to a progress log beside it (results.progress.jsonl) the moment it finishes; after a
crash, ``--resume`` reruns only what that log lacks (for the same commit, with no local changes).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from benchmarks import common, cvrp, hangjin, pvrp, roads, scaling
from optimizer.files import write_text_atomic

HERE = Path(__file__).parent
SECTIONS = ("hangjin", "cvrp", "pvrp", "scaling", "roads")
TITLES = {
    "hangjin": "Hangjin, 61 village service points (weekly cost, yuan)",
    "cvrp": "CVRPLIB X instances: gap to best-known",
    "pvrp": "Cordeau PVRP benchmark: gap to best-known (Vidal et al. 2012)",
    "scaling": "Scaling: synthetic banners",
    "roads": "Road network: synthetic 200,000-node OSM extract",
}


# sections a partial rerun merges into (the fields that name one measurement); the others are replaced whole
MERGED = {"cvrp": ("instance", "solver", "time_limit_s", "seed"), "pvrp": ("instance", "time_limit_s", "seed")}
_STAMP = ("date", "mode", "code")


def merge_section(name: str, old: dict | None, new: dict) -> dict:
    """A rerun of part of the CVRP or PVRP section (some limits, seeds or instances) replaces the runs it repeats
    and keeps the others; every run carries the date, mode and commit that measured it (``measured``)."""
    stamp = {k: new.get(k) for k in _STAMP}
    runs = [{**r, "measured": r.get("measured", stamp)} for r in new["runs"]]
    if name not in MERGED or not old:
        return {**new, "runs": runs}
    fields = MERGED[name]
    fresh = {tuple(r.get(k) for k in fields) for r in runs}
    before = {k: old.get(k) for k in _STAMP}
    kept = [
        {**r, "measured": r.get("measured", before)}
        for r in old["runs"]
        if tuple(r.get(k) for k in fields) not in fresh
    ]
    return {**new, "runs": kept + runs}


def _provenance(sec: dict) -> str:
    """'Run <date>, <mode>, code <commit>', per distinct measurement when the section's runs come from several."""
    stamps: dict[tuple, int] = {}
    for r in sec.get("runs", []):
        m = r.get("measured") or {k: sec.get(k) for k in _STAMP}
        key = tuple(m.get(k) for k in _STAMP)
        stamps[key] = stamps.get(key, 0) + 1
    if len(stamps) <= 1:
        code = f", code {sec['code']}" if sec.get("code") else ""
        return f"_Run {sec['date']}, {sec['mode']}{code}._"
    parts = [
        f"{n} run{'s' if n != 1 else ''} on {d}, {m}" + (f", code {c}" if c else "") for (d, m, c), n in stamps.items()
    ]
    return "_Runs: " + "; ".join(parts) + "._"


def shared_folder() -> Path:
    return Path(os.environ.get("RURALPOST_SHARED", HERE.parent.parent / "shared"))


def run_section(name: str, args: argparse.Namespace) -> dict:
    quick, jobs = args.quick, args.jobs
    if name == "hangjin":
        return hangjin.run(quick, jobs)
    if name == "cvrp":
        return cvrp.run(quick, jobs, shared_folder(), limits=args.cvrp_limits)
    if name == "pvrp":
        return pvrp.run(
            quick, jobs, shared_folder(), limits=args.pvrp_limits, seeds=args.pvrp_seeds, names=args.pvrp_instances
        )
    if name == "scaling":
        sizes = dict(zip(args.scaling_sizes, args.scaling_limits, strict=True)) if args.scaling_sizes else None
        return scaling.run(quick, jobs, sizes)
    return roads.run(quick, jobs)


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",")]


def tables(results: dict) -> str:
    out = []
    for name in SECTIONS:
        if name in results.get("sections", {}):
            sec = results["sections"][name]
            module = {"hangjin": hangjin, "cvrp": cvrp, "pvrp": pvrp, "scaling": scaling, "roads": roads}[name]
            out += [f"### {TITLES[name]}", "", _provenance(sec), "", module.table(sec), ""]
            if sec.get("note"):
                out += [f"Note: {sec['note']}", ""]
    m = results.get("machine", {})
    out += [f"Machine: {m.get('cores')} cores, {m.get('processor')}, Python {m.get('python')}; "
            f"versions {', '.join(f'{k} {v}' for k, v in m.get('versions', {}).items())}."]  # fmt: skip
    return "\n".join(out)


def update_readme(text: str, readme: Path) -> None:
    start, end = "<!-- results:start -->", "<!-- results:end -->"
    body = readme.read_text(encoding="utf-8")
    if start not in body or end not in body:
        raise SystemExit(f"{readme}: markers {start} / {end} missing")
    head, rest = body.split(start, 1)
    _, tail = rest.split(end, 1)
    write_text_atomic(readme, f"{head}{start}\n{text}\n{end}{tail}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: one small case per section")
    ap.add_argument("--only", help=f"comma-separated sections ({', '.join(SECTIONS)})")
    ap.add_argument("--jobs", type=int, default=1, help="measurements run side by side (default 1: fair timing)")
    ap.add_argument("--out", help="results JSON (default benchmarks/results.json or results-quick.json)")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite benchmarks/README.md")
    ap.add_argument(
        "--resume", action="store_true", help="reuse measurements of this commit already in the progress log"
    )
    ap.add_argument("--cvrp-limits", type=_floats, help="CVRP time limits in seconds (default 10,60)")
    ap.add_argument("--pvrp-limits", type=_floats, help="PVRP time limits in seconds (default 30,120)")
    ap.add_argument("--pvrp-seeds", type=lambda t: [int(x) for x in t.split(",")], help="PVRP seeds (default 1,2,3)")
    ap.add_argument("--pvrp-instances", type=lambda t: t.split(","), help="PVRP instances (default: all 42)")
    ap.add_argument(
        "--scaling-sizes", type=lambda t: [int(x) for x in t.split(",")], help="villages (61,250,1000,3000)"
    )
    ap.add_argument("--scaling-limits", type=_floats, help="time limit per size in seconds (60,120,600,600)")
    args = ap.parse_args(argv)
    only = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(only) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    out = Path(args.out) if args.out else HERE / ("results-quick.json" if args.quick else "results.json")
    common.progress_log, common.resume = out.with_suffix(".progress.jsonl"), args.resume
    code = common.code_version()
    if args.resume and not common.committed(code):
        print(f"--resume: nothing reused, the code is {code or 'not a git checkout'} (measurements name a commit)",
              file=sys.stderr)  # fmt: skip
    results = json.loads(out.read_text(encoding="utf-8")) if out.is_file() else {"sections": {}}
    results["machine"] = common.machine()
    for name in only:
        print(f"benchmark section {name} ...", file=sys.stderr, flush=True)
        section = run_section(name, args)
        section["date"] = dt.date.today().isoformat()
        section["mode"] = "quick" if args.quick else f"full, {args.jobs} job(s) side by side"
        section["code"] = common.code_version()
        # re-read before writing: another section may have finished meanwhile in another process
        if out.is_file():
            results["sections"] = json.loads(out.read_text(encoding="utf-8")).get("sections", {})
        results["sections"][name] = merge_section(name, results["sections"].get(name), section)
        write_text_atomic(out, json.dumps(results, indent=1, ensure_ascii=False))
    text = tables(results)
    print(text)
    if not args.quick and not args.no_readme:
        update_readme(text, HERE / "README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
