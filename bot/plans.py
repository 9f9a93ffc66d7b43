"""A library of plans: which plan(s) a question is about, and which plans cover a topic.

Bureaus issue a plan every year and keep the old ones loaded, so most questions could be answered
by several plans. The rules, all on typed records (no model, testable with hand-built decisions):

- A named year ("2022年", "22年", "the 2023 plan") goes to that year's plan; "去年" / "前年" count
  back from the newest plan loaded (a bureau loads this year's plan as soon as it is issued).
  A year that no loaded plan has is not a route: "到2025年建成…" is about a target, not a plan.
- Without a year, the newest plan that answers confidently answers; an older plan that answers
  too, with different words, is named in one line under the answer (`older_answer`).
- A comparison cites every plan that covers the topic, newest first, and names the ones that
  do not (`covering`).
With a single plan loaded none of this applies, and answers are exactly those of the single-plan bot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.corpus import Corpus, Document
from bot.decide import Decision

# A plan covers a compared topic when its own ranking answers confidently, or finds a related point
# with at least this confidence. Fused scores do not compare across plans (a plan with a question
# bank scores on more channels), confidences do. Chosen on the year set (tests/data/years, so the
# figure is in-sample): of its 18 comparisons, 0.5 cited every covering plan in 15, 0.3 in 17;
# any related point (no cut) also 17, but cited a plan that does not cover the topic in 3, not 2.
COVER_CONFIDENCE = 0.3


@dataclass(frozen=True)
class Route:
    docs: tuple[Document, ...]  # the plans to search, newest first
    named: bool  # the message chose them (a year or 去年); otherwise every plan
    missing: tuple[int, ...] = ()  # years named that no loaded plan has


def newest_first(corpus: Corpus) -> tuple[Document, ...]:
    """Plans by year, newest first; plans without a year last, in file order (a stable sort)."""
    return tuple(sorted(corpus.documents, key=lambda d: -(d.year or 0)))


def route(corpus: Corpus, years: Sequence[int] = (), relative: int | None = None) -> Route:
    docs = newest_first(corpus)
    if years:
        chosen = tuple(d for d in docs if d.year in years)
        missing = tuple(y for y in years if all(d.year != y for d in docs))
        if chosen:
            return Route(chosen, True, missing)
        return Route(docs, False, missing)
    if relative is not None and 0 <= relative < len(docs):
        return Route((docs[relative],), True)
    if relative is not None and relative < 0 and docs and docs[0].year:
        return Route(docs, False, (docs[0].year - relative,))  # 明年的计划: the year after the newest plan's
    return Route(docs, False)


def compare_route(corpus: Corpus, years: Sequence[int] = (), relative: int | None = None) -> Route:
    """The plans a comparison is about: the years named, "跟去年比" = the newest and that one,
    otherwise every plan."""
    docs = newest_first(corpus)
    if years:
        chosen = tuple(d for d in docs if d.year in years)
        return Route(chosen or docs, bool(chosen), tuple(y for y in years if all(d.year != y for d in docs)))
    if relative is not None and 0 < relative < len(docs):
        return Route((docs[0], docs[relative]), True)
    return Route(docs, False)


def primary(decisions: Mapping[str, Decision], order: Sequence[str]) -> str:
    """The plan that answers: the newest one that answers confidently; else the one with the most
    confident related point (on the year set, taking the newest related plan instead put a newer
    plan's near miss above an older plan's clause 2 more times in 12 "latest" questions); else
    the newest (its refusal)."""
    for doc_id in order:
        if decisions[doc_id].status == "answered":
            return doc_id
    related = [d for d in order if decisions[d].status == "related"]
    if related:
        return max(related, key=lambda d: decisions[d].confidence)
    return order[0]


def covering(decisions: Mapping[str, Decision], order: Sequence[str]) -> list[str]:
    """The plans, newest first, whose own ranking finds the topic (see COVER_CONFIDENCE)."""
    return [
        doc_id
        for doc_id in order
        if decisions[doc_id].top is not None
        and (
            decisions[doc_id].status == "answered"
            or (decisions[doc_id].status == "related" and decisions[doc_id].confidence >= COVER_CONFIDENCE)
        )
    ]


def older_answer(
    decisions: Mapping[str, Decision], order: Sequence[str], chosen: str, quoted: dict[str, tuple[str, ...]]
) -> str | None:
    """The newest plan older than ``chosen`` that answers confidently with other words (an older
    plan that repeats the same sentence adds nothing)."""
    if chosen not in order:
        return None
    for doc_id in order[order.index(chosen) + 1 :]:
        if decisions[doc_id].status == "answered" and quoted.get(doc_id) != quoted.get(chosen):
            return doc_id
    return None


def docs_rows(
    corpus: Corpus,
) -> tuple[list[tuple[int | None, str, str | None, str | None, int, str, str]], list[tuple[str, str]]]:
    """The rows of /docs and `policybot docs` (presentation.docs_lines words them)."""
    docs = [(d.year, d.title, d.issuer, d.date, len(d.work_points), d.format, d.source) for d in newest_first(corpus)]
    return docs, [(f.source, f.reason) for f in corpus.failures]
