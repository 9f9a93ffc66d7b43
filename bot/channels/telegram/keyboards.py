"""Inline keyboards: which buttons go under which message, built from typed routes.

Every label comes from ``bot/presentation.py`` in the answer's language; every ``callback_data``
comes from a route in ``callbacks.py``. A keyboard is edited row by row after a press (the vote
row becomes "recorded: 👍", the page row moves on, the 全文 button goes once used), so the
helpers at the end find and replace rows by the route their buttons carry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import presentation as P
from bot.compose import Answer
from bot.corpus import Document, Section
from bot.presentation import Lang

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
    doc_key,
)

BUTTON_CHARS = 60  # longer labels are cut: a phone shows about this much on one line
RELATED_BUTTON_POINTS = 4  # points the 相关条目 button lists
VOTED_STATUSES = ("answered", "related", "not_found")  # answers staff want rated (and can /teach)

Row = list[InlineKeyboardButton]


def button(label: str, route: Route) -> InlineKeyboardButton:
    return InlineKeyboardButton(label[:BUTTON_CHARS], callback_data=route.encode())


def markup(rows: Sequence[Row]) -> InlineKeyboardMarkup | None:
    rows = [r for r in rows if r]
    return InlineKeyboardMarkup(rows) if rows else None


# -- answers ---------------------------------------------------------------------------------------


def action_row(answer: Answer) -> Row:
    """全文 for the top point and 相关条目 for the plan's other cited points.

    A point look-up already is the full text; a mentions list, a run of points and a part of the plan
    are lists, with no single point to expand, and they already quote every point the related button
    would repeat.
    """
    if not answer.citations or answer.kind in ("point", "points", "mentions", "section"):
        return []
    top, lang = answer.citations[0], answer.lang
    key = doc_key(top.doc_id)
    row = [button(P.say("full", lang), FullText(key, top.point, lang))]
    others = [c.point for c in answer.citations[1:] if c.doc_id == top.doc_id and c.point != top.point]
    numbers = tuple(dict.fromkeys(others))[:RELATED_BUTTON_POINTS]
    if numbers:
        row.append(button(P.say("related_button", lang), Related(key, numbers, lang)))
    return row


def page_row(answer_id: str, page: int, pages: int, lang: Lang) -> Row:
    row = []
    if page > 0:
        row.append(button(P.say("previous", lang), Page(answer_id, page - 1, lang)))
    if page + 1 < pages:
        row.append(button(P.say("more", lang), Page(answer_id, page + 1, lang)))
    return row


def vote_row(answer_id: str, lang: Lang) -> Row:
    return [
        button(P.vote_label(True), Vote(answer_id, True, lang)),
        button(P.vote_label(False), Vote(answer_id, False, lang)),
    ]


def voted_row(answer_id: str, positive: bool, lang: Lang) -> Row:
    return [button(P.say("feedback_done", lang, vote=P.vote_label(positive)), Voted(answer_id))]


def answer_keyboard(answer: Answer, answer_id: str, page: int = 0, pages: int = 1) -> InlineKeyboardMarkup | None:
    votes = vote_row(answer_id, answer.lang) if answer.status in VOTED_STATUSES else []
    return markup([action_row(answer), page_row(answer_id, page, pages, answer.lang), votes])


def related_keyboard(doc: Document, numbers: Sequence[int], lang: Lang) -> InlineKeyboardMarkup | None:
    key = doc_key(doc.doc_id)
    return markup(
        [
            [button(P.say("open_point", lang, label=P.point_label(n, lang=lang)), OpenPoint(key, n, lang))]
            for n in numbers
            if doc.point(n) is not None
        ]
    )


def plans_keyboard(documents: Sequence[Document], number: int, lang: Lang = "zh") -> InlineKeyboardMarkup | None:
    """/point N with several plans loaded: one button per plan, newest first."""
    return markup(
        [
            [
                button(
                    f"{d.year or ''} {P.titles([d.title])} {P.point_label(number, lang=lang)}",
                    OpenPoint(doc_key(d.doc_id), number, lang),
                )
            ]
            for d in documents
        ]
    )


def examples_keyboard(lang: Lang = "zh") -> InlineKeyboardMarkup | None:
    return markup([[button(q, Example(i))] for i, q in enumerate(P.EXAMPLES[lang])])


# -- browsing (/list) ------------------------------------------------------------------------------


def documents_keyboard(documents: Sequence[Document]) -> InlineKeyboardMarkup | None:
    return markup([[button(P.titles([d.title]), Contents(doc_key(d.doc_id)))] for d in documents])


def contents_keyboard(doc: Document, several: bool) -> InlineKeyboardMarkup | None:
    key = doc_key(doc.doc_id)
    rows = [[button(P.header_button(), BrowsePoint(key, 0))]]
    rows += [[button(P.section_button(s.heading), SectionView(key, s.number))] for s in doc.sections]
    if several:  # a way back to the other plans
        rows.append([button(P.say("all_documents"), Documents())])
    return markup(rows)


def section_keyboard(doc: Document, section: Section) -> InlineKeyboardMarkup | None:
    key = doc_key(doc.doc_id)
    rows = [
        [button(P.heading(n, point.title), BrowsePoint(key, n))]
        for n in section.point_numbers
        if (point := doc.point(n)) is not None
    ]
    rows.append([button(P.say("back_contents"), Contents(key))])
    return markup(rows)


def point_back_keyboard(doc: Document, number: int, browsing: bool) -> InlineKeyboardMarkup | None:
    """Under a point's full text: back to its part while browsing, else to the contents."""
    key = doc_key(doc.doc_id)
    section = next((s for s in doc.sections if number in s.point_numbers), None)
    if browsing and section is not None:
        return markup([[button(P.say("back_section"), SectionView(key, section.number))]])
    return markup([[button(P.say("back_contents"), Contents(key))]])


# -- editing a keyboard after a press -------------------------------------------------------------


def rows_of(keyboard: InlineKeyboardMarkup | None) -> list[Row]:
    return [list(row) for row in keyboard.inline_keyboard] if keyboard else []


def carries(row: Sequence[InlineKeyboardButton], *routes: type[Route]) -> bool:
    return any(isinstance(b.callback_data, str) and r.PATTERN.fullmatch(b.callback_data) for b in row for r in routes)


def replace_rows(
    keyboard: InlineKeyboardMarkup | None, routes: tuple[type[Route], ...], new: Row
) -> InlineKeyboardMarkup | None:
    """The keyboard with the rows carrying ``routes`` replaced by ``new`` (appended when none did,
    dropped when ``new`` is empty); the other rows stay as they are."""
    rows, placed = [], False
    for row in rows_of(keyboard):
        if carries(row, *routes):
            if not placed:
                rows.append(new)
            placed = True
        else:
            rows.append(row)
    if not placed:
        rows.append(new)
    return markup(rows)


def without_button(keyboard: InlineKeyboardMarkup | None, data: str) -> InlineKeyboardMarkup | None:
    """The keyboard minus the button that carries ``data`` (e.g. 全文 once it has been used)."""
    return markup([[b for b in row if b.callback_data != data] for row in rows_of(keyboard)])


def find(keyboard: InlineKeyboardMarkup | None, read: Callable[[str | None], str | None]) -> str | None:
    """The first value ``read`` finds in a button's callback data (an answer id, a document key)."""
    for row in rows_of(keyboard):
        for b in row:
            if isinstance(b.callback_data, str) and (value := read(b.callback_data)) is not None:
                return value
    return None
