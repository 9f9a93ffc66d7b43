"""Chat context without an LLM: the last cited point per chat, kept for a few minutes.

``bot/understand.py`` reads a follow-up ("具体怎么做？", "那幼儿园呢？") against the chat's topic;
this module only stores the topics.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from bot.understand import Topic


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
