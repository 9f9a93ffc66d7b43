"""Parse work-plan pages into typed records: document → section → work point → sentences.

The source files are raw web pages: a summary block, the issuing notice repeated, the plan itself and
QR-code lines at the end. The parser finds the formal notice ("关于印发《…》的通知"), the plan title,
the sections (一、…) and the numbered points (1.…), and drops the rest. Corpus text is never altered:
every string in the records is a verbatim slice of the source (minus surrounding whitespace).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot import presentation as P
from bot.text import chinese_number

logger = logging.getLogger(__name__)

# File types read from corpus/. Anything else (e.g. a README) is skipped with a log line.
CORPUS_SUFFIXES = (".txt", ".md")
# Files kept beside a plan that are not plans themselves: the question bank (bot/bank.py).
COMPANION_SUFFIXES = (".questions.tsv",)

HEADER_TITLE = P.HEADER_TITLE

_NOTICE_RE = re.compile(r"^关于(?:印发|下发|转发)?.*?《(?P<title>[^》]+)》.*通知$")
_SECTION_RE = re.compile(r"^(?P<label>[一二三四五六七八九十]{1,3})[、.．]\s*(?P<title>\S.*)$")
# "1." / "1．" / "1、" at the start of a paragraph; the look-ahead stops "2.0行动计划" matching.
_POINT_RE = re.compile(r"^(?P<number>\d{1,3})\s*[.．、](?!\d)\s*(?P<body>\S.*)$")
_DATE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
# Web-page furniture that follows the plan text.
_NOISE_RE = re.compile(
    r"二维码|订阅号|服务号|公众号|扫一扫|分享到|打印本页|关闭窗口|责任编辑|【字体|浏览次数|^来源[:：]"
)
_TRUNCATED_RE = re.compile(r"(\.\.\.|…)$")

_SENTENCE_END = "。！？；!?;"
_OPENERS = "（(“‘《「【"
_CLOSERS = "）)”’》」】"
_CLOSER_AFTER_END = "”’」）)"

_SUMMARY_LINES = {"摘要", "摘 要"}  # a web page's summary block before the notice


class CorpusError(ValueError):
    """A corpus file could not be read or parsed into a plan."""


@dataclass(frozen=True)
class Point:
    """One numbered work point (第N条). Point 0 is the document header: notice + overall approach."""

    doc_id: str
    number: int
    title: str
    text: str
    section: str
    sentences: tuple[str, ...]

    @property
    def is_header(self) -> bool:
        return self.number == 0


@dataclass(frozen=True)
class Section:
    number: int
    label: str
    title: str
    point_numbers: tuple[int, ...]

    @property
    def heading(self) -> str:
        return f"{self.label}、{self.title}"


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    issuer: str | None
    date: str | None
    notice: str
    source: str
    sha256: str
    sections: tuple[Section, ...]
    points: tuple[Point, ...] = field(repr=False)

    def point(self, number: int) -> Point | None:
        for point in self.points:
            if point.number == number:
                return point
        return None

    @property
    def last_point(self) -> int:
        return max(p.number for p in self.points)

    @property
    def work_points(self) -> tuple[Point, ...]:
        """The numbered points, without the header."""
        return tuple(p for p in self.points if not p.is_header)


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]

    def document(self, doc_id: str) -> Document | None:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        return None

    def point(self, doc_id: str, number: int) -> Point | None:
        doc = self.document(doc_id)
        return doc.point(number) if doc else None

    @property
    def points(self) -> tuple[Point, ...]:
        return tuple(p for doc in self.documents for p in doc.points)

    @property
    def file_hashes(self) -> dict[str, str]:
        return {doc.source: doc.sha256 for doc in self.documents}


def split_sentences(text: str) -> list[str]:
    """Split Chinese text after 。！？； — but not inside brackets or quotes — keeping the punctuation."""
    sentences: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _OPENERS:
            depth += 1
        elif ch in _CLOSERS:
            depth = max(0, depth - 1)
        elif ch in _SENTENCE_END and depth == 0:
            end = i + 1
            # Keep a closing quote that directly follows the full stop with its sentence.
            while end < len(text) and text[end] in _CLOSER_AFTER_END:
                end += 1
            piece = text[start:end].strip()
            if piece:
                sentences.append(piece)
            start = end
            i = end
            continue
        i += 1
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _paragraphs(raw: str) -> list[str]:
    # Ideographic and no-break spaces indent paragraphs in the source; str.strip() removes both.
    return [line.strip() for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip()]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).strip("《》")


def _point_title(body: str) -> str:
    """The short title is the text before the first 。; fall back to the first clause."""
    head = body.split("。", 1)[0]
    if len(head) <= 40:
        return head
    clause = re.split(r"[，,；;：:]", body, maxsplit=1)[0]
    return clause[:40]


def _find_title(paras: list[str], name: str) -> tuple[str, list[str], list[str]]:
    """(title, notice paragraphs, body paragraphs). The formal notice ("关于印发《…》的通知") starts the
    useful text; everything before it (summary block, the notice repeated) is page noise. The plan
    body starts after the standalone title line."""
    notice_at = next((i for i, p in enumerate(paras) if _NOTICE_RE.match(p)), None)
    if notice_at is not None:
        title = _NOTICE_RE.match(paras[notice_at]).group("title")  # type: ignore[union-attr]
        wanted = _compact(title)
        title_at = next((i for i in range(notice_at + 1, len(paras)) if _compact(paras[i]) == wanted), None)
        if title_at is not None:
            return title, paras[notice_at:title_at], paras[title_at + 1 :]
        # No title line: the notice ends with its date line (or is just the notice line).
        date_at = next((i for i in range(notice_at + 1, len(paras)) if _DATE_RE.match(paras[i])), None)
        end = date_at if date_at is not None else notice_at
        return title, paras[notice_at : end + 1], paras[end + 1 :]
    # No notice: skip a leading summary block and take the first remaining line as the title.
    title_at = 0
    while title_at < len(paras) and (paras[title_at] in _SUMMARY_LINES or _TRUNCATED_RE.search(paras[title_at])):
        title_at += 1
    if title_at >= len(paras):
        raise CorpusError(f"{name}: no plan text found")
    return paras[title_at].strip("《》"), [], paras[title_at + 1 :]


def _issuer_and_date(notice_paras: list[str]) -> tuple[str | None, str | None]:
    """Issuer and date sit at the end of the notice: a short line, then the date line."""
    for i in range(len(notice_paras) - 1, -1, -1):
        if _DATE_RE.match(notice_paras[i]):
            previous = notice_paras[i - 1] if i > 0 else ""
            issuer = previous if previous and len(previous) <= 30 and previous[-1] not in "。:：,，" else None
            return issuer, notice_paras[i]
    return None, None


_RawPoint = tuple[int, str, list[str]]  # (number, section heading, paragraphs)
_RawSection = tuple[int, str, str, list[int]]  # (number, label, title, point numbers)


def _walk_body(body: list[str]) -> tuple[list[str], list[_RawSection], list[_RawPoint]]:
    """Preamble, sections and points of the body; stops at page furniture."""
    preamble: list[str] = []
    sections: list[_RawSection] = []
    points: list[_RawPoint] = []
    for para in body:
        if _NOISE_RE.search(para):
            break
        if m := _SECTION_RE.match(para):
            label = m.group("label")
            sections.append((chinese_number(label) or 0, label, m.group("title").strip(), []))
        elif m := _POINT_RE.match(para):
            number = int(m.group("number"))
            heading = f"{sections[-1][1]}、{sections[-1][2]}" if sections else ""
            points.append((number, heading, [m.group("body")]))
            if sections:
                sections[-1][3].append(number)
        elif points:
            points[-1][2].append(para)
        else:
            preamble.append(para)  # the overall approach (总体思路) before the first section: the header's
    return preamble, sections, points


def _check_numbers(points: list[_RawPoint], name: str) -> None:
    if not points:
        raise CorpusError(f"{name}: no numbered work points (1. 2. …) found")
    numbers = [n for n, _, _ in points]
    if len(set(numbers)) != len(numbers):
        dupes = sorted({n for n in numbers if numbers.count(n) > 1})
        raise CorpusError(f"{name}: work point numbers repeat: {dupes}")
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        logger.warning("%s: work points are not numbered consecutively: %s", name, numbers)


def _header(doc_id: str, title: str, notice_paras: list[str], preamble: list[str], metadata: set[str | None]) -> Point:
    """Point 0: the notice and the overall approach. Its evidence sentences leave out the notice's
    title, issuer and date lines: answers about the header state those in their own line."""
    paras = notice_paras + preamble
    text = "\n".join(paras) if paras else title
    skip = metadata | ({notice_paras[0]} if notice_paras else set())
    sentences = tuple(s for p in paras if p not in skip for s in split_sentences(p)) or (title,)
    return Point(doc_id, 0, HEADER_TITLE, text, "", sentences)


def _point(doc_id: str, number: int, heading: str, paras: list[str]) -> Point:
    title = _point_title(paras[0])
    sentences = [s for p in paras for s in split_sentences(p)]
    # The title is the first sentence; keep it out of the evidence sentences unless it is all there is.
    if len(sentences) > 1 and sentences[0].rstrip("。") == title:
        sentences = sentences[1:]
    return Point(doc_id, number, title, "\n".join(paras), heading, tuple(sentences))


def parse_plan(raw: str, doc_id: str, source: str = "", sha256: str = "") -> Document:
    """Parse one plan page. Raises CorpusError when no numbered work points are found."""
    name = source or doc_id
    paras = _paragraphs(raw)
    if not paras:
        raise CorpusError(f"{name}: the file is empty")
    title, notice_paras, body = _find_title(paras, name)
    issuer, date = _issuer_and_date(notice_paras)
    preamble, sections, points = _walk_body(body)
    _check_numbers(points, name)
    records = [_header(doc_id, title, notice_paras, preamble, {issuer, date})]
    records += [_point(doc_id, number, heading, body_paras) for number, heading, body_paras in points]
    return Document(
        doc_id=doc_id,
        title=title,
        issuer=issuer,
        date=date,
        notice="\n".join(notice_paras),
        source=source,
        sha256=sha256,
        sections=tuple(Section(n, label, t, tuple(nums)) for n, label, t, nums in sections),
        points=tuple(records),
    )


def read_text(path: Path) -> tuple[str, str]:
    """Return (text, sha256) of a corpus file; accepts UTF-8 (with or without BOM) and GB18030."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), digest
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{path}: not UTF-8 or GB18030 text; save the file as UTF-8")


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every plan file in corpus_dir, sorted by name so builds are reproducible."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; create it and put plan files in it")
    files = []
    for path in sorted(corpus_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name.endswith(COMPANION_SUFFIXES):
            continue  # hidden files, folders, and files that belong to a plan (its question bank)
        if path.suffix.lower() not in CORPUS_SUFFIXES or path.name.lower().startswith("readme"):
            logger.info("skipping %s: not a plan file (%s)", path.name, ", ".join(CORPUS_SUFFIXES))
            continue
        files.append(path)
    if not files:
        raise CorpusError(f"no plan files ({', '.join(CORPUS_SUFFIXES)}) in {corpus_dir}")
    return files


def load_corpus(corpus_dir: Path) -> Corpus:
    documents = []
    for path in corpus_files(corpus_dir):
        text, digest = read_text(path)
        documents.append(parse_plan(text, doc_id=path.stem, source=path.name, sha256=digest))
    return Corpus(tuple(documents))
