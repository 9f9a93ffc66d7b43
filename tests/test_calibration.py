"""The calibration maths on hand-built numbers (fast tier: no model, no index)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from bot.calibration import COSTS, choose_thresholds, fit_logistic, out_of_fold, ranking_metrics, tier_costs


def test_fit_logistic_separates_and_keeps_the_signs_it_is_given() -> None:
    x = np.array([[0.1, 1.0], [0.2, 0.0], [0.8, 1.0], [0.9, 0.0]] * 5)
    y = np.array([0.0, 0.0, 1.0, 1.0] * 5)
    coef, _ = fit_logistic(x, y)
    assert coef[0] > 0
    held, _ = fit_logistic(x, 1 - y, signs=[1, 0])  # evidence may only raise confidence
    assert held[0] >= 0


def test_tier_costs_weight_out_of_scope_questions_to_their_share() -> None:
    costs = tier_costs([1, 2, None, None], oos_share=0.25)
    assert costs[0].tolist() == [COSTS["right"][0], COSTS["right"][1], COSTS["right"][3]]
    # two of four are out of scope; weighted so they count as a quarter of all questions
    assert costs[2][0] == COSTS["oos"][0] * (0.25 / 0.75)


def test_thresholds_answer_the_sure_relate_the_middle_and_refuse_the_rest() -> None:
    # two right, one whose top point is wrong (best shown as related), three out of scope
    prob = np.array([0.95, 0.9, 0.5, 0.45, 0.1, 0.05])
    related, answer, fit = choose_thresholds(prob, tier_costs([1, 1, 2, None, None, None], oos_share=0.5))
    assert 0.5 < answer <= 0.9
    assert 0.45 < related <= 0.5
    assert fit["cost"] == COSTS["wrong"][1]


@pytest.mark.parametrize("seed", range(5))
def test_thresholds_are_the_cheapest_pair_priced_one_by_one(seed: int) -> None:
    """The prefix-sum pricing agrees with pricing every pair of cuts in a loop (the method before)."""
    rng = np.random.default_rng(seed)
    prob = np.round(rng.random(40), 2)  # ties among confidences, as in real fits
    costs = rng.random((40, 3)) * 6
    values = np.concatenate([[0.0], np.sort(np.unique(prob)), [1.0]])
    cuts = [((lo + hi) / 2, hi - lo) for lo, hi in itertools.pairwise(values)]
    best = None
    for (rel, gap_r), (ans, gap_a) in itertools.product(cuts, cuts):
        if rel > ans:
            continue
        tier = np.where(prob >= ans, 0, np.where(prob >= rel, 1, 2))
        candidate = (round(float(costs[np.arange(40), tier].sum()), 9), -min(gap_r, gap_a), rel, ans)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    related, answer, fit = choose_thresholds(prob, costs)
    assert (related, answer) == pytest.approx((best[2], best[3]))
    assert fit["cost"] == pytest.approx(best[0], abs=0.01)


def test_out_of_fold_confidence_comes_from_models_that_did_not_see_the_sample() -> None:
    x = np.arange(40, dtype=float).reshape(-1, 1) / 40
    y = (x[:, 0] >= 0.5).astype(float)
    y[-1] = 0.0  # an outlier: the surest-looking sample is labelled wrong
    coef, intercept = fit_logistic(x, y)
    in_sample = 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))
    oof = out_of_fold(x, y, [0], 0.01)
    assert oof.shape == y.shape and np.all((oof > 0) & (oof < 1))
    assert oof[-1] > in_sample[-1]  # a model fitted without the outlier is surer it is a hit
    assert np.array_equal(out_of_fold(x, y, [0], 0.01), oof)  # the fixed shuffle makes it repeatable


def test_ranking_metrics_count_in_scope_ranks_only() -> None:
    assert ranking_metrics([1, 2, None, 4]) == (1 / 3, 2 / 3, (1 + 0.5 + 0.25) / 3)
    assert ranking_metrics([None]) == (0.0, 0.0, 0.0)
