"""Every format a plan arrives in parses to the same records: the plans in tests/data/years are
written by tests/plan_files.py as PDF (hard wraps, running headers, page footers, （一） sub-headings),
Word, web page, Markdown and hard-wrapped or GB18030 text, and each must give back every point's
number, title, full text and 责任单位 exactly."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.corpus import CorpusError, load_corpus, load_document, parse_plan, split_duty
from bot.formats import strip_page_furniture
from tests.plan_files import (
    expected_points,
    load_spec,
    write_docx,
    write_html,
    write_md,
    write_pdf,
    write_txt,
)

YEARS = Path(__file__).parent / "data" / "years"
SPECS = sorted(YEARS.glob("yingtan-*.json"))


def _txt_wrapped(spec: dict, path: Path) -> None:
    write_txt(spec, path, style="wide_digits", wrap=30)


def _txt_gb18030(spec: dict, path: Path) -> None:
    write_txt(spec, path, style="comma", encoding="gb18030")


def _txt_bom(spec: dict, path: Path) -> None:
    write_txt(spec, path, style="dot", bom=True, newline="\r\n")


WRITERS: dict[str, tuple[str, Callable[[dict, Path], None]]] = {
    "pdf": (".pdf", write_pdf),
    "docx": (".docx", write_docx),
    "html": (".html", write_html),
    "md": (".md", write_md),
    "txt-wrapped": (".txt", _txt_wrapped),
    "txt-gb18030": (".txt", _txt_gb18030),
    "txt-utf8-bom-crlf": (".txt", _txt_bom),
}


@pytest.mark.parametrize("spec_path", SPECS, ids=[p.stem for p in SPECS])
@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_point_parses_exactly(fmt: str, spec_path: Path, tmp_path: Path) -> None:
    spec = load_spec(spec_path)
    suffix, write = WRITERS[fmt]
    path = tmp_path / f"{spec_path.stem}{suffix}"
    write(spec, path)
    doc = load_document(path)
    assert doc.title == spec["title"]
    assert (doc.issuer, doc.date, doc.year) == (spec["issuer"], spec["date"], int(spec_path.stem[-4:]))
    got = [(p.number, p.title, p.text, p.duty) for p in doc.work_points]
    assert got == expected_points(spec)
    # Sub-headings are headings, not text glued onto the point before them.
    groups = {f"（{g['label']}）{g['title']}" for s in spec["sections"] for g in s.get("groups", [])}
    assert {p.group for p in doc.work_points if p.group} == groups
    assert not any(g in p.text for p in doc.work_points for g in groups)
    # No quote ends mid-sentence, and no page furniture is left in the text.
    for point in doc.work_points:
        assert all(s[-1] in "。；！？”）" for s in point.sentences), point.sentences
        assert "— " not in point.text and "责任单位" not in point.text


def test_a_figure_split_across_lines_is_rejoined(tmp_path: Path) -> None:
    spec = load_spec(YEARS / "yingtan-2022.json")
    write_pdf(spec, tmp_path / "p.pdf", chars_per_line=17)
    doc = load_document(tmp_path / "p.pdf")
    text = "".join(p.text for p in doc.points)
    assert "每周5天、每天不少于2小时" in text and "不超过60分钟" in text


def test_running_headers_and_page_numbers_are_dropped() -> None:
    pages = [
        ["关于印发《甲》的通知", "正文一", "— 1 —"],
        ["甲2022年工作要点", "正文二", "第 2 页 共 3 页"],
        ["甲2022年工作要点", "正文三", "3/3"],
    ]
    assert strip_page_furniture(pages) == ["关于印发《甲》的通知", "正文一", "正文二", "正文三"]


@pytest.mark.parametrize(
    ("paras", "text", "duty"),
    [
        (["甲。乙。（责任单位：市教育局基础教育科）"], ["甲。乙。"], "市教育局基础教育科"),
        (["甲。", "（责任单位：各区（市）教体局、督导室）"], ["甲。"], "各区（市）教体局、督导室"),
        (["甲（责任单位另行通知）。"], ["甲（责任单位另行通知）。"], ""),
        (["甲。（牵头单位：办公室）乙。"], ["甲。（牵头单位：办公室）乙。"], ""),
    ],
)
def test_duty_note_is_metadata(paras: list[str], text: list[str], duty: str) -> None:
    assert split_duty(paras) == (text, duty)


def test_a_file_that_cannot_be_read_is_named_and_the_rest_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write_txt(load_spec(SPECS[0]), tmp_path / "good.txt")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / "broken.docx").write_bytes(b"PK not a zip")
    (tmp_path / "notes.xlsx").write_bytes(b"x")
    corpus = load_corpus(tmp_path)
    assert [d.source for d in corpus.documents] == ["good.txt"]
    reasons = {f.source: f.reason for f in corpus.failures}
    assert set(reasons) == {"broken.pdf", "broken.docx"}
    assert "PDF" in reasons["broken.pdf"] and "Word" in reasons["broken.docx"]
    assert "skipping notes.xlsx" in caplog.text and "broken.pdf" in caplog.text
    # A failed file is part of what the index was built from: fixing it makes the index stale.
    assert set(corpus.file_hashes) == {"good.txt", "broken.pdf", "broken.docx"}


def test_a_folder_where_nothing_parses_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"nothing")
    with pytest.raises(CorpusError, match=r"no plan .* could be parsed \(a\.pdf: not a readable PDF"):
        load_corpus(tmp_path)


def test_the_same_plan_twice_is_loaded_once_and_the_copy_named(tmp_path: Path) -> None:
    spec = load_spec(SPECS[0])
    write_docx(spec, tmp_path / "a-plan.docx")
    write_pdf(spec, tmp_path / "b-plan.pdf")
    corpus = load_corpus(tmp_path)
    assert [d.source for d in corpus.documents] == ["a-plan.docx"]
    assert [(f.source, f.reason) for f in corpus.failures] == [
        ("b-plan.pdf", f"the same plan as a-plan.docx (《{spec['title']}》); remove one copy")
    ]


def test_a_list_of_one_line_items_is_not_taken_for_wrapped_text() -> None:
    items = [f"{n}.扩大普惠性学前教育资源第{n}项任务新建公办园五所" for n in range(1, 9)]
    doc = parse_plan("某县2023年教育工作要点\n一、学前教育\n" + "\n".join(items), doc_id="d")
    assert [p.number for p in doc.work_points] == list(range(1, 9))


def test_numbered_items_after_a_colon_stay_in_their_point() -> None:
    raw = "某县2023年教育工作要点\n一、资助\n1.精准资助。重点资助以下对象：\n（一）建档立卡家庭学生\n（二）残疾学生\n2.营养改善。全面落实。"
    doc = parse_plan(raw, doc_id="d")
    assert doc.point(1).text == "精准资助。重点资助以下对象：\n（一）建档立卡家庭学生\n（二）残疾学生"
    assert doc.point(2).group == ""


def test_markdown_and_html_ordered_lists_keep_their_numbers(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# 某县2023年教育工作要点\n\n## 一、学前教育\n\n1. 扩园。新建五所。\n2. 提质。培训教师。\n", encoding="utf-8"
    )
    html = "<html><body><h1>某县2023年教育工作要点</h1><p>一、学前教育</p><ol><li>扩园。新建五所。</li><li>提质。培训教师。</li></ol></body></html>"
    (tmp_path / "b.html").write_text(html, encoding="utf-8")
    for name in ("a.md", "b.html"):
        doc = load_document(tmp_path / name)
        assert [(p.number, p.title) for p in doc.work_points] == [(1, "扩园"), (2, "提质")], name


def test_a_duty_note_at_the_top_of_a_page_is_kept() -> None:
    pages = [
        ["甲2022年工作要点", "1.扩园。新建五所。", "（责任单位：基础教育科）", "— 1 —"],
        ["甲2022年工作要点", "（责任单位：基础教育科）", "2.提质。", "— 2 —"],
        ["甲2022年工作要点", "3.安全。", "— 3 —"],
    ]
    assert strip_page_furniture(pages).count("（责任单位：基础教育科）") == 2


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("truncated.docx", None, "could not be read"),
        ("renamed.txt", "plain", "the same file name as renamed.md"),
    ],
)
def test_damaged_and_clashing_files_are_reported(tmp_path: Path, name: str, content: str | None, reason: str) -> None:
    spec = load_spec(SPECS[0])
    write_md(spec, tmp_path / "renamed.md")
    if content is None:
        write_docx(load_spec(SPECS[1]), tmp_path / "whole.docx")
        data = (tmp_path / "whole.docx").read_bytes()
        (tmp_path / "whole.docx").unlink()
        import zipfile

        with zipfile.ZipFile(tmp_path / name, "w") as broken, zipfile.ZipFile(__import__("io").BytesIO(data)) as whole:
            for info in whole.infolist():
                body = whole.read(info)
                broken.writestr(info, body[: len(body) // 2] if info.filename == "word/document.xml" else body)
    else:
        write_txt(load_spec(SPECS[2]), tmp_path / name)
    corpus = load_corpus(tmp_path)
    failure = next(f for f in corpus.failures if f.source == name)
    assert reason in failure.reason and str(tmp_path) not in failure.reason


def test_oversized_files_are_refused_with_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import bot.formats

    write_txt(load_spec(SPECS[0]), tmp_path / "plan.txt")
    monkeypatch.setattr(bot.formats, "MAX_FILE_BYTES", 1000)
    with pytest.raises(CorpusError, match=r"plan\.txt: 0 MB is too large for a plan"):
        load_document(tmp_path / "plan.txt")


def test_word_automatic_numbering_is_named_in_the_failure(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某县2023年教育工作要点")
    for text in ("扩园。新建五所。", "提质。培训教师。"):
        document.add_paragraph(text, style="List Number")
    document.save(tmp_path / "auto.docx")
    with pytest.raises(CorpusError, match=r"if Word numbers the points automatically, type the numbers"):
        load_document(tmp_path / "auto.docx")
