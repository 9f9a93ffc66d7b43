"""Nothing lost, nothing twice: the durable inbox and outbox (``bot/outbox.py``) wired into PTB.

Only PTB's own extension points are used, in both polling and webhook mode:

- ``InboxQueue`` is the application's ``update_queue``. PTB's ``Updater`` (polling) and our
  webhook server both ``put`` every update into it before Telegram learns it arrived (the
  Updater confirms an update with the *next* getUpdates offset, after the put; the webhook
  answers 200 after it). ``put`` stores the update first, and drops one stored before: a
  redelivery is not answered twice.
- ``InboxProcessor`` (a ``BaseUpdateProcessor``) runs each update's handlers with the update
  known to a context variable, and marks the update done when they are finished.
- ``DurableRateLimiter`` (``transport.py``) passes every Bot API request through
  ``Courier.deliver``: a request made while handling an update is stored in the outbox before it
  is sent and marked sent after the Bot API accepted it; when an unfinished update is handled
  again after a crash, the requests it already got through are answered from the outbox.
  Failures are retried with back-off — 5xx and time-outs doubling up to
  POLICYBOT_SEND_BACKOFF_MAX_SECONDS, 429 after its ``retry_after`` — until
  POLICYBOT_SEND_DEADLINE_SECONDS; past it ``ReplyPending`` ends the handling, the request stays
  in the outbox, and the log says so.
- ``resume`` (at start) hands unfinished updates to the handlers again; ``resend_unsent`` (at
  start, then every minute) sends what the outbox still owes.

When the database cannot be written the bot keeps answering from memory (the rule of the query
log: answers go out whatever the database does) and logs it once.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, TypeVar

from telegram import TelegramObject, Update
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application, BaseUpdateProcessor

from bot.outbox import DeliveryStore, Unsent
from bot.storage import StorageError

logger = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_BACKOFF = 0.5  # seconds before the first retry; doubles up to the configured maximum
UNTRACKED_DEADLINE = 10.0  # requests outside an update (the command menu) are not worth minutes
RESEND_SECONDS = 60.0  # how often the outbox is swept for replies a past outage left unsent
PRUNE_SECONDS = 3600.0


@dataclass(frozen=True)
class Handling:
    """The update whose handlers are running, and the count of the requests they made so far."""

    update_id: int
    seq: Iterator[int] = field(default_factory=itertools.count)


HANDLING: ContextVar[Handling | None] = ContextVar("policybot_handling", default=None)
ANSWER: ContextVar[str | None] = ContextVar("policybot_answer", default=None)
RESENDING: ContextVar[Unsent | None] = ContextVar("policybot_resending", default=None)


class ReplyPending(NetworkError):
    """The Bot API did not accept a request before the deadline (or the bot is stopping); the
    request stays in the outbox and is sent later."""


@contextmanager
def carrying(answer_id: str) -> Iterator[None]:
    """Requests made inside carry this answer: its query-log row is marked delivered with them."""
    token = ANSWER.set(answer_id)
    try:
        yield
    finally:
        ANSWER.reset(token)


def _jsonable(value: object) -> object:
    if isinstance(value, TelegramObject):
        return value.to_dict()
    if isinstance(value, datetime):
        return int(value.timestamp())
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"cannot store a {type(value).__name__} in the outbox")


def wire_json(data: dict[str, Any]) -> str:
    """A request's parameters as JSON (ASCII: text that is not valid Unicode cannot break the row)."""
    return json.dumps({k: v for k, v in data.items() if v is not None}, default=_jsonable)


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the type of retry_after will change
        warnings.simplefilter("ignore")
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Courier:
    """The async side of the inbox and outbox, shared by the queue, the processor and the rate limiter."""

    def __init__(self, store: DeliveryStore | None, deadline: float, backoff_max: float) -> None:
        self.store = store
        self.deadline = deadline
        self.backoff_max = backoff_max
        self.bot_id = 0  # set once the bot knows who it is (post_init)
        self.on_delivered: Callable[[str], None] = lambda answer_id: None
        self.stopping = asyncio.Event()
        self._store_failing = False
        self._outage_since: float | None = None

    async def db(self, method: Callable[..., T], *args: Any) -> T | None:
        """Run a store method in a worker thread; None when there is no store or it fails."""
        if self.store is None:
            return None
        try:
            result = await asyncio.to_thread(method, *args)
        except StorageError as e:
            if not self._store_failing:
                logger.error("inbox/outbox unavailable (%s); answering from memory until it works again", e)
            self._store_failing = True
            return None
        if self._store_failing:
            logger.warning("inbox/outbox writable again")
            self._store_failing = False
        return result

    async def receive(self, update: Update) -> bool:
        """Store an incoming update; False for a redelivery of one stored before."""
        if self.store is None:
            return True
        new = await self.db(self.store.receive, self.bot_id, update.update_id, json.dumps(update.to_dict()))
        return new is not False  # None: the store failed, and the update is answered from memory

    async def finish(self, update_id: int) -> None:
        if self.store is not None:
            await self.db(self.store.finish, self.bot_id, update_id)

    async def deliver(self, endpoint: str, data: dict[str, Any], attempt: Callable[[], Awaitable[T]]) -> T:
        """Send one Bot API request through the outbox (when made for an update) with retries."""
        handling, resend, answer_id = HANDLING.get(), RESENDING.get(), ANSWER.get()
        if handling is None and resend is None:
            return await self._retrying(endpoint, attempt, durable=False)
        row = None
        if resend is not None:
            row, answer_id = resend.row_id, resend.answer_id
        elif handling is not None and self.store is not None:
            found = await self.db(
                self.store.outgoing,
                self.bot_id,
                handling.update_id,
                next(handling.seq),
                endpoint,
                wire_json(data),
                answer_id,
            )
            if found is not None and found.result is not None:
                return json.loads(found.result)  # accepted before a restart: replayed, not sent twice
            row = found.row_id if found is not None else None
        try:
            result = await self._retrying(endpoint, attempt, durable=True)
        except (BadRequest, Forbidden) as e:  # the request itself is refused: sending it again cannot help
            if row is not None and self.store is not None:
                await self.db(self.store.failed, row, str(e))
            raise
        if row is not None and self.store is not None:
            await self.db(self.store.sent, row, json.dumps(result))
        if answer_id is not None:
            await asyncio.to_thread(self.on_delivered, answer_id)
        return result

    async def _retrying(self, endpoint: str, attempt: Callable[[], Awaitable[T]], durable: bool) -> T:
        loop = asyncio.get_running_loop()
        deadline = self.deadline if durable else UNTRACKED_DEADLINE
        started, delay = loop.time(), FIRST_BACKOFF
        while True:
            try:
                result = await attempt()
            except (BadRequest, Forbidden, InvalidToken, Conflict, EndPointNotFound):
                raise  # the request itself is wrong; retrying cannot help
            except RetryAfter as e:  # AIORateLimiter has already waited and retried it a few times
                error: TelegramError = e
                wait = retry_seconds(e)
            except NetworkError as e:  # 5xx, time-outs, connection errors
                error, wait, delay = e, delay, min(delay * 2, self.backoff_max)
            else:
                self._recovered(loop.time())
                return result
            self._failed(endpoint, error, loop.time(), deadline)
            remaining = started + deadline - loop.time()
            if remaining > 0 and not self.stopping.is_set():
                await self.nap(min(wait, remaining))
            if loop.time() >= started + deadline or self.stopping.is_set():
                if not durable:
                    raise error
                why = "the bot is stopping" if self.stopping.is_set() else f"still failing after {deadline:.0f} s"
                logger.warning(
                    "Telegram %s: %s (%s); the reply stays in the outbox and is sent later", endpoint, why, error
                )
                raise ReplyPending(f"{endpoint} not accepted yet: {error}") from error

    async def nap(self, seconds: float) -> None:
        """Sleep, but wake as soon as the bot is stopping."""
        with suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), timeout=seconds)

    def _failed(self, endpoint: str, error: TelegramError, now: float, deadline: float) -> None:
        if self._outage_since is None:
            self._outage_since = now
            logger.warning(
                "Telegram %s failed (%s); retrying with back-off for up to %.0f s", endpoint, error, deadline
            )
        else:
            logger.debug("Telegram %s failed again (%s)", endpoint, error)

    def _recovered(self, now: float) -> None:
        if self._outage_since is not None:
            logger.warning("Telegram accepts requests again after %.0f s of failures", now - self._outage_since)
            self._outage_since = None


class InboxQueue(asyncio.Queue[object]):
    """The application's update queue: an update is stored before it is queued (and before
    Telegram is told it arrived); one stored before is a redelivery and is dropped."""

    def __init__(self, courier: Courier) -> None:
        super().__init__()
        self.courier = courier

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self.courier.receive(item):
            logger.info("update %d arrived again; it was handled already", item.update_id)
            return
        await super().put(item)

    async def put_resumed(self, update: Update) -> None:
        """An update stored by an earlier run and not finished: queued without the duplicate check."""
        await super().put(update)


class InboxProcessor(BaseUpdateProcessor):
    """Runs an update's handlers (up to ``max_concurrent_updates`` at once) and marks it done after."""

    def __init__(self, courier: Courier, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.courier = courier

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if self.courier.stopping.is_set():  # left unfinished in the inbox: handled at the next start
            if inspect.iscoroutine(coroutine):
                coroutine.close()
            return
        token = HANDLING.set(Handling(update.update_id))
        try:
            await coroutine
        finally:
            HANDLING.reset(token)
        await self.courier.finish(update.update_id)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


async def resume(application: Application, courier: Courier) -> None:
    """At start: queue the updates an earlier run stored but did not finish, oldest first."""
    if courier.store is None:
        return
    rows = await courier.db(courier.store.unfinished, courier.bot_id) or []
    if rows:
        logger.warning("resuming %d update(s) the previous run received but did not finish", len(rows))
    queue = application.update_queue
    for _, body in rows:
        update = Update.de_json(json.loads(body), application.bot)
        if isinstance(queue, InboxQueue):
            await queue.put_resumed(update)
        else:
            await queue.put(update)


async def resend_unsent(application: Application, courier: Courier) -> int:
    """Send the requests the outbox still owes (their updates are done); returns how many went out."""
    if courier.store is None:
        return 0
    sent = 0
    for row in await courier.db(courier.store.unsent, courier.bot_id) or []:
        if courier.stopping.is_set():
            break
        token = RESENDING.set(row)
        try:
            with warnings.catch_warnings():  # PTB suggests bot.send_message; the stored parameters fit this call
                warnings.simplefilter("ignore")
                await application.bot.do_api_request(row.method, api_kwargs=json.loads(row.params))
            sent += 1
        except ReplyPending:
            break  # the Bot API is still down: the rest waits for the next sweep
        except TelegramError as e:
            logger.warning("an undelivered %s was refused when sent again: %s", row.method, e)
        finally:
            RESENDING.reset(token)
    if sent:
        logger.warning("%d reply(ies) delayed by an earlier outage or stop were delivered now", sent)
    return sent


async def keep_resending(application: Application, courier: Courier) -> None:
    """Every minute until the bot stops: deliver what the outbox owes, and prune old rows hourly."""
    loop = asyncio.get_running_loop()
    last_prune = loop.time()
    while not courier.stopping.is_set():
        await resend_unsent(application, courier)
        if courier.store is not None and loop.time() - last_prune > PRUNE_SECONDS:
            await courier.db(courier.store.prune)
            last_prune = loop.time()
        await courier.nap(RESEND_SECONDS)
