"""The one exception type the network and data layers raise for bad input."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input a planner can fix: the message names the file, row, field or point."""


def read_lines(path) -> list[str]:
    """The lines of a UTF-8 text file; an unreadable or non-UTF-8 file is an ``InputError`` naming it."""
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
