"""Stage 5 of the pipeline — render: a channel-neutral ``Answer`` → console text, JSON or Telegram HTML.

The same blocks in every channel, so the words never drift apart; only the markup differs. Telegram
HTML escapes and wraps each block on its own, so trimming a long answer shortens a block's text and
re-renders it: a tag is never cut. A point's full text goes into an expandable blockquote.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from bot import presentation as P
from bot.compose import Answer, Block

MAX_MESSAGE = 4096  # Telegram's limit on message text, in characters after entity parsing


def as_text(answer: Answer) -> str:
    return answer.text


def as_json(answer: Answer) -> dict[str, object]:
    return {
        "question": answer.question,
        "status": answer.status,
        "found": answer.found,
        "kind": answer.kind,
        "answer": answer.text,
        "citations": [c.as_json() for c in answer.citations],
        "confidence": None if answer.confidence is None else round(answer.confidence, 4),
        "elapsed_ms": round(answer.elapsed_ms, 2),
    }


def _html_block(block: Block) -> str:
    text = html.escape(block.text, quote=False)
    if block.role in ("heading", "part"):
        return f"<b>{text}</b>"
    if block.role == "quote":
        return f"<blockquote>{text}</blockquote>"
    if block.role == "body":
        return f"<blockquote expandable>{text}</blockquote>"
    if block.role in ("related", "source", "section"):
        return f"<i>{text}</i>"
    return text


def as_html(blocks: Sequence[Block], limit: int = MAX_MESSAGE, lang: P.Lang = "zh") -> str:
    """Telegram HTML for an answer, never longer than ``limit`` visible characters; the longest
    block (a full point text) gives way first, preferably at the end of a sentence."""
    blocks = list(blocks)
    marker = P.say("truncated", lang)
    while True:
        visible = sum(len(b.text) for b in blocks) + len(blocks) - 1
        if visible <= limit:
            return "\n".join(_html_block(b) for b in blocks)
        longest = max(range(len(blocks)), key=lambda i: len(blocks[i].text))
        text = blocks[longest].text
        keep = max(0, len(text) - (visible - limit) - len(marker))
        cut = max(text.rfind(p, 0, keep) for p in "。；！？")
        keep = cut + 1 if cut > keep // 2 else keep
        blocks[longest] = Block(blocks[longest].role, text[:keep] + marker)


def line_pages(lines: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Plain lines packed into messages of at most ``limit`` characters, never splitting a line
    (a line longer than a message is cut with the truncation mark)."""
    pages: list[str] = []
    current = ""
    for line in lines:
        if len(line) > limit:
            line = line[: limit - len(P.say("truncated"))] + P.say("truncated")
        if current and len(current) + 1 + len(line) > limit:
            pages.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*pages, current] if current else pages
