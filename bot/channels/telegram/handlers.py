"""The handlers for everyday use: commands, questions, the buttons under answers, inline mode, errors.

In the style of PTB's examples, each handler is one small ``async def name(update, context)``.
What they share (settings, the core service, the query log, a worker pool, the follow-up context
and the pages of long answers) is one ``ChannelState`` in ``context.bot_data``, set up by
``app.build_application``. Nothing a later update needs lives only in this process: context and
pages are in the database (when there is one), so any replica can answer any update.

Handlers stay thin: they parse the update, run the blocking core in a worker thread (the event
loop keeps serving other chats meanwhile), and render the core's channel-neutral ``Answer`` with
``bot.render.as_html``. Every word shown comes from ``bot/presentation.py``. Admin commands live
in ``admin.py`` and /list browsing in ``browse.py``.
"""

from __future__ import annotations

import asyncio
import html
import logging
import math
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import presentation as P
from bot.compose import Answer, Block
from bot.config import Settings
from bot.corpus import Document
from bot.dialog import ChatMemory
from bot.pages import MemoryPages, PageStore
from bot.plans import docs_rows, newest_first
from bot.presentation import Lang
from bot.render import as_html, line_pages
from bot.service import PolicyService
from bot.storage import QueryLog
from bot.understand import point_args

from . import keyboards as K
from .callbacks import (
    BrowsePoint,
    Contents,
    DeepLink,
    Example,
    FullText,
    OpenPoint,
    Page,
    Related,
    SectionView,
    Vote,
    answer_id_for,
    find_document,
)
from .delivery import Courier, ReplyPending, carrying

logger = logging.getLogger(__name__)

STATE = "policybot"  # the key of the ChannelState in application.bot_data
WORKERS = 4  # threads for the blocking core; more would only contend for the CPU
PAGE_SIZE = 10  # list items per message page
LIST, HELP = "/list", "/help"  # command syntax, a parameter of the presentation texts

T = TypeVar("T")


@dataclass
class ChannelState:
    """What every handler needs, built once per application."""

    settings: Settings
    service: PolicyService
    log: QueryLog
    courier: Courier
    # Follow-up context and the pages of long answers: in the database when there is one, so that
    # any replica can answer the next message or page button (bot/dialog.py, bot/pages.py).
    conversations: ChatMemory | None = None
    pages: PageStore = field(default_factory=MemoryPages)
    executor: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="policybot")
    )

    async def run(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking core work in a worker thread; the event loop keeps serving other chats."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(func, *args, **kwargs))

    @property
    def documents(self) -> tuple[Document, ...]:
        return self.service.corpus.documents

    def document(self, key: str | None) -> Document | None:
        """The plan a button names by its stable key; None once that plan is no longer loaded."""
        return find_document(self.documents, key) if key else None

    def allowed(self, update: Update) -> bool:
        """POLICYBOT_ALLOWED_CHAT_IDS: the chat, or for inline queries the sender's private chat."""
        allowed = self.settings.allowed_chat_ids
        if not allowed:
            return True
        if update.effective_chat is not None:
            return update.effective_chat.id in allowed
        return update.effective_user is not None and update.effective_user.id in allowed

    @property
    def secret(self) -> str:
        return self.settings.hash_salt.get_secret_value()

    def is_admin(self, update: Update) -> bool:
        return update.effective_user is not None and update.effective_user.id in self.settings.admin_ids


def state_of(context: ContextTypes.DEFAULT_TYPE) -> ChannelState:
    return context.bot_data[STATE]


# -- group etiquette and small helpers -------------------------------------------------------------


def addressed(message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """In a group the bot speaks only when spoken to: a command, an @mention, or a reply to it."""
    if message.chat.type == ChatType.PRIVATE:
        return True
    bot = context.bot
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        return True
    me = f"@{(bot.username or '').lower()}"
    kinds: list[str | None] = [MessageEntity.MENTION, MessageEntity.TEXT_MENTION, MessageEntity.BOT_COMMAND]
    for entity, value in message.parse_entities(kinds).items():
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
        if entity.type == MessageEntity.MENTION and value.lower() == me:
            return True
        # "/help" is for every bot in the group; "/help@otherbot" is not for us.
        if entity.type == MessageEntity.BOT_COMMAND and ("@" not in value or value.lower().endswith(me)):
            return True
    return False


def strip_mention(text: str, username: str | None) -> str:
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return text.strip()


async def edit(message: Message, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    """Edit a message in place; pressing the same button twice is not an error."""
    try:
        await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=keyboard)
    except BadRequest as e:
        if "not modified" not in str(e).lower():
            raise


async def expired(query: CallbackQuery, lang: Lang = "zh") -> None:
    """A button whose plan (or answer) is gone: say so, in a pop-up the user must acknowledge."""
    await query.answer(P.say("expired", lang, list=LIST), show_alert=True)


# The routes whose buttons name a plan by its key.
DocRoute = TypeVar("DocRoute", FullText, Related, OpenPoint, Contents, SectionView, BrowsePoint)


def pressed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, route_type: type[DocRoute]
) -> tuple[CallbackQuery, Message, ChannelState, DocRoute, Document | None] | None:
    """The common start of a button that names a plan: the query, its message, the state, the
    decoded route and the plan (None when the plan is gone: the button has expired)."""
    query, state = update.callback_query, state_of(context)
    if query is None or not isinstance(query.message, Message):
        return None
    route = route_type.decode(query.data)
    return query, query.message, state, route, state.document(route.doc)


async def unknown(message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
    if addressed(message, context):
        await message.reply_text(P.say("unknown_command", help=HELP))


async def gatekeeper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler (group -1): updates from chats outside
    POLICYBOT_ALLOWED_CHAT_IDS get a polite refusal, or an empty inline answer, and stop here."""
    state = state_of(context)
    if state.allowed(update):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(P.say("refuse_chat"))
    elif update.inline_query is not None:
        await update.inline_query.answer([], cache_time=10, is_personal=True)
    elif update.effective_message is not None and addressed(update.effective_message, context):
        await update.effective_message.reply_text(P.say("refuse_chat"))
    raise ApplicationHandlerStop


# -- commands --------------------------------------------------------------------------------------


async def start_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start greets with example buttons; /start point_8[_<key>] (a deep link) opens a point."""
    message, state = update.effective_message, state_of(context)
    if message is None:
        return
    link = DeepLink.decode(context.args[0]) if context.args else None
    if link is not None:
        doc = state.document(link.doc) if link.doc else state.documents[0]
        if doc is None:
            await message.reply_text(P.say("expired", list=LIST))
            return
        await send_point(message, state, doc, link.point)
        return
    docs = state.documents
    text = P.start_text([d.title for d in docs], sum(len(d.work_points) for d in docs))
    await message.reply_text(text, reply_markup=K.examples_keyboard())


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(P.help_text(context.bot.username or "bot"))


async def about_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    state = state_of(context)
    if update.effective_message is None:
        return
    meta = state.service.index.meta
    docs = [(d.title, d.issuer, d.date, len(d.work_points), len(d.sections)) for d in state.documents]
    first, *rest = P.about_lines(docs, str(meta.get("model")), meta.get("dimension"), str(meta.get("built_at")))
    lines = [f"<b>{html.escape(first)}</b>", *(html.escape(line) for line in rest)]
    await update.effective_message.reply_html("\n".join(lines))


async def docs_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/docs: the loaded plans, newest first, and the files that could not be read."""
    if update.effective_message is None:
        return
    corpus = state_of(context).service.corpus
    # A long list of failed files must not exceed Telegram's message limit: several messages.
    for page in line_pages(P.docs_lines(*docs_rows(corpus))):
        await update.effective_message.reply_text(page)


async def privacy_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(P.privacy_text(state_of(context).settings.retention_days))


async def point_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/point N (or /point 2022 N): the full text of point N (0 is the header). With several plans
    loaded and no year, one button per plan."""
    message, state = update.effective_message, state_of(context)
    if message is None:
        return
    docs = newest_first(state.service.corpus)
    parsed = point_args(" ".join(context.args or []))
    if parsed is None:
        await message.reply_text(P.say("point_usage", point="/point", last=docs[0].last_point))
        return
    year, number = parsed
    chosen = [d for d in docs if d.year == year] if year is not None else docs
    if not chosen:
        await message.reply_text(P.say("no_plan_year", years=year, loaded=P.titles([d.title for d in docs])))
    elif len(chosen) > 1:
        example = f"/point {chosen[0].year} {number}"
        await message.reply_text(
            P.say("which_plan", n=len(chosen), example=example), reply_markup=K.plans_keyboard(chosen, number)
        )
    else:
        await send_point(message, state, chosen[0], number)


async def send_point(message: Message, state: ChannelState, doc: Document, number: int, lang: Lang = "zh") -> None:
    """A point's full text as a new message, with a way into the contents."""
    answer = state.service.engine.composer.full_point(doc.doc_id, number, lang)
    if answer is None:
        await message.reply_text(P.say("no_point", lang, n=number, last=doc.last_point, list=LIST))
        return
    await message.reply_html(as_html(answer.blocks, lang=lang), reply_markup=K.point_back_keyboard(doc, number, False))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_message is not None:
        await unknown(update.effective_message, context)


# -- questions -------------------------------------------------------------------------------------


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A question: answered in private chats, and in groups when the bot is addressed."""
    message, state = update.effective_message, state_of(context)
    if message is None or message.text is None or not addressed(message, context):
        return  # group chatter not meant for the bot
    question = strip_mention(message.text, context.bot.username)
    if not question:
        await message.reply_text(P.say("ask_directly", example=P.EXAMPLES["zh"][0]))
        return
    answer = await state.run(state.service.ask, question, chat=f"tg:{message.chat_id}", memory=state.conversations)
    user_id = update.effective_user.id if update.effective_user else None
    await reply_answer(message, state, answer, user_id, answer_id_for(context.bot.id, update.update_id, state.secret))


async def example_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An example question under /start, asked as if typed."""
    query, state = update.callback_query, state_of(context)
    if query is None or not isinstance(query.message, Message):
        return
    await query.answer()
    examples = P.EXAMPLES["zh"]
    index = Example.decode(query.data).index
    if index < len(examples):
        chat = f"tg:{query.message.chat_id}"
        answer = await state.run(state.service.ask, examples[index], chat=chat, memory=state.conversations)
        answer_id = answer_id_for(context.bot.id, update.update_id, state.secret)
        await reply_answer(query.message, state, answer, query.from_user.id, answer_id)


def page_of(answer: Sequence[Block], lang: Lang, page: int) -> tuple[list[Block], int]:
    """The blocks of one page of a long list answer (every block that is not a list item, plus
    this page's items and a page line) and the number of pages; few items are one page."""
    items = [i for i, b in enumerate(answer) if b.role == "item"]
    pages = max(1, math.ceil(len(items) / PAGE_SIZE))
    if pages == 1:
        return list(answer), 1
    page = min(max(page, 0), pages - 1)
    shown = items[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    blocks = []
    for i, block in enumerate(answer):
        if block.role != "item" or i in shown:
            blocks.append(block)
        if i == shown[-1]:
            blocks.append(Block("note", P.say("page", lang, page=page + 1, pages=pages)))
    return blocks, pages


async def reply_answer(
    message: Message, state: ChannelState, answer: Answer, user_id: int | None, answer_id: str
) -> None:
    """Log the answer under its id (the same when a crash makes the update be handled again) and
    reply with its first page and its buttons; the log row is marked delivered with the reply."""
    await state.run(state.log.record_answer, answer_id, message.chat_id, user_id, message.chat.type, answer)
    blocks, pages = page_of(answer.blocks, answer.lang, 0)
    if pages > 1:  # stored before the reply goes out: a page button may reach another replica
        await state.run(state.pages.put, answer_id, answer.lang, answer.blocks)
    keyboard = K.answer_keyboard(answer, answer_id, 0, pages)
    # In a group the reply quotes the question, so everyone sees whom it answers.
    with carrying(answer_id):
        await message.reply_html(
            as_html(blocks, lang=answer.lang), reply_markup=keyboard, do_quote=message.chat.type != ChatType.PRIVATE
        )


# -- the buttons under an answer -------------------------------------------------------------------


async def full_text_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """全文: the answer becomes the whole point, in place; the other buttons (votes) stay."""
    if (found := pressed(update, context, FullText)) is None:
        return
    query, message, state, route, doc = found
    answer = state.service.engine.composer.full_point(doc.doc_id, route.point, route.lang) if doc else None
    if answer is None:
        await expired(query, route.lang)
        return
    await query.answer()
    keyboard = K.without_button(message.reply_markup, route.encode())
    await edit(message, as_html(answer.blocks, lang=route.lang), keyboard)


async def related_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """相关条目: the plan's further cited points, each with its first sentence, as a new message."""
    if (found := pressed(update, context, Related)) is None:
        return
    query, message, state, route, doc = found
    if doc is None:
        await expired(query, route.lang)
        return
    await query.answer()
    listed = state.service.engine.composer.points_list(doc.doc_id, list(route.points), route.lang)
    keyboard = K.related_keyboard(doc, [c.point for c in listed.citations], route.lang)
    await message.reply_html(as_html(listed.blocks, lang=route.lang), reply_markup=keyboard)


async def open_point_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A point from the 相关条目 list, as a new message so the list stays readable."""
    if (found := pressed(update, context, OpenPoint)) is None:
        return
    query, message, state, route, doc = found
    if doc is None:
        await expired(query, route.lang)
        return
    await query.answer()
    await send_point(message, state, doc, route.point, route.lang)


async def vote_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎: stored against the answer; the vote row then shows the vote instead of both buttons."""
    query, state = update.callback_query, state_of(context)
    if query is None:
        return
    route = Vote.decode(query.data)
    await state.run(state.log.record_feedback, route.answer_id, route.positive, query.from_user.id)
    await query.answer(P.say("feedback_thanks_up" if route.positive else "feedback_thanks_down", route.lang))
    if isinstance(query.message, Message):
        keyboard = K.replace_rows(
            query.message.reply_markup, (Vote,), K.voted_row(route.answer_id, route.positive, route.lang)
        )
        try:
            await query.message.edit_reply_markup(keyboard)
        except BadRequest as e:  # two quick presses: the second finds the row already changed
            if "not modified" not in str(e).lower():
                raise


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Registered last: data no route matches, e.g. a button sent by an older version of the bot.
    Answering it stops the spinner and tells the user to ask again."""
    if update.callback_query is not None:
        logger.info("stale or unknown callback data %r", update.callback_query.data)
        await expired(update.callback_query)


async def voted_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The 'recorded' button does nothing; answering the query stops the client's spinner."""
    if update.callback_query is not None:
        await update.callback_query.answer()


async def page_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Another page of a long list, in place; the answer's blocks come from the page store."""
    query, state = update.callback_query, state_of(context)
    if query is None or not isinstance(query.message, Message):
        return
    route = Page.decode(query.data)
    stored = await state.run(state.pages.get, route.answer_id)
    if stored is None:
        await query.answer(P.say("page_expired", route.lang), show_alert=True)
        return
    await query.answer()
    lang, answer = stored
    blocks, pages = page_of(answer, lang, route.page)
    keyboard = K.replace_rows(
        query.message.reply_markup, (Page,), K.page_row(route.answer_id, route.page, pages, route.lang)
    )
    await edit(query.message, as_html(blocks, lang=lang), keyboard)


# -- inline mode and errors ------------------------------------------------------------------------


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """@bot 关键词 in any chat: the clauses that pass the decision stage, each ready to send."""
    query, state = update.inline_query, state_of(context)
    if query is None:
        return
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=10)
        return
    clauses = await state.run(state.service.clauses, text)
    articles = [
        InlineQueryResultArticle(
            id=str(i),
            title=clause.blocks[0].text[:100],
            description=(clause.citations[0].sentences or (clause.citations[0].title,))[0][:200],
            input_message_content=InputTextMessageContent(
                as_html(clause.blocks, lang=clause.lang), parse_mode=ParseMode.HTML
            ),
        )
        for i, clause in enumerate(clauses)
    ]
    # Telegram caches inline answers for everyone; with an allow-list the answer is per user.
    await query.answer(articles, cache_time=60, is_personal=bool(state.settings.allowed_chat_ids))


async def tell_quarantined(bot: Bot, update: Update) -> None:
    """An update that kept crashing the bot was dropped (``delivery.InboxProcessor``): the user
    gets the generic error reply, where there is a chat to send it to."""
    if update.effective_chat is not None:
        await bot.send_message(update.effective_chat.id, P.say("something_wrong"))


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log the cause, and tell the user something went wrong. A reply
    still pending in the outbox is no error (the courier has logged it, and it will be sent)."""
    if isinstance(context.error, ReplyPending):
        return
    logger.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, P.say("something_wrong"))
        except Exception:
            logger.warning("could not tell the user about the error", exc_info=True)
