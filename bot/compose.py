"""Stage 4 of the pipeline — compose: an intent and its decision → a channel-neutral ``Answer``.

The plan is quoted verbatim; nothing is paraphrased. An ``Answer`` holds blocks with roles
(heading / section / quote / item / related / source / note), its citations and the actions a
channel may offer (the full text, the related points). Channels render the blocks (``bot/render.py``);
they never build answer text themselves. All wording comes from ``bot/presentation.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bot import presentation as P
from bot.corpus import Corpus, Document, Point
from bot.decide import Decision
from bot.presentation import Lang
from bot.retrieval import Hit
from bot.understand import Intent

# The second-best sentence is quoted too when it scores at least this share of the best one:
# some facts span two sentences, and a near-tie means the plan states the point twice. Everyday
# wording matches sentences less sharply, so the tie is read loosely: 0.8 → 0.7 took the quoted
# answering sentence (scripts/quote_eval.py) from 338 to 340 of 357 and 344 to 348 of 360, must-facts
# on ten labelled sets from 217 to 218 of 230 and on the blind sets from 45 to 46 of 52 and 116 to 117
# of 125, while answers quoting two sentences went from 45 to 72 of 297 (people4, people5, questions);
# 0.6 gained one or two facts more for 104 of 297.
SECOND_SENTENCE_RATIO = 0.7

Role = Literal["heading", "section", "info", "quote", "body", "item", "related", "source", "note", "part"]
AnswerStatus = Literal["answered", "related", "not_found", "smalltalk", "empty"]


@dataclass(frozen=True)
class Block:
    role: Role
    text: str


@dataclass(frozen=True)
class Citation:
    doc_id: str
    doc_title: str
    point: int
    section: str
    title: str
    score: float
    sentences: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "doc": self.doc_id,
            "doc_title": self.doc_title,
            "point": self.point,
            "section": self.section,
            "title": self.title,
            "score": round(self.score, 4),
            "sentences": list(self.sentences),
        }


@dataclass(frozen=True)
class Answer:
    question: str
    status: AnswerStatus
    blocks: tuple[Block, ...]
    citations: tuple[Citation, ...] = ()
    kind: str = "ask"  # the intent that produced it (bot/understand.py)
    lang: Lang = "zh"
    elapsed_ms: float = 0.0
    context_used: bool = False
    confidence: float | None = None

    @property
    def found(self) -> bool:
        """True only for a confident answer (or a look-up that exists)."""
        return self.status == "answered"

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


class Quoting:
    """What every answer is built from: labels, headings, the source line, citations and quotes."""

    def __init__(self, corpus: Corpus, list_command: str = "/list") -> None:
        self.corpus = corpus
        self.list_command = list_command

    @property
    def multi_doc(self) -> bool:
        return len(self.corpus.documents) > 1

    def resolve(self, doc_id: str, number: int) -> tuple[Document, Point]:
        doc = self.corpus.document(doc_id)
        point = doc.point(number) if doc else None
        if doc is None or point is None:  # an index and corpus out of step; the index loader prevents this
            raise KeyError(f"point {number} of {doc_id!r} is not loaded")
        return doc, point

    def label(self, doc: Document, point: Point, lang: Lang) -> str:
        return P.point_label(point.number, doc.title if self.multi_doc else "", lang)

    def heading(self, doc: Document, point: Point, lang: Lang) -> list[Block]:
        blocks = [Block("heading", P.heading(point.number, point.title, doc.title if self.multi_doc else "", lang))]
        if point.section:
            blocks.append(Block("section", point.section))  # on its own line: the heading fits a phone
        return blocks

    def source(self, doc_ids: list[str], lang: Lang) -> Block:
        docs = [self.corpus.document(d) for d in dict.fromkeys(doc_ids)]
        return Block("source", P.source_line([(d.title, d.issuer, d.date) for d in docs if d], lang))

    def citation(self, hit: Hit, sentences: tuple[str, ...]) -> Citation:
        doc, point = self.resolve(hit.doc_id, hit.point)
        return Citation(doc.doc_id, doc.title, point.number, point.section, point.title, hit.score, sentences)

    def quoted_sentences(self, hit: Hit) -> tuple[str, ...]:
        if not hit.evidence:
            return (self.resolve(hit.doc_id, hit.point)[1].title,)
        best = hit.evidence[0]
        chosen = [best] + [
            ev for ev in hit.evidence[1:] if best.score > 0 and ev.score >= SECOND_SENTENCE_RATIO * best.score
        ]
        return tuple(ev.text for ev in sorted(chosen, key=lambda e: e.sentence))  # in the plan's order

    def points_list(self, doc_id: str, numbers: list[int], lang: Lang = "zh") -> Answer:
        """Several points of one plan, each with its first sentence (the 相关条目 button)."""
        doc = self.corpus.document(doc_id)
        points = [p for p in (doc.point(n) for n in numbers) if p is not None] if doc else []
        if doc is None or not points:
            return Answer("", "not_found", (Block("note", P.say("expired", lang, list=self.list_command)),), lang=lang)
        items, citations = self.point_items(doc, points, lang)
        blocks = (Block("heading", P.say("related_button", lang)), *items, self.source([doc.doc_id], lang))
        return Answer("", "answered", blocks, citations, "related", lang)

    def point_items(
        self, doc: Document, points: Sequence[Point], lang: Lang
    ) -> tuple[list[Block], tuple[Citation, ...]]:
        """One line per point with its first sentence, and their citations."""
        items = [
            Block("item", P.item(self.label(doc, p, lang), p.title, (p.sentences or (p.title,))[0])) for p in points
        ]
        citations = tuple(
            Citation(doc.doc_id, doc.title, p.number, p.section, p.title, 1.0, p.sentences[:1]) for p in points
        )
        return items, citations


class Composer(Quoting):
    """One method per kind of answer."""

    def compose(self, intent: Intent, decision: Decision) -> Answer:
        """The answer to one searched intent (ask, locate, follow-up ellipsis)."""
        lang = intent.lang
        if decision.status == "not_found" or decision.top is None:
            # A remark nothing in the plan is close to ("今天热死了，空调都不管用"): a kind word, not a refusal.
            return self.small_talk(replace(intent, talk="remark")) if intent.remark else self.not_found(intent)
        if decision.status == "related":
            return self.related(intent, decision)
        top = decision.top
        doc, point = self.resolve(top.doc_id, top.point)
        sentences = self.quoted_sentences(top)
        if intent.kind == "locate":
            blocks = [Block("heading", P.say("locate", lang, label=self.label(doc, point, lang), title=point.title))]
            blocks += [Block("section", point.section)] if point.section else []
        else:
            blocks = self.heading(doc, point, lang)
        if point.is_header:
            blocks.append(Block("info", P.document_info(doc.title, doc.issuer, doc.date, lang)))
        blocks += [Block("quote", P.quote(s)) for s in sentences]
        citations = [self.citation(top, sentences)]
        related = decision.hits[1:]
        if related:
            names = []
            for hit in related:
                rdoc, rpoint = self.resolve(hit.doc_id, hit.point)
                names.append(P.heading(rpoint.number, rpoint.title, rdoc.title if self.multi_doc else "", lang))
                citations.append(self.citation(hit, tuple(e.text for e in hit.evidence[:1])))
            blocks.append(Block("related", P.related_list(names, lang)))
        blocks += read_as(decision, lang)
        blocks.append(self.source([c.doc_id for c in citations], lang))
        return Answer(
            intent.text, "answered", tuple(blocks), tuple(citations), intent.kind, lang, confidence=decision.confidence
        )

    def related(self, intent: Intent, decision: Decision) -> Answer:
        """Not confident: the closest points, each with its key sentence, and no claim that they answer."""
        lang = intent.lang
        blocks = [Block("note", P.related_tier(decision.unstated, lang))]
        citations = []
        for i, hit in enumerate(decision.hits):
            doc, point = self.resolve(hit.doc_id, hit.point)
            # The closest point gets the sentences an answer would quote (a fact can span two); the
            # others their best-matching sentence.
            if i == 0:
                sentences = self.quoted_sentences(hit)
            else:
                sentences = (hit.evidence[0].text if hit.evidence else point.title,)
            blocks.append(Block("item", P.item(self.label(doc, point, lang), point.title, "".join(sentences))))
            citations.append(self.citation(hit, sentences))
        blocks += read_as(decision, lang)
        blocks.append(self.source([c.doc_id for c in citations], lang))
        return Answer(
            intent.text, "related", tuple(blocks), tuple(citations), intent.kind, lang, confidence=decision.confidence
        )

    def not_found(self, intent: Intent) -> Answer:
        lang = intent.lang
        blocks = (
            Block("note", P.say("not_found", lang, titles=P.titles([d.title for d in self.corpus.documents]))),
            Block("note", P.browse_hint(lang, self.list_command)),
        )
        return Answer(intent.text, "not_found", blocks, (), intent.kind, lang)

    def empty(self, intent: Intent) -> Answer:
        example = P.EXAMPLES[intent.lang][0]
        return Answer(
            intent.text,
            "empty",
            (Block("note", P.say("empty", intent.lang, example=example)),),
            kind="empty",
            lang=intent.lang,
        )

    def small_talk(self, intent: Intent) -> Answer:
        lang = intent.lang
        names = P.titles([d.title for d in self.corpus.documents])
        blocks = (
            Block("note", P.say(intent.talk or "greeting", lang, titles=names)),
            Block("note", P.examples_line(lang)),
        )
        return Answer(intent.text, "smalltalk", blocks, (), "smalltalk", lang)

    def full_point(self, doc_id: str, number: int, lang: Lang = "zh", question: str = "") -> Answer | None:
        """The whole text of one point (/point N, 第8条, 全文 and deep links); None when it does not exist."""
        doc = self.corpus.document(doc_id)
        point = doc.point(number) if doc else None
        if doc is None or point is None:
            return None
        blocks = (*self.heading(doc, point, lang), Block("body", point.text), self.source([doc.doc_id], lang))
        citation = Citation(doc.doc_id, doc.title, point.number, point.section, point.title, 1.0, point.sentences)
        return Answer(question or P.point_label(number, lang=lang), "answered", blocks, (citation,), "point", lang)

    def no_point(self, intent: Intent, number: int | None, doc: Document) -> Answer:
        """No such point; ``number`` None for a reference that names none ("倒数第五十条")."""
        key, n = ("no_point", number) if number is not None and number >= 0 else ("no_such_point", None)
        note = P.say(key, intent.lang, n=n, last=doc.last_point, list=self.list_command)
        return Answer(intent.text, "not_found", (Block("note", note),), (), "point", intent.lang)

    def mentions(self, intent: Intent, found: list[tuple[str, int, str]]) -> Answer:
        """Every point whose text contains the term, in plan order: (doc_id, point, sentence)."""
        lang, term = intent.lang, intent.query
        if not found:
            notes = (
                Block("note", P.say("mentions_none", lang, term=term)),
                Block("note", P.say("mentions_hint", lang)),
            )
            return Answer(intent.text, "not_found", notes, (), "mentions", lang)
        rows = [(*self.resolve(d, n), s) for d, n, s in found]
        labels = P.listed([self.label(d, p, lang) for d, p, _ in rows], lang)
        blocks = [Block("heading", P.say("mentions_head", lang, term=term, n=len(rows), labels=labels))]
        blocks += [Block("item", P.item(self.label(d, p, lang), p.title, s)) for d, p, s in rows]
        blocks.append(self.source([d.doc_id for d, _, _ in rows], lang))
        citations = tuple(Citation(d.doc_id, d.title, p.number, p.section, p.title, 1.0, (s,)) for d, p, s in rows)
        return Answer(intent.text, "answered", tuple(blocks), citations, "mentions", lang)

    def several(self, intent: Intent, answers: list[Answer]) -> Answer:
        """Several questions in one message: each part under its own line, each cited."""
        blocks: list[Block] = []
        for i, (part, answer) in enumerate(zip(intent.parts, answers, strict=True), 1):
            blocks.append(Block("part", P.say("part", intent.lang, i=i, question=part.text.strip())))
            blocks += [b for b in answer.blocks if b.role != "source"]
        citations = tuple(c for a in answers for c in a.citations)
        if citations:
            blocks.append(self.source([c.doc_id for c in citations], intent.lang))
        statuses = [a.status for a in answers]
        status: AnswerStatus = (
            "answered" if "answered" in statuses else "related" if "related" in statuses else "not_found"
        )
        # Points looked up together are shown in full already: no 全文 / 相关条目 buttons to repeat them.
        kind = "point" if all(part.kind == "point" for part in intent.parts) else "several"
        return Answer(intent.text, status, tuple(blocks), citations, kind, intent.lang)


def document_answer(quoting: Quoting, intent: Intent, doc: Document) -> Answer:
    """Who issued the plan, when, what it is: the parsed notice, cited as the header."""
    lang = intent.lang
    header = doc.point(0)
    numbered = [p for p in doc.points if p.number > 0]
    blocks = [
        Block("info", P.document_info(doc.title, doc.issuer, doc.date, lang)),
        Block("note", P.document_shape(len(doc.sections), len(numbered), lang)),
    ]
    if intent.facet == "outline":
        blocks += outline(doc, lang)
    elif intent.facet in ("validity", "language"):
        # The plan says neither how long it holds nor in what languages it exists: say what it is.
        blocks.append(Block("note", P.say(f"document_{intent.facet}", lang, year=doc.year or "")))
    citations: tuple[Citation, ...] = ()
    if header is not None:
        first = _header_sentences(header, doc.title, intent.facet)
        blocks += [Block("quote", P.quote(s)) for s in first]
        citations = (Citation(doc.doc_id, doc.title, 0, "", header.title, 1.0, first),)
    blocks.append(quoting.source([doc.doc_id], lang))
    return Answer(intent.text, "answered", tuple(blocks), citations, "document", lang)


_IDEA_WORDS = ("总体思路", "指导思想")  # how a plan's header names its overall idea


def _header_sentences(header: Point, title: str, facet: str | None) -> tuple[str, ...]:
    """The header's sentence a document question asks for: the recipients, the overall idea (总体思路),
    else the notice's own sentence."""
    if facet == "recipients":
        return header.sentences[:1]
    idea = [s for s in header.sentences if any(w in s for w in _IDEA_WORDS)] if facet == "idea" else []
    return tuple(idea[:1]) or _notice_sentence(header, title)


def _notice_sentence(header: Point, title: str) -> tuple[str, ...]:
    """The notice's own sentence ("现将《…》印发给你们…"): what the document is and that it is to be
    carried out. The first sentence is the list of recipients, quoted only when they are asked for."""
    named = [s for s in header.sentences if f"《{title}》" in s]
    return tuple(named[:1]) or header.sentences[:1]


def section_answer(quoting: Quoting, intent: Intent, doc: Document) -> Answer:
    """第三部分讲什么: the part's heading, then each of its points with its first sentence."""
    lang = intent.lang
    section = doc.section(intent.section) if intent.section is not None else None
    points = [p for p in (doc.point(n) for n in section.point_numbers) if p is not None] if section else []
    if section is None or not points:
        note = P.say("no_section", lang, count=len(doc.sections), list=quoting.list_command)
        return Answer(intent.text, "not_found", (Block("note", note),), (), "section", lang)
    heading = P.say("section_points", lang, section=section.heading, first=points[0].number, last=points[-1].number)
    items, citations = quoting.point_items(doc, points, lang)
    blocks = (Block("heading", heading), *items, quoting.source([doc.doc_id], lang))
    return Answer(intent.text, "answered", blocks, citations, "section", lang)


def points_answer(quoting: Composer, intent: Intent, doc: Document) -> Answer:
    """第3到5条 / 前三条 / 最后两条: each point with its first sentence, as for a part of the plan."""
    wanted = [n for n in map(doc.counted, intent.points) if n is not None]  # LAST_POINT counts from the end
    points = [p for p in (doc.point(n) for n in wanted) if p is not None]
    if not points:
        first = intent.points[0] if intent.points else None
        return quoting.no_point(intent, first if first is not None and first >= 0 else None, doc)
    heading = P.say("points_span", intent.lang, first=points[0].number, last=points[-1].number)
    items, citations = quoting.point_items(doc, points, intent.lang)
    # "第20到30条" of a plan of 24 points: say where the plan ends rather than list 20–24 silently.
    beyond = (
        [Block("note", P.say("points_beyond", intent.lang, last=doc.last_point))] if len(points) < len(wanted) else []
    )
    blocks = (Block("heading", heading), *items, *beyond, quoting.source([doc.doc_id], intent.lang))
    return Answer(intent.text, "answered", blocks, citations, "points", intent.lang)


def outline(doc: Document, lang: Lang) -> list[Block]:
    """Each part of the plan with its points' range, so "五个部分分别是什么" / "目录" are answered too."""
    return [
        Block(
            "item", P.say("section_points", lang, section=s.heading, first=s.point_numbers[0], last=s.point_numbers[-1])
        )
        for s in doc.sections
        if s.point_numbers
    ]


def read_as(decision: Decision, lang: Lang) -> list[Block]:
    """A note on the slips the search read as the plan's words, when there were any."""
    return [Block("note", P.read_as(decision.respelled, lang))] if decision.respelled else []


def quoted_only(answer: Answer, key: str = "plain") -> Answer:
    """Asked for plain words: say that the bot quotes the plan and never rewords it, then the point
    (``plain``, after "通俗点说") or the answer (``plain_answer``, "…是啥，说人话")."""
    return replace(answer, blocks=(Block("note", P.say(key, answer.lang)), *answer.blocks))


def in_another_point(answer: Answer, asked: int) -> Answer:
    """An answer from another point than the one a look-up named says so in its first line."""
    label = P.point_label(asked, lang=answer.lang)
    return replace(answer, blocks=(Block("note", P.say("other_point", answer.lang, asked=label)), *answer.blocks))


def in_context(answer: Answer, topic_question: str) -> Answer:
    """An answer that used the chat's previous topic says so in its first line."""
    note = Block("note", P.say("context", answer.lang, question=topic_question))
    return replace(answer, blocks=(note, *answer.blocks), context_used=True)


# ------------------------------------------------------------------------------------------------
# a library of plans (bot/plans.py decides which plans; these only word the result)


def compare(quoting: Quoting, intent: Intent, found: list[Decision], missing: list[Document]) -> Answer:
    """Each plan's clause on the topic side by side, newest first, with its key sentences (those with
    figures first) and its citation; the plans that do not cover it are named."""
    lang = intent.lang
    if not found:
        note = P.say("compare_none", lang, titles=P.titles([d.title for d in missing]), topic=intent.query)
        return Answer(intent.text, "not_found", (Block("note", note),), (), "compare", lang)
    blocks = [Block("heading", P.say("compare_head", lang, topic=intent.query))]
    citations = []
    for decision in found:
        hit = decision.hits[0]
        doc, point = quoting.resolve(hit.doc_id, hit.point)
        sentences = quoting.quoted_sentences(hit)
        label = P.point_label(point.number, doc.title, lang)
        quote = "".join(P.quote(s) for s in sentences)
        year = P.say("compare_year", lang, year=doc.year) if doc.year else ""
        blocks.append(
            Block("item", P.say("compare_item", lang, year=year, label=label, title=point.title, quote=quote))
        )
        citations.append(quoting.citation(hit, sentences))
    if missing:
        blocks.append(
            Block("note", P.say("compare_missing", lang, plans=P.plan_names([d.year for d in missing], lang)))
        )
    blocks.append(quoting.source([c.doc_id for c in citations], lang))
    return Answer(intent.text, "answered", tuple(blocks), tuple(citations), "compare", lang)


def with_older(quoting: Quoting, answer: Answer, older: Decision) -> Answer:
    """One line under an answer from the newest plan: an older plan says something different."""
    hit = older.hits[0]
    doc, point = quoting.resolve(hit.doc_id, hit.point)
    sentences = quoting.quoted_sentences(hit)
    label = P.point_label(point.number, doc.title, answer.lang)
    note = Block("note", P.say("older_differs", answer.lang, label=label, quote="".join(P.quote(s) for s in sentences)))
    blocks = [b for b in answer.blocks if b.role != "source"]
    citations = (*answer.citations, quoting.citation(hit, sentences))
    source = quoting.source([c.doc_id for c in citations], answer.lang)
    return replace(answer, blocks=(*blocks, note, source), citations=citations)


def with_duty(quoting: Quoting, answer: Answer) -> Answer:
    """The responsible units of the answer's first clause (its （责任单位：…） note), before the source."""
    if not answer.citations:
        return answer
    top = answer.citations[0]
    _, point = quoting.resolve(top.doc_id, top.point)
    line = P.say("duty", answer.lang, duty=point.duty) if point.duty else P.say("duty_none", answer.lang)
    blocks = list(answer.blocks)
    at = next((i for i, b in enumerate(blocks) if b.role == "source"), len(blocks))
    blocks.insert(at, Block("info", line))
    return replace(answer, blocks=tuple(blocks))


def no_plan_year(intent: Intent, years: tuple[int, ...], loaded: list[Document]) -> Answer:
    lang = intent.lang
    names = "、".join(str(y) for y in years)
    note = P.say("no_plan_year", lang, years=names, loaded=P.titles([d.title for d in loaded]))
    return Answer(intent.text, "not_found", (Block("note", note),), (), intent.kind, lang)


def note_answer(intent: Intent, key: str, **values: object) -> Answer:
    """A one-line reply that is not an answer (a usage hint)."""
    note = Block("note", P.say(key, intent.lang, **values))
    return Answer(intent.text, "not_found", (note,), (), intent.kind, intent.lang)
