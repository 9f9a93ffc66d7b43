"""The core, assembled once: settings → text processor, encoder, index → retriever → composer.

Channels (console, Telegram) hold one ``PolicyService`` and call ``ask``. Heavy resources are loaded
here once and injected everywhere else.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, replace

from sentence_transformers import SentenceTransformer

from bot.answer import Answer, Block, Composer
from bot.config import Settings
from bot.corpus import Corpus
from bot.dialog import Conversations, Topic, follow_up_kind, mention_term
from bot.embedding import load_encoder
from bot.index import (
    IndexMissingError,
    IndexStaleError,
    PolicyIndex,
    build_and_save,
    load_index,
    text_fingerprint,
)
from bot.retrieval import CueList, Expander, Retriever, SearchResult, load_params
from bot.text import TextProcessor

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resources:
    """The parts of the core that do not depend on the index and survive a reload."""

    settings: Settings
    tp: TextProcessor
    encoder: SentenceTransformer
    expander: Expander
    cues: CueList

    @classmethod
    def load(cls, settings: Settings) -> Resources:
        return cls(
            settings=settings,
            tp=TextProcessor(),
            encoder=load_encoder(settings.embedding_model, threads=settings.encoder_threads,
                                 cache_dir=settings.data_dir / "cache"),
            expander=Expander(),
            cues=CueList.from_file(),
        )

    def fingerprint(self) -> dict[str, str]:
        return text_fingerprint(self.tp)

    def build(self, progress: bool = False) -> PolicyIndex:
        s = self.settings
        return build_and_save(s.corpus_dir, s.index_dir, self.encoder, self.tp, s.embedding_model,
                              s.embedding_batch_size, progress, self.fingerprint())

    def load_index(self, build_if_needed: bool = False, progress: bool = False) -> PolicyIndex:
        """Load the index; with ``build_if_needed`` a missing or stale index is rebuilt first."""
        s = self.settings
        try:
            return load_index(s.index_dir, s.embedding_model, s.corpus_dir, self.fingerprint())
        except (IndexMissingError, IndexStaleError) as e:
            if not build_if_needed:
                raise
            logger.info("%s — building it now", e)
            return self.build(progress=progress)


@dataclass(frozen=True)
class Engine:
    """One index with the retriever and composer built on it; replaced as a whole on reload."""

    index: PolicyIndex
    retriever: Retriever
    composer: Composer


class PolicyService:
    """Answers questions. Thread-safe: the Telegram channel calls ``ask`` from worker threads."""

    def __init__(self, resources: Resources, index: PolicyIndex) -> None:
        self.resources = resources
        self.settings = resources.settings
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, SearchResult] = OrderedDict()
        self.conversations = Conversations(ttl=self.settings.context_ttl_seconds)
        self._install(index)

    @classmethod
    def from_settings(cls, settings: Settings, build_if_needed: bool = True, progress: bool = False) -> PolicyService:
        resources = Resources.load(settings)
        return cls(resources, resources.load_index(build_if_needed=build_if_needed, progress=progress))

    def _install(self, index: PolicyIndex) -> None:
        r = self.resources
        retriever = Retriever(index, r.encoder, r.tp, r.expander, load_params(self.settings.embedding_model), r.cues)
        engine = Engine(index, retriever, Composer(index.corpus, self.settings.max_related))
        # A request takes the engine once, so it sees the old or the new index, never a mix.
        with self._lock:
            self._engine = engine
            self._cache.clear()

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def index(self) -> PolicyIndex:
        return self._engine.index

    @property
    def retriever(self) -> Retriever:
        return self._engine.retriever

    @property
    def composer(self) -> Composer:
        return self._engine.composer

    @property
    def corpus(self) -> Corpus:
        return self._engine.index.corpus

    # -- answering -----------------------------------------------------------------------------

    def search(self, question: str, engine: Engine | None = None) -> SearchResult:
        """Ranked points for a question, from the answer cache when it was asked before."""
        engine = engine or self._engine
        key = engine.retriever.tp.normalize(question)
        size = self.settings.cache_size
        if size:
            with self._lock:
                cached = self._cache.get(key) if engine is self._engine else None
                if cached is not None:
                    self._cache.move_to_end(key)
            if cached is not None:
                return cached
        result = engine.retriever.search(question, k=1 + self.settings.max_related)
        if size:
            with self._lock:
                if engine is self._engine:  # a reload in between: do not cache the old index's result
                    self._cache[key] = result
                    while len(self._cache) > size:
                        self._cache.popitem(last=False)
        return result

    def clauses(self, question: str, k: int = 10) -> list[Answer]:
        """Up to ``k`` relevant points, each as a cited clause (inline mode); none when out of scope."""
        engine = self._engine
        result = engine.retriever.search(question, k=k)
        if not result.in_scope:
            return []
        return [engine.composer.clause(hit) for hit in result.hits if hit.score > 0]

    def ask(self, question: str, chat: str | None = None, browse_hint: str = "") -> Answer:
        """Answer one message. With ``chat`` (a per-chat key) follow-ups use the previous topic."""
        started = time.perf_counter()
        engine = self._engine
        question = question.strip()
        normalized = engine.retriever.tp.normalize(question)

        term = mention_term(normalized)
        if term:
            answer = engine.composer.mentions(question, term, engine.retriever.tp.normalize)
            return self._finish(answer, started, chat)

        topic = self.conversations.get(chat) if chat else None
        kind = follow_up_kind(normalized) if topic else None
        if topic and kind == "elaborate":
            full = engine.composer.full_point(topic.doc_id, topic.point)
            if full is not None:
                return self._finish(_in_context(full, question, topic), started, chat)
        if topic and kind == "ellipsis":
            result = engine.retriever.search(question, k=1 + self.settings.max_related, context=topic.question)
            if result.in_scope:
                answer = engine.composer.compose(result, browse_hint=browse_hint)
                return self._finish(_in_context(answer, question, topic), started, chat)

        result = self.search(question, engine)
        return self._finish(engine.composer.compose(result, browse_hint=browse_hint), started, chat)

    def _finish(self, answer: Answer, started: float, chat: str | None) -> Answer:
        if chat and answer.found and answer.citations and answer.kind in ("answer", "point"):
            top = answer.citations[0]
            # The topic keeps the question that established it, not a bare "具体呢".
            previous = self.conversations.get(chat)
            question = previous.question if answer.context_used and previous else answer.question
            self.conversations.set(chat, Topic(question, top.doc_id, top.point, time.monotonic()))
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    # -- maintenance ---------------------------------------------------------------------------

    def reload(self, rebuild: bool = True) -> PolicyIndex:
        """Rebuild (or reload) the index from corpus/ while the old one keeps answering."""
        index = self.resources.build() if rebuild else self.resources.load_index()
        self._install(index)
        return index


def _in_context(answer: Answer, question: str, topic: Topic) -> Answer:
    """An answer that used the chat's previous topic says so in its first line."""
    note = Block("note", f"（接上文“{topic.question}”）")
    return replace(answer, question=question, blocks=(note, *answer.blocks), context_used=True)
