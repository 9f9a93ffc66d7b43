"""Taught questions in the database (bot/taught.py), on SQLite and on PostgreSQL: the bank's checks,
one row per phrasing even across replicas, read-only reading for the build, export into the bank
file, drop. Fast tier: no model."""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import bot.storage as storage
from bot.bank import BankError, BankQuestion, bank_path, read_bank, taught_hashes, with_taught
from bot.corpus import Corpus, load_corpus
from bot.storage import SqlQueryLog, salted_hash
from bot.taught import TaughtStore, export_to_files, open_taught, read_taught, teach_in_database
from tests.conftest import SECOND_PLAN, sql

DOC = "second"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(SECOND_PLAN, folder / f"{DOC}.txt")  # six points
    (folder / f"{DOC}.questions.tsv").write_text("食堂谁管\t5\n", encoding="utf-8")
    return folder


@pytest.fixture
def corpus(corpus_dir: Path) -> Corpus:
    return load_corpus(corpus_dir)


@pytest.fixture
def store(database_url: str):
    """The table on each backend (SQLite, then PostgreSQL), as /teach opens it."""
    s = open_taught(database_url, salt="pepper")
    yield s
    s.close()


def _teach(store: TaughtStore, corpus_dir: Path, corpus: Corpus, question: str, point: int, who: int = 7):
    return teach_in_database(store, corpus_dir, corpus.documents[0], question, point, who, "telegram")


def test_a_taught_question_is_stored_with_a_hashed_teacher(
    store: TaughtStore, corpus_dir: Path, corpus: Corpus, database_url: str
) -> None:
    row = _teach(store, corpus_dir, corpus, "  足球队\t一周练几次 ", 2, who=123456789)
    assert (row.doc_id, row.question, row.point, row.source, row.exported_at) == (
        DOC,
        "足球队 一周练几次",
        2,
        "telegram",
        None,
    )
    stored = sql(database_url, "SELECT doc_id, question, point, taught_by, source FROM taught")
    # The teacher as the log stores a user: a salted hash, never the id.
    assert stored == [(DOC, "足球队 一周练几次", 2, salted_hash("pepper", 123456789), "telegram")]
    assert "123456789" not in str(sql(database_url, "SELECT * FROM taught"))
    assert [r.question for r in read_taught(database_url)] == ["足球队 一周练几次"]


def test_the_bank_checks_apply_to_the_file_and_the_table(
    store: TaughtStore, corpus_dir: Path, corpus: Corpus, database_url: str
) -> None:
    _teach(store, corpus_dir, corpus, "足球队一周练几次", 2)
    cases = [
        ("食堂谁管？", 3, "duplicate", {"point": 5, "question": "食堂谁管"}),  # in the file, punctuation aside
        ("ＦＯＯＴＢＡＬＬ", 1, None, None),
        ("football", 4, "duplicate", {"point": 1, "question": "ＦＯＯＴＢＡＬＬ"}),  # width and case aside
        ("足球队一周练几次?", 1, "duplicate", {"point": 2, "question": "足球队一周练几次"}),  # in the table
        ("   ", 2, "empty", {}),
        ("长" * 301, 2, "too_long", {"limit": 300}),
        ("别的问题", 99, "no_point", {"point": 99, "last": 6}),
    ]
    for question, point, reason, values in cases:
        if reason is None:
            _teach(store, corpus_dir, corpus, question, point)
            continue
        with pytest.raises(BankError) as caught:
            _teach(store, corpus_dir, corpus, question, point)
        assert caught.value.reason == reason and values.items() <= caught.value.values.items()
    assert [r.question for r in store.rows()] == ["足球队一周练几次", "ＦＯＯＴＢＡＬＬ"]
    assert read_bank(bank_path(corpus_dir, DOC), DOC) == [BankQuestion(DOC, "食堂谁管", 5)]  # file untouched


def test_replicas_teaching_the_same_phrasing_at_once_store_it_once(
    database_url: str, corpus_dir: Path, corpus: Corpus
) -> None:
    """Both pass the check before either stores (two replicas, one database): the unique key decides."""
    stores = [open_taught(database_url, salt="s") for _ in range(6)]
    entry = BankQuestion(DOC, "校服怎么买", 4)
    try:
        with ThreadPoolExecutor(6) as pool:
            outcomes = list(pool.map(lambda s: _outcome(s, entry), stores))
    finally:
        for s in stores:
            s.close()
    assert sorted(outcomes) == ["duplicate"] * 5 + ["stored"]
    assert sql(database_url, "SELECT question, point FROM taught") == [("校服怎么买", 4)]


def _outcome(store: TaughtStore, entry: BankQuestion) -> str:
    try:
        store.add(entry, None, "cli")
    except BankError as e:
        return e.reason
    return "stored"


def test_reading_for_the_build_never_creates_or_migrates(tmp_path: Path, pg_url: str, monkeypatch) -> None:
    missing = tmp_path / "data" / "policybot.sqlite3"
    assert read_taught(f"sqlite:///{missing}") == [] and not missing.parent.exists()
    assert read_taught(pg_url) == []  # an empty database: no schema is created
    assert sql(pg_url, "SELECT to_regclass('schema_version')") == [(None,)]
    # A database from before the table: nothing taught, nothing migrated.
    monkeypatch.setattr(storage, "MIGRATIONS", storage.MIGRATIONS[:3])
    SqlQueryLog(pg_url, salt="s").close()
    monkeypatch.undo()
    assert read_taught(pg_url) == []
    assert sql(pg_url, "SELECT version FROM schema_version") == [(3,)]


def test_an_older_database_gains_the_table(database_url: str, monkeypatch, corpus_dir: Path, corpus: Corpus) -> None:
    monkeypatch.setattr(storage, "MIGRATIONS", storage.MIGRATIONS[:3])
    SqlQueryLog(database_url, salt="s").close()
    monkeypatch.undo()
    store = open_taught(database_url, salt="s")
    try:
        assert store._schema == len(storage.MIGRATIONS)
        _teach(store, corpus_dir, corpus, "足球队一周练几次", 2)
    finally:
        store.close()
    assert [r.point for r in read_taught(database_url)] == [2]


def test_export_merges_into_the_bank_file_sorted_and_marks_rows(
    store: TaughtStore, corpus_dir: Path, corpus: Corpus, database_url: str
) -> None:
    _teach(store, corpus_dir, corpus, "足球队一周练几次", 2)
    _teach(store, corpus_dir, corpus, "课后服务几点结束", 1)
    bank = bank_path(corpus_dir, DOC)
    bank.write_text(bank.read_text(encoding="utf-8") + "课后服务几点结束\t1\n", encoding="utf-8")  # by hand
    # A row whose point the plan no longer has (a plan edited after teaching) is not exported.
    sql(
        database_url,
        "INSERT INTO taught (doc_id, question, question_key, point, taught_at, source) VALUES (?, ?, ?, ?, ?, ?)",
        (DOC, "旧问题", "旧问题", 9, 1.0, "cli"),
    )
    done = export_to_files(store, corpus_dir, corpus)
    assert done.written == {bank: 1} and done.already == 1 and done.marked == 2
    assert [(row.question, why) for row, why in done.skipped] == [("旧问题", "second has no point 9")]
    lines = [x for x in bank.read_text(encoding="utf-8").splitlines() if not x.startswith("#")]
    assert lines == ["课后服务几点结束\t1", "足球队一周练几次\t2", "食堂谁管\t5"]  # sorted by point
    assert [r.question for r in store.rows(include_exported=False)] == ["旧问题"]
    again = export_to_files(store, corpus_dir, corpus)
    assert again.written == {} and again.marked == 0 and len(again.skipped) == 1
    # Exported rows stay in the table: a replica whose file is older still takes them in.
    assert len(read_taught(database_url)) == 3


def test_drop_removes_rows(store: TaughtStore, corpus_dir: Path, corpus: Corpus) -> None:
    kept = _teach(store, corpus_dir, corpus, "足球队一周练几次", 2)
    gone = _teach(store, corpus_dir, corpus, "球队", 3)
    assert [r.id for r in store.drop([gone.id, 999])] == [gone.id]
    assert [r.id for r in store.rows()] == [kept.id]
    _teach(store, corpus_dir, corpus, "球队", 1)  # dropped: the phrasing can be taught again


def test_the_build_takes_taught_rows_in_once_and_records_them(corpus: Corpus) -> None:
    file_rows = [BankQuestion(DOC, "食堂谁管", 5)]
    taught = [
        BankQuestion(DOC, "食堂谁管?", 5),
        BankQuestion(DOC, "足球", 2),
        BankQuestion(DOC, "x", 99),
        BankQuestion("gone", "y", 1),
    ]
    # Already in the file (exported), a point or plan no longer there: left out.
    assert with_taught(file_rows, taught, corpus) == (BankQuestion(DOC, "食堂谁管", 5), BankQuestion(DOC, "足球", 2))
    recorded = taught_hashes(taught)
    assert {d: r["questions"] for d, r in recorded.items()} == {DOC: 3, "gone": 1}
    assert taught_hashes(reversed(taught)) == recorded  # order does not matter
    assert taught_hashes(taught[1:]) != recorded


def test_the_report_marks_questions_already_taught(
    store: TaughtStore, corpus_dir: Path, corpus: Corpus, database_url: str
) -> None:
    """After /teach the question stays in the log's unanswered list: shown as taught, not as a
    command that would fail as a duplicate. Reading what is known writes nothing."""
    from bot.compose import Answer, Block
    from bot.presentation import REPORT
    from bot.report import build_report
    from bot.taught import known_phrasings

    log = SqlQueryLog(database_url, salt="s")
    for i, question in enumerate(["足球队一周练几次", "食堂谁管", "校服怎么买"]):
        log.record_answer(f"a{i}", i, i, "private", Answer(question, "not_found", (Block("note", "x"),), ()))
    _teach(store, corpus_dir, corpus, "足球队一周练几次？", 2)
    known = known_phrasings(corpus_dir, corpus, database_url)
    assert known == {"足球队一周练几次": 2, "食堂谁管": 5}
    teach = {r["question"]: r["teach"] for r in build_report(log, days=1, known=known).unanswered}
    log.close()
    assert teach == {
        "足球队一周练几次": REPORT["taught"].format(n=2),
        "食堂谁管": REPORT["taught"].format(n=5),
        "校服怎么买": 'policybot teach "校服怎么买" N',
    }
    assert [r.exported_at for r in store.rows()] == [None]


def test_text_no_database_can_hold_is_cleaned_before_it_is_stored(
    store: TaughtStore, corpus_dir: Path, corpus: Corpus, database_url: str
) -> None:
    row = _teach(store, corpus_dir, corpus, "校服\x00怎么\ud800买", 4)
    assert row.question == "校服 怎么?买"
    assert sql(database_url, "SELECT question FROM taught") == [("校服 怎么?买",)]
