"""The question bank: how people ask about each point, kept as data beside the plan.

``corpus/<plan>.questions.tsv`` holds one example per line, ``question<TAB>point``, sorted by point
and then question so a taught question is a one-line diff. The index holds every example as a unit
of kind ``question`` that votes for its point (dense and keyword); the quote in an answer is still
the plan's own sentence.

``teach`` adds an example after checking that the point exists and the question is new. The same
checks (``checked``, ``ensure_new``) guard questions taught into the database (``bot/taught.py``),
which the index build takes in beside the file (``with_taught``): a question taught on one replica
reaches every replica's next ``/reload`` without a file on any one machine.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.corpus import Corpus, Document
from bot.text import storable

SUFFIX = ".questions.tsv"
HEADER = (
    "# How people ask about each point: question<TAB>point. Kept sorted by point, then question.\n"
    '# Add entries with `policybot teach "question" N`; they vote for point N, the quote stays the plan\'s own text.\n'
)
MAX_QUESTION_CHARS = 300
TEACH_LOCK = threading.Lock()  # one writer of a bank file at a time in this process


class BankError(ValueError):
    """A question bank file is malformed, or a question cannot be taught. ``reason`` and ``values``
    let a channel say it in its own words (presentation key ``teach_<reason>``); ``str()`` is the
    one-line English message the command line prints."""

    def __init__(self, message: str, reason: str = "", **values: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.values = values


@dataclass(frozen=True)
class BankQuestion:
    doc_id: str
    question: str
    point: int


def bank_path(corpus_dir: Path, doc_id: str) -> Path:
    return corpus_dir / f"{doc_id}{SUFFIX}"


def _clean(question: str) -> str:
    # One line, no tabs: the file format has no quoting. No NUL (PostgreSQL text cannot hold it) and
    # no lone surrogate (not UTF-8: no file or database can store it), whichever channel it came from.
    text = storable(question.replace("\x00", " "))
    return " ".join(text.replace("\t", " ").split())


def question_key(question: str) -> str:
    """What makes two phrasings the same question: width, case and closing punctuation ignored."""
    return unicodedata.normalize("NFKC", question).casefold().strip(" ?？。.!！")


def read_bank(path: Path, doc_id: str) -> list[BankQuestion]:
    """Examples in ``path``; a missing file is an empty bank. Errors name the line."""
    if not path.exists():
        return []
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        question, sep, point = line.rpartition("\t")
        if not sep or not point.strip().isdigit() or not question.strip():
            raise BankError(f"{path}:{n}: expected 'question<TAB>point number'")
        rows.append(BankQuestion(doc_id, question.strip(), int(point)))
    return rows


def load_bank(corpus_dir: Path, corpus: Corpus) -> tuple[BankQuestion, ...]:
    """Every document's examples, skipping (with no error) examples of points the plan lacks."""
    found: list[BankQuestion] = []
    for doc in corpus.documents:
        numbers = {p.number for p in doc.points}
        found += [q for q in read_bank(bank_path(corpus_dir, doc.doc_id), doc.doc_id) if q.point in numbers]
    return tuple(found)


def write_bank(path: Path, rows: list[BankQuestion]) -> None:
    """Sorted, one example per line, written atomically (a crash never leaves half a file)."""
    ordered = sorted({(r.point, r.question) for r in rows})
    body = HEADER + "".join(f"{question}\t{point}\n" for point, question in ordered)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def checked(doc: Document, question: str, point: int) -> BankQuestion:
    """The example to teach, normalised to one line; raises BankError when it is empty, over
    ``MAX_QUESTION_CHARS`` or names a point ``doc`` lacks."""
    question = _clean(question)
    if not question:
        raise BankError('the question is empty; write it in quotes: policybot teach "question" N', "empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise BankError(
            f"the question is over {MAX_QUESTION_CHARS} characters; teach a shorter one",
            "too_long",
            limit=MAX_QUESTION_CHARS,
        )
    if doc.point(point) is None:
        last = doc.last_point
        raise BankError(
            f"{doc.doc_id} has no point {point}; points are 0–{last} (0 = the header)",
            "no_point",
            title=doc.title,
            point=point,
            last=last,
        )
    return BankQuestion(doc.doc_id, question, point)


def ensure_new(rows: Iterable[BankQuestion], question: str) -> None:
    """Raises BankError when ``question`` is already among ``rows`` (for any point)."""
    key = question_key(question)
    for row in rows:
        if question_key(row.question) == key:
            raise duplicate_error(row)


def duplicate_error(row: BankQuestion) -> BankError:
    return BankError(
        f"already in the bank for point {row.point}: {row.question}",
        "duplicate",
        point=row.point,
        question=row.question,
    )


def teach(corpus_dir: Path, doc: Document, question: str, point: int) -> BankQuestion:
    """Add one example to ``doc``'s bank file. Raises BankError when the point does not exist or the
    question is already there (for any point)."""
    entry = checked(doc, question, point)
    path = bank_path(corpus_dir, doc.doc_id)
    with TEACH_LOCK:  # two /teach at once must not both read the old file and drop one question
        rows = read_bank(path, doc.doc_id)
        ensure_new(rows, entry.question)
        write_bank(path, [*rows, entry])
    return entry


def merge_into_file(corpus_dir: Path, doc_id: str, entries: Iterable[BankQuestion]) -> int:
    """Add the ``entries`` the bank file does not hold yet, keeping it sorted; returns how many were new."""
    path = bank_path(corpus_dir, doc_id)
    with TEACH_LOCK:
        rows = read_bank(path, doc_id)
        merged = _joined(rows, entries, lambda q: True)
        if len(merged) > len(rows):
            write_bank(path, list(merged))
    return len(merged) - len(rows)


def with_taught(
    bank: Iterable[BankQuestion], taught: Iterable[BankQuestion], corpus: Corpus
) -> tuple[BankQuestion, ...]:
    """The file's examples and, after them, the taught ones the file does not hold yet (a taught
    question stays in the database after it was exported into the file: counted once). Taught
    questions of a plan or point no longer loaded are left out, as in ``load_bank``."""
    points = {(p.doc_id, p.number) for p in corpus.points}
    return _joined(bank, taught, lambda q: (q.doc_id, q.point) in points)


def _joined(
    rows: Iterable[BankQuestion], extra: Iterable[BankQuestion], keep: Callable[[BankQuestion], bool]
) -> tuple[BankQuestion, ...]:
    """``rows``, then each kept row of ``extra`` whose question (per plan) is not there yet."""
    joined = list(rows)
    seen = {(r.doc_id, question_key(r.question)) for r in joined}
    for q in extra:
        key = (q.doc_id, question_key(q.question))
        if key not in seen and keep(q):
            seen.add(key)
            joined.append(q)
    return tuple(joined)


def taught_hashes(taught: Iterable[BankQuestion]) -> dict[str, dict[str, object]]:
    """Per plan, how many questions the database held and a hash of them: the index records what
    it took in, so a question taught on another replica makes it stale."""
    lines: dict[str, list[str]] = {}
    for q in taught:
        lines.setdefault(q.doc_id, []).append(f"{q.point}\t{q.question}\n")
    return {
        doc_id: {"questions": len(rows), "sha256": hashlib.sha256("".join(sorted(rows)).encode()).hexdigest()}
        for doc_id, rows in sorted(lines.items())
    }
