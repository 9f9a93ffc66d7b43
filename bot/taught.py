"""Taught questions in the database, so that every replica's ``/reload`` takes them in.

A file on one machine cannot be shared by several ``serve`` processes, so ``/teach`` (and
``policybot teach`` when ``POLICYBOT_DATABASE_URL`` is set) stores the question in the ``taught``
table of the bot's database (SQLite or PostgreSQL, migration 4 in ``bot/storage.py``): the
question, its point, the plan, when, and who taught it as a salted hash (never a raw id). The
checks are the question bank's own (``bot.bank.checked`` and ``ensure_new``, against the bank file
and the table), and a unique key on the normalised question keeps two replicas taught the same
phrasing at once from storing it twice.

The index build reads the table read-only (``read_taught``: no database yet is no rows) and takes
the rows in beside ``corpus/<plan>.questions.tsv`` (``bot.bank.with_taught``); the index records
per plan how many rows it read and their hash (``bot.bank.taught_hashes``), so an index built
before a question was taught elsewhere is reported stale.

The bank file stays the reviewed source in git: ``policybot taught --export`` merges the rows not
exported yet into it, sorted, and marks them exported. They stay in the table (and so in every
replica's index, counted once) until dropped: a replica whose file has not been updated yet keeps
them at its next ``/reload``. A phrasing rejected in review is removed with ``policybot taught
--drop ID``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.bank import (
    BankQuestion,
    bank_path,
    checked,
    duplicate_error,
    ensure_new,
    load_bank,
    merge_into_file,
    question_key,
)
from bot.bank import read_bank as read_bank_file
from bot.corpus import Corpus, Document
from bot.database import Connection, SqliteBackend, backend_for
from bot.storage import MIGRATIONS, Database, StorageError, salted_hash

# The schema version that has the table (found, not hard-coded: migrations may be renumbered when
# branches meet); an older database has no taught questions.
SCHEMA = next(i for i, step in enumerate(MIGRATIONS, 1) if "CREATE TABLE taught" in step)
SOURCES = ("telegram", "cli")
_COLUMNS = "id, doc_id, question, point, taught_at, taught_by, source, exported_at"


@dataclass(frozen=True)
class Taught:
    """One row of the ``taught`` table."""

    id: int
    doc_id: str
    question: str
    point: int
    taught_at: float
    taught_by: str | None  # salted hash of the Telegram user id or the login name
    source: str  # one of SOURCES
    exported_at: float | None

    @property
    def bank_question(self) -> BankQuestion:
        return BankQuestion(self.doc_id, self.question, self.point)


@dataclass(frozen=True)
class Export:
    """What ``export_to_files`` did: rows written into each bank file, rows already there, rows skipped
    (their plan or point is no longer in the corpus) with why."""

    written: dict[Path, int]
    already: int
    skipped: tuple[tuple[Taught, str], ...]

    @property
    def marked(self) -> int:
        return sum(self.written.values()) + self.already


class TaughtStore(Database):
    """The ``taught`` table. Every method is one transaction; a database that cannot be used
    raises StorageError (one line)."""

    empty_ok = True  # read-only: a database not created yet holds no taught questions

    def rows(self, include_exported: bool = True) -> list[Taught]:
        """Taught questions, oldest first."""
        if self.read_only and self._schema < SCHEMA:
            return []
        where = "" if include_exported else " WHERE exported_at IS NULL"
        sql = f"SELECT {_COLUMNS} FROM taught{where} ORDER BY taught_at, id"
        return self._run(lambda c: [Taught(*row) for row in c.execute(sql)])

    def add(self, entry: BankQuestion, who: int | str | None, source: str) -> Taught:
        """Store a checked question; BankError when the plan already has this phrasing."""

        by = None if who is None else salted_hash(self.salt, who)

        def work(c: Connection) -> Taught | BankQuestion:
            key = question_key(entry.question)
            inserted = c.execute(
                "INSERT INTO taught (doc_id, question, question_key, point, taught_at, taught_by, source)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (doc_id, question_key) DO NOTHING",
                (entry.doc_id, entry.question, key, entry.point, time.time(), by, source),
            ).rowcount
            row = c.execute(f"SELECT {_COLUMNS} FROM taught WHERE doc_id = ? AND question_key = ?", (entry.doc_id, key))
            found = Taught(*row.fetchone())
            return found if inserted == 1 else found.bank_question

        stored = self._run(work)
        if isinstance(stored, BankQuestion):  # taught a moment ago, elsewhere
            raise duplicate_error(stored)
        return stored

    def mark_exported(self, ids: Sequence[int]) -> None:
        now = time.time()

        def work(c: Connection) -> None:
            for i in ids:
                c.execute("UPDATE taught SET exported_at = ? WHERE id = ?", (now, i))

        self._run(work)

    def drop(self, ids: Sequence[int]) -> list[Taught]:
        """Delete these rows; returns the ones that existed."""

        def work(c: Connection) -> list[Taught]:
            found = []
            for i in ids:
                row = c.execute(f"SELECT {_COLUMNS} FROM taught WHERE id = ?", (i,)).fetchone()
                if row is not None:
                    c.execute("DELETE FROM taught WHERE id = ?", (i,))
                    found.append(Taught(*row))
            return found

        return self._run(work)

    def _prune(self) -> None:
        pass  # taught questions are part of the bank, not of the log: never pruned


def open_taught(database_url: str, salt: str = "", read_only: bool = False) -> TaughtStore:
    """The table in the database at ``database_url`` (migrated unless ``read_only``); ``salt``
    hashes who taught. Raises StorageError (one line) when the database cannot be opened."""
    backend = backend_for(database_url)
    try:
        return TaughtStore(database_url, salt=salt, read_only=read_only)
    except backend.unavailable as e:
        raise StorageError(f"cannot open the database at {backend.where} ({e}); check POLICYBOT_DATABASE_URL") from e


def read_taught(database_url: str) -> list[Taught]:
    """Every taught question, read-only: no database yet (a fresh checkout, a bot that never ran)
    and a database from before the table are no rows. A server that cannot be reached raises
    StorageError: an index built without its taught questions would silently answer worse."""
    backend = backend_for(database_url)
    if isinstance(backend, SqliteBackend) and not backend.path.exists():
        return []
    store = open_taught(database_url, read_only=True)
    try:
        return store.rows()
    finally:
        store.close()


def teach_in_database(
    store: TaughtStore, corpus_dir: Path, doc: Document, question: str, point: int, who: int | str | None, source: str
) -> Taught:
    """Check a question as the bank file does (the point exists, the phrasing is new to the plan's
    file and to the table, at most ``MAX_QUESTION_CHARS``), then store it. Raises BankError."""
    entry = checked(doc, question, point)
    known = read_bank_file(bank_path(corpus_dir, doc.doc_id), doc.doc_id)
    ensure_new([*known, *(t.bank_question for t in store.rows() if t.doc_id == doc.doc_id)], entry.question)
    return store.add(entry, who, source)


def export_to_files(store: TaughtStore, corpus_dir: Path, corpus: Corpus) -> Export:
    """Merge the rows not exported yet into their plans' bank files (sorted) and mark them exported.
    Rows whose plan or point is not in ``corpus`` stay unexported and are reported."""
    pending = store.rows(include_exported=False)
    skipped = tuple((row, why) for row in pending if (why := _not_exportable(row, corpus)))
    ready = [row for row in pending if not _not_exportable(row, corpus)]
    written: dict[Path, int] = {}
    for doc_id in sorted({row.doc_id for row in ready}):
        rows = [row for row in ready if row.doc_id == doc_id]
        added = merge_into_file(corpus_dir, doc_id, [row.bank_question for row in rows])
        store.mark_exported([row.id for row in rows])  # per file: a failure later leaves these done
        if added:
            written[bank_path(corpus_dir, doc_id)] = added
    return Export(written, len(ready) - sum(written.values()), skipped)


def _not_exportable(row: Taught, corpus: Corpus) -> str:
    doc = corpus.document(row.doc_id)
    if doc is None:
        return f"no plan {row.doc_id} in the corpus"
    return "" if doc.point(row.point) is not None else f"{row.doc_id} has no point {row.point}"


def known_phrasings(corpus_dir: Path, corpus: Corpus | None, database_url: str) -> dict[str, int]:
    """Every phrasing already taught (``question_key`` → point): the bank files and the database,
    both read-only (the staff report marks these instead of offering to teach them again)."""
    rows = [*(load_bank(corpus_dir, corpus) if corpus is not None else ()), *bank_questions(read_taught(database_url))]
    return {question_key(q.question): q.point for q in reversed(rows)}  # the file's point wins


def bank_questions(rows: Iterable[Taught]) -> tuple[BankQuestion, ...]:
    return tuple(row.bank_question for row in rows)
