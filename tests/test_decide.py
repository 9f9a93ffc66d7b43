"""The decision stage on hand-built retrievals (fast tier: no model, no index)."""

from __future__ import annotations

import pytest

from bot.decide import Decision, named_point
from bot.features import QueryFacts
from bot.retrieval import Hit, Query, Retrieval

QUERY = Query("q", "q", ("q",), (), (), (), QueryFacts(1.0, 0, 0, False), (("签", "迁"),))


def _retrieval(*scores: tuple[int, float]) -> Retrieval:
    return Retrieval(QUERY, tuple(Hit("plan", point, score, {}, ()) for point, score in scores))


def test_a_named_point_that_was_retrieved_is_the_answer_with_its_close_neighbours() -> None:
    decision = named_point(_retrieval((16, 0.9), (7, 0.6), (3, 0.2)), ("plan", 7), max_related=2)
    assert decision is not None
    assert decision.status == "answered"
    assert [h.point for h in decision.hits] == [7, 16]  # 3 scores under RELATED_SHARE of point 7
    assert decision.respelled == (("签", "迁"),)


def test_a_named_point_that_was_not_retrieved_changes_nothing() -> None:
    assert named_point(_retrieval((16, 0.9), (3, 0.2)), ("plan", 7)) is None


def test_a_look_up_with_nothing_close_lists_the_nearest_points_as_related() -> None:
    from bot.decide import Decision, for_look_up

    retrieval = _retrieval((5, 0.3), (9, 0.25), (2, 0.05))
    decision = for_look_up(Decision("not_found", (), 0.01), retrieval)
    assert decision.status == "related"
    assert [h.point for h in decision.hits] == [5, 9]  # 2 scores under RELATED_SHARE of point 5
    answered = Decision("answered", retrieval.hits[:1], 0.9)
    assert for_look_up(answered, retrieval) is answered
    assert for_look_up(Decision("not_found", (), 0.0), _retrieval()).status == "not_found"


def _asking(details: tuple[str, ...], stated: frozenset[str]) -> Retrieval:
    facts = QueryFacts(1.0, 0, 0, False, asks_details=details)
    query = Query("q", "q", ("q",), (), (), (), facts, ())
    return Retrieval(query, (Hit("plan", 18, 0.9, {}, (), {"words": 1.0}),), stated)


def test_a_blocking_detail_the_point_does_not_state_keeps_it_related_and_is_named() -> None:
    from bot.decide import decide
    from bot.features import ConfidenceModel, Params

    params = Params(model=ConfidenceModel(("words",), (10.0,), 0.0, 0.5, 0.1))  # confidence ≈ 1.0
    assert decide(_asking((), frozenset()), params).status == "answered"
    held = decide(_asking(("date", "when"), frozenset()), params)
    assert held.status == "related" and held.unstated == ("date",)  # "when" is the model's to weigh
    assert decide(_asking(("date",), frozenset({"date"})), params).status == "answered"
    # below the answer threshold the details are not why it is related: nothing is named
    low = Params(model=ConfidenceModel(("words",), (0.0,), 0.0, 0.9, 0.1))  # confidence 0.5
    assert decide(_asking(("date",), frozenset()), low).unstated == ()


def test_the_related_line_names_the_most_specific_detail_left_out() -> None:
    from bot import presentation as P

    assert P.related_tier(()) == P.say("related_tier", "zh")
    assert "具体是哪一个" in P.related_tier(("list", "which"))
    assert "amounts" in P.related_tier(("money",), "en")


# Twenty-third session: the question part's own search confirms a related answer (bot/decide.confirmed).
def _decision(status: str, point: int, vote: float = 0.75, margin: float = 0.1, cues: float = 0.0):
    from bot.decide import Decision

    hit = Hit("plan", point, 0.6, {}, (), {"bank_vote": vote, "margin": margin, "cues": cues})
    return Decision(status, (hit,), 0.8 if status == "answered" else 0.4)  # type: ignore[arg-type]


def test_a_related_answer_confirmed_by_the_question_alone_stands() -> None:
    from bot.decide import confirmed

    related, alone = _decision("related", 6), _decision("answered", 6)
    assert confirmed(related, alone) is alone


@pytest.mark.parametrize(
    "alone",
    [
        _decision("answered", 8),  # another point first: the views disagree
        _decision("related", 6),  # the question alone is no surer
        _decision("answered", 6, vote=0.25),  # a scatter of bank examples ("这个教育局管不管")
        _decision("answered", 6, margin=0.01),  # the next point as good
        Decision("not_found", (), 0.05),  # nothing close alone
    ],
)
def test_a_related_answer_not_confirmed_stays_related(alone) -> None:
    from bot.decide import confirmed

    related = _decision("related", 6)
    assert confirmed(related, alone) is related


def test_only_unanswered_questions_with_background_and_no_cue_are_confirmed() -> None:
    from bot.decide import needs_confirming
    from bot.retrieval import Search

    with_story = Search("问题", "背景", 0.8)
    assert needs_confirming(_decision("related", 6), with_story)
    assert needs_confirming(Decision("not_found", (), 0.05), with_story)  # the story blurred every point
    assert not needs_confirming(_decision("related", 6), Search("问题"))
    assert not needs_confirming(Decision("not_found", (), 0.05), Search("问题"))
    assert not needs_confirming(_decision("answered", 6), with_story)
    assert not needs_confirming(_decision("related", 6, cues=1.0), with_story)
    # a refusal whose closest point was held back by a cue ("我老家是南昌的，…那边的中考体育怎么考": review)
    assert not needs_confirming(Decision("not_found", (), 0.05, cued=True), with_story)


def test_a_refusal_is_confirmed_by_the_question_alone_with_clear_evidence() -> None:
    """Twenty-seventh session: a long biography before an English question tied every point (refused); the
    question alone answers with clear evidence. Any point will do — the refusal ranked none."""
    from bot.decide import confirmed

    refused = Decision("not_found", (), 0.1)
    assert confirmed(refused, _decision("answered", 16)) is not refused
    assert confirmed(refused, _decision("answered", 16, vote=0.25)) is refused
    assert confirmed(refused, _decision("related", 16)) is refused
