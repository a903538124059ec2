"""The output commit: a reader of ``out`` sees the whole old set or the whole new set, whatever step fails or is
killed; runs writing one folder take turns; what interrupted commits leave is cleaned up."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.errors import InputError

# optimizer.outputs is imported inside the tests: importing it at collection would import ``optimizer.check``,
# which rebinds ``optimizer.check`` from the function to the module for test modules collected later.

NEW_MARK = ".ruralpost-new"
NAMES = ("plan.json", "routes.csv", "sheets", "summary.md")
STEPS = ["staged", *(f"wrote {n}" for n in NAMES), "moved aside", "switched", "unmarked", "carried", "cleaned"]
CASES = [(s, e) for e in ("exchange", "rename-aside") for s in STEPS if e == "rename-aside" or s != "moved aside"]


def _writers(tag: str) -> dict:
    def write(path: Path) -> None:
        if path.name == "sheets":
            path.mkdir()
            (path / "day1.md").write_text(tag, encoding="utf-8")
        else:
            path.write_text(tag, encoding="utf-8")

    return dict.fromkeys(NAMES, write)


def _set_of(out: Path) -> str:
    """The tag every file of the set carries (fails if the set is torn or incomplete)."""
    tags = {
        (out / n / "day1.md" if n == "sheets" else out / n).read_text(encoding="utf-8") for n in NAMES
    }  # fmt: skip
    assert len(tags) == 1, f"torn output set: {tags}"
    return tags.pop()


def commit_outputs(*args, **kwargs):
    from optimizer.outputs.commit import commit_outputs

    return commit_outputs(*args, **kwargs)


@pytest.fixture
def commit():
    from optimizer.outputs import commit

    return commit


@pytest.fixture
def old_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    commit_outputs(out, _writers("old"))
    (out / "relay").mkdir()  # another run's folder inside out
    (out / "relay" / "routes.csv").write_text("relay", encoding="utf-8")
    return out


def _clean(out: Path) -> None:
    left = [p.name for p in out.parent.iterdir() if ".staging-" in p.name or ".old-" in p.name]
    left += [p.name for p in out.iterdir() if p.name.startswith(".staging-") or p.name == NEW_MARK]
    assert left == []
    assert (out / "relay" / "routes.csv").read_text(encoding="utf-8") == "relay"


@pytest.mark.parametrize(("step", "exchange"), CASES)
def test_a_fault_at_any_step_leaves_the_old_or_the_new_set(old_out, monkeypatch, commit, step, exchange):
    if exchange == "rename-aside":
        monkeypatch.setattr(commit, "_exchange", lambda a, b: False)

    def fail(name: str) -> None:
        if name == step:
            raise RuntimeError(f"fault at {name}")

    monkeypatch.setattr(commit, "step_hook", fail)
    with pytest.raises(RuntimeError):
        commit_outputs(old_out, _writers("new"))
    switched = STEPS.index(step) >= STEPS.index("switched")
    assert _set_of(old_out) == ("new" if switched else "old")
    monkeypatch.setattr(commit, "step_hook", None)
    commit_outputs(old_out, _writers("next"))
    assert _set_of(old_out) == "next"
    _clean(old_out)


_KILLED = """
import os, signal, sys
from pathlib import Path
from optimizer.outputs import commit
from tests.optimizer.outputs.test_commit import _writers
if sys.argv[3] == "rename-aside":
    commit._exchange = lambda a, b: False
commit.step_hook = lambda name: os.kill(os.getpid(), signal.SIGKILL) if name == sys.argv[2] else None
commit.commit_outputs(Path(sys.argv[1]), _writers("new"))
"""


@pytest.mark.parametrize(("step", "exchange"), CASES)
def test_a_kill_at_any_step_leaves_the_old_or_the_new_set(old_out, step, exchange):
    repo = Path(__file__).resolve().parents[3]
    proc = subprocess.run([sys.executable, "-c", _KILLED, str(old_out), step, exchange], cwd=repo)
    assert proc.returncode == -signal.SIGKILL
    if old_out.exists():
        assert _set_of(old_out) in ("old", "new")
    else:  # rename-aside killed between its two renames: the old set waits beside, the next run puts it back
        assert exchange == "rename-aside" and step == "moved aside"
    commit_outputs(old_out, _writers("next"))
    assert _set_of(old_out) == "next"
    _clean(old_out)


def _commit_many(out: str, tag: str) -> None:
    for i in range(5):
        commit_outputs(out, _writers(f"{tag}{i}"))


def test_two_runs_writing_one_folder_take_turns(tmp_path):
    out = tmp_path / "out"
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_commit_many, args=(str(out), tag)) for tag in "ab"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert _set_of(out) in ("a4", "b4")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_stale_staging_folders_are_removed(old_out):
    (old_out / ".staging-abc").mkdir()  # the earlier layout's leftovers
    (old_out / ".staging-abc" / "plan.json").write_text("half", encoding="utf-8")
    stale = old_out.parent / ".out.staging-xyz"
    stale.mkdir()
    (stale / NEW_MARK).touch()
    commit_outputs(old_out, _writers("new"))
    assert _set_of(old_out) == "new"
    _clean(old_out)


def test_a_set_file_this_run_does_not_write_goes_with_the_old_set(old_out):
    (old_out / "roads_used.geojson").write_text("old", encoding="utf-8")
    commit_outputs(old_out, _writers("new"), owned=("roads_used.geojson",))
    assert not (old_out / "roads_used.geojson").exists()


@pytest.mark.parametrize("where", ["file", "under-file", "cwd"])
def test_unusable_folders_are_refused_before_writing(tmp_path, monkeypatch, where):
    target = tmp_path / "f"
    target.write_text("x", encoding="utf-8")
    out = {"file": target, "under-file": target / "out", "cwd": tmp_path}[where]
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="--out"):
        commit_outputs(out, _writers("new"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_place_is_refused(tmp_path):
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(InputError, match="permission denied"):
            commit_outputs(locked / "out", _writers("new"))
    finally:
        locked.chmod(0o700)
