"""Crash and outage test: nothing lost, nothing (or a handful) twice, through `policybot serve`.

1. **Crash.** A burst of messages from many group chats (each an @mention, so every reply quotes
   the message it answers and can be matched to it exactly), `policybot serve` killed with SIGKILL
   after a given number of replies, then started again on the same database. Prints how many
   messages were answered, lost (never answered) and answered twice (duplicates).
2. **Outage.** The fake Bot API answers every method with 500 for ``--outage-seconds`` (getUpdates
   from a moment later, once the first half of the messages has been received): the replies to
   that half and the messages sent during the outage must all be answered afterwards. Prints how many
   were delivered late but delivered, and the longest delay.

Everything runs against the fake Bot API on loopback (tests/fake_bot_api.py), with the settings
of a real deployment (retry deadline 15 minutes, back-off up to 30 s) unless given otherwise.

Usage: .venv/bin/python scripts/crash_test.py [--messages 300] [--chats 50] [--kill-after 10 100 250]
                                               [--outage-seconds 300] [--skip-crash] [--skip-outage]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import BOT_USER, FakeBotApi  # noqa: E402

POLICYBOT = Path(sys.executable).parent / "policybot"
QUESTIONS = ["大班额比例", "职普比是多少", "七一表彰", "疫情信息报送", "培优强基工程", "校园安全怎么抓", "教师招聘"]
FIRST_CHAT = -1_009_000_000_000
METHODS = ("sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "answerInlineQuery",
           "setMyCommands", "getUpdates", "getMe", "deleteWebhook")


@dataclass(frozen=True)
class Tally:
    """Replies matched to the messages they quote."""

    messages: int
    answered: int
    lost: int
    duplicated: int


@dataclass(frozen=True)
class CrashResult:
    kill_after: int
    replies_before_kill: int
    tally: Tally
    resumed_line: str


@dataclass(frozen=True)
class OutageResult:
    outage_seconds: float
    tally: Tally
    delayed: int  # answered after the outage began
    longest_delay: float
    pending_lines: int  # log lines saying a reply stayed in the outbox past the deadline


class Serve:
    """`policybot serve` in a subprocess against ``api``, its log in a file."""

    def __init__(self, api: FakeBotApi, db: Path, log: Path, **settings: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
        env.update({"POLICYBOT_TELEGRAM_TOKEN": api.token, "POLICYBOT_TELEGRAM_API_URL": api.base_url,
                    "POLICYBOT_DATABASE_URL": f"sqlite:///{db}", "POLICYBOT_HASH_SALT": "crash-test-salt",
                    "POLICYBOT_LOG_LEVEL": "INFO", **settings})
        self.log = log
        with open(log, "a") as stderr:
            self.proc = subprocess.Popen([str(POLICYBOT), "serve", "--build"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=stderr)

    def wait_ready(self, api: FakeBotApi, polls_before: int = 0) -> None:
        """Until the process polls the Bot API; its log's last lines if it exits first."""
        deadline = time.monotonic() + 300
        while len(api.calls("getUpdates")) <= polls_before:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("policybot serve did not start:\n" + "\n".join(self.log.read_text().splitlines()[-5:]))
            time.sleep(0.05)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def push_burst(api: FakeBotApi, messages: int, chats: int) -> list[tuple[int, int]]:
    """``messages`` @mentions round-robin over ``chats`` group chats; returns (chat, message_id)."""
    sent = []
    for n in range(messages):
        chat = FIRST_CHAT - n % chats
        api.push_message(f"@{BOT_USER['username']} {QUESTIONS[n % len(QUESTIONS)]}", chat, user_id=500_000 + n % chats,
                         chat_type="group")
        sent.append((chat, api.last_message_id(chat)))
    return sent


def replies(api: FakeBotApi) -> Counter[tuple[int, int]]:
    """Accepted replies per (chat, quoted message id)."""
    found: Counter[tuple[int, int]] = Counter()
    for call in api.calls("sendMessage"):
        quoted = (call.params.get("reply_parameters") or {}).get("message_id")
        if call.ok and quoted is not None:
            found[(int(call.params["chat_id"]), int(quoted))] += 1
    return found


def tally(api: FakeBotApi, sent: list[tuple[int, int]]) -> Tally:
    got = replies(api)
    counts = [got[key] for key in sent]
    return Tally(len(sent), sum(1 for c in counts if c), sum(1 for c in counts if not c),
                 sum(c - 1 for c in counts if c > 1))


def wait_until(check: Callable[[], bool], timeout: float, idle: Callable[[], int] | None = None) -> bool:
    """Poll ``check``; give up after ``timeout`` s, or after 60 s without ``idle()`` changing."""
    deadline, last, changed = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        if check():
            return True
        if idle is not None and (now := idle()) != last:
            last, changed = now, time.monotonic()
        elif idle is not None and time.monotonic() - changed > 60:
            return False
        time.sleep(0.05)
    return False


def crash_run(messages: int, chats: int, kill_after: int, work: Path, **settings: str) -> CrashResult:
    db, log = work / f"crash-{kill_after}.sqlite3", work / f"crash-{kill_after}.log"
    with FakeBotApi(long_poll_cap=1.0) as api:
        first = Serve(api, db, log, **settings)
        try:
            first.wait_ready(api)
            sent = push_burst(api, messages, chats)
            wait_until(lambda: sum(replies(api).values()) >= kill_after, 300)
            first.kill()
            before = sum(replies(api).values())
        finally:
            first.stop()
        second = Serve(api, db, log, **settings)
        try:
            wait_until(lambda: tally(api, sent).lost == 0, 600, idle=lambda: sum(replies(api).values()))
            time.sleep(3.0)  # a late duplicate would arrive now
            result = tally(api, sent)
        finally:
            second.stop()
    resumed = next((line for line in log.read_text().splitlines() if "resuming" in line), "")
    return CrashResult(kill_after, before, result, resumed.split(": ", 1)[-1])


def outage_run(messages: int, chats: int, outage_seconds: float, work: Path, **settings: str) -> OutageResult:
    db, log = work / "outage.sqlite3", work / "outage.log"
    with FakeBotApi(long_poll_cap=1.0) as api:
        serve = Serve(api, db, log, **settings)
        try:
            serve.wait_ready(api)
            half = messages // 2
            # The outage begins as the first half arrives: the bot receives it, its replies fail.
            started = time.monotonic()
            api.fail_for(outage_seconds, *(m for m in METHODS if m != "getUpdates"), status=500)
            before = push_burst(api, half, chats)
            wait_until(lambda: api.pending_update_count == 0, 60)
            # Then getUpdates fails too: the second half waits at Telegram until the outage ends.
            api.fail_for(outage_seconds - (time.monotonic() - started), "getUpdates", status=500)
            during = push_burst(api, messages - half, chats)
            sent = before + during
            wait_until(lambda: tally(api, sent).lost == 0, outage_seconds + 1200)
            time.sleep(3.0)
            result = tally(api, sent)
        finally:
            serve.stop()
    times = [c.time for c in api.calls("sendMessage") if c.ok and c.params.get("reply_parameters")]
    late = [t - started for t in times if t >= started]
    pending = sum("stays in the outbox" in line for line in log.read_text().splitlines())
    return OutageResult(outage_seconds, result, len(late), max(late, default=0.0), pending)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--kill-after", type=int, nargs="+", default=[10, 100, 250], help="replies before SIGKILL")
    parser.add_argument("--outage-seconds", type=float, default=300.0)
    parser.add_argument("--outage-messages", type=int, default=40)
    parser.add_argument("--skip-crash", action="store_true")
    parser.add_argument("--skip-outage", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="policybot-crash-"))
    ok = True
    if not args.skip_crash:
        for kill_after in args.kill_after:
            r = crash_run(args.messages, args.chats, kill_after, work)
            t = r.tally
            print(f"crash: {t.messages} messages from {args.chats} chats, SIGKILL after {r.replies_before_kill} "
                  f"replies, restarted: answered {t.answered}, lost {t.lost}, duplicated {t.duplicated}"
                  f"  [{r.resumed_line}]", flush=True)
            ok = ok and t.lost == 0
    if not args.skip_outage:
        o = outage_run(args.outage_messages, min(args.chats, 10), args.outage_seconds, work)
        t = o.tally
        print(f"outage: every Bot API method answered 500 for {o.outage_seconds:.0f} s; {t.messages} messages: "
              f"answered {t.answered}, lost {t.lost}, duplicated {t.duplicated}; delayed but delivered "
              f"{o.delayed}, longest delay {o.longest_delay:.1f} s after the outage began; "
              f"replies left pending past the deadline: {o.pending_lines}", flush=True)
        ok = ok and t.lost == 0
    print(f"logs and databases: {work}")
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
