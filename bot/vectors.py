"""Sentence vectors cached by content hash, so a rebuild embeds only what changed.

Adding next year's plan to a library of plans should not re-embed the others. Every text the
encoder sees is keyed by the SHA-256 of the model name, its version and the text; a build looks
each one up, embeds the missing ones in one batch and writes the cache back with exactly the
vectors the new index uses (so it never grows past one corpus). The file sits beside the builds,
``index/vectors/<model>.npz``, and is written atomically (temporary file, then rename); a damaged
or foreign cache is ignored and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sentence_transformers import SentenceTransformer

from bot.embedding import embed, embedding_dimension

logger = logging.getLogger(__name__)

_PROBE = "县域义务教育大班额比例控制在4%以内。"  # any fixed sentence: its vector fingerprints the model


class VectorCache:
    def __init__(self, path: Path | None, model: str, model_version: str) -> None:
        self.path = path
        self._salt = f"{model}\0{model_version}\0"
        self._vectors: dict[str, np.ndarray] = {}
        self.embedded = 0  # texts embedded by this build (the rest came from the cache)
        self._used: list[str] = []
        if path is not None and path.exists():
            self._read(path)

    @classmethod
    def in_folder(cls, index_dir: Path, model: str, model_version: str, encoder: SentenceTransformer) -> VectorCache:
        """The cache of ``model`` under ``index_dir``. The key includes the vector the encoder gives a
        fixed probe sentence: a model retrained and saved under the same name and version must not
        reuse the old vectors (and a new dimension must not break the build)."""
        slug = re.sub(r"[^A-Za-z0-9._-]+", "_", model)[:80] or "model"
        probe = embed(encoder, [_PROBE])
        fingerprint = hashlib.sha256(np.round(probe, 4).astype(np.float32).tobytes()).hexdigest()[:16]
        return cls(index_dir / "vectors" / f"{slug}.npz", model, f"{model_version}:{fingerprint}")

    def _read(self, path: Path) -> None:
        try:
            with np.load(path, allow_pickle=False) as data:
                keys, matrix = data["keys"], data["vectors"]
            if matrix.ndim != 2 or len(keys) != len(matrix):
                raise ValueError(f"{len(keys)} keys for {matrix.shape} vectors")
            self._vectors = {str(k): matrix[i] for i, k in enumerate(keys)}
        except (OSError, ValueError, KeyError) as e:
            logger.warning("ignoring the vector cache %s (%s); every text is embedded again", path, e)
            self._vectors = {}

    def key(self, text: str) -> str:
        return hashlib.sha256((self._salt + text).encode("utf-8")).hexdigest()[:32]

    def __contains__(self, text: str) -> bool:
        return self.key(text) in self._vectors

    def encode(
        self, encoder: SentenceTransformer, texts: Sequence[str], batch_size: int = 64, progress: bool = False
    ) -> np.ndarray:
        """Vectors for ``texts``: cached ones looked up, the others embedded in one batch."""
        keys = [self.key(t) for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self._vectors))
        if missing:
            first = {k: t for k, t in zip(keys, texts, strict=True)}
            new = embed(encoder, [first[k] for k in missing], batch_size, progress)
            self._vectors.update(zip(missing, new, strict=True))
        self.embedded += len(missing)
        if not keys:
            return np.zeros((0, embedding_dimension(encoder)), dtype=np.float32)
        self._used = keys
        return np.stack([self._vectors[k] for k in keys]).astype(np.float32, copy=False)

    def save(self) -> None:
        """Keep exactly the vectors of the last ``encode``; an unwritable cache only costs time."""
        if self.path is None or not self._used:
            return
        keys = list(dict.fromkeys(self._used))
        tmp = self.path.with_name(f".{self.path.name}.tmp.npz")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, keys=np.array(keys), vectors=np.stack([self._vectors[k] for k in keys]))
            os.replace(tmp, self.path)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            logger.warning("could not write the vector cache %s (%s); the next build embeds everything", self.path, e)
