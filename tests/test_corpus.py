from __future__ import annotations

from pathlib import Path

import pytest

from bot.corpus import CorpusError, load_corpus, parse_plan, read_text, split_sentences
from tests.conftest import CORPUS_FILE, SECOND_PLAN

RAW = CORPUS_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def doc():
    return parse_plan(RAW, doc_id="plan", source=CORPUS_FILE.name)


def test_structure_has_24_points_in_5_sections(doc) -> None:
    assert doc.title == "鹰潭市教育局2021年工作要点"
    assert doc.issuer == "鹰潭市教育局"
    assert doc.date == "2021年2月24日"
    assert [p.number for p in doc.work_points] == list(range(1, 25))
    assert [s.label for s in doc.sections] == ["一", "二", "三", "四", "五"]
    assert doc.sections[0].title == "加强党对教育工作的全面领导"
    assert doc.sections[2].point_numbers == (7, 8, 9, 10, 11)
    assert sum(len(s.point_numbers) for s in doc.sections) == 24


@pytest.mark.parametrize(
    ("number", "title", "first", "last"),
    [
        (1, "强化思想理论武装", "强化思想理论武装。持续推进", "用好“学习强国”学习平台。"),
        (8, "推进城乡义务教育优质均衡发展", "推进城乡义务教育优质均衡发展。全力推进", "办好专门学校。"),
        (10, "推进职业教育改革优化", "推进职业教育改革优化。紧抓教育部", "开展就业技能培训和就业创业帮扶。"),
        (21, "巩固教育脱贫成果", "巩固教育脱贫成果。统筹推进", "严肃查处违规违纪行为。"),
        (24, "统筹做好其他工作", "统筹做好其他工作。按照市创建指挥部", "毕业生就业服务及其他工作。"),
    ],
)
def test_point_text_is_verbatim(doc, number: int, title: str, first: str, last: str) -> None:
    point = doc.point(number)
    assert point.title == title
    assert point.text.startswith(first)
    assert point.text.endswith(last)
    assert point.text in RAW  # never altered


def test_sections_are_attached_to_points(doc) -> None:
    assert doc.point(10).section == "三、构建高质量体系,推进各类教育协调发展"
    assert doc.point(24).section == "五、增强教育保障能力,夯实教育发展各项基础"


def test_source_typo_is_kept(doc) -> None:
    assert "控掇保学" in doc.point(21).text


def test_header_is_point_zero(doc) -> None:
    header = doc.point(0)
    assert header.is_header
    assert header.text.startswith("关于印发《鹰潭市教育局2021年工作要点》的通知")
    assert "总体思路" in header.text and "立德树人为根本任务" in header.text
    assert "2021年2月24日" in header.text
    assert any("立德树人" in s for s in header.sentences)


def test_web_noise_is_dropped(doc) -> None:
    everything = "\n".join(p.text for p in doc.points)
    assert "摘要" not in everything
    assert "二维码" not in everything and "微信服务号" not in everything
    assert "..." not in everything
    # The notice appears three times in the page; the parsed document keeps it once.
    assert everything.count("现将《鹰潭市教育局2021年工作要点》印发给你们") == 1


def test_sentences_split_on_chinese_stops(doc) -> None:
    point = doc.point(17)
    assert point.sentences == (
        "深入实施教育信息化2.0行动计划,大力推进“ ”建设。",
        "实施职业教育精品课程开发计划,建设50门左右市级精品在线开放课程,建成1个市级职业教育专业教学资源库。",
        "全面提升师生信息化能力素养,唱响鹰潭教育信息化建设全省试点品牌。",
    )
    for p in doc.points:
        assert all(s in p.text for s in p.sentences)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("甲。乙！丙？", ["甲。", "乙！", "丙？"]),
        ("做到“两个只增不减”。下一句。", ["做到“两个只增不减”。", "下一句。"]),
        ("（即甲。乙）之后。", ["（即甲。乙）之后。"]),
        ("前半；后半。", ["前半；", "后半。"]),
        ("没有句号", ["没有句号"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_second_plan_with_its_own_numbering() -> None:
    doc = parse_plan(SECOND_PLAN.read_text(encoding="utf-8"), doc_id="second")
    assert doc.title == "青松区教育体育局2022年工作要点"
    assert doc.issuer == "青松区教育体育局"
    assert doc.date == "2022年3月1日"
    assert [p.number for p in doc.work_points] == [1, 2, 3, 4, 5, 6]
    assert doc.point(6).text.endswith("校车驾驶员每学期参加安全培训。")
    assert "公众号" not in doc.point(6).text


def test_plan_without_notice_uses_first_line_as_title() -> None:
    doc = parse_plan("某县2023年教育工作要点\n一、总体\n1.第一项。内容一。\n2.第二项。内容二。", doc_id="x")
    assert doc.title == "某县2023年教育工作要点"
    assert doc.issuer is None and doc.date is None
    assert [p.title for p in doc.work_points] == ["第一项", "第二项"]


@pytest.mark.parametrize("raw", ["", "   \n  ", "只有一段话，没有编号的条目。"])
def test_unparseable_plan_raises_clear_error(raw: str) -> None:
    with pytest.raises(CorpusError, match="bad.txt"):
        parse_plan(raw, doc_id="bad", source="bad.txt")


def test_a_number_that_does_not_go_up_stays_in_its_point(caplog: pytest.LogCaptureFixture) -> None:
    # A list 1. 2. inside point 5 is part of point 5, not points 1 and 2 again; the log says so.
    doc = parse_plan("标题\n4.丙。\n5.甲。分三步：\n1.乙。\n2.丁。\n6.戊。", doc_id="d", source="d.txt")
    assert [p.number for p in doc.work_points] == [4, 5, 6]
    assert doc.point(5).text == "甲。分三步：\n1.乙。\n2.丁。"
    assert "d.txt: '1.乙。' does not continue the numbering; kept in point 5" in caplog.text


def test_gb18030_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("某县工作要点\n1.第一项。内容。".encode("gb18030"))
    text, digest = read_text(path)
    assert text.startswith("某县工作要点") and len(digest) == 64


def test_load_corpus_reads_every_plan_file(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(RAW, encoding="utf-8")
    (tmp_path / "b.md").write_text(SECOND_PLAN.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "README.md").write_text("说明文件", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["a", "b"]
    assert set(corpus.file_hashes) == {"a.txt", "b.md"}


def test_empty_corpus_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no plan files"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "missing")
