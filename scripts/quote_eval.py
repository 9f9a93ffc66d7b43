"""Does the answer quote the sentence that answers the question? Prints, per labelled set, the share
of right answers (top citation = the labelled point) whose quoted sentences include a sentence a
reader marked as the answer (tests/data/quotes.jsonl: 731 questions of the other sets, each with its
point's answering sentence(s), labelled by a helper from the question and the point's sentences).

Usage: .venv/bin/python scripts/quote_eval.py [quotes.jsonl]
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Settings  # noqa: E402
from bot.evaluation import load_quotes, quote_hits, quoted_by  # noqa: E402
from bot.service import PolicyService  # noqa: E402

TRAINING = {"dev", "everyday", "questions", "train_extra", "train_people"}  # calibration sets


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "quotes.jsonl"
    service = PolicyService.from_settings(Settings(), progress=True)

    hits = quote_hits(load_quotes(path), quoted_by(service.ask))
    for name, (hit, total) in sorted(hits.items()):
        print(f"{name:14} quoted the answering sentence {hit}/{total} ({hit / total:.3f})")
    for group, names in (("calibration sets", TRAINING), ("the others", set(hits) - TRAINING)):
        hit, total = (sum(hits[n][i] for n in names if n in hits) for i in (0, 1))
        print(f"{group}: {hit}/{total} ({hit / total:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
