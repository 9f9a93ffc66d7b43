"""Load test: 1000 messages from 200 chats through `policybot serve` and a fake Bot API on loopback.

Checks that every message is answered exactly once and that nothing is logged at ERROR, while the
fake server also answers some requests with 429 (retry_after) and 502; reports latency, throughput
and the memory growth of the serving process, then runs `policybot report` on the database the
load filled. Replies leave at most 30 per second: PTB's AIORateLimiter keeps to Telegram's global
flood limit, so a burst's latency is mostly that queue, not answering.

Usage: .venv/bin/python scripts/load_test.py [--messages 1000] [--chats 200] [--db PATH] [--plot FILE.png]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_bot_api import FakeBotApi  # noqa: E402

POLICYBOT = Path(sys.executable).parent / "policybot"
OUT_OF_SCOPE = ["今天天气怎么样", "给我讲个笑话", "怎么申请信用卡", "鹰潭一中的录取分数线是多少", "推荐几部电影"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load_questions() -> list[str]:
    rows = []
    for path in (ROOT / "tests" / "data" / "questions.jsonl", ROOT / "tests" / "data" / "holdout2.jsonl"):
        rows += [json.loads(line)["q"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--db", type=Path, help="keep the query log here (default: a temporary file)")
    parser.add_argument("--plot", type=Path, help="also write the report's plot to this PNG")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-faults", action="store_true", help="do not inject 429 and 502 answers")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(tempfile.mkdtemp(prefix="policybot-load-"))
    db = args.db or tmp / "load.sqlite3"
    if db.exists():
        db.unlink()
    questions = load_questions()

    with FakeBotApi(long_poll_cap=1.0) as api:
        env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYBOT_")}
        env.update({
            "POLICYBOT_TELEGRAM_TOKEN": api.token,
            "POLICYBOT_TELEGRAM_API_URL": api.base_url,
            "POLICYBOT_DATABASE_URL": f"sqlite:///{db}",
            "POLICYBOT_DATA_DIR": str(ROOT / "data"),
            "POLICYBOT_HASH_SALT": "load-test-salt",
            "POLICYBOT_LOG_LEVEL": "INFO",
        })
        stderr_path = tmp / "serve.log"
        started = time.monotonic()
        with open(stderr_path, "w") as stderr:
            proc = subprocess.Popen([str(POLICYBOT), "serve", "--build"], env=env, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            api.wait_for("getUpdates", timeout=120)
            startup = time.monotonic() - started
            # Warm up (first answers fill caches and page in the encoder), then measure memory.
            for i in range(10):
                api.push_message(rng.choice(questions), 9_000 + i, user_id=9_000 + i)
            api.wait_for("sendMessage", count=10, timeout=60)
            rss_start = rss_mb(proc.pid)

            chats = [100_000 + i for i in range(args.chats)]
            per_chat: Counter[int] = Counter()
            plan = []
            for n in range(args.messages):
                chat = chats[n % len(chats)]
                text = rng.choice(OUT_OF_SCOPE) if rng.random() < 0.08 else rng.choice(questions)
                plan.append((chat, text))
                per_chat[chat] += 1
            wanted = set(chats)

            def replies() -> list:  # noqa: ANN202
                return [c for c in api.calls("sendMessage") if c.ok and int(c.params["chat_id"]) in wanted]

            if not args.no_faults:  # some flood control and server errors while the load runs
                api.fail_next("sendMessage", status=429, retry_after=1, count=3)
                api.fail_next("sendMessage", status=502, count=3)
            t0 = time.monotonic()
            queued: dict[int, list[float]] = defaultdict(list)
            for chat, text in plan:
                uid = api.push_message(text, chat, user_id=chat)
                queued[chat].append(api.queued_at(uid))
            # 👍 / 👎 on some answers while the messages are still being answered.
            voted = threading.Event()

            def vote() -> None:
                seen = 0
                while seen < 100 and not voted.is_set():
                    for call in replies()[seen:seen + 100]:
                        markup = call.params.get("reply_markup") or {}
                        data = [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]
                        fb = [d for d in data if d.startswith("fb:")]
                        if fb and seen < 100:
                            api.push_callback_query(fb[0] if rng.random() < 0.7 else fb[-1], int(call.params["chat_id"]),
                                                    call.result["message_id"], user_id=int(call.params["chat_id"]))
                            seen += 1
                    time.sleep(0.2)

            voter = threading.Thread(target=vote, daemon=True)
            voter.start()
            api.wait_for("sendMessage", count=args.messages, timeout=600,
                         predicate=lambda c: c.ok and int(c.params["chat_id"]) in wanted)
            elapsed = time.monotonic() - t0
            voted.set()
            voter.join(5)
            time.sleep(2.0)  # anything arriving late would be a duplicate
            got = replies()
            rss_end = rss_mb(proc.pid)
            counts = Counter(int(c.params["chat_id"]) for c in got)
            exactly_once = counts == per_chat
            reply_times: dict[int, list[float]] = defaultdict(list)
            for c in got:
                reply_times[int(c.params["chat_id"])].append(c.time)
            latencies = []
            for chat, times in queued.items():
                for q, r in zip(sorted(times), sorted(reply_times[chat])):
                    latencies.append((r - q) * 1000)
            latencies.sort()
            statuses = Counter(c.status for c in api.calls("sendMessage"))
            callbacks = len([c for c in api.calls("answerCallbackQuery") if c.ok])

            proc.send_signal(signal.SIGTERM)
            code = proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    log = stderr_path.read_text(encoding="utf-8", errors="replace")
    error_lines = [line for line in log.splitlines() if " ERROR " in line or "Traceback" in line]
    token_leaks = log.count(api.token)
    print(f"load test: {args.messages} messages from {args.chats} chats through `policybot serve` "
          f"(fake Bot API on 127.0.0.1, {os.cpu_count()} CPUs)")
    print(f"  startup (process start → first getUpdates): {startup:.2f} s")
    print(f"  all answered in {elapsed:.1f} s → {args.messages / elapsed:.0f} messages/s")
    print(f"  latency queued → reply: p50 {statistics.median(latencies):.0f} ms, "
          f"p95 {latencies[int(0.95 * len(latencies)) - 1]:.0f} ms, max {latencies[-1]:.0f} ms")
    print(f"  every message answered exactly once: {exactly_once} ({sum(counts.values())} replies, "
          f"{len(counts)} chats)")
    print(f"  sendMessage statuses seen: {dict(sorted(statuses.items()))}"
          + ("" if args.no_faults else " (429 and 502 injected, all retried)"))
    print(f"  feedback presses acknowledged: {callbacks}")
    print(f"  serve process RSS: {rss_start:.0f} MB after warm-up → {rss_end:.0f} MB after the load "
          f"(+{rss_end - rss_start:.0f} MB)")
    print(f"  ERROR lines / tracebacks in the log: {len(error_lines)}; token occurrences in the log: {token_leaks}")
    print(f"  exit code after SIGTERM: {code}")
    for line in error_lines[:10]:
        print("   ", line)

    print(f"\n$ policybot report   (database {db})")
    report_env = {**os.environ, "POLICYBOT_DATABASE_URL": f"sqlite:///{db}"}
    cmd = [str(POLICYBOT), "report", "--days", "7"] + (["--plot", str(args.plot)] if args.plot else [])
    report = subprocess.run(cmd, env=report_env, capture_output=True, text=True, cwd=ROOT)
    print(report.stdout.rstrip())
    if report.returncode:
        print(report.stderr)
    ok = exactly_once and not error_lines and code == 0 and token_leaks == 0 and report.returncode == 0
    print("\nRESULT:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
