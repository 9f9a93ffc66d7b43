"""Plan files in every supported format, generated from a JSON spec that we wrote ourselves.

A spec (``tests/data/years/*.json``) describes one work plan: the notice that issues it, the plan's
title and preamble, and its sections (一、), optional groups (（一）) and numbered work points, each
with its paragraphs and its responsible units. ``canonical_paragraphs`` lays a spec out as the
paragraphs every format must carry, in reading order:

1. ``关于印发《{title}》的通知``, the recipients, the notice paragraphs, the issuer, the date;
2. the title and the preamble paragraphs;
3. per section ``{label}、{title}``, per group ``（{label}）{title}``, per point its paragraphs: the
   first prefixed by the point number in the chosen style, the last followed directly by
   ``（责任单位：{duty}）`` when the duty is not empty.

The ``write_*`` functions put that layout into .txt, .md, .html, .docx and .pdf files the way such
files look in the wild (indentation, hard-wrapped lines, page furniture, web-page chrome), and
``expected_points`` is what a parser must recover from any of them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

Spec = dict[str, Any]
Block = tuple[str, str]  # (kind, text): one paragraph of the canonical layout and what it is

# Point number styles: 1.  1．  1、  １．
STYLES = ("dot", "fullwidth_dot", "comma", "wide_digits")
_STYLE_FORMATS = {"dot": "{}.", "fullwidth_dot": "{}．", "comma": "{}、", "wide_digits": "{}．"}
_WIDE_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
INDENT = "　　"  # two ideographic spaces, the first-line indent of Chinese official documents
PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: no font file needed


def load_spec(path: str | Path) -> Spec:
    """Read a spec and check its shape, so that a malformed spec fails here and not in a writer."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("title", "issuer", "date", "recipients"):
        _require(isinstance(spec.get(key), str) and bool(spec[key]), path, key, "a non-empty string")
    for key in ("notice", "preamble", "sections"):
        _require(isinstance(spec.get(key), list), path, key, "a list")
    for i, section in enumerate(spec["sections"]):
        where = f"sections[{i}]"
        _require(("groups" in section) != ("points" in section), path, where, "either groups or points")
        for group in [section, *section.get("groups", [])]:
            _require(
                isinstance(group.get("label"), str) and isinstance(group.get("title"), str),
                path,
                where,
                "label and title",
            )
        for group in section.get("groups", [section]):
            _require(isinstance(group.get("points"), list) and group["points"], path, where, "points")
            for point in group["points"]:
                paragraphs = point.get("paragraphs")
                ok = isinstance(point.get("number"), int) and isinstance(point.get("duty"), str)
                ok = ok and isinstance(paragraphs, list) and bool(paragraphs)
                ok = ok and all(isinstance(p, str) and p.strip() and "\n" not in p for p in paragraphs)
                _require(ok, path, f"{where} point {point.get('number')}", "number, one-line paragraphs and duty")
    return spec


def _require(ok: bool, path: str | Path, where: str, what: str) -> None:
    if not ok:
        raise ValueError(f"{path}: {where} must have {what}")


def number_prefix(number: int, style: str = "dot") -> str:
    """The point number as it starts the point's first paragraph: ``1.``, ``1．``, ``1、`` or ``１．``."""
    if style not in _STYLE_FORMATS:
        raise ValueError(f"unknown point number style {style!r}; one of {STYLES}")
    digits = str(number).translate(_WIDE_DIGITS) if style == "wide_digits" else str(number)
    return _STYLE_FORMATS[style].format(digits)


def _points(spec: Spec) -> Iterator[dict[str, Any]]:
    """Every point of the plan in reading order."""
    for section in spec["sections"]:
        for group in section.get("groups", [section]):
            yield from group["points"]


def _point_blocks(point: dict[str, Any], style: str) -> list[Block]:
    """A point's paragraphs: the number before the first, the duty note after the last."""
    texts = [number_prefix(point["number"], style) + point["paragraphs"][0], *point["paragraphs"][1:]]
    if point["duty"]:
        texts[-1] += f"（责任单位：{point['duty']}）"
    return [("point" if i == 0 else "point_more", text) for i, text in enumerate(texts)]


def _blocks(spec: Spec, style: str) -> list[Block]:
    """The canonical layout with each paragraph's kind, which the writers use to format it."""
    blocks: list[Block] = [("notice_heading", f"关于印发《{spec['title']}》的通知"), ("recipients", spec["recipients"])]
    blocks += [("notice", text) for text in spec["notice"]]
    blocks += [("issuer", spec["issuer"]), ("date", spec["date"]), ("title", spec["title"])]
    blocks += [("preamble", text) for text in spec["preamble"]]
    for section in spec["sections"]:
        blocks.append(("section", f"{section['label']}、{section['title']}"))
        for group in section.get("groups", [section]):
            if group is not section:
                blocks.append(("group", f"（{group['label']}）{group['title']}"))
            for point in group["points"]:
                blocks += _point_blocks(point, style)
    return blocks


def canonical_paragraphs(spec: Spec, style: str = "dot") -> list[str]:
    """The paragraphs every format carries, in reading order, one string per paragraph."""
    return [text for _, text in _blocks(spec, style)]


def expected_points(spec: Spec) -> list[tuple[int, str, str, str]]:
    """(number, title, text, duty) per point: what a parser must reproduce exactly.

    The title is the first paragraph up to (not including) its first "。"; the text is the point's
    paragraphs joined by newlines, without the number prefix and without the duty note."""
    return [
        (point["number"], point["paragraphs"][0].split("。", 1)[0], "\n".join(point["paragraphs"]), point["duty"])
        for point in _points(spec)
    ]


def _chunks(text: str, width: int) -> list[str]:
    """``text`` hard-wrapped every ``width`` characters, as a PDF or a copy out of one breaks it."""
    if width < 1:
        raise ValueError(f"line width must be positive, not {width}")
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def write_txt(
    spec: Spec,
    path: str | Path,
    *,
    style: str = "dot",
    encoding: str = "utf-8",
    bom: bool = False,
    wrap: int | None = None,
    indent: str = INDENT,
    newline: str = "\n",
) -> None:
    """One paragraph per line, each indented by ``indent``, a blank line between paragraphs.

    ``wrap=N`` hard-wraps every paragraph at N characters (the indent comes on top of the first line's
    N; continuation lines have none). ``bom`` writes U+FEFF first, in ``encoding`` (e.g. "gb18030");
    ``newline="\\r\\n"`` gives a Windows file."""
    lines: list[str] = []
    for text in canonical_paragraphs(spec, style):
        pieces = _chunks(text, wrap) if wrap else [text]
        lines += [indent + pieces[0], *pieces[1:], ""]
    body = ("\ufeff" if bom else "") + newline.join(lines[:-1]) + newline
    Path(path).write_bytes(body.encode(encoding))


_MD_MARKS = {"title": "# ", "section": "## ", "group": "### "}


def write_md(spec: Spec, path: str | Path, style: str = "dot") -> None:
    """Markdown: ``#`` plan title, ``##`` sections, ``###`` groups, the rest (the notice before the
    title included) plain paragraphs separated by blank lines."""
    blocks = [_MD_MARKS.get(kind, "") + text for kind, text in _blocks(spec, style)]
    Path(path).write_text("\n\n".join(blocks) + "\n", encoding="utf-8")


def _html_paragraph(kind: str, text: str) -> str:
    """One ``<p>`` of the article, indented and emphasised the way a government CMS does it."""
    if kind in ("title", "notice_heading"):
        return f'<p style="text-align: center;"><strong>{escape(text)}</strong></p>'
    if kind in ("issuer", "date"):
        return f'<p style="text-align: right;">{escape(text)}</p>'
    if kind == "recipients":
        return f"<p>{escape(text)}</p>"
    if kind in ("section", "group"):
        return f"<p>&nbsp;&nbsp;&nbsp;&nbsp;<strong>{escape(text)}</strong></p>"
    if kind == "point" and "。" in text:  # the point's title sentence in bold, inline
        lead, rest = text.split("。", 1)
        return f'<p style="text-indent: 2em;"><strong>{escape(lead)}。</strong>{escape(rest)}</p>'
    return f"<p>&#12288;&#12288;{escape(text)}</p>"


def write_html(spec: Spec, path: str | Path, style: str = "comma") -> None:
    """A government web page: nav bar, breadcrumb, publication info, the article in
    ``<div class="article">`` (``<h1>`` the notice heading, one ``<p>`` per paragraph, no ``<br>``),
    a footer and a script, all outside the article except the article itself."""
    (_, heading), *rest = _blocks(spec, style)
    issuer = escape(spec["issuer"])
    article = "\n".join([f"<h1>{escape(heading)}</h1>", *(_html_paragraph(kind, text) for kind, text in rest)])
    page = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(heading)}_通知公告_{issuer}</title>
<style>body {{ font-family: "SimSun", serif; }} .article p {{ line-height: 2; }}</style>
</head>
<body>
<div class="top">{issuer}门户网站</div>
<div class="nav">首页 | 新闻中心 | 政务公开</div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 通知公告</div>
<div class="info">发布时间：{escape(spec["date"])}&nbsp;&nbsp;来源：{issuer}&nbsp;&nbsp;浏览次数：<span id="hits"></span></div>
<div class="article">
{article}
</div>
<div class="footer">主办单位：{issuer}&nbsp;&nbsp;备案号：赣ICP备00000000号-1&nbsp;&nbsp;技术支持：信息中心
<a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
<script type="text/javascript">
var shareTitle = {json.dumps(spec["title"], ensure_ascii=False)};
document.getElementById("hits").innerHTML = "1024";
</script>
</body>
</html>
"""
    Path(path).write_text(page, encoding="utf-8")


def _add_field(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A Word field (``PAGE``…) in ``paragraph``, showing ``shown`` until Word updates it."""

    def fld_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        paragraph.add_run()._r.append(element)

    fld_char("begin")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    paragraph.add_run()._r.append(instr)
    fld_char("separate")
    paragraph.add_run(shown)
    fld_char("end")


_DOCX_STYLES = {"title": "Title", "section": "Heading 2", "group": "Heading 3"}
_DOCX_ALIGN = {
    "notice_heading": WD_ALIGN_PARAGRAPH.CENTER,
    "title": WD_ALIGN_PARAGRAPH.CENTER,
    "issuer": WD_ALIGN_PARAGRAPH.RIGHT,
    "date": WD_ALIGN_PARAGRAPH.RIGHT,
}


def write_docx(spec: Spec, path: str | Path, style: str = "fullwidth_dot") -> None:
    """Word: the notice, the title centred in style "Title", sections "Heading 2", groups
    "Heading 3", other paragraphs "Normal" with a first-line indent; running header = the title,
    footer ``— PAGE —`` (a PAGE field)."""
    doc = Document()
    doc.core_properties.title = spec["title"]
    doc.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for kind, text in _blocks(spec, style):
        paragraph = doc.add_paragraph(text, style=_DOCX_STYLES.get(kind))
        if kind in _DOCX_ALIGN:
            paragraph.alignment = _DOCX_ALIGN[kind]
        elif kind not in ("recipients", *_DOCX_STYLES):
            paragraph.paragraph_format.first_line_indent = Pt(24)
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = spec["title"]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
    _add_field(footer, "PAGE", "1")
    footer.add_run(" —")
    doc.save(str(path))


_PDF_ALIGN = {"notice_heading": "center", "title": "center", "issuer": "right", "date": "right", "recipients": "left"}


def _pdf_lines(spec: Spec, style: str, chars_per_line: int) -> list[tuple[str, str]]:
    """(alignment, text) per printed line: body paragraphs start with the two-space indent, which
    counts towards ``chars_per_line``; every paragraph is hard-wrapped, words and figures split."""
    lines: list[tuple[str, str]] = []
    for kind, text in _blocks(spec, style):
        align = _PDF_ALIGN.get(kind, "indent")
        first = INDENT if align == "indent" else ""
        lines += [(align, chunk) for chunk in _chunks(first + text, chars_per_line)]
    return lines


def write_pdf(
    spec: Spec,
    path: str | Path,
    style: str = "fullwidth_dot",
    chars_per_line: int = 34,
    *,
    lines_per_page: int = 38,
) -> None:
    """A4 PDF in the STSong-Light CID font, ``lines_per_page`` body lines per page, paragraphs
    hard-wrapped at ``chars_per_line`` (so paragraphs run on across page breaks), a small running
    header (the title) on every page but the first and ``— {page} —`` centred at every page's foot."""
    pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    width, height = A4
    margin = 72.0
    size = min(16.0, (width - 2 * margin) / chars_per_line)
    leading = (height - 2 * margin) / lines_per_page
    lines = _pdf_lines(spec, style, chars_per_line)
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(spec["title"])
    pdf.setAuthor(spec["issuer"])
    for page, start in enumerate(range(0, len(lines), lines_per_page), start=1):
        if page > 1:
            pdf.setFont(PDF_FONT, 9)
            pdf.drawCentredString(width / 2, height - margin / 2, spec["title"])
            pdf.line(margin, height - margin / 2 - 4, width - margin, height - margin / 2 - 4)
        pdf.setFont(PDF_FONT, size)
        y = height - margin - size
        for align, text in lines[start : start + lines_per_page]:
            if align == "center":
                pdf.drawCentredString(width / 2, y, text)
            elif align == "right":
                pdf.drawRightString(width - margin, y, text)
            else:
                pdf.drawString(margin, y, text)
            y -= leading
        pdf.setFont(PDF_FONT, 11)
        pdf.drawCentredString(width / 2, margin / 2, f"— {page} —")
        pdf.showPage()
    pdf.save()


# ------------------------------------------------------------------------------------------------
# the four-plan library of the year set (tests/data/years/eval.jsonl)

YEARS_DIR = Path(__file__).parent / "data" / "years"
REAL_PLAN = Path(__file__).parent.parent / "corpus" / "yingtan-education-2021-work-plan.txt"
LIBRARY = {"yingtan-2020": ".html", "yingtan-2022": ".pdf", "yingtan-2023": ".docx"}


def write_library(out: Path) -> list[Path]:
    """The real 2021 plan (with its question bank) and the fictional 2020, 2022 and 2023 plans as
    a web page, a PDF and a Word file, written into ``out``."""
    import shutil

    writers = {".html": write_html, ".pdf": write_pdf, ".docx": write_docx}
    out.mkdir(parents=True, exist_ok=True)
    written = [Path(shutil.copy(REAL_PLAN, out / REAL_PLAN.name))]
    bank = REAL_PLAN.with_name(REAL_PLAN.stem + ".questions.tsv")
    if bank.exists():
        shutil.copy(bank, out / bank.name)
    for stem, suffix in LIBRARY.items():
        path = out / f"{stem}{suffix}"
        writers[suffix](load_spec(YEARS_DIR / f"{stem}.json"), path)
        written.append(path)
    return written
