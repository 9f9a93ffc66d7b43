"""Interactive console chat, for people without a Telegram token.

The same pipeline and the same words as Telegram (``bot/presentation.py``); only the markup differs:
plain text from ``bot/render.py``. Input is read a line at a time; a line that cannot be answered
gets a polite line back and the chat goes on.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import TextIO

from bot import presentation as P
from bot.plans import newest_first
from bot.render import as_text
from bot.service import PolicyService
from bot.storage import NullQueryLog, QueryLog
from bot.understand import point_args

logger = logging.getLogger(__name__)

CHAT_KEY = "console"
MAX_LINE = 4000  # characters read per line; a longer paste is cut, never held whole in memory
_QUIT = {"/quit", "/exit", "quit", "exit", ":q"}
_HELP = {"/help", "help", "?", "？"}
_POINT_RE = re.compile(r"^/point(?:\s+(.+?))?\s*$")


def list_points(service: PolicyService) -> str:
    lines = []
    for doc in service.corpus.documents:
        lines.append(P.titles([doc.title]))
        lines.append(f"  {P.point_label(0)} {P.HEADER_TITLE}")
        for section in doc.sections:
            lines.append(f"  {section.heading}")
            for number in section.point_numbers:
                point = doc.point(number)
                if point is not None:
                    lines.append(f"    {P.heading(number, point.title)}")
    return "\n".join(lines)


def point_text(service: PolicyService, arg: str | None) -> str:
    """/point N (or /point 2022 N): the same answer as asking "第N条". With several plans loaded
    and no year, the reply names the command for each plan."""
    docs = newest_first(service.corpus)
    parsed = point_args(arg or "")
    if parsed is None:
        last = max((p.number for d in docs for p in d.points), default=0)
        return P.say("point_usage", point="/point", last=last)
    year, number = parsed
    if year is None and len(docs) > 1:
        commands = " · ".join(f"/point {d.year} {number}" for d in docs if d.year)
        return P.say("which_plan", n=len(docs), example=commands)
    if year is not None and all(d.year != year for d in docs):
        return P.say("no_plan_year", years=year, loaded=P.titles([d.title for d in docs]))
    return as_text(service.point(number, year=year))


def reply(service: PolicyService, line: str, log: QueryLog | None = None) -> str | None:
    """The console's reply to one input line; None means quit."""
    text = line.strip()[:MAX_LINE]
    if text in _QUIT:
        return None
    if text in _HELP:
        return P.help_text(console=True)
    if text == "/list":
        return list_points(service)
    if m := _POINT_RE.match(text):
        return point_text(service, m.group(1))
    answer = service.ask(text, chat=CHAT_KEY)
    (log or NullQueryLog()).record_answer(uuid.uuid4().hex[:12], None, None, "console", answer)
    return as_text(answer)


def read_line(stream: TextIO) -> str:
    """One line of at most MAX_LINE characters ('' at the end of input). The rest of a longer line
    is read and dropped, so an over-long paste is one question, never held whole in memory."""
    line = stream.readline(MAX_LINE)
    if len(line) == MAX_LINE and not line.endswith("\n"):
        while (chunk := stream.readline(MAX_LINE)) and not chunk.endswith("\n"):
            pass
    return line


def run_console(service: PolicyService, stdin: TextIO, stdout: TextIO, log: QueryLog | None = None) -> int:
    interactive = stdin.isatty()
    names = P.titles([d.title for d in service.corpus.documents])
    print(P.say("console_banner", titles=names), file=stdout, flush=True)
    while True:
        if interactive:
            print(P.say("prompt"), end="", file=stdout, flush=True)
        try:
            line = read_line(stdin)
        except KeyboardInterrupt:
            print(file=stdout)
            return 0
        except UnicodeDecodeError:
            print(P.say("console_error") + "\n", file=stdout, flush=True)
            continue
        if not line:  # end of input
            return 0
        try:
            answer = reply(service, line, log)
        except KeyboardInterrupt:
            print("\n" + P.say("cancelled"), file=stdout, flush=True)
            continue
        except Exception:
            logger.exception("failed to answer a console line")
            answer = P.say("console_error")
        if answer is None:
            return 0
        print(answer + "\n", file=stdout, flush=True)
