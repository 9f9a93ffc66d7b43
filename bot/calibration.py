"""Fit the fusion weights, the confidence model and its two thresholds on labelled questions
(used by scripts/calibrate.py). Method, recorded here and in the README:

1. Every labelled question goes through the real pipeline's first stages (understand → the search
   request → per-point channel scores). Small talk and look-ups (第8条, 哪几条提到X) are not searched
   and are left out.
2. Fusion weights: grid search (words fixed at 1.0, the others over a small grid) maximising R@1,
   then MRR; the smallest weights win ties so an unneeded channel stays off.
3. Confidence: an L2-regularised logistic regression on the top point's features (bot/features.py),
   target "the top point is right" (in scope and an acceptable point), classes weighted to equal
   total weight, each weight's sign fixed in advance (FEATURE_SIGNS).
4. Two thresholds cut the confidence into answered / related / not_found. They are cut on
   out-of-fold confidences (each question scored by a model fitted on the other four fifths), which
   look like those of questions the model has not seen: fitted in-sample, no answerable training
   question fell below 0.17, so the related cut sat there, while on the held-out sets 4 of 386
   did and were refused. They minimise the total cost below over every pair of cuts; among equally
   good pairs the one with the widest margins wins:

   ============================  ========  =========================  =========
   question                      answered  related                    not_found
   ============================  ========  =========================  =========
   in scope, top point right     0         1 (shown, not asserted)    5
   in scope, top point wrong     6         1 (2 if gold not shown)    5
   out of scope                  6         0.5                        0
   ============================  ========  =========================  =========

   A confident answer to an out-of-scope question, or a confident wrong point, costs most; a refusal
   of an answerable question costs nearly as much; the related tier is the cheap middle. A right
   point shown only as related costs 1, not 0.5: the reader has to judge a clause the bot could have
   vouched for. Measured on the blind sets (never fitted): 0.5 → 1 answered 114 → 122 of 135 and
   109 → 120 of 136 in-scope questions, with out-of-scope answered unchanged at 1/31 and 1 → 2 of 30.
   Out-of-scope questions are weighted to OOS_SHARE of the total (tier_costs), as in real traffic.
5. The same fit without the question-bank features gives the plan-only model, for the points of a
   plan that has no bank yet.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
from scipy.optimize import minimize

from bot.evaluation import LabelledQuestion
from bot.features import FEATURE_SIGNS, FEATURES
from bot.retrieval import Query, Retriever, Search, fuse

WEIGHT_GRID = {
    "dense": (0.0, 0.25, 0.5, 1.0),
    "expansion": (0.0, 0.5, 1.0),
    "chars": (0.0, 0.5, 1.0),
    "pinyin": (0.0, 0.5, 1.0),
    "bank_dense": (0.0, 0.5, 1.0, 1.5),
    "bank_words": (0.0, 0.5, 1.0),
    "bank_chars": (0.0, 0.5, 1.0),
    "bank_knn": (0.0, 0.25, 0.5, 1.0),
}
L2 = 0.01
SHOWN_RELATED = 3
FOLDS = 5
# Share of out-of-scope questions in real traffic the thresholds are chosen for. The bureau's chat
# logs are not ours to read; a quarter is the share in the realistic sets we were given (20 of 64 in
# everyday.jsonl are small talk or out of scope) and what a public Q&A bot typically sees.
OOS_SHARE = 0.25
# (answered, related with gold shown, related without, not_found) per question class.
COSTS = {"right": (0.0, 1.0, 1.0, 5.0), "wrong": (6.0, 1.0, 2.0, 5.0), "oos": (6.0, 0.5, 0.5, 0.0)}


@dataclass
class Sample:
    question: LabelledQuestion
    query: Query
    units: dict[str, np.ndarray]
    points: dict[str, np.ndarray]


def collect(
    retriever: Retriever, questions: Sequence[LabelledQuestion], to_search: Callable[[str], Search | None]
) -> list[Sample]:
    """Channel scores for every question that the pipeline would search (``to_search`` → None skips)."""
    samples = []
    for q in questions:
        request = to_search(q.q)
        if request is None:
            continue
        query, units = retriever.score_units(request)
        if units is not None:
            samples.append(Sample(q, query, units, retriever.point_channels(units)))
    return samples


def _ranks(samples: Sequence[Sample], weights: dict[str, float], numbers: np.ndarray) -> list[int | None]:
    ranks: list[int | None] = []
    for s in samples:
        if not s.question.in_scope:
            ranks.append(None)
            continue
        order = numbers[np.argsort(-fuse(s.points, weights), kind="stable")]
        hit = [int(np.where(order == g)[0][0]) + 1 for g in s.question.gold if g in order]
        ranks.append(min(hit) if hit else 10**6)
    return ranks


def ranking_metrics(ranks: Sequence[int | None]) -> tuple[float, float, float]:
    """R@1, R@3 and MRR over the in-scope samples' gold ranks."""
    scored = np.array([r for r in ranks if r is not None], dtype=float)
    if not len(scored):
        return 0.0, 0.0, 0.0
    return float((scored == 1).mean()), float((scored <= 3).mean()), float((1.0 / scored).mean())


def search_weights(
    samples: Sequence[Sample], point_numbers: Sequence[int], without: frozenset[str] = frozenset()
) -> tuple[dict[str, float], tuple[float, float, float]]:
    """Best weights on the grid; channels in ``without`` are held at 0. Vectorised: the per-point
    channel scores of all samples form one array, and each grid row is one matrix product."""
    in_scope = [s for s in samples if s.question.in_scope]
    names = list(WEIGHT_GRID)
    grid = [(0.0,) if n in without else WEIGHT_GRID[n] for n in names]
    combos = np.array(list(itertools.product(*grid)), dtype=np.float32)
    base = np.stack([s.points["words"] for s in in_scope])  # words fixed at 1.0
    stacked = np.stack([np.stack([s.points[n] for s in in_scope]) for n in names], axis=-1)  # (s, p, c)
    numbers = np.asarray(point_numbers)
    gold = np.zeros((len(in_scope), len(numbers)), dtype=bool)
    for i, s in enumerate(in_scope):
        gold[i] = np.isin(numbers, s.question.gold)
    best_key, best = None, None
    for start in range(0, len(combos), 256):
        chunk = combos[start : start + 256]
        fused = base[None] + np.einsum("spc,wc->wsp", stacked, chunk)  # (w, s, p)
        gold_score = np.where(gold[None], fused, -np.inf).max(axis=2)
        rank = (fused > gold_score[..., None]).sum(axis=2) + 1  # ties count in the gold's favour
        r1, r3, mrr = (rank == 1).mean(axis=1), (rank <= 3).mean(axis=1), (1.0 / rank).mean(axis=1)
        for j in range(len(chunk)):
            key = (round(float(r1[j]), 6), round(float(mrr[j]), 6), -float(chunk[j].sum()))
            if best_key is None or key > best_key:
                best_key, best = key, (chunk[j], (float(r1[j]), float(r3[j]), float(mrr[j])))
    assert best is not None
    weights = {"words": 1.0, **{n: float(v) for n, v in zip(names, best[0], strict=False)}}
    return weights, best[1]


def _top_rows(
    retriever: Retriever, samples: Sequence[Sample], features: Sequence[str]
) -> tuple[np.ndarray, list[int | None]]:
    """Feature rows of each sample's top point and the rank of its gold point (None: out of scope)."""
    rows, ranks = [], []
    numbers = np.asarray([n for _, n in retriever.point_keys])
    for s in samples:
        retrieval = retriever.rank(s.query, retriever.scores(s.units), SHOWN_RELATED)
        rows.append([retrieval.hits[0].features[name] for name in features])
        ranks.append(_ranks([s], retriever.params.weights, numbers)[0])
    return np.asarray(rows, dtype=np.float64), ranks


def fit_logistic(
    x: np.ndarray, y: np.ndarray, l2: float = L2, signs: Sequence[int] | None = None
) -> tuple[np.ndarray, float]:
    """Balanced, L2-regularised logistic regression; returns (coef, intercept) on the raw features.

    ``signs`` (+1 / -1 / 0 per feature) constrains each weight to be ≥ 0, ≤ 0 or free.
    """
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    pos = max(y.sum(), 1.0)
    neg = max(len(y) - y.sum(), 1.0)
    sample_weight = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w + b, -50, 50)))
        eps = 1e-12
        ll = -(sample_weight * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))).sum() / len(y)
        grad_logits = sample_weight * (p - y) / len(y)
        grad = np.concatenate([z.T @ grad_logits + 2 * l2 * w, [grad_logits.sum()]])
        return ll + l2 * float(w @ w), grad

    signs = list(signs) if signs is not None else [0] * x.shape[1]
    bounds = [(0.0, None) if sg > 0 else (None, 0.0) if sg < 0 else (None, None) for sg in signs]
    result = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=[*bounds, (None, None)])
    w, b = result.x[:-1], result.x[-1]
    return w / std, float(b - (w * mean / std).sum())


def out_of_fold(x: np.ndarray, y: np.ndarray, signs: Sequence[int], l2: float, folds: int = FOLDS) -> np.ndarray:
    """Each sample's confidence from a model fitted without it (``folds``-fold, a fixed shuffle):
    the thresholds are cut on confidences like those of questions the model has not seen."""
    order = np.random.default_rng(0).permutation(len(y))
    prob = np.empty(len(y))
    for k in range(folds):
        held = order[k::folds]
        kept = np.setdiff1d(order, held)
        coef, intercept = fit_logistic(x[kept], y[kept], l2=l2, signs=signs)
        prob[held] = 1.0 / (1.0 + np.exp(-(x[held] @ coef + intercept)))
    return prob


def tier_costs(ranks: Sequence[int | None], oos_share: float = OOS_SHARE) -> np.ndarray:
    """Per sample, the cost of answered / related / not_found. Out-of-scope samples are weighted so
    that they make up ``oos_share`` of the total, as in real traffic: the labelled sets over-sample
    them on purpose (to learn what they look like), which would otherwise push every cut upwards."""
    n_oos = sum(1 for r in ranks if r is None)
    n_in = len(ranks) - n_oos
    weight = (oos_share / (1 - oos_share)) / (n_oos / n_in) if n_oos and n_in else 1.0
    rows = []
    for rank in ranks:
        cls = "oos" if rank is None else "right" if rank == 1 else "wrong"
        answered, shown, hidden, refused = COSTS[cls]
        row = (answered, shown if rank is not None and rank <= SHOWN_RELATED else hidden, refused)
        rows.append(tuple(c * weight for c in row) if rank is None else row)
    return np.asarray(rows)


def choose_thresholds(prob: np.ndarray, costs: np.ndarray) -> tuple[float, float, dict[str, float]]:
    """The (related, answer) cuts with the lowest total cost; ties go to the widest margins.

    Every pair of cuts between distinct confidences is priced at once from prefix sums of each tier's
    cost over the questions in confidence order (a loop over pairs took hours at 5,000 questions)."""
    values = np.concatenate([[0.0], np.sort(np.unique(prob)), [1.0]])
    mids, gaps = (values[:-1] + values[1:]) / 2, np.diff(values)
    # below[i, t]: the total cost of tier t over the questions under cut i
    order = np.argsort(prob, kind="stable")
    cum = np.vstack([np.zeros((1, 3)), np.cumsum(costs[order], axis=0)])
    below = cum[np.searchsorted(prob[order], mids, side="left")]
    total = cum[-1]
    # cost(rel=i, ans=j), i <= j: not_found under i, related between, answered from j
    cost = below[:, None, 2] + (below[None, :, 1] - below[:, None, 1]) + (total[0] - below[None, :, 0])
    margin = np.minimum(gaps[:, None], gaps[None, :])
    valid = np.triu(np.ones_like(cost, dtype=bool))
    score = np.where(valid, np.round(cost, 9), np.inf)
    best = np.flatnonzero(score == score.min())
    pick = best[np.argmax(margin.ravel()[best])]
    i, j = np.unravel_index(pick, cost.shape)
    return (
        float(mids[i]),
        float(mids[j]),
        {"cost": round(float(cost[i, j]), 2), "margin": round(float(margin[i, j]), 4)},
    )


# What a plan without a question bank lacks: its points score 0 on these, so the plan-only model
# (bot/features.py, Params.plan_only) is fitted without them.
BANK_ONLY = frozenset({"bank_dense", "bank_words", "bank_chars", "bank_knn", "bank_vote", "agree"})


def fit_confidence(
    retriever: Retriever, samples: Sequence[Sample], weights: dict[str, float], features: tuple[str, ...], l2: float
) -> tuple[dict[str, object], dict[str, object]]:
    """The confidence model and its two thresholds for ``features``, with ranking ``weights``;
    returns (the calibration.json entry, fit statistics)."""
    base = retriever.params
    retriever.params = replace(base, weights=weights)
    try:
        x, ranks = _top_rows(retriever, samples, features)
    finally:
        retriever.params = base
    y = np.array([1.0 if r == 1 else 0.0 for r in ranks])
    signs = [FEATURE_SIGNS[f] for f in features]
    coef, intercept = fit_logistic(x, y, l2=l2, signs=signs)
    prob = 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))
    related, answer, fit = choose_thresholds(out_of_fold(x, y, signs, l2), tier_costs(ranks))
    tier = np.where(prob >= answer, "answered", np.where(prob >= related, "related", "not_found"))
    in_scope = np.array([r is not None for r in ranks])
    model = {
        "features": list(features),
        "coef": [round(float(c), 6) for c in coef],
        "intercept": round(intercept, 6),
        "answer_threshold": round(answer, 6),
        "related_threshold": round(related, 6),
    }
    stats = {
        "in_scope_tiers": {t: int(((tier == t) & in_scope).sum()) for t in ("answered", "related", "not_found")},
        "oos_tiers": {t: int(((tier == t) & ~in_scope).sum()) for t in ("answered", "related", "not_found")},
        "confident_wrong": int(((tier == "answered") & in_scope & (y == 0)).sum()),
        **fit,
    }
    return model, stats


def calibrate(
    retriever: Retriever,
    samples: Sequence[Sample],
    use_dense: bool = True,
    without: frozenset[str] = frozenset(),
    l2: float = L2,
    weights: dict[str, float] | None = None,
) -> dict[str, object]:
    """Fit weights, the confidence models and their thresholds; return the calibration.json entry.

    ``without`` names channels and features to leave out (scripts/ablation.py). ``weights`` keeps
    the given fusion weights and refits only the confidence models: the grid search picks among
    thousands of combinations by in-sample R@1, and a few questions can swing it to weights that do
    worse on held-out sets (bank additions of 2026-12-02: bank_dense 0.5 → 0, blind6 answered
    141 → 129 of 160).
    """
    without = without | ({"dense", "bank_dense"} if not use_dense else frozenset())
    point_numbers = [number for _, number in retriever.point_keys]
    if weights is None:
        weights, metrics = search_weights(samples, point_numbers, without)
    else:
        metrics = ranking_metrics(_ranks(samples, weights, np.asarray(point_numbers)))
    features = tuple(f for f in FEATURES if f not in without)
    model, stats = fit_confidence(retriever, samples, weights, features, l2)
    plan_weights = {name: (0.0 if name in BANK_ONLY else w) for name, w in weights.items()}
    plan_features = tuple(f for f in features if f not in BANK_ONLY)
    plan_only, plan_stats = fit_confidence(retriever, samples, plan_weights, plan_features, l2)
    in_scope = sum(1 for s in samples if s.question.in_scope)
    return {
        "weights": weights,
        "confidence": model,
        "plan_only": plan_only,
        "number_bonus": retriever.params.number_bonus,
        "fit": {
            "fitted_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "questions": len(samples),
            "in_scope": in_scope,
            "out_of_scope": len(samples) - in_scope,
            "ranking_r1_r3_mrr": [round(m, 4) for m in metrics],
            **stats,
            "plan_only": plan_stats,
        },
    }
