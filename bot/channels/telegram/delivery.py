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
- ``take_over`` (at start, then three times per lease) hands the handlers again the updates that
  were stored but not finished by a process that died or stopped (this one before a restart, or
  another replica); ``keep_leases`` renews the leases of what this process holds meanwhile, so
  that no live replica's update is taken. ``resend_unsent`` (at start, then every minute) sends
  what the outbox still owes, each request claimed first. ``InboxProcessor`` counts every start
  of an update's handling and quarantines one that keeps killing the process.

When the database cannot be written the bot keeps answering from memory (the rule of the query
log: answers go out whatever the database does) and logs it once.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import json
import logging
import os
import secrets
import socket
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
QUARANTINE_SEQ = 1_000_000  # outbox request numbers of a quarantine reply (an update makes a few requests)


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


def new_owner() -> str:
    """This process's name on the rows it claims: host, pid and a random part (a restarted
    process may get the same pid, in a container always)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


@dataclass
class Claims:
    """What this process holds in the shared inbox and outbox, under its owner name. Only touched
    from the event loop."""

    lease: float = 30.0  # seconds a claim lasts unless renewed (POLICYBOT_INBOX_LEASE_SECONDS)
    max_attempts: int = 3  # handling starts before an update is quarantined (POLICYBOT_MAX_HANDLING_ATTEMPTS)
    owner: str = field(default_factory=new_owner)
    updates: set[int] = field(default_factory=set)  # received or taken over, not finished yet
    requests: set[int] = field(default_factory=set)  # outbox rows being sent again


class Courier:
    """The async side of the inbox and outbox, shared by the queue, the processor and the rate limiter."""

    def __init__(
        self, store: DeliveryStore | None, deadline: float, backoff_max: float, claims: Claims | None = None
    ) -> None:
        self.store = store
        self.deadline = deadline
        self.backoff_max = backoff_max
        self.claims = claims or Claims()
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
        """Store and claim an incoming update; False for a redelivery of one stored before."""
        if self.store is None:
            return True
        body, claims = json.dumps(update.to_dict()), self.claims
        new = await self.db(self.store.receive, self.bot_id, update.update_id, body, claims.owner, claims.lease)
        if new:
            claims.updates.add(update.update_id)
        return new is not False  # None: the store failed, and the update is answered from memory

    async def begin(self, update_id: int) -> int | None:
        """Count a start of the update's handling: the number of starts so far, 0 when another
        replica holds it now (or it is done), None without a working store."""
        if self.store is None:
            return None
        return await self.db(self.store.begin, self.bot_id, update_id, self.claims.owner, self.claims.lease)

    async def finish(self, update_id: int) -> None:
        self.claims.updates.discard(update_id)
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
    """Runs an update's handlers (up to ``max_concurrent_updates`` at once) and marks it done after.

    Each start is counted in the inbox first. An update that is another replica's by now is
    skipped, and one whose handling already started ``max_attempts`` times without finishing —
    it keeps killing the process — is quarantined: marked done, logged (its id, never its
    text), and ``on_quarantine`` tells the user something went wrong."""

    def __init__(self, courier: Courier, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.courier = courier
        self.on_quarantine: Callable[[Update], Awaitable[Any]] | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if self.courier.stopping.is_set():  # left unfinished in the inbox: handled at the next start
            _close(coroutine)
            return
        attempts = await self.courier.begin(update.update_id)
        if attempts == 0:
            _close(coroutine)
            self.courier.claims.updates.discard(update.update_id)
            logger.info("update %d is another replica's now; not handled here", update.update_id)
            return
        limit = self.courier.claims.max_attempts
        quarantined = attempts is not None and attempts > limit
        # A quarantine reply gets request numbers of its own: the update's first requests may
        # have been sent before one of the crashes, and would be replayed instead.
        token = HANDLING.set(Handling(update.update_id, itertools.count(QUARANTINE_SEQ if quarantined else 0)))
        try:
            if quarantined:
                _close(coroutine)
                await self._quarantine(update, limit)
            else:
                await coroutine
        finally:
            HANDLING.reset(token)
        await self.courier.finish(update.update_id)

    async def _quarantine(self, update: Update, limit: int) -> None:
        logger.error(
            "update %d quarantined: its handling started %d times and never finished (it may crash the bot); "
            "it is dropped and the user is told something went wrong",
            update.update_id,
            limit,
        )
        if self.on_quarantine is not None:
            try:
                await self.on_quarantine(update)
            except TelegramError as e:  # a pending reply stays in the outbox; anything else is logged
                if not isinstance(e, ReplyPending):
                    logger.warning("could not tell the user about a quarantined update: %s", e)

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass


def _close(coroutine: Awaitable[Any]) -> None:
    if inspect.iscoroutine(coroutine):
        coroutine.close()


async def take_over(application: Application, courier: Courier) -> int:
    """Queue the updates whose lease ran out — received by a process that died or stopped before
    finishing them (this one before a restart, or another replica) — oldest first."""
    if courier.store is None:
        return 0
    claims = courier.claims
    rows = await courier.db(courier.store.take_over, courier.bot_id, claims.owner, claims.lease) or []
    rows = [(u, body) for u, body in rows if u not in claims.updates]  # already queued here
    if rows:
        logger.warning("resuming %d update(s) received but not finished by a process that stopped or died", len(rows))
    queue = application.update_queue
    for update_id, body in rows:
        claims.updates.add(update_id)
        update = Update.de_json(json.loads(body), application.bot)
        if isinstance(queue, InboxQueue):
            await queue.put_resumed(update)
        else:
            await queue.put(update)
    return len(rows)


async def keep_leases(application: Application, courier: Courier) -> None:
    """Until the bot stops, three times per lease: renew the leases on what this process holds,
    then take over what a dead one left."""
    claims = courier.claims
    while not courier.stopping.is_set():
        await courier.nap(claims.lease / 3)
        if courier.stopping.is_set() or courier.store is None:
            break
        renew = courier.store.renew
        await courier.db(renew, courier.bot_id, claims.owner, claims.lease, set(claims.updates), set(claims.requests))
        await take_over(application, courier)


async def resend_unsent(application: Application, courier: Courier) -> int:
    """Send the requests the outbox still owes (their updates are done), each claimed first so
    that two replicas never send the same one; returns how many went out."""
    if courier.store is None:
        return 0
    sent, claims = 0, courier.claims
    for row in await courier.db(courier.store.unsent, courier.bot_id) or []:
        if courier.stopping.is_set():
            break
        if not await courier.db(courier.store.claim_request, row.row_id, claims.owner, claims.lease):
            continue  # another replica is sending it
        claims.requests.add(row.row_id)
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
            claims.requests.discard(row.row_id)
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
