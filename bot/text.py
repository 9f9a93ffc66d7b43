"""One normalisation for documents and queries, jieba segmentation and character n-grams."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

import jieba
import numpy as np
import opencc
import snowballstemmer

logger = logging.getLogger(__name__)

_SPACE_RE = re.compile(r"\s+")
# Pinyin typed with tone marks ("dà bān é") reads as the toneless pinyin a keyboard gives ("da ban e");
# ü is "v", as the pinyin table spells it (绿 lv). Only pinyin's own vowels: é in "café" is the same e.
_TONE_MARKS = str.maketrans(
    {
        **{c: "a" for c in "āáǎà"},
        **{c: "e" for c in "ēéěè"},
        **{c: "i" for c in "īíǐì"},
        **{c: "o" for c in "ōóǒò"},
        **{c: "u" for c in "ūúǔù"},
        **{c: "v" for c in "ǖǘǚǜü"},
    }
)
# A token worth indexing has at least one letter, digit or CJK ideograph.
_WORDISH_RE = re.compile(r"[0-9a-z\u3400-\u9fff]")
_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]+|[0-9a-z]+(?:[.:%][0-9a-z]+)*%?")


_MAX_SPELLED = 24  # letters of one pinyin word read as syllables ("zhiyejiaoyu")


_STEMMER = snowballstemmer.stemmer("english")


@functools.lru_cache(maxsize=8192)
def stem_english(word: str) -> str:
    """An English word's Snowball stem (other words as they are), for the keyword index: "disabled",
    "disability" and "disabilities" all become "disabl", "rotate" and "rotation" "rotat", so an English
    question meets the question bank's English however either inflects. The plan, the bank and the
    question are stemmed alike."""
    return _STEMMER.stemWord(word) if word.isascii() and word.isalpha() else word


def _is_cjk(run: str) -> bool:
    return "\u3400" <= run[0] <= "\u9fff"


def spell_pinyin(word: str, syllables: frozenset[str]) -> list[str] | None:
    """ "jinshi" → ["jin", "shi"], "guo" → ["guo"]: the fewest toneless pinyin syllables that spell a
    Latin word wholly, else None."""
    if not word.isascii() or not word.isalpha() or len(word) > _MAX_SPELLED:
        return None
    # best[i]: the fewest syllables that spell word[:i] (None when none do); a syllable has at most
    # six letters ("zhuang").
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            head, piece, current = best[start], word[start:end], best[end]
            if head is None or piece not in syllables:
                continue
            if current is None or len(head) + 1 < len(current):
                best[end] = [*head, piece]
    return best[len(word)]


def sound_runs(normalized: str, syllable: Callable[[str], str], syllables: frozenset[str]) -> list[list[str]]:
    """The syllables of each run of CJK characters, with pinyin typed in Latin letters where the
    characters did not come up: touching Chinese ("学习强guo", "jinshi防控"), two or more syllables
    beside Chinese ("zhi pu 比", "老师 jianfu"), or a whole message in pinyin ("ying tan jiao yu ju jin
    nian guan bu guan bu xi ban": three syllables or more, every Latin word spelling some, so English
    such as "is there a ban" never reads as pinyin)."""
    runs = list(_CJK_RUN_RE.finditer(normalized))
    spelled = {m.group(): spell_pinyin(m.group(), syllables) for m in runs if not _is_cjk(m.group())}
    mixed = any(_is_cjk(m.group()) for m in runs)
    latin = [w for w in spelled if w.isalpha()]
    whole = len(latin) >= 2 and all(spelled[w] for w in latin) and sum(len(spelled[w] or ()) for w in latin) >= 3
    found: list[list[str]] = []
    current: list[str] = []
    has_cjk, end = False, -1

    def close() -> None:
        if current and (has_cjk or (len(current) >= 2 and (mixed or whole))):
            found.append(current)

    for m in runs:
        run = m.group()
        sounds = [syllable(ch) for ch in run] if _is_cjk(run) else spelled.get(run)
        gap = normalized[end : m.start()] if end >= 0 else None
        # touching, or Latin words a space apart (not Chinese: "老师 学习" are two runs, as before)
        joins = gap == "" or (gap is not None and not gap.strip() and not has_cjk and not _is_cjk(run))
        if not (sounds and joins):
            close()
            current, has_cjk = [], False
        if sounds:
            current = [*current, *sounds]
            has_cjk = has_cjk or _is_cjk(run)
        end = m.end()
    close()
    return found


def data_path(name: str) -> Path:
    """Path of a data file shipped inside the package (bot/data/)."""
    return Path(str(resources.files("bot") / "data" / name))


@functools.cache
def read_pinyin(path: Path) -> dict[str, str]:
    """Character → toneless syllable. Read once per file and shared (the text processor and the
    small-talk sounds of bot/understand.py both read it): callers must not change it."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, _, syllable = line.partition("\t")
            table[ch] = syllable
    return table


@functools.cache
def read_shapes(path: Path) -> dict[str, str]:
    """Character → the parts it is written with, a string of characters; "*" → the radicals, parts in too
    many characters to make two look alike (bot/data/shapes.tsv, scripts/make_shape_table.py; read once)."""
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            ch, _, parts = line.partition("\t")
            table[ch] = parts.replace(" ", "")
    return table


@functools.cache
def _radicals(path: Path) -> frozenset[str]:
    return frozenset(read_shapes(path).get("*", ""))


def look_alike(a: str, b: str, path: Path) -> bool:
    """Are ``a`` and ``b`` two characters that look alike: one is a part of the other (弱 / 溺), or they
    share a part that is not a radical (校 / 效 share 交; not 匡 / 班, which share 王)?"""
    if a == b:
        return False
    shapes = read_shapes(path)
    parts_a, parts_b = shapes.get(a, ""), shapes.get(b, "")
    radicals = _radicals(path)
    if (a in parts_b and a not in radicals) or (b in parts_a and b not in radicals):
        return True  # (not 大 in 类: a radical is in too many characters)
    return bool((set(parts_a) & set(parts_b)) - radicals)


def _read_dialect(path: Path) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, Mandarin) per line of bot/data/dialect.tsv, applied in order."""
    rules = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            pattern, _, mandarin = line.partition("\t")
            rules.append((re.compile(pattern), mandarin))
    return tuple(rules)


def _read_word_list(path: Path) -> set[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(line)
    return words


_CN_UNITS = {"十": 10, "百": 100}
_CN_SHORTHANDS = {"廿": "二十", "卅": "三十"}  # 廿二 = 二十二
_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_number(text: str) -> int | None:
    """ "8" / "八" / "十二" / "二十四" / "廿四" / "一百" → int; None when it is not a number."""
    if text.isdigit():
        return int(text)
    for short, long in _CN_SHORTHANDS.items():
        text = text.replace(short, long)
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _CN_UNITS:
            total += (current or 1) * _CN_UNITS[ch]
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[ch]
    return total + current


def outside(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` without the (ordered, non-overlapping) ``spans``."""
    bounds = [0, *(i for span in spans for i in span), len(text)]
    return "".join(text[a:b] for a, b in zip(bounds[::2], bounds[1::2], strict=True))


# Whether it is so, asked as V不V / V没V ("该不该", "提没提", "重视不重视"); a named group, so it can sit in a
# longer pattern. Not 动不动 / 一动不动 (often), 不不不, nor after 不管 / 无论 / 不论 ("不管下不下雨，孩子都要…"
# tells, it does not ask; a review, tenth session).
_A_NOT_A = r"(?<!不管)(?<!无论)(?<!不论)(?<!管他)(?P<v>(?![不动])[\u4e00-\u9fff]{1,2})[不没](?P=v)"
A_NOT_A = _A_NOT_A  # a parsing pattern shared with bot/understand.py

# Asking whether: "有没有…", "能不能…", A-not-A ("管不管"), or a question particle at the end.
_WHETHER = rf"有没有|是不是|能不能|会不会|{_A_NOT_A}|(?<![什怎这那多])(?:[吗么嘛](?:[\s?？!！。,，~～啊呀]*$|[?？])|吗\s*[,，])"

# 几 before a measure word asks "how many", unless the message goes on to ask something else:
# "孩子被几个高年级的堵在厕所…学校有没有硬要求?" and "之前有老师上门来教过几次，今年还有没有人来" tell
# of "a few", then ask whether. Such a 几 is written 数 (数个, 数次), the literary "several".
_SEVERAL_RE = re.compile(
    r"(?<![十百第])几(?=[个次位名所家天年月回遍趟])(?!年级)"
    # (…or asks what to do or what the rule is: "村里有几个孩子初中没读完就出去打工了，…有个什么说法")
    rf"(?=.{{3,}}?(?:{_WHETHER}|管不管|还有人|什么说法|啥说法|怎么办|咋办|怎么(?:处理|管|抓|搞|弄)|咋(?:管|抓|整|弄)|谁来管)"
    # (…or tells, in its clause, what the few did, then asks what or how in a clause of its own: "我们学校有几个学生
    # 长期不来上学，劝回来要留啥材料", "几个学校合并了，老师怎么安排"; not "特岗教师服务期几年,期满后怎么入编" nor
    # "今年新建几所幼儿园，建在什么地方", which ask how many, then something more)
    r"|[^，,。；;!！?？]{2,}?(?:了|不|没|被|都|也|还|就|又|想|要|一直|天天|老是|总是)[^，,。；;!！?？]*[，,。；;!！].*?"
    r"(?:啥|什么|怎么|咋|如何))"
)
# "A few more" in a message that asks whether, wherever it asks it: "有没有说要多配几个", "能不能再派几个老师
# 下来" (not "今年再建几所幼儿园", which asks how many: review, seventeenth session).
_MORE_RE = re.compile(r"(?<=[多再][\u4e00-\u9fff])几(?=[个位名所家])")
_WHETHER_RE = re.compile(_WHETHER)  # (可不可以 is A-not-A)

_SEVERAL = "数"
# "Any" after a negation, not "which": "以后不算哪个学校的人了", "老师不固定在哪所学校" (twenty-second session:
# read as asking which school, a detail the plan never gives). Written 某.
_SOME = "某"
_ANY_RE = re.compile(
    r"(?<=[不没])(?:(?:算|属于|固定在|固定|在|归|去|到|是|分到|进)?)哪(?=个|所|家|里|儿)"
    # …and 啥 right after 没 ("我看也没啥效果", "没啥用"), not 有没有啥 (没 then 有)
    r"|(?<=没)啥"
    # …and "some" in what was heard to have happened ("每年暑假就听说哪个村的娃下河洗澡淹了": twenty-fifth session,
    # read as the question of a long message), a clause that ends in 了; not "听说哪个学校要撤并?"
    r"|(?:(?<=听说)|(?<=又有)|(?<=总有)|(?<=常有))哪(?=[个家所][^，,。；;!！?？吗么呢]*了(?:[，,。；;!！]|$))"
    # …and 什 of 没什么 before what to ask ("也没什么要问的": nothing to ask — review), 什么 written 什某
    r"|(?<=没什)么(?=(?:要|想)?问(?!题))|(?<=没有什)么(?=(?:要|想)?问(?!题))"
)


def few_as_several(text: str) -> str:
    """``text`` with every 几 that tells of "a few" rather than asks "how many" written 数, and every
    哪 that tells of "any" (_ANY_RE) written 某; the same length, so positions in it are positions in
    ``text``."""
    text = any_as_some(_SEVERAL_RE.sub(_SEVERAL, text))
    return _MORE_RE.sub(_SEVERAL, text) if _WHETHER_RE.search(text) else text


def any_as_some(text: str) -> str:
    """``text`` with every 哪 that tells of "any" (_ANY_RE) written 某, the same length."""
    return _ANY_RE.sub(lambda m: m[0][:-1] + _SOME, text)


def clean_text(text: str) -> str:
    """Text as it arrived, minus what cannot be Unicode: a lone surrogate (JSON "\\ud800", invalid
    UTF-8 read with surrogateescape) becomes U+FFFD instead of failing later, in a log or a reply."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def storable(text: str) -> str:
    """Text a UTF-8 file and either database can hold: a lone surrogate becomes "?" and NUL is
    dropped (PostgreSQL text refuses both)."""
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


# A word jieba does not know is mostly a name or a rare noun (_read_non_nouns) — unless it starts with an adverb or
# a question word, or ends with a particle, a complement or an adverb of the next clause: then jieba's guesser has
# glued two words of everyday speech together ("管得严不" → 严不, "是咋定的" → 咋定, "心里堵得慌" → 堵得, "没考好" → 没考),
# and read as unknown nouns they had counted as evidence against an answer (twenty-sixth session).
_GLUED_FIRST = frozenset("咋啥怎还都很太就也又再才光只挺不没系")  # (系: Cantonese 是, "係唔係真㗎" → 系真)
_GLUED_LAST = frozenset("不得的了着过吗呢嘛啊呀吧么")  # (not 真 / 定 / 才 / 住: given names end in them — review)


class TextProcessor:
    """Normalises text and splits it into index terms.

    Documents and queries go through the same instance, so both sides of every comparison see the
    same characters: half-width forms, Simplified Chinese, no control characters, single spaces.
    """

    def __init__(
        self,
        userdict: Path | None = None,
        stopwords: Path | None = None,
        pinyin: Path | None = None,
        dialect: Path | None = None,
    ) -> None:
        self._t2s = opencc.OpenCC("t2s")
        # A private jieba.Tokenizer, so loading our dictionary never changes jieba's global state.
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        self.userdict_path = userdict or data_path("userdict.txt")
        self._jieba.load_userdict(str(self.userdict_path))
        self.stopwords_path = stopwords or data_path("stopwords.txt")
        self.pinyin_path = pinyin or data_path("pinyin.tsv")
        self.shapes_path = data_path("shapes.tsv")  # read at the first look_alike
        self.stopwords = frozenset(_read_word_list(self.stopwords_path))
        self._pinyin = read_pinyin(self.pinyin_path)
        self._syllables = frozenset(self._pinyin.values())
        self.dialect_path = dialect or data_path("dialect.tsv")
        self._dialect = _read_dialect(self.dialect_path)
        self._non_nouns = self._read_non_nouns()

    def _read_non_nouns(self) -> np.ndarray:
        """Sorted hashes of the multi-character words jieba's dictionary tags as non-nouns.

        They answer "is this word a noun?" for out-of-scope detection. jieba's part-of-speech
        tagger would cost 96 MB for the same question and a set of the 106k words 16 MB; sorted
        64-bit hashes take under 1 MB (a collision merely misreads one word). Words jieba does not
        know at all are mostly names and rare nouns, so they count as nouns.
        """
        hashes = []
        with self._jieba.get_dict_file() as handle:
            for raw in handle:
                parts = raw.decode("utf-8").split()
                if len(parts) == 3 and len(parts[0]) > 1 and not parts[2].startswith("n") and parts[2] != "vn":
                    hashes.append(hash(parts[0]))
        return np.unique(np.array(hashes, dtype=np.int64))

    def is_noun(self, word: str) -> bool:
        if len(word) < 2 or word.isascii():
            return False
        if not self._jieba.FREQ.get(word) and (word[0] in _GLUED_FIRST or word[-1] in _GLUED_LAST):
            return False  # two words jieba glued together ("管得严不" → 严不, "咋定", "课真在"): no noun
        h = hash(word)
        i = int(np.searchsorted(self._non_nouns, h))
        return not (i < len(self._non_nouns) and self._non_nouns[i] == h)

    def normalize(self, text: str) -> str:
        """NFKC (full-width → half-width), Traditional → Simplified, dialect words as Mandarin, no control
        characters, lower case."""
        text = unicodedata.normalize("NFKC", text)
        # Control (Cc), format (Cf, e.g. zero-width), unassigned and private-use characters become spaces.
        text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
        text = self._t2s.convert(text).translate(_TONE_MARKS)
        for pattern, mandarin in self._dialect:
            text = pattern.sub(mandarin, text)
        return _SPACE_RE.sub(" ", text).strip().lower()

    def segment(self, normalized: str) -> list[str]:
        """jieba words of already-normalised text, in order, including stopwords and punctuation."""
        return [w for w in self._jieba.lcut(normalized) if w.strip()]

    def tokens(self, normalized: str) -> list[str]:
        """Keyword-index terms: jieba search-mode words (long words plus their sub-words), no stopwords."""
        return [
            stem_english(w)
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
            if not _is_cjk(run):
                grams.append(run)
            elif len(run) < n:
                if run not in self.stopwords:
                    grams.append(run)
            else:
                grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
        return grams

    def pinyin_ngrams(self, normalized: str, n: int = 2) -> list[str]:
        """Toneless pinyin syllable n-grams within runs of sound (``sound_runs``).

        Phone keyboards type by sound, so the commonest slips are homophones (县官校聘 for 县管校聘,
        近事 for 近视); on pinyin they match exactly.
        """
        return [
            "_".join(syllables[i : i + n])
            for syllables in self.sound_runs(normalized)
            for i in range(len(syllables) - n + 1)
        ]

    def sound_runs(self, normalized: str) -> list[list[str]]:
        """The syllables of each run of CJK characters, with pinyin typed for them (``sound_runs``)."""
        return sound_runs(normalized, self.syllable, self._syllables)

    def spelled_syllables(self, word: str) -> list[str] | None:
        """ "jinshi" → ["jin", "shi"], "ban" → ["ban"]: the fewest toneless pinyin syllables that spell a
        Latin word wholly, else None."""
        return spell_pinyin(word, self._syllables)

    def in_dictionary(self, word: str) -> bool:
        """A word of jieba's dictionary (or ours): a real word, not a slip."""
        return self._jieba.FREQ.get(word, 0) > 0

    def dictionary_words(self, normalized: str) -> list[str]:
        """jieba words by the dictionary alone (no HMM guessing), so an unknown pair of characters
        stays two single characters instead of becoming a made-up word."""
        return self._jieba.lcut(normalized, HMM=False)

    def likelihood(self, normalized: str) -> float:
        """The natural-log probability of the likeliest segmentation of ``normalized`` by jieba's
        dictionary: how much more a respelled text reads as words than the typed one (bot/respell.py)."""
        dag = self._jieba.get_DAG(normalized)
        route: dict[int, tuple[float, int]] = {}
        self._jieba.calc(normalized, dag, route)
        return route[0][0] if normalized else 0.0

    def look_alike(self, a: str, b: str) -> bool:
        """Two characters that look alike (bot/data/shapes.tsv, read at first use)."""
        return look_alike(a, b, self.shapes_path)

    def syllable(self, ch: str) -> str:
        # One reading per character, without phrase context: documents and questions get the same
        # syllable for the same character, which is all homophone matching needs.
        return self._pinyin.get(ch, ch)
