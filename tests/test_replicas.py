"""Two `policybot serve` replicas in webhook mode behind a real nginx, sharing one PostgreSQL
server (the cluster of scripts/replica_test.py; the fake Bot API plays Telegram). The tests post
updates to nginx as Telegram would and check that whichever replica receives an update, it is
answered once, and that follow-up context and page buttons work across replicas.

nginx balances round robin with one worker, so consecutive requests alternate between the two;
every response names the replica that took it (``X-Upstream``), and ``post_avoiding`` first
sends no-op requests (a wrong secret: refused with 403) until the next one lands on the other
replica. Model tier (each replica loads the model); skipped when nginx is not installed.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.channels.telegram.callbacks import Page, Vote
from tests.conftest import REPO, sql
from tests.fake_bot_api import FakeBotApi
from tests.servers import PgServer
from tests.test_telegram import data_of, in_chat

sys.path.insert(0, str(REPO / "scripts"))
import replica_test  # noqa: E402

Cluster = replica_test.Cluster


@pytest.fixture(scope="module")
def cluster(index_dir: Path, nginx_bin: str, pg_server: PgServer, tmp_path_factory) -> Iterator[Cluster]:  # noqa: ANN001
    pg_server.admin("CREATE DATABASE replicas")
    work = tmp_path_factory.mktemp("replicas")
    with replica_test.cluster(work, pg_server, "replicas", POLICYBOT_INDEX_DIR=str(index_dir)) as c:
        yield c
        for replica in c.replicas:
            assert "Traceback" not in replica.log.read_text()


def post(c: Cluster, update: dict[str, Any]) -> replica_test.Replica:
    """Post an update to nginx; the replica that accepted it."""
    status, upstream = c.post_once(update)
    assert status == 200, (status, upstream)
    replica = c.replica_at(upstream)
    assert replica is not None, upstream
    return replica


def post_avoiding(c: Cluster, update: dict[str, Any], avoid: replica_test.Replica) -> replica_test.Replica:
    """Post an update so that nginx hands it to the other replica than ``avoid``."""
    for _ in range(4):
        status, upstream = c.post_once({"update_id": 0}, secret="not-the-secret")  # refused, but balanced
        assert status == 403
        if c.replica_at(upstream) is avoid:
            break
    replica = post(c, update)
    assert replica is not avoid, "nginx did not alternate between the replicas"
    return replica


def private(api: FakeBotApi, text: str, chat: int) -> dict[str, Any]:
    return api.update(api.push_message(text, chat, user_id=chat))


def replies_to(api: FakeBotApi, chat: int) -> list[Any]:
    return [c for c in api.calls("sendMessage") if c.ok and in_chat(chat)(c)]


def wait_reply(api: FakeBotApi, chat: int, count: int = 1) -> Any:  # noqa: ANN401
    return api.wait_for("sendMessage", count=count, timeout=60, predicate=lambda c: c.ok and in_chat(chat)(c))[-1]


def test_an_update_is_answered_once_whichever_replica_receives_it(cluster: Cluster) -> None:
    api, chats = cluster.api, list(range(9_300_001, 9_300_009))
    took = [post(cluster, private(api, "职普比是多少", chat)) for chat in chats]
    assert {r.name for r in took} == {"A", "B"}  # nginx balanced them
    for chat in chats:
        wait_reply(api, chat)
    time.sleep(1.0)  # a second answer would have come by now
    assert all(len(replies_to(api, chat)) == 1 and "45:55" in replies_to(api, chat)[0].params["text"] for chat in chats)


def test_a_redelivered_update_is_not_answered_twice(cluster: Cluster) -> None:
    api, chat = cluster.api, 9_300_101
    update = private(api, "七一表彰", chat)
    first = post(cluster, update)
    wait_reply(api, chat)
    # Telegram posts it again (it missed the 200, say): now the other replica receives it.
    again = post_avoiding(cluster, update, first)
    time.sleep(1.5)
    assert len(replies_to(api, chat)) == 1
    assert f"update {update['update_id']} arrived again" in again.log.read_text()


def test_a_follow_up_on_the_other_replica_uses_the_first_ones_context(cluster: Cluster) -> None:
    api, chat = cluster.api, 9_300_201
    first = post(cluster, private(api, "县管校聘在哪些地方试点", chat))
    assert "第13条" in wait_reply(api, chat).params["text"]
    post_avoiding(cluster, private(api, "具体怎么做？", chat), first)
    text = wait_reply(api, chat, count=2).params["text"]
    assert "接上文" in text and "第13条" in text and "城乡教育联合体" in text  # the whole point, in context
    # Shared, and stored hashed: the chat id is nowhere in the context table.
    rows = sql(cluster.pg.url("replicas"), "SELECT chat_hash FROM chat_topics")
    assert rows and all(str(chat) not in r[0] for r in rows)


def test_a_page_button_pressed_on_the_other_replica_works(cluster: Cluster) -> None:
    api, chat = cluster.api, 9_300_301
    first = post(cluster, private(api, "哪几条提到了教育", chat))
    reply = wait_reply(api, chat)
    message_id = reply.result["message_id"]
    answer_id = Vote.decode(data_of(reply.params, "👍")).answer_id
    data = Page(answer_id, 1, "zh").encode()
    assert data_of(reply.params, "下一页 »") == data
    post_avoiding(cluster, api.update(api.push_callback_query(data, chat, message_id)), first)
    [edited] = api.wait_for(
        "editMessageText",
        timeout=60,
        predicate=lambda c: c.ok and in_chat(chat)(c) and c.params["message_id"] == message_id,
    )
    assert "第2/3页" in edited.params["text"]
    assert "第2/3页" in api.message(chat, message_id)["text"]
