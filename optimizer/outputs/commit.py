"""The one way outputs reach their folder: every file of a run is written into a staging folder beside the
outputs, then moved into place, so a run that fails leaves the earlier outputs as they were."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

Writer = Callable[[Path], None]  # writes one file (or folder) at the path it is given


def commit_outputs(out: str | Path, writers: Mapping[str, Writer]) -> list[Path]:
    """Write each ``writers`` entry (file or folder name -> function writing it) into a staging folder, then move
    the results into ``out``; returns the paths written, in name order."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    try:
        for name, write in writers.items():
            write(staging / name)
        written = []
        for path in sorted(staging.iterdir()):
            target = out / path.name
            if path.is_dir():
                if target.exists():
                    shutil.rmtree(target)
                path.rename(target)
            else:
                os.replace(path, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
