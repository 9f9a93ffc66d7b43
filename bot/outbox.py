"""The durable inbox and outbox: nothing a channel received or owes is kept only in memory.

- **Inbox.** An incoming update is stored under its ``(bot_id, update_id)`` before the channel
  tells Telegram it arrived. Storing it again finds it there: a redelivery is recognised and not
  answered twice. When the update has been handled it is marked done and its body (the raw
  message, with user ids) is dropped; the bare id stays for two days to recognise late copies.
- **Outbox.** Each request made while handling an update is stored as ``(update, seq)`` — the
  update and the position of the request within its handling — before it is sent, and marked
  sent only after the Bot API accepted it. Handling an unfinished update again (after a crash)
  therefore replays the requests already accepted from their stored results instead of sending
  them twice; a request stored but never acknowledged is sent again (the only source of
  duplicates: it may have reached Telegram just before the crash).
- A reply still unsent when its update is done (the Bot API was down past the retry deadline)
  stays here until a later attempt delivers it.

The rows live in the query log's database, SQLite or PostgreSQL (schema in ``bot/storage.py``,
migration 3; ``bot/database.py`` runs the same SQL on either), on their own connection with a
longer lock timeout than the log's: an answer may wait for the inbox, it must never be confirmed
without it. Each method is one transaction. Methods raise ``StorageError`` when the database cannot be
used; the channel decides what to do (it keeps answering from memory and logs it).

Everything here is synchronous and thread-safe; the Telegram channel calls it from worker threads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.database import Connection, backend_for
from bot.storage import Database, StorageError

KEEP_DONE_SECONDS = 2 * 86400  # Telegram redelivers an unconfirmed update for up to 24 hours
INBOX_LOCK_TIMEOUT = 5.0  # an answer may wait this long for the inbox, never skip it

T = TypeVar("T")


@dataclass(frozen=True)
class Outgoing:
    """An outbox row as ``DeliveryStore.outgoing`` found or created it."""

    row_id: int
    result: str | None  # the Bot API's JSON result when it was already sent, else None


@dataclass(frozen=True)
class Unsent:
    """A request of a finished update that the Bot API has not accepted yet."""

    row_id: int
    update_id: int
    method: str
    params: str  # JSON, the parameters as sent
    answer_id: str | None
    created_at: float


@dataclass(frozen=True)
class Backlog:
    unfinished_updates: int
    unsent_requests: int


class DeliveryStore(Database):
    """Inbox and outbox rows in the database of the query log."""

    busy_timeout = INBOX_LOCK_TIMEOUT

    def _run(self, work: Callable[[Connection], T]) -> T:
        """One transaction; any database failure becomes a StorageError."""
        with self._lock:
            try:
                conn = self._connection()
                with self.backend.transaction(conn):  # commits, or rolls back on error
                    return work(conn)
            except self._unavailable as e:
                self._drop_connection()
                raise StorageError(f"delivery store {self.where}: {e}") from e

    # -- inbox --------------------------------------------------------------------------------

    def receive(self, bot_id: int, update_id: int, body: str) -> bool:
        """Store an incoming update; False when it was stored before (a redelivery)."""
        sql = "INSERT INTO inbox (bot_id, update_id, received_at, body) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"
        return self._run(lambda c: c.execute(sql, (bot_id, update_id, time.time(), body)).rowcount == 1)

    def unfinished(self, bot_id: int) -> list[tuple[int, str]]:
        """Updates stored but not handled to the end, oldest first: (update_id, body)."""
        sql = "SELECT update_id, body FROM inbox WHERE bot_id = ? AND done_at IS NULL ORDER BY update_id"
        return self._run(lambda c: [(u, b) for u, b in c.execute(sql, (bot_id,)) if b is not None])

    def finish(self, bot_id: int, update_id: int) -> None:
        """The update is handled: drop its body and the requests already sent (their results were
        only kept to replay them); requests still unsent stay."""

        def work(c: Connection) -> None:
            c.execute(
                "UPDATE inbox SET done_at = ?, body = NULL WHERE bot_id = ? AND update_id = ?",
                (time.time(), bot_id, update_id),
            )
            c.execute(
                "DELETE FROM outbox WHERE bot_id = ? AND update_id = ? AND (sent_at IS NOT NULL OR failed IS NOT NULL)",
                (bot_id, update_id),
            )

        self._run(work)

    # -- outbox -------------------------------------------------------------------------------

    def outgoing(
        self, bot_id: int, update_id: int, seq: int, method: str, params: str, answer_id: str | None
    ) -> Outgoing:
        """Store request ``seq`` of an update before it is sent, or find it from an earlier
        handling of the same update (then ``result`` is set when it was already accepted)."""

        def work(c: Connection) -> Outgoing:
            key = (bot_id, update_id, seq)
            c.execute(
                "INSERT INTO outbox (bot_id, update_id, seq, created_at, method, params, answer_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (*key, time.time(), method, params, answer_id),
            )
            row_id, sent_method, result = c.execute(
                "SELECT id, method, result FROM outbox WHERE bot_id = ? AND update_id = ? AND seq = ?", key
            ).fetchone()
            if result is not None and sent_method == method:
                return Outgoing(row_id, result)
            # Not sent yet (or the handling took another turn): what is sent now is what counts.
            c.execute(
                "UPDATE outbox SET method = ?, params = ?, answer_id = ?, sent_at = NULL, result = NULL,"
                " failed = NULL WHERE id = ?",
                (method, params, answer_id, row_id),
            )
            return Outgoing(row_id, None)

        return self._run(work)

    def sent(self, row_id: int, result: str) -> None:
        """The Bot API accepted the request; its parameters (chat ids, text) are no longer needed."""
        sql = "UPDATE outbox SET sent_at = ?, result = ?, params = NULL WHERE id = ?"
        self._run(lambda c: c.execute(sql, (time.time(), result, row_id)))

    def failed(self, row_id: int, reason: str) -> None:
        """The Bot API refused the request itself (400, 403): sending it again cannot help."""
        sql = "UPDATE outbox SET failed = ?, params = NULL WHERE id = ?"
        self._run(lambda c: c.execute(sql, (reason[:200], row_id)))

    def unsent(self, bot_id: int) -> list[Unsent]:
        """Requests of finished updates still waiting for the Bot API, oldest first."""
        sql = (
            "SELECT o.id, o.update_id, o.method, o.params, o.answer_id, o.created_at FROM outbox o"
            " JOIN inbox i ON i.bot_id = o.bot_id AND i.update_id = o.update_id"
            " WHERE o.bot_id = ? AND i.done_at IS NOT NULL AND o.sent_at IS NULL AND o.failed IS NULL"
            " AND o.params IS NOT NULL ORDER BY o.id"
        )
        return self._run(lambda c: [Unsent(*row) for row in c.execute(sql, (bot_id,))])

    def backlog(self, bot_id: int) -> Backlog:
        def work(c: Connection) -> Backlog:
            updates = c.execute("SELECT COUNT(*) FROM inbox WHERE bot_id = ? AND done_at IS NULL", (bot_id,))
            requests = c.execute(
                "SELECT COUNT(*) FROM outbox WHERE bot_id = ? AND sent_at IS NULL AND failed IS NULL", (bot_id,)
            )
            return Backlog(updates.fetchone()[0], requests.fetchone()[0])

        return self._run(work)

    def _prune(self) -> None:
        if self._conn is not None:
            self._forget(self._conn)
            self.backend.tidy(self._conn)

    def _forget(self, c: Connection) -> None:
        """Forget handled update ids after two days, and replies never delivered within the
        retention period (their text is personal data too)."""
        now = time.time()
        c.execute("DELETE FROM inbox WHERE done_at < ?", (now - KEEP_DONE_SECONDS,))
        c.execute("DELETE FROM outbox WHERE created_at < ?", (now - self.retention_days * 86400,))
        self._last_prune = time.monotonic()

    def prune(self) -> None:
        self._run(self._forget)
        with self._lock:
            if self._conn is not None:
                self.backend.tidy(self._conn)


def open_delivery_store(database_url: str, retention_days: int) -> DeliveryStore:
    backend = backend_for(database_url)
    try:
        return DeliveryStore(database_url, salt="", retention_days=retention_days)
    except backend.unavailable as e:
        raise StorageError(f"cannot open the database at {backend.where} ({e}); check POLICYBOT_DATABASE_URL") from e
