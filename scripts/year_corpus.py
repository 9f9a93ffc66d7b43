"""Write the four-plan library the year set (tests/data/years/eval.jsonl) is labelled on.

The 2021 plan is the real one (corpus/, with its question bank). The 2020, 2022 and 2023 plans are
fictional, written for tests (tests/data/years/*.json), and each arrives the way plans really do:
2020 as a web page, 2022 as a PDF (hard wraps, running headers, page footers, （一） sub-headings),
2023 as a Word file.

Usage: .venv/bin/python scripts/year_corpus.py --out /tmp/years/corpus
       POLICYBOT_CORPUS_DIR=/tmp/years/corpus POLICYBOT_INDEX_DIR=/tmp/years/index \\
           .venv/bin/policybot eval tests/data/years/eval.jsonl
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.plan_files import write_library  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write the plans into")
    args = parser.parse_args()
    for path in write_library(args.out):
        print(path)


if __name__ == "__main__":
    main()
