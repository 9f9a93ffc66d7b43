"""A fake Telegram Bot API server for tests.

It speaks the real wire protocol (``POST /bot<TOKEN>/<method>`` answered with the
``{"ok": ..., "result" | "error_code" + "description"}`` envelope), so the real PTB
client can talk to it, whether in-process or from a ``policybot serve`` subprocess::

    with FakeBotApi() as fake:
        app = ApplicationBuilder().token(fake.token).base_url(fake.base_url).build()
        ...  # start polling
        update_id = fake.push_message("/start")
        [reply] = fake.wait_for("sendMessage")

Besides answering, it records every call, injects updates and faults, and validates
outgoing messages the way Telegram does (HTML, length, button data), so formatting
bugs surface as 400s in tests rather than in production.

The server is stdlib-only (``ThreadingHTTPServer`` on a background thread) and so is
independent of any asyncio loop.  ``wait_for`` blocks; from a coroutine running on
the loop that serves the bot, use ``await fake.wait_for_async(...)`` instead.

Standalone: ``python tests/fake_bot_api.py --port 8081`` serves until Ctrl-C.  The
``/_fake/<helper>`` control endpoints (JSON body = keyword arguments) expose the
injection helpers to other processes, e.g. load scripts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import dataclasses
import json
import logging
import re
import select
import signal
import socket
import socketserver
import sys
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

__all__ = [
    "BOT_USER",
    "DEFAULT_GROUP_CHAT_ID",
    "DEFAULT_TOKEN",
    "DEFAULT_USER_ID",
    "Call",
    "FakeBotApi",
    "TelegramHtmlError",
    "UploadedFile",
    "parse_telegram_html",
    "utf16_len",
    "validate_message_text",
    "validate_telegram_html",
]

_LOGGER = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# --------------------------------------------------------------------------- constants

DEFAULT_TOKEN = "123456:TEST-TOKEN"
DEFAULT_USER_ID = 100_200_300
DEFAULT_USERNAME = "alice"
DEFAULT_FIRST_NAME = "Alice"
DEFAULT_GROUP_CHAT_ID = -1_001_234_567_890

BOT_USER: Mapping[str, Any] = {
    "id": 777_000_111,
    "is_bot": True,
    "first_name": "PolicyBot",
    "username": "policy_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}

# Limits as enforced by Telegram.
MAX_MESSAGE_LENGTH = 4096  # UTF-16 code units, counted after entity parsing
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100

_DEFAULT_LONG_POLL_CAP = 1.0  # seconds; real long polls are capped so tests never idle long

_ERROR_DESCRIPTIONS: Mapping[int, str] = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

# Update types Telegram only delivers when explicitly listed in allowed_updates.
_OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)

# PTB sends every parameter as a string: str values verbatim, everything else
# json.dumps'ed (telegram/request/_requestparameter.py: RequestParameter.json_value).
# So "42" may be the int 42 or the text "42"; these parameters are free text and are
# never JSON-decoded, every other string value is decoded when it is valid JSON.
_TEXT_PARAMS = frozenset(
    {
        "action",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "description",
        "emoji",
        "first_name",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "phone_number",
        "query",
        "secret_token",
        "short_description",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "title",
        "url",
    }
)

_API_PATH_RE = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?")
_CONTROL_PREFIX = "/_fake/"


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class Call:
    """One recorded Bot API request.

    ``time`` is ``time.monotonic()`` at arrival (comparable with ``queued_at``);
    ``result`` is the returned ``result`` on success, ``description`` the error text.
    """

    method: str
    params: JSONDict
    time: float
    status: int = 200
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart/form-data request."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class _Fault:
    status: int
    description: str
    retry_after: int | None


class ApiError(Exception):
    """A Bot API error response; raised by method handlers."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None):
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class _PollSupersededError(ApiError):
    """A waiting getUpdates was terminated by a newer one."""

    def __init__(self) -> None:
        super().__init__(409, _ERROR_DESCRIPTIONS[409])


def _bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


# --------------------------------------------------------------------------- text & HTML


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for lengths and offsets."""
    return len(text.encode("utf-16-le")) // 2


class TelegramHtmlError(ValueError):
    """Invalid Telegram HTML; the message is what Telegram puts after "can't parse entities: "."""


# Tag -> entity type.  span/a/code/pre/blockquote get refined by their attributes.
_HTML_TAGS: Mapping[str, str] = {
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
    "tg-emoji": "custom_emoji",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_HTML_ENTITIES: Mapping[str, str] = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));")
_PLAIN_RUN_RE = re.compile(r"[^<>&]+")
_UNQUOTED_VALUE_RE = re.compile(r"[A-Za-z0-9.\-]*")
_TG_USER_URL_RE = re.compile(r"tg://user\?id=(\d+)")


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    start: int  # UTF-16 offset in the parsed text
    # Set when a <code> spans exactly this <pre>: (length, language), so the pair
    # becomes one "pre" entity with a language, as Telegram does.
    inner_code: tuple[int, str | None] | None = None


class _HtmlParser:
    """Single-use parser following tdlib's parse_html, with stricter escaping.

    Telegram itself tolerates a bare ``&`` or ``>``; the Bot API docs say they must be
    escaped, and treating them as errors catches unescaped user input early.
    Nesting restrictions (e.g. bold inside code) are not checked: Telegram silently
    drops such entities rather than rejecting the message.
    """

    def __init__(self, source: str) -> None:
        self._src = source
        self._pos = 0
        self._chunks: list[str] = []
        self._utf16 = 0
        self._stack: list[_OpenTag] = []
        self._entities: list[JSONDict] = []

    def parse(self) -> tuple[str, list[JSONDict]]:
        src = self._src
        while self._pos < len(src):
            char = src[self._pos]
            if char == "<":
                self._tag()
            elif char == "&":
                self._emit(self._character_reference())
            elif char == ">":
                raise self._error('Unescaped ">" (use "&gt;")', self._pos)
            else:
                run = _PLAIN_RUN_RE.match(src, self._pos)
                assert run is not None
                self._emit(run.group())
                self._pos = run.end()
        if self._stack:
            raise TelegramHtmlError(
                f'Can\'t find end tag corresponding to start tag "{self._stack[-1].name}"'
            )
        self._entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self._chunks), self._entities

    # -- helpers

    def _error(self, message: str, index: int) -> TelegramHtmlError:
        byte_offset = len(self._src[:index].encode("utf-8"))
        return TelegramHtmlError(f"{message} at byte offset {byte_offset}")

    def _emit(self, text: str) -> None:
        self._chunks.append(text)
        self._utf16 += utf16_len(text)

    def _skip_spaces(self, pos: int) -> int:
        while pos < len(self._src) and self._src[pos].isspace():
            pos += 1
        return pos

    def _character_reference(self) -> str:
        match = _HTML_ENTITY_RE.match(self._src, self._pos)
        if match is None:
            raise self._error('Unescaped "&" (use "&amp;")', self._pos)
        decoded = _decode_character_reference(match)
        if decoded is None:
            raise self._error(f'Unsupported HTML entity "{match.group()}"', self._pos)
        self._pos = match.end()
        return decoded

    # -- tags

    def _tag(self) -> None:
        src, start = self._src, self._pos
        if src.startswith("</", start):
            self._end_tag()
            return
        name_end = start + 1
        while name_end < len(src) and not src[name_end].isspace() and src[name_end] != ">":
            name_end += 1
        if name_end >= len(src):
            raise self._error("Unclosed start tag", start)
        name = src[start + 1 : name_end].lower()
        if name not in _HTML_TAGS:
            raise self._error(f'Unsupported start tag "{name}"', start)
        attrs = self._attributes(name, name_end, start)
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise self._error('Tag "span" must have class "tg-spoiler"', start)
        if name == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise TelegramHtmlError("Invalid custom emoji identifier specified")
        self._stack.append(_OpenTag(name, attrs, self._utf16))

    def _attributes(self, tag: str, pos: int, tag_start: int) -> dict[str, str]:
        """Parse attributes up to and including ``>``; leaves ``self._pos`` after it."""
        src = self._src
        attrs: dict[str, str] = {}
        while True:
            pos = self._skip_spaces(pos)
            if pos >= len(src):
                raise self._error(f'Unclosed start tag "{tag}"', tag_start)
            if src[pos] == ">":
                self._pos = pos + 1
                return attrs
            name_start = pos
            while pos < len(src) and not src[pos].isspace() and src[pos] not in "=>/\"'":
                pos += 1
            attr = src[name_start:pos].lower()
            if not attr:
                raise self._error(f'Empty attribute name in the tag "{tag}"', tag_start)
            pos = self._skip_spaces(pos)
            if pos >= len(src) or src[pos] != "=":
                attrs[attr] = ""  # valueless attribute, e.g. <blockquote expandable>
                continue
            pos = self._skip_spaces(pos + 1)
            if pos >= len(src):
                raise self._error(f'Unclosed start tag "{tag}"', tag_start)
            if src[pos] in "\"'":
                end = src.find(src[pos], pos + 1)
                if end < 0:
                    raise self._error(f'Unclosed start tag "{tag}"', tag_start)
                attrs[attr] = _decode_attribute_value(src[pos + 1 : end])
                pos = end + 1
            else:
                token = _UNQUOTED_VALUE_RE.match(src, pos)
                assert token is not None
                pos = token.end()
                if pos < len(src) and not (src[pos].isspace() or src[pos] == ">"):
                    raise self._error("Unexpected end of name token", pos)
                attrs[attr] = token.group().lower()

    def _end_tag(self) -> None:
        src, start = self._src, self._pos
        name_end = start + 2
        while name_end < len(src) and not src[name_end].isspace() and src[name_end] != ">":
            name_end += 1
        name = src[start + 2 : name_end].lower()
        close = self._skip_spaces(name_end)
        if close >= len(src) or src[close] != ">":
            raise self._error("Unclosed end tag", start)
        if not self._stack:
            raise self._error("Unexpected end tag", start)
        expected = self._stack[-1].name
        if name and name != expected:  # "</>" closes whatever is open, as in tdlib
            error = self._error("Unmatched end tag", start)
            raise TelegramHtmlError(f'{error}, expected "</{expected}>", found "</{name}>"')
        self._pos = close + 1
        self._close(self._stack.pop())

    def _close(self, tag: _OpenTag) -> None:
        length = self._utf16 - tag.start
        if length <= 0:
            return  # Telegram drops empty entities
        entity: JSONDict = {"type": _HTML_TAGS[tag.name], "offset": tag.start, "length": length}
        if tag.name == "a":
            href = tag.attrs.get("href", "")
            if not href:
                return  # no usable URL: Telegram keeps the text, drops the link
            user = _TG_USER_URL_RE.fullmatch(href)
            if user:
                entity["type"] = "text_mention"
                entity["user"] = {"id": int(user.group(1)), "is_bot": False, "first_name": ""}
            else:
                entity["url"] = href
        elif tag.name == "tg-emoji":
            entity["custom_emoji_id"] = tag.attrs["emoji-id"]
        elif tag.name == "blockquote" and "expandable" in tag.attrs:
            entity["type"] = "expandable_blockquote"
        elif tag.name == "code":
            css_class = tag.attrs.get("class", "")
            language = (
                css_class.removeprefix("language-") if css_class.startswith("language-") else None
            )
            parent = self._stack[-1] if self._stack else None
            if parent is not None and parent.name == "pre" and parent.start == tag.start:
                parent.inner_code = (length, language)
        elif tag.name == "pre" and tag.inner_code and tag.inner_code[0] == length:
            # <pre><code class="language-x">...</code></pre> is one pre entity.
            self._entities.pop()
            if tag.inner_code[1]:
                entity["language"] = tag.inner_code[1]
        self._entities.append(entity)


def _decode_character_reference(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_HTML_ENTITIES.get(name)
    code_point = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if not 0 < code_point <= 0x10FFFF or 0xD800 <= code_point <= 0xDFFF:
        return None
    return chr(code_point)


def _decode_attribute_value(raw: str) -> str:
    # Inside attributes (URLs!) an unknown "&..." is kept literally, as tdlib does.
    def replace(match: re.Match[str]) -> str:
        return _decode_character_reference(match) or match.group()

    return _HTML_ENTITY_RE.sub(replace, raw)


def parse_telegram_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML into (plain text, entity dicts); raises TelegramHtmlError."""
    return _HtmlParser(text).parse()


def validate_telegram_html(text: str) -> str | None:
    """Return Telegram's error description if ``text`` is not valid Telegram HTML, else None."""
    try:
        parse_telegram_html(text)
    except TelegramHtmlError as exc:
        return f"Bad Request: can't parse entities: {exc}"
    return None


def validate_message_text(text: str, parse_mode: str | None = "HTML") -> str | None:
    """Return the error Telegram would give for sending ``text`` (HTML, empty, too long)."""
    try:
        _render_text(text, parse_mode, None)
    except ApiError as exc:
        return exc.description
    return None


def _render_text(text: Any, parse_mode: Any, entities: Any) -> tuple[str, list[JSONDict]]:
    """Turn a text parameter into what Telegram stores: (stripped text, entities)."""
    text = "" if text is None else str(text)
    mode = str(parse_mode or "").lower()
    if mode not in ("", "html", "markdown", "markdownv2"):
        raise _bad_request("unsupported parse_mode")
    if entities is not None:  # explicit entities win over parse_mode, as in Telegram
        if not isinstance(entities, list):
            raise _bad_request("can't parse entities JSON object")
        plain, parsed = text, [dict(e) for e in entities]
    elif mode == "html":
        try:
            plain, parsed = parse_telegram_html(text)
        except TelegramHtmlError as exc:
            raise _bad_request(f"can't parse entities: {exc}") from None
    else:
        # Markdown is passed through unparsed; only HTML is validated.
        plain, parsed = text, []
    plain, parsed = _strip_text(plain, parsed)
    if not plain:
        raise _bad_request("message text is empty")
    if utf16_len(plain) > MAX_MESSAGE_LENGTH:
        raise _bad_request("message is too long")
    return plain, parsed


def _strip_text(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip surrounding whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    shift = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    clipped = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            clipped.append({**entity, "offset": start, "length": end - start})
    return stripped, clipped


def _check_inline_keyboard(markup: Any) -> JSONDict | None:
    """Validate reply_markup; return it if it is an inline keyboard (the only kind echoed)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None  # reply keyboards are accepted but never part of the returned Message
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not any(k in button for k in _INLINE_BUTTON_ACTIONS):
                raise _bad_request("text buttons are unallowed in the inline keyboard")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
    return markup


# --------------------------------------------------------------------------- request parsing


def _decode_params(raw: Mapping[str, Any]) -> JSONDict:
    """Undo PTB's per-value JSON encoding (see _TEXT_PARAMS)."""
    params: JSONDict = {}
    for name, value in raw.items():
        params[name] = value
        if isinstance(value, str) and name not in _TEXT_PARAMS:
            with contextlib.suppress(ValueError):  # else a real string, e.g. chat_id="@channel"
                params[name] = json.loads(value)
    return params


def _parse_params(content_type: str, body: bytes, query: str) -> JSONDict:
    """Parameters from the query string plus a urlencoded, multipart or JSON body."""
    raw: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    media_type = content_type.split(";", 1)[0].strip().lower()
    try:
        if not body:
            pass
        elif media_type == "application/json":
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            raw.update(decoded)
        elif media_type == "multipart/form-data":
            raw.update(_parse_multipart(content_type, body))
        else:  # application/x-www-form-urlencoded, which PTB uses unless uploading files
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_request(f"can't parse request body: {exc}") from None
    return _decode_params(raw)


def _header_param(header: str, key: str) -> str | None:
    match = re.search(rf'(?:^|;)\s*{key}=(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))', header, re.I)
    if match is None:
        return None
    return match.group(1) if match.group(1) is not None else match.group(2)


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    # Hand-rolled because the stdlib has no multipart parser outside the deprecated
    # cgi module, and httpx writes raw UTF-8 file names that email.parser mangles.
    boundary = _header_param(content_type, "boundary")
    if not boundary:
        raise ValueError("multipart boundary is missing")
    fields: dict[str, Any] = {}
    for part in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if part.startswith(b"--"):
            break  # closing delimiter
        head, separator, content = part.partition(b"\r\n\r\n")
        if not separator:
            continue
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").strip().split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = headers.get("content-disposition", "")
        name = _header_param(disposition, "name")
        if name is None:
            continue
        filename = _header_param(disposition, "filename")
        if filename is None:
            fields[name] = content.decode("utf-8")
        else:
            fields[name] = UploadedFile(
                filename, headers.get("content-type", "application/octet-stream"), content
            )
    return fields


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


# --------------------------------------------------------------------------- the fake


class FakeBotApi:
    """In-memory Telegram Bot API served over HTTP on a background thread.

    Every public method is thread-safe.  Use as a context manager or via
    ``start()``/``stop()``; ``stop()`` keeps the recorded state, so ``start()`` can
    bring the server back on the same port (e.g. to simulate an outage).
    """

    # Bot API method -> handler attribute.  Lookup is case-insensitive, like Telegram's.
    _METHODS: Mapping[str, str] = {
        "getMe": "_get_me",
        "logOut": "_return_true",
        "close": "_return_true",
        "getUpdates": "_get_updates",
        "setWebhook": "_set_webhook",
        "deleteWebhook": "_delete_webhook",
        "getWebhookInfo": "_get_webhook_info",
        "setMyCommands": "_set_my_commands",
        "getMyCommands": "_get_my_commands",
        "deleteMyCommands": "_delete_my_commands",
        "setMyDescription": "_set_my_description",
        "getMyDescription": "_get_my_description",
        "setMyShortDescription": "_set_my_short_description",
        "getMyShortDescription": "_get_my_short_description",
        "sendMessage": "_send_message",
        "editMessageText": "_edit_message_text",
        "editMessageReplyMarkup": "_edit_message_reply_markup",
        "deleteMessage": "_delete_message",
        "sendChatAction": "_send_chat_action",
        "answerCallbackQuery": "_answer_callback_query",
        "answerInlineQuery": "_answer_inline_query",
    }

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        long_poll_cap: float = _DEFAULT_LONG_POLL_CAP,
        bot_user: Mapping[str, Any] | None = None,
    ) -> None:
        """``port=0`` picks a free port; ``long_poll_cap`` bounds getUpdates waits."""
        self._token = token
        self._host = host
        self._port = port
        self._long_poll_cap = long_poll_cap
        self._bot_user: JSONDict = {**BOT_USER, **(bot_user or {})}
        self._handlers: dict[str, tuple[str, Callable[[JSONDict], Any]]] = {
            name.lower(): (name, getattr(self, attr)) for name, attr in self._METHODS.items()
        }
        # One re-entrant condition guards all state; waiters (getUpdates, wait_for)
        # are woken by notify_all whenever a call is recorded or an update queued.
        self._cond = threading.Condition(threading.RLock())
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        # Outlives reset(): a poll waiting across a reset must not see a spurious 409.
        self._poll_generation = 0
        self._reset_state()

    def _reset_state(self) -> None:
        self._calls: list[Call] = []
        self._updates: list[JSONDict] = []  # queued and not yet confirmed via offset
        self._next_update_id = 10_001
        self._queued_at: dict[int, float] = {}
        self._delivered_at: dict[int, float] = {}
        self._dropped_update_ids: list[int] = []
        self._allowed_updates: list[str] = []
        self._faults: defaultdict[str, deque[_Fault]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._last_message_id: defaultdict[int, int] = defaultdict(int)
        self._chats: dict[int, JSONDict] = {}
        self._channel_ids: dict[str, int] = {}
        self._known_query_ids: set[str] = set()
        self._next_query_id = 1
        self._webhook: JSONDict = {}
        self._commands: dict[tuple[str, str], list[JSONDict]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeBotApi:
        if self._httpd is not None:
            raise RuntimeError("FakeBotApi is already running")
        self._stopping.clear()
        httpd = _Server((self._host, self._port), self)
        self._port = httpd.server_address[1]
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},  # makes shutdown() return quickly
            name=f"fake-bot-api:{self._port}",
            daemon=True,
        )
        self._httpd = httpd
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, thread = self._httpd, self._thread
        if httpd is None:
            return
        self._httpd = self._thread = None
        self._stopping.set()  # releases long polls and injected delays
        with self._cond:
            self._cond.notify_all()
        httpd.shutdown()
        httpd.close_connections()  # idle keep-alive handlers would otherwise linger
        httpd.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def reset(self) -> None:
        """Forget calls, updates, messages, faults and settings (server keeps running)."""
        with self._cond:
            self._reset_state()
            self._cond.notify_all()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self._httpd else "stopped"
        return f"<FakeBotApi {state} port={self._port} calls={len(self._calls)}>"

    # ----------------------------------------------------------------- properties

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def port(self) -> int:
        return self._port

    @property
    def token(self) -> str:
        return self._token

    @property
    def root_url(self) -> str:
        if not self._port:
            raise RuntimeError("FakeBotApi has no port yet; call start() first")
        return f"http://{self._host}:{self._port}"

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url()``; PTB appends ``<token>/<method>``."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root_url}/file/bot"

    @property
    def bot_user(self) -> JSONDict:
        return dict(self._bot_user)

    @property
    def pending_update_count(self) -> int:
        with self._cond:
            return len(self._updates)

    # ----------------------------------------------------------------- recorded calls

    def calls(self, method: str | None = None) -> list[Call]:
        """Recorded calls in completion order, optionally for one method (any status)."""
        with self._cond:
            return [c for c in self._calls if method is None or _same_method(c.method, method)]

    def sent_messages(self, chat_id: int | str | None = None) -> list[JSONDict]:
        """Parameters of successful sendMessage calls, optionally for one chat."""
        return [
            call.params
            for call in self.calls("sendMessage")
            if call.ok and (chat_id is None or call.params.get("chat_id") == chat_id)
        ]

    def message(self, chat_id: int, message_id: int) -> JSONDict | None:
        """The current state of a stored message (bot or user), after any edits."""
        with self._cond:
            stored = self._messages.get((chat_id, message_id))
            return copy.deepcopy(stored) if stored else None

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until ``count`` matching calls (any status) are recorded; return them all.

        Raises AssertionError listing the recorded calls on timeout.  Do not call this
        on the event loop that runs the bot -- use ``wait_for_async`` there.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matching = [
                    c
                    for c in self._calls
                    if _same_method(c.method, method) and (predicate is None or predicate(c))
                ]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        self._describe_timeout(method, count, len(matching), timeout, predicate)
                    )
                self._cond.wait(remaining)

    async def wait_for_async(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        predicate: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """``wait_for`` without blocking the running event loop."""
        return await asyncio.to_thread(self.wait_for, method, count, timeout, predicate)

    def _describe_timeout(
        self,
        method: str,
        count: int,
        found: int,
        timeout: float,
        predicate: Callable[[Call], bool] | None,
    ) -> str:
        what = f"{count} {method} call(s)" + (" matching the predicate" if predicate else "")
        lines = [f"Timed out after {timeout:g}s waiting for {what}; found {found}."]
        # getUpdates polls would drown everything else, so they are only counted.
        polls = [c for c in self._calls if c.method == "getUpdates"]
        others = [c for c in self._calls if c.method != "getUpdates"]
        lines.append(f"Recorded {len(polls)} getUpdates poll(s) and {len(others)} other call(s):")
        for call in others[-25:]:
            detail = call.description if not call.ok else _shorten(call.params)
            lines.append(f"  {call.method} -> {call.status}: {detail}")
        if self._updates:
            lines.append(f"Undelivered updates: {[u['update_id'] for u in self._updates]}")
        if self._dropped_update_ids:
            lines.append(
                f"Updates dropped by allowed_updates={self._allowed_updates}: "
                f"{self._dropped_update_ids}"
            )
        return "\n".join(lines)

    # ----------------------------------------------------------------- update injection

    def push_update(self, update: Mapping[str, Any]) -> int:
        """Queue a raw update dict (``update_id`` is assigned if missing); return its id."""
        queued: JSONDict = copy.deepcopy(dict(update))
        with self._cond:
            # Remember what the update references, so the bot can reply/answer to it.
            for query_kind in ("callback_query", "inline_query"):
                if isinstance(queued.get(query_kind), dict) and "id" in queued[query_kind]:
                    self._known_query_ids.add(str(queued[query_kind]["id"]))
            for message_kind in ("message", "channel_post", "edited_message"):
                message = queued.get(message_kind)
                if isinstance(message, dict) and "chat" in message and "message_id" in message:
                    chat_id = message["chat"]["id"]
                    self._chats.setdefault(chat_id, dict(message["chat"]))
                    self._messages[(chat_id, message["message_id"])] = copy.deepcopy(message)
                    self._last_message_id[chat_id] = max(
                        self._last_message_id[chat_id], message["message_id"]
                    )
            return self._queue(queued)

    def push_message(
        self,
        text: str,
        chat_id: int | None = None,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        username: str | None = DEFAULT_USERNAME,
        first_name: str = DEFAULT_FIRST_NAME,
        reply_to_message_id: int | None = None,
        entities: list[JSONDict] | None = None,
    ) -> int:
        """Queue a user's text message; return its update_id.

        ``chat_id`` defaults to the user's private chat, or DEFAULT_GROUP_CHAT_ID for
        other chat types.  ``reply_to_message_id`` must name a bot message in that chat.
        Without ``entities``, bot_command and @bot mention entities are generated.
        """
        with self._cond:
            user = _user_dict(user_id, first_name, username)
            if chat_id is None:
                chat_id = user_id if chat_type == "private" else DEFAULT_GROUP_CHAT_ID
            chat = self._remember_chat(chat_id, chat_type, user)
            reply_to = None
            if reply_to_message_id is not None:
                reply_to = self._bot_message(chat_id, reply_to_message_id)
            if entities is None:
                entities = self._auto_entities(text)
            is_channel = chat_type == "channel"
            message = self._store_message(
                chat, None if is_channel else user, text, entities, reply_to=reply_to
            )
            return self._queue({"channel_post" if is_channel else "message": message})

    def push_callback_query(
        self,
        data: str,
        chat_id: int,
        message_id: int | None = None,
        *,
        user_id: int = DEFAULT_USER_ID,
        username: str | None = DEFAULT_USERNAME,
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> int:
        """Queue a button press on a bot message (default: the latest one in the chat)."""
        with self._cond:
            message = self._bot_message(chat_id, message_id)
            callback_query = {
                "id": self._new_query_id(),
                "from": _user_dict(user_id, first_name, username),
                "message": message,
                "chat_instance": str(8_000_000_000_000_000 + abs(chat_id)),
                "data": data,
            }
            return self._queue({"callback_query": callback_query})

    def push_inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        offset: str = "",
        username: str | None = DEFAULT_USERNAME,
        first_name: str = DEFAULT_FIRST_NAME,
        chat_type: str | None = "sender",
    ) -> int:
        """Queue an inline query from a user; return its update_id."""
        with self._cond:
            inline_query: JSONDict = {
                "id": self._new_query_id(),
                "from": _user_dict(user_id, first_name, username),
                "query": query,
                "offset": offset,
            }
            if chat_type is not None:
                inline_query["chat_type"] = chat_type
            return self._queue({"inline_query": inline_query})

    def queued_at(self, update_id: int) -> float:
        """``time.monotonic()`` when the update was queued (KeyError if unknown)."""
        with self._cond:
            return self._queued_at[update_id]

    def delivered_at(self, update_id: int) -> float | None:
        """``time.monotonic()`` when getUpdates first returned the update, if it did."""
        with self._cond:
            return self._delivered_at.get(update_id)

    def _queue(self, update: JSONDict) -> int:
        update_id = update.get("update_id")
        if update_id is None:
            update_id = update["update_id"] = self._next_update_id
        if any(u["update_id"] == update_id for u in self._updates):
            raise ValueError(f"update_id {update_id} is already queued")
        self._next_update_id = max(self._next_update_id, update_id + 1)
        # Key order as Telegram sends it: update_id first.
        update = {"update_id": update_id, **{k: v for k, v in update.items() if k != "update_id"}}
        self._updates.append(update)
        self._updates.sort(key=lambda u: u["update_id"])
        self._queued_at[update_id] = time.monotonic()
        self._cond.notify_all()
        return update_id

    def _new_query_id(self) -> str:
        query_id = str(4_000_000_000_000_000 + self._next_query_id)
        self._next_query_id += 1
        self._known_query_ids.add(query_id)
        return query_id

    def _auto_entities(self, text: str) -> list[JSONDict]:
        entities: list[JSONDict] = []
        command_end = 0
        command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
        if command:
            command_end = command.end()
            entities.append(
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group())}
            )
        mention = re.compile(rf"@{re.escape(self._bot_user['username'])}\b", re.IGNORECASE)
        for match in mention.finditer(text, command_end):
            entities.append(
                {
                    "type": "mention",
                    "offset": utf16_len(text[: match.start()]),
                    "length": utf16_len(match.group()),
                }
            )
        return entities

    # ----------------------------------------------------------------- fault injection

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        count: int = 1,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls to ``method`` fail with ``status``.

        429 responses carry ``parameters.retry_after``; descriptions default to
        Telegram's wording ("Too Many Requests: retry after N", "Bad Gateway", ...).
        """
        canonical = self._canonical_method(method)
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _ERROR_DESCRIPTIONS.get(status, f"Error {status}")
        fault = _Fault(status, description, retry_after if status == 429 else None)
        with self._cond:
            self._faults[canonical].extend([fault] * count)

    def delay_next(self, method: str, seconds: float, count: int = 1) -> None:
        """Delay the next ``count`` responses to ``method`` (the call still takes effect)."""
        canonical = self._canonical_method(method)
        with self._cond:
            self._delays[canonical].extend([seconds] * count)

    def _canonical_method(self, method: str) -> str:
        try:
            return self._handlers[method.lower()][0]
        except KeyError:
            raise ValueError(f"FakeBotApi does not implement Bot API method {method!r}") from None

    # ----------------------------------------------------------------- request dispatch

    def _handle_http(
        self,
        path: str,
        content_type: str,
        body: bytes,
        client_gone: Callable[[], bool] = lambda: False,
    ) -> tuple[int, JSONDict] | None:
        """Serve one HTTP request on a handler thread: (status, JSON payload).

        None means "nobody is listening": a superseded long poll whose client already
        hung up (e.g. PTB cancelled it on shutdown) is neither answered nor recorded.
        """
        arrived = time.monotonic()
        url = urlsplit(path)
        if url.path.startswith(_CONTROL_PREFIX):
            return self._handle_control(url.path[len(_CONTROL_PREFIX) :], url.query, body)
        match = _API_PATH_RE.fullmatch(url.path)
        if match is None:
            return 404, ApiError(404, "Not Found").payload()
        method, handler = self._handlers.get(match["method"].lower(), (match["method"], None))
        params: JSONDict = {}
        result: Any = None
        try:
            params = _parse_params(content_type, body, url.query)
            if match["token"] != self._token:
                raise ApiError(401, "Unauthorized")
            if handler is None:
                raise ApiError(404, "Not Found")
            self._apply_delay(method)
            with self._cond:
                self._raise_injected_fault(method)
                # Deep-copied under the lock: stored messages may be edited concurrently.
                result = copy.deepcopy(handler(params))
            status, payload = 200, {"ok": True, "result": result}
        except _PollSupersededError as error:
            if client_gone():
                return None
            status, payload = error.status, error.payload()
        except ApiError as error:
            status, payload = error.status, error.payload()
        except Exception as exc:  # a bug in the fake: report it loudly to the client
            _LOGGER.exception("FakeBotApi failed handling %s", method)
            bug = ApiError(500, f"Internal Server Error: fake_bot_api bug: {exc!r}")
            status, payload = bug.status, bug.payload()
        call = Call(method, params, arrived, status, result, payload.get("description"))
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        return status, payload

    def _apply_delay(self, method: str) -> None:
        with self._cond:
            delays = self._delays.get(method)
            seconds = delays.popleft() if delays else 0.0
        if seconds:
            self._stopping.wait(seconds)  # wakes early on stop()

    def _raise_injected_fault(self, method: str) -> None:
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            parameters = (
                {"retry_after": fault.retry_after} if fault.retry_after is not None else None
            )
            raise ApiError(fault.status, fault.description, parameters)

    _CONTROL_ACTIONS = frozenset(
        {
            "push_message",
            "push_callback_query",
            "push_inline_query",
            "push_update",
            "fail_next",
            "delay_next",
            "reset",
            "calls",
        }
    )

    def _handle_control(self, action: str, query: str, body: bytes) -> tuple[int, JSONDict]:
        """``/_fake/<helper>``: call a public helper with the JSON body as kwargs."""
        if action not in self._CONTROL_ACTIONS:
            return 404, ApiError(404, "Not Found").payload()
        try:
            kwargs = json.loads(body) if body.strip() else {}
            kwargs.update(parse_qsl(query))
            result = getattr(self, action)(**kwargs)
        except (TypeError, ValueError, LookupError) as exc:
            return 400, _bad_request(str(exc)).payload()
        return 200, {"ok": True, "result": result}

    # ----------------------------------------------------------------- chats & messages

    def _remember_chat(self, chat_id: int, chat_type: str, user: JSONDict) -> JSONDict:
        if chat_type == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
        else:
            title = {"channel": "Policy Test Channel"}.get(chat_type, "Policy Test Group")
            chat = {"id": chat_id, "type": chat_type, "title": title}
        self._chats[chat_id] = chat
        return chat

    def _resolve_chat(self, chat_id: Any) -> JSONDict:
        """The chat a chat_id parameter names; unknown ones are synthesised from the id."""
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            if not chat_id.startswith("@"):
                raise _bad_request("chat not found")
            # @channelusername: give each username a stable fake numeric id.
            numeric = self._channel_ids.setdefault(
                chat_id.lower(), -1_009_000_000_000 - len(self._channel_ids)
            )
            return self._chats.setdefault(
                numeric,
                {"id": numeric, "type": "channel", "title": chat_id[1:], "username": chat_id[1:]},
            )
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad_request("chat not found")
        if chat_id not in self._chats:
            if chat_id > 0:
                chat: JSONDict = {"id": chat_id, "type": "private", "first_name": "User"}
            elif str(chat_id).startswith("-100"):
                chat = {"id": chat_id, "type": "supergroup", "title": "Policy Test Group"}
            else:
                chat = {"id": chat_id, "type": "group", "title": "Policy Test Group"}
            self._chats[chat_id] = chat
        return self._chats[chat_id]

    def _store_message(
        self,
        chat: JSONDict,
        sender: JSONDict | None,
        text: str,
        entities: list[JSONDict],
        *,
        reply_to: JSONDict | None = None,
        reply_markup: JSONDict | None = None,
    ) -> JSONDict:
        """Create and store a message; returns a copy.  Ids are per chat, shared by all senders."""
        chat_id = chat["id"]
        self._last_message_id[chat_id] += 1
        message: JSONDict = {
            "message_id": self._last_message_id[chat_id],
            "date": int(time.time()),
            "chat": dict(chat),
        }
        if sender is not None:
            message["from"] = dict(sender)
        else:
            message["sender_chat"] = dict(chat)  # channel posts have no "from"
        message["text"] = text
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            reply_to.pop("reply_to_message", None)  # Telegram nests replies one level only
            message["reply_to_message"] = reply_to
        if reply_markup is not None:
            message["reply_markup"] = reply_markup
        self._messages[(chat_id, message["message_id"])] = message
        return copy.deepcopy(message)

    def _bot_message(self, chat_id: int, message_id: int | None) -> JSONDict:
        """A copy of a message the bot sent in ``chat_id`` (None: the latest one)."""
        candidates = {
            mid: msg
            for (cid, mid), msg in self._messages.items()
            if cid == chat_id and self._sent_by_bot(msg)
        }
        if message_id is None and candidates:
            message_id = max(candidates)
        if message_id not in candidates:
            wanted = "any bot message" if message_id is None else f"bot message {message_id}"
            raise LookupError(
                f"no {wanted} in chat {chat_id}; bot messages there: {sorted(candidates)}"
            )
        return copy.deepcopy(candidates[message_id])

    def _sent_by_bot(self, message: JSONDict) -> bool:
        # Channel posts carry no "from"; in a channel only the bot itself posts here.
        is_channel = message["chat"]["type"] == "channel"
        return is_channel or bool(message.get("from", {}).get("id") == self._bot_user["id"])

    def _bot_sender(self) -> JSONDict:
        return {k: self._bot_user[k] for k in ("id", "is_bot", "first_name", "username")}

    def _find_editable(self, params: JSONDict, not_found: str) -> JSONDict | None:
        """The stored bot message addressed by chat_id+message_id; None for inline messages."""
        if params.get("inline_message_id"):
            return None
        chat = self._resolve_chat(params.get("chat_id"))
        message = self._messages.get((chat["id"], _number_param(params, "message_id", 0)))
        if message is None:
            raise _bad_request(not_found)
        if not self._sent_by_bot(message):
            raise _bad_request("message can't be edited")
        return message

    # ----------------------------------------------------------------- Bot API methods

    def _return_true(self, params: JSONDict) -> bool:
        return True

    def _get_me(self, params: JSONDict) -> JSONDict:
        return dict(self._bot_user)

    def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self._webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = _number_param(params, "offset", 0)
        limit = min(max(_number_param(params, "limit", 100), 1), 100)
        timeout = max(_number_param(params, "timeout", 0, float), 0.0)
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        self._confirm_updates(offset)

        # A newer getUpdates terminates this one with 409, as Telegram does; this also
        # frees the thread of a poll whose client went away (cancelled or killed).
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = time.monotonic() + min(timeout, self._long_poll_cap)
        while True:
            ready = self._deliverable_updates()
            if ready or self._stopping.is_set():
                break
            if generation != self._poll_generation:
                raise _PollSupersededError()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(remaining)  # releases the lock while waiting

        batch = ready[:limit]
        now = time.monotonic()
        for update in batch:
            self._delivered_at.setdefault(update["update_id"], now)
        return batch

    def _confirm_updates(self, offset: int) -> None:
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:  # -N: keep only the last N updates, forget the rest
            self._updates = self._updates[offset:]

    def _deliverable_updates(self) -> list[JSONDict]:
        """Pending updates, dropping those the current allowed_updates excludes."""
        kept = []
        for update in self._updates:
            kind = next((k for k in update if k != "update_id"), "")
            allowed = (
                kind in self._allowed_updates
                if self._allowed_updates
                else kind not in _OPT_IN_UPDATE_TYPES
            )
            if allowed:
                kept.append(update)
            else:
                self._dropped_update_ids.append(update["update_id"])
        self._updates = kept
        return list(kept)

    def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url") or ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if isinstance(params.get("allowed_updates"), list):
            self._allowed_updates = list(params["allowed_updates"])
        if not url:
            self._webhook = {}
            return True
        # Delivery to the webhook is not simulated; the settings are only reported back.
        self._webhook = {
            "url": url,
            "has_custom_certificate": "certificate" in params,
            "max_connections": _number_param(params, "max_connections", 40),
            "secret_token": params.get("secret_token"),
        }
        if "ip_address" in params:
            self._webhook["ip_address"] = params["ip_address"]
        return True

    def _delete_webhook(self, params: JSONDict) -> bool:
        self._webhook = {}
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self._webhook.get("url", ""),
            "has_custom_certificate": self._webhook.get("has_custom_certificate", False),
            "pending_update_count": len(self._updates),
        }
        for key in ("max_connections", "ip_address"):
            if key in self._webhook:
                info[key] = self._webhook[key]
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    @staticmethod
    def _scope_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand JSON object")
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description.strip()) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        self._commands[self._scope_key(params)] = cleaned
        return True

    def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        return list(self._commands.get(self._scope_key(params), []))

    def _delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop(self._scope_key(params), None)
        return True

    def _set_my_description(self, params: JSONDict) -> bool:
        language = str(params.get("language_code") or "")
        self._descriptions[("description", language)] = str(params.get("description") or "")
        return True

    def _get_my_description(self, params: JSONDict) -> JSONDict:
        language = str(params.get("language_code") or "")
        return {"description": self._descriptions.get(("description", language), "")}

    def _set_my_short_description(self, params: JSONDict) -> bool:
        language = str(params.get("language_code") or "")
        text = str(params.get("short_description") or "")
        self._descriptions[("short_description", language)] = text
        return True

    def _get_my_short_description(self, params: JSONDict) -> JSONDict:
        language = str(params.get("language_code") or "")
        return {"short_description": self._descriptions.get(("short_description", language), "")}

    def _send_message(self, params: JSONDict) -> JSONDict:
        chat = self._resolve_chat(params.get("chat_id"))
        text, entities = _render_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = _check_inline_keyboard(params.get("reply_markup"))
        reply_to = self._reply_target(chat["id"], params)
        sender = None if chat["type"] == "channel" else self._bot_sender()
        return self._store_message(
            chat, sender, text, entities, reply_to=reply_to, reply_markup=markup
        )

    def _reply_target(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        if isinstance(reply, dict):
            message_id = _number_param(reply, "message_id", 0)
            chat_id = self._resolve_chat(reply.get("chat_id", chat_id))["id"]
            allow_missing = reply.get("allow_sending_without_reply", False)
        elif params.get("reply_to_message_id") is not None:  # legacy parameter
            message_id = _number_param(params, "reply_to_message_id", 0)
            allow_missing = params.get("allow_sending_without_reply", False)
        else:
            return None
        target = self._messages.get((chat_id, message_id))
        if target is None:
            if allow_missing:
                return None
            raise _bad_request("message to be replied not found")
        return copy.deepcopy(target)

    def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text, entities = _render_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        markup = _check_inline_keyboard(params.get("reply_markup"))
        message = self._find_editable(params, "message to edit not found")
        if message is None:
            return True  # inline messages: Telegram returns True, not the message
        unchanged = (
            message.get("text") == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == markup
        )
        if unchanged:
            raise _not_modified()
        message["text"] = text
        _set_or_remove(message, "entities", entities or None)
        _set_or_remove(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return message

    def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        markup = _check_inline_keyboard(params.get("reply_markup"))
        message = self._find_editable(params, "message to edit not found")
        if message is None:
            return True
        if message.get("reply_markup") == markup:
            raise _not_modified()
        _set_or_remove(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return message

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._resolve_chat(params.get("chat_id"))
        if self._messages.pop((chat["id"], _number_param(params, "message_id", 0)), None) is None:
            raise _bad_request("message to delete not found")
        return True

    def _send_chat_action(self, params: JSONDict) -> bool:
        self._resolve_chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    def _check_query_id(self, query_id: Any) -> None:
        if str(query_id) not in self._known_query_ids:
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )

    def _answer_callback_query(self, params: JSONDict) -> bool:
        self._check_query_id(params.get("callback_query_id"))
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        return True

    def _answer_inline_query(self, params: JSONDict) -> bool:
        self._check_query_id(params.get("inline_query_id"))
        results = params.get("results")
        if not isinstance(results, list):
            raise _bad_request("can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        seen_ids: set[str] = set()
        for result in results:
            if not isinstance(result, dict) or not result.get("id"):
                raise _bad_request("RESULT_ID_INVALID")
            if result["id"] in seen_ids:
                raise _bad_request("RESULT_ID_DUPLICATE")
            seen_ids.add(result["id"])
            _check_inline_keyboard(result.get("reply_markup"))
            content = result.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                _render_text(
                    content["message_text"], content.get("parse_mode"), content.get("entities")
                )
        return True


# --------------------------------------------------------------------------- small helpers


def _same_method(recorded: str, wanted: str) -> bool:
    return recorded.lower() == wanted.lower()


def _user_dict(user_id: int, first_name: str, username: str | None) -> JSONDict:
    user: JSONDict = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username:
        user["username"] = username
    user["language_code"] = "en"
    return user


def _number_param(params: JSONDict, name: str, default: int, kind: type[int] | type[float] = int) -> Any:
    """A numeric parameter (``kind`` int or float); a malformed one is Telegram's 400."""
    try:
        return kind(params.get(name, default))
    except (TypeError, ValueError):
        raise _bad_request(f"invalid {name} specified") from None


def _set_or_remove(target: JSONDict, key: str, value: Any) -> None:
    if value is None:
        target.pop(key, None)
    else:
        target[key] = value


def _not_modified() -> ApiError:
    return _bad_request(
        "message is not modified: specified new message content and reply markup are "
        "exactly the same as a current content and reply markup of the message"
    )


def _shorten(value: Any, limit: int = 160) -> str:
    text = json.dumps(value, ensure_ascii=False, default=_json_default)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------- HTTP plumbing


class _RequestHandler(BaseHTTPRequestHandler):
    # HTTP/1.1 keep-alive like the real API; PTB's httpx client pools connections.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle on, delayed ACKs add ~40 ms.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        try:
            body = self._read_body()
        except ValueError:
            self._respond(400, ApiError(400, "Bad Request: invalid request body").payload())
            self.close_connection = True
            return
        response = self.server.fake._handle_http(
            self.path, self.headers.get("Content-Type", ""), body, self._client_gone
        )
        if response is None:
            self.close_connection = True
        else:
            self._respond(*response)

    do_GET = do_POST  # noqa: N815 - Telegram accepts GET with query-string parameters too

    def _client_gone(self) -> bool:
        """Whether the client closed its end (readable with nothing to read)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailer lines
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # CRLF after each chunk
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _respond(self, status: int, payload: JSONDict) -> None:
        data = json.dumps(payload, ensure_ascii=False, default=_json_default).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - base signature
        pass  # one stderr line per request would drown test output


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # stop() closes client connections itself; never wait for idle keep-alive handlers.
    block_on_close = False

    def __init__(self, address: tuple[str, int], fake: FakeBotApi) -> None:
        self.fake = fake
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse-DNS getfqdn() that can stall in sandboxes.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def track(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.add(connection)

    def untrack(self, connection: socket.socket) -> None:
        with self._connections_lock:
            self._connections.discard(connection)

    def close_connections(self) -> None:
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the client
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # client went away mid-response, e.g. a cancelled long poll
        _LOGGER.exception("FakeBotApi: unexpected error serving %s", client_address)


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Serve a FakeBotApi until Ctrl-C / SIGTERM."""
    parser = argparse.ArgumentParser(description="Fake Telegram Bot API server for manual tests.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--long-poll-cap", type=float, default=_DEFAULT_LONG_POLL_CAP)
    args = parser.parse_args(argv)

    # SIGTERM, and SIGINT even when a shell started us in the background with SIGINT
    # ignored, shut down as cleanly as Ctrl-C.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    fake = FakeBotApi(args.token, host=args.host, port=args.port, long_poll_cap=args.long_poll_cap)
    with fake:
        print(f"base_url: {fake.base_url}", flush=True)
        print(f"token:    {fake.token}", flush=True)
        print(f"control:  POST {fake.root_url}{_CONTROL_PREFIX}<helper>, JSON kwargs", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
