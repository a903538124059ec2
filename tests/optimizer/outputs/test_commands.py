"""Every subcommand and option says what it does; ``plan --help`` lists the outputs; ``--version`` works."""

from __future__ import annotations

import argparse
from importlib.metadata import version

import pytest

from optimizer.cli import PLAN_OUTPUTS, main, parser


def _parsers(p: argparse.ArgumentParser, name: str = "ruralpost"):
    yield name, p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


def test_every_option_has_help():
    missing = [f"{name} {a.option_strings or a.dest}" for name, p in _parsers(parser()) for a in p._actions
               if not a.help and not isinstance(a, argparse._SubParsersAction)]  # fmt: skip
    assert missing == []


def test_version_and_plan_help_lists_the_outputs(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and version("ruralpost") in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["plan", "--help"])
    text = capsys.readouterr().out
    for name in ("routes.csv", "plan.xlsx", "route_sheets.pdf", "plan.gpkg", "runs.kml", "map.html", "sheets/"):
        assert name in text and name in PLAN_OUTPUTS
    assert "default: the scenario's)" in " ".join(text.split())  # argparse wraps by terminal width
