"""Prove that tests/fake_bot_api.py answers the real PTB client the way Telegram does."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from urllib.error import HTTPError

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from tests.fake_bot_api import BOT_USER, FakeBotApi, validate_telegram_html

CHAT = 4242


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(long_poll_cap=0.5) as server:
        server.push_message("hello", CHAT, user_id=CHAT)  # Telegram only knows chats that wrote to the bot
        yield server


def with_bot(fake: FakeBotApi, scenario: Callable[[Bot], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:  # getMe
            return await scenario(bot)

    return asyncio.run(main())


def raw_post(url: str) -> tuple[int, dict[str, Any]]:  # without PTB: the exact wire format
    try:
        with urllib.request.urlopen(url, data=b"", timeout=5) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


def keyboard(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("button", callback_data=data)]])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (text, None)
        for text in [
            "plain",
            "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
            '<span class="tg-spoiler">x</span> <tg-spoiler>y</tg-spoiler> <a href="https://x.org/?a=1&amp;b=2">x</a>',
            "<code>x &lt; y &gt; z &amp; &quot;q&quot;</code> &#169; &#x1F600;",
            "<pre>block</pre>",
            '<pre><code class="language-python">print("hi")</code></pre>',
            "<B>upper</B> <b>bold <i>nested</i></b>",
            "<blockquote>q</blockquote> <blockquote expandable>long</blockquote>",
        ]
    ]
    + [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/"'),
        ("x < y", 'Unsupported start tag ""'),
        ("é<b", "Unclosed start tag at byte offset 2"),  # UTF-8 bytes
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b>x</b", "Unclosed end tag"),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("stray </b>", "Unexpected end tag at byte offset 6"),
        ("<span>x</span>", 'Tag "span" must have class'),
        ("Q&A", 'Unescaped "&"'),
        ("a > b", 'Unescaped ">"'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;"'),
        ("&#xD800;", "Unsupported HTML entity"),
    ],
)
def test_telegram_html_validation(text: str, error: str | None) -> None:
    result = validate_telegram_html(text)
    if error is None:
        assert result is None
    else:
        assert result is not None and result.startswith("Bad Request: can't parse entities: ") and error in result


def test_bad_messages_get_telegrams_400(fake: FakeBotApi) -> None:
    html = '😀 <b>Policy</b> &amp; <a href="https://x.org/?a=1&amp;b=2">rules</a><i></i>'

    async def scenario(bot: Bot) -> Any:
        # PTB drops "Bad Request: " and capitalises the rest of the description.
        for text, kwargs, error in [
            ("<foo>x</foo>", {"parse_mode": "HTML"}, "Can't parse entities: unsupported start tag"),
            ("x" * 4097, {}, "Message is too long"),
            ("😀" * 2049, {}, "Message is too long"),
            ("<b> </b>", {"parse_mode": "HTML"}, "Message text is empty"),
            ("x", {"reply_markup": keyboard("é" * 33)}, "Button_data_invalid"),  # 66 bytes
            ("x", {"parse_mode": "MarkdownV2"}, "Unsupported parse_mode"),
        ]:
            with pytest.raises(BadRequest, match=error):
                await bot.send_message(CHAT, text, **kwargs)
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(999, "nobody wrote from there")
        await bot.send_message(CHAT, "<b>" + "😀" * 2048 + "</b>", parse_mode="HTML", reply_markup=keyboard("é" * 32))
        return await bot.send_message(CHAT, html, parse_mode="HTML", reply_markup=keyboard("ok"))

    sent = with_bot(fake, scenario)  # a Message as Telegram returns it: entities at UTF-16 offsets (😀 counts 2)
    assert (sent.text, sent.reply_markup) == ("😀 Policy & rules", keyboard("ok"))
    assert [(e.type, e.offset, e.length, e.url) for e in sent.entities] == [
        ("bold", 3, 6, None),
        ("text_link", 12, 5, "https://x.org/?a=1&b=2"),
    ]
    assert sent.from_user.id == BOT_USER["id"] and sent.message_id == 3  # ids count per chat: "hello" was 1
    assert [c.status for c in fake.calls("sendMessage")] == [400] * 7 + [200, 200]
    assert fake.sent_messages(CHAT)[-1] == {
        "chat_id": CHAT,
        "text": html,
        "parse_mode": "HTML",
        "reply_markup": keyboard("ok").to_dict(),
    }


def test_edits_and_an_unknown_message(fake: FakeBotApi) -> None:
    async def scenario(bot: Bot) -> None:
        sent = await bot.send_message(CHAT, "v1", reply_markup=keyboard("a"))  # message 2, after "hello"
        edited = await bot.edit_message_text("<b>v2</b>", CHAT, sent.message_id, parse_mode="HTML")
        assert edited.text == "v2" and edited.edit_date and edited.reply_markup is None  # no markup: removed
        with pytest.raises(BadRequest, match="Message is not modified"):
            await bot.edit_message_text("<b>v2</b>", CHAT, sent.message_id, parse_mode="HTML")
        await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=keyboard("b"))
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await bot.edit_message_text("x", CHAT, 999)

    with_bot(fake, scenario)
    message = fake.message(CHAT, 2)
    assert message["text"] == "v2" and message["reply_markup"] == keyboard("b").to_dict()


def test_get_updates_offset_and_limit(fake: FakeBotApi) -> None:
    fake.reset()
    ids = [fake.push_message(f"m{i}", CHAT, user_id=CHAT) for i in range(3)]

    async def scenario(bot: Bot) -> None:
        assert [u.update_id for u in await bot.get_updates(limit=2)] == ids[:2]
        assert [u.update_id for u in await bot.get_updates()] == ids  # nothing confirmed yet: all again
        assert [u.message.text for u in await bot.get_updates(offset=ids[1] + 1)] == ["m2"]
        assert await bot.get_updates(offset=ids[2] + 1) == ()

    with_bot(fake, scenario)
    assert fake.pending_update_count == 0 and fake.delivered_at(ids[0]) >= fake.queued_at(ids[0])


@pytest.mark.parametrize(("cap", "arrives_after"), [(5.0, 0.2), (0.3, None)])
def test_long_poll_returns_on_an_update_or_at_the_cap(cap: float, arrives_after: float | None) -> None:
    with FakeBotApi(long_poll_cap=cap) as fake:
        if arrives_after:
            threading.Timer(arrives_after, fake.push_message, args=("late", CHAT)).start()
        started = time.monotonic()
        updates = with_bot(fake, lambda bot: bot.get_updates(timeout=10))
        elapsed = time.monotonic() - started
    if arrives_after:
        assert [u.message.text for u in updates] == ["late"] and 0.15 <= elapsed < 2
    else:
        assert updates == () and 0.3 <= elapsed < 1.5  # the cap, not the 10 s asked for


def test_user_messages_and_recorded_query_answers(fake: FakeBotApi) -> None:
    async def scenario(bot: Bot) -> str:
        sent = await bot.send_message(CHAT, "pick", reply_markup=keyboard("choice"))
        fake.push_message(
            "/start@policy_test_bot hi @policy_test_bot", CHAT, user_id=CHAT, reply_to_message_id=sent.message_id
        )
        fake.push_callback_query("choice", CHAT, user_id=CHAT)  # on the bot's latest message
        fake.push_inline_query("policy")
        *_, command, pressed, inline = await bot.get_updates()
        assert [(e.type, e.offset, e.length) for e in command.message.entities] == [
            ("bot_command", 0, 22),
            ("mention", 26, 16),
        ]
        assert command.message.reply_to_message.text == "pick"
        assert pressed.callback_query.message.message_id == sent.message_id and pressed.callback_query.data == "choice"
        assert await pressed.callback_query.answer("Thanks")
        article = InlineQueryResultArticle("1", "t", InputTextMessageContent("<b>r</b>", parse_mode="HTML"))
        with pytest.raises(BadRequest, match="Results_too_much"):
            await inline.inline_query.answer([article] * 51)
        assert await inline.inline_query.answer([article])
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query("unknown-id")
        return pressed.callback_query.id

    pressed_id = with_bot(fake, scenario)
    assert fake.calls("answerCallbackQuery")[0].params == {"callback_query_id": pressed_id, "text": "Thanks"}
    answered = fake.calls("answerInlineQuery")[-1]
    assert answered.ok and answered.params["results"][0]["input_message_content"]["message_text"] == "<b>r</b>"
    with pytest.raises(LookupError):  # only the bot's messages have buttons
        fake.push_callback_query("data", chat_id=123456)


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter's int retry_after
def test_injected_429_5xx_and_delay(fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=3)
    fake.fail_next("sendMessage", status=502, count=2)

    async def scenario(bot: Bot) -> None:
        for error, match in [(RetryAfter, "Retry in 3 seconds")] + [(NetworkError, "Bad Gateway")] * 2:
            with pytest.raises(error, match=match):
                await bot.send_message(CHAT, "x")
        fake.delay_next("sendMessage", 0.3)
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "slow", read_timeout=0.05)

    with_bot(fake, scenario)  # the slow call still took effect on the server, as on Telegram:
    assert [c.status for c in fake.wait_for("sendMessage", count=4, timeout=2)] == [429, 502, 502, 200]


def test_wire_format_of_errors(fake: FakeBotApi) -> None:
    api = f"{fake.base_url}{fake.token}"
    fake.fail_next("getMe", status=429, retry_after=7)
    assert raw_post(f"{api}/getMe") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "parameters": {"retry_after": 7},
            "description": "Too Many Requests: retry after 7",
        },
    )
    assert raw_post(f"{api}/getChat") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})
    assert raw_post(f"{fake.base_url}999:WRONG/getMe")[0] == 401
    assert raw_post(f"{api}/getme")[1]["result"]["id"] == BOT_USER["id"]  # method names are case-insensitive
    with pytest.raises(AssertionError, match="getChat -> 404"):  # wait_for lists the calls it saw
        fake.wait_for("sendMessage", timeout=0.1)
    with pytest.raises(ValueError, match="sendMesage"):
        fake.fail_next("sendMesage")
