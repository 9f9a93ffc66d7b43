"""Interactive console chat, for people without a Telegram token."""

from __future__ import annotations

import logging
import re
import uuid
from typing import TextIO

from bot.service import PolicyService
from bot.storage import NullQueryLog, QueryLog

logger = logging.getLogger(__name__)

PROMPT = "问> "
HELP = """可以直接输入问题，例如：
  大班额比例要控制在多少？
  职普比是多少
  孩子想学门手艺，可以去哪
命令：/list 列出全部条目  /point N 查看第N条全文  /help 帮助  /quit 退出"""
BROWSE_HINT = "可以换个说法再问，或输入 /list 浏览全部条目。"
_POINT_RE = re.compile(r"^/point\s*(\S*)\s*$")


def list_points(service: PolicyService) -> str:
    lines = []
    for doc in service.corpus.documents:
        lines.append(f"《{doc.title}》")
        for section in doc.sections:
            lines.append(f"  {section.heading}")
            for number in section.point_numbers:
                point = doc.point(number)
                if point is not None:
                    lines.append(f"    第{number}条 {point.title}")
    return "\n".join(lines)


def point_text(service: PolicyService, arg: str) -> str:
    if not arg.isdigit():
        return "用法：/point N，例如 /point 8（N 是条目编号，0 为文件头）"
    number = int(arg)
    for doc in service.corpus.documents:
        answer = service.composer.full_point(doc.doc_id, number)
        if answer is not None:
            return answer.text
    total = max((len(d.work_points) for d in service.corpus.documents), default=0)
    return f"没有第{number}条。条目编号是 0–{total}，输入 /list 查看全部。"


def reply(service: PolicyService, line: str, log: QueryLog | None = None) -> str | None:
    """The console's reply to one input line; None means quit."""
    text = line.strip()
    if text in {"/quit", "/exit", "quit", "exit", ":q"}:
        return None
    if text in {"/help", "help", "?", "？"}:
        return HELP
    if text == "/list":
        return list_points(service)
    if m := _POINT_RE.match(text):
        return point_text(service, m.group(1))
    answer = service.ask(text, chat="console", browse_hint=BROWSE_HINT)
    (log or NullQueryLog()).record_answer(uuid.uuid4().hex[:12], None, None, "console", answer)
    return answer.text


def run_console(service: PolicyService, stdin: TextIO, stdout: TextIO, log: QueryLog | None = None) -> int:
    interactive = stdin.isatty()
    titles = "、".join(f"《{d.title}》" for d in service.corpus.documents)
    print(f"政策问答：{titles}。输入问题，/help 查看帮助，/quit 退出。", file=stdout, flush=True)
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        try:
            line = stdin.readline()
        except KeyboardInterrupt:
            print(file=stdout)
            return 0
        if not line:  # end of input
            return 0
        try:
            answer = reply(service, line, log)
        except KeyboardInterrupt:
            print("\n（已取消）", file=stdout, flush=True)
            continue
        except Exception:  # noqa: BLE001 - the chat must outlive one bad question
            logger.exception("failed to answer %r", line[:80])
            answer = "抱歉，处理这个问题时出错了，请换个说法再试。"
        if answer is None:
            return 0
        print(answer + "\n", file=stdout, flush=True)
