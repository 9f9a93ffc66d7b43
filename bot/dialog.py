"""Chat context without an LLM: short-lived per-chat topics, follow-ups and "which points mention X".

- "具体怎么做？" / "详细说说" after an answer → the whole text of the point just cited.
- "那幼儿园呢？" → the fragment is searched together with the previous question, so the new
  words pick the point while the old ones keep the topic.
- "哪几条提到了大班额" → every point whose text contains the term, in plan order.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Literal

FollowUp = Literal["elaborate", "ellipsis"]

# "Tell me more about that" — the same point, in full.
_ELABORATE_RE = re.compile(
    r"^(那|那么|所以)?(具体|详细|详细点|详细一点|具体点|具体一点)?(怎么做|怎么搞|怎么弄|怎么办|如何做|如何落实|怎么落实|"
    r"说说|讲讲|展开|展开说说|内容|是什么|有哪些|呢|点)?[?？。!！]*$"
    r"|^(还有呢|还有吗|然后呢|全文|原文|完整内容|全部内容|多说点|再详细点|再具体点)[?？。!！]*$"
    r"|^(more|details|more details|tell me more|full text|and then)[?.!]*$"
)
# "And what about X?" — a fragment that leans on the previous question.
_ELLIPSIS_RE = re.compile(r"^(那|那么|那个|还有|另外|那要是|要是|如果是)?(.{1,12}?)(呢|怎么样|怎么说|咋样)[?？。!！]*$"
                          r"|^(那|那么|还有|另外)(.{1,12}?)[?？。!！]*$"
                          r"|^(what about|how about|and) (.{1,40}?)[?.!]*$")
_MENTION_RE = re.compile(
    r"^(?:请问)?(?:哪几条|哪些条目?|哪条|哪几个条目|哪些地方|哪些内容|哪里|哪几处|哪几部分)"
    r"(?:有|里|中)?(?:提到|提及|涉及|说到|讲到|写到|出现|包含|有)(?:了|过)?(?P<term>.+?)[?？。!！]*$"
    r"|^(?P<term2>.+?)(?:在|出现在)?(?:哪几条|哪些条目?|哪条)(?:里|中)?(?:提到|提及|涉及|出现|有)?(?:了|过)?[?？。!！]*$"
    r"|^which (?:points|clauses|items|sections) (?:mention|cover|talk about|refer to) (?P<term3>.+?)[?.!]*$"
)


@dataclass(frozen=True)
class Topic:
    question: str
    doc_id: str
    point: int
    at: float


class Conversations:
    """The last cited point per chat, forgotten after ``ttl`` seconds; bounded, thread-safe."""

    def __init__(self, ttl: float = 600.0, max_chats: int = 10_000) -> None:
        self.ttl = ttl
        self.max_chats = max_chats
        self._topics: OrderedDict[str, Topic] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, chat: str, now: float | None = None) -> Topic | None:
        now = time.monotonic() if now is None else now
        with self._lock:
            topic = self._topics.get(chat)
            if topic is None:
                return None
            if now - topic.at > self.ttl:
                del self._topics[chat]
                return None
            return topic

    def set(self, chat: str, topic: Topic) -> None:
        with self._lock:
            self._topics[chat] = topic
            self._topics.move_to_end(chat)
            while len(self._topics) > self.max_chats:
                self._topics.popitem(last=False)

    def forget(self, chat: str) -> None:
        with self._lock:
            self._topics.pop(chat, None)


def follow_up_kind(normalized: str) -> FollowUp | None:
    """Classify a (normalised) message that only makes sense after a previous answer."""
    text = normalized.strip()
    if not text or len(text) > 40:
        return None
    if _ELABORATE_RE.match(text):
        return "elaborate"
    if len(text) <= (40 if text.isascii() else 16) and _ELLIPSIS_RE.match(text):
        return "ellipsis"
    return None


def mention_term(normalized: str) -> str | None:
    """The X of "哪几条提到了X" / "X在哪几条" / "which points mention X"; None for other questions."""
    m = _MENTION_RE.match(normalized.strip())
    if not m:
        return None
    term = next(t for t in (m.group("term"), m.group("term2"), m.group("term3")) if t is not None)
    term = term.strip(" “”\"'《》")
    return term or None
