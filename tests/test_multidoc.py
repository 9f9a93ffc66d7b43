"""A second plan dropped into corpus/ works with no code change, and answers cite the document."""

from __future__ import annotations

import shutil

import pytest

from bot.service import PolicyService
from tests.conftest import SECOND_PLAN


@pytest.fixture(scope="module")
def two_plan_service(resources, tmp_path_factory: pytest.TempPathFactory) -> PolicyService:
    import dataclasses

    from tests.conftest import CORPUS_FILE, make_settings

    root = tmp_path_factory.mktemp("two-plans")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS_FILE, corpus / CORPUS_FILE.name)
    shutil.copy(SECOND_PLAN, corpus / "qingsong-2022.txt")
    settings = make_settings(corpus_dir=corpus, index_dir=root / "index", data_dir=root / "data")
    res = dataclasses.replace(resources, settings=settings)
    return PolicyService(res, res.load_index(build_if_needed=True))


def test_both_documents_are_indexed(two_plan_service: PolicyService) -> None:
    docs = two_plan_service.corpus.documents
    assert [d.title for d in docs] == ["青松区教育体育局2022年工作要点", "鹰潭市教育局2021年工作要点"]
    assert two_plan_service.index.meta["unit_counts"]["point"] == 25 + 7


def test_question_about_the_second_plan_cites_it(two_plan_service: PolicyService) -> None:
    answer = two_plan_service.ask("校园足球队每周训练几次")
    assert answer.found
    top = answer.citations[0]
    assert (top.doc_id, top.point) == ("qingsong-2022", 1)
    assert "《青松区教育体育局2022年工作要点》第1条" in answer.text
    assert "不少于3次" in answer.text
    assert "来源：《青松区教育体育局2022年工作要点》 · 青松区教育体育局 · 2022年3月1日" in answer.text


def test_question_about_the_first_plan_still_finds_it(two_plan_service: PolicyService) -> None:
    answer = two_plan_service.ask("大班额比例控制在多少")
    top = answer.citations[0]
    assert (top.doc_id, top.point) == ("yingtan-education-2021-work-plan", 8)
    assert "《鹰潭市教育局2021年工作要点》第8条" in answer.text and "4%" in answer.text


def test_same_point_number_in_two_plans_stays_distinct(two_plan_service: PolicyService) -> None:
    first = two_plan_service.engine.composer.full_point("qingsong-2022", 5)
    other = two_plan_service.engine.composer.full_point("yingtan-education-2021-work-plan", 5)
    assert "食堂" in first.text and "青少年身心健康" in other.text


def test_single_plan_answers_do_not_repeat_the_title(service: PolicyService) -> None:
    answer = service.ask("七一表彰")
    assert answer.text.startswith("第2条 ")


def test_a_comparison_with_one_plan_loaded_is_a_plain_question(service: PolicyService) -> None:
    answer = service.ask("职普比这几年有变化吗")
    assert answer.kind == "ask" and answer.citations[0].point == 10 and "45:55" in answer.text
