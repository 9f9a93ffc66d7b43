"""The query log: schema, hashing, retention, and faults that must never stop the bot."""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

import bot.storage as storage
from bot.compose import Answer, Block, Citation
from bot.database import SqliteBackend
from bot.presentation import stats_text
from bot.storage import SqlQueryLog, StorageError, open_query_log, sqlite_path
from tests.conftest import PgServer, free_port, make_settings, sql

DOC = "yingtan-education-2021-work-plan"


def _answer(found: bool = True, point: int = 8, question: str = "大班额比例") -> Answer:
    citations = (Citation(DOC, "标题", point, "三、", "题目", 0.9, ("句子",)),) if found else ()
    return Answer(question, "answered" if found else "not_found", (Block("quote", "x"),), citations, elapsed_ms=3.2)


@pytest.fixture
def log(database_url: str):
    """A new log on each backend (SQLite, then PostgreSQL)."""
    q = SqlQueryLog(database_url, salt="pepper", retention_days=30)
    yield q
    q.close()


@pytest.fixture
def sqlite_log(tmp_path: Path):
    """For what only a file can do (WAL, deletion, permissions)."""
    q = SqlQueryLog(tmp_path / "log.sqlite3", salt="pepper", retention_days=30)
    yield q
    q.close()


def _count(url: str, table: str = "questions") -> int:
    return int(sql(url, f"SELECT COUNT(*) FROM {table}")[0][0])  # type: ignore[call-overload]


def _refuse_writes(log: SqlQueryLog) -> None:
    """The database's own read-only switch on the live connection: the next write fails exactly as
    on a read-only file or server (chmod does not stop root, who runs CI). A new connection is
    writable again."""
    sqlite = isinstance(log.backend, SqliteBackend)
    log._conn.execute("PRAGMA query_only = ON" if sqlite else "SET default_transaction_read_only = on")  # type: ignore[union-attr]


@contextlib.contextmanager
def _locked(url: str) -> Iterator[None]:
    """Another connection holding an exclusive lock on the log until the block ends."""
    if url.startswith("sqlite:///"):
        blocker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")
        yield
        blocker.execute("ROLLBACK")
    else:
        blocker = psycopg.connect(url)  # type: ignore[assignment]
        blocker.execute("LOCK TABLE questions IN ACCESS EXCLUSIVE MODE")
        yield
        blocker.rollback()
    blocker.close()


def test_schema_is_created_in_wal_mode(sqlite_log: SqlQueryLog) -> None:
    log = sqlite_log
    with sqlite3.connect(log.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(storage.MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"questions", "feedback"} <= tables


def test_schema_on_postgresql_is_versioned_with_wide_types(pg_url: str) -> None:
    SqlQueryLog(pg_url, salt="s").close()
    SqlQueryLog(pg_url, salt="s").close()  # opened again: nothing to migrate, still one version row
    assert sql(pg_url, "SELECT version FROM schema_version") == [(len(storage.MIGRATIONS),)]
    types = dict(
        sql(
            pg_url,
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public'",
        )
    )
    assert types["questions.asked_at"] == "double precision" and types["inbox.bot_id"] == "bigint"
    assert types["outbox.id"] == "bigint" and types["questions.status"] == "text"


def test_processes_starting_together_migrate_once(pg_url: str) -> None:
    """Replicas starting at the same moment: the advisory lock lets one migrate, the others wait."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(6) as pool:
        logs = list(pool.map(lambda _: SqlQueryLog(pg_url, salt="s"), range(6)))
    assert sql(pg_url, "SELECT version FROM schema_version") == [(len(storage.MIGRATIONS),)]
    for log in logs:
        log.close()


def test_an_older_schema_is_migrated(database_url: str, monkeypatch) -> None:
    monkeypatch.setattr(storage, "MIGRATIONS", storage.MIGRATIONS[:2])
    old = SqlQueryLog(database_url, salt="s")
    old.record_answer("before", 1, 1, "private", _answer())
    assert "delivered_at" not in old.query("SELECT * FROM questions")[0]
    old.close()
    monkeypatch.undo()
    new = SqlQueryLog(database_url, salt="s")
    assert new.query("SELECT answer_id, status, delivered_at FROM questions") == [
        {"answer_id": "before", "status": "answered", "delivered_at": None}
    ]
    assert new.query("SELECT COUNT(*) AS n FROM inbox") == [{"n": 0}]
    new.close()


def test_questions_and_feedback_are_stored_with_hashed_ids(log: SqlQueryLog, database_url: str) -> None:
    log.record_answer("a1", 123456789, 987654321, "private", _answer())
    log.record_answer("a2", 123456789, 987654321, "private", _answer(found=False, question="天气"))
    log.record_feedback("a1", True, 987654321)
    log.record_feedback("a1", False, 987654321)  # changed their mind: one vote, now 👎
    rows = log.query("SELECT * FROM questions ORDER BY id")
    assert [(r["found"], r["top_point"], r["points"]) for r in rows] == [(1, 8, f'["{DOC}:8"]'), (0, None, "[]")]
    assert rows[0]["chat_type"] == "private" and rows[0]["latency_ms"] == 3.2
    dump = "\n".join(str(tuple(r)) for r in rows)
    assert "123456789" not in dump and "987654321" not in dump
    assert rows[0]["chat_hash"] == rows[1]["chat_hash"] and len(rows[0]["chat_hash"]) == 16
    votes = log.query("SELECT positive FROM feedback")
    assert [v["positive"] for v in votes] == [0]
    other_salt = SqlQueryLog(database_url, salt="other", retention_days=30)
    assert other_salt._hash(123456789) != rows[0]["chat_hash"]
    other_salt.close()


def test_old_rows_are_pruned(database_url: str) -> None:
    first = SqlQueryLog(database_url, salt="s", retention_days=30)
    first.record_answer("new", 1, 1, "private", _answer())
    first.record_answer("old", 1, 1, "private", _answer())
    first.close()
    sql(database_url, "UPDATE questions SET asked_at = ? WHERE answer_id = 'old'", (time.time() - 40 * 86400,))
    SqlQueryLog(database_url, salt="s", retention_days=30).close()  # prunes on open
    assert sql(database_url, "SELECT answer_id FROM questions") == [("new",)]


def test_locked_database_does_not_block_or_lose_rows(log: SqlQueryLog, database_url: str, caplog, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 0.0)
    log.record_answer("before", 1, 1, "private", _answer())
    with _locked(database_url), caplog.at_level(logging.ERROR, logger="bot.storage"):
        started = time.perf_counter()
        for i in range(3):
            log.record_answer(f"locked{i}", 1, 1, "private", _answer())
        elapsed = time.perf_counter() - started
    assert elapsed < 3 * storage.BUSY_TIMEOUT + 1.0  # each write gives up quickly
    assert log.pending == 3
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "unavailable" in errors[0].getMessage()  # logged once
    assert log.flush() == 0
    assert _count(database_url) == 4


def test_read_only_database_keeps_rows_until_writable(log: SqlQueryLog, database_url: str, caplog, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 3600.0)
    log.record_answer("first", 1, 1, "private", _answer())
    _refuse_writes(log)
    with caplog.at_level(logging.ERROR, logger="bot.storage"):
        log.record_answer("second", 1, 1, "private", _answer())
        log.record_answer("third", 1, 1, "private", _answer())  # within the retry interval: queued only
    assert log.pending == 2
    assert any("readonly" in r.getMessage() or "read-only" in r.getMessage() for r in caplog.records)
    assert log.flush() == 0  # a new connection is writable again
    assert _count(database_url) == 3


def test_a_lost_server_connection_loses_no_rows(pg_server: PgServer, pg_url: str, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 0.0)
    log = SqlQueryLog(pg_url, salt="s")
    log.record_answer("before", 1, 1, "private", _answer())
    dbname = pg_url.rsplit("/", 1)[1]
    pg_server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{dbname}'")
    log.record_answer("after", 1, 1, "private", _answer())  # fails on the dead connection: queued
    assert log.pending == 1
    assert log.flush() == 0  # a new connection writes it
    assert sorted(r["answer_id"] for r in log.query("SELECT answer_id FROM questions")) == ["after", "before"]
    log.close()


def test_deleted_database_is_recreated(sqlite_log: SqlQueryLog, caplog) -> None:
    log = sqlite_log
    log.record_answer("one", 1, 1, "private", _answer())
    for suffix in ("", "-wal", "-shm"):
        Path(f"{log.path}{suffix}").unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="bot.database"):
        log.record_answer("two", 1, 1, "private", _answer())
    assert log.path.exists()
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM questions")] == ["two"]
    assert any("recreating" in r.getMessage() for r in caplog.records)


def test_unopenable_path_queues_then_resumes(sqlite_log: SqlQueryLog, monkeypatch) -> None:
    log = sqlite_log
    monkeypatch.setattr(storage, "RETRY_SECONDS", 0.0)
    log.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{log.path}{suffix}").unlink(missing_ok=True)
    log.path.mkdir()  # a directory where the database should be
    log.record_answer("while-broken", 1, 1, "private", _answer())
    assert log.pending == 1
    log.path.rmdir()
    assert log.flush() == 0
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM questions")] == ["while-broken"]


def test_pending_rows_are_bounded(log: SqlQueryLog, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 3600.0)
    monkeypatch.setattr(log, "_pending", __import__("collections").deque(maxlen=5))
    _refuse_writes(log)
    for i in range(20):
        log.record_answer(f"r{i}", 1, 1, "private", _answer())
    assert log.pending == 5


@pytest.mark.parametrize(
    ("url", "expected"),
    [("sqlite:////tmp/x.db", Path("/tmp/x.db")), ("sqlite:///data/x.db", Path("data/x.db")), ("x.db", Path("x.db"))],
)
def test_sqlite_path(url: str, expected: Path) -> None:
    assert sqlite_path(url) == expected


def test_other_databases_are_a_clear_error() -> None:
    with pytest.raises(StorageError, match=r"'mysql'; use sqlite:///path/to/file.db or postgresql://"):
        sqlite_path("mysql://localhost/policybot")


def test_a_server_that_cannot_be_reached_is_a_one_line_error(pg_server: PgServer) -> None:
    for url, why in [
        (f"postgresql://postgres:not-the-password@127.0.0.1:{pg_server.port}/policybot", "password"),
        (f"postgresql://postgres:not-the-password@127.0.0.1:{free_port()}/policybot", "refused"),
    ]:
        with pytest.raises(StorageError) as caught:
            open_query_log(make_settings(database_url=url))
        message = str(caught.value)
        assert "\n" not in message and why in message and "not-the-password" not in message
        assert "cannot connect to PostgreSQL at 127.0.0.1:" in message and "/policybot" in message
        assert "check POLICYBOT_DATABASE_URL" in message


def test_stats_for_admins(log: SqlQueryLog) -> None:
    log.record_answer("a", 1, 1, "private", _answer())
    log.record_answer("b", 2, 2, "group", _answer(found=False))
    log.record_feedback("a", True, 1)
    stats = log.stats()
    assert (stats.today, stats.today_not_found, stats.thumbs_up, stats.thumbs_down) == (2, 1, 1, 0)
    text = stats_text(
        stats.today, stats.today_not_found, stats.week, stats.week_not_found, stats.thumbs_up, stats.thumbs_down
    )
    assert "今天：2 个问题，未找到 1（50%）" in text and "👍 1 · 👎 0" in text


def test_report_from_a_filled_log(log: SqlQueryLog, service, tmp_path: Path) -> None:  # noqa: ANN001
    from bot.report import build_report, format_csv, format_json, format_text, plot

    for i in range(6):
        log.record_answer(f"q{i}", i, i, "private", _answer(point=8 if i < 4 else 10))
    log.record_answer("n1", 1, 1, "private", _answer(found=False, question="天气怎么样"))
    log.record_answer("n2", 2, 2, "private", _answer(found=False, question="天气怎么样 "))
    log.record_feedback("q0", False, 5)
    log.record_feedback("q0", False, 6)
    log.record_feedback("q1", True, 5)
    report = build_report(log, days=7, corpus=service.corpus)
    assert report.total.questions == 8 and report.total.not_found == 2
    assert report.unanswered[0] == {
        "question": "天气怎么样",
        "times": 2,
        "last_day": report.until,
        "status": "not_found",
        "teach": 'policybot teach "天气怎么样" N',
    }
    assert report.disliked[0]["thumbs_down"] == 2 and report.disliked[0]["label"] == "第8条"
    assert [(p["point"], p["times"]) for p in report.top_points] == [(8, 4), (10, 2)]
    assert report.top_points[0]["title"] == "推进城乡义务教育优质均衡发展"
    text = format_text(report)
    assert (
        "未找到或 👎 的问题" in text
        and "2×  天气怎么样" in text
        and 'policybot teach "天气怎么样" N' in text
        and "第8条 推进城乡义务教育优质均衡发展" in text
    )
    assert '"not_found_rate": 0.25' in format_json(report)
    assert format_csv(report).splitlines()[0].startswith("section,key")
    plot(report, tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_report_command(run_cli, database_url: str, tmp_path: Path) -> None:  # noqa: ANN001
    env = {"POLICYBOT_DATABASE_URL": database_url}
    missing = run_cli("report", env=env)  # nothing written there yet
    assert missing.returncode == 1 and "no query log" in missing.stderr
    log = SqlQueryLog(database_url, salt="s")
    log.record_answer("x", 1, 1, "private", _answer())
    log.close()
    text = run_cli("report", env=env)
    assert text.returncode == 0 and "问题 1 个" in text.stdout
    as_json = run_cli("report", "--json", "--days", "3", "--plot", str(tmp_path / "p.png"), env=env)
    assert as_json.returncode == 0 and '"questions": 1' in as_json.stdout and (tmp_path / "p.png").exists()


def test_report_is_read_only_and_never_prunes(database_url: str) -> None:
    """A report on a log with rows past the retention period leaves them where they are, and its
    connection cannot write (a read-only SQLite file, a read-only PostgreSQL transaction)."""
    from bot.report import build_report

    log = SqlQueryLog(database_url, salt="s", retention_days=30)
    log.record_answer("old", 1, 1, "private", _answer())
    log.close()
    sql(database_url, "UPDATE questions SET asked_at = asked_at - 400 * 86400")
    db = Path(database_url.removeprefix("sqlite:///"))
    before = db.read_bytes() if db.is_file() else b""
    reader = SqlQueryLog(database_url, salt="s", retention_days=30, read_only=True)
    assert build_report(reader, days=7).unanswered == []
    with pytest.raises(StorageError, match="read-only"):
        reader.record_answer("new", 1, 1, "private", _answer())
    with pytest.raises(reader.backend.unavailable, match="read-only|readonly"):
        reader.query("DELETE FROM questions")
    reader.close()
    assert _count(database_url) == 1
    assert (db.read_bytes() if db.is_file() else b"") == before


def test_tiers_are_counted_apart_and_small_talk_is_not_a_miss(log: SqlQueryLog) -> None:
    from bot.report import build_report

    for i, status in enumerate(["answered", "related", "not_found", "smalltalk", "smalltalk"]):
        answer = Answer(f"q{i}", status, (Block("note", "x"),), kind="smalltalk" if status == "smalltalk" else "ask")
        log.record_answer(f"t{i}", i, i, "private", answer)
    total = build_report(log, days=1).total
    assert (total.questions, total.not_found, total.related) == (5, 1, 1)
    stats = log.stats()
    assert (stats.today, stats.today_not_found) == (5, 1)
    assert sorted(r["status"] for r in log.unanswered("2000-01-01", 10)) == ["not_found", "related"]


def test_a_row_that_cannot_be_stored_does_not_block_the_queue(log: SqlQueryLog, caplog) -> None:
    """A lone surrogate reaching the log (it is cleaned at the edge, but the log must not trust that)."""
    with caplog.at_level(logging.ERROR, logger="bot.storage"):
        log.record_answer("bad", 1, 1, "private", _answer(question="\ud800大班额"))
    log.record_answer("good", 1, 1, "private", _answer(question="大班额"))
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM questions")] == ["good"]
    assert log.pending == 0 and "dropped a row" in caplog.text


def test_report_output_is_safe_for_spreadsheets_and_terminals(log: SqlQueryLog) -> None:
    from bot.report import build_report, format_csv, format_text

    for i, q in enumerate(['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "\x1b[2J清屏\r"]):
        log.record_answer(f"x{i}", i, i, "private", _answer(found=False, question=q))
    report = build_report(log, days=1)
    rows = list(csv.reader(io.StringIO(format_csv(report))))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert '\'=hyperlink("http://x")' in cells
    text = format_text(report)
    assert "\x1b" not in text and "\r" not in text


def test_disliked_answers_and_most_asked_points(log: SqlQueryLog) -> None:
    for i in range(3):
        log.record_answer(f"p8-{i}", i, i, "private", _answer(point=8))
    log.record_answer("p10", 9, 9, "private", _answer(point=10))
    for user, positive in [(1, False), (2, False), (3, True)]:
        log.record_feedback("p8-0", positive, user)
    log.record_feedback("p10", True, 1)
    assert log.disliked("2000-01-01", 5) == [
        {"question": "大班额比例", "top_doc": DOC, "top_point": 8, "thumbs_down": 2, "thumbs_up": 1}
    ]
    assert log.top_points("2000-01-01", 5) == [
        {"top_doc": DOC, "top_point": 8, "times": 3},
        {"top_doc": DOC, "top_point": 10, "times": 1},
    ]
    [day] = log.daily("2000-01-01")
    assert (day["questions"], day["thumbs_up"], day["thumbs_down"], day["not_found"]) == (4, 2, 2, 0)


def test_the_database_file_is_private(tmp_path: Path) -> None:
    log = SqlQueryLog(tmp_path / "private.sqlite3", salt="s")
    log.close()
    assert (tmp_path / "private.sqlite3").stat().st_mode & 0o077 == 0


def test_a_vote_for_an_answer_never_given_is_not_counted(log: SqlQueryLog) -> None:
    log.record_feedback("forged-id", False, 7)
    log.record_answer("real", 1, 1, "private", _answer())
    log.record_feedback("real", True, 7)
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM feedback")] == ["real"]
