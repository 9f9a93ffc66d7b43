"""The Telegram channel: a python-telegram-bot 22 application over the core, in small parts.

- ``app``: builds the ``Application`` (handlers, command menu, shutdown) and ``serve``s it;
- ``handlers``: commands, questions, the buttons under answers, inline mode, the error handler;
- ``browse``: /list, browsing the plans by part and point; ``admin``: /stats, /teach, /reload;
- ``callbacks``: typed callback data, one frozen dataclass and one regex per button route;
- ``keyboards``: the inline keyboards; ``transport``: rate limits, retries, token redaction;
- ``delivery``: the durable inbox and outbox in PTB's queue, update processor and rate limiter;
- ``runner``: start, long polling or the webhook server, and a clean stop.

Handlers stay thin: the core (``bot/service.py``) answers, ``bot/render.py`` renders, and every
word comes from ``bot/presentation.py``.
"""

from .app import build_application, serve
from .runner import StartError

__all__ = ["StartError", "build_application", "serve"]
