"""Transport resilience for the Telegram channel: flood limits, retries and a log that never shows the token.

Moved unchanged from the old ``bot/telegram_app.py``. ``ResilientRateLimiter`` is PTB's own
``AIORateLimiter`` (per-chat and global flood limits, 429 handling) plus back-off retries for 5xx
and time-outs, so a reply is delayed rather than lost. ``install_token_redaction`` runs before the
application is built, because PTB logs its API URLs (which contain the token) at DEBUG level.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)


class ResilientRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (flood limits; a 429 waits ``retry_after`` and retries) plus back-off
    retries when Telegram answers 5xx or times out, so a reply is delayed rather than lost."""

    def __init__(self, network_retries: int = 4, backoff: float = 0.5, max_retries: int = 5) -> None:
        super().__init__(max_retries=max_retries)
        self.network_retries = network_retries
        self.backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except (BadRequest, Forbidden, InvalidToken, Conflict, RetryAfter):
                raise  # the request itself is wrong, or the 429 retries are used up
            except (TimedOut, NetworkError) as e:
                # getUpdates has its own retry loop in the Updater.
                if endpoint == "getUpdates" or attempt >= self.network_retries:
                    raise
                delay = self.backoff * 2**attempt
                logger.warning("Telegram %s failed (%s); retrying in %.1fs", endpoint, e, delay)
                attempt += 1
                await asyncio.sleep(delay)


class RedactToken(logging.Filter):
    """Removes the bot token from every log record (URLs in library messages can carry it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if self.token:
            message = record.getMessage()
            if self.token in message:
                record.msg = message.replace(self.token, "<token>")
                record.args = ()
        return True


def install_token_redaction(token: str) -> None:
    """Filter the token out of every root handler (once per handler and token)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) and f.token == token for f in handler.filters):
            handler.addFilter(RedactToken(token))
