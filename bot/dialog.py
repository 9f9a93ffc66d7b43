"""Chat context without an LLM: the last cited point per chat, kept for a few minutes.

``bot/understand.py`` reads a follow-up ("具体怎么做？", "那幼儿园呢？") against the chat's topic;
this module only stores the topics, behind one small interface (``ChatMemory``: get and set):

- ``Conversations``: in this process's memory, a bounded time-to-live cache (cachetools) behind a
  lock because the Telegram channel answers from worker threads. For the console and whenever
  there is no database.
- ``SqlConversations``: in the database (SQLite or PostgreSQL, table ``chat_topics`` of
  ``bot/storage.py``), so that with several replicas the follow-up is understood whichever
  replica gets it. Chats are stored under a salted hash of their key, like the query log's ids;
  a row expires ``ttl`` seconds after it was set (wall-clock time: replicas share no monotonic
  clock) and expired rows are deleted once a minute, so the table holds only the chats of the
  last few minutes. When the database fails the topic is taken from this process's memory (the
  rule of the query log: answers go out whatever the database does) and the failure is logged once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from cachetools import TTLCache

from bot.database import Connection
from bot.storage import Database, FailureNote, StorageError, salted_hash
from bot.text import storable
from bot.understand import Topic

PRUNE_SECONDS = 60.0  # how often expired topics are deleted from the database
CONTEXT_LOCK_TIMEOUT = 0.5  # an answer waits at most this long for a locked SQLite file


class ChatMemory(Protocol):
    """The last topic per chat key, forgotten after a while."""

    def get(self, chat: str) -> Topic | None: ...

    def set(self, chat: str, topic: Topic) -> None: ...


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


class SqlConversations(Database):
    """The last cited point per chat in the database, shared by every process that opens it."""

    busy_timeout = CONTEXT_LOCK_TIMEOUT
    what = "follow-up context"

    def __init__(self, where: Path | str, salt: str, ttl: float = 600.0, clock: Callable[[], float] = time.time):
        self.ttl = ttl
        self._clock = clock
        self._memory = Conversations(ttl, timer=clock)  # while the database fails
        self._note = FailureNote(self.what)
        super().__init__(where, salt)

    def get(self, chat: str) -> Topic | None:
        sql = "SELECT question, doc_id, point, at FROM chat_topics WHERE chat_hash = ? AND expires_at > ?"
        try:
            row = self._run(lambda c: c.execute(sql, (salted_hash(self.salt, chat), self._clock())).fetchone())
        except StorageError as e:
            self._note.failed(e)
            return self._memory.get(chat)
        self._note.recovered()
        return None if row is None else Topic(str(row[0]), str(row[1]), int(row[2]), float(row[3]))

    def set(self, chat: str, topic: Topic) -> None:
        self._memory.set(chat, topic)
        now = self._clock()
        key = salted_hash(self.salt, chat)

        def work(c: Connection) -> None:
            c.execute(
                "INSERT INTO chat_topics (chat_hash, question, doc_id, point, at, expires_at) VALUES (?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (chat_hash) DO UPDATE SET question = excluded.question, doc_id = excluded.doc_id,"
                " point = excluded.point, at = excluded.at, expires_at = excluded.expires_at",
                (key, storable(topic.question[:1000]), topic.doc_id, topic.point, topic.at, now + self.ttl),
            )
            if time.monotonic() - self._last_prune > PRUNE_SECONDS:
                self._forget(c)

        self._note.write(lambda: self._run(work))

    def _forget(self, c: Connection) -> None:
        c.execute("DELETE FROM chat_topics WHERE expires_at <= ?", (self._clock(),))
        self._last_prune = time.monotonic()

    def _prune(self) -> None:  # at open, under the lock
        if self._conn is not None:
            self._forget(self._conn)
