"""Labelled question sets and the figures `policybot eval` prints.

A question is labelled with the points that answer it (``gold``). Over a library of plans it may
also name the plan: ``year`` (year-specific questions: the top citation must come from that
year's plan, and R@1 needs plan and point), or ``docs`` for a comparison ({"2021": [8], "2022":
[12]}: every plan that covers the topic, with its acceptable points; a comparison is right when it
cites each of them, and wrong to cite a plan not listed).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = (
    "lexical",
    "paraphrase",
    "colloquial",
    "locate",
    "point",
    "number",
    "typo",
    "traditional",
    "english",
    "meta",
    "smalltalk",
    "year",
    "relative",
    "latest",
    "compare",
    "oos",
)


class LabelledSetError(ValueError):
    pass


@dataclass(frozen=True)
class LabelledQuestion:
    q: str
    gold: tuple[int, ...]
    must: tuple[str, ...] = ()
    kind: str = "unknown"
    year: int | None = None  # the plan the answer must come from
    docs: tuple[tuple[int, tuple[int, ...]], ...] = ()  # comparisons: (year, acceptable points) per plan

    @property
    def in_scope(self) -> bool:
        return bool(self.gold or self.docs)


@dataclass(frozen=True)
class Outcome:
    question: LabelledQuestion
    status: str  # answered | related | not_found | smalltalk | empty
    cited: tuple[int, ...]
    answer: str
    years: tuple[int | None, ...] = ()  # the year of each citation's plan, when the answerer knows it

    def _year(self, i: int) -> int | None:
        return self.years[i] if i < len(self.years) else None

    @property
    def found(self) -> bool:
        return self.status == "answered"

    @property
    def rank(self) -> int | None:
        """Rank of the first acceptable point among the citations (answered or related); for a
        question with a year, plan and point must match; a comparison ranks 1 when it cites every
        plan that covers the topic."""
        q = self.question
        if q.docs:
            pairs = set(zip(self.years, self.cited, strict=False))
            return 1 if all(any((y, p) in pairs for p in points) for y, points in q.docs) else None
        for i, point in enumerate(self.cited):
            if point in q.gold and (q.year is None or self._year(i) == q.year):
                return i + 1
        return None

    @property
    def right_plan(self) -> bool | None:
        """For an in-scope question with a year: does the top citation come from that plan?"""
        if self.question.year is None or not self.question.gold:
            return None
        return bool(self.cited) and self._year(0) == self.question.year

    @property
    def other_plans(self) -> bool:
        """A comparison that cites a plan not covering the topic."""
        covering = {y for y, _ in self.question.docs}
        return bool(self.question.docs) and any(y not in covering for y in self.years)

    @property
    def must_ok(self) -> bool | None:
        if not self.question.must:
            return None
        text = _fold(self.answer)
        return all(_fold(fact) in text for fact in self.question.must)

    @property
    def confident_wrong(self) -> bool:
        return self.question.in_scope and self.found and self.rank != 1

    @property
    def correct(self) -> bool:
        if self.question.kind == "smalltalk":
            return self.status == "smalltalk"
        if not self.question.in_scope:
            return not self.found
        return self.found and self.rank == 1 and self.must_ok is not False


@dataclass
class Figures:
    n: int = 0
    in_scope: int = 0
    r1: int = 0
    r3: int = 0
    rr: float = 0.0
    tiers: dict[str, int] = field(default_factory=lambda: {"answered": 0, "related": 0, "not_found": 0})
    oos: int = 0
    oos_tiers: dict[str, int] = field(default_factory=lambda: {"answered": 0, "related": 0, "not_found": 0})
    wrong: int = 0
    smalltalk: int = 0
    friendly: int = 0
    must_total: int = 0
    must_ok: int = 0
    plan_n: int = 0
    plan_ok: int = 0
    compare_n: int = 0
    compare_ok: int = 0  # comparisons citing every plan that covers the topic
    compare_other: int = 0

    def add(self, o: Outcome) -> None:
        self.n += 1
        if o.right_plan is not None:
            self.plan_n += 1
            self.plan_ok += o.right_plan
        if o.question.docs:
            self.compare_n += 1
            self.compare_ok += o.rank == 1
            self.compare_other += o.other_plans
        tier = o.status if o.status in ("answered", "related") else "not_found"
        if o.question.kind == "smalltalk":
            self.smalltalk += 1
            self.friendly += o.status == "smalltalk"
        elif o.question.in_scope:
            self.in_scope += 1
            rank = o.rank
            self.r1 += rank == 1
            self.r3 += rank is not None and rank <= 3
            self.rr += 1.0 / rank if rank else 0.0
            self.tiers[tier] += 1
            self.wrong += o.confident_wrong
        else:
            self.oos += 1
            self.oos_tiers[tier] += 1
        if o.must_ok is not None:
            self.must_total += 1
            self.must_ok += o.must_ok

    @staticmethod
    def _ratio(a: float, b: int) -> float | None:
        return a / b if b else None

    @property
    def recall_at_1(self) -> float | None:
        return self._ratio(self.r1, self.in_scope)

    @property
    def recall_at_3(self) -> float | None:
        return self._ratio(self.r3, self.in_scope)

    @property
    def mrr(self) -> float | None:
        return self._ratio(self.rr, self.in_scope)

    @property
    def must_rate(self) -> float | None:
        return self._ratio(self.must_ok, self.must_total)

    def as_dict(self) -> dict[str, object]:
        return {
            "questions": self.n,
            "in_scope": self.in_scope,
            "r@1": self.recall_at_1,
            "r@3": self.recall_at_3,
            "mrr": self.mrr,
            "in_scope_tiers": dict(self.tiers),
            "confident_wrong": self.wrong,
            "oos": self.oos,
            "oos_tiers": dict(self.oos_tiers),
            "smalltalk": self.smalltalk,
            "smalltalk_friendly": self.friendly,
            "must_total": self.must_total,
            "must_ok": self.must_ok,
            "must_rate": self.must_rate,
            "right_plan": self.plan_ok,
            "with_year": self.plan_n,
            "comparisons": self.compare_n,
            "comparisons_citing_every_covering_plan": self.compare_ok,
            "comparisons_citing_other_plans": self.compare_other,
        }


@dataclass
class Report:
    outcomes: list[Outcome]
    overall: Figures = field(default_factory=Figures)
    by_kind: dict[str, Figures] = field(default_factory=dict)

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Report:
        report = cls(list(outcomes))
        for o in report.outcomes:
            report.overall.add(o)
            report.by_kind.setdefault(o.question.kind, Figures()).add(o)
        return report

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]


def _fold(text: str) -> str:
    """Compare facts on NFKC text with spaces removed ("45：55" = "45:55", "第 37 个" = "第37个")."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def load_labelled(path: Path) -> list[LabelledQuestion]:
    """Read a JSON Lines file of {"q", "gold", "must"?, "kind"?}; errors name the line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise LabelledSetError(f"cannot read {path}: {e.strerror or e}") from e
    questions = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            docs = tuple((int(y), tuple(int(p) for p in points)) for y, points in row.get("docs", {}).items())
            gold = tuple(int(g) for g in row["gold"]) if not docs else ()
            must = tuple(str(m) for m in row.get("must", []))
            year = int(row["year"]) if row.get("year") is not None else None
            kind = str(row.get("kind", "unknown"))
            questions.append(LabelledQuestion(str(row["q"]), gold, must, kind, year, docs))
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise LabelledSetError(
                f'{path}:{n}: expected {{"q": str, "gold": [int, ...], "must"?: [str], "kind"?: str, "year"?: int, '
                f'"docs"?: {{"2021": [int, ...]}}}} ({e})'
            ) from e
    if not questions:
        raise LabelledSetError(f"{path} holds no questions")
    return questions


def evaluate(questions: Iterable[LabelledQuestion], answer: Callable[[str], tuple]) -> Report:
    """Run every question through ``answer`` (→ status, cited point numbers, answer text, and
    optionally the year of each citation's plan)."""
    return Report.of(Outcome(q, *answer(q.q)) for q in questions)


def _pct(value: float | None) -> str:
    return "  –  " if value is None else f"{value:.3f}"


def _share(part: int, whole: int) -> str:
    return f"{part}/{whole}" if whole else "–"


def format_report(report: Report, title: str = "") -> str:
    o = report.overall
    t, x = o.tiers, o.oos_tiers
    lines = [title] if title else []
    lines += [
        f"questions: {o.n} ({o.in_scope} in scope, {o.oos} out of scope, {o.smalltalk} small talk)",
        f"R@1: {_pct(o.recall_at_1)}   R@3: {_pct(o.recall_at_3)}   MRR: {_pct(o.mrr)}   (top citation, answered or related)",
        f"in scope:     answered {_share(t['answered'], o.in_scope)}   related {_share(t['related'], o.in_scope)}   "
        f"not_found {_share(t['not_found'], o.in_scope)}   confident wrong {_share(o.wrong, o.in_scope)}",
        f"out of scope: answered {_share(x['answered'], o.oos)}   related {_share(x['related'], o.oos)}   "
        f"not_found {_share(x['not_found'], o.oos)}",
        f"small talk:   friendly reply {_share(o.friendly, o.smalltalk)}",
        f"must-facts: {o.must_ok}/{o.must_total} ({_pct(o.must_rate)})",
    ]
    if o.plan_n or o.compare_n:
        lines += [
            f"plans:        right plan {_share(o.plan_ok, o.plan_n)} (questions naming or implying a year)   "
            f"comparisons citing every covering plan {_share(o.compare_ok, o.compare_n)}, "
            f"citing a plan that does not cover it {_share(o.compare_other, o.compare_n)}",
        ]
    lines += [
        "",
        f"{'kind':<12}{'n':>4}{'R@1':>7}{'R@3':>7}{'answered':>10}{'related':>9}{'not_found':>11}{'wrong':>7}{'must':>7}"
        + (f"{'plan':>8}" if o.plan_n else ""),
    ]
    order = [k for k in KINDS if k in report.by_kind] + sorted(k for k in report.by_kind if k not in KINDS)
    for kind in order:
        f = report.by_kind[kind]
        whole = f.in_scope or f.oos
        tiers = f.tiers if f.in_scope else f.oos_tiers
        if f.smalltalk:
            cells = f"{'friendly':>10}{_share(f.friendly, f.smalltalk):>9}{'':>11}{'':>7}"
        else:
            cells = (
                f"{_share(tiers['answered'], whole):>10}{_share(tiers['related'], whole):>9}"
                f"{_share(tiers['not_found'], whole):>11}{(str(f.wrong) if f.in_scope else '–'):>7}"
            )
        must = f"{f.must_ok}/{f.must_total}" if f.must_total else "–"
        plan = (f"{_share(f.plan_ok, f.plan_n):>8}" if f.plan_n else f"{'–':>8}") if o.plan_n else ""
        lines.append(f"{kind:<12}{f.n:>4}{_pct(f.recall_at_1):>7}{_pct(f.recall_at_3):>7}{cells}{must:>7}{plan}")
    misses = report.misses
    lines += ["", f"misses: {len(misses)}"]
    for m in misses:
        why = [m.status]
        if m.question.in_scope and m.rank != 1:
            why.append(f"gold rank {m.rank or '>3'}")
        if m.must_ok is False:
            why.append("missing " + "/".join(f for f in m.question.must if _fold(f) not in _fold(m.answer)))
        gold = ",".join(map(str, m.question.gold)) or "none"
        cited = ",".join(map(str, m.cited)) or "none"
        if m.question.year or m.question.docs:
            gold = "; ".join(f"{y}:{','.join(map(str, p))}" for y, p in m.question.docs) or f"{m.question.year}:{gold}"
            cited = ",".join(f"{y}:{p}" for y, p in zip(m.years, m.cited, strict=False)) or "none"
        lines.append(f"  [{m.question.kind}] {m.question.q}  gold={gold} cited={cited}  ({'; '.join(why)})")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# the quoted sentence


@dataclass(frozen=True)
class QuoteLabel:
    """A question whose right point is known, and the sentence(s) of that point that answer it."""

    set: str
    q: str
    point: int
    quote: tuple[str, ...]


def load_quotes(path: Path) -> list[QuoteLabel]:
    """Read {"set", "q", "point", "quote": [sentence, ...]} lines (tests/data/quotes.jsonl)."""
    labels = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            row = json.loads(line)
            labels.append(QuoteLabel(str(row["set"]), str(row["q"]), int(row["point"]), tuple(row["quote"])))
        except (ValueError, KeyError, TypeError) as e:
            raise LabelledSetError(f'{path}:{n}: expected {{"set", "q", "point", "quote": [str]}} ({e})') from e
    return labels


def quote_hits(
    labels: Iterable[QuoteLabel], quoted: Callable[[str, int], tuple[str, ...] | None]
) -> dict[str, tuple[int, int]]:
    """Per set, (questions whose answer quotes a labelled sentence, questions whose answer cites the
    labelled point first). ``quoted`` gives the sentences quoted for that point, None when the
    answer's top citation is another point (a retrieval miss, counted by `policybot eval`)."""
    counts: dict[str, list[int]] = {}
    for label in labels:
        sentences = quoted(label.q, label.point)
        if sentences is None:
            continue
        hit = any(_fold(s) == _fold(want) for s in sentences for want in label.quote)
        c = counts.setdefault(label.set, [0, 0])
        c[0] += hit
        c[1] += 1
    return {name: (c[0], c[1]) for name, c in counts.items()}


def quoted_by(ask: Callable[[str], Any]) -> Callable[[str, int], tuple[str, ...] | None]:
    """For quote_hits: the sentences ``ask``'s answer quotes for its top citation, when that is ``point``."""

    def quoted(question: str, point: int) -> tuple[str, ...] | None:
        answer = ask(question)
        top = answer.citations[0] if answer.citations else None
        return tuple(top.sentences) if top is not None and top.point == point else None

    return quoted
