"""The durable inbox and outbox (bot/outbox.py) on their own: redeliveries, replays, what is kept.
Each test runs on SQLite and on PostgreSQL (the ``database_url`` fixture). Fast tier."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest

import bot.outbox as outbox
from bot.outbox import DeliveryStore
from bot.storage import SqlQueryLog, StorageError
from tests.conftest import PgServer

# A real bot id: past 2**31, so the PostgreSQL columns must be BIGINT.
BOT = 7_123_456_789
A, B = "host-a:101:aaaa", "host-b:202:bbbb"  # two replicas' owner names
LEASE = 30.0


@pytest.fixture
def store(database_url: str):
    s = DeliveryStore(database_url, salt="", retention_days=30)
    yield s
    s.close()


def test_an_update_is_stored_once_and_a_redelivery_is_recognised(store: DeliveryStore) -> None:
    assert store.receive(BOT, 10, '{"update_id": 10}', A, LEASE) is True
    assert store.receive(BOT, 10, '{"update_id": 10}', A, LEASE) is False  # Telegram sent it again
    assert store.receive(BOT + 1, 10, '{"update_id": 10}', A, LEASE) is True  # another bot's update 10
    store.finish(BOT, 10)
    assert store.receive(BOT, 10, '{"update_id": 10}', A, LEASE) is False  # still recognised once done


def test_finishing_drops_the_message_body(store: DeliveryStore) -> None:
    store.receive(BOT, 11, '{"message": {"text": "personal"}}', A, LEASE)
    store.finish(BOT, 11)
    assert store.query("SELECT body FROM inbox") == [{"body": None}]


def test_a_sent_request_is_replayed_not_sent_again(store: DeliveryStore) -> None:
    store.receive(BOT, 12, "{}", A, LEASE)
    first = store.outgoing(BOT, 12, 0, "sendMessage", '{"chat_id": 1, "text": "a"}', "ans1")
    assert first.result is None
    store.sent(first.row_id, '{"message_id": 5}')
    # The process died before the update was finished: handled again, request 0 is found sent.
    again = store.outgoing(BOT, 12, 0, "sendMessage", '{"chat_id": 1, "text": "a"}', "ans1")
    assert again == outbox.Outgoing(first.row_id, '{"message_id": 5}')
    # A request that was stored but never acknowledged is to be sent (again).
    second = store.outgoing(BOT, 12, 1, "sendMessage", '{"chat_id": 1, "text": "b"}', None)
    assert second.result is None and second.row_id != first.row_id
    assert store.outgoing(BOT, 12, 1, "sendMessage", '{"chat_id": 1, "text": "b"}', None).result is None


def test_an_unsent_reply_of_a_finished_update_waits_in_the_outbox(store: DeliveryStore) -> None:
    store.receive(BOT, 13, "{}", A, LEASE)
    sent = store.outgoing(BOT, 13, 0, "answerCallbackQuery", '{"callback_query_id": "q"}', None)
    store.sent(sent.row_id, "true")
    pending = store.outgoing(BOT, 13, 1, "sendMessage", '{"chat_id": 1, "text": "x"}', "ans2")
    refused = store.outgoing(BOT, 13, 2, "sendMessage", '{"chat_id": 2, "text": "y"}', None)
    store.failed(refused.row_id, "Bad Request: chat not found")
    assert store.unsent(BOT) == []  # the update is still being handled: nothing to resend yet
    store.finish(BOT, 13)
    [row] = store.unsent(BOT)
    assert (row.row_id, row.method, json.loads(row.params), row.answer_id) == (
        pending.row_id,
        "sendMessage",
        {"chat_id": 1, "text": "x"},
        "ans2",
    )
    assert store.backlog(BOT, A) == outbox.Backlog(unfinished_updates=0, unsent_requests=1)
    store.sent(row.row_id, '{"message_id": 9}')
    assert store.unsent(BOT) == [] and store.backlog(BOT, A) == outbox.Backlog(0, 0)
    # What was delivered or refused keeps no text or chat id.
    assert {r["params"] for r in store.query("SELECT params FROM outbox")} == {None}


def test_old_ids_and_undelivered_replies_are_pruned(store: DeliveryStore, monkeypatch) -> None:
    store.receive(BOT, 14, "{}", A, LEASE)
    store.outgoing(BOT, 14, 0, "sendMessage", "{}", None)
    store.finish(BOT, 14)
    store.receive(BOT, 15, "{}", A, LEASE)  # not finished: kept whatever its age
    later = time.time() + 31 * 86400
    monkeypatch.setattr(outbox.time, "time", lambda: later)
    store.prune()
    assert [r["update_id"] for r in store.query("SELECT update_id FROM inbox")] == [15]
    assert store.query("SELECT * FROM outbox") == []


def test_the_log_and_the_store_share_one_database(database_url: str) -> None:
    from tests.test_storage import _answer

    log = SqlQueryLog(database_url, salt="s")
    store = DeliveryStore(database_url, salt="", retention_days=30)
    log.record_answer("a1", 1, 1, "private", _answer())
    assert log.query("SELECT delivered_at FROM questions") == [{"delivered_at": None}]
    log.record_delivery("a1")
    [row] = log.query("SELECT delivered_at FROM questions")
    assert abs(row["delivered_at"] - time.time()) < 60
    assert store.receive(BOT, 1, "{}", A, LEASE)
    assert log.query("SELECT bot_id, update_id FROM inbox") == [{"bot_id": BOT, "update_id": 1}]
    log.close()
    store.close()


def test_closing_truncates_the_sqlite_wal(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = DeliveryStore(path, salt="", retention_days=30)
    for update_id in range(50):
        store.receive(BOT, update_id, "{}", A, LEASE)
    assert Path(f"{path}-wal").stat().st_size > 0
    store.close()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_a_broken_database_is_a_storage_error(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    store = DeliveryStore(path, salt="", retention_days=30)
    store.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.mkdir()  # the path is now a folder
    with pytest.raises(StorageError, match="delivery store"):
        store.receive(BOT, 1, "{}", A, LEASE)
    path.rmdir()
    assert store.receive(BOT, 1, "{}", A, LEASE) is True  # recreated when usable again
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM inbox").fetchone()[0] == 1


def test_a_lost_server_connection_is_a_storage_error_then_recovers(pg_server: PgServer, pg_url: str) -> None:
    store = DeliveryStore(pg_url, salt="", retention_days=30)
    assert store.receive(BOT, 1, "{}", A, LEASE) is True
    dbname = pg_url.rsplit("/", 1)[1]
    pg_server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{dbname}'")
    with pytest.raises(StorageError, match=r"delivery store 127\.0\.0\.1:\d+/test_"):
        store.receive(BOT, 2, "{}", A, LEASE)
    assert store.receive(BOT, 2, "{}", A, LEASE) is True  # reconnected; the failed transaction left nothing
    assert store.receive(BOT, 1, "{}", A, LEASE) is False
    assert [r["update_id"] for r in store.query("SELECT update_id FROM inbox ORDER BY update_id")] == [1, 2]
    store.close()
