"""Prove that tests/fake_bot_api.py behaves like Telegram for the real PTB client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
)

from tests.fake_bot_api import (
    BOT_USER,
    DEFAULT_USER_ID,
    FakeBotApi,
    UploadedFile,
    parse_telegram_html,
    validate_message_text,
    validate_telegram_html,
)

CHAT_ID = 4242

# PTB's RetryAfter.__init__ reads its own deprecated int-valued retry_after property.
ignore_retry_after_deprecation = pytest.mark.filterwarnings(
    "ignore::telegram.warnings.PTBDeprecationWarning"
)


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi(long_poll_cap=0.5) as server:
        yield server


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def make_bot(fake: FakeBotApi, token: str | None = None) -> Bot:
    return Bot(token or fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url)


def raw_request(
    url: str, *, form: dict[str, str] | None = None, json_body: Any = None
) -> tuple[int, dict[str, Any]]:
    """POST without PTB, to check the exact wire format."""
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers = {"Content-Type": "application/json"}
    else:
        data = urllib.parse.urlencode(form or {}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


def keyboard(*callback_data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(f"button {i}", callback_data=d)
                for i, d in enumerate(callback_data)
            ]
        ]
    )


# --------------------------------------------------------------------------- basics


def test_get_me_returns_the_configured_bot_user(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with make_bot(fake) as bot:  # initialize() calls getMe
            assert bot.bot.id == 777_000_111
            assert bot.username == "policy_test_bot"
            assert bot.bot.first_name == "PolicyBot"
            assert bot.bot.can_join_groups is True
            assert bot.bot.can_read_all_group_messages is False
            assert bot.bot.supports_inline_queries is True

    run(scenario())
    [call] = fake.calls("getMe")
    assert call.ok and call.result["username"] == BOT_USER["username"]
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/bot"


def test_send_message_html_returns_a_full_message(fake: FakeBotApi) -> None:
    html = '<b>Policy</b> &amp; <i>rules</i>: <a href="https://example.org/?a=1&amp;b=2">link</a>'

    async def scenario() -> tuple[Any, Any, Any]:
        async with make_bot(fake) as bot:
            first = await bot.send_message(
                CHAT_ID, html, parse_mode="HTML", reply_markup=keyboard("ok")
            )
            second = await bot.send_message(CHAT_ID, "plain")
            other_chat = await bot.send_message(-1001, "hello group")
            return first, second, other_chat

    first, second, other_chat = run(scenario())
    # What Telegram returns: tags parsed into entities, keyboard echoed, the bot as sender.
    assert first.text == "Policy & rules: link"
    assert [e.type for e in first.entities] == ["bold", "italic", "text_link"]
    assert first.entities[2].url == "https://example.org/?a=1&b=2"
    assert first.text_html == html.replace("&amp;b", "&b")  # PTB re-renders from entities
    assert first.reply_markup == keyboard("ok")
    assert first.from_user.id == BOT_USER["id"] and first.chat.id == CHAT_ID
    # message_id increments per chat.
    assert (first.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
    assert other_chat.chat.type == "supergroup"

    # Parameters are recorded decoded: PTB sends chat_id="4242" and reply_markup as JSON text.
    params = fake.sent_messages(CHAT_ID)[0]
    assert params["chat_id"] == CHAT_ID
    assert params["parse_mode"] == "HTML"
    assert params["text"] == html
    assert params["reply_markup"] == {
        "inline_keyboard": [[{"text": "button 0", "callback_data": "ok"}]]
    }
    assert [p["text"] for p in fake.sent_messages()] == [html, "plain", "hello group"]


def test_numeric_looking_text_stays_a_string(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with make_bot(fake) as bot:
            await bot.send_message(CHAT_ID, "42")
            await bot.send_message(CHAT_ID, "true")

    run(scenario())
    assert [p["text"] for p in fake.sent_messages()] == ["42", "true"]


def test_edit_message_text_and_reply_markup(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with make_bot(fake) as bot:
            sent = await bot.send_message(CHAT_ID, "v1", reply_markup=keyboard("a"))
            edited = await bot.edit_message_text(
                "<b>v2</b>", CHAT_ID, sent.message_id, parse_mode="HTML"
            )
            assert edited.text == "v2" and edited.edit_date is not None
            assert edited.reply_markup is None  # omitted markup removes the keyboard
            with pytest.raises(BadRequest, match="Message is not modified"):
                await bot.edit_message_text(
                    "<b>v2</b>", CHAT_ID, sent.message_id, parse_mode="HTML"
                )
            marked = await bot.edit_message_reply_markup(
                CHAT_ID, sent.message_id, reply_markup=keyboard("b")
            )
            assert marked.reply_markup == keyboard("b") and marked.text == "v2"
            with pytest.raises(BadRequest, match="Message to edit not found"):
                await bot.edit_message_text("x", CHAT_ID, 999)

    run(scenario())
    stored = fake.message(CHAT_ID, 1)
    assert stored is not None
    assert stored["text"] == "v2"
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "b"


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "text",
    [
        "plain text",
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>",
        '<span class="tg-spoiler">x</span> <tg-spoiler>y</tg-spoiler>',
        '<a href="https://example.org">x</a> <a href="tg://user?id=5">user</a>',
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        "<code>x &lt; y &gt; z &amp; &quot;q&quot;</code> &#169; &#x1F600;",
        '<pre><code class="language-python">print("hi")</code></pre>',
        "<pre>block</pre>",
        "<blockquote>q</blockquote> <blockquote expandable>long</blockquote>",
        "<b>bold <i>italic <u>underline</u></i></b>",
        "<B>upper-case tags</B>",
    ],
)
def test_valid_telegram_html(text: str) -> None:
    assert validate_telegram_html(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<br/>", 'Unsupported start tag "br/"'),
        ("x < y", 'Unsupported start tag ""'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
        ("stray </b>", "Unexpected end tag at byte offset 6"),
        ("é<b", "Unclosed start tag at byte offset 2"),  # byte offsets count UTF-8 bytes
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", "Invalid custom emoji identifier"),
        ("Q&A", 'Unescaped "&"'),
        ("a > b", 'Unescaped ">"'),
        ("&nbsp;", 'Unsupported HTML entity "&nbsp;"'),
        ("&#xD800;", "Unsupported HTML entity"),
    ],
)
def test_invalid_telegram_html(text: str, expected: str) -> None:
    error = validate_telegram_html(text)
    assert error is not None and error.startswith("Bad Request: can't parse entities: ")
    assert expected in error


def test_html_entities_use_utf16_offsets() -> None:
    text, entities = parse_telegram_html("😀 <b>x</b>")  # the emoji is 2 UTF-16 code units
    assert text == "😀 x"
    assert entities == [{"type": "bold", "offset": 3, "length": 1}]


def test_validate_message_text_checks_length_after_parsing() -> None:
    assert validate_message_text("a" * 4096) is None
    assert validate_message_text("<b>" + "a" * 4096 + "</b>") is None  # tags don't count
    assert validate_message_text("a" * 4097) == "Bad Request: message is too long"
    assert validate_message_text("😀" * 2048) is None  # 4096 UTF-16 code units
    assert validate_message_text("😀" * 2049) == "Bad Request: message is too long"
    assert validate_message_text(" \n ") == "Bad Request: message text is empty"
    assert validate_message_text("<b> </b>") == "Bad Request: message text is empty"
    assert validate_message_text("a < b", parse_mode=None) is None


def test_server_rejects_bad_messages_with_400(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with make_bot(fake) as bot:
            # PTB strips "Bad Request: " and capitalize()s the rest of the description.
            with pytest.raises(BadRequest, match="Can't parse entities: unsupported start tag"):
                await bot.send_message(CHAT_ID, "<foo>x</foo>", parse_mode="HTML")
            with pytest.raises(BadRequest, match="Message is too long"):
                await bot.send_message(CHAT_ID, "x" * 4097)
            with pytest.raises(BadRequest, match="Message text is empty"):
                await bot.send_message(CHAT_ID, "   ")
            with pytest.raises(BadRequest, match="Button_data_invalid"):
                await bot.send_message(CHAT_ID, "x", reply_markup=keyboard("é" * 33))  # 66 bytes
            await bot.send_message(CHAT_ID, "x", reply_markup=keyboard("é" * 32))  # 64 bytes: ok

    run(scenario())
    statuses = [c.status for c in fake.calls("sendMessage")]
    assert statuses == [400, 400, 400, 400, 200]
    assert fake.calls("sendMessage")[0].description.startswith("Bad Request: can't parse entities")
    assert len(fake.sent_messages()) == 1


def test_query_answer_limits(fake: FakeBotApi) -> None:
    inline_update = fake.push_inline_query("policy")
    callback_update = fake.push_update(
        {
            "callback_query": {
                "id": "cq-1",
                "from": {"id": 1, "is_bot": False, "first_name": "A"},
                "chat_instance": "1",
                "data": "x",
            }
        }
    )

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            updates = {u.update_id: u for u in await bot.get_updates()}
            inline_query = updates[inline_update].inline_query
            articles = [
                InlineQueryResultArticle(
                    str(i), f"r{i}", InputTextMessageContent("<b>r</b>", parse_mode="HTML")
                )
                for i in range(51)
            ]
            with pytest.raises(BadRequest, match="Results_too_much"):
                await bot.answer_inline_query(inline_query.id, articles)
            bad_html = [
                InlineQueryResultArticle(
                    "1", "t", InputTextMessageContent("<x>", parse_mode="HTML")
                )
            ]
            with pytest.raises(BadRequest, match="Can't parse entities"):
                await bot.answer_inline_query(inline_query.id, bad_html)
            assert await bot.answer_inline_query(inline_query.id, articles[:50])

            query_id = updates[callback_update].callback_query.id
            with pytest.raises(BadRequest, match="Message_too_long"):
                await bot.answer_callback_query(query_id, text="x" * 201)
            assert await bot.answer_callback_query(query_id, text="x" * 200)
            with pytest.raises(BadRequest, match="Query is too old"):
                await bot.answer_callback_query("unknown-id")

    run(scenario())


# --------------------------------------------------------------------------- getUpdates


def test_get_updates_honours_offset_and_limit(fake: FakeBotApi) -> None:
    ids = [fake.push_message(f"message {i}") for i in range(3)]
    assert ids == sorted(ids) and fake.pending_update_count == 3

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            first = await bot.get_updates(limit=2)
            assert [u.update_id for u in first] == ids[:2]
            again = await bot.get_updates()  # nothing confirmed yet: redelivered
            assert [u.update_id for u in again] == ids
            rest = await bot.get_updates(offset=ids[1] + 1)  # confirms the first two
            assert [u.message.text for u in rest] == ["message 2"]
            assert await bot.get_updates(offset=ids[2] + 1) == ()

    run(scenario())
    assert fake.pending_update_count == 0
    assert fake.delivered_at(ids[0]) >= fake.queued_at(ids[0])
    assert [c.params.get("offset") for c in fake.calls("getUpdates")] == [
        None,
        None,
        ids[1] + 1,
        ids[2] + 1,
    ]


def test_long_poll_returns_as_soon_as_an_update_arrives() -> None:
    with FakeBotApi(long_poll_cap=5) as fake:
        timer = threading.Timer(0.2, fake.push_message, args=("late",))

        async def scenario() -> tuple[tuple[Update, ...], float]:
            async with make_bot(fake) as bot:
                started = time.monotonic()
                timer.start()
                updates = await bot.get_updates(timeout=10)
                return updates, time.monotonic() - started

        updates, elapsed = run(scenario())
        timer.join()
    assert [u.message.text for u in updates] == ["late"]
    assert 0.15 <= elapsed < 2


def test_long_poll_wait_is_capped() -> None:
    with FakeBotApi(long_poll_cap=0.2) as fake:

        async def scenario() -> float:
            async with make_bot(fake) as bot:
                started = time.monotonic()
                assert await bot.get_updates(timeout=30) == ()
                return time.monotonic() - started

        assert run(scenario()) < 1.5


def test_stop_is_prompt_during_a_long_poll() -> None:
    fake = FakeBotApi(long_poll_cap=30).start()
    url = f"{fake.base_url}{fake.token}/getUpdates"

    def poll() -> None:
        with contextlib.suppress(OSError):  # the connection may be cut by stop()
            raw_request(url, form={"timeout": "30"})

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(0.2)  # let the poll reach the server and start waiting
    started = time.monotonic()
    fake.stop()
    assert time.monotonic() - started < 1
    poller.join(timeout=2)
    assert not poller.is_alive()


def test_newer_poll_terminates_a_waiting_one_with_409() -> None:
    with FakeBotApi(long_poll_cap=5) as fake:
        url = f"{fake.base_url}{fake.token}/getUpdates"
        first: list[tuple[int, dict[str, Any]]] = []
        poller = threading.Thread(
            target=lambda: first.append(raw_request(url, form={"timeout": "5"}))
        )
        poller.start()
        # Keep polling until the waiting poll is terminated; robust to which arrives first.
        deadline = time.monotonic() + 3
        while poller.is_alive() and time.monotonic() < deadline:
            assert raw_request(url)[0] == 200
            poller.join(0.05)
    assert first[0][0] == 409
    assert first[0][1]["description"].startswith("Conflict: terminated by other getUpdates request")


def test_allowed_updates_filters_delivery(fake: FakeBotApi) -> None:
    member_update = fake.push_update(
        {"chat_member": {"chat": {"id": -1001, "type": "supergroup", "title": "g"}}}
    )
    message_update = fake.push_message("hi")

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            # chat_member is opt-in on Telegram: never delivered with the default setting.
            updates = await bot.get_updates()
            assert [u.update_id for u in updates] == [message_update]

    run(scenario())
    assert member_update not in [u["update_id"] for u in fake._updates]


# --------------------------------------------------------------------------- fault injection


@ignore_retry_after_deprecation
def test_429_then_success(fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=3)

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
                await bot.send_message(CHAT_ID, "first try")
            await bot.send_message(CHAT_ID, "second try")

    run(scenario())
    failed, succeeded = fake.calls("sendMessage")
    assert (failed.status, failed.description) == (429, "Too Many Requests: retry after 3")
    assert succeeded.ok and [p["text"] for p in fake.sent_messages()] == ["second try"]


@ignore_retry_after_deprecation
def test_rate_limiter_retries_after_429(fake: FakeBotApi) -> None:
    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .rate_limiter(AIORateLimiter(max_retries=1))
        .build()
    )
    fake.fail_next("sendMessage", status=429, retry_after=1)

    async def scenario() -> None:
        async with app:
            message = await app.bot.send_message(CHAT_ID, "eventually")
            assert message.text == "eventually"

    run(scenario())
    failed, succeeded = fake.calls("sendMessage")
    assert failed.status == 429 and succeeded.ok
    assert succeeded.time - failed.time >= 1.0  # PTB honoured retry_after


def test_server_errors_raise_network_error(fake: FakeBotApi) -> None:
    fake.fail_next("getMe", status=502)
    fake.fail_next("getMe", status=500)

    async def scenario() -> None:
        bot = make_bot(fake)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.initialize()
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.initialize()
        await bot.initialize()
        await bot.shutdown()

    run(scenario())
    assert [c.status for c in fake.calls("getMe")] == [502, 500, 200]


def test_delay_next_makes_the_client_time_out(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with make_bot(fake) as bot:
            fake.delay_next("getMe", 0.3)
            with pytest.raises(TimedOut):
                await bot.get_me(read_timeout=0.05)
            assert (await bot.get_me()).username == "policy_test_bot"

    run(scenario())
    # The delayed call still completed on the server, like a slow Telegram would.
    fake.wait_for("getMe", count=3, timeout=2)


def test_fail_next_rejects_unknown_methods(fake: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="sendMesage"):
        fake.fail_next("sendMesage")


# --------------------------------------------------------------------------- wire format


def test_error_envelopes_on_the_wire(fake: FakeBotApi) -> None:
    api = f"{fake.base_url}{fake.token}"
    assert raw_request(f"{fake.base_url}999:WRONG/getMe") == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert raw_request(f"{api}/noSuchMethod") == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    fake.fail_next("getMe", status=429, retry_after=7)
    assert raw_request(f"{api}/getMe") == (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    )
    status, body = raw_request(f"{api}/getme")  # method names are case-insensitive
    assert (status, body["ok"], body["result"]["id"]) == (200, True, BOT_USER["id"])


def test_json_body_is_accepted(fake: FakeBotApi) -> None:
    markup = {"inline_keyboard": [[{"text": "t", "callback_data": "d"}]]}
    status, body = raw_request(
        f"{fake.base_url}{fake.token}/sendMessage",
        json_body={"chat_id": CHAT_ID, "text": "json", "reply_markup": json.dumps(markup)},
    )
    assert status == 200 and body["result"]["reply_markup"] == markup
    assert fake.sent_messages(CHAT_ID) == [
        {"chat_id": CHAT_ID, "text": "json", "reply_markup": markup}
    ]


def test_ptb_errors_for_token_and_unknown_endpoint(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        wrong = make_bot(fake, token="999:WRONG")
        with pytest.raises(InvalidToken):
            await wrong.initialize()
        await wrong.shutdown()  # initialize() opened the HTTP clients before failing
        async with make_bot(fake) as bot:
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("noSuchMethod")

    run(scenario())


def test_settings_methods_and_multipart_upload(fake: FakeBotApi) -> None:
    fake.push_message("pending")

    async def scenario() -> None:
        async with make_bot(fake) as bot:
            commands = [BotCommand("start", "Start"), BotCommand("policy", "Show the policy")]
            assert await bot.set_my_commands(commands)
            assert await bot.get_my_commands() == tuple(commands)
            assert await bot.get_my_commands(language_code="de") == ()
            with pytest.raises(BadRequest, match="Bot_command_invalid"):
                await bot.set_my_commands([BotCommand("Bad-Name", "x")])
            assert await bot.delete_my_commands()
            assert await bot.get_my_commands() == ()
            assert await bot.set_my_description("Long description")
            assert await bot.set_my_short_description("Short")
            assert (await bot.get_my_description()).description == "Long description"

            # A certificate upload makes PTB switch to multipart/form-data.
            assert await bot.set_webhook(
                "https://hook.example/tg", certificate=b"PEM", secret_token="s3"
            )
            info = await bot.get_webhook_info()
            assert (info.url, info.has_custom_certificate, info.pending_update_count) == (
                "https://hook.example/tg",
                True,
                1,
            )
            with pytest.raises(Conflict, match="webhook is active"):
                await bot.get_updates()
            assert await bot.delete_webhook(drop_pending_updates=True)
            assert await bot.get_updates() == ()
            assert await bot.send_chat_action(CHAT_ID, "typing")
            assert await bot.log_out() and await bot.close()

    run(scenario())
    [set_webhook] = fake.calls("setWebhook")
    certificate = set_webhook.params["certificate"]
    assert isinstance(certificate, UploadedFile) and certificate.data == b"PEM"
    assert set_webhook.params["url"] == "https://hook.example/tg"
    assert set_webhook.params["secret_token"] == "s3"
    assert fake.calls("setMyCommands")[0].params["commands"][1] == {
        "command": "policy",
        "description": "Show the policy",
    }


# --------------------------------------------------------------------------- update injection


def test_push_message_builds_realistic_updates(fake: FakeBotApi) -> None:
    async def scenario() -> tuple[Update, ...]:
        async with make_bot(fake) as bot:
            sent = await bot.send_message(DEFAULT_USER_ID, "Which policy?")
            fake.push_message("/start@policy_test_bot hi @policy_test_bot")
            fake.push_message("the second one", reply_to_message_id=sent.message_id)
            fake.push_message(
                "/help", chat_id=-100555, chat_type="supergroup", user_id=7, username="bob"
            )
            return await bot.get_updates()

    command, reply, group = run(scenario())
    assert command.message.text.startswith("/start")
    assert [(e.type, e.offset, e.length) for e in command.message.entities] == [
        ("bot_command", 0, 22),
        ("mention", 26, 16),
    ]
    assert command.effective_user.id == DEFAULT_USER_ID
    assert command.message.message_id == 2  # the bot's message took id 1 in this chat
    assert reply.message.reply_to_message.from_user.id == BOT_USER["id"]
    assert reply.message.reply_to_message.text == "Which policy?"
    assert group.effective_chat.type == "supergroup" and group.effective_user.username == "bob"
    with pytest.raises(LookupError):
        fake.push_message("reply to nothing", reply_to_message_id=99)
    with pytest.raises(LookupError):
        fake.push_callback_query("data", chat_id=123456)


def test_restart_keeps_port_and_state_reset_clears_it(fake: FakeBotApi) -> None:
    api = f"{fake.base_url}{fake.token}"
    port = fake.port
    assert raw_request(f"{api}/getMe")[0] == 200
    fake.stop()  # e.g. to simulate an outage
    with pytest.raises(OSError):
        raw_request(f"{api}/getMe")
    fake.start()
    assert fake.port == port and raw_request(f"{api}/getMe")[0] == 200
    assert len(fake.calls("getMe")) == 2
    fake.reset()
    assert fake.calls() == [] and fake.pending_update_count == 0


def test_wait_for_timeout_lists_recorded_calls(fake: FakeBotApi) -> None:
    async def scenario() -> None:
        async with make_bot(fake):  # records a getMe
            pass

    run(scenario())
    with pytest.raises(AssertionError) as error:
        fake.wait_for("sendMessage", timeout=0.1)
    message = str(error.value)
    assert "waiting for 1 sendMessage call(s)" in message
    assert "getMe -> 200" in message


# --------------------------------------------------------------------------- full application


def test_application_end_to_end_over_polling(fake: FakeBotApi) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_html(
            "<b>Welcome</b> to the policy bot", reply_markup=keyboard("accept")
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("Accepted")
        await update.callback_query.edit_message_text(
            f"You chose <i>{update.callback_query.data}</i>", parse_mode="HTML"
        )

    async def inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        content = InputTextMessageContent(f"<b>{update.inline_query.query}</b>", parse_mode="HTML")
        await update.inline_query.answer([InlineQueryResultArticle("1", "Policy", content)])

    app: Application = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(InlineQueryHandler(inline))

    async def scenario() -> None:
        async with app:
            await app.start()
            await app.updater.start_polling(timeout=10)
            try:
                start_update = fake.push_message("/start")
                [reply] = await fake.wait_for_async("sendMessage")
                assert reply.ok and reply.params["parse_mode"] == "HTML"
                assert reply.result["text"] == "Welcome to the policy bot"
                assert reply.time - fake.queued_at(start_update) < 5  # latency, measurable

                fake.push_callback_query("accept", chat_id=DEFAULT_USER_ID)
                [answer] = await fake.wait_for_async("answerCallbackQuery")
                [edit] = await fake.wait_for_async("editMessageText")
                assert answer.params["text"] == "Accepted"
                assert edit.ok and edit.result["text"] == "You chose accept"

                fake.push_inline_query("privacy")
                [answer_inline] = await fake.wait_for_async("answerInlineQuery")
                assert answer_inline.ok
                assert answer_inline.params["results"][0]["input_message_content"][
                    "message_text"
                ] == ("<b>privacy</b>")
            finally:
                await app.updater.stop()
                await app.stop()

    run(scenario())
    assert fake.calls("deleteWebhook")  # run-up of start_polling
    assert fake.pending_update_count == 0  # Updater.stop() confirmed everything
    # The poll PTB cancelled on shutdown was superseded with nobody listening: not recorded.
    assert [c for c in fake.calls() if not c.ok] == []
    assert fake.message(DEFAULT_USER_ID, 2)["text"] == "You chose accept"


# --------------------------------------------------------------------------- standalone mode


def test_runs_standalone_with_control_endpoints() -> None:
    script = Path(__file__).with_name("fake_bot_api.py")
    process = subprocess.Popen(
        [sys.executable, str(script), "--port", "0", "--long-poll-cap", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        assert first_line.startswith("base_url: "), first_line + process.stderr.read()
        base_url = first_line.split()[1]
        root = base_url.removesuffix("/bot")
        api = f"{base_url}123456:TEST-TOKEN"

        assert raw_request(f"{api}/getMe")[1]["result"]["username"] == "policy_test_bot"
        status, pushed = raw_request(f"{root}/_fake/push_message", json_body={"text": "/start"})
        assert status == 200
        _, updates = raw_request(f"{api}/getUpdates", form={"timeout": "1"})
        assert [u["update_id"] for u in updates["result"]] == [pushed["result"]]
        _, calls = raw_request(f"{root}/_fake/calls", json_body={"method": "getMe"})
        assert [c["status"] for c in calls["result"]] == [200]
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
        process.stdout.close()
        process.stderr.close()
