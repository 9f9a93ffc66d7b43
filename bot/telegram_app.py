"""The Telegram channel: a python-telegram-bot 22 application over the core.

Handlers are thin: they parse the update, run the (blocking) core in a worker thread so the event
loop keeps serving other chats, and render the channel-neutral ``Answer`` as Telegram HTML.
``build_application`` is the one code path for ``policybot serve`` and for the tests.
"""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
import secrets
import signal
import time
import uuid
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any
from urllib.parse import urlparse

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answer import Answer, Block
from bot.config import Settings
from bot.corpus import Document
from bot.service import PolicyService
from bot.storage import QueryLog, open_query_log

logger = logging.getLogger(__name__)

MAX_MESSAGE = 4096  # Telegram's limit on message text, in characters after entity parsing
MAX_CALLBACK_DATA = 64  # bytes
INLINE_RESULTS = 10
WORKERS = 4
EXAMPLES = ("大班额比例要控制在多少？", "职普比是多少", "孩子想学门手艺，可以去哪")
COMMANDS = (
    ("start", "开始使用"),
    ("help", "使用说明"),
    ("list", "按章节浏览全部条目"),
    ("point", "查看第N条全文，如 /point 8"),
    ("about", "关于本机器人和文件"),
)
BROWSE_HINT = "可以换个说法再问，或发送 /list 按章节浏览全部条目。"
UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看可用的命令。"
SOMETHING_WRONG = "抱歉，处理您的消息时出了点问题，请稍后再试。"
TRUNCATED = "……（内容过长，已截断）"
_PAYLOAD_RE = re.compile(r"^point_(\d{1,3})(?:_(\d{1,2}))?$")


# ------------------------------------------------------------------------------------------------
# rendering


def _render_block(block: Block) -> str:
    text = html.escape(block.text, quote=False)
    if block.role == "heading":
        return f"<b>{text}</b>"
    if block.role == "quote":
        return f"<blockquote>{text}</blockquote>"
    if block.role in ("related", "source"):
        return f"<i>{text}</i>"
    return text


def render_html(blocks: Sequence[Block], limit: int = MAX_MESSAGE) -> str:
    """Telegram HTML for an answer, never longer than ``limit`` visible characters.

    Each block is escaped and wrapped on its own, so trimming shortens a block's text and re-renders
    it: a tag is never cut. The longest block (a full point text) gives way first.
    """
    blocks = list(blocks)
    while True:
        rendered = "\n".join(_render_block(b) for b in blocks)
        visible = sum(len(b.text) for b in blocks) + len(blocks) - 1
        if visible <= limit:
            return rendered
        longest = max(range(len(blocks)), key=lambda i: len(blocks[i].text))
        excess = visible - limit
        text = blocks[longest].text
        keep = max(0, len(text) - excess - len(TRUNCATED))
        # Prefer to stop at the end of a sentence.
        cut = max(text.rfind(p, 0, keep) for p in "。；！？")
        keep = cut + 1 if cut > keep // 2 else keep
        blocks[longest] = Block(blocks[longest].role, text[:keep] + TRUNCATED)


def _callback(data: str) -> str:
    if len(data.encode("utf-8")) > MAX_CALLBACK_DATA:  # a programming error, caught by the tests
        raise ValueError(f"callback_data over {MAX_CALLBACK_DATA} bytes: {data!r}")
    return data


# ------------------------------------------------------------------------------------------------
# network resilience


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


# ------------------------------------------------------------------------------------------------
# handlers

CommandHandlerMethod = Callable[["PolicyBot", Message, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def command(handler: CommandHandlerMethod) -> Callable[..., Coroutine[Any, Any, None]]:
    """Wrap a command handler: it gets the message, and chats outside POLICYBOT_ALLOWED_CHAT_IDS
    get the polite refusal instead."""

    @functools.wraps(handler)
    async def wrapper(self: PolicyBot, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None:
            return
        if not self._allowed(update):
            await self._refuse_chat(message)
            return
        await handler(self, message, context)

    return wrapper


class PolicyBot:
    """The handlers, bound to one core service and one query log."""

    def __init__(self, settings: Settings, service: PolicyService, log: QueryLog) -> None:
        self.settings = settings
        self.service = service
        self.log = log
        self.executor = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="policybot")

    # -- helpers ----------------------------------------------------------------------------------

    async def _run(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking core work in a worker thread; the event loop keeps serving other chats."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(func, *args, **kwargs))

    @property
    def docs(self) -> tuple[Document, ...]:
        return self.service.corpus.documents

    def _doc_index(self, doc_id: str) -> int:
        return next(i for i, d in enumerate(self.docs) if d.doc_id == doc_id)

    def _allowed(self, update: Update) -> bool:
        allowed = self.settings.allowed_chat_ids
        chat = update.effective_chat
        return not allowed or (chat is not None and chat.id in allowed)

    def _is_admin(self, message: Message) -> bool:
        return message.from_user is not None and message.from_user.id in self.settings.admin_ids

    async def _refuse_chat(self, message: Message) -> None:
        await message.reply_text("抱歉，这个机器人只在指定的群组和会话中提供服务。")

    def answer_keyboard(self, answer: Answer, answer_id: str) -> InlineKeyboardMarkup | None:
        if not answer.found or not answer.citations:
            return None
        top = answer.citations[0]
        doc = self._doc_index(top.doc_id)
        row = []
        if answer.kind != "point":
            row.append(InlineKeyboardButton("全文", callback_data=_callback(f"full:{doc}:{top.point}")))
        related = [c for c in answer.citations[1:] if c.doc_id == top.doc_id]
        if related:
            numbers = ",".join(str(c.point) for c in related[:4])
            row.append(InlineKeyboardButton("相关条目", callback_data=_callback(f"rel:{doc}:{numbers}")))
        feedback = [
            InlineKeyboardButton("👍", callback_data=_callback(f"fb:{answer_id}:+")),
            InlineKeyboardButton("👎", callback_data=_callback(f"fb:{answer_id}:-")),
        ]
        return InlineKeyboardMarkup([row, feedback] if row else [feedback])

    async def reply_answer(self, message: Message, answer: Answer, chat_type: str) -> None:
        answer_id = uuid.uuid4().hex[:12]
        user = message.from_user.id if message.from_user else None
        await self._run(self.log.record_answer, answer_id, message.chat_id, user, chat_type, answer)
        await message.reply_html(render_html(answer.blocks), reply_markup=self.answer_keyboard(answer, answer_id),
                                 do_quote=chat_type != ChatType.PRIVATE)

    # -- commands -----------------------------------------------------------------------------

    @command
    async def start(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        if context.args and (m := _PAYLOAD_RE.match(context.args[0])):
            doc = int(m.group(2) or 0)
            return await self.send_point(message, doc, int(m.group(1)))
        titles = "、".join(f"《{d.title}》" for d in self.docs)
        points = sum(len(d.work_points) for d in self.docs)
        text = (
            f"您好！我可以回答关于{html.escape(titles)}的问题（共 {points} 条工作要点），"
            "每个回答都引用原文并注明出自第几条。\n\n"
            "直接发送问题即可，例如下面这些（点按钮试试）。\n"
            "/list 按章节浏览 · /point 8 查看第8条全文 · /help 使用说明"
        )
        buttons = [[InlineKeyboardButton(q, callback_data=_callback(f"ask:{i}"))] for i, q in enumerate(EXAMPLES)]
        await message.reply_html(text, reply_markup=InlineKeyboardMarkup(buttons))

    @command
    async def help(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        username = context.bot.username
        text = (
            "<b>怎么用</b>\n"
            "直接用中文（或英文）提问，例如“大班额比例要控制在多少？”。回答会引用文件原文，并注明第几条。"
            "找不到相关内容时会直接告诉您，不会编造。\n"
            "接着追问“具体怎么做？”或“那幼儿园呢？”会沿用上一个话题；"
            "“哪几条提到了大班额”会列出所有提到该词的条目。\n\n"
            "<b>命令</b>\n"
            "/list 按章节浏览全部条目\n/point N 查看第N条全文（0 为文件头）\n/about 文件和机器人信息\n\n"
            f"<b>在群里</b>\n@{html.escape(username or 'bot')} 加问题，或回复机器人的消息。\n"
            f"<b>在任意聊天中</b>\n输入 @{html.escape(username or 'bot')} 加关键词，选择条目直接发送。"
        )
        await message.reply_html(text)

    @command
    async def about(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        lines = ["<b>关于</b>"]
        for doc in self.docs:
            issued = " · ".join(x for x in (doc.issuer, doc.date) if x)
            lines.append(f"《{html.escape(doc.title)}》{html.escape(issued)}，共 {len(doc.work_points)} 条工作要点，"
                         f"{len(doc.sections)} 个部分")
        meta = self.service.index.meta
        lines.append(f"检索：关键词（jieba + BM25）与语义向量（{html.escape(str(meta.get('model')))}，"
                     f"{meta.get('dimension')} 维，FAISS）混合；索引构建于 {html.escape(str(meta.get('built_at')))}")
        lines.append("回答只引用原文并注明条目编号，找不到时直接说明。")
        await message.reply_html("\n".join(lines))

    @command
    async def point(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        args = context.args or []
        if len(args) != 1 or not args[0].isdigit():
            total = max(len(d.work_points) for d in self.docs)
            await message.reply_text(f"用法：/point N，N 是条目编号（0–{total}，0 为文件头），例如 /point 8")
            return
        await self.send_point(message, 0, int(args[0]))

    async def send_point(self, message: Message, doc: int, number: int, edit: bool = False) -> None:
        """Full text of a point: a new message, or (``edit``, browsing /list) the same message."""
        if doc >= len(self.docs):
            await message.reply_text("没有这份文件。发送 /list 查看全部条目。")
            return
        document = self.docs[doc]
        answer = self.service.composer.full_point(document.doc_id, number)
        if answer is None:
            total = len(document.work_points)
            await message.reply_text(f"没有第{number}条。条目编号是 0–{total}，发送 /list 浏览全部条目。")
            return
        section = next((s for s in document.sections if number in s.point_numbers), None)
        if edit and section is not None:
            back = InlineKeyboardButton("« 返回本部分", callback_data=_callback(f"sec:{doc}:{section.number}"))
        else:
            back = InlineKeyboardButton("« 目录", callback_data=_callback(f"list:{doc}"))
        markup = InlineKeyboardMarkup([[back]])
        if edit:
            await message.edit_text(render_html(answer.blocks), parse_mode=ParseMode.HTML, reply_markup=markup)
        else:
            await message.reply_html(render_html(answer.blocks), reply_markup=markup)

    def sections_view(self, doc: int) -> tuple[str, InlineKeyboardMarkup]:
        document = self.docs[doc]
        text = f"<b>《{html.escape(document.title)}》</b>\n请选择部分："
        rows = [[InlineKeyboardButton("文件头：文件信息与总体思路", callback_data=_callback(f"pt:{doc}:0"))]]
        rows += [[InlineKeyboardButton(s.heading[:60], callback_data=_callback(f"sec:{doc}:{s.number}"))]
                 for s in document.sections]
        if len(self.docs) > 1:
            rows.append([InlineKeyboardButton("« 全部文件", callback_data="docs")])
        return text, InlineKeyboardMarkup(rows)

    def documents_view(self) -> tuple[str, InlineKeyboardMarkup]:
        rows = [[InlineKeyboardButton(f"《{d.title}》"[:60], callback_data=_callback(f"list:{i}"))]
                for i, d in enumerate(self.docs)]
        return "<b>请选择文件：</b>", InlineKeyboardMarkup(rows)

    def section_view(self, doc: int, section_number: int) -> tuple[str, InlineKeyboardMarkup] | None:
        document = self.docs[doc]
        section = next((s for s in document.sections if s.number == section_number), None)
        if section is None:
            return None
        rows = []
        for n in section.point_numbers:
            point = document.point(n)
            if point is not None:
                rows.append([InlineKeyboardButton(f"第{n}条 {point.title}"[:60],
                                                  callback_data=_callback(f"pt:{doc}:{n}"))])
        rows.append([InlineKeyboardButton("« 返回目录", callback_data=_callback(f"list:{doc}"))])
        return f"<b>{html.escape(section.heading)}</b>", InlineKeyboardMarkup(rows)

    @command
    async def list(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        text, markup = self.documents_view() if len(self.docs) > 1 else self.sections_view(0)
        await message.reply_html(text, reply_markup=markup)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await self._unknown(update.effective_message, context)

    async def _unknown(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        if self._addressed(message, context):
            await message.reply_text(UNKNOWN_COMMAND)

    # -- admin (others get the same reply as for any unknown command) -------------------------

    @command
    async def stats(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._is_admin(message):
            return await self._unknown(message, context)
        await message.reply_text(await self._run(self.log.stats))

    @command
    async def reload(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._is_admin(message):
            return await self._unknown(message, context)
        await message.reply_text("正在从 corpus/ 重建索引，期间照常回答问题……")
        started = time.perf_counter()
        try:
            index = await self._run(self.service.reload)
        except Exception as e:  # noqa: BLE001 - report the failure to the admin, keep the old index
            logger.exception("reload failed")
            await message.reply_text(f"重建失败，继续使用原索引：{type(e).__name__}: {e}"[:MAX_MESSAGE])
            return
        docs = len(index.corpus.documents)
        points = sum(len(d.work_points) for d in index.corpus.documents)
        await message.reply_text(f"索引已更新：{docs} 份文件，{points} 条，用时 {time.perf_counter() - started:.1f} 秒。")

    # -- messages -----------------------------------------------------------------------------

    def _addressed(self, message: Message, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """In a group: a command, an @mention of the bot or a reply to one of its messages."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = context.bot
        if message.reply_to_message and message.reply_to_message.from_user \
                and message.reply_to_message.from_user.id == bot.id:
            return True
        username = (bot.username or "").lower()
        for entity, value in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION,
                                                      MessageEntity.BOT_COMMAND]).items():
            if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
                return True
            if entity.type == MessageEntity.MENTION and value.lower() == f"@{username}":
                return True
            if entity.type == MessageEntity.BOT_COMMAND and (
                    "@" not in value or value.lower().endswith(f"@{username}")):
                return True
        return False

    def _strip_mention(self, text: str, context: ContextTypes.DEFAULT_TYPE) -> str:
        username = context.bot.username
        if username:
            text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
        return text.strip()

    async def text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is None or message.text is None:
            return
        if not self._addressed(message, context):
            return  # group chatter not meant for the bot
        if not self._allowed(update):
            return await self._refuse_chat(message)
        question = self._strip_mention(message.text, context)
        if not question:
            await message.reply_text("请直接发送您的问题，例如：“大班额比例要控制在多少？”")
            return
        chat_key = f"tg:{message.chat_id}"
        answer = await self._run(self.service.ask, question, chat=chat_key, browse_hint=BROWSE_HINT)
        await self.reply_answer(message, answer, message.chat.type)

    # -- buttons ------------------------------------------------------------------------------

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.data is None:
            return
        if not self._allowed(update):
            await query.answer("抱歉，这个机器人只在指定的会话中提供服务。")
            return
        kind, _, rest = query.data.partition(":")
        message = query.message if isinstance(query.message, Message) else None
        try:
            if kind == "fb":
                answer_id, _, value = rest.partition(":")
                user = query.from_user.id if query.from_user else None
                await self._run(self.log.record_feedback, answer_id, value == "+", user)
                await query.answer("谢谢反馈！" if value == "+" else "谢谢反馈，我们会改进。")
                return
            await query.answer()
            if message is None:
                return
            if kind == "ask":
                i = int(rest)
                if 0 <= i < len(EXAMPLES):
                    answer = await self._run(self.service.ask, EXAMPLES[i], chat=f"tg:{message.chat_id}")
                    await self.reply_answer(message, answer, message.chat.type)
            elif kind in ("full", "pt"):
                # "pt" comes from /list browsing and edits in place; "full" sends a new message.
                doc, _, number = rest.partition(":")
                await self.send_point(message, int(doc), int(number), edit=kind == "pt")
            elif kind == "rel":
                doc, _, numbers = rest.partition(":")
                await self.send_related(message, int(doc), [int(n) for n in numbers.split(",") if n])
            elif kind == "list":
                text, markup = self.sections_view(int(rest))
                await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            elif kind == "docs":
                text, markup = self.documents_view()
                await message.edit_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            elif kind == "sec":
                doc, _, section = rest.partition(":")
                view = self.section_view(int(doc), int(section))
                if view:
                    await message.edit_text(view[0], parse_mode=ParseMode.HTML, reply_markup=view[1])
        except (ValueError, IndexError):
            logger.warning("ignoring malformed callback data %r", query.data)

    async def send_related(self, message: Message, doc: int, numbers: list[int]) -> None:
        document = self.docs[doc]
        blocks = [Block("heading", "相关条目")]
        rows = []
        for n in numbers:
            point = document.point(n)
            if point is None:
                continue
            first = point.sentences[0] if point.sentences else point.title
            blocks.append(Block("item", f"第{n}条 {point.title}：“{first}”"))
            rows.append([InlineKeyboardButton(f"第{n}条全文", callback_data=_callback(f"full:{doc}:{n}"))])
        await message.reply_html(render_html(blocks), reply_markup=InlineKeyboardMarkup(rows) if rows else None)

    # -- inline mode -----------------------------------------------------------------------------

    async def inline(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.inline_query
        if query is None:
            return
        text = query.query.strip()
        if not text:
            await query.answer([], cache_time=10)
            return
        clauses = await self._run(self.service.clauses, text, INLINE_RESULTS)
        articles = [
            InlineQueryResultArticle(
                id=str(i),
                title=clause.blocks[0].text[:100],
                description=(clause.citations[0].sentences or (clause.citations[0].title,))[0][:200],
                input_message_content=InputTextMessageContent(render_html(clause.blocks), parse_mode=ParseMode.HTML),
            )
            for i, clause in enumerate(clauses)
        ]
        await query.answer(articles, cache_time=60)

    # -- errors -----------------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, SOMETHING_WRONG)
            except Exception:  # noqa: BLE001 - already in the error path; the log has the cause
                logger.warning("could not tell the user about the error", exc_info=True)


# ------------------------------------------------------------------------------------------------
# application


def build_application(settings: Settings, service: PolicyService, log: QueryLog | None = None) -> Application:
    """The Application `policybot serve` runs; tests point it at a fake Bot API through the settings."""
    if settings.telegram_token is None:
        raise ValueError("POLICYBOT_TELEGRAM_TOKEN is not set; get a token from @BotFather and set it")
    token = settings.telegram_token.get_secret_value()
    # Before PTB is built: it logs its API URLs, which contain the token, at DEBUG level.
    install_token_redaction(token)
    log = log or open_query_log(settings)
    handlers = PolicyBot(settings, service, log)

    async def post_init(application: Application) -> None:
        await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])
        logger.info("bot @%s ready", application.bot.username)

    async def post_shutdown(application: Application) -> None:
        handlers.executor.shutdown(wait=False, cancel_futures=True)
        log.close()

    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_api_url)
        .rate_limiter(ResilientRateLimiter())
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .connect_timeout(settings.telegram_timeout)
        .read_timeout(settings.telegram_timeout)
        .write_timeout(settings.telegram_timeout)
        .pool_timeout(settings.telegram_timeout)
        .connection_pool_size(64)
    )
    if settings.telegram_file_url:
        builder = builder.base_file_url(settings.telegram_file_url)
    application = builder.build()
    application.bot_data["handlers"] = handlers

    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("help", handlers.help))
    application.add_handler(CommandHandler("about", handlers.about))
    application.add_handler(CommandHandler("list", handlers.list))
    application.add_handler(CommandHandler("point", handlers.point))
    application.add_handler(CommandHandler("stats", handlers.stats))
    application.add_handler(CommandHandler("reload", handlers.reload))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(InlineQueryHandler(handlers.inline))
    application.add_error_handler(handlers.on_error)
    return application


def serve(settings: Settings, service: PolicyService) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when POLICYBOT_WEBHOOK_URL is set."""
    application = build_application(settings, service)
    stop_signals = (signal.SIGINT, signal.SIGTERM)
    if settings.webhook_url:
        secret = (settings.webhook_secret.get_secret_value() if settings.webhook_secret
                  else secrets.token_urlsafe(32))
        path = urlparse(settings.webhook_url).path.lstrip("/")
        logger.info("starting webhook on %s:%d/%s", settings.webhook_listen, settings.webhook_port, path)
        application.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port, url_path=path,
                                webhook_url=settings.webhook_url, secret_token=secret,
                                allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    else:
        logger.info("starting long polling")
        application.run_polling(allowed_updates=Update.ALL_TYPES, stop_signals=stop_signals)
    logger.info("stopped")
    return 0
