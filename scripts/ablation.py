"""What each retrieval technique contributes: refit without it, evaluate, compare with the full system.

Every variant is calibrated exactly like the shipped system (scripts/calibrate.py's training sets,
same grid and refusal fit), with one technique removed, then evaluated on dev.jsonl and our own
sets. Usage: .venv/bin/python scripts/ablation.py
"""

from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from calibrate import DEFAULT_SETS  # noqa: E402

from bot.answer import Composer  # noqa: E402
from bot.calibration import calibrate, collect  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.evaluation import Figures, evaluate, load_labelled  # noqa: E402
from bot.retrieval import Expander, Params, Retriever  # noqa: E402
from bot.service import Resources  # noqa: E402

EVAL_SETS = [ROOT.parent / "shared" / "eval" / "dev.jsonl", ROOT / "tests" / "data" / "questions.jsonl",
             ROOT / "tests" / "data" / "holdout.jsonl", ROOT / "tests" / "data" / "holdout2.jsonl"]
VARIANTS = [
    ("full system", frozenset(), {}),
    ("− dense vectors (USE-m3 + FAISS)", frozenset({"dense"}), {}),
    ("− colloquial/English expansion list", frozenset({"expansion"}), {"no_expansions": True}),
    ("− character-bigram channel", frozenset({"chars"}), {}),
    ("− pinyin-bigram channel", frozenset({"pinyin"}), {}),
    ("− out-of-scope cues (list, places, years)", frozenset({"cues"}), {}),
    ("− coverage and unknown-noun features", frozenset({"coverage", "unknown_nouns"}), {}),
    ("− number-gap feature", frozenset({"number_gap"}), {}),
    ("− number-aware sentence choice", frozenset(), {"number_bonus": 0.0}),
]


def cell(f: Figures) -> str:
    must = f"{f.must_ok}/{f.must_total}" if f.must_total else "–"
    return f"{f.recall_at_1:.3f} {f.oos_rejected:>2}/{f.oos:<2} {f.false_rejects:>2} {must:>5}"


def main() -> int:
    settings = Settings()
    resources = Resources.load(settings)
    index = resources.load_index(build_if_needed=True)
    train = [q for f in DEFAULT_SETS if f.exists() for q in load_labelled(f)]
    sets = [(p.stem, load_labelled(p)) for p in EVAL_SETS if p.exists()]
    composer = Composer(index.corpus, settings.max_related)
    empty = Path(tempfile.mkdtemp()) / "empty.tsv"
    empty.write_text("", encoding="utf-8")

    header = "".join(f" | {name:^24}" for name, _ in sets)
    print(f"{'variant':<42}{header}")
    print(f"{'':<42}" + " | R@1   oos✓  refused must" * len(sets))
    for label, without, options in VARIANTS:
        expander = Expander(empty) if options.get("no_expansions") else resources.expander
        retriever = Retriever(index, resources.encoder, resources.tp, expander, Params(), resources.cues)
        entry = calibrate(retriever, collect(retriever, train), without=without)
        params = Params.from_dict(entry, label)
        if "number_bonus" in options:
            params = replace(params, number_bonus=options["number_bonus"])
        retriever.params = params

        def answer(question: str, retriever: Retriever = retriever) -> tuple[bool, tuple[int, ...], str]:
            a = composer.compose(retriever.search(question, k=1 + settings.max_related))
            return a.found, tuple(c.point for c in a.citations), a.text

        row = "".join(f" | {cell(evaluate(qs, answer).overall):<24}" for _, qs in sets)
        print(f"{label:<42}{row}", flush=True)
    print("\ncolumns per set: R@1, out-of-scope refused / total, in-scope refused, must-facts")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
