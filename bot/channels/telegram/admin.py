"""Commands for the staff in POLICYBOT_ADMIN_IDS: /stats, /teach N and /reload.

To anyone else they do not exist: the reply is the same as for any unknown command, so the bot
does not advertise what it would refuse. The loop they support: a question gets a poor answer
(👎 or 未找到) → an admin replies to that answer with ``/teach N`` → the question is stored in the
database's taught questions (``bot/taught.py``, checked like the plan's question bank file
``bot/bank.py``), where every replica sees it → ``/reload`` on any replica rebuilds its index with
it → the same question is now answered with 第N条. Staff move taught questions into the bank file
for review with ``policybot taught --export``.
"""

from __future__ import annotations

import logging
import time

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot import presentation as P
from bot.bank import BankError, BankQuestion
from bot.corpus import Document
from bot.index import build_changes
from bot.render import MAX_MESSAGE
from bot.storage import StorageError
from bot.taught import open_taught, teach_in_database

from . import keyboards as K
from .callbacks import answer_id_in, doc_key_in
from .handlers import ChannelState, state_of, unknown

logger = logging.getLogger(__name__)

TEACH, RELOAD = "/teach", "/reload"


async def _admin_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Message | None:
    """The command's message when an admin sent it; otherwise the unknown-command reply and None."""
    message = update.effective_message
    if message is None:
        return None
    if not state_of(context).is_admin(update):
        await unknown(message, context)
        return None
    return message


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, state = await _admin_message(update, context), state_of(context)
    if message is None:
        return
    stats = await state.run(state.log.stats)
    if stats is None:
        await message.reply_text(P.say("stats_off"))
        return
    text = P.stats_text(
        stats.today, stats.today_not_found, stats.week, stats.week_not_found, stats.thumbs_up, stats.thumbs_down
    )
    if message.chat.type == ChatType.PRIVATE or message.from_user is None:
        await message.reply_text(text)
        return
    # Usage figures are for staff: in a group they go to the admin's private chat, not to everyone.
    await context.bot.send_message(message.from_user.id, text)


async def reload_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Rebuild the index from the corpus folder (new plans, taught questions); the old index keeps
    answering until the new one is installed, and stays when the build fails."""
    message, state = await _admin_message(update, context), state_of(context)
    if message is None:
        return
    await message.reply_text(P.say("reloading"))
    started = time.perf_counter()
    before = state.service.index.meta
    try:
        index = await state.run(state.service.reload)
    except Exception as e:
        logger.exception("reload failed")
        await message.reply_text(P.say("reload_failed", error=f"{type(e).__name__}: {e}")[:MAX_MESSAGE])
        return
    docs = index.corpus.documents
    await message.reply_text(
        P.say(
            "reloaded",
            docs=len(docs),
            points=sum(len(d.work_points) for d in docs),
            questions=index.meta.get("unit_counts", {}).get("question", 0),
            embedded=index.meta.get("embedded", 0),
            seconds=time.perf_counter() - started,
        )
        + "\n"
        + P.changes_line(build_changes(before, index.meta))
    )


async def teach_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/teach N, as a reply to one of the bot's answers: that answer's question → point N."""
    message, state = await _admin_message(update, context), state_of(context)
    if message is None:
        return
    replied = message.reply_to_message
    # The answer id rides on the answer's vote buttons (or on the 'recorded' button after a vote).
    answer_id = K.find(replied.reply_markup, answer_id_in) if replied is not None else None
    args = context.args or []
    if answer_id is None or replied is None or len(args) != 1 or not args[0].isdigit():
        await message.reply_text(P.say("teach_usage", teach=TEACH))
        return
    question = await state.run(state.log.question_for, answer_id)
    if question is None:
        await message.reply_text(P.say("teach_no_question"))
        return
    who = message.from_user.id if message.from_user is not None else None
    await message.reply_text(await _teach(state, replied, question, int(args[0]), who))


def _store_taught(state: ChannelState, doc: Document, question: str, point: int, who: int | None) -> BankQuestion:
    """Into the database every replica reads (opened per /teach: teaching is rare)."""
    settings = state.settings
    store = open_taught(settings.resolved_database_url, settings.hash_salt.get_secret_value())
    try:
        return teach_in_database(store, settings.corpus_dir, doc, question, point, who, "telegram").bank_question
    finally:
        store.close()


async def _teach(state: ChannelState, replied: Message, question: str, point: int, who: int | None) -> str:
    # The plan the answer cited (its 全文 / 相关条目 buttons name it), or the first plan when the
    # answer cited none (未找到).
    doc = state.document(K.find(replied.reply_markup, doc_key_in)) or state.documents[0]
    try:
        entry = await state.run(_store_taught, state, doc, question, point, who)
    except BankError as e:
        reason = P.say(f"teach_{e.reason}", "zh", **e.values) if e.reason else str(e)
        return P.say("teach_failed", error=reason)
    except StorageError as e:  # the database is down: say so, the admin can try again
        logger.error("/teach could not store the question: %s", e)
        return P.say("teach_failed", error=str(e))
    return P.say("taught", question=entry.question, n=entry.point, reload=RELOAD)
