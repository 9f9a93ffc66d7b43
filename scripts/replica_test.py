"""Several replicas: two `policybot serve` (webhook mode) behind nginx, sharing one PostgreSQL server.

Everything runs on loopback: a PostgreSQL server and nginx started in temporary folders
(tests/servers.py), and the fake Bot API (tests/fake_bot_api.py) in Telegram's place. This script
plays Telegram's other half too: it posts each update to nginx's webhook URL with the secret
token, up to ``--concurrency`` at once (Telegram's default max_connections is 40), and posts it
again after half a second while it gets no 200 — as Telegram does. nginx balances the posts over
the two replicas, round robin.

The load: ``--messages`` @mentions from ``--chats`` group chats (each reply quotes the message it
answers, so replies are matched to messages exactly), posted at ``--rate`` per second. Replica A
is SIGKILLed once half of the messages have been answered; B (and nginx, which stops sending A
anything) carries on, and B takes over the updates A had stored but not finished once their
lease (POLICYBOT_INBOX_LEASE_SECONDS, 30 s) has run out. Prints delivered / lost / duplicated,
who received what, and the timings.

A duplicate can only be a reply A had sent when it was killed but not yet marked sent: B sends it
again when it takes the update over. The script says how long before the kill those first copies
went out.

Usage: .venv/bin/python scripts/replica_test.py [--messages 1000] [--chats 200] [--rate 100]
                                                 [--concurrency 20] [--no-kill] [--keep]

``Cluster`` / ``cluster()`` are also what tests/test_replicas.py runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from crash_test import FIRST_CHAT, QUESTIONS, Serve, replies, tally, wait_until  # noqa: E402

from tests import servers  # noqa: E402
from tests.fake_bot_api import BOT_USER, FakeBotApi  # noqa: E402

POLICYBOT = Path(sys.executable).parent / "policybot"
WEBHOOK_PATH = "/policybot"
PUBLIC_URL = f"https://bot.example.org{WEBHOOK_PATH}"  # what Telegram would call; TLS ends at the proxy
SECRET = "replica-test-webhook-secret"
SALT = "replica-test-salt"


class Replica(Serve):
    """One `policybot serve` in webhook mode on its own loopback port; its log in a file (``kill`` and
    ``stop`` as in crash_test's Serve)."""

    def __init__(self, name: str, api: FakeBotApi, database_url: str, port: int, log: Path, **settings: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
        env.update({"POLICYBOT_TELEGRAM_TOKEN": api.token, "POLICYBOT_TELEGRAM_API_URL": api.base_url,
                    "POLICYBOT_DATABASE_URL": database_url, "POLICYBOT_HASH_SALT": SALT,
                    "POLICYBOT_LOG_LEVEL": "INFO", "POLICYBOT_WEBHOOK_URL": PUBLIC_URL,
                    "POLICYBOT_WEBHOOK_LISTEN": "127.0.0.1", "POLICYBOT_WEBHOOK_PORT": str(port),
                    "POLICYBOT_WEBHOOK_SECRET": SECRET, **settings})
        self.name, self.port, self.log = name, port, log
        with open(log, "a") as stderr:
            self.proc = subprocess.Popen([str(POLICYBOT), "serve"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                         stderr=stderr)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 300) -> None:
        """Until its webhook accepts connections (after start-up and the take-over of old updates)."""
        if not servers.wait_for_port(self.port, timeout, alive=lambda: self.proc.poll() is None):
            tail = "\n".join(self.log.read_text().splitlines()[-5:])
            raise RuntimeError(f"replica {self.name} did not start:\n{tail}")


@dataclass(frozen=True)
class Posted:
    """One update as "Telegram" delivered it: first try, accepted, tries, the replica that took it."""

    update_id: int
    first_try: float
    accepted: float
    tries: int
    upstream: str


@dataclass
class Cluster:
    api: FakeBotApi
    pg: servers.PgServer
    proxy: servers.Nginx
    replicas: list[Replica]
    work: Path

    @property
    def url(self) -> str:
        return self.proxy.url(WEBHOOK_PATH)

    def post_once(self, update: dict[str, Any], timeout: float = 15, secret: str = SECRET) -> tuple[int | str, str]:
        """One POST to nginx: the HTTP status (or "error") and the replica that answered it."""
        request = urllib.request.Request(self.url, data=json.dumps(update).encode(), method="POST", headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers.get("X-Upstream", "")
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("X-Upstream", "")
        except OSError:
            return "error", ""

    def deliver(self, update: dict[str, Any], give_up: float = 300) -> Posted:
        """Post until a 200, as Telegram does with a webhook that failed."""
        first = time.monotonic()
        tries = 0
        while True:
            status, upstream = self.post_once(update)
            tries += 1
            if status == 200 or time.monotonic() - first > give_up:
                return Posted(update["update_id"], first, time.monotonic(), tries, upstream if status == 200 else "")
            time.sleep(0.5)

    def replica_at(self, upstream: str) -> Replica | None:
        """The replica that finally answered (nginx lists every one it tried: "a, b")."""
        last = upstream.split(",")[-1].strip()
        return next((r for r in self.replicas if r.address == last), None)


@contextmanager
def cluster(work: Path, pg: servers.PgServer | None = None, database: str = "policybot",
            **settings: str) -> Iterator[Cluster]:
    """The fake Bot API, a PostgreSQL server (``pg``, or one started here), replicas A and B
    started together on its ``database`` (both migrate it at once: an advisory lock lets one do
    it) and nginx in front of them."""
    with ExitStack() as stack:
        api = stack.enter_context(FakeBotApi(long_poll_cap=1.0))
        pg = pg or stack.enter_context(servers.postgres())
        url = pg.url(database)
        replicas = [Replica(name, api, url, servers.free_port(), work / f"replica-{name}.log", **settings)
                    for name in ("A", "B")]
        for replica in replicas:
            stack.callback(replica.stop)
        for replica in replicas:
            replica.wait_ready()
        proxy = stack.enter_context(servers.nginx([r.port for r in replicas], WEBHOOK_PATH))
        yield Cluster(api, pg, proxy, replicas, work)


# -- the load --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadResult:
    messages: int
    delivered: int
    lost: int
    duplicated: int
    received: Counter[str]  # replica name -> updates it accepted
    retried_posts: int
    killed_at: float | None  # seconds after the first post
    replies_before_kill: int
    resumed: int  # updates B took over (its log)
    duplicate_lead_ms: list[float]  # for each duplicate: how long before the kill its first copy went out
    all_answered_s: float
    latencies_ms: list[float]
    last_takeover_s: float | None  # the last reply to an update A had received, after the kill


def messages_for(api: FakeBotApi, messages: int, chats: int) -> list[dict[str, Any]]:
    """``messages`` @mentions round-robin over ``chats`` group chats, as updates to post."""
    updates = []
    for n in range(messages):
        chat = FIRST_CHAT - n % chats
        text = f"@{BOT_USER['username']} {QUESTIONS[n % len(QUESTIONS)]}"
        update_id = api.push_message(text, chat, user_id=500_000 + n % chats, chat_type="group")
        updates.append(api.update(update_id))
    return updates


def first_replies(api: FakeBotApi) -> dict[tuple[int, int], list[float]]:
    """Accepted reply times per (chat, quoted message id)."""
    found: dict[tuple[int, int], list[float]] = {}
    for call in api.calls("sendMessage"):
        quoted = (call.params.get("reply_parameters") or {}).get("message_id")
        if call.ok and quoted is not None:
            found.setdefault((int(call.params["chat_id"]), int(quoted)), []).append(call.time)
    return found


def run_load(c: Cluster, messages: int, chats: int, rate: float, concurrency: int, kill: bool) -> LoadResult:
    api = c.api
    updates = messages_for(api, messages, chats)
    sent = [(u["message"]["chat"]["id"], u["message"]["message_id"]) for u in updates]
    killed: dict[str, float | int] = {}
    victim = c.replicas[0]

    def killer() -> None:
        if wait_until(lambda: sum(replies(api).values()) >= messages // 2, 600):
            victim.kill()
            killed.update(at=time.monotonic(), replies=sum(replies(api).values()))

    watcher = threading.Thread(target=killer, daemon=True)
    started = time.monotonic()
    if kill:
        watcher.start()
    with ThreadPoolExecutor(concurrency) as pool:
        futures = []
        for n, update in enumerate(updates):
            time.sleep(max(0.0, started + n / rate - time.monotonic()))
            futures.append(pool.submit(c.deliver, update))
        posted = [f.result() for f in futures]
    wait_until(lambda: tally(api, sent).lost == 0, 600, idle=lambda: sum(replies(api).values()))
    time.sleep(3.0)  # a late duplicate would arrive now
    watcher.join(1)
    result = tally(api, sent)
    times = first_replies(api)
    kill_at = float(killed["at"]) if killed else None
    received: Counter[str] = Counter()
    for p in posted:
        replica = c.replica_at(p.upstream)
        received[replica.name if replica else "none"] += 1
    leads = [(kill_at - ts[0]) * 1000 for key, ts in times.items() if len(ts) > 1 and kill_at is not None]
    latencies = [(times[key][0] - p.first_try) * 1000 for key, p in zip(sent, posted, strict=True) if key in times]
    victim_got = {key for key, p in zip(sent, posted, strict=True) if c.replica_at(p.upstream) is victim}
    after = [ts[0] - kill_at for key, ts in times.items() if kill_at is not None and key in victim_got and ts[0] > kill_at]
    resumed = sum(int(line.split("resuming ")[1].split()[0]) for line in c.replicas[1].log.read_text().splitlines()
                  if "resuming " in line)
    last = max(times[key][0] for key in sent if key in times)
    return LoadResult(messages, result.answered, result.lost, result.duplicated, received,
                      sum(1 for p in posted if p.tries > 1), kill_at - started if kill_at else None,
                      int(killed.get("replies", 0)), resumed, sorted(leads), last - started, latencies,
                      max(after) if after else None)


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else (values or [0.0])[0]


def report(r: LoadResult, args: argparse.Namespace, lease: str) -> list[str]:
    lines = [f"replicas: 2 x policybot serve (webhook) behind nginx, one PostgreSQL server; lease {lease} s",
             f"load: {r.messages} messages from {args.chats} group chats posted through nginx at {args.rate:g}/s, "
             f"up to {args.concurrency} at once",
             f"  accepted by replica A {r.received['A']}, by replica B {r.received['B']}; "
             f"posts that needed another try: {r.retried_posts}"]
    if r.killed_at is not None:
        lines.append(f"  SIGKILL replica A at t={r.killed_at:.1f} s, after {r.replies_before_kill} replies; "
                     f"B took over {r.resumed} update(s) A had stored but not finished")
    dup = ""
    if r.duplicate_lead_ms:
        dup = (f" (first copies sent by A {min(r.duplicate_lead_ms):.0f}-{max(r.duplicate_lead_ms):.0f} ms before "
               "the kill, not yet marked sent)")
    lines.append(f"  delivered {r.delivered}, lost {r.lost}, duplicated {r.duplicated}{dup}")
    lines.append(f"  all answered {r.all_answered_s:.1f} s after the first post; latency post -> reply "
                 f"p50 {percentile(r.latencies_ms, 50):.0f} ms, p95 {percentile(r.latencies_ms, 95):.0f} ms, "
                 f"max {max(r.latencies_ms, default=0):.0f} ms")
    if r.last_takeover_s is not None:
        lines.append(f"  last reply to an update A had accepted: {r.last_takeover_s:.1f} s after the kill")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--rate", type=float, default=100.0, help="messages posted per second")
    parser.add_argument("--concurrency", type=int, default=20, help="webhook posts in flight at once")
    parser.add_argument("--lease", default="30", help="POLICYBOT_INBOX_LEASE_SECONDS of the replicas")
    parser.add_argument("--no-kill", action="store_true", help="do not kill replica A")
    parser.add_argument("--keep", action="store_true", help="keep the logs (their folder is printed)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="policybot-replicas-"))
    build = subprocess.run([str(POLICYBOT), "build", "--if-needed", "--quiet"], cwd=ROOT, check=False)
    if build.returncode != 0:
        return build.returncode
    started = time.monotonic()
    with cluster(work, POLICYBOT_INBOX_LEASE_SECONDS=args.lease) as c:
        print(f"cluster up in {time.monotonic() - started:.1f} s (PostgreSQL, 2 replicas, nginx)", flush=True)
        result = run_load(c, args.messages, args.chats, args.rate, args.concurrency, kill=not args.no_kill)
        errors = sum(r.log.read_text().count("Traceback") for r in c.replicas)
    for line in report(result, args, args.lease):
        print(line)
    print(f"  tracebacks in the replicas' logs: {errors}; logs: {work}")
    ok = result.lost == 0 and result.delivered == result.messages
    print("RESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
