"""Run the sweep scenarios/frequency.toml: `python scenarios/frequency.py [--out DIR] [--jobs N]`."""

import sys
from pathlib import Path

from optimizer.cli import main

if __name__ == "__main__":
    sys.exit(main(["sweep", str(Path(__file__).with_suffix(".toml")), *sys.argv[1:]]))
