"""Typed callback data: one small frozen dataclass per button route, and the deep-link payload.

Telegram gives a button 64 bytes of ``callback_data`` and hands them back verbatim when it is
pressed, possibly days later and after a ``/reload``. So:

- every route is a frozen dataclass whose ``encode()`` is a short ``prefix:field:field`` string,
  checked against the 64-byte limit (an overflow is a programming error the tests catch);
- every route has one anchored ``PATTERN``; the application registers
  ``CallbackQueryHandler(handler, pattern=Route.PATTERN)`` and the handler calls
  ``Route.decode(query.data)``, so routing and parsing can never disagree;
- a document is named by a stable key derived from its id (``doc_key``), never by its position
  in the list: a reload that adds a plan shifts positions, but not keys. A key that no longer
  resolves means the plan is gone, and the handler says the button has expired.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Self

from bot.corpus import Document
from bot.presentation import Lang

MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit
MAX_START_PAYLOAD = 64  # characters of a t.me/<bot>?start= payload
KEY_LENGTH = 6  # hex characters of sha1(doc_id): 16.7 million keys for a handful of plans

_KEY = r"([0-9a-f]{6})"
_ID = r"([0-9a-f]{12})"  # answer ids: uuid4().hex[:12]
_LANG = r"(zh|en)"
_N = r"(\d{1,3})"


def doc_key(doc_id: str) -> str:
    """The short key buttons carry for a document; the same before and after any reload."""
    return hashlib.sha1(doc_id.encode("utf-8")).hexdigest()[:KEY_LENGTH]


def find_document(documents: Iterable[Document], key: str) -> Document | None:
    """The loaded document with this key, or None when it is no longer loaded."""
    return next((d for d in documents if doc_key(d.doc_id) == key), None)


def new_answer_id() -> str:
    """A fresh id for an answer: the query log row, its vote buttons and its pages share it."""
    return uuid.uuid4().hex[:12]


def answer_id_for(bot_id: int, update_id: int, secret: str) -> str:
    """The id of the answer to one update: the same each time the update is handled (after a
    crash the query-log row and the buttons stay those of the first try), and not guessable
    without the secret (a forged vote cannot name someone else's answer)."""
    return hmac.new(secret.encode(), f"answer:{bot_id}:{update_id}".encode(), hashlib.sha256).hexdigest()[:12]


class Route:
    """A button route. Subclasses are frozen dataclasses with a ``PATTERN`` and ``_from``."""

    PATTERN: ClassVar[re.Pattern[str]]

    def _data(self) -> str:
        raise NotImplementedError

    def encode(self) -> str:
        data = self._data()
        if len(data.encode("utf-8")) > MAX_CALLBACK_DATA or not self.PATTERN.fullmatch(data):
            raise ValueError(f"bad callback_data for {type(self).__name__}: {data!r}")
        return data

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        raise NotImplementedError

    @classmethod
    def decode(cls, data: str | None) -> Self:
        """Parse data the route's own PATTERN matched (PTB only calls the handler then)."""
        m = cls.PATTERN.fullmatch(data or "")
        if m is None:
            raise ValueError(f"not {cls.__name__} callback data: {data!r}")
        return cls._from(m)


# -- answers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Example(Route):
    """One of the example questions under /start."""

    index: int
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"^ask:(\d)$")

    def _data(self) -> str:
        return f"ask:{self.index}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(int(m[1]))


@dataclass(frozen=True)
class FullText(Route):
    """全文: expand the answer in place to the whole point."""

    doc: str
    point: int
    lang: Lang
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^full:{_KEY}:{_N}:{_LANG}$")

    def _data(self) -> str:
        return f"full:{self.doc}:{self.point}:{self.lang}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], int(m[2]), m[3])  # type: ignore[arg-type]


@dataclass(frozen=True)
class Related(Route):
    """相关条目: the answer's further points of the same plan, as a new message."""

    doc: str
    points: tuple[int, ...]
    lang: Lang
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^rel:{_KEY}:(\d{{1,3}}(?:,\d{{1,3}}){{0,5}}):{_LANG}$")

    def _data(self) -> str:
        return f"rel:{self.doc}:{','.join(map(str, self.points))}:{self.lang}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], tuple(int(n) for n in m[2].split(",")), m[3])  # type: ignore[arg-type]


@dataclass(frozen=True)
class OpenPoint(Route):
    """A point from the 相关条目 list: its full text as a new message (the list stays)."""

    doc: str
    point: int
    lang: Lang
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^open:{_KEY}:{_N}:{_LANG}$")

    def _data(self) -> str:
        return f"open:{self.doc}:{self.point}:{self.lang}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], int(m[2]), m[3])  # type: ignore[arg-type]


@dataclass(frozen=True)
class Vote(Route):
    """👍 / 👎 on one answer."""

    answer_id: str
    positive: bool
    lang: Lang
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^fb:{_ID}:([+-]):{_LANG}$")

    def _data(self) -> str:
        return f"fb:{self.answer_id}:{'+' if self.positive else '-'}:{self.lang}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], m[2] == "+", m[3])  # type: ignore[arg-type]


@dataclass(frozen=True)
class Voted(Route):
    """The button that replaces 👍/👎 once a vote is taken: it does nothing, but still carries the
    answer id, so /teach can find the answer after someone voted on it."""

    answer_id: str
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^voted:{_ID}$")

    def _data(self) -> str:
        return f"voted:{self.answer_id}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1])


@dataclass(frozen=True)
class Page(Route):
    """Another page of a long list answer (kept for a while in memory under its answer id)."""

    answer_id: str
    page: int
    lang: Lang
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^page:{_ID}:(\d{{1,2}}):{_LANG}$")

    def _data(self) -> str:
        return f"page:{self.answer_id}:{self.page}:{self.lang}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], int(m[2]), m[3])  # type: ignore[arg-type]


# -- browsing (/list), edited in place ------------------------------------------------------------


@dataclass(frozen=True)
class Documents(Route):
    """The list of loaded plans (only offered when there are several)."""

    PATTERN: ClassVar[re.Pattern[str]] = re.compile(r"^docs$")

    def _data(self) -> str:
        return "docs"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls()


@dataclass(frozen=True)
class Contents(Route):
    """One plan's parts."""

    doc: str
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^list:{_KEY}$")

    def _data(self) -> str:
        return f"list:{self.doc}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1])


@dataclass(frozen=True)
class SectionView(Route):
    """One part's points."""

    doc: str
    section: int
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^sec:{_KEY}:(\d{{1,2}})$")

    def _data(self) -> str:
        return f"sec:{self.doc}:{self.section}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], int(m[2]))


@dataclass(frozen=True)
class BrowsePoint(Route):
    """One point's full text while browsing, with a way back."""

    doc: str
    point: int
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^pt:{_KEY}:{_N}$")

    def _data(self) -> str:
        return f"pt:{self.doc}:{self.point}"

    @classmethod
    def _from(cls, m: re.Match[str]) -> Self:
        return cls(m[1], int(m[2]))


# -- deep links -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeepLink:
    """``t.me/<bot>?start=point_8`` (first plan) or ``point_8_<key>``: /start opens that point."""

    point: int
    doc: str | None = None
    PATTERN: ClassVar[re.Pattern[str]] = re.compile(rf"^point_{_N}(?:_{_KEY})?$")

    def encode(self) -> str:
        payload = f"point_{self.point}" + (f"_{self.doc}" if self.doc else "")
        if len(payload) > MAX_START_PAYLOAD or not self.PATTERN.fullmatch(payload):
            raise ValueError(f"bad start payload: {payload!r}")
        return payload

    @classmethod
    def decode(cls, payload: str) -> DeepLink | None:
        m = cls.PATTERN.fullmatch(payload)
        return cls(int(m[1]), m[2]) if m else None


def answer_id_in(data: str | None) -> str | None:
    """The answer id a vote button (or its 'recorded' replacement) carries, if ``data`` is one."""
    for route in (Vote, Voted):
        if route.PATTERN.fullmatch(data or ""):
            return route.decode(data).answer_id
    return None


def doc_key_in(data: str | None) -> str | None:
    """The document key a 全文 / 相关条目 button carries, if ``data`` is one."""
    for route in (FullText, Related):
        if route.PATTERN.fullmatch(data or ""):
            return route.decode(data).doc
    return None
