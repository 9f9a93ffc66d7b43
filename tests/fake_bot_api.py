"""A fake Telegram Bot API server on loopback, just big enough for policybot's tests.

It speaks the wire protocol (``POST /bot<TOKEN>/<method>``, answered with Telegram's
``{"ok": ..., "result" | "error_code" + "description"}`` envelope), so the real PTB client
talks to it, in-process or from a ``policybot serve`` subprocess::

    with FakeBotApi() as fake:
        app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
        ...  # start polling
        fake.push_message("/start", 42)
        [reply] = fake.wait_for("sendMessage")

Only the methods the bot calls exist (see ``FakeBotApi.__init__``); any other gets Telegram's
404 "Not Found".  They fail like Telegram, so formatting bugs show up as 400s in tests rather
than in production: Telegram-HTML is parsed into entities, text may have 4096 UTF-16 code units
after parsing, callback_data 64 bytes, and a chat is "not found" until a user writes from it
(``push_message``).  Deliberately stricter: a bare ``&`` or ``>`` is an error (the docs say to
escape them) and Markdown is an "unsupported parse_mode" (the bot sends HTML only).
setWebhook only records the URL: tests post updates to the bot's webhook themselves.

Every request is recorded as a ``Call``; ``push_*`` queue updates; ``fail_next`` and
``delay_next`` inject errors (429 with ``parameters.retry_after``, 5xx, ...) and slow answers.
The server is stdlib ``ThreadingHTTPServer`` on a daemon thread, one request per HTTP/1.0
connection so nothing idles past ``stop()``.  One condition variable guards all state, so
``wait_for`` wakes on each call and a long poll as soon as an update is queued.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import re
import socketserver
import sys
import threading
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

_LOGGER = logging.getLogger(__name__)
JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USER_ID = 100_200_300
DEFAULT_GROUP_CHAT_ID = -1_001_234_567_890
BOT_USER: JSONDict = {
    "id": 777_000_111,
    "is_bot": True,
    "first_name": "PolicyBot",
    "username": "policy_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
_BOT_SENDER = {key: BOT_USER[key] for key in ("id", "is_bot", "first_name", "username")}

MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units of the text after entity parsing
MAX_CALLBACK_DATA_BYTES = 64
_ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "copy_text",
    "pay",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
)
# PTB sends every parameter as a string: str values as they are, anything else JSON-encoded
# (telegram/request/_requestparameter.py).  So "42" is decoded to 42 unless the parameter is free text.
_TEXT_PARAMS = frozenset(
    {
        "text",
        "parse_mode",
        "url",
        "secret_token",
        "callback_query_id",
        "inline_query_id",
        "next_offset",
        "language_code",
        "ip_address",
        "business_connection_id",
    }
)
_PATH_RE = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>\w+)")
_MENTION_RE = re.compile(rf"@{BOT_USER['username']}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Call:
    """One request: ``time`` is its ``time.monotonic()`` at arrival, like ``queued_at``."""

    method: str
    params: JSONDict
    time: float
    status: int = 200
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


class ApiError(Exception):
    """A Bot API error answer."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        return body | ({"parameters": self.parameters} if self.parameters else {})


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


# --------------------------------------------------------------------------- Telegram HTML


class TelegramHtmlError(ValueError):
    """Invalid Telegram HTML; the message is what Telegram puts after "can't parse entities: "."""


_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_REFS = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ESCAPES = {"&": "&amp;", ">": "&gt;"}
_REF = r"&(\#[0-9]+|\#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"
# A tag (quoted attribute values may hold ">"), a character reference, plain text, or a stray <, > or &.
_TOKEN_RE = re.compile(rf"""<(/?)([^\s>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|{_REF}|([^<>&]+)|(.)""", re.S)
_ATTR_RE = re.compile(r"""([^\s=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']*)))?""")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's lengths and offsets."""
    return len(text.encode("utf-16-le")) // 2


def _decode_ref(ref: str) -> str | None:
    """The character ``&ref;`` stands for; None if Telegram does not support it."""
    if not ref.startswith("#"):
        return _NAMED_REFS.get(ref)
    code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else None


def _attributes(raw: str) -> dict[str, str]:
    # Inside attribute values (URLs!) an unsupported "&...;" stays literal, as in Telegram.
    def value(match: re.Match[str]) -> str:
        text = next((v for v in match.groups()[1:] if v is not None), "")
        return re.sub(_REF, lambda ref: _decode_ref(ref[1]) or ref[0], text)

    return {match[1].lower(): value(match) for match in _ATTR_RE.finditer(raw)}


def _entity(tag: str, attrs: dict[str, str], offset: int, length: int) -> JSONDict | None:
    """The entity a closed tag makes; None when Telegram drops it (empty, or a link without href)."""
    if length <= 0 or (tag == "a" and not attrs.get("href")):
        return None
    entity: JSONDict = {"type": _TAGS[tag], "offset": offset, "length": length}
    if tag == "a":
        entity["url"] = attrs["href"]
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    return entity


def parse_telegram_html(source: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML into (text, entities with UTF-16 offsets); raises TelegramHtmlError."""
    chunks: list[str] = []
    size = 0
    stack: list[tuple[str, dict[str, str], int]] = []  # open tags: name, attributes, start offset
    entities: list[JSONDict] = []

    def error(message: str, index: int) -> TelegramHtmlError:
        return TelegramHtmlError(f"{message} at byte offset {len(source[:index].encode())}")

    for token in _TOKEN_RE.finditer(source):
        closing, tag, attrs, ref, text, stray = token.groups()
        tag, at = (tag or "").lower(), token.start()
        if ref is not None:
            text = _decode_ref(ref)
            if text is None:
                raise error(f'Unsupported HTML entity "{token[0]}"', at)
        if text is not None:
            chunks.append(text)
            size += utf16_len(text)
        elif stray == "<":  # a "<" that no ">" closes
            name = re.split(r"[\s>]", source[at + 1 :], maxsplit=1)[0].lower()
            if name.startswith("/") or name in _TAGS or at + 1 + len(name) == len(source):
                raise error(f"Unclosed {'end' if name.startswith('/') else 'start'} tag", at)
            raise error(f'Unsupported start tag "{name}"', at)
        elif stray is not None:
            raise error(f'Unescaped "{stray}" (use "{_ESCAPES[stray]}")', at)
        elif closing:
            if not stack:
                raise error("Unexpected end tag", at)
            opened, opened_attrs, start = stack.pop()
            if tag and tag != opened:  # "</>" closes whatever is open, as in Telegram
                raise TelegramHtmlError(f'{error("Unmatched end tag", at)}, expected "</{opened}>", found "</{tag}>"')
            if entity := _entity(opened, opened_attrs, start, size - start):
                entities.append(entity)
        elif tag not in _TAGS:
            raise error(f'Unsupported start tag "{tag}"', at)
        else:
            attributes = _attributes(attrs)
            if tag == "span" and attributes.get("class") != "tg-spoiler":
                raise error('Tag "span" must have class "tg-spoiler"', at)
            stack.append((tag, attributes, size))
    if stack:
        raise TelegramHtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(chunks), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def validate_telegram_html(text: str) -> str | None:
    """Telegram's error description if ``text`` is not valid Telegram HTML, else None."""
    try:
        parse_telegram_html(text)
    except TelegramHtmlError as exc:
        return f"Bad Request: can't parse entities: {exc}"
    return None


def _render_text(text: Any, parse_mode: Any) -> tuple[str, list[JSONDict]]:
    """What Telegram stores for a text parameter: (stripped text, entities); raises its 400s."""
    text, entities = str(text or ""), []
    if parse_mode is not None and str(parse_mode).lower() != "html":
        raise _bad_request("unsupported parse_mode")
    if parse_mode is not None:
        try:
            text, entities = parse_telegram_html(text)
        except TelegramHtmlError as exc:
            raise _bad_request(f"can't parse entities: {exc}") from None
    lead = utf16_len(text) - utf16_len(text.lstrip())
    text = text.strip()
    size = utf16_len(text)
    clipped = []  # entities shifted and clipped to the stripped text, as Telegram does
    for entity in entities:
        start, end = max(entity["offset"] - lead, 0), min(entity["offset"] + entity["length"] - lead, size)
        if end > start:
            clipped.append(entity | {"offset": start, "length": end - start})
    if not text:
        raise _bad_request("message text is empty")
    if size > MAX_MESSAGE_LENGTH:
        raise _bad_request("message is too long")
    return text, clipped


def _check_inline_keyboard(markup: Any) -> JSONDict | None:
    """Validate an inline keyboard like Telegram; return it (the sent Message echoes it) or None."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None  # no markup, or a reply keyboard, which a Message never echoes
    for button in (button for row in markup["inline_keyboard"] for button in row):
        if not any(action in button for action in _BUTTON_ACTIONS):
            raise _bad_request("text buttons are unallowed in the inline keyboard")
        if "callback_data" in button and not 1 <= len(button["callback_data"].encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    return markup


def _decode_params(body: bytes) -> JSONDict:
    """The parameters of a urlencoded body (all PTB sends without file uploads), JSON decoded."""
    params: JSONDict = {}
    for name, value in parse_qsl(body.decode(), keep_blank_values=True):
        params[name] = value
        if name not in _TEXT_PARAMS:
            with contextlib.suppress(ValueError):  # else really a string
                params[name] = json.loads(value)
    return params


# --------------------------------------------------------------------------- the fake


class FakeBotApi:
    """The fake Bot API, as a context manager (or ``start()``/``stop()``); thread-safe."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        long_poll_cap: float = 1.0,
        first_update_id: int = 10_001,
    ) -> None:
        """``port=0`` picks a free port; ``long_poll_cap`` bounds getUpdates waits (seconds);
        ``first_update_id`` lets two fakes stand for one bot (its update ids never repeat)."""
        self.token = token
        self._first_update_id = first_update_id
        self._address = (host, port)
        self._long_poll_cap = long_poll_cap
        handlers = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "setMyCommands": self._set_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "answerInlineQuery": self._answer_inline_query,
        }
        # Telegram's method names are case-insensitive.
        self._methods = {name.lower(): (name, handler) for name, handler in handlers.items()}
        # One re-entrant condition guards all state and is notified on every change.
        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self.reset()

    def reset(self) -> None:
        """Forget calls, updates, chats, messages and injected faults (the server keeps running)."""
        with self._cond:
            self._calls: list[Call] = []
            self._updates: list[JSONDict] = []  # queued and not yet confirmed by an offset
            self._next_update_id = self._first_update_id
            self._queued_at: dict[int, float] = {}
            self._delivered_at: dict[int, float] = {}
            self._faults: defaultdict[str, deque[ApiError]] = defaultdict(deque)
            self._outages: dict[str, tuple[float, int]] = {}  # method -> (monotonic end, status)
            self._pushed: dict[int, JSONDict] = {}  # every update ever queued, for redeliver()
            self._delays: defaultdict[str, deque[float]] = defaultdict(deque)
            self._chats: dict[int, JSONDict] = {}
            self._messages: dict[tuple[int, int], JSONDict] = {}
            self._last_message_id: Counter[int] = Counter()  # message ids count per chat
            self._query_ids: set[str] = set()
            self._webhook_url = ""
            self._cond.notify_all()

    def start(self) -> FakeBotApi:
        self._stopping.clear()
        self._httpd = _Server(self._address, self)
        self._address = self._httpd.server_address[:2]  # keeps the port picked for port=0
        self.port = self._address[1]
        self.base_url = f"http://{self._address[0]}:{self.port}/bot"  # PTB appends <token>/<method>
        self.base_file_url = f"http://{self._address[0]}:{self.port}/file/bot"
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # ends long polls and injected delays
        with self._cond:
            self._cond.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def pending_update_count(self) -> int:
        with self._cond:
            return len(self._updates)

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls in completion order (any status), optionally of one method."""
        with self._cond:
            return [c for c in self._calls if method is None or c.method.lower() == method.lower()]

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """The parameters of successful sendMessage calls, optionally to one chat."""
        return [c.params for c in self.calls("sendMessage") if c.ok and chat_id in (None, c.params.get("chat_id"))]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """A stored message (the bot's or a user's) as it is now, after any edits."""
        with self._cond:
            return copy.deepcopy(self._messages.get((chat_id, message_id)))

    def wait_for(
        self, method: str, count: int = 1, timeout: float = 10.0, predicate: Callable[[Call], bool] | None = None
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (any status) match ``predicate``; return all matches.

        On timeout raise AssertionError with the latest calls.  Never call it on the bot's event
        loop: it would block the bot too.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := [c for c in self.calls(method) if predicate is None or predicate(c)]) < count:
                if time.monotonic() >= deadline:
                    raise AssertionError(
                        self._report(f"waited {timeout:g}s for {count} {method} call(s), found {len(found)}")
                    )
                self._cond.wait(deadline - time.monotonic())
            return found

    def _report(self, headline: str) -> str:
        """``headline``, then the latest calls but getUpdates polls (they would drown the rest)."""
        others = [c for c in self._calls if c.method != "getUpdates"][-25:]
        calls = "".join(f"\n  {c.method} -> {c.status} {c.description or c.params}"[:200] for c in others)
        return f"{headline}; {len(self._updates)} update(s) pending; latest calls:{calls}"

    def push_message(
        self,
        text: str,
        chat_id: int | None = None,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        reply_to_message_id: int | None = None,
    ) -> int:
        """Queue a user's text message, with Telegram's bot_command and @bot mention entities; return
        its update_id.  ``chat_id`` defaults to the user's private chat (DEFAULT_GROUP_CHAT_ID for
        groups); ``reply_to_message_id`` must name a bot message in that chat, else LookupError."""
        user = _user(user_id)
        with self._cond:
            if chat_id is None:
                chat_id = user_id if chat_type == "private" else DEFAULT_GROUP_CHAT_ID
            names = {"first_name": user["first_name"], "username": user["username"]}
            chat = {"id": chat_id, "type": chat_type, **(names if chat_type == "private" else {"title": "Test Group"})}
            self._chats[chat_id] = chat
            reply_to = None if reply_to_message_id is None else self._bot_message(chat_id, reply_to_message_id)
            return self._queue("message", self._store_message(chat, user, text, _auto_entities(text), reply_to))

    def push_callback_query(
        self, data: str, chat_id: int, message_id: int | None = None, *, user_id: int = DEFAULT_USER_ID
    ) -> int:
        """Queue a button press on a bot message (default: its latest in the chat); return the update_id."""
        with self._cond:
            query = {
                "id": self._new_query_id(),
                "from": _user(user_id),
                "chat_instance": str(abs(chat_id)),
                "message": self._bot_message(chat_id, message_id),
                "data": data,
            }
            return self._queue("callback_query", query)

    def push_inline_query(self, query: str, *, user_id: int = DEFAULT_USER_ID) -> int:
        """Queue an inline query ("@bot query" typed in any chat); return its update_id."""
        with self._cond:
            inline_query = {"id": self._new_query_id(), "from": _user(user_id), "query": query, "offset": ""}
            return self._queue("inline_query", inline_query)

    def last_message_id(self, chat_id: int) -> int:
        """The id of the latest message in the chat, anyone's (0 before the first)."""
        with self._cond:
            return self._last_message_id[chat_id]

    def queued_at(self, update_id: int) -> float:
        """``time.monotonic()`` when the update was queued (KeyError if it never was)."""
        with self._cond:
            return self._queued_at[update_id]

    def delivered_at(self, update_id: int) -> float | None:
        """``time.monotonic()`` when getUpdates first returned the update, if it did."""
        with self._cond:
            return self._delivered_at.get(update_id)

    def update(self, update_id: int) -> JSONDict:
        """A copy of a queued update, as Telegram would post it to a webhook (tests in webhook
        mode post it themselves; setWebhook only records the URL)."""
        with self._cond:
            return copy.deepcopy(self._pushed[update_id])

    def redeliver(self, update_id: int) -> None:
        """Queue an update again under its own id, as Telegram does when it never saw it
        confirmed (the bot died before its next getUpdates, or a webhook call went unanswered)."""
        with self._cond:
            self._updates.append(copy.deepcopy(self._pushed[update_id]))
            self._updates.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()

    def _queue(self, kind: str, payload: JSONDict) -> int:
        update_id, self._next_update_id = self._next_update_id, self._next_update_id + 1
        self._pushed[update_id] = {"update_id": update_id, kind: payload}
        self._updates.append({"update_id": update_id, kind: payload})
        self._queued_at[update_id] = time.monotonic()
        self._cond.notify_all()
        return update_id

    def _new_query_id(self) -> str:
        query_id = str(4_000_000_000_000_001 + len(self._query_ids))
        self._query_ids.add(query_id)
        return query_id

    def _store_message(
        self,
        chat: JSONDict,
        sender: JSONDict,
        text: str,
        entities: list[JSONDict],
        reply_to: JSONDict | None = None,
        reply_markup: JSONDict | None = None,
    ) -> JSONDict:
        """Store a new message in ``chat`` (ids count per chat, for all senders); return a copy."""
        self._last_message_id[chat["id"]] += 1
        message = {
            "message_id": self._last_message_id[chat["id"]],
            "from": sender,
            "date": int(time.time()),
            "chat": chat,
            "text": text,
        }
        optional = {"entities": entities, "reply_to_message": reply_to, "reply_markup": reply_markup}
        message.update({key: value for key, value in optional.items() if value})
        self._messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    def _bot_message(self, chat_id: int, message_id: int | None) -> JSONDict:
        """A copy of the bot's message ``message_id`` (None: its latest) in the chat; else LookupError."""
        ids = sorted(mid for (cid, mid), m in self._messages.items() if cid == chat_id and m["from"] == _BOT_SENDER)
        wanted = ids[-1] if message_id is None and ids else message_id
        if wanted is None or wanted not in ids:
            raise LookupError(f"no bot message {message_id or ''} in chat {chat_id}; the bot's there: {ids}")
        return copy.deepcopy(self._messages[(chat_id, wanted)])

    def fail_next(
        self, method: str, status: int = 429, retry_after: int = 1, count: int = 1, description: str | None = None
    ) -> None:
        """Answer the next ``count`` calls of ``method`` with error ``status`` instead of serving them;
        a 429 carries ``parameters.retry_after``, and descriptions are Telegram's unless given."""
        flood = status == 429
        default = f"Too Many Requests: retry after {retry_after}" if flood else _ERROR_DESCRIPTIONS.get(status)
        error = ApiError(
            status, description or default or f"Error {status}", {"retry_after": retry_after} if flood else None
        )
        with self._cond:
            self._faults[self._method_name(method)].extend([error] * count)

    def fail_for(self, seconds: float, *methods: str, status: int = 500) -> None:
        """An outage: every call of ``methods`` fails with ``status`` for the next ``seconds``."""
        with self._cond:
            for method in methods:
                self._outages[self._method_name(method)] = (time.monotonic() + seconds, status)

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Answer the next ``count`` calls of ``method`` ``seconds`` late (they still take effect)."""
        with self._cond:
            self._delays[self._method_name(method)].extend([seconds] * count)

    def _method_name(self, method: str) -> str:
        if method.lower() not in self._methods:
            raise ValueError(f"FakeBotApi does not implement Bot API method {method!r}")
        return self._methods[method.lower()][0]

    def _serve(self, path: str, body: bytes) -> tuple[int, JSONDict]:
        """Answer one request on its handler thread, and record it: (HTTP status, JSON payload)."""
        arrived = time.monotonic()
        match = _PATH_RE.fullmatch(path)
        if match is None:
            return 404, ApiError(404, "Not Found").payload()
        method, handler = self._methods.get(match["method"].lower(), (match["method"], None))
        params: JSONDict = {}
        result = None
        try:
            params = _decode_params(body)
            if match["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found")
            with self._cond:
                delay = self._delays[method].popleft() if self._delays[method] else 0.0
            self._stopping.wait(delay)  # wakes early on stop()
            with self._cond:
                if self._faults[method]:
                    raise self._faults[method].popleft()
                until, status = self._outages.get(method, (0.0, 500))
                if time.monotonic() < until:
                    raise ApiError(status, _ERROR_DESCRIPTIONS.get(status, f"Error {status}"))
                result = copy.deepcopy(handler(params))  # copied under the lock: edits may follow
            status, payload = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, payload = error.status, error.payload()
        except Exception as exc:  # a bug in the fake: tell the client loudly
            _LOGGER.exception("FakeBotApi failed serving %s", method)
            status, payload = 500, ApiError(500, f"Internal Server Error: fake_bot_api bug: {exc!r}").payload()
        with self._cond:
            self._calls.append(Call(method, params, arrived, status, result, payload.get("description")))
            self._cond.notify_all()
        return status, payload

    def _get_me(self, params: JSONDict) -> JSONDict:
        return BOT_USER

    def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Confirm the updates below ``offset``, then wait (capped) for any; return up to ``limit``."""
        if self._webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset", 0))
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + min(float(params.get("timeout", 0)), self._long_poll_cap)
        while not self._updates and not self._stopping.is_set() and time.monotonic() < deadline:
            self._cond.wait(deadline - time.monotonic())  # releases the lock while waiting
        batch = self._updates[: min(max(int(params.get("limit", 100)), 1), 100)]
        for update in batch:
            self._delivered_at.setdefault(update["update_id"], time.monotonic())
        return batch

    def _set_webhook(self, params: JSONDict) -> bool:
        """Only records the URL: updates are never sent to it."""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._webhook_url = str(params.get("url") or "")
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        return self._set_webhook(params | {"url": ""})

    def _set_my_commands(self, params: JSONDict) -> bool:
        if len(params["commands"]) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in params["commands"]:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command"))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        return True

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        text, entities = _render_text(params.get("text"), params.get("parse_mode"))
        markup = _check_inline_keyboard(params.get("reply_markup"))
        return self._store_message(chat, _BOT_SENDER, text, entities, self._reply_target(chat["id"], params), markup)

    def _reply_target(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters") or {}  # PTB sends replies (and do_quote) this way only
        target = self._messages.get((chat_id, reply.get("message_id")))
        if reply and target is None and not reply.get("allow_sending_without_reply"):
            raise _bad_request("message to be replied not found")
        # Telegram nests replies one level deep.
        return target and copy.deepcopy({k: v for k, v in target.items() if k != "reply_to_message"})

    def _edit_message_text(self, params: JSONDict) -> JSONDict:
        text, entities = _render_text(params.get("text"), params.get("parse_mode"))
        return self._edit(
            params, text=text, entities=entities, reply_markup=_check_inline_keyboard(params.get("reply_markup"))
        )

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        return self._edit(params, reply_markup=_check_inline_keyboard(params.get("reply_markup")))

    def _edit(self, params: JSONDict, **fields: Any) -> JSONDict:
        """Set ``fields`` (an empty one removes the field) of the message chat_id/message_id."""
        message = self._messages.get((self._chat(params.get("chat_id"))["id"], params.get("message_id")))
        if message is None:
            raise _bad_request("message to edit not found")
        if all(message.get(key) == (value or None) for key, value in fields.items()):
            raise _bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        for key, value in fields.items():
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        message["edit_date"] = int(time.time())
        return message

    def _answer_callback_query(self, params: JSONDict) -> bool:
        self._check_query_id(params.get("callback_query_id"))
        if len(params.get("text") or "") > 200:
            raise _bad_request("MESSAGE_TOO_LONG")
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        self._check_query_id(params.get("inline_query_id"))
        results = params["results"]
        if len(results) > 50:
            raise _bad_request("RESULTS_TOO_MUCH")
        if len({result.get("id") for result in results}) < len(results):
            raise _bad_request("RESULT_ID_DUPLICATE")
        for result in results:
            _check_inline_keyboard(result.get("reply_markup"))
            content = result.get("input_message_content") or {}
            if "message_text" in content:
                _render_text(content["message_text"], content.get("parse_mode"))
        return True

    def _chat(self, chat_id: Any) -> JSONDict:
        """The chat ``chat_id`` names; as on Telegram, only those the bot has seen exist."""
        if chat_id not in self._chats:
            raise _bad_request("chat not found")
        return self._chats[chat_id]

    def _check_query_id(self, query_id: Any) -> None:
        if query_id not in self._query_ids:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")


def _user(user_id: int) -> JSONDict:
    return {"id": user_id, "is_bot": False, "first_name": "Alice", "username": "alice", "language_code": "en"}


def _auto_entities(text: str) -> list[JSONDict]:
    """The bot_command and @bot mention entities Telegram adds to a user's message."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command[0])})
    for mention in _MENTION_RE.finditer(text, command.end() if command else 0):  # not "/help@bot" again
        entities.append(
            {"type": "mention", "offset": utf16_len(text[: mention.start()]), "length": utf16_len(mention[0])}
        )
    return entities


# --------------------------------------------------------------------------- HTTP plumbing


class _Handler(BaseHTTPRequestHandler):
    """One request per connection (HTTP/1.0): no idle keep-alive connection outlives stop()."""

    disable_nagle_algorithm = True  # headers and body are two writes; spare them a delayed ACK
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, payload = self.server.fake._serve(self.path, body)
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        pass  # a stderr line per request would drown the test output


class _Server(ThreadingHTTPServer):
    # HTTPServer.server_bind does a reverse-DNS getfqdn() that can stall in sandboxes.
    server_bind = socketserver.TCPServer.server_bind

    def __init__(self, address: tuple[str, int], fake: FakeBotApi) -> None:
        self.fake = fake
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):  # OSError: the client hung up, e.g. a cancelled poll
            super().handle_error(request, client_address)
