"""One normalisation for documents and queries, jieba segmentation and character n-grams."""

from __future__ import annotations

import logging
import re
import unicodedata
from importlib import resources
from pathlib import Path

import jieba
import opencc
from pypinyin import lazy_pinyin

logger = logging.getLogger(__name__)

_SPACE_RE = re.compile(r"\s+")
# A token worth indexing has at least one letter, digit or CJK ideograph.
_WORDISH_RE = re.compile(r"[0-9a-z\u3400-\u9fff]")
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+|[0-9a-z]+(?:[.:%][0-9a-z]+)*%?")


def data_path(name: str) -> Path:
    """Path of a data file shipped inside the package (bot/data/)."""
    return Path(str(resources.files("bot") / "data" / name))


def _read_word_list(path: Path) -> set[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return words


class TextProcessor:
    """Normalises text and splits it into index terms.

    Documents and queries go through the same instance, so both sides of every comparison see the
    same characters: half-width forms, Simplified Chinese, no control characters, single spaces.
    """

    def __init__(self, userdict: Path | None = None, stopwords: Path | None = None) -> None:
        self._t2s = opencc.OpenCC("t2s")
        # A private jieba.Tokenizer, so loading our dictionary never changes jieba's global state.
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.userdict_path = userdict or data_path("userdict.txt")
        self._jieba.load_userdict(str(self.userdict_path))
        self.stopwords = frozenset(_read_word_list(stopwords or data_path("stopwords.txt")))

    @property
    def jieba(self) -> jieba.Tokenizer:
        """The private jieba tokenizer, with the user dictionary loaded (for POS tagging)."""
        return self._jieba

    def normalize(self, text: str) -> str:
        """NFKC (full-width → half-width), Traditional → Simplified, no control characters, lower case."""
        text = unicodedata.normalize("NFKC", text)
        # Control (Cc), format (Cf, e.g. zero-width), unassigned and private-use characters become spaces.
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
        text = self._t2s.convert(text)
        return _SPACE_RE.sub(" ", text).strip().lower()

    def segment(self, normalized: str) -> list[str]:
        """jieba words of already-normalised text, in order, including stopwords and punctuation."""
        return [w for w in self._jieba.lcut(normalized) if w.strip()]

    def tokens(self, normalized: str) -> list[str]:
        """Keyword-index terms: jieba search-mode words (long words plus their sub-words), no stopwords."""
        return [
            w
            for w in self._jieba.lcut_for_search(normalized)
            if w not in self.stopwords and _WORDISH_RE.search(w)
        ]

    def content_words(self, normalized: str) -> list[str]:
        """jieba words (accurate mode) that carry meaning: no stopwords, no punctuation."""
        return [w for w in self.segment(normalized) if w not in self.stopwords and _WORDISH_RE.search(w)]

    def char_ngrams(self, normalized: str, n: int = 2) -> list[str]:
        """Character n-grams within runs of CJK characters, plus whole alphanumeric runs.

        They match where jieba's word boundaries do not: typos, rare words and terms jieba splits
        differently in a question than in the plan.
        """
        grams: list[str] = []
        for run in _CJK_RUN_RE.findall(normalized):
            if not ("\u3400" <= run[0] <= "\u9fff"):
                grams.append(run)
            elif len(run) < n:
                if run not in self.stopwords:
                    grams.append(run)
            else:
                grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
        return grams

    def pinyin_ngrams(self, normalized: str, n: int = 2) -> list[str]:
        """Toneless pinyin syllable n-grams within CJK runs.

        Phone keyboards type by sound, so the commonest slips are homophones (县官校聘 for 县管校聘,
        近事 for 近视); on pinyin they match exactly.
        """
        grams: list[str] = []
        for run in _CJK_RUN_RE.findall(normalized):
            if not ("\u3400" <= run[0] <= "\u9fff") or len(run) < n:
                continue
            syllables = lazy_pinyin(run)
            grams.extend("_".join(syllables[i : i + n]) for i in range(len(syllables) - n + 1))
        return grams
