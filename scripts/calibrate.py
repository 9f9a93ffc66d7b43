"""Fit fusion weights, the confidence model and its two thresholds; writes bot/data/calibration.json.

Usage: .venv/bin/python scripts/calibrate.py [LABELLED.jsonl ...]
Default sets: ../shared/eval/dev.jsonl and ../shared/eval/everyday.jsonl (when present),
tests/data/questions.jsonl, tests/data/train_extra.jsonl, tests/data/train_people.jsonl,
tests/data/people4.jsonl, people5, people7, people8, people9 and people10 (everyday questions and near-domain
out-of-scope ones in the same voice; each was run once, unfitted, before it was fitted: docs/people*-first-run.txt).
The shipped fit (2026-12-02, fifth session) kept the fusion weights (--keep-weights). tests/data/holdout*.jsonl and
tests/data/blind.jsonl are never used here; they measure how the fit generalises.
Method: bot/calibration.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.calibration import calibrate, collect  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.evaluation import load_labelled  # noqa: E402
from bot.features import Params  # noqa: E402
from bot.retrieval import Retriever, Search  # noqa: E402
from bot.service import SEARCHED, PolicyService, Resources  # noqa: E402
from bot.text import data_path  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
DEFAULT_SETS = [SHARED / "dev.jsonl", SHARED / "everyday.jsonl", ROOT / "tests" / "data" / "questions.jsonl",
                ROOT / "tests" / "data" / "train_extra.jsonl", ROOT / "tests" / "data" / "train_people.jsonl",
                ROOT / "tests" / "data" / "people4.jsonl", ROOT / "tests" / "data" / "people5.jsonl",
                *(ROOT / "tests" / "data" / f"people{n}.jsonl" for n in (7, 8, 9, 10))]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument(
        "--keep-weights", action="store_true", help="keep the current fusion weights; refit only the confidence models"
    )
    args = parser.parse_args()
    files = args.files or [f for f in DEFAULT_SETS if f.exists()]
    questions = [q for f in files for q in load_labelled(f)]

    settings = Settings()
    resources = Resources.load(settings)
    service = PolicyService(resources, resources.load_index(build_if_needed=True, progress=True))
    retriever = Retriever(service.index, resources.retriever_config(Params()))

    def to_search(question: str) -> Search | None:
        intent = service.understand(question)
        return service.search(intent) if intent.kind in SEARCHED else None

    samples = collect(retriever, questions, to_search)
    path = data_path("calibration.json")
    existing = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    models = existing.get("models", {})
    kept = args.keep_weights and settings.embedding_model in models and "keyword_only" in existing
    if args.keep_weights and not kept:
        print("calibrate: no earlier fit to keep the weights of; fitting them", file=sys.stderr)
    models[settings.embedding_model] = calibrate(
        retriever, samples, use_dense=True, weights=models[settings.embedding_model]["weights"] if kept else None
    )
    output = {
        "method": "scripts/calibrate.py — see bot/calibration.py docstring",
        "trained_on": [str(f.relative_to(ROOT.parent)) if f.is_relative_to(ROOT.parent) else str(f) for f in files],
        "models": models,
        "keyword_only": calibrate(
            retriever, samples, use_dense=False, weights=existing["keyword_only"]["weights"] if kept else None
        ),
    }
    path.write_text(json.dumps(output, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for name, entry in [(settings.embedding_model, models[settings.embedding_model]), ("keyword_only", output["keyword_only"])]:
        print(f"{name}: weights={entry['weights']}\n  fit={json.dumps(entry['fit'], ensure_ascii=False)}")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
