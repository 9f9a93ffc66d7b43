"""The query log: schema, hashing, retention, and faults that must never stop the bot."""

from __future__ import annotations

import csv
import io
import logging
import sqlite3
import time
from pathlib import Path

import pytest

import bot.storage as storage
from bot.compose import Answer, Block, Citation
from bot.presentation import stats_text
from bot.storage import SqliteQueryLog, StorageError, sqlite_path

DOC = "yingtan-education-2021-work-plan"


def _answer(found: bool = True, point: int = 8, question: str = "大班额比例") -> Answer:
    citations = (Citation(DOC, "标题", point, "三、", "题目", 0.9, ("句子",)),) if found else ()
    return Answer(question, "answered" if found else "not_found", (Block("quote", "x"),), citations, elapsed_ms=3.2)


@pytest.fixture
def log(tmp_path: Path):
    q = SqliteQueryLog(tmp_path / "log.sqlite3", salt="pepper", retention_days=30)
    yield q
    q.close()


def _count(path: Path, table: str = "questions") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_schema_is_created_in_wal_mode(log: SqliteQueryLog) -> None:
    with sqlite3.connect(log.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(storage.MIGRATIONS)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"questions", "feedback"} <= tables


def test_questions_and_feedback_are_stored_with_hashed_ids(log: SqliteQueryLog) -> None:
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
    other_salt = SqliteQueryLog(log.path, salt="other", retention_days=30)
    assert other_salt._hash(123456789) != rows[0]["chat_hash"]
    other_salt.close()


def test_old_rows_are_pruned(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    first = SqliteQueryLog(path, salt="s", retention_days=30)
    first.record_answer("new", 1, 1, "private", _answer())
    first.record_answer("old", 1, 1, "private", _answer())
    first.query("SELECT 1")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE questions SET asked_at = ? WHERE answer_id = 'old'", (time.time() - 40 * 86400,))
    first.close()
    SqliteQueryLog(path, salt="s", retention_days=30).close()  # prunes on open
    assert [r[0] for r in sqlite3.connect(path).execute("SELECT answer_id FROM questions")] == ["new"]


def test_locked_database_does_not_block_or_lose_rows(log: SqliteQueryLog, caplog, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 0.0)
    log.record_answer("before", 1, 1, "private", _answer())
    blocker = sqlite3.connect(log.path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    with caplog.at_level(logging.ERROR, logger="bot.storage"):
        started = time.perf_counter()
        for i in range(3):
            log.record_answer(f"locked{i}", 1, 1, "private", _answer())
        elapsed = time.perf_counter() - started
    assert elapsed < 3 * storage.BUSY_TIMEOUT + 1.0  # each write gives up quickly
    assert log.pending == 3
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and "unavailable" in errors[0].getMessage()  # logged once
    blocker.execute("ROLLBACK")
    blocker.close()
    assert log.flush() == 0
    assert _count(log.path) == 4


def test_read_only_database_keeps_rows_until_writable(log: SqliteQueryLog, caplog, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 3600.0)
    log.record_answer("first", 1, 1, "private", _answer())
    # SQLite's own read-only switch on the live connection: the write fails with SQLITE_READONLY,
    # exactly as on a read-only file (chmod does not stop root, who runs CI).
    log._conn.execute("PRAGMA query_only = ON")  # type: ignore[union-attr]
    with caplog.at_level(logging.ERROR, logger="bot.storage"):
        log.record_answer("second", 1, 1, "private", _answer())
        log.record_answer("third", 1, 1, "private", _answer())  # within the retry interval: queued only
    assert log.pending == 2
    assert any("readonly" in r.getMessage() or "read-only" in r.getMessage() for r in caplog.records)
    assert log.flush() == 0  # a new connection is writable again
    assert _count(log.path) == 3


def test_deleted_database_is_recreated(log: SqliteQueryLog, caplog) -> None:
    log.record_answer("one", 1, 1, "private", _answer())
    for suffix in ("", "-wal", "-shm"):
        Path(f"{log.path}{suffix}").unlink(missing_ok=True)
    with caplog.at_level(logging.WARNING, logger="bot.storage"):
        log.record_answer("two", 1, 1, "private", _answer())
    assert log.path.exists()
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM questions")] == ["two"]
    assert any("recreating" in r.getMessage() for r in caplog.records)


def test_unopenable_path_queues_then_resumes(log: SqliteQueryLog, monkeypatch) -> None:
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


def test_pending_rows_are_bounded(log: SqliteQueryLog, monkeypatch) -> None:
    monkeypatch.setattr(storage, "RETRY_SECONDS", 3600.0)
    monkeypatch.setattr(log, "_pending", __import__("collections").deque(maxlen=5))
    log._conn.execute("PRAGMA query_only = ON")  # type: ignore[union-attr]
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
    with pytest.raises(StorageError, match="only SQLite"):
        sqlite_path("postgresql://localhost/policybot")


def test_stats_for_admins(log: SqliteQueryLog) -> None:
    log.record_answer("a", 1, 1, "private", _answer())
    log.record_answer("b", 2, 2, "group", _answer(found=False))
    log.record_feedback("a", True, 1)
    stats = log.stats()
    assert (stats.today, stats.today_not_found, stats.thumbs_up, stats.thumbs_down) == (2, 1, 1, 0)
    text = stats_text(stats.today, stats.today_not_found, stats.week, stats.week_not_found, stats.thumbs_up,
                      stats.thumbs_down)
    assert "今天：2 个问题，未找到 1（50%）" in text and "👍 1 · 👎 0" in text


def test_report_from_a_filled_log(log: SqliteQueryLog, service, tmp_path: Path) -> None:
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
    assert report.unanswered[0] == {"question": "天气怎么样", "times": 2, "last_day": report.until,
                                    "status": "not_found", "teach": 'policybot teach "天气怎么样" N'}
    assert report.disliked[0]["thumbs_down"] == 2 and report.disliked[0]["label"] == "第8条"
    assert [(p["point"], p["times"]) for p in report.top_points] == [(8, 4), (10, 2)]
    assert report.top_points[0]["title"] == "推进城乡义务教育优质均衡发展"
    text = format_text(report)
    assert "未找到或 👎 的问题" in text and "2×  天气怎么样" in text and 'policybot teach "天气怎么样" N' in text and "第8条 推进城乡义务教育优质均衡发展" in text
    assert '"not_found_rate": 0.25' in format_json(report)
    assert format_csv(report).splitlines()[0].startswith("section,key")
    plot(report, tmp_path / "report.png")
    assert (tmp_path / "report.png").stat().st_size > 10_000


def test_report_command(run_cli, tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    log = SqliteQueryLog(db, salt="s")
    log.record_answer("x", 1, 1, "private", _answer())
    log.close()
    env = {"POLICYBOT_DATABASE_URL": f"sqlite:///{db}"}
    text = run_cli("report", env=env)
    assert text.returncode == 0 and "问题 1 个" in text.stdout
    as_json = run_cli("report", "--json", "--days", "3", "--plot", str(tmp_path / "p.png"), env=env)
    assert as_json.returncode == 0 and '"questions": 1' in as_json.stdout and (tmp_path / "p.png").exists()
    missing = run_cli("report", env={"POLICYBOT_DATABASE_URL": f"sqlite:///{tmp_path / 'none.db'}"})
    assert missing.returncode == 1 and "no query log" in missing.stderr


def test_report_is_read_only_and_never_prunes(tmp_path: Path) -> None:
    """A report on a log with rows past the retention period leaves them where they are."""
    from bot.report import build_report

    db = tmp_path / "old.sqlite3"
    log = SqliteQueryLog(db, salt="s", retention_days=30)
    log.record_answer("old", 1, 1, "private", _answer())
    log.close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE questions SET asked_at = asked_at - 400 * 86400")
    before = db.read_bytes()
    reader = SqliteQueryLog(db, salt="s", retention_days=30, read_only=True)
    build_report(reader, days=7)
    with pytest.raises(StorageError, match="read-only"):
        reader.record_answer("new", 1, 1, "private", _answer())
    reader.close()
    assert _count(db) == 1 and db.read_bytes() == before



def test_tiers_are_counted_apart_and_small_talk_is_not_a_miss(log: SqliteQueryLog) -> None:
    from bot.report import build_report

    for i, status in enumerate(["answered", "related", "not_found", "smalltalk", "smalltalk"]):
        answer = Answer(f"q{i}", status, (Block("note", "x"),), kind="smalltalk" if status == "smalltalk" else "ask")
        log.record_answer(f"t{i}", i, i, "private", answer)
    total = build_report(log, days=1).total
    assert (total.questions, total.not_found, total.related) == (5, 1, 1)
    stats = log.stats()
    assert (stats.today, stats.today_not_found) == (5, 1)
    assert sorted(r["status"] for r in log.unanswered("2000-01-01", 10)) == ["not_found", "related"]


def test_a_row_that_cannot_be_stored_does_not_block_the_queue(log: SqliteQueryLog, caplog) -> None:
    """A lone surrogate reaching the log (it is cleaned at the edge, but the log must not trust that)."""
    with caplog.at_level(logging.ERROR, logger="bot.storage"):
        log.record_answer("bad", 1, 1, "private", _answer(question="\ud800大班额"))
    log.record_answer("good", 1, 1, "private", _answer(question="大班额"))
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM questions")] == ["good"]
    assert log.pending == 0 and "dropped a row" in caplog.text


def test_report_output_is_safe_for_spreadsheets_and_terminals(log: SqliteQueryLog) -> None:
    from bot.report import build_report, format_csv, format_text

    for i, q in enumerate(["=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1)", "\x1b[2J清屏\r"]):
        log.record_answer(f"x{i}", i, i, "private", _answer(found=False, question=q))
    report = build_report(log, days=1)
    rows = list(csv.reader(io.StringIO(format_csv(report))))
    cells = [cell for row in rows for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=hyperlink(\"http://x\")" in cells
    text = format_text(report)
    assert "\x1b" not in text and "\r" not in text


def test_the_database_file_is_private(tmp_path: Path) -> None:
    log = SqliteQueryLog(tmp_path / "private.sqlite3", salt="s")
    log.close()
    assert (tmp_path / "private.sqlite3").stat().st_mode & 0o077 == 0


def test_a_vote_for_an_answer_never_given_is_not_counted(log: SqliteQueryLog) -> None:
    log.record_feedback("forged-id", False, 7)
    log.record_answer("real", 1, 1, "private", _answer())
    log.record_feedback("real", True, 7)
    assert [r["answer_id"] for r in log.query("SELECT answer_id FROM feedback")] == ["real"]
