"""What several replicas share through the database: claims and leases on the inbox and outbox,
the attempt count behind the crash-loop guard, follow-up context and the pages of long answers.
Each replica is its own store object (its own connection), as each `policybot serve` process has.
Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture). Fast tier."""

from __future__ import annotations

import threading
import time

import pytest

import bot.outbox as outbox
from bot.compose import Block
from bot.dialog import SqlConversations
from bot.outbox import DeliveryStore
from bot.pages import KEEP_SECONDS, SqlPages
from bot.understand import Topic
from tests.conftest import sql

BOT = 7_123_456_789
A, B = "host-a:101:aaaa", "host-b:202:bbbb"
LEASE = 30.0


@pytest.fixture
def replicas(database_url: str):
    """Two delivery stores on one database: replica A and replica B."""
    a = DeliveryStore(database_url, salt="", retention_days=30)
    b = DeliveryStore(database_url, salt="", retention_days=30)
    yield a, b
    a.close()
    b.close()


class Clock:
    """Moves the stores' wall clock forward (leases and expiries are wall-clock times)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = 0.0
        real = time.time
        monkeypatch.setattr(outbox.time, "time", lambda: real() + self.offset)

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def test_a_live_replicas_update_is_never_taken_over(replicas) -> None:
    a, b = replicas
    assert a.receive(BOT, 1, '{"update_id": 1}', A, LEASE) is True
    assert b.receive(BOT, 1, '{"update_id": 1}', B, LEASE) is False  # a redelivery to B: A holds it
    assert b.take_over(BOT, B, LEASE) == []
    assert b.begin(BOT, 1, B, LEASE) == 0  # B may not start it
    assert a.begin(BOT, 1, A, LEASE) == 1


def test_a_dead_replicas_update_is_taken_over_once_its_lease_ran_out(replicas, monkeypatch) -> None:
    a, b = replicas
    clock = Clock(monkeypatch)
    a.receive(BOT, 1, '{"update_id": 1}', A, LEASE)
    a.receive(BOT, 2, '{"update_id": 2}', A, LEASE)
    assert a.begin(BOT, 1, A, LEASE) == 1  # A starts update 1, then dies: nothing renews its leases
    clock.advance(LEASE + 1)
    assert b.take_over(BOT, B, LEASE) == [(1, '{"update_id": 1}'), (2, '{"update_id": 2}')]
    assert b.take_over(BOT, B, LEASE) == []  # taken: B's lease now runs
    assert a.begin(BOT, 2, A, LEASE) == 0  # A, were it alive after all, may no longer start them
    assert b.begin(BOT, 1, B, LEASE) == 2  # the second start of update 1
    b.finish(BOT, 1)
    assert b.receive(BOT, 1, "{}", B, LEASE) is False  # done is done, whatever the lease


def test_renewed_leases_keep_an_update_and_released_ones_free_it_at_once(replicas, monkeypatch) -> None:
    a, b = replicas
    clock = Clock(monkeypatch)
    a.receive(BOT, 1, "{}", A, LEASE)
    a.receive(BOT, 2, "{}", A, LEASE)
    for _ in range(3):  # A is alive: it renews every third of the lease
        clock.advance(LEASE / 3)
        a.renew(BOT, A, LEASE, {1, 2}, set())
    assert b.take_over(BOT, B, LEASE) == []
    a.release(BOT, A)  # A stops cleanly
    assert [u for u, _ in b.take_over(BOT, B, LEASE)] == [1, 2]


def test_a_redelivery_to_another_replica_takes_over_an_expired_update(replicas, monkeypatch) -> None:
    a, b = replicas
    clock = Clock(monkeypatch)
    a.receive(BOT, 5, "{}", A, LEASE)
    clock.advance(LEASE + 1)
    assert b.receive(BOT, 5, "{}", B, LEASE) is True  # Telegram resends it; B handles it
    assert a.receive(BOT, 5, "{}", A, LEASE) is False


def test_attempts_are_counted_across_replicas_and_restarts(replicas, monkeypatch) -> None:
    a, b = replicas
    clock = Clock(monkeypatch)
    a.receive(BOT, 9, "{}", A, LEASE)
    starts = [a.begin(BOT, 9, A, LEASE)]
    for owner, store in ((B, b), ("host-a:101:cccc", a)):  # B, then A restarted under a new name
        clock.advance(LEASE + 1)
        assert [u for u, _ in store.take_over(BOT, owner, LEASE)] == [9]
        starts.append(store.begin(BOT, 9, owner, LEASE))
    assert starts == [1, 2, 3]
    # An update stored while the database was down is handled from memory: a first try.
    assert a.begin(BOT, 404, A, LEASE) == 1


def test_two_replicas_racing_for_a_backlog_split_it_without_overlap(database_url: str, monkeypatch) -> None:
    clock = Clock(monkeypatch)
    stores = [DeliveryStore(database_url, salt="", retention_days=30) for _ in range(4)]
    for update_id in range(300):
        stores[0].receive(BOT, update_id, "{}", "dead", LEASE)
    clock.advance(LEASE + 1)
    taken: list[list[int]] = [[] for _ in stores]

    def sweep(i: int) -> None:
        while rows := stores[i].take_over(BOT, f"replica-{i}", LEASE, limit=25):
            taken[i].extend(u for u, _ in rows)

    threads = [threading.Thread(target=sweep, args=(i,)) for i in range(len(stores))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for s in stores:
        s.close()
    everything = [u for part in taken for u in part]
    assert sorted(everything) == list(range(300))  # each update taken exactly once
    owners = sql(database_url, "SELECT COUNT(DISTINCT claimed_by) FROM inbox")[0][0]
    assert owners == sum(1 for part in taken if part) >= 1


def test_an_unsent_reply_is_claimed_by_one_replica(replicas, monkeypatch) -> None:
    a, b = replicas
    clock = Clock(monkeypatch)
    a.receive(BOT, 3, "{}", A, LEASE)
    row = a.outgoing(BOT, 3, 0, "sendMessage", '{"chat_id": 1, "text": "x"}', None)
    a.finish(BOT, 3)  # the Bot API was down past the deadline: the reply waits
    assert [r.row_id for r in b.unsent(BOT)] == [row.row_id]
    assert b.claim_request(row.row_id, B, LEASE) is True
    assert a.unsent(BOT) == [] and a.claim_request(row.row_id, A, LEASE) is False
    clock.advance(LEASE + 1)  # B died while sending it
    assert a.claim_request(row.row_id, A, LEASE) is True
    a.sent(row.row_id, "{}")
    assert b.claim_request(row.row_id, B, LEASE) is False and a.unsent(BOT) == []


# -- follow-up context --------------------------------------------------------------------------------


def test_follow_up_context_is_shared_hashed_and_expires(database_url: str) -> None:
    now = [1_000_000.0]
    first = SqlConversations(database_url, salt="salt-1", ttl=600, clock=lambda: now[0])
    other = SqlConversations(database_url, salt="salt-1", ttl=600, clock=lambda: now[0])
    first.set("tg:123456789", Topic("县管校聘在哪些地方试点", "plan", 13, at=5.0))
    assert other.get("tg:123456789") == Topic("县管校聘在哪些地方试点", "plan", 13, 5.0)  # another replica
    assert other.get("tg:987") is None
    stored = sql(database_url, "SELECT chat_hash FROM chat_topics")
    assert len(stored) == 1 and "123456789" not in stored[0][0]  # no raw chat id in the database
    other.set("tg:123456789", Topic("公办园收费标准怎么定", "plan", 9, at=6.0))  # the newer topic wins
    assert first.get("tg:123456789").point == 9
    now[0] += 601
    assert first.get("tg:123456789") is None  # past its time to live
    first.close()
    other.close()


def test_expired_context_rows_are_pruned(database_url: str) -> None:
    now = [1_000_000.0]
    memory = SqlConversations(database_url, salt="s", ttl=600, clock=lambda: now[0])
    for chat in range(50):
        memory.set(f"tg:{chat}", Topic("q", "plan", 1, at=0.0))
    now[0] += 700
    memory._last_prune = 0.0  # the minute since the last prune has passed
    memory.set("tg:new", Topic("q", "plan", 2, at=0.0))
    assert sql(database_url, "SELECT COUNT(*) FROM chat_topics")[0][0] == 1
    memory.close()


def test_context_falls_back_to_memory_while_the_database_fails(tmp_path, caplog) -> None:
    path = tmp_path / "db.sqlite3"
    memory = SqlConversations(path, salt="s", ttl=600)
    memory.close()
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"db.sqlite3{suffix}").unlink(missing_ok=True)
    path.mkdir()  # the database cannot be opened now
    memory.set("tg:1", Topic("q", "plan", 4, at=0.0))
    assert memory.get("tg:1").point == 4
    assert sum("follow-up context unavailable" in r.getMessage() for r in caplog.records) == 1


# -- pages of long answers ----------------------------------------------------------------------------


def test_answer_pages_are_shared_and_expire(database_url: str, monkeypatch) -> None:
    import bot.pages as pages

    blocks = (Block("heading", "提到“教育”的条目"), Block("item", "第1条 …“x & <y>”"), Block("note", "\ud800?"))
    a, b = SqlPages(database_url), SqlPages(database_url)
    a.put("0123456789ab", "zh", blocks)
    lang, found = b.get("0123456789ab")  # pressed on another replica
    assert lang == "zh" and found[:2] == blocks[:2] and found[2].role == "note"
    assert b.get("ffffffffffff") is None
    later = time.time() + KEEP_SECONDS + 1
    monkeypatch.setattr(pages.time, "time", lambda: later)
    fresh = SqlPages(database_url)  # pruned at open
    assert fresh.get("0123456789ab") is None
    assert sql(database_url, "SELECT COUNT(*) FROM answer_pages")[0][0] == 0
    for s in (a, b, fresh):
        s.close()
