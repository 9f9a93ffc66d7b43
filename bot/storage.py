"""Query log and feedback behind one ``QueryLog`` protocol; SQLite is the embedded default,
PostgreSQL the server option (``bot/database.py`` runs the same SQL on either).

- Every answered question: time, chat type, status (answered / related / not_found / …), cited
  points, latency.
- Every 👍 / 👎, linked to the answer it rates.
- Chat and user ids are stored only as salted hashes; rows older than the retention period are pruned.

The bot must keep answering when the database misbehaves (locked, read-only, deleted): a failed
write is kept in a bounded in-memory queue, the failure is logged once, and the queue is flushed
as soon as a write succeeds again. A deleted database file is recreated.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.database import Connection, SqliteBackend, StorageError, backend_for, sqlite_path

__all__ = ["StorageError", "sqlite_path"]  # re-exported: callers import them from here

if TYPE_CHECKING:
    from bot.compose import Answer
    from bot.config import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")

PENDING_LIMIT = 10_000  # rows kept in memory while the database is unavailable
RETRY_SECONDS = 5.0  # how often a failing database is tried again
PRUNE_SECONDS = 3600.0
BUSY_TIMEOUT = 0.5  # seconds to wait for a lock: a log write must not hold up an answer

# Each step brings the schema from version i to i+1, on SQLite and on PostgreSQL (written in
# SQLite's column types; bot/database.py translates them). Never edit a released step; append one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        answer_id TEXT NOT NULL UNIQUE,
        asked_at REAL NOT NULL,
        day TEXT NOT NULL,
        chat_hash TEXT,
        user_hash TEXT,
        chat_type TEXT,
        question TEXT NOT NULL,
        found INTEGER NOT NULL,
        kind TEXT NOT NULL,
        points TEXT NOT NULL,
        top_doc TEXT,
        top_point INTEGER,
        latency_ms REAL
    );
    CREATE INDEX questions_day ON questions(day);
    CREATE TABLE feedback (
        id INTEGER PRIMARY KEY,
        answer_id TEXT NOT NULL,
        at REAL NOT NULL,
        user_hash TEXT,
        positive INTEGER NOT NULL,
        UNIQUE(answer_id, user_hash)
    );
    CREATE INDEX feedback_answer ON feedback(answer_id);
    """,
    # 2: the three-tier status (answered / related / not_found, or smalltalk / empty).
    """
    ALTER TABLE questions ADD COLUMN status TEXT;
    UPDATE questions SET status = CASE WHEN found = 1 THEN 'answered' ELSE 'not_found' END;
    """,
    # 3: what was actually delivered, and the durable inbox and outbox of the Telegram channel
    # (bot/outbox.py): an update is stored before Telegram is told it arrived, a reply until the
    # Bot API accepted it. Rows are keyed by the bot's id too: update ids are only unique per bot.
    """
    ALTER TABLE questions ADD COLUMN delivered_at REAL;
    CREATE TABLE inbox (
        bot_id INTEGER NOT NULL,
        update_id INTEGER NOT NULL,
        received_at REAL NOT NULL,
        body TEXT,
        done_at REAL,
        PRIMARY KEY (bot_id, update_id)
    );
    CREATE INDEX inbox_open ON inbox(bot_id, done_at);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        bot_id INTEGER NOT NULL,
        update_id INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        created_at REAL NOT NULL,
        method TEXT NOT NULL,
        params TEXT,
        answer_id TEXT,
        sent_at REAL,
        result TEXT,
        failed TEXT,
        UNIQUE (bot_id, update_id, seq)
    );
    CREATE INDEX outbox_unsent ON outbox(bot_id, sent_at, failed);
    """,
    # 4: questions taught with /teach (bot/taught.py), shared by every replica: the index build
    # takes them in beside corpus/<plan>.questions.tsv, and `policybot taught --export` writes them
    # into that file for review. ``question_key`` is bot.bank.question_key: one row per phrasing
    # and plan, even when two replicas are taught the same question at once. Never pruned: a
    # taught phrasing is part of the bank, not of the log (who taught it is a salted hash).
    """
    CREATE TABLE taught (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        question TEXT NOT NULL,
        question_key TEXT NOT NULL,
        point INTEGER NOT NULL,
        taught_at REAL NOT NULL,
        taught_by TEXT,
        source TEXT NOT NULL,
        exported_at REAL,
        UNIQUE (doc_id, question_key)
    );
    """,
    # 5: several replicas on one database (PostgreSQL). Follow-up context and the pages of long
    # answers are shared, so any replica can answer the next message or button press; inbox and
    # outbox rows are claimed by one process at a time under a lease it keeps renewing, so a
    # live replica takes over what a dead one left, and an update is never handled by two at
    # once; ``attempts`` counts how often an update's handling started (the crash-loop guard).
    """
    CREATE TABLE chat_topics (
        chat_hash TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        point INTEGER NOT NULL,
        at REAL NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE INDEX chat_topics_expiry ON chat_topics(expires_at);
    CREATE TABLE answer_pages (
        answer_id TEXT PRIMARY KEY,
        created_at REAL NOT NULL,
        lang TEXT NOT NULL,
        blocks TEXT NOT NULL
    );
    CREATE INDEX answer_pages_age ON answer_pages(created_at);
    ALTER TABLE inbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE inbox ADD COLUMN lease_until REAL;
    ALTER TABLE inbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
    ALTER TABLE outbox ADD COLUMN lease_until REAL;
    """,
)
UNANSWERED = ("not_found", "related")  # statuses the staff report lists for teaching
# A row's status; rows from schema 1 (before the three tiers) only know found / not found.
_STATUS = "COALESCE({q}status, CASE WHEN {q}found = 1 THEN 'answered' ELSE 'not_found' END)"
_LEGACY_STATUS = "CASE WHEN {q}found = 1 THEN 'answered' ELSE 'not_found' END"
_NF, _RELATED = "'not_found'", "'related'"


@dataclass(frozen=True)
class Stats:
    """Numbers only; ``bot/presentation.py`` has the words."""

    today: int
    today_not_found: int
    week: int
    week_not_found: int
    thumbs_up: int
    thumbs_down: int


class QueryLog(Protocol):
    """What the channels write and the staff report reads. ``SqlQueryLog`` keeps it in SQLite (the
    embedded default) or PostgreSQL; ``NullQueryLog`` keeps nothing."""

    def record_answer(
        self, answer_id: str, chat_id: int | None, user_id: int | None, chat_type: str, answer: Answer
    ) -> None: ...

    def record_feedback(self, answer_id: str, positive: bool, user_id: int | None) -> None: ...

    def record_delivery(self, answer_id: str) -> None:
        """The reply carrying this answer was accepted by the Bot API (now)."""
        ...

    def flush(self) -> int:
        """Write queued rows now; returns how many could not be written."""
        ...

    def question_for(self, answer_id: str) -> str | None:
        """The question an answer replied to (for /teach), or None when unknown."""
        ...

    def stats(self) -> Stats | None: ...

    def daily(self, since_day: str) -> list[dict[str, Any]]: ...

    def unanswered(self, since_day: str, limit: int) -> list[dict[str, Any]]: ...

    def disliked(self, since_day: str, limit: int) -> list[dict[str, Any]]: ...

    def top_points(self, since_day: str, limit: int) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


class NullQueryLog:
    """The log when none is wanted (tests, one-off CLI questions): keeps nothing, reports nothing."""

    def record_answer(
        self, answer_id: str, chat_id: int | None, user_id: int | None, chat_type: str, answer: Answer
    ) -> None:
        pass

    def record_feedback(self, answer_id: str, positive: bool, user_id: int | None) -> None:
        pass

    def record_delivery(self, answer_id: str) -> None:
        pass

    def flush(self) -> int:
        return 0

    def question_for(self, answer_id: str) -> str | None:
        return None

    def stats(self) -> Stats | None:
        return None

    def daily(self, since_day: str) -> list[dict[str, Any]]:
        return []

    def unanswered(self, since_day: str, limit: int) -> list[dict[str, Any]]:
        return []

    def disliked(self, since_day: str, limit: int) -> list[dict[str, Any]]:
        return []

    def top_points(self, since_day: str, limit: int) -> list[dict[str, Any]]:
        return []

    def close(self) -> None:
        pass


class Database:
    """One database that survives its misfortunes: reconnected when the file was deleted or
    replaced or the server connection was lost, writes queued in memory while it is locked,
    read-only or down, housekeeping (the WAL) at each prune and at close. ``where`` is a
    ``POLICYBOT_DATABASE_URL`` or a SQLite file path (``bot/database.py`` has the backends).
    ``read_only`` opens an existing database for reports: never migrated, pruned or written."""

    busy_timeout = BUSY_TIMEOUT
    empty_ok = False  # read-only on a database without a schema yet: an error (a report), or no rows
    what = "database"  # names the store in a StorageError

    def __init__(self, where: Path | str, salt: str, retention_days: int = 180, read_only: bool = False) -> None:
        self.backend = backend_for(where)
        self.where = self.backend.where
        # A reconnect to a server that is down raises StorageError (one line, no password).
        self._unavailable: tuple[type[BaseException], ...] = (*self.backend.unavailable, StorageError)
        self.salt = salt
        self.retention_days = retention_days
        self.read_only = read_only
        self._schema = 0
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._pending: deque[tuple[str, tuple[Any, ...]]] = deque(maxlen=PENDING_LIMIT)
        self._failing_since: float | None = None
        self._last_try = 0.0
        self._last_prune = 0.0
        with self._lock:
            self._connect()  # fail loudly at start: a bad path or URL is a configuration error
            if not read_only:
                self._prune()

    @property
    def path(self) -> Path:
        """The SQLite file (tests and tools that look at the file itself)."""
        if not isinstance(self.backend, SqliteBackend):
            raise StorageError(f"{self.where} is not a SQLite file")
        return self.backend.path

    # -- connection ---------------------------------------------------------------------------

    def _connect(self) -> Connection:
        conn, version = self.backend.connect(MIGRATIONS, self.read_only, self.busy_timeout)
        if version > len(MIGRATIONS):
            conn.close()
            raise StorageError(f"{self.where} was written by a newer policybot (schema {version}); upgrade")
        if self.read_only and version == 0 and not self.empty_ok:
            conn.close()
            raise StorageError(
                f"no query log in {self.where} yet; it is created when the bot answers its first question "
                "(set POLICYBOT_DATABASE_URL to read another one)"
            )
        self._conn, self._schema = conn, version
        return conn

    def _connection(self) -> Connection:
        """The open connection, replaced when it went stale (file replaced, server connection lost)."""
        if self._conn is not None and self.backend.stale(self._conn):
            self._drop_connection()
        return self._conn if self._conn is not None else self._connect()

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(*self.backend.unavailable):
                self._conn.close()
            self._conn = None

    # -- writes -------------------------------------------------------------------------------

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """Queue a row and flush; on failure keep it queued, log once, retry later."""
        if self.read_only:
            raise StorageError(f"{self.where} is open read-only (a report); it cannot record answers")
        with self._lock:
            self._pending.append((sql, params))
            self._flush_locked(force=False)

    def _flush_locked(self, force: bool) -> None:
        now = time.monotonic()
        if not force and self._failing_since is not None and now - self._last_try < RETRY_SECONDS:
            return  # failing: do not hammer the database on every answer
        self._last_try = now
        try:
            conn = self._connection()
            while self._pending:
                try:
                    conn.execute(*self._pending[0])
                except self.backend.unstorable as e:
                    # A row that can never be written (text that is not valid Unicode, a bad value)
                    # must not block the queue behind it: drop it, say so, go on.
                    logger.error("query log: dropped a row that cannot be stored (%s)", type(e).__name__)
                self._pending.popleft()
            if self._failing_since is not None:
                logger.warning("query log %s is writable again; queued rows written", self.where)
                self._failing_since = None
            if now - self._last_prune > PRUNE_SECONDS:
                self._prune()
        except self._unavailable as e:
            if self._failing_since is None:
                self._failing_since = now
                logger.error("query log %s unavailable (%s); answers continue, rows are held in memory", self.where, e)
            self._drop_connection()

    def _prune(self) -> None:
        if self._conn is None:
            return
        cutoff = time.time() - self.retention_days * 86400
        removed = self._conn.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
        self._conn.execute("DELETE FROM feedback WHERE at < ?", (cutoff,))
        self._last_prune = time.monotonic()
        if removed:
            logger.info("pruned %d question(s) older than %d days", removed, self.retention_days)
        self.backend.tidy(self._conn)

    def flush(self) -> int:
        """Try to write queued rows now, ignoring the retry interval; returns how many still wait."""
        with self._lock:
            if self._pending:
                self._flush_locked(force=True)
            return len(self._pending)

    @property
    def pending(self) -> int:
        return len(self._pending)

    def _run(self, work: Callable[[Connection], T]) -> T:
        """One transaction, now (not queued); any database failure becomes a StorageError."""
        with self._lock:
            try:
                conn = self._connection()
                with self.backend.transaction(conn):  # commits, or rolls back on error
                    return work(conn)
            except self._unavailable as e:
                self._drop_connection()
                raise StorageError(f"{self.what} {self.where}: {e}") from e

    # -- reads --------------------------------------------------------------------------------

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._lock:
            conn = self._connection()
            cursor = conn.execute(sql, params)
            names = [d[0] for d in cursor.description or ()]
            return [dict(zip(names, row, strict=False)) for row in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self.backend.tidy(self._conn)
                self._drop_connection()


class SqlQueryLog(Database):
    """The query log in SQL (SQLite or PostgreSQL): what was asked and answered, the votes, and the
    report queries."""

    def _hash(self, value: int | None) -> str | None:
        return None if value is None else salted_hash(self.salt, value)

    def record_answer(
        self, answer_id: str, chat_id: int | None, user_id: int | None, chat_type: str, answer: Answer
    ) -> None:
        now = time.time()
        points = [f"{c.doc_id}:{c.point}" for c in answer.citations]
        top = answer.citations[0] if answer.citations else None
        self._write(
            "INSERT INTO questions (answer_id, asked_at, day, chat_hash, user_hash, chat_type, question, found,"
            " kind, points, top_doc, top_point, latency_ms, status) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
            " ON CONFLICT DO NOTHING",
            (
                answer_id,
                now,
                _day(now),
                self._hash(chat_id),
                self._hash(user_id),
                str(chat_type),
                answer.question[:1000].replace("\x00", ""),  # PostgreSQL text cannot hold NUL
                int(answer.found),
                answer.kind,
                json.dumps(points),
                top.doc_id if top else None,
                top.point if top else None,
                round(answer.elapsed_ms, 3),
                answer.status,
            ),
        )

    def record_feedback(self, answer_id: str, positive: bool, user_id: int | None) -> None:
        # One vote per user and answer; pressing the other button changes the vote. A vote for an
        # answer that was never given (forged callback data) is not stored. (The answer's own row is
        # queued ahead of its votes, so a vote never arrives before it.)
        self._write(
            "INSERT INTO feedback (answer_id, at, user_hash, positive) SELECT ?, ?, ?, ?"
            " WHERE EXISTS (SELECT 1 FROM questions WHERE answer_id = ?)"
            " ON CONFLICT(answer_id, user_hash) DO UPDATE SET positive = excluded.positive, at = excluded.at",
            (answer_id, time.time(), self._hash(user_id), int(positive), answer_id),
        )

    def record_delivery(self, answer_id: str) -> None:
        # Queued behind the answer's own row, like a vote; the first delivery time is kept.
        self._write(
            "UPDATE questions SET delivered_at = ? WHERE answer_id = ? AND delivered_at IS NULL",
            (time.time(), answer_id),
        )

    def _status(self, q: str = "") -> str:
        """SQL for a row's status; a read-only report may open a log from before schema 2."""
        return (_STATUS if self._schema >= 2 else _LEGACY_STATUS).format(q=q)

    def question_for(self, answer_id: str) -> str | None:
        rows = self.query("SELECT question FROM questions WHERE answer_id = ?", (answer_id,))
        return rows[0]["question"] if rows else None

    def stats(self) -> Stats:
        now = time.time()
        today = _day(now)
        week_start = _day(now - 6 * 86400)
        rows = self.query(
            f"SELECT {_count('day = ?')} AS today, {_count(f'day = ? AND {self._status()} = {_NF}')} AS today_nf,"
            f" COUNT(*) AS week, {_count(f'{self._status()} = {_NF}')} AS week_nf FROM questions WHERE day >= ?",
            (today, today, week_start),
        )[0]
        fb = self.query(
            f"SELECT {_count('f.positive = 1')} AS up, {_count('f.positive = 0')} AS down FROM feedback f"
            " WHERE f.at >= ?",
            (now - 7 * 86400,),
        )[0]
        return Stats(
            rows["today"] or 0,
            rows["today_nf"] or 0,
            rows["week"] or 0,
            rows["week_nf"] or 0,
            fb["up"] or 0,
            fb["down"] or 0,
        )

    # -- report queries (bot/report.py formats them) --------------------------------------------

    def daily(self, since_day: str) -> list[dict[str, Any]]:
        status = self._status("q.")
        return self.query(
            f"SELECT q.day, COUNT(*) AS questions, {_count(f'{status} = {_NF}')} AS not_found,"
            f" {_count(f'{status} = {_RELATED}')} AS related,"
            " COALESCE(SUM(f.up), 0) AS thumbs_up, COALESCE(SUM(f.down), 0) AS thumbs_down"
            f" FROM questions q LEFT JOIN (SELECT answer_id, {_count('positive = 1')} AS up,"
            f" {_count('positive = 0')} AS down FROM feedback GROUP BY answer_id) f ON f.answer_id = q.answer_id"
            " WHERE q.day >= ? GROUP BY q.day ORDER BY q.day",
            (since_day,),
        )

    def unanswered(self, since_day: str, limit: int) -> list[dict[str, Any]]:
        """Questions answered not_found or only related, most frequent first, with the top cited point."""
        status = self._status()
        return self.query(
            f"SELECT lower(trim(question)) AS question, COUNT(*) AS times, MAX(day) AS last_day,"
            f" MAX({status}) AS status, MAX(top_point) AS top_point FROM questions"
            f" WHERE {status} IN ({','.join('?' * len(UNANSWERED))}) AND kind NOT IN ('empty', 'smalltalk')"
            f" AND day >= ? GROUP BY lower(trim(question)) ORDER BY times DESC, last_day DESC LIMIT ?",
            (*UNANSWERED, since_day, limit),
        )

    def disliked(self, since_day: str, limit: int) -> list[dict[str, Any]]:
        return self.query(
            f"SELECT q.question, q.top_doc, q.top_point, {_count('f.positive = 0')} AS thumbs_down,"
            f" {_count('f.positive = 1')} AS thumbs_up FROM feedback f JOIN questions q ON q.answer_id = f.answer_id"
            " WHERE q.day >= ? GROUP BY q.answer_id, q.question, q.top_doc, q.top_point"
            f" HAVING {_count('f.positive = 0')} > 0"
            " ORDER BY thumbs_down DESC, thumbs_up ASC LIMIT ?",
            (since_day, limit),
        )

    def top_points(self, since_day: str, limit: int) -> list[dict[str, Any]]:
        return self.query(
            "SELECT top_doc, top_point, COUNT(*) AS times FROM questions WHERE found = 1 AND day >= ?"
            " AND top_point IS NOT NULL GROUP BY top_doc, top_point ORDER BY times DESC, top_point LIMIT ?",
            (since_day, limit),
        )


class FailureNote:
    """A store that falls back to memory logs its failure once, and its recovery once."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.failing = False

    def failed(self, error: BaseException) -> None:
        if not self.failing:
            logger.error("%s unavailable (%s); kept in this process's memory meanwhile", self.what, error)
        self.failing = True

    def recovered(self) -> None:
        if self.failing:
            logger.warning("%s stored in the database again", self.what)
        self.failing = False

    def write(self, call: Callable[[], object]) -> None:
        """Run a database write; its failure is noted (the caller has kept the data in memory)."""
        try:
            call()
        except StorageError as e:
            self.failed(e)
        else:
            self.recovered()


def salted_hash(salt: str, value: int | str) -> str:
    """A salted hash of a chat or user id (or a chat key): the same id maps to the same 16 hex
    digits, and the id cannot be read back without the salt."""
    return hashlib.sha256(f"{salt}:{value}".encode()).hexdigest()[:16]


def _count(condition: str) -> str:
    """SQL counting the rows where ``condition`` holds (PostgreSQL cannot SUM a boolean)."""
    return f"SUM(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).astimezone().strftime("%Y-%m-%d")


def open_query_log(settings: Settings, read_only: bool = False) -> QueryLog:
    """The configured log; ``read_only`` for reports: it must exist and is never changed."""
    url = settings.resolved_database_url
    backend = backend_for(url)
    if read_only and isinstance(backend, SqliteBackend) and not backend.path.exists():
        raise StorageError(
            f"no query log at {backend.path} yet; it is created when the bot answers its first question "
            "(set POLICYBOT_DATABASE_URL to read another one)"
        )
    try:
        return SqlQueryLog(url, settings.hash_salt.get_secret_value(), settings.retention_days, read_only)
    except backend.unavailable as e:
        raise StorageError(f"cannot open the query log at {backend.where} ({e}); check POLICYBOT_DATABASE_URL") from e
