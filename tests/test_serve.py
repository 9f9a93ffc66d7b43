"""`policybot serve` as a real process: it starts polling the (fake) Bot API and stops cleanly on SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import time

import pytest

from tests.conftest import POLICYBOT, clean_env
from tests.fake_bot_api import FakeBotApi

USER = 7_357_735_773


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_polls_and_stops_cleanly_on_signal(index_dir, session_dir, sig: signal.Signals) -> None:
    with FakeBotApi(long_poll_cap=1.0) as fake:
        env = clean_env(
            POLICYBOT_TELEGRAM_TOKEN=fake.token,
            POLICYBOT_TELEGRAM_API_URL=fake.base_url,
            POLICYBOT_INDEX_DIR=str(index_dir),
            POLICYBOT_DATA_DIR=str(session_dir / f"serve-{sig.name}"),
            POLICYBOT_LOG_LEVEL="DEBUG",
            POLICYBOT_HASH_SALT="serve-test-salt",
        )
        started = time.monotonic()
        proc = subprocess.Popen(
            [str(POLICYBOT), "serve"],
            env=env,
            cwd=session_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            fake.wait_for("getUpdates", timeout=60)
            startup = time.monotonic() - started
            fake.push_message("职普比是多少", USER, user_id=USER)
            reply = fake.wait_for("sendMessage", timeout=30)[0]
            assert "45:55" in reply.params["text"]
            # The command menu was set at start-up (post_init), with the new /docs and /privacy.
            menu = [c["command"] for c in fake.wait_for("setMyCommands")[0].params["commands"]]
            assert menu == ["start", "help", "list", "point", "docs", "about", "privacy"]
            stopping = time.monotonic()
            proc.send_signal(sig)
            out, err = proc.communicate(timeout=15)
            stop_time = time.monotonic() - stopping
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    assert stop_time < 10
    assert "Traceback" not in err
    # DEBUG logging of every library is on, and still the token never appears.
    assert fake.token not in err and fake.token not in out
    assert fake.token.split(":")[1] not in err
    assert str(USER) not in err  # raw user and chat ids never reach the log
    print(f"\nstartup (process start → first getUpdates): {startup:.2f}s; stop after signal: {stop_time:.2f}s")


def test_serve_without_token_is_one_clear_line(index_dir, session_dir) -> None:
    proc = subprocess.run(
        [str(POLICYBOT), "serve"],
        env=clean_env(POLICYBOT_INDEX_DIR=str(index_dir)),
        cwd=session_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "POLICYBOT_TELEGRAM_TOKEN" in proc.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str, body: dict, secret: str) -> int:
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as e:
            return e.code
        except OSError:  # the webhook server may need a moment after setWebhook
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _post_once(url: str, body: bytes, secret: str) -> int | str:
    """One POST; the HTTP status, or "closed" when the server hung up instead of answering."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return "closed"


def test_serve_in_webhook_mode(index_dir, session_dir) -> None:
    port = _free_port()
    chat = 8_101_202
    with FakeBotApi(long_poll_cap=1.0) as fake:
        fake.push_message("hello", chat, user_id=chat)  # makes the chat known to the fake server
        env = clean_env(
            POLICYBOT_TELEGRAM_TOKEN=fake.token,
            POLICYBOT_TELEGRAM_API_URL=fake.base_url,
            POLICYBOT_INDEX_DIR=str(index_dir),
            POLICYBOT_DATA_DIR=str(session_dir / "webhook-data"),
            # The public URL Telegram calls; a TLS proxy forwards it to the local listener.
            POLICYBOT_WEBHOOK_URL="https://bot.example.org/policybot",
            POLICYBOT_WEBHOOK_LISTEN="127.0.0.1",
            POLICYBOT_WEBHOOK_PORT=str(port),
            POLICYBOT_WEBHOOK_SECRET="webhook-secret-123",
            POLICYBOT_HASH_SALT="serve-test-salt",
        )
        proc = subprocess.Popen(
            [str(POLICYBOT), "serve"],
            env=env,
            cwd=session_dir,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            registered = fake.wait_for("setWebhook", timeout=60)[0].params
            assert registered["url"] == "https://bot.example.org/policybot"
            assert registered["secret_token"] == "webhook-secret-123"
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 77,
                    "date": int(time.time()),
                    "text": "职普比是多少",
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": chat, "is_bot": False, "first_name": "T"},
                },
            }
            url = f"http://127.0.0.1:{port}/policybot"
            assert _post(url, update, "wrong-secret") == 403  # Telegram's secret is checked
            assert _post(url, update, "webhook-secret-123") == 200
            reply = fake.wait_for("sendMessage", timeout=30)[0]
            assert "45:55" in reply.params["text"] and int(reply.params["chat_id"]) == chat
            # Telegram posts the same update again (it missed our 200): recognised, not answered twice.
            assert _post(url, update, "webhook-secret-123") == 200
            # A body over POLICYBOT_WEBHOOK_MAX_BODY_BYTES is refused while it is read, and the bot goes on.
            assert _post_once(url, b"{" + b" " * 2_000_000 + b"}", "webhook-secret-123") != 200
            second = {**update, "update_id": 2, "message": {**update["message"], "message_id": 78, "text": "七一表彰"}}
            assert _post(url, second, "webhook-secret-123") == 200
            replies = fake.wait_for("sendMessage", count=2, timeout=30)
            time.sleep(1.0)  # a duplicate of the first reply would have arrived by now
            assert ["45:55" in c.params["text"] for c in fake.calls("sendMessage")] == [True, False]
            assert "第2条" in replies[1].params["text"]
            assert not fake.calls("getUpdates")  # no polling in webhook mode
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=15)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert proc.returncode == 0, err[-2000:]
    assert "webhook-secret-123" not in err and fake.token not in err


def _one_line_failure(index_dir, session_dir, **settings: str) -> str:  # noqa: ANN001
    env = clean_env(POLICYBOT_INDEX_DIR=str(index_dir), POLICYBOT_DATA_DIR=str(session_dir / "fail-data"), **settings)
    proc = subprocess.run(
        [str(POLICYBOT), "serve"], env=env, cwd=session_dir, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_serve_refuses_the_public_default_salt(index_dir, session_dir) -> None:
    line = _one_line_failure(index_dir, session_dir, POLICYBOT_TELEGRAM_TOKEN="1:x", POLICYBOT_LOG_LEVEL="WARNING")
    assert "POLICYBOT_HASH_SALT" in line and "POLICYBOT_ALLOW_DEFAULT_SALT" in line


def test_start_up_failures_are_one_line(index_dir, session_dir) -> None:
    with FakeBotApi() as fake:  # a token the Bot API does not know
        line = _one_line_failure(
            index_dir,
            session_dir,
            POLICYBOT_TELEGRAM_TOKEN="999:WRONG-TOKEN",
            POLICYBOT_TELEGRAM_API_URL=fake.base_url,
            POLICYBOT_HASH_SALT="s",
            POLICYBOT_LOG_LEVEL="CRITICAL",
        )
    assert "rejected POLICYBOT_TELEGRAM_TOKEN" in line and "WRONG-TOKEN" not in line
    # Nothing listens on this port: the connection is refused, retried for a few seconds, then one line.
    line = _one_line_failure(
        index_dir,
        session_dir,
        POLICYBOT_TELEGRAM_TOKEN="1:x",
        POLICYBOT_HASH_SALT="s",
        POLICYBOT_TELEGRAM_API_URL=f"http://127.0.0.1:{_free_port()}/bot",
        POLICYBOT_LOG_LEVEL="CRITICAL",
    )
    assert "cannot reach the Bot API at 127.0.0.1:" in line and "POLICYBOT_TELEGRAM_API_URL" in line
