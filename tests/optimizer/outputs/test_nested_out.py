"""Output folders nested inside each other, written at once: the command that starts second is refused before any
work (exit 2, one line); one after the other, nested folders are fine; runs on the same folder still take turns.

The other command is the test itself holding a claim (``commit.claimed``), or a second process holding one.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from optimizer.cli import main
from optimizer.errors import InputError
from optimizer.outputs.commit import claimed, commit_outputs

SWEEP = "name = 's'\n[solver]\niterations = 1\n[sweep]\n'fleet.0.count' = [6]\n"


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


@pytest.mark.parametrize(
    ("held", "argv", "where"),
    [
        ("A", ["plan", "--out", "A/B"], "A, which contains it"),
        ("A/B", ["plan", "--out", "A"], "A/B, which lies inside it"),
        ("A", ["sweep", "sweep.toml", "--out", "A/cases/x"], "A, which contains it"),
        ("A/cases/x", ["sweep", "sweep.toml", "--out", "A"], "A/cases/x, which lies inside it"),
        ("A", ["network", "export", "--out", "A/deep/net"], "A, which contains it"),
        ("A/B", ["region", "--out", "A", "--counties", "150625"], "A/B, which lies inside it"),
    ],
)
def test_an_out_nested_with_one_being_written_is_refused_before_any_work(
    tmp_path, monkeypatch, capsys, held, argv, where
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sweep.toml").write_text(SWEEP, encoding="utf-8")
    (tmp_path / held).mkdir(parents=True)
    (tmp_path / held / "routes.csv").write_text("old\n", encoding="utf-8")
    with claimed(tmp_path / held):  # another command writing there now
        assert main(argv) == 2
    line = _one_error_line(capsys)
    assert line.startswith("ruralpost: error: --out ")
    assert f"another ruralpost command is writing {tmp_path}/{where}" in line
    assert (tmp_path / held / "routes.csv").read_text(encoding="utf-8") == "old\n"
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if not p.name.startswith(".")}
    assert written <= {"sweep.toml", "A", "A/B", "A/cases", "A/cases/x", f"{held}/routes.csv"}  # nothing new


def test_nested_folders_one_after_the_other_and_the_same_folder_at_once_are_allowed(tmp_path):
    writer = {"f.txt": lambda path: path.write_text("x", encoding="utf-8")}
    commit_outputs(tmp_path / "A", writer)
    claim = tmp_path / ".A.claim"
    with claimed(tmp_path / "A"):
        with claimed(tmp_path / "A"):  # the same folder twice: allowed (they take turns at the switch)
            pass
        assert claim.exists()  # the first command still holds it: a command nested with A is still refused
        with pytest.raises(InputError, match="which contains it"), claimed(tmp_path / "A" / "B"):
            pass
    assert not claim.exists()  # the last command on A removed it
    with claimed(tmp_path / "A" / "B"):  # A's command has ended: its claim file is left, but no one holds it
        commit_outputs(tmp_path / "A" / "B", writer)
    commit_outputs(tmp_path / "A", writer)
    assert (tmp_path / "A" / "B" / "f.txt").read_text(encoding="utf-8") == "x"  # carried over to the new A


def test_a_second_process_writing_the_outer_folder_refuses_the_inner_one(tmp_path, capsys):
    # a real second process claims A and waits; this process then tries A/B
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from optimizer.outputs.commit import claimed
            with claimed({str(tmp_path / "A")!r}):
                print("claimed", flush=True)
                sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "claimed"
        assert main(["plan", "--out", str(tmp_path / "A" / "B")]) == 2
        assert f"writing {tmp_path / 'A'}, which contains it" in _one_error_line(capsys)
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0
