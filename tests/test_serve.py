"""`policybot serve` as a real process: it starts polling the (fake) Bot API and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.conftest import POLICYBOT
from tests.fake_bot_api import FakeBotApi

USER = 7_357_735_773


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_polls_and_stops_cleanly_on_signal(index_dir, session_dir, sig: signal.Signals) -> None:
    with FakeBotApi(long_poll_cap=1.0) as fake:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
        env.update({
            "POLICYBOT_TELEGRAM_TOKEN": fake.token,
            "POLICYBOT_TELEGRAM_API_URL": fake.base_url,
            "POLICYBOT_INDEX_DIR": str(index_dir),
            "POLICYBOT_DATA_DIR": str(session_dir / "serve-data"),
            "POLICYBOT_LOG_LEVEL": "DEBUG",
        })
        started = time.monotonic()
        proc = subprocess.Popen([str(POLICYBOT), "serve"], env=env, cwd=session_dir,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            fake.wait_for("getUpdates", timeout=60)
            startup = time.monotonic() - started
            fake.push_message("职普比是多少", USER, user_id=USER)
            reply = fake.wait_for("sendMessage", timeout=30)[0]
            assert "45:55" in reply.params["text"]
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
    env["POLICYBOT_INDEX_DIR"] = str(index_dir)
    proc = subprocess.run([str(POLICYBOT), "serve"], env=env, cwd=session_dir, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "POLICYBOT_TELEGRAM_TOKEN" in proc.stderr
