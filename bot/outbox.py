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
- **Several replicas.** Rows are claimed by one process at a time under a lease (``claimed_by``,
  ``lease_until``) that the process renews while it lives. An update stored by a replica that
  then dies is taken over by a live one once the lease has run out; an unsent reply likewise.
  ``attempts`` counts how often an update's handling started, so the channel can quarantine an
  update that keeps killing the process instead of crashing every replica in turn.

The rows live in the query log's database, SQLite or PostgreSQL (schema in ``bot/storage.py``,
migration 3; ``bot/database.py`` runs the same SQL on either), on their own connection with a
longer lock timeout than the log's: an answer may wait for the inbox, it must never be confirmed
without it. Each method is one transaction. Methods raise ``StorageError`` when the database cannot be
used; the channel decides what to do (it keeps answering from memory and logs it).

Everything here is synchronous and thread-safe; the Telegram channel calls it from worker threads.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.database import Connection, backend_for
from bot.storage import Database, StorageError

KEEP_DONE_SECONDS = 2 * 86400  # Telegram redelivers an unconfirmed update for up to 24 hours
INBOX_LOCK_TIMEOUT = 5.0  # an answer may wait this long for the inbox, never skip it
TAKE_OVER_BATCH = 200  # updates taken over in one sweep; the next sweep takes the rest


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


class Inbox(Database):
    """Inbox rows in the database of the query log, claimed by one process at a time.

    Several replicas share the rows: a row is *claimed* by the process that stored it (or took it
    over), under a lease that process renews while it is alive (``renew``). A replica that dies
    stops renewing; once the lease has run out any other replica (or the same one restarted)
    takes the update over (``take_over``). ``begin`` counts each start of an update's handling
    and refuses an update that is no longer this process's, so two replicas never handle one
    update at once. A conditional UPDATE is the lock: under PostgreSQL's row locks (or SQLite's
    one writer) exactly one of two claimers finds the lease still expired.
    """

    busy_timeout = INBOX_LOCK_TIMEOUT
    what = "delivery store"

    def receive(self, bot_id: int, update_id: int, body: str, owner: str, lease: float) -> bool:
        """Store and claim an incoming update; False when it was stored before (a redelivery) and
        is done or still held by a live process. A redelivery of an update whose process died
        (its lease ran out) is taken over here and then, like a new one, True."""

        def work(c: Connection) -> bool:
            now = time.time()
            inserted = c.execute(
                "INSERT INTO inbox (bot_id, update_id, received_at, body, claimed_by, lease_until)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (bot_id, update_id, now, body, owner, now + lease),
            )
            return inserted.rowcount == 1 or _take(c, bot_id, update_id, owner, now, lease) is not None

        return self._run(work)

    def take_over(self, bot_id: int, owner: str, lease: float, limit: int = TAKE_OVER_BATCH) -> list[tuple[int, str]]:
        """Claim updates stored but not finished whose lease ran out (their process died or
        stopped), oldest first: (update_id, body)."""

        def work(c: Connection) -> list[tuple[int, str]]:
            now = time.time()
            candidates = c.execute(
                "SELECT update_id FROM inbox WHERE bot_id = ? AND done_at IS NULL AND body IS NOT NULL"
                " AND (lease_until IS NULL OR lease_until < ?) ORDER BY update_id LIMIT ?",
                (bot_id, now, limit),
            ).fetchall()
            taken = [(u, _take(c, bot_id, u, owner, now, lease)) for (u,) in candidates]
            return [(u, body) for u, body in taken if body is not None]

        return self._run(work)

    def begin(self, bot_id: int, update_id: int, owner: str, lease: float) -> int:
        """The handling of an update starts: count the attempt and return how many there have
        been (1 the first time); 0 when the update is no longer this process's (taken over, or
        done). An update that was never stored (the database was down) counts as a first try."""

        def work(c: Connection) -> int:
            row = c.execute(
                "UPDATE inbox SET attempts = attempts + 1, lease_until = ? WHERE bot_id = ? AND update_id = ?"
                " AND claimed_by = ? AND done_at IS NULL RETURNING attempts",
                (time.time() + lease, bot_id, update_id, owner),
            ).fetchone()
            if row is not None:
                return int(row[0])
            stored = c.execute("SELECT 1 FROM inbox WHERE bot_id = ? AND update_id = ?", (bot_id, update_id))
            return 0 if stored.fetchone() else 1

        return self._run(work)

    def renew(self, bot_id: int, owner: str, lease: float, updates: Iterable[int], requests: Iterable[int]) -> None:
        """Extend the leases of the updates and outbox requests this process still holds."""

        def work(c: Connection) -> None:
            until = time.time() + lease
            for table, column, ids in (("inbox", "update_id", updates), ("outbox", "id", requests)):
                for chunk in _chunks(sorted(ids)):
                    c.execute(
                        f"UPDATE {table} SET lease_until = ? WHERE bot_id = ? AND claimed_by = ?"
                        f" AND {column} IN ({','.join('?' * len(chunk))})",
                        (until, bot_id, owner, *chunk),
                    )

        self._run(work)

    def release(self, bot_id: int, owner: str) -> None:
        """Stopping: what this process still holds may be taken over at once, not after the lease."""

        def work(c: Connection) -> None:
            for table in ("inbox", "outbox"):
                c.execute(f"UPDATE {table} SET lease_until = NULL WHERE bot_id = ? AND claimed_by = ?", (bot_id, owner))

        self._run(work)

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


def _take(c: Connection, bot_id: int, update_id: int, owner: str, now: float, lease: float) -> str | None:
    """Claim one unfinished update whose lease ran out; its body, or None when another process
    holds it (or it is done)."""
    row = c.execute(
        "UPDATE inbox SET claimed_by = ?, lease_until = ? WHERE bot_id = ? AND update_id = ? AND done_at IS NULL"
        " AND body IS NOT NULL AND (lease_until IS NULL OR lease_until < ?) RETURNING body",
        (owner, now + lease, bot_id, update_id, now),
    ).fetchone()
    return None if row is None else str(row[0])


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class DeliveryStore(Inbox):
    """The inbox (above) and the outbox rows, in the database of the query log."""

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
        """Requests of finished updates still waiting for the Bot API and held by no live process,
        oldest first (``claim_request`` before sending one)."""
        sql = (
            "SELECT o.id, o.update_id, o.method, o.params, o.answer_id, o.created_at FROM outbox o"
            " JOIN inbox i ON i.bot_id = o.bot_id AND i.update_id = o.update_id"
            " WHERE o.bot_id = ? AND i.done_at IS NOT NULL AND o.sent_at IS NULL AND o.failed IS NULL"
            " AND o.params IS NOT NULL AND (o.lease_until IS NULL OR o.lease_until < ?) ORDER BY o.id"
        )
        return self._run(lambda c: [Unsent(*row) for row in c.execute(sql, (bot_id, time.time()))])

    def claim_request(self, row_id: int, owner: str, lease: float) -> bool:
        """Claim an unsent request to send it; False when another process holds it or it went out."""
        sql = (
            "UPDATE outbox SET claimed_by = ?, lease_until = ? WHERE id = ? AND sent_at IS NULL AND failed IS NULL"
            " AND (lease_until IS NULL OR lease_until < ?)"
        )
        now = time.time()
        return self._run(lambda c: c.execute(sql, (owner, now + lease, row_id, now)).rowcount == 1)

    def backlog(self, bot_id: int, owner: str) -> Backlog:
        """What this process leaves behind: updates it holds unfinished, requests it holds unsent
        (those of its finished updates included: no one else is sending them yet)."""

        def work(c: Connection) -> Backlog:
            updates = c.execute(
                "SELECT COUNT(*) FROM inbox WHERE bot_id = ? AND claimed_by = ? AND done_at IS NULL", (bot_id, owner)
            )
            requests = c.execute(
                "SELECT COUNT(*) FROM outbox o JOIN inbox i ON i.bot_id = o.bot_id AND i.update_id = o.update_id"
                " WHERE o.bot_id = ? AND o.sent_at IS NULL AND o.failed IS NULL"
                " AND (o.claimed_by = ? OR (o.claimed_by IS NULL AND i.claimed_by = ?))",
                (bot_id, owner, owner),
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
