"""Answer quality on labelled sets, through the same path as `policybot eval`. Fails on regressions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import Report, evaluate, load_labelled
from tests.conftest import DATA, DEV_SET


def _report(service, path: Path) -> Report:
    def answer(question: str) -> tuple[bool, tuple[int, ...], str]:
        a = service.ask(question)
        return a.found, tuple(c.point for c in a.citations), a.text

    return evaluate(load_labelled(path), answer)


@pytest.mark.skipif(not DEV_SET.exists(), reason="no dev set: ../shared/eval/dev.jsonl is not next to this "
                    "checkout (set POLICYBOT_DEV_SET to its path)")
def test_dev_set_meets_the_targets(service) -> None:
    o = _report(service, DEV_SET).overall
    assert o.recall_at_1 >= 0.95
    assert o.recall_at_3 >= 0.99
    assert o.oos_rejected == o.oos  # every out-of-scope question refused
    assert o.false_rejects == 0  # no in-scope question refused
    assert o.must_rate >= 0.95


# Floors for our own sets (see README for the current figures). holdout2 was written blind and is
# never used for fitting; questions.jsonl is part of the calibration data.
@pytest.mark.parametrize(
    ("name", "min_r1", "min_r3", "max_oos_answered", "max_false_rejects", "min_must"),
    [
        ("questions.jsonl", 0.93, 0.96, 0, 5, 0.90),
        ("holdout2.jsonl", 0.95, 0.97, 0, 2, 0.95),
        ("holdout.jsonl", 0.83, 0.93, 3, 3, 0.90),
    ],
)
def test_own_sets_hold_their_floors(service, name: str, min_r1: float, min_r3: float, max_oos_answered: int,
                                    max_false_rejects: int, min_must: float) -> None:
    o = _report(service, DATA / name).overall
    assert o.recall_at_1 >= min_r1
    assert o.recall_at_3 >= min_r3
    assert o.oos - o.oos_rejected <= max_oos_answered
    assert o.false_rejects <= max_false_rejects
    assert o.must_rate >= min_must


def test_report_breaks_figures_down_by_kind(service) -> None:
    report = _report(service, DATA / "questions.jsonl")
    assert {"lexical", "paraphrase", "colloquial", "number", "typo", "traditional", "english", "meta",
            "oos"} <= set(report.by_kind)
    assert sum(f.n for f in report.by_kind.values()) == report.overall.n
