"""Transport resilience for the Telegram channel: flood limits, retries and a log that never shows the token.

``DurableRateLimiter`` is PTB's own ``AIORateLimiter`` (per-chat and global flood limits, 429
handling) that hands every request to the courier of ``delivery.py``: the outbox and the retries
with a deadline, so a reply is delayed rather than lost. ``install_token_redaction`` runs before
the application is built, because PTB logs its API URLs (which contain the token) at DEBUG level.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import AIORateLimiter

from .delivery import Courier

logger = logging.getLogger(__name__)


class DurableRateLimiter(AIORateLimiter):
    """PTB's AIORateLimiter (per-chat and global flood limits; a 429 waits ``retry_after`` and is
    retried) with every request passed through the courier (``delivery.py``): stored in the outbox
    while it is made for an update, retried with back-off on 5xx and time-outs until the deadline."""

    def __init__(self, courier: Courier, max_retries: int = 5) -> None:
        super().__init__(max_retries=max_retries)
        self.courier = courier

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        limited = super().process_request

        def attempt() -> Coroutine[Any, Any, Any]:
            return limited(callback, args, kwargs, endpoint, data, rate_limit_args)

        return await self.courier.deliver(endpoint, data, attempt)


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
