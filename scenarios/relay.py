"""Plan scenarios/relay.toml: `python scenarios/relay.py [OPTIONS]`.

OPTIONS are those of `ruralpost plan` (the same parser): --out DIR, --time-limit SECONDS, --seed N, --iterations N,
--graph FILE.
"""

import sys
from pathlib import Path

from optimizer.cli import main

if __name__ == "__main__":
    sys.exit(main(["plan", "--scenario", str(Path(__file__).with_suffix(".toml")), *sys.argv[1:]]))
