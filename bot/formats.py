"""Read a plan file of any supported format into plain lines, one reader per format.

Plans arrive as web pages, Word files, PDFs and text pasted out of any of those. Each reader here
only turns its format into lines of text in reading order, through a maintained library:

- .txt / .md: the bytes decoded (UTF-8 with or without BOM, GB18030; `read_text`); Markdown's
  `#` heading marks and emphasis are removed by markdown-it-py's own tokens;
- .html / .htm: html-text (lxml), which drops scripts and styles and keeps block boundaries;
- .docx: python-docx paragraphs in document order (body only: running headers and footers live
  in their own parts and never reach the text);
- .pdf: pypdf's text per page, with the page furniture removed here (page numbers such as
  "— 2 —" and running headers repeated at the top or bottom of most pages).

What is a paragraph, a heading or a work point is decided once, for every format, by
`bot.corpus` (which also rejoins lines that a PDF or a hard-wrapped text broke in the middle).
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# pypdf logs every recoverable oddity of a file ("EOF marker not found") as a warning of its own;
# what matters to the user is the one line bot.corpus logs when a file cannot be read.
logging.getLogger("pypdf").setLevel(logging.ERROR)

Format = Literal["text", "markdown", "html", "docx", "pdf"]

FORMATS: dict[str, Format] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

# Lines that are only a page number: "— 2 —", "- 2 -", "2", "第2页", "第 2 页 共 9 页", "2/9".
_PAGE_NUMBER_RE = re.compile(
    r"^[\s\-—–－_·•]*(?:\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})[\s\-—–－_·•]*$"
)
# How far from a page's top or bottom a running header or footer may sit, and on what share of the
# pages a line must repeat there to count as one (a title that happens to start one page does not).
_EDGE_LINES = 2
_REPEAT_SHARE = 0.5
_RUNNING_MAX = 60
_SENTENCE_ENDS = "。！？；：）)!?;:"
# Limits for untrusted files: the 2021 plan is 60 KB of text; a plan a thousand times that is a
# mistake or an attack, and reading it would hold the build (and /reload) for minutes.
MAX_FILE_BYTES = 50 * 2**20
MAX_UNPACKED_BYTES = 100 * 2**20
MAX_PDF_PAGES = 500
_CJK = "\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’…—"
_CJK_GAP_RE = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+(?=[{_CJK}])")  # a running header is a title, not a paragraph


class FormatError(ValueError):
    """A plan file could not be read in its format; the message names the file and why."""


@dataclass(frozen=True)
class Extracted:
    """A file's text as lines in reading order, and the hash of its bytes (for stale-index checks)."""

    lines: tuple[str, ...]
    sha256: str
    format: Format


def format_of(path: Path) -> Format | None:
    return FORMATS.get(path.suffix.lower())


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030 — the encodings plans come in."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise FormatError(f"{name}: starts like UTF-16 but is not valid UTF-16; save it as UTF-8") from e
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(f"{name}: not UTF-8 or GB18030 text; save the file as UTF-8")


def _text_lines(data: bytes, name: str) -> list[str]:
    return decode(data, name).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _markdown_lines(data: bytes, name: str) -> list[str]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(decode(data, name))
    lines: list[str] = []
    number = ""  # an ordered list item's number ("1." in the source), which the tokens keep aside
    for token in tokens:
        if token.type == "list_item_open" and token.info:
            number = f"{token.info}{token.markup}"
        elif token.type == "inline":
            # Children carry the text without emphasis marks; soft breaks stay line breaks, so a
            # hard-wrapped Markdown paragraph is rejoined by the same rule as any wrapped text.
            pieces = [
                c.content if c.type == "text" or c.type == "code_inline" else "\n"
                for c in token.children or []
                if c.type in ("text", "code_inline", "softbreak", "hardbreak")
            ]
            lines += (number + "".join(pieces)).split("\n")
            lines.append("")  # a block ends a paragraph
            number = ""
    return lines


def _html_lines(data: bytes, name: str) -> list[str]:
    import html_text
    import lxml.html  # type: ignore[import-untyped]

    source = data.decode("utf-8", errors="replace") if _declares_utf8(data) else decode(data, name)
    try:
        tree = lxml.html.fromstring(source)
    except (ValueError, TypeError, lxml.etree.ParserError) as e:  # lxml's errors for what it cannot parse
        raise FormatError(f"{name}: not a readable HTML page ({type(e).__name__})") from e
    # <ol><li> items are numbered by the browser, not in the text: put the numbers back.
    for ordered in tree.iter("ol"):
        start = int(ordered.get("start", "1")) if str(ordered.get("start", "1")).isdigit() else 1
        for i, item in enumerate(ordered.findall("li"), start):
            item.text = f"{i}.{item.text or ''}"
    text = html_text.extract_text(tree)
    # Inline tags (<strong>title。</strong>body) come out with a space between; Chinese has none.
    return [_CJK_GAP_RE.sub("", line) for line in text.split("\n")]


def _declares_utf8(data: bytes) -> bool:
    head = data[:2048].lower()
    return b"charset=utf-8" in head or b'charset="utf-8"' in head


def _docx_lines(path: Path) -> list[str]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise FormatError(
                f"{path.name}: unpacks to {unpacked // 2**20} MB (limit {MAX_UNPACKED_BYTES // 2**20} MB); "
                "a plan is far smaller, save it again from Word"
            )
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError, zipfile.BadZipFile) as e:
        raise FormatError(f"{path.name}: not a readable Word .docx file ({type(e).__name__})") from e
    lines: list[str] = []
    for paragraph in document.paragraphs:
        lines += [paragraph.text, ""]  # each Word paragraph is a paragraph
    return lines


def _pdf_pages(path: Path) -> list[list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise FormatError(f"{path.name}: the PDF is encrypted; save an unprotected copy")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise FormatError(f"{path.name}: {len(reader.pages)} pages is too long for a plan (limit {MAX_PDF_PAGES})")
        pages = [(page.extract_text() or "").split("\n") for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        # The reason names the file, never the server's folders.
        reason = str(e).replace(str(path), path.name)[:120]
        raise FormatError(f"{path.name}: not a readable PDF ({type(e).__name__}: {reason})") from e
    if not any(line.strip() for page in pages for line in page):
        raise FormatError(f"{path.name}: the PDF has no text layer (a scan?); run OCR first or use the source file")
    return pages


def _title_like(line: str) -> bool:
    """A running header is a title: short, not a sentence, not a （责任单位：…） note."""
    return len(line) <= _RUNNING_MAX and line[-1:] not in _SENTENCE_ENDS and not line.startswith(("（", "("))


def strip_page_furniture(pages: list[list[str]]) -> list[str]:
    """The pages' lines joined, without page numbers and without running headers and footers.
    A running line sits at the top or bottom of a page and either repeats there on at least half
    the pages (two or more), or, on a later page, repeats a line seen before (a two-page plan
    whose second page carries the title as its header)."""
    pages = [[line.strip() for line in page if line.strip()] for page in pages]
    edges: Counter[str] = Counter()
    for page in pages:
        edges.update(set(page[:_EDGE_LINES] + page[-_EDGE_LINES:]))
    running = {line for line, n in edges.items() if n >= 2 and n >= _REPEAT_SHARE * len(pages) and _title_like(line)}
    seen: set[str] = set()
    lines: list[str] = []
    for number, page in enumerate(pages):
        for i, line in enumerate(page):
            at_edge = i < _EDGE_LINES or i >= len(page) - _EDGE_LINES
            repeated = number > 0 and line in seen and _title_like(line)
            if _PAGE_NUMBER_RE.match(line) or (at_edge and (line in running or repeated)):
                continue
            seen.add(line)
            lines.append(line)
    return lines


def extract(path: Path) -> Extracted:
    """Read ``path`` into lines. Raises FormatError naming the file and the reason."""
    kind = format_of(path)
    if kind is None:
        raise FormatError(f"{path.name}: unsupported file type; use one of {', '.join(sorted(FORMATS))}")
    try:
        if (size := path.stat().st_size) > MAX_FILE_BYTES:
            raise FormatError(
                f"{path.name}: {size // 2**20} MB is too large for a plan (limit {MAX_FILE_BYTES // 2**20} MB)"
            )
        data = path.read_bytes()
    except OSError as e:
        raise FormatError(f"{path.name}: cannot be read ({e.strerror or e})") from e
    digest = hashlib.sha256(data).hexdigest()
    if kind == "text":
        lines = _text_lines(data, path.name)
    elif kind == "markdown":
        lines = _markdown_lines(data, path.name)
    elif kind == "html":
        lines = _html_lines(data, path.name)
    elif kind == "docx":
        lines = _docx_lines(path)
    else:
        lines = strip_page_furniture(_pdf_pages(path))
    return Extracted(tuple(lines), digest, kind)
