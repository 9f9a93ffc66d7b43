"""Chat context without an LLM: the last cited point per chat, kept for a few minutes.

``bot/understand.py`` reads a follow-up ("具体怎么做？", "那幼儿园呢？") against the chat's topic;
this module only stores the topics, in a bounded time-to-live cache (cachetools), behind a lock
because the Telegram channel answers from worker threads.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from cachetools import TTLCache

from bot.understand import Topic


class Conversations:
    """The last cited point per chat, forgotten ``ttl`` seconds after it was set; at most
    ``max_chats`` chats are remembered (the least recently used go first)."""

    def __init__(self, ttl: float = 600.0, max_chats: int = 10_000, timer: Callable[[], float] = time.monotonic):
        self._topics: TTLCache[str, Topic] = TTLCache(max_chats, ttl, timer=timer)
        self._lock = threading.Lock()

    def get(self, chat: str) -> Topic | None:
        with self._lock:
            return self._topics.get(chat)

    def set(self, chat: str, topic: Topic) -> None:
        with self._lock:
            self._topics[chat] = topic
