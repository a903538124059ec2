"""Ctrl-C during a sweep or a region run: the workers stop at once, none is left behind, one line "interrupted"
(exit 130), no traceback, the earlier outputs as they were. A real ``ruralpost sweep`` / ``region`` process,
interrupted once it says its workers have started (no sleep tuned to the machine's speed: the tasks would run for
minutes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

# two cases that would each search for up to 10 minutes
SWEEP = "name = 'long'\n[solver]\ntime_limit = 600\niterations = 100000\n[sweep]\n'fleet.0.count' = [6, 7]\n"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(c) for c in text.split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


COMMANDS = {
    "sweep": (["sweep", "long.toml", "--out", "out", "--jobs", "2"], ["sweep.csv", "sweep.md", "cases/c/routes.csv"]),
    "region": (
        ["region", "--out", "out", "--counties", "150625,150622", "--jobs", "2", "--iterations", "100000",
         "--time-limit", "600"],
        ["region.csv", "region.md", "counties/150625/routes.csv"],
    ),
}  # fmt: skip


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").is_file(), reason="reads child processes from /proc"
)
@pytest.mark.parametrize("to", ["group", "parent"])  # a terminal's Ctrl-C reaches the whole group; kill -INT one
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_ctrl_c_stops_the_workers(tmp_path, command, to):
    (tmp_path / "long.toml").write_text(SWEEP, encoding="utf-8")
    argv, files = COMMANDS[command]
    out = tmp_path / "out"
    earlier = {name: f"earlier {name}\n" for name in files}
    for name, text in earlier.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text(text, encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "optimizer.cli", *argv],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "worker processes started" in line:
                break
        assert seen and "worker processes started" in seen[-1], seen
        workers = _children(proc.pid)
        assert len(workers) >= 2
        if to == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=120)  # a guard against a hang, not a measure of speed
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert stderr.strip().splitlines() == ["ruralpost: interrupted; earlier outputs are unchanged"]
    assert not [pid for pid in workers if _alive(pid)]  # every worker ended and reaped
    for name, text in earlier.items():
        assert (out / name).read_text(encoding="utf-8") == text
