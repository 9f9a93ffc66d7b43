"""Nothing lost, nothing twice: the durable inbox and outbox with the real PTB client and the fake Bot API.

In-process bots (the same ``run_bot`` as `policybot serve`) for redelivery and outages — the first
two on SQLite and on PostgreSQL, the log, inbox and outbox in one database — and `policybot serve`
itself, killed with SIGKILL mid-burst, through scripts/crash_test.py.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import pytest

from bot import presentation as P
from bot.channels.telegram import build_application
from bot.storage import SqlQueryLog
from tests.conftest import REPO, make_settings
from tests.fake_bot_api import FakeBotApi
from tests.test_telegram import RunningBot, in_chat


def _bot(api: FakeBotApi, service, log: SqlQueryLog, data_dir: Path, **overrides) -> RunningBot:  # noqa: ANN001, ANN003
    settings = make_settings(
        telegram_token=api.token,
        telegram_api_url=api.base_url,
        data_dir=data_dir,
        hash_salt="delivery-test-salt",
        **overrides,
    )
    return RunningBot(build_application(settings, service, log)).start()


def _ok_to(api: FakeBotApi, chat: int) -> list:  # noqa: ANN401
    return [c for c in api.calls("sendMessage") if c.ok and in_chat(chat)(c)]


def _wait_for_log(caplog: pytest.LogCaptureFixture, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in r.getMessage() for r in caplog.records):
        assert time.monotonic() < deadline, f"no log line with {text!r}"
        time.sleep(0.05)


def test_a_redelivered_update_is_answered_once(service, database_url: str, tmp_path: Path, caplog) -> None:
    log = SqlQueryLog(database_url, salt="s")
    with FakeBotApi(long_poll_cap=0.5) as api:
        first = _bot(api, service, log, tmp_path, database_url=database_url)
        try:
            update_id = api.push_message("大班额比例", 71, user_id=71)
            api.wait_for("sendMessage", predicate=lambda c: c.ok and in_chat(71)(c), timeout=30)
        finally:
            first.stop()
        # Telegram never saw it confirmed (say the process died before its next poll): it comes again,
        # to a new process on the same database.
        api.redeliver(update_id)
        with caplog.at_level(logging.INFO, logger="bot.channels.telegram.delivery"):
            second = _bot(api, service, log, tmp_path, database_url=database_url)
            try:
                api.push_message("七一表彰", 72, user_id=72)  # queued after the redelivered one
                api.wait_for("sendMessage", predicate=lambda c: c.ok and in_chat(72)(c), timeout=30)
                time.sleep(0.5)
            finally:
                second.stop()
    assert len(_ok_to(api, 71)) == 1
    assert any(f"update {update_id} arrived again" in r.getMessage() for r in caplog.records)
    assert len(log.query("SELECT * FROM questions")) == 2


def test_an_outage_delays_replies_but_loses_none(service, database_url: str, tmp_path: Path) -> None:
    log = SqlQueryLog(database_url, salt="s")
    chats = [8_201, 8_202, 8_203, 8_204]
    with FakeBotApi(long_poll_cap=0.5) as api:
        running = _bot(api, service, log, tmp_path, send_backoff_max_seconds=1.0, database_url=database_url)
        try:
            api.fail_for(5, "sendMessage", status=500)
            outage_ends = time.monotonic() + 5
            for chat in chats:
                api.push_message("职普比是多少", chat, user_id=chat)
            calls = api.wait_for(
                "sendMessage", count=4, timeout=60, predicate=lambda c: c.ok and int(c.params["chat_id"]) in chats
            )
        finally:
            running.stop()
    assert sorted(int(c.params["chat_id"]) for c in calls) == chats  # each answered once
    assert all(c.time >= outage_ends - 0.05 and "45:55" in c.params["text"] for c in calls)
    assert len([c for c in api.calls("sendMessage") if c.status == 500]) >= 4
    # The query log says what was delivered, and when: after the outage.
    rows = log.query("SELECT delivered_at FROM questions")
    assert len(rows) == 4 and all(r["delivered_at"] is not None for r in rows)


def test_past_the_deadline_a_reply_waits_in_the_outbox_for_the_next_start(service, tmp_path: Path, caplog) -> None:
    log = SqlQueryLog(tmp_path / "log.sqlite3", salt="s")
    with FakeBotApi(long_poll_cap=0.5) as api:
        running = _bot(api, service, log, tmp_path, send_deadline_seconds=1.5, send_backoff_max_seconds=0.5)
        try:
            api.fail_for(600, "sendMessage", status=502)
            with caplog.at_level(logging.WARNING):
                api.push_message("疫情信息报送", 81, user_id=81)
                _wait_for_log(caplog, "still failing after 2 s")
        finally:
            running.stop()
        assert _ok_to(api, 81) == []
        assert log.query("SELECT delivered_at FROM questions") == [{"delivered_at": None}]
        api.fail_for(0, "sendMessage")  # the Bot API works again
        again = _bot(api, service, log, tmp_path)
        try:
            [reply] = api.wait_for("sendMessage", predicate=lambda c: c.ok and in_chat(81)(c), timeout=30)
        finally:
            again.stop()
    assert "第23条" in reply.params["text"] and reply.params["text"] != P.say("something_wrong")
    assert log.query("SELECT delivered_at FROM questions")[0]["delivered_at"] is not None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_stopping_during_an_outage_is_prompt_and_keeps_the_reply(service, tmp_path: Path) -> None:
    log = SqlQueryLog(tmp_path / "log.sqlite3", salt="s")
    with FakeBotApi(long_poll_cap=0.5) as api:
        running = _bot(api, service, log, tmp_path)  # the real deadline: 15 minutes
        api.fail_for(600, "sendMessage", status=500)
        api.push_message("七一表彰", 91, user_id=91)
        api.wait_for("sendMessage", predicate=lambda c: in_chat(91)(c) and c.status == 500, timeout=30)
        started = time.monotonic()
        running.stop()
        stopped_in = time.monotonic() - started
        api.fail_for(0, "sendMessage")
        again = _bot(api, service, log, tmp_path)
        try:
            [reply] = api.wait_for("sendMessage", predicate=lambda c: c.ok and in_chat(91)(c), timeout=30)
        finally:
            again.stop()
    assert stopped_in < 5
    assert "第2条" in reply.params["text"]


@pytest.fixture(scope="module")
def crash_test():  # noqa: ANN201
    sys.path.insert(0, str(REPO / "scripts"))
    import crash_test

    return crash_test


def test_a_process_killed_mid_burst_loses_nothing(crash_test, index_dir: Path, tmp_path: Path) -> None:  # noqa: ANN001
    result = crash_test.crash_run(60, 10, 20, tmp_path, POLICYBOT_INDEX_DIR=str(index_dir))
    t = result.tally
    print(
        f"\nSIGKILL after {result.replies_before_kill} replies of a 60-message burst, restarted: "
        f"answered {t.answered}, lost {t.lost}, duplicated {t.duplicated}"
    )
    assert t.answered == 60 and t.lost == 0
    # Only replies accepted by the Bot API but not yet marked sent at the kill are sent again. The
    # rate limiter lets a burst of up to 30 go out at once (Telegram's 30 per second), and their
    # marks queue behind the burst's other database writes: runs gave 1 to 13 of the first 20-40.
    assert t.duplicated <= 30
    assert "resuming" in result.resumed_line


def test_a_bot_api_outage_through_serve_loses_nothing(crash_test, index_dir: Path, tmp_path: Path) -> None:  # noqa: ANN001
    result = crash_test.outage_run(
        10, 5, 8.0, tmp_path, POLICYBOT_INDEX_DIR=str(index_dir), POLICYBOT_SEND_BACKOFF_MAX_SECONDS="2"
    )
    t = result.tally
    print(
        f"\n8 s outage: answered {t.answered}/10, lost {t.lost}, duplicated {t.duplicated}, "
        f"longest delay {result.longest_delay:.1f} s"
    )
    assert t.answered == 10 and t.lost == 0 and t.duplicated == 0
    assert result.delayed == 10 and 8.0 <= result.longest_delay < 30


def test_an_update_that_keeps_killing_the_process_is_quarantined(crash_test, index_dir: Path, tmp_path: Path) -> None:  # noqa: ANN001
    """The crash-loop guard, with real crashes: the process is SIGKILLed while it handles one update,
    twice; the third process to start it gives up on it (POLICYBOT_MAX_HANDLING_ATTEMPTS=2), tells
    the user something went wrong, and goes on answering."""
    from tests.conftest import sql

    db, log = tmp_path / "loop.sqlite3", tmp_path / "loop.log"
    settings = {
        "POLICYBOT_INDEX_DIR": str(index_dir),
        "POLICYBOT_INBOX_LEASE_SECONDS": "2",
        "POLICYBOT_MAX_HANDLING_ATTEMPTS": "2",
    }
    chat, question = 6_160_001, "疫情信息报送怎么做"

    def attempts() -> int:
        rows = sql(f"sqlite:///{db}", "SELECT attempts FROM inbox WHERE done_at IS NULL")
        return int(rows[0][0]) if rows else 0

    with FakeBotApi(long_poll_cap=0.5) as api:
        api.delay_next("sendMessage", 600, count=2)  # each reply hangs until the process is killed
        for crash in (1, 2):
            serve = crash_test.Serve(api, db, log, **settings)
            try:
                if crash == 1:
                    serve.wait_ready(api)
                    api.push_message(question, chat, user_id=chat)
                assert crash_test.wait_until(lambda n=crash: attempts() == n, 120), log.read_text()[-2000:]
                serve.kill()  # mid-handling: the attempt was counted, the update not finished
            finally:
                serve.stop()
        third = crash_test.Serve(api, db, log, **settings)
        try:
            [told] = api.wait_for("sendMessage", timeout=120, predicate=lambda c: c.ok and in_chat(chat)(c))
            api.push_message("职普比是多少", chat, user_id=chat)  # the bot goes on answering
            later = api.wait_for("sendMessage", count=2, timeout=60, predicate=lambda c: c.ok and in_chat(chat)(c))
        finally:
            assert third.stop() == 0
    assert told.params["text"] == P.say("something_wrong")
    assert "45:55" in later[1].params["text"]
    text = log.read_text()
    [line] = [x for x in text.splitlines() if "quarantined" in x]
    assert "started 2 times and never finished" in line and question not in text and str(chat) not in text
    assert sql(f"sqlite:///{db}", "SELECT COUNT(*) FROM inbox WHERE done_at IS NULL")[0][0] == 0
