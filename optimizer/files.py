"""Reading text files with clear errors, checking output paths before any work, writing files atomically and
JSON that is always valid (bottom layer: imports only ``errors``)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from optimizer.errors import InputError


def read_text(path: str | Path, what: str = "file", *, say_missing: bool = True) -> str:
    """A UTF-8 text file's contents; a missing, unreadable, folder or non-UTF-8 path is an ``InputError`` naming it.

    ``what`` names the file's role in the message (e.g. ``"scenario file"``); without ``say_missing`` a missing file
    is reported as unreadable like any other ``OSError``.
    """
    path = Path(path)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        if not say_missing:
            raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
        raise InputError(f"{path}: {what} not found") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, expected a {what}") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_lines(path: str | Path) -> list[str]:
    """The lines of a UTF-8 text file; an unreadable or non-UTF-8 file is an ``InputError`` naming it."""
    return read_text(path, say_missing=False).splitlines()


def _writable_ancestor(path: Path, option: str) -> None:
    """The nearest existing ancestor of ``path`` must be a folder this process may create entries in."""
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise InputError(f"{option} {path}: {ancestor} is a file, not a folder")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise InputError(f"{option} {path}: cannot write in {ancestor} (permission denied)")
            return


def check_output_folder(path: str | Path, option: str = "--out") -> Path:
    """Check, before any work, that ``path`` can become an output folder; returns it as an absolute path.

    It may exist as a folder or not exist yet; its parent must be writable (the set is switched in by renaming,
    ``outputs.commit``); it must not be the working folder or one above it.
    """
    path = Path(path).absolute()
    if path.exists() and not path.is_dir():
        raise InputError(f"{option} {path}: is a file; give a folder (existing or new)")
    real = path.resolve()
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        raise InputError(f"{option} {path}: is the working folder or above it; give a folder below it, e.g. out")
    if real.parent == real:
        raise InputError(f"{option} {path}: the root folder cannot be an output folder")
    _writable_ancestor(real, option)
    return path


def check_output_file(path: str | Path, option: str = "--out") -> Path:
    """Check, before any work, that ``path`` can be written as a file (not a folder; its folder writable)."""
    path = Path(path).absolute()
    if path.is_dir():
        raise InputError(f"{option} {path}: is a folder; give a file name")
    if path.exists() and not os.access(path, os.W_OK) and not os.access(path.parent, os.W_OK):
        raise InputError(f"{option} {path}: cannot write (permission denied)")
    _writable_ancestor(path, option)
    return path


def atomic_path(path: str | Path) -> Path:
    """A temporary sibling of ``path`` to write to before ``os.replace``-ing it into place."""
    path = Path(path)
    return path.with_name(f".{path.stem}.tmp{os.getpid()}{path.suffix}")


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary sibling, so readers never see half a file; the temporary
    file is removed whatever happens."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(name, path)
    finally:
        Path(name).unlink(missing_ok=True)
    return path


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def json_text(document: Any, **kwargs: Any) -> str:
    """``document`` as strict JSON: a number that is not finite (NaN, infinity) is written as ``null``, never as
    the bare ``NaN`` that JSON readers reject."""
    return json.dumps(_finite(document), allow_nan=False, ensure_ascii=False, **kwargs)
