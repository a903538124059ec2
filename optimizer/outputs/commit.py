"""The one way an output set reaches its folder: the whole set is replaced at once, or not at all.

``commit_outputs(out, writers)`` writes every file of a run into a new folder beside ``out``
(``.<name>.staging-*``), then switches it with ``out`` in one atomic ``renameat2(RENAME_EXCHANGE)`` (Linux; where the
system lacks it: ``out`` renamed aside, the new folder renamed in, so for that instant there is no ``out``). A reader
that opens ``out/routes.csv`` and ``out/plan.json`` therefore sees files of one set: before the switch the old set,
after it the new one; a run that fails or is killed at any step leaves the old set (the next run cleans up what it
left). A reader holding the folder itself open (``cd out``) keeps the old set until it opens it again by name.

Entries of ``out`` that are not part of the set (``owned``), e.g. ``out/relay`` of another run, are carried over to
the new folder right after the switch. Runs writing the same ``out`` take turns (``fcntl`` lock on
``.<name>.lock`` beside it). ``out`` must not be the working folder; its parent must be writable.

Nested folders: a command claims its ``--out`` for as long as it runs (``claimed``: a shared ``fcntl`` lock on
``.<name>.claim`` beside it, removed by the last command on that folder to end). A command whose ``--out``
contains, or lies inside, a folder another running command has claimed is refused before any work: switching the
outer folder would carry or drop the inner run's files while it writes them. Commands writing the same ``--out``
may run together (they take turns at the switch); a command's own nested outputs (a sweep's ``cases/``, a
region's ``counties/``) are written by that command, not claimed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterator, Mapping
from pathlib import Path

from optimizer.errors import InputError
from optimizer.files import check_output_folder

Writer = Callable[[Path], None]  # writes one file (or folder) at the path it is given

NEW_MARK = ".ruralpost-new"  # inside a staged folder until it is switched in: a leftover with it was never used
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100

# Fault injection for tests: called with the name of each step of a commit as it is reached.
step_hook: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if step_hook is not None:
        step_hook(name)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths atomically; False where the system cannot (then nothing has changed)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock on ``path`` (created if missing); released when the process ends."""
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _claim_path(folder: Path) -> Path:
    return folder.parent / f".{folder.name}.claim"


def _held(path: Path) -> bool:
    """Whether a running process holds a lock on ``path`` (probed without waiting, and released at once)."""
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        return False
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fh, fcntl.LOCK_UN)
        return False


def _nested_claims(out: Path) -> Iterator[Path]:
    """Folders that contain ``out`` or lie inside it and that another running command has claimed."""
    for folder in out.parents:
        if folder.parent != folder and _held(_claim_path(folder)):
            yield folder
    if out.is_dir():
        for root, _, files in os.walk(out):
            for name in files:
                if name.startswith(".") and name.endswith(".claim") and _held(Path(root) / name):
                    yield Path(root) / name[1 : -len(".claim")]


@contextlib.contextmanager
def claimed(out: str | Path, option: str = "--out") -> Iterator[Path]:
    """Claim ``out`` for one command (see the module docstring); yields it checked (``check_output_folder``).

    Raises ``InputError`` naming the folder when another running command has claimed a folder that contains
    ``out`` or lies inside it.
    """
    out = check_output_folder(out, option)
    real = out.resolve()

    def refuse_nested() -> None:
        for other in _nested_claims(real):
            where = "contains" if other in real.parents else "lies inside"
            raise InputError(
                f"{option} {out}: another ruralpost command is writing {other}, which {where} it; "
                "wait for it to end or give a folder outside it"
            )

    refuse_nested()  # before creating anything
    real.parent.mkdir(parents=True, exist_ok=True)
    path = _claim_path(real)
    while True:  # a claim on a file the last command to leave has just removed would be seen by no one: retry
        fh = open(path, "a+b")  # noqa: SIM115 (held open until the command ends, closed below)
        fcntl.flock(fh, fcntl.LOCK_SH)
        try:
            if os.path.samestat(os.fstat(fh.fileno()), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        fh.close()
    try:
        refuse_nested()  # again once claimed: of two commands starting together, neither misses the other
        yield out
    finally:
        try:  # the last command out removes the claim file (under an exclusive lock, so no claim is lost)
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink(missing_ok=True)
        except BlockingIOError:
            pass  # another command on the same folder still holds it
        finally:
            fh.close()


def _leftovers(out: Path) -> list[Path]:
    """Folders beside ``out`` left by commits that did not finish."""
    prefixes = (f".{out.name}.staging-", f".{out.name}.old-")
    return sorted(p for p in out.parent.iterdir() if p.name.startswith(prefixes) and p.is_dir())


def _carry(old: Path, out: Path, owned: Collection[str]) -> None:
    """Move the entries of ``old`` that are not part of the output set into ``out`` (where not already there)."""
    for entry in sorted(old.iterdir()):
        name = entry.name
        if name in owned or name == NEW_MARK or name.startswith(".staging-") or (out / name).exists():
            continue
        os.rename(entry, out / name)


def recover(out: Path, owned: Collection[str]) -> None:
    """Finish or undo what an interrupted commit left (call with the lock held): a staged folder that was never
    switched in is removed; an old set is renamed back if ``out`` is missing, else its foreign entries are carried
    over and it is removed; staging folders of the earlier layout (``out/.staging-*``) are removed."""
    for left in _leftovers(out):
        if (left / NEW_MARK).exists():
            shutil.rmtree(left, ignore_errors=True)
        elif not out.exists():
            os.rename(left, out)
        else:
            _carry(left, out, owned)
            shutil.rmtree(left, ignore_errors=True)
    if out.is_dir():
        (out / NEW_MARK).unlink(missing_ok=True)
        for stale in out.glob(".staging-*"):
            shutil.rmtree(stale, ignore_errors=True)


def _folder_mode(out: Path) -> int:
    if out.is_dir():
        return out.stat().st_mode & 0o7777
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


def commit_outputs(out: str | Path, writers: Mapping[str, Writer], *, owned: Collection[str] = ()) -> list[Path]:
    """Write each ``writers`` entry (file or folder name -> function writing it) into a staging folder, then switch
    it in as ``out`` (see the module docstring); returns the paths written, in name order.

    ``owned``: every name the set may hold (default: the writers' names); an old file of the set that this run
    does not write (``roads_used.geojson`` of an earlier run on an OSM graph) goes with the old set.
    """
    out = check_output_folder(out).resolve()
    owned = set(owned) | set(writers)
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent / f".{out.name}.lock"):
        recover(out, owned)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
        old: Path | None = None  # where the old set is once the new one is in
        try:
            (staging / NEW_MARK).touch()
            os.chmod(staging, _folder_mode(out))
            _step("staged")
            for name, write in writers.items():
                write(staging / name)
                _step(f"wrote {name}")
            if not out.exists():
                os.rename(staging, out)
            elif _exchange(staging, out):
                old = staging
            else:
                aside = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
                os.rename(out, aside)  # replaces the empty folder
                try:
                    _step("moved aside")
                    os.rename(staging, out)
                except BaseException:
                    os.rename(aside, out)
                    raise
                old = aside
            _step("switched")
        except OSError as exc:
            raise InputError(f"--out {out}: cannot write the outputs ({exc.strerror or exc})") from exc
        finally:
            if (staging / NEW_MARK).exists():  # never switched in
                shutil.rmtree(staging, ignore_errors=True)
        (out / NEW_MARK).unlink(missing_ok=True)
        _step("unmarked")
        if old is not None:
            _carry(old, out, owned)
            _step("carried")
            shutil.rmtree(old, ignore_errors=True)
        _step("cleaned")
    return sorted(out / name for name in writers if (out / name).exists())
