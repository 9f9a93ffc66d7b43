"""The core, assembled once: settings → text processor, encoder, index → retriever → composer.

Channels (console, Telegram) hold one ``PolicyService`` and call ``ask``. Heavy resources are loaded
here once and injected everywhere else.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from sentence_transformers import SentenceTransformer

from bot.answer import Answer, Composer
from bot.config import Settings
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
            encoder=load_encoder(settings.embedding_model, threads=settings.encoder_threads),
            expander=Expander(),
            cues=CueList(),
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


class PolicyService:
    """Answers questions. Thread-safe: the Telegram channel calls ``ask`` from worker threads."""

    def __init__(self, resources: Resources, index: PolicyIndex) -> None:
        self.resources = resources
        self.settings = resources.settings
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, SearchResult] = OrderedDict()
        self._install(index)

    @classmethod
    def from_settings(cls, settings: Settings, build_if_needed: bool = True, progress: bool = False) -> PolicyService:
        resources = Resources.load(settings)
        return cls(resources, resources.load_index(build_if_needed=build_if_needed, progress=progress))

    def _install(self, index: PolicyIndex) -> None:
        r = self.resources
        params = load_params(self.settings.embedding_model)
        retriever = Retriever(index, r.encoder, r.tp, r.expander, params, r.cues)
        composer = Composer(index.corpus, self.settings.max_related)
        # One assignment each, under the lock: a request sees either the old or the new index.
        with self._lock:
            self.index = index
            self.retriever = retriever
            self.composer = composer
            self._cache.clear()

    @property
    def corpus(self):  # noqa: ANN201 - convenience accessor
        return self.index.corpus

    # -- answering -----------------------------------------------------------------------------

    def search(self, question: str) -> SearchResult:
        retriever = self.retriever
        key = retriever.tp.normalize(question)
        size = self.settings.cache_size
        if size:
            with self._lock:
                cached = self._cache.get(key)
                if cached is not None:
                    self._cache.move_to_end(key)
            if cached is not None:
                return cached
        result = retriever.search(question, k=1 + self.settings.max_related)
        if size:
            with self._lock:
                self._cache[key] = result
                while len(self._cache) > size:
                    self._cache.popitem(last=False)
        return result

    def ask(self, question: str, browse_hint: str = "") -> Answer:
        started = time.perf_counter()
        result = self.search(question)
        composer = self.composer
        elapsed = (time.perf_counter() - started) * 1000
        return composer.compose(result, elapsed, browse_hint)

    # -- maintenance ---------------------------------------------------------------------------

    def reload(self, rebuild: bool = True) -> PolicyIndex:
        """Rebuild (or reload) the index from corpus/ while the old one keeps answering."""
        index = self.resources.build() if rebuild else self.resources.load_index()
        self._install(index)
        return index
