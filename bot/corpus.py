"""Parse work-plan pages into typed records: document → section → work point → sentences.

The source files are raw web pages: a summary block, the issuing notice repeated, the plan itself and
QR-code lines at the end. The parser finds the formal notice ("关于印发《…》的通知"), the plan title,
the sections (一、…) and the numbered points (1.…), and drops the rest. Corpus text is never altered:
every string in the records is a verbatim slice of the source (minus surrounding whitespace).
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot import presentation as P
from bot.formats import FORMATS, FormatError, decode, extract
from bot.text import chinese_number

logger = logging.getLogger(__name__)

# File types read from corpus/ (bot/formats.py reads each). Anything else is skipped with a warning.
CORPUS_SUFFIXES = tuple(FORMATS)
# Files kept beside a plan that are not plans themselves: the question bank (bot/bank.py).
COMPANION_SUFFIXES = (".questions.tsv",)

HEADER_TITLE = P.HEADER_TITLE

_NOTICE_RE = re.compile(r"^关于(?:印发|下发|转发)?.*?《(?P<title>[^》]+)》.*通知$")
_SECTION_RE = re.compile(r"^(?P<label>[一二三四五六七八九十]{1,3})[、.．]\s*(?P<title>\S.*)$")
# A sub-heading "（一）学前教育和义务教育": short and without a full stop. "（一）…。" with sentences is
# an enumerated paragraph inside a point and stays in the point.
_GROUP_RE = re.compile(r"^[（(](?P<label>[一二三四五六七八九十]{1,3})[）)]\s*(?P<title>[^。！？；]{1,40})$")
# "1." / "1．" / "１．" / "1、" at the start of a paragraph; the look-ahead stops "2.0行动计划" matching.
_POINT_RE = re.compile(r"^(?P<number>[0-9０-９]{1,3})\s*[.．、](?![0-9０-９])\s*(?P<body>\S.*)$")
# Any line that starts a new structural unit (for rejoining hard-wrapped lines).
_MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|[0-9０-９]{1,3}\s*[.．、](?![0-9０-９]))"
)
# "（责任单位：市教育局基础教育科、各区（市）教体局）" closing a point: metadata, not text to quote.
_DUTY_RE = re.compile(r"[（(](?:责任单位|牵头单位|责任科室|责任部门|责任处室)[:：]")
_DATE_RE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
# Web-page furniture that follows the plan text.
_NOISE_RE = re.compile(
    r"二维码|订阅号|服务号|公众号|扫一扫|分享到|打印本页|关闭窗口|责任编辑|【字体|浏览次数|^来源[:：]"
    r"|^主办单位[:：]|^版权所有|ICP备|^网站地图|^联系我们"
)
# Page furniture is short; a plan sentence that mentions a 公众号 is not furniture.
_NOISE_MAX = 60
_YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")
_TRUNCATED_RE = re.compile(r"(\.\.\.|…)$")

_SENTENCE_END = "。！？；!?;"
_OPENERS = "（(“‘《「【"
_CLOSERS = "）)”’》」】"
_CLOSER_AFTER_END = "”’」）)"

# Hard-wrap detection (wrap_of): widths in display columns; a first line may be indented.
_INDENT = 2
_WRAP_MAX = 140
_WRAP_SHARE = 0.3

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
    group: str = ""  # the sub-heading （一）… the point sits under, when the plan has them
    duty: str = ""  # the units named in its （责任单位：…） note

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
    format: str = "text"

    @property
    def year(self) -> int | None:
        """The plan's year: the one in its title (…2022年工作要点), else the year it was issued."""
        for text in (self.title, self.date or ""):
            if m := _YEAR_RE.search(text):
                return int(m.group(1))
        return None

    def point(self, number: int) -> Point | None:
        for point in self.points:
            if point.number == number:
                return point
        return None

    @property
    def last_point(self) -> int:
        return max(p.number for p in self.points)

    def counted(self, number: int) -> int | None:
        """A point number as asked: ``number`` itself, or for a negative one counted from the end
        of the work points (-1 the last, -2 the one before: 最后一条, 倒数第二条); None before the first."""
        if number >= 0:
            return number
        work = sorted(p.number for p in self.work_points)
        return work[number] if -number <= len(work) else None

    def section(self, number: int) -> Section | None:
        """Part ``number`` of the body, or for a negative one counted from the end (-1: 最后一部分)."""
        if number < 0:
            return self.sections[number] if -number <= len(self.sections) else None
        return next((s for s in self.sections if s.number == number), None)

    @property
    def work_points(self) -> tuple[Point, ...]:
        """The numbered points, without the header."""
        return tuple(p for p in self.points if not p.is_header)


@dataclass(frozen=True)
class Failure:
    """A plan file that could not be read or parsed: never skipped silently."""

    source: str
    reason: str
    sha256: str = ""


@dataclass(frozen=True)
class Corpus:
    documents: tuple[Document, ...]
    failures: tuple[Failure, ...] = ()

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
        """Every file read, parsed or failed: a failed file that stays as it is does not make the
        index stale, a fixed one does."""
        return {**{f.source: f.sha256 for f in self.failures}, **{doc.source: doc.sha256 for doc in self.documents}}


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


def _width(line: str) -> int:
    """Display width: a Chinese character or full-width mark (also “”…—) is two columns, a digit
    or Latin letter one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in line)


@dataclass(frozen=True)
class _Wrap:
    """Where a hard-wrapped text breaks its lines: by display width (a PDF lays out columns) and by
    character count (an editor or a converter wraps at N characters)."""

    width: int
    chars: int

    def full(self, line: str) -> bool:
        """A line that reaches the margin, give or take a first-line indent of two characters."""
        text = line.strip()
        return _width(text) >= self.width - 2 * _INDENT or len(text) >= self.chars - _INDENT


def wrap_of(lines: Sequence[str]) -> _Wrap | None:
    """How a hard-wrapped text (a PDF's lines, text pasted from one) breaks its lines, or None when
    lines are paragraphs. Wrapped text has many lines of one width: in the PDFs and wrapped files of
    tests/data/years, 75–90 % of the lines reach the margin; in the 2021 plan, one paragraph per
    line, 8 % do."""
    texts = [line.strip() for line in lines if len(line.strip()) >= 8]
    if len(texts) < 8:
        return None
    widths = sorted(_width(t) for t in texts)
    chars = sorted(len(t) for t in texts)
    wrap = _Wrap(widths[int(0.9 * (len(widths) - 1))], chars[int(0.9 * (len(chars) - 1))])
    if wrap.width > _WRAP_MAX:
        return None
    full = sum(1 for t in texts if wrap.full(t))
    if full < _WRAP_SHARE * len(texts):
        return None
    # A list of one-line items of similar length is not wrapped text: its full lines are followed
    # by numbered lines. In wrapped text most full lines run on into an unnumbered line.
    lines = [line for line in lines if line.strip()]
    runs_on = sum(
        1
        for line, following in itertools.pairwise(lines)
        if wrap.full(line) and not _MARKER_RE.match(following.strip()) and not following[:1].isspace()
    )
    return wrap if runs_on >= max(3, _WRAP_SHARE * full) else None


def _continues(line: str, following: str, wrap: _Wrap) -> bool:
    """Whether ``following`` continues the paragraph that ``line`` (a wrapped line) is part of."""
    if not wrap.full(line):
        return False  # a short line ends its paragraph
    if following[:1].isspace() or following[:1] == "\u3000":
        return False  # an indented line starts one
    # A numbered line after a full stop starts a paragraph; after "；" it is the next item of an
    # inline list（1）…；（2）…, which the wrap happened to put at the start of a line.
    return not (_MARKER_RE.match(following.strip()) and line.rstrip()[-1:] in "。！？!?：:）)")


def _join(left: str, right: str) -> str:
    # Latin words broken across lines keep a space between them; Chinese text joins directly.
    gap = " " if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha() else ""
    return left + gap + right


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """Paragraphs from lines. A line is a paragraph, except in hard-wrapped text, where a full-width
    line runs on into the next unless that one is indented or starts a numbered unit after a full
    stop. Ideographic and no-break spaces indent paragraphs; str.strip() removes both."""
    wrap = wrap_of(lines)
    paras: list[str] = []
    open_para = False
    for i, line in enumerate(lines):
        text = line.strip()
        if not text:
            open_para = False
            continue
        if open_para and paras:
            paras[-1] = _join(paras[-1], text)
        else:
            paras.append(text)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        open_para = wrap is not None and bool(following.strip()) and _continues(line, following, wrap)
    return paras


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


@dataclass(frozen=True)
class _RawPoint:
    number: int
    section: str
    group: str
    paras: list[str]


_RawSection = tuple[int, str, str, list[int]]  # (number, label, title, point numbers)


def _walk_body(body: list[str], name: str) -> tuple[list[str], list[_RawSection], list[_RawPoint]]:
    """Preamble, sections and points of the body; stops at page furniture. A numbered paragraph
    whose number does not go up (a list 1. 2. inside point 5) stays inside the point it is in."""
    preamble: list[str] = []
    sections: list[_RawSection] = []
    points: list[_RawPoint] = []
    group = ""
    items = False  # inside a point's own （一）（二） list
    for para in body:
        if len(para) <= _NOISE_MAX and _NOISE_RE.search(para):
            break
        point = _POINT_RE.match(para)
        if _SECTION_RE.match(para) or (point and (not points or int(point.group("number")) > points[-1].number)):
            items = False
        if m := _SECTION_RE.match(para):
            label = m.group("label")
            sections.append((chinese_number(label) or 0, label, m.group("title").strip(), []))
            group = ""
        elif (m := _GROUP_RE.match(para)) and not (items or (points and points[-1].paras[-1][-1:] in "：:；;")):
            group = f"（{m.group('label')}）{m.group('title').strip()}"
        elif point and (not points or int(point.group("number")) > points[-1].number):
            number = int(point.group("number"))
            heading = f"{sections[-1][1]}、{sections[-1][2]}" if sections else ""
            points.append(_RawPoint(number, heading, group, [point.group("body")]))
            if sections:
                sections[-1][3].append(number)
        elif points:
            # After "…重点资助以下对象：" （一）（二） lines are items of the point, not sub-headings.
            items = items or bool(_GROUP_RE.match(para))
            if point:
                logger.warning(
                    "%s: %r does not continue the numbering; kept in point %d", name, para[:12], points[-1].number
                )
            points[-1].paras.append(para)
        else:
            preamble.append(para)  # the overall approach (总体思路) before the first section: the header's
    return preamble, sections, points


def _check_numbers(points: list[_RawPoint], name: str) -> None:
    if not points:
        raise CorpusError(f"{name}: no numbered work points (1. 2. …) found")
    numbers = [p.number for p in points]
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


def split_duty(paras: list[str]) -> tuple[list[str], str]:
    """The point's paragraphs without its closing （责任单位：…） note, and the units the note names.
    The note may end the last paragraph or stand alone; brackets inside it (各区（市）教体局) nest."""
    last = paras[-1]
    starts = list(_DUTY_RE.finditer(last))
    if not starts:
        return paras, ""
    start = starts[-1]
    depth = 0
    for i in range(start.start(), len(last)):
        if last[i] in "（(":
            depth += 1
        elif last[i] in "）)":
            depth -= 1
        if depth == 0:
            if last[i + 1 :].strip():
                return paras, ""  # the note is not at the end: leave the text as it is
            duty = last[start.end() : i].strip()
            rest = last[: start.start()].rstrip()
            return ([*paras[:-1], rest] if rest else paras[:-1]), duty
    return paras, ""


def _point(doc_id: str, raw: _RawPoint) -> Point:
    paras, duty = split_duty(raw.paras)
    title = _point_title(paras[0])
    sentences = [s for p in paras for s in split_sentences(p)]
    # The title is the first sentence; keep it out of the evidence sentences unless it is all there is.
    if len(sentences) > 1 and sentences[0].rstrip("。") == title:
        sentences = sentences[1:]
    return Point(doc_id, raw.number, title, "\n".join(paras), raw.section, tuple(sentences), raw.group, duty)


def parse_plan(
    raw: str | Sequence[str], doc_id: str, source: str = "", sha256: str = "", format: str = "text"
) -> Document:
    """Parse one plan from its text or its lines. Raises CorpusError when no numbered work points
    are found."""
    name = source or doc_id
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n") if isinstance(raw, str) else raw
    paras = _paragraphs(lines)
    if not paras:
        raise CorpusError(f"{name}: the file is empty")
    title, notice_paras, body = _find_title(paras, name)
    issuer, date = _issuer_and_date(notice_paras)
    preamble, sections, points = _walk_body(body, name)
    _check_numbers(points, name)
    records = [_header(doc_id, title, notice_paras, preamble, {issuer, date})]
    records += [_point(doc_id, point) for point in points]
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
        format=format,
    )


def read_text(path: Path) -> tuple[str, str]:
    """Return (text, sha256) of a text file; accepts UTF-8 (with or without BOM) and GB18030."""
    data = path.read_bytes()
    try:
        return decode(data, str(path)), hashlib.sha256(data).hexdigest()
    except FormatError as e:
        raise CorpusError(str(e)) from e


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every plan file in corpus_dir, sorted by name so builds are reproducible. A file of a type
    no reader handles is named in a warning, never skipped silently."""
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist; create it and put plan files in it")
    files = []
    for path in sorted(corpus_dir.iterdir()):
        if path.name.startswith(".") or not path.is_file() or path.name.endswith(COMPANION_SUFFIXES):
            continue  # hidden files, folders, and files that belong to a plan (its question bank)
        if path.name.lower().startswith("readme"):
            continue
        if path.suffix.lower() not in CORPUS_SUFFIXES:
            logger.warning("skipping %s: not a plan file type (%s)", path.name, " ".join(CORPUS_SUFFIXES))
            continue
        files.append(path)
    if not files:
        raise CorpusError(f"no plan files ({', '.join(CORPUS_SUFFIXES)}) in {corpus_dir}")
    return files


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes (the index records one per corpus file to detect changes)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _failed_hash(path: Path) -> str:
    try:
        return file_sha256(path)
    except OSError:
        return ""  # unreadable: any later readable version differs from it


def load_document(path: Path) -> Document:
    """Read and parse one plan file of any supported format. Raises CorpusError naming the file."""
    try:
        extracted = extract(path)
    except FormatError as e:
        raise CorpusError(str(e)) from e
    except Exception as e:  # a damaged file can make any reader library raise anything
        raise CorpusError(f"{path.name}: could not be read ({type(e).__name__}: {str(e)[:120]})") from e
    try:
        return parse_plan(
            extracted.lines, doc_id=path.stem, source=path.name, sha256=extracted.sha256, format=extracted.format
        )
    except CorpusError as e:
        if extracted.format == "docx" and "no numbered work points" in str(e):
            # Word's automatic list numbering is not part of the text python-docx reads.
            raise CorpusError(f"{e}; if Word numbers the points automatically, type the numbers (1. 2. …)") from e
        raise


def load_corpus(corpus_dir: Path) -> Corpus:
    """Every plan in corpus_dir. A file that fails is logged as a one-line warning and kept in
    ``failures`` (the build and /reload report it); only a folder where nothing parses is an error."""
    documents: list[Document] = []
    failures: list[Failure] = []
    for path in corpus_files(corpus_dir):
        try:
            if (same := next((d for d in documents if d.doc_id == path.stem), None)) is not None:
                raise CorpusError(f"{path.name}: the same file name as {same.source}; rename one of them")
            doc = load_document(path)
            # The same plan twice (a .docx and its PDF): answers would cite both copies.
            if (twin := next((d for d in documents if d.title == doc.title and d.date == doc.date), None)) is not None:
                raise CorpusError(f"{path.name}: the same plan as {twin.source} (《{doc.title}》); remove one copy")
            documents.append(doc)
        except CorpusError as e:
            logger.warning("%s", e)
            failures.append(Failure(path.name, str(e).removeprefix(f"{path.name}: "), _failed_hash(path)))
    if not documents:
        reasons = "; ".join(f"{f.source}: {f.reason}" for f in failures)
        raise CorpusError(f"no plan in {corpus_dir} could be parsed ({reasons})")
    return Corpus(tuple(documents), tuple(failures))
