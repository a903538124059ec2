"""The ``ruralpost`` command: a thin layer over ``network`` and ``optimizer``.

Exit status: 0 done; 2 bad input or no feasible plan, with one line ``ruralpost: error: ...`` naming the file, line,
key or village (no traceback); 130 interrupted (Ctrl-C). Output paths are checked before any work. Only the
standard library's lightest modules load before ``main`` can catch Ctrl-C.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from optimizer.errors import InfeasibleError, InputError, RuralpostError, SolverError

if TYPE_CHECKING:
    import argparse

REGION_ITERATIONS = 2000  # children per county of a region run: Hangjin's week in about 8 s here
MAX_REASONS = 5  # reasons of an infeasible problem shown on the error line


def _seconds(value: float | None, option: str) -> float | None:
    """A time limit from the command line: a finite number of seconds above 0 (None: not given)."""
    if value is not None and not (value == value and 0 < value < float("inf")):
        raise InputError(f"{option} {value:g}: must be a positive number of seconds")
    return value


def _whole(value: int | None, option: str, minimum: int) -> int | None:
    if value is not None and value < minimum:
        raise InputError(f"{option} {value}: must be at least {minimum}")
    return value


def _check_search(args: argparse.Namespace) -> None:
    """The command line's search budget (``search_options``): a positive time limit, iterations at least 0."""
    _seconds(args.time_limit, "--time-limit")
    _whole(args.iterations, "--iterations", 0)


def _scenario(args: argparse.Namespace, base=None, **extra):
    """The ``--scenario`` file (or ``base``, e.g. a sweep's case) with the command line's ``--time-limit``,
    ``--seed``, ``--iterations`` (0: until the time limit) and ``extra`` overrides, its search budget checked (one
    path for every planning command)."""
    from dataclasses import replace

    from optimizer.planning.scenario import check_solver, load_scenario

    _check_search(args)
    scenario = load_scenario(args.scenario) if base is None else base
    overrides = dict(extra)
    if args.time_limit is not None:
        overrides["time_limit_s"] = args.time_limit
    if args.seed is not None:
        overrides["seed"] = args.seed
    if args.iterations is not None:
        overrides["iterations"] = args.iterations or None
    if getattr(args, "router", None) is not None:
        overrides["router"] = args.router
    return check_solver(replace(scenario, **overrides))


ROUTER_HELP = (
    "day router: ortools (default; OR-Tools' local search, the project's engine) or pyvrp (PyVRP's iterated local "
    "search: cheaper routes on large days, slower per run); the joint week model is OR-Tools' either way "
    "(default: the scenario's [solver] router)"
)


def _add_router(p: argparse.ArgumentParser, default: str | None = None) -> None:
    from optimizer.routing import ROUTERS

    p.add_argument("--router", choices=ROUTERS, default=default, help=ROUTER_HELP)


def one_line(exc: RuralpostError) -> str:
    """The error as the one line the command prints: an infeasible problem's first reasons and how many more."""
    if isinstance(exc, InfeasibleError):
        shown = "; ".join(exc.problems[:MAX_REASONS])
        more = len(exc.problems) - MAX_REASONS
        return f"no feasible plan: {shown}" + (f"; and {more} more" if more > 0 else "")
    return " ".join(line.strip() for line in str(exc).splitlines())


def _progress(seconds: float, cost: float, iteration: int, unplaced: int) -> None:
    note = f"  ({unplaced} visits not placed yet)" if unplaced else ""
    print(f"  {seconds:7.1f} s  iteration {iteration:4d}  weekly cost {cost:,.2f}{note}", flush=True)


def cmd_plan(args: argparse.Namespace) -> int:
    from optimizer.files import check_output_folder
    from optimizer.outputs import write_all
    from optimizer.outputs.labels import quality_note
    from optimizer.outputs.pdf import available_cjk_font
    from optimizer.outputs.tables import key_figures
    from optimizer.planning.run import run_scenario

    check_output_folder(args.out)
    available_cjk_font()  # a $RURALPOST_PDF_FONT naming no file is refused before the search, not after it
    scenario = _scenario(args, **({"graph": Path(args.graph)} if args.graph is not None else {}))
    print(f"ruralpost plan: {scenario.name} ({scenario.design}); searching up to {scenario.time_limit_s:g} s")
    run = run_scenario(scenario, progress=_progress)
    print(f"  plan ready after {run.result.runtime_s:.1f} s; writing the outputs to {args.out}", flush=True)
    written = write_all(run, args.out)
    note = quality_note(run)
    figures = key_figures(run)
    print()
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        if isinstance(value, dict):
            shown = ", ".join(f"{k} {v}" for k, v in value.items())
        else:
            shown = f"{value:,}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
        print(f"  {key:<{width}}  {shown}")
    if note:
        print(f"\n  {note}")
    if not run.feasible:
        violations = run.check.violations + [v for c in run.trunk_checks for v in c.violations]
        print("\n  PLAN NOT FEASIBLE: " + "; ".join(violations[:5]))
    print(
        f"\n  stopped by {run.result.stopped_by} after {run.result.iterations} iterations, {run.result.runtime_s:.1f} s"
    )
    print(f"  wrote {', '.join(p.name for p in written)} to {args.out}")
    return 0 if run.feasible else 1


def cmd_sweep(args: argparse.Namespace) -> int:
    import os

    from optimizer.files import check_output_folder
    from optimizer.outputs.commit import commit_outputs
    from optimizer.planning.sweep import comparison_csv, comparison_markdown, load_sweep, run_sweep

    check_output_folder(args.out)
    _whole(args.jobs, "--jobs", 1)
    _check_search(args)
    cases = [_scenario(args, base=case) for case in load_sweep(args.file)]
    jobs = args.jobs or os.cpu_count() or 1
    print(f"ruralpost sweep: {len(cases)} cases from {args.file} on {min(jobs, len(cases))} processes")
    rows = run_sweep(cases, jobs=jobs, out=args.out)
    out = Path(args.out)
    title = f"Sweep: {Path(args.file).stem}"
    texts = {"sweep.csv": comparison_csv(rows), "sweep.md": comparison_markdown(rows, title)}
    commit_outputs(
        out, {name: (lambda path, text=text: path.write_text(text, encoding="utf-8")) for name, text in texts.items()}
    )
    print(texts["sweep.md"])
    print(f"wrote sweep.csv, sweep.md and each case's plan (cases/<case>/) to {out}")
    return 0


def cmd_codistribution(args: argparse.Namespace) -> int:
    import os

    from optimizer.errors import InfeasibleError
    from optimizer.files import check_output_folder, write_text_atomic
    from optimizer.planning import codistribution as co
    from optimizer.planning.sweep import run_sweep

    check_output_folder(args.out)
    _whole(args.jobs, "--jobs", 1)
    scenario = _scenario(args)
    carriers, source = co.load_carriers(scenario.data)
    cases = co.cases(scenario, carriers)
    jobs = args.jobs or os.cpu_count() or 1
    print(f"ruralpost codistribution: {len(cases) - 1} carriers alone and the shared plan, on {min(jobs, len(cases))} "
          f"processes (carriers from {source})")  # fmt: skip
    out = Path(args.out)
    rows = run_sweep(cases, jobs=jobs, out=out)
    failed = [r["case"] for r in rows if not r.get("feasible")]
    if failed:
        reasons = "; ".join(f"{r['case']}: {r.get('error', 'not feasible')}" for r in rows if not r.get("feasible"))
        raise InfeasibleError([f"codistribution: {len(failed)} plan(s) failed the checker or had no plan: {reasons}"])
    table = co.comparison(carriers, rows)
    estimated = any(r.get("estimated") for r in rows)
    text = co.comparison_markdown(table, carriers, source, estimated)
    write_text_atomic(out / "codistribution.csv", co.comparison_csv(table))
    write_text_atomic(out / "codistribution.md", text)
    print(text)
    print(f"wrote codistribution.csv, codistribution.md and each plan (cases/<plan>/) to {out}")
    return 0


def cmd_region(args: argparse.Namespace) -> int:

    from optimizer.files import check_output_folder
    from optimizer.planning import region

    check_output_folder(args.out)
    _whole(args.jobs, "--jobs", 1)
    scenario = _scenario(args)
    only = [c.strip() for c in args.counties.split(",") if c.strip()] if args.counties else None
    counties = region.load_counties(args.data or region.DEFAULT_REGION_DIR, only)
    if args.scheduler is None:
        where = "a local process pool"
    else:
        where = "a Dask LocalCluster" if args.scheduler == "local" else f"the Dask scheduler at {args.scheduler}"
    print(f"ruralpost region: {len(counties)} counties, scenario {scenario.name} ({scenario.design}), "
          f"{scenario.iterations} iterations each, on {where}")  # fmt: skip
    out = Path(args.out)
    rows = region.run_region(scenario, counties, out, scheduler=args.scheduler, jobs=args.jobs, resume=args.resume,
                             progress=region.print_progress)  # fmt: skip
    region.write_region(out, rows, scenario, counties)
    ok = sum(str(r.get("status", "")).startswith("ok") for r in rows)
    print(f"{ok} of {len(rows)} counties planned; wrote region.csv, region.md, region_map.html, counties/ to {out}")
    return 0


def cmd_cvrp(args: argparse.Namespace) -> int:
    from optimizer.classic.cvrplib import check_cvrp, read_cvrp, write_solution
    from optimizer.classic.solve import solve_cvrp
    from optimizer.errors import SolverError
    from optimizer.files import check_output_file

    _seconds(args.time_limit, "--time-limit")
    if args.out:
        check_output_file(args.out)
    instance = read_cvrp(args.instance)
    start = time.perf_counter()
    routes, cost = solve_cvrp(instance, time_limit_s=args.time_limit, seed=args.seed, engine=args.engine)
    problems = check_cvrp(instance, routes)
    if problems:
        raise SolverError(f"{instance.name}: solver returned an infeasible solution: {problems[:3]}")
    if args.out:
        write_solution(args.out, routes, cost)
    print(
        f"{instance.name}: cost {cost} with {len(routes)} routes in {time.perf_counter() - start:.1f} s ({args.engine})"
    )
    return 0


def cmd_pvrp(args: argparse.Namespace) -> int:
    from optimizer.check import check
    from optimizer.classic.pvrp import read_pvrp, write_res
    from optimizer.files import check_output_file
    from optimizer.solver import SolveParams, solve
    from optimizer.validate import require_served

    _seconds(args.time_limit, "--time-limit")
    _whole(args.iterations, "--iterations", 1)
    if args.out:
        check_output_file(args.out)
    instance = read_pvrp(args.instance)
    problem = instance.to_problem()
    try:
        params = SolveParams(
            time_limit_s=args.time_limit, iterations=args.iterations, seed=args.seed, router=args.router
        )
    except ValueError as exc:  # SolveParams names the field and what is allowed
        raise InputError(str(exc)) from exc
    result = solve(problem, params, _progress if args.verbose else None)
    report = check(problem, result.plan)
    require_served(problem, result, report)
    if not report.ok:
        raise SolverError(f"{instance.name}: the checker rejects the plan: {'; '.join(report.violations[:3])}")
    if args.out:
        write_res(args.out, problem, result.plan)
    print(f"{instance.name}: cost {report.cost:.2f} ({result.iterations} iterations, {result.runtime_s:.1f} s, "
          f"router {args.router})")  # fmt: skip
    return 0


def cmd_network_download(args: argparse.Namespace) -> int:
    import network
    from optimizer.errors import InputError
    from optimizer.planning.dataset import load_dataset

    dataset = load_dataset(args.data)
    if dataset.boundary is None:
        raise InputError(f"{dataset.folder}: no boundary.geojson to download the roads for")
    graph = network.download_graph(dataset.boundary, cache_path=args.out)
    print(f"road graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges ({network.ATTRIBUTION})")
    return 0


def cmd_network_export(args: argparse.Namespace) -> int:
    import network
    from optimizer.files import check_output_folder
    from optimizer.outputs.commit import commit_outputs
    from optimizer.planning.build import facility_matrices
    from optimizer.planning.dataset import load_dataset
    from optimizer.planning.run import load_roads

    out = check_output_folder(args.out)
    dataset = load_dataset(args.data)
    graph = load_roads(args.graph) if args.graph else None
    matrices = facility_matrices(dataset, graph)
    writers = {
        name: (lambda path, m=m: network.write_matrix_csv(path, matrices.ids, m, note=matrices.label))
        for name, m in (("matrix_km.csv", matrices.km), ("matrix_minutes.csv", matrices.minutes))
    }
    if graph is not None:
        writers["roads.gpkg"] = lambda path: network.write_geodataframe(network.edges_frame(graph), path)
    commit_outputs(out, writers, owned=("matrix_km.csv", "matrix_minutes.csv", "roads.gpkg"))
    print(f"wrote matrices ({matrices.label}) to {out}")
    return 0


PLAN_OUTPUTS = """outputs (in --out, written together: a failed run leaves the earlier ones as they were):
  routes.csv        one row per stop of every run (plain UTF-8; the columns other tools read)
  plan.json         the whole plan, the scenario as resolved, key figures, data-quality flags
  summary.md        key figures, monthly cost, per-village table (Chinese, English, pinyin)
  plan.xlsx         workbook: 汇总 summary, 路线 routes, 村 villages, one printable sheet per vehicle-day
  route_sheets.pdf  one A4 page per vehicle-day for the drivers (needs a Chinese font, fonts-wqy-microhei;
                    without one it is skipped with a warning)
  sheets/           the same route sheets as HTML
  map.html          interactive map, works offline
  plan.gpkg         GeoPackage: layers depots, villages, runs (and roads_used with --graph)
  routes.geojson    runs and villages as GeoJSON
  runs.kml          runs and villages for phone map apps
  roads_used.geojson  the OSM roads the runs use (with --graph)"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ruralpost")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _whole_number(text: str) -> int:
    """argparse type: a whole number, with a message saying so."""
    import argparse

    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _number(text: str) -> float:
    """argparse type: a number (range checked later, with the option's rule), with a message saying so."""
    import argparse

    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None


def search_options(p: argparse.ArgumentParser, per: str = "", iterations: int | None = None) -> None:
    """The search budget options every planning command shares (``plan``, ``sweep``, ``codistribution``,
    ``region`` and the scripts in ``scenarios/``): ``--time-limit`` (seconds), ``--seed``, ``--iterations``;
    ``per`` says what each applies to (e.g. " per county"), ``iterations`` a default of the command's own."""
    p.add_argument("--time-limit", type=_number, metavar="SECONDS",
                   help=f"time cap{per} in seconds, above 0, from reading the data to the plan; the outputs are "
                   "written after (default: the scenario's, 120)")  # fmt: skip
    p.add_argument("--seed", type=_whole_number, help=f"random seed{per} (default: the scenario's, 0)")
    shown = f"default {iterations}" if iterations is not None else "default: the scenario's"
    p.add_argument("--iterations", type=_whole_number, default=iterations,
                   help=f"children the genetic search makes{per} ({shown}); 0 = until the time limit")  # fmt: skip


def parser() -> argparse.ArgumentParser:
    import argparse

    class _Parser(argparse.ArgumentParser):
        """argparse with the command's one-line errors: ``ruralpost: error: ...`` (exit 2), no usage block."""

        def error(self, message: str):
            command = self.prog.removeprefix("ruralpost").strip()
            raise InputError(f"{command + ': ' if command else ''}{message} (see {self.prog} --help)")

    top = _Parser(prog="ruralpost", description="Rural parcel-delivery route planner (OpenStreetMap + periodic VRP).")
    top.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    top.add_argument("-v", "--verbose", action="store_true", help="log the search (default: warnings only)")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "plan", help="plan a week (default: the Hangjin default scenario)",
        description="Plan a week of delivery runs for a scenario: which vehicles, on which days, visit which "
        "villages, at what cost. Prints the key figures and writes the outputs below.",
        epilog=PLAN_OUTPUTS, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    p.add_argument("--scenario", help="scenario TOML file (default: Hangjin, direct from the centre)")
    p.add_argument("--out", default="out", help="output folder (default: out)")
    search_options(p)
    p.add_argument("--graph", help="OSM extract (.osm, .osm.bz2, .osm.pbf) or GraphML for real road distances "
                   "(default: estimated distances, great-circle km x 1.23 at 55 km/h)")  # fmt: skip
    _add_router(p)
    p.set_defaults(func=cmd_plan, claims_out=True)

    p = sub.add_parser("sweep", help="run a family of scenarios in parallel and compare them in one table")
    p.add_argument("file", help="sweep TOML file (a scenario with a [sweep] table)")
    p.add_argument("--out", default="out/sweep", help="output folder (default: out/sweep)")
    p.add_argument("--jobs", type=_whole_number, help="parallel processes (default: the machine's cores)")
    search_options(p, " per case")
    _add_router(p)
    p.set_defaults(func=cmd_sweep, claims_out=True)

    p = sub.add_parser(
        "codistribution",
        help="what sharing the centre saves: each integrated carrier alone against one shared plan",
        description="Plan each integrated carrier of carriers.csv alone (its own vans from the centre, its share of "
        "every village's parcels) and the shared plan; write codistribution.csv and codistribution.md.",
    )
    p.add_argument("--scenario", help="scenario TOML file (default: Hangjin, direct from the centre)")
    p.add_argument("--out", default="out/codistribution", help="output folder (default: out/codistribution)")
    search_options(p, " per plan")
    p.add_argument("--jobs", type=_whole_number, help="parallel processes (default: the machine's cores)")
    _add_router(p)
    p.set_defaults(func=cmd_codistribution, claims_out=True)

    p = sub.add_parser(
        "region", help="plan every county of a region data set (local pool or Dask cluster), resumable",
        description="Plan every county of a region folder (counties.csv and one data folder per county code) with "
        "one scenario; write region.csv, region.md, region_map.html and counties/<code>/. Each county's seed "
        "derives from --seed and its code.",
    )  # fmt: skip
    p.add_argument("data", nargs="?", help="region folder (default: the Inner Mongolia data set that ships)")
    p.add_argument("--out", default="out/region", help="output folder (default: out/region)")
    p.add_argument("--scenario", help="scenario TOML applied to every county (fleet scaled by the region rule: README)")
    p.add_argument("--counties", help="comma-separated county codes (default: all)")
    p.add_argument("--scheduler", help="'local' (a Dask LocalCluster) or a Dask scheduler address tcp://HOST:PORT "
                   "(default: a local process pool)")  # fmt: skip
    p.add_argument("--jobs", type=_whole_number,
                   help="processes or Dask workers started here (default: the machine's cores)")  # fmt: skip
    search_options(p, " per county", iterations=REGION_ITERATIONS)
    p.add_argument("--resume", action="store_true", help="run only the counties missing in region.progress.jsonl")
    _add_router(p)
    p.set_defaults(func=cmd_region, claims_out=True)

    p = sub.add_parser("cvrp", help="solve a CVRPLIB instance (the classical yardstick)")
    p.add_argument("instance", help="CVRPLIB .vrp file (e.g. X-n101-k25.vrp)")
    p.add_argument("--time-limit", type=float, default=10.0, help="search time in seconds (default 10)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--out", help="write the solution in CVRPLIB .sol format (default: print only)")
    p.add_argument(
        "--engine", choices=("pyvrp", "ortools"), default="pyvrp",
        help="routing engine: pyvrp (default; PyVRP's iterated local search, best on plain CVRP) or ortools (the "
        "weekly planner's default router)",
    )  # fmt: skip
    p.set_defaults(func=cmd_cvrp)

    p = sub.add_parser("pvrp", help="solve a Cordeau periodic-VRP instance with the weekly optimizer")
    p.add_argument("instance", help="Cordeau PVRP instance file (e.g. p01.txt)")
    p.add_argument("--time-limit", type=float, default=30.0, help="search time cap in seconds (default 30)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--iterations", type=int, default=None, help="stop after N iterations (default: time only)")
    p.add_argument("--out", help="write the solution in .res format (default: print only)")
    _add_router(p, default="ortools")
    p.set_defaults(func=cmd_pvrp)

    net = sub.add_parser("network", help="road network: download (online) and export").add_subparsers(
        dest="network_command", required=True, metavar="ACTION"
    )
    p = net.add_parser("download", help="download the OSM roads inside boundary.geojson (online; cached)")
    p.add_argument("--data", help="data folder (default: Hangjin)")
    p.add_argument("--out", help="GraphML file to save (default: in the cache folder)")
    p.set_defaults(func=cmd_network_download)
    p = net.add_parser("export", help="write the facility matrices (CSV) and, with --graph, the roads (GeoPackage)")
    p.add_argument("--data", help="data folder (default: Hangjin)")
    p.add_argument("--graph", help="OSM extract or GraphML (default: estimated road distances)")
    p.add_argument("--out", default="out/network", help="output folder (default: out/network)")
    p.set_defaults(func=cmd_network_export, claims_out=True)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (0 done, 2 bad input or no feasible plan, 130 interrupted)."""
    try:
        import logging

        args = parser().parse_args(argv)
        level = logging.INFO if args.verbose else logging.WARNING
        logging.basicConfig(level=level, format="%(levelname)s: %(message)s")
        logging.captureWarnings(True)  # a library's RuntimeWarning is logged, not printed before the error line
        if not getattr(args, "claims_out", False):
            return args.func(args)
        from optimizer.outputs.commit import claimed

        with claimed(args.out):  # refused if another running command writes a folder nested with it
            return args.func(args)
    except RuralpostError as exc:
        print(f"ruralpost: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ruralpost: interrupted; earlier outputs are unchanged", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
