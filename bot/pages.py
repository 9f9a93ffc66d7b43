"""The pages of long list answers, kept in the database so that a page button works on any replica.

A list answer longer than one page (“哪几条提到了教育”) is sent as its first page with 上一页 /
下一页 buttons that name the answer id. Pressing one needs the answer's blocks again. They are
stored here, as JSON in the table ``answer_pages`` of ``bot/storage.py`` (SQLite or PostgreSQL),
when the answer is sent: whichever replica gets the press — or the same process after a
restart — reads them back. Recomputing the answer from the logged question instead would not be
sound: a follow-up's answer depends on the chat's context at that moment, and a ``/reload`` in
between changes it.

Pages are kept ``KEEP_SECONDS`` (two days; an older button says the answer has expired). They
hold only the plan's own text and the answer's framing. While the database fails, pages are
kept in this process's memory (bounded) and the failure is logged once.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from cachetools import LRUCache

from bot.compose import Block
from bot.database import Connection
from bot.presentation import Lang
from bot.storage import Database, FailureNote, StorageError

KEEP_SECONDS = 2 * 86400
IN_MEMORY = 256  # pages kept in memory while the database fails, or without one
PAGES_LOCK_TIMEOUT = 2.0
PRUNE_SECONDS = 3600.0

Pages = tuple[Lang, tuple[Block, ...]]


class PageStore(Protocol):
    def put(self, answer_id: str, lang: Lang, blocks: Sequence[Block]) -> None: ...

    def get(self, answer_id: str) -> Pages | None: ...


class MemoryPages:
    """Pages in this process's memory only: the console, tests, no database."""

    def __init__(self, size: int = IN_MEMORY) -> None:
        self._pages: LRUCache[str, Pages] = LRUCache(size)

    def put(self, answer_id: str, lang: Lang, blocks: Sequence[Block]) -> None:
        self._pages[answer_id] = (lang, tuple(blocks))

    def get(self, answer_id: str) -> Pages | None:
        return self._pages.get(answer_id)


class SqlPages(Database):
    """Pages in the database, shared by every process that opens it."""

    busy_timeout = PAGES_LOCK_TIMEOUT
    what = "answer pages"

    def __init__(self, where: Path | str) -> None:
        self._memory = MemoryPages()
        self._note = FailureNote(self.what)
        super().__init__(where, salt="")

    def put(self, answer_id: str, lang: Lang, blocks: Sequence[Block]) -> None:
        self._memory.put(answer_id, lang, blocks)
        body = json.dumps([[b.role, b.text] for b in blocks])  # ASCII: any text can be stored
        sql = (
            "INSERT INTO answer_pages (answer_id, created_at, lang, blocks) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (answer_id) DO NOTHING"
        )

        def work(c: Connection) -> None:
            c.execute(sql, (answer_id, time.time(), lang, body))
            if time.monotonic() - self._last_prune > PRUNE_SECONDS:
                self._forget(c)

        self._note.write(lambda: self._run(work))

    def get(self, answer_id: str) -> Pages | None:
        sql = "SELECT lang, blocks FROM answer_pages WHERE answer_id = ? AND created_at > ?"
        try:
            row = self._run(lambda c: c.execute(sql, (answer_id, time.time() - KEEP_SECONDS)).fetchone())
        except StorageError as e:
            self._note.failed(e)
            return self._memory.get(answer_id)
        self._note.recovered()
        if row is None:
            return self._memory.get(answer_id)  # put while the database failed
        return row[0], tuple(Block(role, text) for role, text in json.loads(row[1]))

    def _forget(self, c: Connection) -> None:
        c.execute("DELETE FROM answer_pages WHERE created_at < ?", (time.time() - KEEP_SECONDS,))
        self._last_prune = time.monotonic()

    def _prune(self) -> None:  # at open, under the lock
        if self._conn is not None:
            self._forget(self._conn)
