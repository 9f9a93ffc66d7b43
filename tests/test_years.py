"""A library of plans: the real 2021 plan and fictional 2020 (web page), 2022 (PDF) and 2023 (Word)
plans loaded together. Questions go to the year they name, else to the newest plan that answers;
comparisons cite every plan that covers the topic; /point and the document intent work per plan."""

from __future__ import annotations

import dataclasses

import pytest

from bot.channels.console import point_text
from bot.evaluation import evaluate, load_labelled
from bot.plans import docs_rows
from bot.render import as_text
from bot.service import PolicyService
from tests.plan_files import YEARS_DIR, write_library


@pytest.fixture(scope="module")
def library(resources, tmp_path_factory: pytest.TempPathFactory) -> PolicyService:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("library")
    write_library(root / "corpus")
    settings = make_settings(corpus_dir=root / "corpus", index_dir=root / "index", data_dir=root / "data")
    res = dataclasses.replace(resources, settings=settings)
    return PolicyService(res, res.load_index(build_if_needed=True))


def _cited(answer) -> list[tuple[int | None, int]]:
    years = {d.doc_id: d.year for d in answer_docs(answer)}
    return [(years[c.doc_id], c.point) for c in answer.citations]


def answer_docs(answer):
    return LIBRARY_DOCS


LIBRARY_DOCS: list = []


@pytest.fixture(autouse=True)
def _docs(library: PolicyService) -> None:
    LIBRARY_DOCS[:] = library.corpus.documents


def test_docs_lists_every_plan_newest_first(library: PolicyService) -> None:
    docs, failures = docs_rows(library.corpus)
    assert [(year, fmt) for year, _, _, _, _, fmt, _ in docs] == [
        (2023, "docx"),
        (2022, "pdf"),
        (2021, "text"),
        (2020, "html"),
    ]
    assert failures == []


@pytest.mark.parametrize(
    ("question", "year", "point", "figure"),
    [
        ("2022年义务教育大班额比例要控制在多少", 2022, 12, "2%"),
        ("21年的计划里大班额比例是多少", 2021, 8, "4%"),
        ("二〇二〇年大班额比例控制在多少以内", 2020, 7, "5%"),
        ("去年的计划里大班额降到多少", 2022, 12, "2%"),
        ("In the 2022 plan, how long may homework take in grades 3 to 6?", 2022, 7, "60分钟"),
    ],
)
def test_a_named_year_goes_to_that_plan(
    library: PolicyService, question: str, year: int, point: int, figure: str
) -> None:
    answer = library.ask(question)
    assert answer.citations and _cited(answer)[0] == (year, point)
    assert figure in answer.text
    assert f"《鹰潭市教育局{year}年工作要点》" in answer.text  # it names the plan it quotes


def test_without_a_year_the_newest_plan_answers_and_an_older_difference_is_noted(library: PolicyService) -> None:
    answer = library.ask("职普比是多少")
    assert answer.found and _cited(answer)[0] == (2022, 14) and "40:60" in answer.text
    note = next(b.text for b in answer.blocks if b.text.startswith("另："))
    assert note.startswith("另：《鹰潭市教育局2021年工作要点》第10条的规定不同：") and "45:55" in note
    assert (2021, 10) in _cited(answer)


def test_a_comparison_cites_every_plan_that_covers_the_topic(library: PolicyService) -> None:
    answer = library.ask("2021年和2022年关于大班额有什么不同")
    assert answer.kind == "compare" and answer.found
    assert _cited(answer) == [(2022, 12), (2021, 8)]
    text = answer.text
    assert text.startswith("“大班额”在各年计划中的规定：")
    assert "2022年 · 《鹰潭市教育局2022年工作要点》第12条" in text and "2%" in text
    assert "2021年 · 《鹰潭市教育局2021年工作要点》第8条" in text and "4%" in text


def test_a_comparison_names_the_plans_that_do_not_cover_it(library: PolicyService) -> None:
    answer = library.ask("历年关于职普比的要求")
    assert [year for year, _ in _cited(answer)] == [2022, 2021, 2020]
    assert "未涉及这一点：2023年计划。" in answer.text


def test_a_year_no_plan_has_is_said_plainly(library: PolicyService) -> None:
    answer = library.ask("2019年的工作要点里大班额比例是多少")
    assert answer.status == "not_found"
    assert answer.text.startswith("没有载入2019年的计划。已载入：")


def test_point_per_plan(library: PolicyService) -> None:
    assert "2%" in as_text(library.point(12, year=2022))
    assert "《鹰潭市教育局2020年工作要点》第7条" in point_text(library, "2020 7")
    several = point_text(library, "8")
    assert several.startswith("载入了 4 份计划，请指明年份") and "/point 2023 8 · /point 2022 8" in several
    assert point_text(library, "2019 8").startswith("没有载入2019年的计划")
    assert "《鹰潭市教育局2022年工作要点》第8条" in library.ask("2022年第8条讲什么").text


def test_who_is_responsible_for_a_point(library: PolicyService) -> None:
    answer = library.ask("2022年第12条由哪个单位负责")
    assert "责任单位：" in answer.text
    duty = library.corpus.point("yingtan-2022", 12).duty
    assert duty and f"责任单位：{duty}" in answer.text
    # "这条" is the point the chat's last answer cited (大班额 is in two 2022 points; either will do).
    first = library.ask("2022年大班额比例", chat="c1")
    assert first.found and first.citations[0].doc_id == "yingtan-2022"
    cited = library.corpus.point("yingtan-2022", first.citations[0].point).duty
    after = library.ask("这条由哪个单位负责", chat="c1")
    assert cited and f"责任单位：{cited}" in after.text


def test_document_intent_per_year(library: PolicyService) -> None:
    assert "2020年3月10日" in library.ask("2020年的计划是什么时候印发的").text
    assert "2023年" in library.ask("这个文件是谁发的").text  # the newest plan without a year


def test_year_set_floors(library: PolicyService) -> None:
    years = {d.doc_id: d.year for d in library.corpus.documents}

    def answer(question: str):
        a = library.ask(question)
        return a.status, tuple(c.point for c in a.citations), a.text, tuple(years[c.doc_id] for c in a.citations)

    report = evaluate(load_labelled(YEARS_DIR / "eval.jsonl"), answer)
    year = report.by_kind["year"]
    assert year.plan_ok / year.plan_n >= 0.97, f"right plan for explicit years {year.plan_ok}/{year.plan_n}"
    overall = report.overall
    assert overall.oos_tiers["answered"] == 0, overall.as_dict()
    # 17/18 when the library work landed; 15/18 since the 2021 plan's confidence model was refitted
    # with the question-form features (measured 2026-12-02, reported in issue 9's closing note).
    assert overall.compare_other <= 2 and overall.compare_ok >= 15, overall.as_dict()
    assert overall.recall_at_1 >= 0.82, overall.as_dict()


def test_a_responsibility_follow_up_is_not_served_from_another_chat(library: PolicyService) -> None:
    library.ask("2022年义务教育大班额比例要控制在多少", chat="a")
    library.ask("2020年教师招聘多少人", chat="b")
    first = library.ask("这条由哪个单位负责", chat="a")
    second = library.ask("这条由哪个单位负责", chat="b")
    assert first.citations[0].doc_id == "yingtan-2022" and second.citations[0].doc_id == "yingtan-2020"


def test_a_point_or_document_of_a_year_not_loaded_is_said_plainly(library: PolicyService) -> None:
    for question in ("2019年第8条", "2019年的计划是谁发的"):
        assert library.ask(question).text.startswith("没有载入2019年的计划"), question


def test_next_years_plan_is_the_one_after_the_newest_and_not_loaded(library: PolicyService) -> None:
    """Thirteenth session: "明年有什么计划" was answered from the newest plan's point 18."""
    for question in ("明年的工作要点出了吗", "明年有什么计划", "what's the plan for next year"):
        answer = library.ask(question)
        assert answer.text.startswith(("没有载入2024年的计划", "No plan for 2024")), (
            question,
            answer.kind,
            answer.text[:80],
        )
    # 明年 as the writer's own time, or the writer's plan for it, is no plan (review)
    for question in ("孩子明年上小学，大班额有限制吗", "学校说明年计划扩建，文件里有提吗"):
        assert not library.ask(question).text.startswith("没有载入"), question


def test_a_follow_up_stays_in_the_plan_the_chat_is_about(library: PolicyService) -> None:
    assert _cited(library.ask("2020年义务教育大班额比例控制在多少", chat="f"))[0][0] == 2020
    follow = library.ask("那学前教育呢", chat="f")
    assert {year for year, _ in _cited(follow)} == {2020}


def test_each_plan_ranked_on_its_own_from_one_scoring_is_the_plans_own_search(library: PolicyService) -> None:
    # search_each scores the units once and ranks each plan on its own points only; it must give what
    # searching that plan alone gives.
    from bot.retrieval import Search, search_each

    retriever = library.engine.retriever
    request = Search("大班额比例控制在多少", k=3)
    docs = [d.doc_id for d in library.engine.corpus.documents]
    each = search_each(retriever, request, docs)
    for doc_id in docs:
        alone = retriever.search(dataclasses.replace(request, docs=(doc_id,)))
        assert [(h.doc_id, h.point) for h in each[doc_id].hits] == [(h.doc_id, h.point) for h in alone.hits]
        assert {h.doc_id for h in each[doc_id].hits} == {doc_id}
        assert each[doc_id].hits[0].features == alone.hits[0].features


def test_a_large_library_ranks_only_the_plans_closest_to_the_question(library: PolicyService) -> None:
    # With more plans than the shortlist, only the closest are ranked; the others hold nothing. The
    # plans that answer this question (the 2021 plan's 4% and the others' class-size clauses) score
    # highest on both lists, so a shortlist of one keeps the best plan's ranking as it was.
    from bot.retrieval import Search, closest_plans, search_each

    retriever = library.engine.retriever
    request = Search("大班额比例控制在多少", k=3)
    docs = [d.doc_id for d in library.engine.corpus.documents]
    full = search_each(retriever, request, docs)
    short = search_each(retriever, request, docs, shortlist=1)
    ranked = [d for d in docs if short[d].hits]
    assert 1 <= len(ranked) <= 2 < len(docs)  # one per list, the lists may agree
    best = max(docs, key=lambda d: full[d].hits[0].score)
    assert best in ranked
    for doc_id in ranked:
        assert [(h.point, h.score) for h in short[doc_id].hits] == [(h.point, h.score) for h in full[doc_id].hits]
    query, units = retriever.score_units(request)
    assert units is not None
    assert closest_plans(retriever, retriever.scores(units), docs, len(docs)) == docs  # no more plans than the list


def test_each_plans_related_decision_is_confirmed_as_with_one_plan(library: PolicyService) -> None:
    """Twenty-third session: with several plans loaded, a plan's unanswered decision may be confirmed by the
    question part's own search or the whole message's (as with one plan, service.confirmed_alone), a related one
    only for the same point; answered ones are left as they are (a review: every plan's decision had been
    replaced)."""
    from bot.service import decide_each, search_for

    message = (
        "我家楼下新开了一家奶茶店，天天排长队，孩子放学就吵着要喝，我们说了好几次也不听。学校的课后服务今年有什么安排？"
    )
    request = search_for(library.understand(message))
    order = [d.doc_id for d in library.corpus.documents]
    plain = decide_each(library.engine, request, order, 2)
    confirmed = decide_each(library.engine, request, order, 2, confirm=True)
    assert any(x.status == "related" for x in plain.values())
    for doc_id, decision in plain.items():
        if decision.status == "answered":
            assert confirmed[doc_id] == decision
        elif decision.status == "related":
            assert confirmed[doc_id].status in ("related", "answered")
            if confirmed[doc_id].status == "answered":
                assert confirmed[doc_id].top.point == decision.top.point
        else:  # a refusal stays one, or the question part alone answers it with clear evidence
            assert confirmed[doc_id].status in ("not_found", "answered")
