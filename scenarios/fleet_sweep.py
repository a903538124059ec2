"""Run the sweep scenarios/fleet_sweep.toml: `python scenarios/fleet_sweep.py [OPTIONS]`.

OPTIONS are those of `ruralpost sweep` (the same parser): --out DIR, --jobs N, --time-limit SECONDS, --seed N,
--iterations N.
"""

import sys
from pathlib import Path

from optimizer.cli import main

if __name__ == "__main__":
    sys.exit(main(["sweep", str(Path(__file__).with_suffix(".toml")), *sys.argv[1:]]))
