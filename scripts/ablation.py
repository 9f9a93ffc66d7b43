"""What each technique contributes: refit without it, evaluate, compare with the full system.

Every variant is calibrated exactly like the shipped system (scripts/calibrate.py's training sets,
same grid, confidence fit and cost-based thresholds),
with one technique removed, then answered through the whole pipeline and evaluated on the shared
sets and our own. Usage: .venv/bin/python scripts/ablation.py
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

from bot.calibration import calibrate, collect  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.evaluation import Figures, evaluate, load_labelled  # noqa: E402
from bot.features import Params  # noqa: E402
from bot.retrieval import Expander, Retriever, Search  # noqa: E402
from bot.service import SEARCHED, PolicyService, Resources  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
EVAL_SETS = [SHARED / "dev.jsonl", SHARED / "everyday.jsonl", ROOT / "tests" / "data" / "holdout.jsonl",
             ROOT / "tests" / "data" / "holdout2.jsonl"]
BANK = frozenset({"bank_dense", "bank_words", "bank_chars", "bank_knn", "bank_vote"})
VARIANTS = [
    ("full system", frozenset(), {}),
    ("− question bank (channels and votes)", BANK, {}),
    ("− consensus features (votes, agreement)", frozenset({"bank_vote", "agree"}), {}),
    ("− dense vectors (USE-m3 + FAISS)", frozenset({"dense", "bank_dense"}), {}),
    ("− colloquial/English expansion list", frozenset({"expansion"}), {"no_expansions": True}),
    ("− character-bigram channels", frozenset({"chars", "bank_chars"}), {}),
    ("− pinyin-bigram channel", frozenset({"pinyin"}), {}),
    ("− out-of-scope cues (list, places, years)", frozenset({"cues"}), {}),
    ("− coverage and unknown-noun features", frozenset({"coverage", "unknown_nouns"}), {}),
    ("− number-gap feature", frozenset({"number_gap"}), {}),
    ("− number-aware sentence choice", frozenset(), {"number_bonus": 0.0}),
]


def cell(f: Figures) -> str:
    """R@1, answered / in scope, not_found, out-of-scope answered / out of scope."""
    return (f"{f.recall_at_1:.3f} {f.tiers['answered']:>3}/{f.in_scope:<3} {f.tiers['not_found']:>2} "
            f"{f.oos_tiers['answered']:>2}/{f.oos:<2}")


def main() -> int:
    settings = Settings()
    base = Resources.load(settings)
    index = base.load_index(build_if_needed=True)
    train = [q for f in DEFAULT_SETS if f.exists() for q in load_labelled(f)]
    sets = [(p.stem, load_labelled(p)) for p in EVAL_SETS if p.exists()]
    empty = Path(tempfile.mkdtemp()) / "empty.tsv"
    empty.write_text("", encoding="utf-8")

    print(f"{'variant':<42}" + "".join(f" | {name:^25}" for name, _ in sets))
    print(f"{'':<42}" + " | R@1   answered  nf  oos-ans" * len(sets))
    for label, without, options in VARIANTS:
        resources = replace(base, expander=Expander(empty)) if options.get("no_expansions") else base
        probe = PolicyService(resources, index, Params())
        retriever = Retriever(index, resources.retriever_config(Params()))

        def to_search(question: str, probe: PolicyService = probe) -> Search | None:
            intent = probe.understand(question)
            return probe.search(intent) if intent.kind in SEARCHED else None

        entry = calibrate(retriever, collect(retriever, train, to_search), without=without)
        params = Params.from_dict(entry, label)
        if "number_bonus" in options:
            params = replace(params, number_bonus=options["number_bonus"])
        service = PolicyService(resources, index, params)

        def answer(question: str, service: PolicyService = service) -> tuple[str, tuple[int, ...], str]:
            a = service.ask(question)
            return a.status, tuple(c.point for c in a.citations), a.text

        row = "".join(f" | {cell(evaluate(qs, answer).overall):<25}" for _, qs in sets)
        print(f"{label:<42}{row}", flush=True)
    print("\ncolumns per set: R@1, answered / in scope, in-scope not_found, out-of-scope answered / out of scope")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
