"""Running the application: start, receive updates (long polling or a webhook), stop cleanly.

This is PTB's own ``run_polling`` / ``run_webhook`` sequence written out (``initialize`` →
``post_init`` → ``start`` → receive … ``stop`` → ``shutdown`` → ``post_shutdown``), for three
things those two cannot do:

- the courier is told to stop *before* ``Application.stop`` waits for the running handlers, so a
  reply retrying through an outage stays in the outbox instead of holding up SIGTERM for minutes;
- start-up failures (a rejected token, an unreachable Bot API) become one ``StartError`` line;
- the webhook is served by our own small tornado server (the same library PTB uses), because
  PTB's reads bodies of up to 100 MB before checking anything. Ours refuses a body larger than
  POLICYBOT_WEBHOOK_MAX_BODY_BYTES while reading it, checks the secret token in constant time,
  and puts the update into the same durable queue as polling does.

``serve`` in ``app.py`` runs ``run_bot`` with SIGINT/SIGTERM wired to its stop event; the tests
run the same coroutine in a thread.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from http import HTTPStatus
from urllib.parse import urlparse

import tornado.web
from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application
from tornado.httpserver import HTTPServer

from bot.config import Settings
from bot.database import is_postgres

from .delivery import Courier, keep_leases, keep_resending

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class StartError(RuntimeError):
    """The bot could not start; the message is one line that says what to check."""


class WebhookHandler(tornado.web.RequestHandler):
    """POST <path>: one update from Telegram, authenticated by the secret token."""

    def initialize(self, bot_app: Application, secret: str) -> None:  # "application" is tornado's own
        self.bot_app = bot_app
        self.secret = secret

    async def post(self) -> None:
        if self.request.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            update = Update.de_json(json.loads(self.request.body), self.bot_app.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as e:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from e
        await self.bot_app.update_queue.put(update)  # stored before Telegram hears 200
        self.set_status(HTTPStatus.OK)

    def log_exception(self, *args: object) -> None:
        pass  # a refused request is not worth a traceback; tornado's access log has the status


async def start_webhook(application: Application, settings: Settings) -> HTTPServer:
    assert settings.webhook_url is not None
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else secrets.token_urlsafe(32)
    if settings.webhook_secret is None and is_postgres(settings.resolved_database_url):
        # Each replica registers the webhook: with secrets of their own, all but the last refuse every call.
        logger.warning("POLICYBOT_WEBHOOK_SECRET is not set: a random one is used; set the same on every replica")
    path = "/" + urlparse(settings.webhook_url).path.strip("/")
    routes = [(rf"{path}/?", WebhookHandler, {"bot_app": application, "secret": secret})]
    server = HTTPServer(tornado.web.Application(routes), max_body_size=settings.webhook_max_body_bytes)
    try:
        server.listen(settings.webhook_port, address=settings.webhook_listen)
    except OSError as e:
        raise StartError(
            f"cannot listen on {settings.webhook_listen}:{settings.webhook_port} ({e.strerror}); "
            "check POLICYBOT_WEBHOOK_LISTEN and POLICYBOT_WEBHOOK_PORT"
        ) from e
    logger.info("webhook listening on %s:%d%s", settings.webhook_listen, settings.webhook_port, path)
    await application.bot.set_webhook(settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES)
    return server


def _start_error(e: TelegramError, settings: Settings) -> StartError:
    host = urlparse(settings.telegram_api_url).netloc or settings.telegram_api_url
    if isinstance(e, InvalidToken):
        return StartError("the Bot API rejected POLICYBOT_TELEGRAM_TOKEN; copy the token from @BotFather again")
    return StartError(f"cannot reach the Bot API at {host} ({e}); check the network and POLICYBOT_TELEGRAM_API_URL")


async def run_bot(
    application: Application, settings: Settings, courier: Courier, stop: asyncio.Event, webhook: bool | None = None
) -> None:
    """Run until ``stop`` is set: polling, or a webhook when POLICYBOT_WEBHOOK_URL is set."""
    webhook = bool(settings.webhook_url) if webhook is None else webhook
    try:
        await application.initialize()
    except (InvalidToken, NetworkError) as e:
        raise _start_error(e, settings) from None
    server: HTTPServer | None = None
    background: list[asyncio.Task[None]] = []
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        if webhook:
            server = await start_webhook(application, settings)
        else:
            assert application.updater is not None
            await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            logger.info("long polling started")
        background = [
            asyncio.create_task(keep_resending(application, courier)),
            asyncio.create_task(keep_leases(application, courier)),
        ]
        await stop.wait()
    except (InvalidToken, NetworkError) as e:
        raise _start_error(e, settings) from None
    finally:
        await _stop(application, courier, server, background)


async def _stop(
    application: Application, courier: Courier, server: HTTPServer | None, background: list[asyncio.Task[None]]
) -> None:
    courier.stopping.set()  # retries give up now; unsent replies stay in the outbox
    if server is not None:
        server.stop()
        await server.close_all_connections()
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    # Not cancelled: with the courier stopping they end by themselves, the resend sweep after
    # marking the request in flight sent (cancelled, it would leave a delivered reply unmarked).
    for task in background:
        await task
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
