"""Plan scenarios/relay.toml: `python scenarios/relay.py [options of 'ruralpost plan', e.g. --out DIR]`."""

import sys
from pathlib import Path

from optimizer.cli import main

if __name__ == "__main__":
    sys.exit(main(["plan", "--scenario", str(Path(__file__).with_suffix(".toml")), *sys.argv[1:]]))
