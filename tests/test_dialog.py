"""Follow-ups, mentions and the console chat: chat context over the real pipeline."""

from __future__ import annotations

from bot.dialog import Conversations
from bot.understand import Topic


def test_conversations_expire_and_stay_bounded() -> None:
    clock = [100.0]
    conv = Conversations(ttl=10, max_chats=2, timer=lambda: clock[0])
    conv.set("a", Topic("q", "d", 8, at=100.0))
    clock[0] = 105.0
    assert conv.get("a").point == 8
    clock[0] = 111.0
    assert conv.get("a") is None  # expired and forgotten
    for chat in ("x", "y", "z"):
        conv.set(chat, Topic("q", "d", 1, at=111.0))
    assert conv.get("x") is None and conv.get("z") is not None


def test_elaboration_returns_the_whole_previous_point(service) -> None:
    first = service.ask("县管校聘在哪些地方试点", chat="t1")
    assert first.citations[0].point == 13
    more = service.ask("具体怎么做？", chat="t1")
    assert more.context_used and more.citations[0].point == 13
    assert "接上文“县管校聘在哪些地方试点”" in more.text
    assert "城乡教育联合体" in more.text  # a sentence the first answer did not quote


def test_asked_for_plain_words_the_point_is_quoted_with_a_note_that_the_bot_never_rewords(service) -> None:
    service.ask("大班额比例控制在多少", chat="t5")
    plain = service.ask("通俗点说", chat="t5")
    assert plain.context_used and plain.citations[0].point == 8
    assert "不把条文改写成白话" in plain.text and "4%以内" in plain.text
    again = service.ask("什么意思", chat="t5")  # what it means: the point in full, no note
    assert again.citations[0].point == 8 and "不把条文改写成白话" not in again.text


def test_plain_words_asked_after_a_question_answer_it_with_the_note(service) -> None:
    """'…，说人话' (tenth session): the question is searched without it, and the answer says it quotes."""
    plain = service.ask("职普比是多少，说人话")
    assert plain.status == "answered" and plain.citations[0].point == 10
    assert "不把条文改写成白话" in plain.text and "45:55" in plain.text
    assert "不把条文改写成白话" not in service.ask("职普比是多少").text


def test_ellipsis_keeps_the_topic_but_follows_the_new_words(service) -> None:
    service.ask("公办园收费标准怎么定", chat="t2")
    follow = service.ask("那高中呢？", chat="t2")
    assert follow.context_used and follow.citations[0].point == 9


def test_follow_ups_are_per_chat_and_need_a_topic(service) -> None:
    service.ask("县管校聘在哪些地方试点", chat="t3")
    alone = service.ask("具体怎么做？", chat="t4")
    assert not alone.context_used
    assert not service.ask("具体怎么做？").context_used  # no chat key: no context


def test_which_points_mention_lists_all_of_them(service) -> None:
    answer = service.ask("哪几条提到了大班额")
    assert answer.found and answer.kind == "mentions"
    assert [c.point for c in answer.citations] == [8, 20]
    assert "第8条" in answer.text and "第20条" in answer.text and "义务教育化解大班额" in answer.text
    # the header holds 幼儿园 only in whom the notice goes to: listed after the points (tenth session)
    assert [c.point for c in service.ask("哪几条讲到了幼儿园？").citations] == [7, 12, 20, 0]
    nothing = service.ask("哪几条提到了信用卡")
    assert not nothing.found and "没有条目提到" in nothing.text


def test_which_points_mention_in_english_lists_the_points_holding_the_plans_words(service) -> None:
    # fourteenth session (review): told that no point mentions vocational education; the plan says 职业教育 in six
    answer = service.ask("Which points mention vocational education?")
    assert answer.found and answer.kind == "mentions"
    assert [c.point for c in answer.citations] == [c.point for c in service.ask("哪几条提到职业教育").citations]
    assert "Point 4, Point 10" in answer.text and "“职业教育”" in answer.text  # the plan's word, named
    # two things named: the points holding both words
    both = {c.point for c in service.ask("which points mention teacher training").citations}
    assert both and both <= {c.point for c in service.ask("哪几条提到教师").citations}
    assert both <= {c.point for c in service.ask("哪几条提到培训").citations}
    assert not service.ask("which points mention stock trading").found


def test_a_mention_of_one_point_is_the_topic_of_what_follows(service) -> None:
    service.ask("大班额比例控制在多少", chat="m1")
    assert [c.point for c in service.ask("哪几条提到疫情", chat="m1").citations] == [23]
    follow = service.ask("原文是什么", chat="m1")
    assert follow.context_used and follow.citations[0].point == 23  # not 8, the topic before


def test_console_chat_session(service) -> None:
    import io

    from bot.channels.console import run_console

    stdin = io.StringIO("大班额比例是多少\n具体怎么做\n/point 99\n/point x\n/list\n\n/quit\n这行不会被读到\n")
    stdout = io.StringIO()
    assert run_console(service, stdin, stdout) == 0
    out = stdout.getvalue()
    assert "4%" in out and "接上文" in out and "没有第99条" in out and "用法：/point N" in out
    assert "三、构建高质量体系" in out and "请输入想了解的问题" in out
    assert "这行不会被读到" not in out


def test_a_lone_surrogate_is_answered_and_logged(service, tmp_path) -> None:
    from bot.storage import SqlQueryLog

    log = SqlQueryLog(tmp_path / "log.sqlite3", salt="s")
    for i in range(3):  # the same message again and again: nothing is poisoned
        answer = service.ask("\ud800大班额比例是多少")
        log.record_answer(f"a{i}", 1, 1, "private", answer)
    assert answer.found and answer.citations[0].point == 8
    assert len(log.query("SELECT 1 FROM questions")) == 3 and log.pending == 0
    log.close()


def test_console_help_uses_the_telegram_help_words(service) -> None:
    from bot import presentation as P
    from bot.channels.console import reply

    text = reply(service, "/help")
    shared = P.help_text("bot").split("/docs")[0]  # everything up to Telegram's own commands
    assert text is not None and text.startswith(shared) and "/quit" in text and "@bot" not in text


def test_a_complaint_that_asks_nothing_still_gets_the_clauses_on_its_topic(service) -> None:
    """A remark whose topic the plan covers (review, seventh session): not the kind word instead of the clause."""
    answer = service.ask("唉，孩子班上人太多了")
    assert answer.status in ("answered", "related") and answer.citations[0].point == 8


def test_the_next_and_the_previous_point_count_from_the_last_answer(service) -> None:
    assert service.ask("大班额比例控制在多少", chat="n1").citations[0].point == 8
    assert [c.point for c in service.ask("下一条呢", chat="n1").citations] == [9]
    assert [c.point for c in service.ask("下一条", chat="n1").citations] == [10]
    assert [c.point for c in service.ask("上一条", chat="n1").citations] == [9]
    assert service.ask("第24条", chat="n2").citations[0].point == 24
    past_the_end = service.ask("下一条", chat="n2")
    assert past_the_end.status == "not_found" and "没有第25条" in past_the_end.text
    assert service.ask("next one", chat="n3").status == "smalltalk"  # nothing answered yet to count from


def test_a_short_question_after_an_answer_goes_on_with_its_topic_when_it_cannot_stand_alone(service) -> None:
    assert service.ask("县管校聘是什么", chat="s1").citations[0].point == 13
    going_on = service.ask("在哪些地方试点", chat="s1")
    assert going_on.status == "answered" and going_on.citations[0].point == 13
    assert "接上文“县管校聘是什么”" in going_on.text
    assert service.ask("在哪些地方试点").status != "answered"  # alone it names nothing
    # what the plan never says stays unanswered, topic or not
    service.ask("大班额比例控制在多少", chat="s2")
    assert service.ask("学费多少", chat="s2").status != "answered"


def test_a_new_topic_after_an_answer_is_not_answered_with_the_old_point(service) -> None:
    # review (ninth session): short questions on something else were answered with the topic's point
    assert service.ask("疫情防控怎么做", chat="r1").citations[0].point == 23
    for message in ("附近有什么好吃的", "校园欺凌怎么处理", "留守儿童怎么关爱", "怎么报名"):
        answer = service.ask(message, chat="r1")
        assert answer.status != "answered" or answer.citations[0].point != 23, message
