"""Build the search index from corpus/ into index/ (same as `policybot build`).

Usage: .venv/bin/python scripts/build_index.py [--if-needed] [--quiet]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]]))
