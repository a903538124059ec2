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
