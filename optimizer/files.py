"""Reading text files with clear errors and writing files atomically (bottom layer: imports only ``errors``)."""

from __future__ import annotations

import os
from pathlib import Path

from optimizer.errors import InputError


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 text file; an unreadable or non-UTF-8 file is an ``InputError`` naming it."""
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, expected a file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def atomic_path(path: str | Path) -> Path:
    """A temporary sibling of ``path`` to write to before ``os.replace``-ing it into place."""
    path = Path(path)
    return path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary sibling, so readers never see half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
