"""Wiring: the PTB ``Application`` that ``policybot serve`` runs and the tests drive.

``build_application`` is the one code path for production and tests (the tests point
``telegram_api_url`` at a fake Bot API on loopback). It registers, in PTB's usual style, one
``CommandHandler`` per command, one ``CallbackQueryHandler`` per button route (its ``pattern`` is
the route's own regex, see ``callbacks.py``), the message and inline handlers, and one error
handler. A ``TypeHandler`` in group -1 applies POLICYBOT_ALLOWED_CHAT_IDS before anything else.
The inbox and outbox (``delivery.py``) are PTB extension points given to the builder: the
update queue, the update processor and the rate limiter. Follow-up context and the pages of long
answers are opened in the same database (``open_shared_state``), so that replicas sharing a
PostgreSQL server answer any update alike. ``serve`` runs the application
(``runner.py``) with long polling, or as a webhook when POLICYBOT_WEBHOOK_URL is set.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import presentation as P
from bot.config import Settings
from bot.database import backend_for
from bot.dialog import SqlConversations
from bot.outbox import open_delivery_store
from bot.pages import SqlPages
from bot.presentation import Lang
from bot.service import PolicyService
from bot.storage import Database, QueryLog, StorageError, open_query_log

from . import admin, browse, handlers
from .callbacks import (
    BrowsePoint,
    Contents,
    Documents,
    Example,
    FullText,
    OpenPoint,
    Page,
    Related,
    Route,
    SectionView,
    Vote,
    Voted,
)
from .delivery import Claims, Courier, InboxProcessor, InboxQueue, take_over
from .handlers import STATE, ChannelState
from .runner import run_bot
from .transport import DurableRateLimiter, install_token_redaction

logger = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]

# Shown in the command menu, in this order; the admin commands only in the admins' own chats.
PUBLIC_COMMANDS: tuple[tuple[str, Handler], ...] = (
    ("start", handlers.start_command),
    ("help", handlers.help_command),
    ("list", browse.list_command),
    ("point", handlers.point_command),
    ("docs", handlers.docs_command),
    ("about", handlers.about_command),
    ("privacy", handlers.privacy_command),
)
ADMIN_COMMANDS: tuple[tuple[str, Handler], ...] = (
    ("stats", admin.stats_command),
    ("teach", admin.teach_command),
    ("reload", admin.reload_command),
)
BUTTONS: tuple[tuple[type[Route], Handler], ...] = (
    (Example, handlers.example_button),
    (FullText, handlers.full_text_button),
    (Related, handlers.related_button),
    (OpenPoint, handlers.open_point_button),
    (Vote, handlers.vote_button),
    (Voted, handlers.voted_button),
    (Page, handlers.page_button),
    (Documents, browse.documents_button),
    (Contents, browse.contents_button),
    (SectionView, browse.section_button),
    (BrowsePoint, browse.browse_point_button),
)


def bot_commands(commands: tuple[tuple[str, Handler], ...], lang: Lang) -> list[BotCommand]:
    return [BotCommand(name, P.say(f"command_{name}", lang)) for name, _ in commands]


async def post_init(application: Application) -> None:
    """The command menu: Chinese by default, English for English-language clients, and the admin
    commands added in each admin's private chat."""
    bot = application.bot
    await bot.set_my_commands(bot_commands(PUBLIC_COMMANDS, "zh"))
    await bot.set_my_commands(bot_commands(PUBLIC_COMMANDS, "en"), language_code="en")
    state: ChannelState = application.bot_data[STATE]
    for admin_id in state.settings.admin_ids:
        try:
            await bot.set_my_commands(
                bot_commands(PUBLIC_COMMANDS + ADMIN_COMMANDS, "zh"), scope=BotCommandScopeChat(admin_id)
            )
        except TelegramError as e:  # the admin has not opened a chat with the bot yet; not fatal
            logger.warning("could not show the admin commands to an admin: %s", e)
    # The inbox and outbox are keyed by the bot's id: updates an earlier run (or a replica that
    # died) left unfinished are queued now once their lease has run out, before new ones are
    # received (the queue is worked from application.start()).
    # Replies it still owes go out from the runner's background sweep, so a Bot API that is
    # still down cannot hold up the start.
    state.courier.bot_id = bot.id
    await take_over(application, state.courier)
    logger.info("bot @%s ready", bot.username)


async def post_shutdown(application: Application) -> None:
    """Write what the query log still holds in memory (or say how much is lost), then close
    both stores; closing checkpoints and truncates the WAL."""
    state: ChannelState = application.bot_data[STATE]
    state.executor.shutdown(wait=False, cancel_futures=True)
    unwritten = await asyncio.to_thread(state.log.flush)
    if unwritten:
        logger.error("%d query-log row(s) could not be written before shutdown and are lost", unwritten)
    state.log.close()
    for store in (state.conversations, state.pages):
        if isinstance(store, Database):
            store.close()
    courier = state.courier
    if courier.store is not None:
        try:
            backlog = courier.store.backlog(courier.bot_id, courier.claims.owner)
            # What this process still holds may be taken over by a live replica at once.
            courier.store.release(courier.bot_id, courier.claims.owner)
        except StorageError as e:
            logger.error("could not hand over the unfinished updates (%s); they are resumed after their lease", e)
        else:
            if backlog.unfinished_updates or backlog.unsent_requests:
                logger.warning(
                    "stopping with %d unfinished update(s) and %d unsent request(s); "
                    "another replica or the next start resumes them",
                    backlog.unfinished_updates,
                    backlog.unsent_requests,
                )
        courier.store.close()


def register_handlers(application: Application) -> None:
    application.add_handler(TypeHandler(Update, handlers.gatekeeper), group=-1)
    for name, callback in PUBLIC_COMMANDS + ADMIN_COMMANDS:
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text_message))
    for route, callback in BUTTONS:
        application.add_handler(CallbackQueryHandler(callback, pattern=route.PATTERN))
    application.add_handler(CallbackQueryHandler(handlers.stale_button))  # after every route
    application.add_handler(InlineQueryHandler(handlers.inline_query))
    application.add_error_handler(handlers.error_handler)


def open_shared_state(settings: Settings) -> tuple[SqlConversations, SqlPages]:
    """Follow-up context and answer pages in the bot's database, shared by its replicas."""
    url = settings.resolved_database_url
    salt = settings.hash_salt.get_secret_value()
    try:
        return SqlConversations(url, salt, settings.context_ttl_seconds), SqlPages(url)
    except backend_for(url).unavailable as e:
        raise StorageError(
            f"cannot open the database at {backend_for(url).where} ({e}); check POLICYBOT_DATABASE_URL"
        ) from e


def build_application(settings: Settings, service: PolicyService, log: QueryLog | None = None) -> Application:
    """The Application `policybot serve` runs; tests point it at a fake Bot API through the settings."""
    if settings.telegram_token is None:
        raise ValueError("POLICYBOT_TELEGRAM_TOKEN is not set; get a token from @BotFather and set it")
    token = settings.telegram_token.get_secret_value()
    # Before PTB is built: it logs its API URLs, which contain the token, at DEBUG level.
    install_token_redaction(token)
    timeout = settings.telegram_timeout
    store = open_delivery_store(settings.resolved_database_url, settings.retention_days)
    claims = Claims(settings.inbox_lease_seconds, settings.max_handling_attempts)
    courier = Courier(store, settings.send_deadline_seconds, settings.send_backoff_max_seconds, claims)
    processor = InboxProcessor(courier)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .update_queue(InboxQueue(courier))
        .rate_limiter(DurableRateLimiter(courier))
        .concurrent_updates(processor)  # one slow answer must not hold up the other chats
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .connect_timeout(timeout)
        .read_timeout(timeout)
        .write_timeout(timeout)
        .pool_timeout(timeout)
        .connection_pool_size(64)
    )
    if settings.telegram_file_url:
        builder = builder.base_file_url(settings.telegram_file_url)
    application = builder.build()
    conversations, pages = open_shared_state(settings)
    state = ChannelState(settings, service, log or open_query_log(settings), courier, conversations, pages)
    courier.on_delivered = state.log.record_delivery
    application.bot_data[STATE] = state
    processor.on_quarantine = partial(handlers.tell_quarantined, application.bot)
    register_handlers(application)
    return application


def serve(settings: Settings, service: PolicyService) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when POLICYBOT_WEBHOOK_URL is set.
    Raises ``StartError`` (one line) when it cannot start."""
    application = build_application(settings, service)
    state: ChannelState = application.bot_data[STATE]

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_bot(application, settings, state.courier, stop)

    asyncio.run(main())
    logger.info("stopped")
    return 0
