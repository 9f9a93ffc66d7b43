"""Compose the cited reply from search hits. The plan is quoted verbatim; nothing is paraphrased.

An ``Answer`` is channel-neutral: ``text`` is the plain text a console user sees, and ``blocks``
hold the same content with roles (heading / quote / related / source / note) so the Telegram
channel can render identical words with HTML emphasis.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.corpus import Corpus, Document, Point
from bot.retrieval import Hit, SearchResult

# The second-best sentence is quoted too when it scores at least this share of the best one:
# some facts span two sentences, and a near-tie means the plan states the point twice.
SECOND_SENTENCE_RATIO = 0.8


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
class Block:
    role: str  # heading | info | quote | body | item | related | source | note
    text: str


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    blocks: tuple[Block, ...]
    citations: tuple[Citation, ...] = ()
    elapsed_ms: float = 0.0
    kind: str = "answer"  # answer | not_found | empty | list | point
    context_used: bool = False

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)

    def as_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.text,
            "citations": [c.as_json() for c in self.citations],
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def point_label(point: Point, doc: Document, multi_doc: bool) -> str:
    """'第8条' — or '《标题》第8条' when several plans are loaded; point 0 is the header."""
    prefix = f"《{doc.title}》" if multi_doc else ""
    return f"{prefix}文件头" if point.is_header else f"{prefix}第{point.number}条"


class Composer:
    def __init__(self, corpus: Corpus, max_related: int = 2) -> None:
        self.corpus = corpus
        self.max_related = max_related

    @property
    def multi_doc(self) -> bool:
        return len(self.corpus.documents) > 1

    def _doc(self, doc_id: str) -> Document:
        doc = self.corpus.document(doc_id)
        if doc is None:  # an index and corpus out of step; the index loader prevents this
            raise KeyError(f"document {doc_id!r} is not loaded")
        return doc

    def _point(self, hit: Hit) -> tuple[Document, Point]:
        doc = self._doc(hit.doc_id)
        point = doc.point(hit.point)
        if point is None:
            raise KeyError(f"point {hit.point} of {hit.doc_id!r} is not loaded")
        return doc, point

    def citation(self, hit: Hit, sentences: tuple[str, ...]) -> Citation:
        doc, point = self._point(hit)
        return Citation(doc.doc_id, doc.title, point.number, point.section, point.title, hit.score, sentences)

    def heading(self, point: Point, doc: Document) -> str:
        label = point_label(point, doc, self.multi_doc)
        if point.is_header:
            return f"{label}（{point.title}）"
        section = f"（{point.section}）" if point.section else ""
        return f"{label} {point.title}{section}"

    def quoted_sentences(self, hit: Hit) -> tuple[str, ...]:
        if not hit.evidence:
            return (self._point(hit)[1].title,)
        best = hit.evidence[0]
        chosen = [best]
        for ev in hit.evidence[1:]:
            if best.score > 0 and ev.score >= SECOND_SENTENCE_RATIO * best.score:
                chosen.append(ev)
        # Quote in the plan's own order.
        return tuple(ev.text for ev in sorted(chosen, key=lambda e: e.sentence))

    @staticmethod
    def document_info(doc: Document) -> str:
        """Who issued the plan and when — facts parsed from the notice, for questions about the header."""
        issued = "".join(x for x in (doc.issuer, f"于{doc.date}" if doc.date else None) if x)
        return f"文件信息：《{doc.title}》" + (f"，{issued}印发。" if issued else "。")

    def source_line(self, doc_ids: list[str]) -> str:
        docs = [self._doc(d) for d in dict.fromkeys(doc_ids)]
        return "来源：" + "；".join(doc.source_line for doc in docs)

    def compose(self, result: SearchResult, elapsed_ms: float = 0.0, browse_hint: str = "") -> Answer:
        question = result.query.text
        if result.reason == "empty":
            return self.empty(question, elapsed_ms)
        if not result.in_scope or result.top is None:
            return self.not_found(question, elapsed_ms, browse_hint)
        top = result.top
        doc, point = self._point(top)
        sentences = self.quoted_sentences(top)
        blocks = [Block("heading", self.heading(point, doc))]
        if point.is_header:
            blocks.append(Block("info", self.document_info(doc)))
        blocks += [Block("quote", f"“{s}”") for s in sentences]
        citations = [self.citation(top, sentences)]
        related = [h for h in result.hits[1:] if h.score > 0][: self.max_related]
        if related:
            names = []
            for hit in related:
                rdoc, rpoint = self._point(hit)
                names.append(f"{point_label(rpoint, rdoc, self.multi_doc)} {rpoint.title}")
                citations.append(self.citation(hit, tuple(e.text for e in hit.evidence[:1])))
            blocks.append(Block("related", "相关条目：" + "；".join(names)))
        blocks.append(Block("source", self.source_line([c.doc_id for c in citations])))
        return Answer(question, True, tuple(blocks), tuple(citations), elapsed_ms)

    def clause(self, hit: Hit) -> Answer:
        """One cited clause on its own (inline mode): heading, the key sentence(s), source."""
        doc, point = self._point(hit)
        sentences = self.quoted_sentences(hit)
        blocks = (Block("heading", self.heading(point, doc)), *(Block("quote", f"“{s}”") for s in sentences),
                  Block("source", self.source_line([doc.doc_id])))
        return Answer(point.title, True, blocks, (self.citation(hit, sentences),))

    def not_found(self, question: str, elapsed_ms: float = 0.0, browse_hint: str = "") -> Answer:
        titles = "、".join(f"《{d.title}》" for d in self.corpus.documents)
        hint = browse_hint or "可以换个说法再问，或浏览全部条目。"
        blocks = (
            Block("note", f"抱歉，在{titles}中没有找到与这个问题相关的内容。"),
            Block("note", hint),
        )
        return Answer(question, False, blocks, (), elapsed_ms, kind="not_found")

    def empty(self, question: str, elapsed_ms: float = 0.0) -> Answer:
        blocks = (Block("note", "请输入想了解的问题，例如：“大班额比例要控制在多少？”"),)
        return Answer(question, False, blocks, (), elapsed_ms, kind="empty")

    def mentions(self, question: str, term: str, normalize: Callable[[str], str]) -> Answer:
        """Every point whose text contains ``term`` (compared after normalisation), in plan order."""
        wanted = normalize(term)
        found: list[tuple[Document, Point, str]] = []
        for doc in self.corpus.documents:
            for point in doc.points:
                if wanted and wanted in normalize(point.text):
                    sentence = next((s for s in point.sentences if wanted in normalize(s)), point.title)
                    found.append((doc, point, sentence))
        if not found:
            blocks = (Block("note", f"没有条目提到“{term}”。"),
                      Block("note", "可以换个说法，或直接提问。"))
            return Answer(question, False, blocks, (), kind="not_found")
        labels = "、".join(point_label(p, d, self.multi_doc) for d, p, _ in found)
        blocks = [Block("heading", f"提到“{term}”的条目（{len(found)}条）：{labels}")]
        for doc, point, sentence in found:
            blocks.append(Block("item", f"{point_label(point, doc, self.multi_doc)} {point.title}：“{sentence}”"))
        blocks.append(Block("source", self.source_line([d.doc_id for d, _, _ in found])))
        citations = tuple(Citation(d.doc_id, d.title, p.number, p.section, p.title, 1.0, (s,)) for d, p, s in found)
        return Answer(question, True, tuple(blocks), citations, kind="list")

    def full_point(self, doc_id: str, number: int) -> Answer | None:
        """The whole text of one point (for /point N, 全文 and deep links)."""
        doc = self.corpus.document(doc_id)
        point = doc.point(number) if doc else None
        if doc is None or point is None:
            return None
        blocks = (Block("heading", self.heading(point, doc)), Block("body", point.text),
                  Block("source", self.source_line([doc.doc_id])))
        citation = Citation(doc.doc_id, doc.title, point.number, point.section, point.title, 1.0, point.sentences)
        return Answer(f"第{number}条", True, blocks, (citation,), kind="point")
