"""Fit the fusion weights and the refusal model on labelled questions (used by scripts/calibrate.py).

Method, recorded here and in the README:

1. Every labelled question is run once through the retriever to get per-point channel scores.
2. Fusion weights: grid search (words fixed at 1.0, the others over a small grid) maximising R@1,
   then MRR; the smallest weights win ties so an unneeded channel stays off.
3. Refusal: for each question, the top point's features (fused score, dense / word / expansion
   channels, query coverage, out-of-scope cues, number gap) feed an L2-regularised logistic
   regression, in-scope vs. out-of-scope, with classes weighted to equal total weight and each
   weight's sign fixed in advance (see FEATURE_SIGNS).
4. Threshold: the probability cut that minimises 2 × (out-of-scope answered) + 1 × (in-scope
   refused) — answering an off-topic question with a random clause is worse than refusing — placed
   in the middle of the widest gap between neighbouring probabilities among the best cuts, so it
   keeps a margin on unseen questions.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone

import numpy as np
from scipy.optimize import minimize

from bot.evaluation import LabelledQuestion
from bot.retrieval import Query, Retriever, fuse

# Refusal features and the sign each weight must have: more match evidence can only raise the
# probability of "in scope", an out-of-scope cue or a missing number can only lower it. The signs
# keep the fit sensible on questions unlike the training set (an unconstrained fit learned, for
# example, that a question with no evidence at all is in scope when no cue word is present).
FEATURE_SIGNS = {"fused": 1, "dense": 1, "words": 1, "expansion": 1, "coverage": 1, "cues": -1, "number_gap": -1,
                 "unknown_nouns": -1}
FEATURES = tuple(FEATURE_SIGNS)
WEIGHT_GRID = {
    "dense": (0.0, 0.25, 0.5, 0.75, 1.0),
    "expansion": (0.0, 0.25, 0.5, 0.75, 1.0),
    "chars": (0.0, 0.5, 1.0),
    "pinyin": (0.0, 0.25, 0.5, 1.0),
}
OOS_COST = 2.0
L2 = 0.01


@dataclass
class Sample:
    question: LabelledQuestion
    query: Query
    units: dict[str, np.ndarray]
    points: dict[str, np.ndarray]


def collect(retriever: Retriever, questions: Sequence[LabelledQuestion]) -> list[Sample]:
    samples = []
    for q in questions:
        query = retriever.analyze(q.q)
        units = retriever.unit_channels(query)
        samples.append(Sample(q, query, units, retriever.point_channels(units)))
    return samples


def rank_metrics(samples: Sequence[Sample], weights: dict[str, float], point_numbers: Sequence[int]) -> tuple[float, float, float]:
    """(R@1, R@3, MRR) of the fused ranking over the in-scope samples (refusal ignored)."""
    r1 = r3 = rr = 0.0
    n = 0
    numbers = np.asarray(point_numbers)
    for s in samples:
        if not s.question.in_scope:
            continue
        order = numbers[np.argsort(-fuse(s.points, weights), kind="stable")]
        ranks = [int(np.where(order == g)[0][0]) + 1 for g in s.question.gold if g in order]
        rank = min(ranks) if ranks else 10**6
        n += 1
        r1 += rank == 1
        r3 += rank <= 3
        rr += 1.0 / rank
    return (r1 / n, r3 / n, rr / n) if n else (0.0, 0.0, 0.0)


def search_weights(samples: Sequence[Sample], point_numbers: Sequence[int],
                   without: frozenset[str] = frozenset()) -> tuple[dict[str, float], tuple[float, float, float]]:
    """Best weights on the grid; channels in ``without`` are held at 0."""
    grid = {name: ((0.0,) if name in without else values) for name, values in WEIGHT_GRID.items()}
    best: tuple[tuple[float, float], float, dict[str, float], tuple[float, float, float]] | None = None
    for values in itertools.product(*grid.values()):
        weights = {"words": 1.0, **dict(zip(grid.keys(), values))}
        metrics = rank_metrics(samples, weights, point_numbers)
        key = (metrics[0], metrics[2])
        total = sum(values)
        if best is None or key > best[0] or (key == best[0] and total < best[1]):
            best = (key, total, weights, metrics)
    assert best is not None
    return best[2], best[3]


def feature_matrix(retriever: Retriever, samples: Sequence[Sample], features: Sequence[str]) -> np.ndarray:
    rows = []
    for s in samples:
        fused = fuse(s.points, retriever.params.weights)
        top = int(np.argmax(fused))
        hit = retriever.make_hit(top, fused, s.points, s.units, s.query)
        rows.append([retriever.feature(name, hit, s.query) for name in features])
    return np.asarray(rows, dtype=np.float64)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2,
                 signs: Sequence[int] | None = None) -> tuple[np.ndarray, float]:
    """Balanced, L2-regularised logistic regression; returns (coef, intercept) on the raw features.

    ``signs`` (+1 / -1 / 0 per feature) constrains each weight to be ≥ 0, ≤ 0 or free.
    """
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    z = (x - mean) / std
    pos = y.sum()
    neg = len(y) - pos
    sample_weight = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:-1], theta[-1]
        logits = z @ w + b
        p = 1.0 / (1.0 + np.exp(-np.clip(logits, -50, 50)))
        eps = 1e-12
        ll = -(sample_weight * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))).sum() / len(y)
        grad_logits = sample_weight * (p - y) / len(y)
        grad = np.concatenate([z.T @ grad_logits + 2 * l2 * w, [grad_logits.sum()]])
        return ll + l2 * float(w @ w), grad

    signs = list(signs) if signs is not None else [0] * x.shape[1]
    bounds = [(0.0, None) if sg > 0 else (None, 0.0) if sg < 0 else (None, None) for sg in signs]
    result = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds + [(None, None)])
    w, b = result.x[:-1], result.x[-1]
    coef = w / std
    intercept = float(b - (w * mean / std).sum())
    return coef, intercept


def choose_threshold(prob: np.ndarray, y: np.ndarray, oos_cost: float = OOS_COST) -> tuple[float, dict[str, float]]:
    """The cut with the lowest cost; among equally good cuts, the middle of the widest gap."""
    values = np.concatenate([[0.0], np.sort(np.unique(prob)), [1.0]])
    best: tuple[float, float, float] | None = None  # (cost, -gap, cut)
    for lo, hi in zip(values[:-1], values[1:]):
        cut = (lo + hi) / 2
        answered = prob >= cut
        cost = oos_cost * float(np.sum(answered & (y == 0))) + float(np.sum(~answered & (y == 1)))
        candidate = (cost, -(hi - lo), cut)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    assert best is not None
    threshold = float(best[2])
    answered = prob >= threshold
    counts = {
        "oos_answered": int(np.sum(answered & (y == 0))),
        "in_scope_refused": int(np.sum(~answered & (y == 1))),
        "gap": round(float(-best[1]), 4),
    }
    return threshold, counts


def calibrate(retriever: Retriever, samples: Sequence[Sample], use_dense: bool = True,
              without: frozenset[str] = frozenset(), oos_cost: float = OOS_COST, l2: float = L2) -> dict[str, object]:
    """Fit weights, refusal model and threshold; return the calibration.json entry.

    ``without`` names channels and refusal features to leave out (scripts/ablation.py).
    """
    without = without | ({"dense"} if not use_dense else frozenset())
    point_numbers = [number for _, number in retriever.point_keys]
    weights, metrics = search_weights(samples, point_numbers, without)
    features = tuple(f for f in FEATURES if f not in without)
    base = retriever.params
    retriever.params = replace(base, weights=weights)
    try:
        x = feature_matrix(retriever, samples, features)
    finally:
        retriever.params = base
    y = np.array([1.0 if s.question.in_scope else 0.0 for s in samples])
    coef, intercept = fit_logistic(x, y, l2=l2, signs=[FEATURE_SIGNS[f] for f in features])
    prob = 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))
    threshold, counts = choose_threshold(prob, y, oos_cost)
    return {
        "weights": weights,
        "refusal": {
            "features": list(features),
            "coef": [round(float(c), 6) for c in coef],
            "intercept": round(intercept, 6),
            "threshold": round(threshold, 6),
        },
        "number_bonus": base.number_bonus,
        "fit": {
            "fitted_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "questions": len(samples),
            "in_scope": int(y.sum()),
            "out_of_scope": int(len(y) - y.sum()),
            "ranking_r1_r3_mrr": [round(m, 4) for m in metrics],
            **counts,
        },
    }

