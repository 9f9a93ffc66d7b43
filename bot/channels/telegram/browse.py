"""/list: browse the plans by part and point with buttons, editing one message in place.

plans (only when several are loaded) → one plan's parts → one part's points → one point's full
text, each step with a way back. Buttons name a plan by its stable key (``callbacks.doc_key``),
so a /list message from before a /reload still opens the right plan, or says it has expired.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot import presentation as P
from bot.corpus import Document
from bot.render import as_html

from . import keyboards as K
from .callbacks import BrowsePoint, Contents, SectionView
from .handlers import edit, expired, pressed, state_of

View = tuple[str, InlineKeyboardMarkup | None]


def documents_view(documents: Sequence[Document]) -> View:
    return f"<b>{html.escape(P.say('choose_document'))}</b>", K.documents_keyboard(documents)


def contents_view(doc: Document, several: bool) -> View:
    text = f"<b>{html.escape(P.titles([doc.title]))}</b>\n{html.escape(P.say('choose_section'))}"
    return text, K.contents_keyboard(doc, several)


def section_view(doc: Document, number: int) -> View | None:
    section = next((s for s in doc.sections if s.number == number), None)
    if section is None:
        return None
    return f"<b>{html.escape(section.heading)}</b>", K.section_keyboard(doc, section)


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message, docs = update.effective_message, state_of(context).documents
    if message is None:
        return
    text, keyboard = documents_view(docs) if len(docs) > 1 else contents_view(docs[0], several=False)
    await message.reply_html(text, reply_markup=keyboard)


async def documents_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or not isinstance(query.message, Message):
        return
    await query.answer()
    await edit(query.message, *documents_view(state_of(context).documents))


async def contents_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (found := pressed(update, context, Contents)) is None:
        return
    query, message, state, _, doc = found
    if doc is None:
        await expired(query)
        return
    await query.answer()
    await edit(message, *contents_view(doc, several=len(state.documents) > 1))


async def section_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (found := pressed(update, context, SectionView)) is None:
        return
    query, message, _, route, doc = found
    view = section_view(doc, route.section) if doc else None
    if view is None:
        await expired(query)
        return
    await query.answer()
    await edit(message, *view)


async def browse_point_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if (found := pressed(update, context, BrowsePoint)) is None:
        return
    query, message, state, route, doc = found
    answer = state.service.engine.composer.full_point(doc.doc_id, route.point) if doc else None
    if doc is None or answer is None:
        await expired(query)
        return
    await query.answer()
    await edit(message, as_html(answer.blocks), K.point_back_keyboard(doc, route.point, browsing=True))
