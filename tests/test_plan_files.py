"""The plan-file writers of tests/plan_files.py produce what a reader of each format needs.

Every check reads a generated file back through the library a reader would use (pypdf,
python-docx, BeautifulSoup, the codecs) and compares what it finds with the canonical layout of the
spec; nothing is read back from the writers' own data. The inline spec is our own text; the real
specs in tests/data/years/ get the same checks once they exist."""

from __future__ import annotations

import codecs
import json
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from bs4 import BeautifulSoup
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from tests.plan_files import (
    STYLES,
    canonical_paragraphs,
    expected_points,
    load_spec,
    number_prefix,
    write_docx,
    write_html,
    write_md,
    write_pdf,
    write_txt,
)

YEAR_SPECS = sorted((Path(__file__).parent / "data" / "years").glob("*.json"))
PAGE_FOOTER_RE = re.compile(r"^—\s*(\d+)\s*—$")

SPEC: dict[str, Any] = {
    "title": "青溪市教育局2023年工作要点",
    "issuer": "青溪市教育局",
    "date": "2023年3月6日",
    "recipients": "各县（区）教育局，市直各学校（幼儿园），局直属各单位：",
    "notice": ["现将《青溪市教育局2023年工作要点》印发给你们，请结合实际，认真贯彻落实。"],
    "preamble": [
        "2023年全市教育工作的总体思路是：坚持立德树人根本任务，以办好人民满意的教育为目标，统筹推进各级各类教育协调发展，着力提升教育治理能力和学校办学水平，为全市经济社会发展提供有力的人才支撑和智力保障。",
        "全年重点抓好以下五个方面的工作，各单位要结合本地本校实际，细化工作措施，明确时间节点，确保各项任务按期完成。",
    ],
    "sections": [
        {
            "label": "一",
            "title": "加强党对教育工作的全面领导",
            "points": [
                {
                    "number": 1,
                    "paragraphs": [
                        "强化思想理论武装。全市教育系统坚持把理论学习作为首要任务，完善局党组理论学习中心组学习制度，组织开展专题读书班和集中轮训，推动理论学习进机关、进校园、进课堂，全年集中学习不少于12次。"
                    ],
                    "duty": "市教育局办公室、组织人事科",
                },
                {
                    "number": 2,
                    "paragraphs": [
                        "落实党组织领导的校长负责制。在全市中小学校全面推行党组织领导的校长负责制，健全学校议事决策制度和工作机制，年内实现城区中小学全覆盖，农村学校覆盖率达到80%以上。"
                    ],
                    "duty": "组织人事科",
                },
            ],
        },
        {
            "label": "二",
            "title": "推进各类教育协调发展",
            "groups": [
                {
                    "label": "一",
                    "title": "学前教育和义务教育",
                    "points": [
                        {
                            "number": 3,
                            "paragraphs": [
                                "扩大普惠性学前教育资源。新建、改扩建公办幼儿园10所，新增公办学位3000个，普惠性幼儿园覆盖率稳定在85%以上，公办园在园幼儿占比提高2%。"
                            ],
                            "duty": "基础教育科、发展规划科",
                        },
                        {
                            "number": 4,
                            "paragraphs": [
                                "落实“双减”工作要求。严格控制作业总量和时长，小学一二年级不布置书面家庭作业，三至六年级学生书面作业平均完成时间原则上不超过60分钟，初中不超过90分钟。",
                                "（1）课后服务实现义务教育学校全覆盖，每周5天、每天不少于2小时；（2）学生每天校内体育活动时间不少于1小时，中小学生体质健康合格率达到92%以上。",
                            ],
                            "duty": "基础教育科、体育卫生与艺术教育科",
                        },
                    ],
                },
                {
                    "label": "二",
                    "title": "职业教育和高中阶段教育",
                    "points": [
                        {
                            "number": 5,
                            "paragraphs": [
                                "优化高中阶段教育结构。保持职普比大体相当，中等职业学校与普通高中招生比例保持在45:55左右，推进职业学校专业设置与本地产业需求精准对接。"
                            ],
                            "duty": "",
                        },
                        {
                            "number": 6,
                            "paragraphs": [
                                "加强职业教育内涵建设。深化产教融合、校企合作，支持职业学校与本地重点企业共建实训基地和产业学院，推进“岗课赛证”综合育人，全市中等职业学校毕业生就业率保持在95%以上，对口升学率和毕业生满意度稳步提高。",
                                "建设市级高水平专业群3个，组织全市职业院校技能大赛和职业教育活动周，各县（区）要将职业教育经费足额纳入财政预算，生均公用经费标准不低于普通高中。",
                            ],
                            "duty": "职业教育与成人教育科",
                        },
                    ],
                },
            ],
        },
    ],
}

TITLE = SPEC["title"]


def squash(text: str) -> str:
    """``text`` without any whitespace (spaces, U+3000, newlines)."""
    return "".join(text.split())


# ---------------------------------------------------------------- layout and expected points


def test_canonical_layout() -> None:
    paragraphs = canonical_paragraphs(SPEC)
    assert paragraphs[:9] == [
        "关于印发《青溪市教育局2023年工作要点》的通知",
        SPEC["recipients"],
        SPEC["notice"][0],
        "青溪市教育局",
        "2023年3月6日",
        "青溪市教育局2023年工作要点",
        *SPEC["preamble"],
        "一、加强党对教育工作的全面领导",
    ]
    assert paragraphs[9].startswith("1.强化思想理论武装。全市")
    assert paragraphs[9].endswith("全年集中学习不少于12次。（责任单位：市教育局办公室、组织人事科）")
    assert paragraphs[11:14] == ["二、推进各类教育协调发展", "（一）学前教育和义务教育", paragraphs[13]]
    assert paragraphs[13].startswith("3.扩大普惠性学前教育资源。")
    # Point 4 has two paragraphs: the number on the first, the duty note after the last.
    first, second = paragraphs[14:16]
    assert first.startswith("4.落实“双减”工作要求。") and "责任单位" not in first
    assert second.startswith("（1）课后服务") and second.endswith(
        "92%以上。（责任单位：基础教育科、体育卫生与艺术教育科）"
    )
    assert paragraphs[16] == "（二）职业教育和高中阶段教育"
    assert paragraphs[17].startswith("5.") and paragraphs[17].endswith("精准对接。")  # empty duty: no note
    assert len(paragraphs) == 20


@pytest.mark.parametrize(
    ("style", "one", "twelve"),
    [
        ("dot", "1.", "12."),
        ("fullwidth_dot", "1．", "12．"),
        ("comma", "1、", "12、"),
        ("wide_digits", "１．", "１２．"),
    ],
)
def test_number_styles(style: str, one: str, twelve: str) -> None:
    assert number_prefix(1, style) == one and number_prefix(12, style) == twelve
    assert canonical_paragraphs(SPEC, style)[9] == one + SPEC["sections"][0]["points"][0]["paragraphs"][0] + (
        "（责任单位：市教育局办公室、组织人事科）"
    )


def test_unknown_number_style_is_refused() -> None:
    assert "paren" not in STYLES
    with pytest.raises(ValueError, match="paren"):
        number_prefix(1, "paren")


def test_expected_points() -> None:
    points = expected_points(SPEC)
    assert [(number, title, duty) for number, title, _, duty in points] == [
        (1, "强化思想理论武装", "市教育局办公室、组织人事科"),
        (2, "落实党组织领导的校长负责制", "组织人事科"),
        (3, "扩大普惠性学前教育资源", "基础教育科、发展规划科"),
        (4, "落实“双减”工作要求", "基础教育科、体育卫生与艺术教育科"),
        (5, "优化高中阶段教育结构", ""),
        (6, "加强职业教育内涵建设", "职业教育与成人教育科"),
    ]
    texts = {number: text for number, _, text, _ in points}
    assert texts[3] == (
        "扩大普惠性学前教育资源。新建、改扩建公办幼儿园10所，新增公办学位3000个，"
        "普惠性幼儿园覆盖率稳定在85%以上，公办园在园幼儿占比提高2%。"
    )
    assert texts[4].startswith("落实“双减”工作要求。") and "不超过60分钟" in texts[4]
    assert texts[4].count("\n") == 1 and "\n（1）课后服务" in texts[4] and texts[4].endswith("92%以上。")
    assert "45:55" in texts[5]
    assert all("责任单位" not in text and not text[0].isdigit() for text in texts.values())


def test_load_spec_checks_the_shape(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(SPEC, ensure_ascii=False), encoding="utf-8")
    assert load_spec(good) == SPEC
    section = {**SPEC["sections"][1], "points": SPEC["sections"][0]["points"]}  # groups and points
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**SPEC, "sections": [section]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match="either groups or points"):
        load_spec(bad)


# ---------------------------------------------------------------- text and Markdown


def txt_paragraphs(text: str) -> list[list[str]]:
    """The lines of each blank-line-separated block of a text file."""
    return [block.splitlines() for block in re.split(r"\n[ \t\u3000]*\n", text.strip("\n"))]


@pytest.mark.parametrize(
    ("encoding", "bom", "reader", "raw_start"),
    [
        ("utf-8", False, "utf-8", "　　关于".encode()),
        ("utf-8", True, "utf-8-sig", codecs.BOM_UTF8),
        ("gb18030", False, "gb18030", "　　关于".encode("gb18030")),
        ("gb18030", True, "gb18030", b"\x84\x31\x95\x33"),  # U+FEFF in GB18030
    ],
    ids=["utf-8", "utf-8-sig", "gb18030", "gb18030-bom"],
)
def test_txt_round_trip(tmp_path: Path, encoding: str, bom: bool, reader: str, raw_start: bytes) -> None:
    path = tmp_path / "plan.txt"
    write_txt(SPEC, path, encoding=encoding, bom=bom)
    raw = path.read_bytes()
    assert raw.startswith(raw_start)
    if encoding == "gb18030":
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")
    text = raw.decode(reader).removeprefix("\ufeff")
    blocks = txt_paragraphs(text)
    assert all(len(lines) == 1 and lines[0].startswith("　　") for lines in blocks)
    assert [lines[0].strip() for lines in blocks] == canonical_paragraphs(SPEC)


def test_txt_windows_newlines(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    write_txt(SPEC, path, newline="\r\n", style="comma")
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 0
    text = raw.decode("utf-8").replace("\r\n", "\n")
    assert [lines[0].strip() for lines in txt_paragraphs(text)] == canonical_paragraphs(SPEC, "comma")


@pytest.mark.parametrize("width", [20, 34])
def test_txt_hard_wrap(tmp_path: Path, width: int) -> None:
    path = tmp_path / "plan.txt"
    write_txt(SPEC, path, wrap=width, style="wide_digits")
    blocks = txt_paragraphs(path.read_text(encoding="utf-8"))
    indent = len("　　")
    for lines in blocks:
        assert lines[0].startswith("　　") and len(lines[0]) <= width + indent
        assert all(len(line) <= width and not line[0].isspace() for line in lines[1:])
    assert any(len(lines) > 1 for lines in blocks)  # paragraphs really are broken
    assert ["".join(lines).strip() for lines in blocks] == canonical_paragraphs(SPEC, "wide_digits")


def test_md(tmp_path: Path) -> None:
    path = tmp_path / "plan.md"
    write_md(SPEC, path)
    blocks = path.read_text(encoding="utf-8").strip().split("\n\n")
    assert "# 青溪市教育局2023年工作要点" in blocks
    assert blocks.index("# 青溪市教育局2023年工作要点") == 5  # the notice comes first, as plain paragraphs
    assert [b for b in blocks if b.startswith("## ")] == [
        "## 一、加强党对教育工作的全面领导",
        "## 二、推进各类教育协调发展",
    ]
    assert [b for b in blocks if b.startswith("### ")] == [
        "### （一）学前教育和义务教育",
        "### （二）职业教育和高中阶段教育",
    ]
    assert [re.sub(r"^#{1,3} ", "", b) for b in blocks] == canonical_paragraphs(SPEC)


# ---------------------------------------------------------------- HTML


def html_article(path: Path) -> list[str]:
    soup = BeautifulSoup(path.read_bytes(), "lxml")
    article = soup.select_one("div.article")
    assert article is not None
    return [element.get_text().strip() for element in article.find_all(["h1", "p"])]


def test_html(tmp_path: Path) -> None:
    path = tmp_path / "plan.html"
    write_html(SPEC, path)
    raw = path.read_bytes()
    raw.decode("utf-8")
    assert b'<meta charset="utf-8">' in raw and b"&#12288;" in raw and b"&nbsp;" in raw
    assert html_article(path) == canonical_paragraphs(SPEC, "comma")
    soup = BeautifulSoup(raw, "lxml")
    article = soup.select_one("div.article")
    assert article is not None and article.h1 is not None
    assert article.h1.get_text() == "关于印发《青溪市教育局2023年工作要点》的通知"
    assert soup.title is not None and "关于印发" in soup.title.get_text()
    assert not article.find_all("br") and not article.find_all("script")
    # The page chrome is there, outside the article: a reader must leave it out.
    nav, footer, script = soup.select_one("div.nav"), soup.select_one("div.footer"), soup.select_one("script")
    assert nav is not None and footer is not None and script is not None
    for chrome in (nav, footer, script, soup.select_one("div.breadcrumb")):
        assert chrome is not None and article not in chrome.parents and chrome not in article.descendants
    assert nav.get_text() == "首页 | 新闻中心 | 政务公开"
    footer_text = footer.get_text()
    assert all(word in footer_text for word in ("主办单位：青溪市教育局", "备案号：赣ICP备", "打印本页", "关闭窗口"))
    assert TITLE in script.get_text()
    # At least one paragraph has inline markup: a <strong> followed by plain text.
    inline = [p.strong for p in article.find_all("p") if p.strong and p.strong.next_sibling]
    assert inline and inline[0] is not None and inline[0].get_text() == "1、强化思想理论武装。"


# ---------------------------------------------------------------- Word


def test_docx(tmp_path: Path) -> None:
    path = tmp_path / "plan.docx"
    write_docx(SPEC, path)
    document = docx.Document(str(path))
    paragraphs = document.paragraphs
    assert [p.text.strip() for p in paragraphs] == canonical_paragraphs(SPEC, "fullwidth_dot")
    styles: dict[str, list[str]] = {}
    for p in paragraphs:
        styles.setdefault(p.style.name if p.style else "", []).append(p.text)
    assert styles["Title"] == [TITLE]
    assert styles["Heading 2"] == ["一、加强党对教育工作的全面领导", "二、推进各类教育协调发展"]
    assert styles["Heading 3"] == ["（一）学前教育和义务教育", "（二）职业教育和高中阶段教育"]
    assert set(styles) == {"Title", "Heading 2", "Heading 3", "Normal"}
    title = next(p for p in paragraphs if p.style and p.style.name == "Title")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    point = next(p for p in paragraphs if p.text.startswith("1．"))
    assert point.paragraph_format.first_line_indent is not None and point.paragraph_format.first_line_indent > 0
    section = document.sections[0]
    assert [p.text for p in section.header.paragraphs] == [TITLE]
    footer = section.footer.paragraphs[0]
    assert footer.text == "— 1 —"
    assert [t.text.strip() for t in footer._p.iter(qn("w:instrText"))] == ["PAGE"]
    assert document.core_properties.title == TITLE


# ---------------------------------------------------------------- PDF


def pdf_pages(path: Path, title: str) -> tuple[list[str], list[list[str]]]:
    """pypdf's text per page, and each page's body lines: the running header (every page but the
    first) and the ``— N —`` footer (every page) are checked and removed."""
    texts = [page.extract_text() for page in pypdf.PdfReader(path).pages]
    bodies = []
    for number, text in enumerate(texts, start=1):
        lines = [line for line in text.splitlines() if line.strip()]
        footer = PAGE_FOOTER_RE.match(lines[-1].strip())
        assert footer is not None and int(footer.group(1)) == number, lines[-1]
        lines = lines[:-1]
        if number == 1:
            assert lines[0].strip() != title
        else:
            assert lines[0].strip() == title, lines[0]
            lines = lines[1:]
        bodies.append(lines)
    return texts, bodies


def test_pdf(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    write_pdf(SPEC, path)
    texts, bodies = pdf_pages(path, TITLE)
    assert len(texts) >= 2 and "— 2 —" in texts[1]
    paragraphs = [squash(p) for p in canonical_paragraphs(SPEC, "fullwidth_dot")]
    assert squash("".join("".join(lines) for lines in bodies)) == "".join(paragraphs)
    lines = [squash(line) for page in bodies for line in page]
    assert all(len(line) <= 34 for line in lines)
    # Paragraphs are broken across lines, a figure apart from its unit, and one across a page break.
    assert any(not any(p in line for line in lines) for p in paragraphs)
    assert any(a.endswith("60") and b.startswith("分钟") for a, b in pairwise(lines))
    pages = [squash("".join(page)) for page in bodies]
    assert any(not any(p in page for page in pages) for p in paragraphs)


def test_pdf_line_width(tmp_path: Path) -> None:
    path = tmp_path / "plan.pdf"
    write_pdf(SPEC, path, "dot", chars_per_line=20)
    texts, bodies = pdf_pages(path, TITLE)
    lines = [squash(line) for page in bodies for line in page]
    assert max(len(line) for line in lines) == 20
    assert len(texts) >= 2 and "".join(lines) == "".join(squash(p) for p in canonical_paragraphs(SPEC, "dot"))


# ---------------------------------------------------------------- the real specs


@pytest.mark.parametrize("spec_path", YEAR_SPECS, ids=[p.stem for p in YEAR_SPECS])
def test_year_spec_in_every_format(tmp_path: Path, spec_path: Path) -> None:
    spec = load_spec(spec_path)
    assert len(expected_points(spec)) > 0
    write_pdf(spec, tmp_path / "plan.pdf")
    _, bodies = pdf_pages(tmp_path / "plan.pdf", spec["title"])
    pdf_text = squash("".join("".join(lines) for lines in bodies))
    assert pdf_text == "".join(squash(p) for p in canonical_paragraphs(spec, "fullwidth_dot"))
    write_docx(spec, tmp_path / "plan.docx")
    paragraphs = docx.Document(str(tmp_path / "plan.docx")).paragraphs
    assert [p.text.strip() for p in paragraphs] == canonical_paragraphs(spec, "fullwidth_dot")
    write_html(spec, tmp_path / "plan.html")
    assert html_article(tmp_path / "plan.html") == canonical_paragraphs(spec, "comma")
    write_txt(spec, tmp_path / "plan.txt", encoding="gb18030")
    text = (tmp_path / "plan.txt").read_text(encoding="gb18030")
    assert [lines[0].strip() for lines in txt_paragraphs(text)] == canonical_paragraphs(spec)
