"""One quick Hangjin plan (``--iterations 1``) written by ``ruralpost plan``, shared by the output tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.cli import main


@pytest.fixture(scope="session")
def hangjin_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("hangjin") / "plan"
    assert main(["plan", "--out", str(out), "--iterations", "1"]) == 0
    return out


def read_routes(out: Path) -> list[dict[str, str]]:
    import csv

    with open(out / "routes.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


SMALL_TOWNSHIPS = ("巴拉贡镇", "呼和木独镇")  # 8 service points and 3 town-seat villages: a plan in about a second


def small_scenario(folder: Path, **keys: str) -> Path:
    """A scenario file over a copy of the Hangjin data set cut to ``SMALL_TOWNSHIPS`` (same columns and flags);
    ``keys`` are added as TOML lines (values given as TOML text, e.g. ``design='"relay"'``)."""
    import csv
    import shutil

    from tests.conftest import HANGJIN

    data = folder / "data"
    shutil.copytree(HANGJIN, data)
    with open(HANGJIN / "villages.csv", encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [r for r in reader if r["township"] in SMALL_TOWNSHIPS]
        columns = reader.fieldnames or []
    with open(data / "villages.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    lines = ['name = "small"', f"data = {json_str(data)}", *(f"{k} = {v}" for k, v in keys.items())]
    path = folder / "small.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def json_str(path: Path) -> str:
    import json

    return json.dumps(str(path))
