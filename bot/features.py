"""What the calibrated models read: channel names, the decision's input features, and their parameters.

The retriever computes channel scores and fills ``Hit.features`` through ``hit_features``; the
decision stage and ``bot/calibration.py`` read the same names from here, so a feature is defined once.
Parameters (fusion weights, the confidence model and its two thresholds) come from
``bot/data/calibration.json``, fitted by ``scripts/calibrate.py`` (method in bot/calibration.py).
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.text import data_path

logger = logging.getLogger(__name__)

# Plan channels score the plan's own text; bank channels score the question-bank examples (how people
# ask about a point). Both are aggregated per point by the best unit.
PLAN_CHANNELS = ("dense", "words", "expansion", "chars", "pinyin")
BANK_CHANNELS = ("bank_dense", "bank_words", "bank_chars", "bank_knn")
CHANNELS = PLAN_CHANNELS + BANK_CHANNELS

# Inputs of the confidence model and the sign each weight must have: more match evidence can only
# raise confidence; an out-of-scope cue, a missing number or a runner-up as good as the winner can
# only lower it. The signs keep the fit sensible on questions unlike the training set.
FEATURE_SIGNS: dict[str, int] = {
    "fused": 1,
    "dense": 1,
    "words": 1,
    "expansion": 1,
    "bank_dense": 1,
    "bank_words": 1,
    "bank_knn": 1,
    "coverage": 1,
    "margin": 1,
    "bank_vote": 1,
    "agree": 1,
    "cues": -1,
    "number_gap": -1,
    "detail_gap": -1,
    "unknown_nouns": -1,
    "yes_no": 1,
    "specific": -1,
}
FEATURES = tuple(FEATURE_SIGNS)
# Details asked that the confidence model does not read: added after it was fitted, they only block a
# confident answer when the quoted sentences do not state them (bot/decide.BLOCKING_DETAILS). The items of
# a list asked for specifically ("…具体是哪几个") read as "stated" wherever a sentence lists anything, and
# as a model input that lifted "市八小划片包括哪些小区" to a confident answer (seventeenth session).
RULE_ONLY_DETAILS = frozenset({"list", "count_now", "opinion", "advice", "count"})


@dataclass(frozen=True)
class QueryFacts:
    """What the features need to know about the question itself."""

    coverage: float  # share of its content words that the plan, the bank or the expansion list know
    unknown_nouns: int  # nouns nobody indexed: the thing asked about is not in the plan
    out_of_scope_cues: int  # cue-list matches, places and years the plans do not name
    asks_number: bool
    # "when" / "date" / "done" / "money" / "age" / "where" / "which": details a plan rarely states; "who" / "outcome" / "procedure": never
    asks_details: tuple[str, ...] = ()
    detail_cues: tuple[str, ...] = ()  # the detail each cue asks for ("多少钱" → money), one per such cue
    yes_no: bool = False  # whether something is done: the kind of question a plan answers
    specific: bool = False  # for one particular school, person, place, date or count
    content_words: int = 0  # content words (two characters or more, or Latin): none in "这事具体怎么说的"
    elsewhere: int = 0  # places and years no loaded plan names ("上饶那边…", "2019年…"): asked about elsewhere


@dataclass(frozen=True)
class Consensus:
    """Do independent signals point at the same point? In-scope questions are matched by many
    examples of one point and by the plan's text alike; an off-topic question scatters."""

    bank_vote: float  # share of the closest question-bank examples that belong to the top point
    agree: float  # 1.0 when the plan's own text alone ranks the same point first
    has_bank: float  # 1.0 when the point has question-bank examples (selects the confidence model)


def hit_features(
    channels: Mapping[str, float],
    facts: QueryFacts,
    number_support: float,
    runner_up: float,
    consensus: Consensus,
    details_found: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Every feature of one ranked point (``runner_up`` is the next point's fused score,
    ``details_found`` the kinds of detail its quoted sentences state)."""
    fused = channels.get("fused", 0.0)
    asked = tuple(d for d in facts.asks_details if d not in RULE_ONLY_DETAILS)
    stated = bool(details_found.intersection(asked))
    values = {name: float(channels.get(name, 0.0)) for name in CHANNELS}
    values.update(
        fused=fused,
        coverage=facts.coverage,
        # How clearly the winner stands out: ties between unrelated points mean nothing matched well.
        margin=max(0.0, fused - runner_up),
        # A cue that asks for a detail the point states ("…一共发多少钱" and "2.6亿元") is answered,
        # not a sign that the question is about something else — when the question asks that detail
        # as its own words read (a programme's name, not "新建的那所高中叫什么名字").
        cues=float(
            min(
                facts.out_of_scope_cues - sum(d in details_found and d in asked for d in facts.detail_cues),
                2,
            )
        ),
        # Asked for a number, but no matching sentence of the point holds one.
        number_gap=(1.0 - number_support) if facts.asks_number else 0.0,
        # Asked when, how much money, who or how it went, and the sentences it would quote state no such
        # detail: the plan names the topic but not the detail ("…什么时候开学", "…补贴多少钱").
        detail_gap=float(any(d not in details_found for d in asked)),
        unknown_nouns=float(min(facts.unknown_nouns, 3)),
        yes_no=float(facts.yes_no),
        # Asked for one particular thing that the sentences it would quote do not state.
        specific=float(facts.specific and not stated),
        bank_vote=consensus.bank_vote,
        agree=consensus.agree,
        has_bank=consensus.has_bank,
    )
    return values


# ------------------------------------------------------------------------------------------------
# parameters


@dataclass(frozen=True)
class ConfidenceModel:
    """A logistic model on named features and its two cuts:
    confidence ≥ answer_threshold → answered; ≥ related_threshold → related; else not_found."""

    features: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    answer_threshold: float = 0.5
    related_threshold: float = 0.25

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConfidenceModel:
        return cls(
            tuple(data["features"]),
            tuple(float(c) for c in data["coef"]),
            float(data["intercept"]),
            float(data["answer_threshold"]),
            float(data["related_threshold"]),
        )

    def __call__(self, features: Mapping[str, float]) -> float:
        return logistic([features[name] for name in self.features], self.coef, self.intercept)


# Hand-set fallbacks for a missing or outdated calibration file; scripts/calibrate.py replaces them.
_DEFAULT_MODEL = ConfidenceModel(
    ("dense", "words", "expansion", "bank_dense", "bank_words"), (4.0, 4.0, 2.0, 3.0, 3.0), -3.0
)
_DEFAULT_PLAN_ONLY = ConfidenceModel(("dense", "words", "expansion"), (4.0, 4.0, 2.0), -2.0)


@dataclass(frozen=True)
class Params:
    """Fusion weights and the confidence models; see scripts/calibrate.py.

    ``plan_only`` judges points of a plan that has no question bank yet: its bank channels are all
    zero, and the main model would read that as "nothing matched"."""

    weights: dict[str, float] = field(
        default_factory=lambda: {
            "dense": 1.0,
            "words": 1.0,
            "expansion": 0.5,
            "chars": 1.0,
            "bank_dense": 1.0,
            "bank_words": 1.0,
        }
    )
    model: ConfidenceModel = _DEFAULT_MODEL
    plan_only: ConfidenceModel = _DEFAULT_PLAN_ONLY
    number_bonus: float = 0.15
    source: str = "built-in defaults"

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str) -> Params:
        return cls(
            weights={name: float(data["weights"].get(name, 0.0)) for name in CHANNELS},
            model=ConfidenceModel.from_dict(data["confidence"]),
            plan_only=ConfidenceModel.from_dict(data["plan_only"]),
            number_bonus=float(data.get("number_bonus", 0.15)),
            source=source,
        )

    def model_for(self, features: Mapping[str, float]) -> ConfidenceModel:
        return self.model if features.get("has_bank", 1.0) else self.plan_only

    def confidence(self, features: Mapping[str, float]) -> float:
        return self.model_for(features)(features)


def logistic(values: Sequence[float], coef: Sequence[float], intercept: float) -> float:
    z = intercept + sum(c * f for c, f in zip(coef, values, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def load_params(model_name: str, path: Path | None = None) -> Params:
    """Calibrated parameters for ``model_name``; an uncalibrated model gets the keyword-only fit."""
    path = path or data_path("calibration.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        logger.warning("no calibration file at %s; using built-in defaults", path)
        return Params()
    models = data.get("models", {})
    try:
        if model_name in models:
            return Params.from_dict(models[model_name], f"{path.name}:{model_name}")
        logger.warning(
            "embedding model %r has no calibration; using the keyword-only calibration "
            "(run scripts/calibrate.py to calibrate it)",
            model_name,
        )
        return Params.from_dict(data["keyword_only"], f"{path.name}:keyword_only")
    except (KeyError, TypeError, ValueError) as e:
        logger.warning(
            "calibration file %s is outdated (%s); using built-in defaults — run scripts/calibrate.py", path, e
        )
        return Params()
