"""Homophone slips → the plan's own words, before a question is searched.

People type Chinese by sound, so the commonest slip is a character with the same pinyin: 随签子女 for
随迁子女, 县管校品 for 县管校聘, 只普比 for 职普比, 近是 for 近视. The pinyin channel already matches such
a slip, but every other signal misreads it — the word and character channels miss, the dense encoder
sees another word, and the confidence model counts an unknown noun — so the right point came up only
as "related". Respelling the slip to the indexed word it sounds like fixes all of them at once.

A stretch of two to four characters is respelled only when all of these hold:

- it occurs nowhere in the indexed text (plan and question bank) and is not a word of jieba's
  dictionary: 教室 is a real word even where the plan only says 教师, so it stays;
- an indexed word (two to six characters, from the plan's words) has exactly the same toneless
  pinyin, or (three characters or more) differs in one character only, whose pinyin is one letter away
  (比列控制 for 比例控制: lie / li);
- the two share at least half of their characters in place (县官校聘 / 县管校聘 share three), so a
  stretch that merely sounds like some word (他是 / 踏实) is never touched — unless it is three
  characters or more that sound exactly as the word: a whole phrase misheard by voice input (县官小品 for
  县管校聘, 直扑笔 for 职普比; nineteenth session);
- the slipped character is not a particle (近是 could be 近视, 近似 or 进士; 工作是 is not 工作室).

Two more shapes of slip (nineteenth session): a stretch that straddles a word bound, because the slip
made a word with its neighbour (教师检负有: 教师/检/负有), is respelled only when the respelled text is far
likelier to jieba's dictionary (``OFF_BOUNDS_GAIN``); and one character typed as its pinyin inside
Chinese ("全面从严治dang") becomes the plans' character of that sound that fits its neighbours.

Longer stretches are tried first. The maths is plain string work on what the caller passes in
(the vocabulary, a syllable function and a dictionary test), so it is testable without an index.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from bot.text import TextProcessor

_CJK_RE = re.compile(r"[\u3400-\u9fff]+")
_SPELLED_MIN = 3  # syllables of pinyin typed out before it is read as a plan word
_PHRASE_WORD_SYLLABLES = 2  # each word of a spelled phrase (spelled_phrase)
# Latin words in a row, spaced or not ("te gang ji hua", "xiaoxuehua"); a plan word has at most six
# syllables, typed as at most six words.
_LATIN_RUN_RE = re.compile(r"(?<![a-z])[a-z]+(?:\s+[a-z]+)*(?![a-z])")
_SPELLED_TOKENS = 6
_SPELLED_LETTERS = 4
_JOINED_PAIR_LETTERS = 6
# Pinyin syllables that are also common English words: a pair of them in English is English.
_ENGLISH_SYLLABLES = frozenset(
    {
        "a",
        "an",
        "ai",
        "o",
        "e",
        "en",
        "er",
        "he",
        "me",
        "ma",
        "man",
        "men",
        "long",
        "hang",
        "fan",
        "ban",
        "pan",
        "tan",
        "can",
        "die",
        "tie",
        "pie",
        "lie",
        "bin",
        "pin",
        "sun",
        "gun",
        "run",
        "hen",
        "pen",
        "den",
        "bang",
        "gang",
        "sang",
        "song",
        "ding",
        "ping",
        "pong",
        "wan",
        "she",
        "ye",
        "you",
        "yo",
        "bo",
        "ha",
        "la",
        "na",
        "ran",
        "tang",
        "kong",
        "shun",
        "chin",
        "dun",
        "gong",
        "lung",
        "pa",
        "ta",
    }
)
# The longest stretch respelled: every slip in the labelled sets fits in four characters (县管校品,
# 随签子女), and a longer stretch only finds the same slip inside it; the pinyin channel matches the rest.
LONGEST = 4
# Function characters a slip is never guessed at, besides the one-character stopwords: "到学生家" is
# "to the student's home", not 大学生 (dao / da, one letter apart).
# (nor a command or a comparison: "查大班额" is 查 + 大班额, not 超大班额; "高等教育跟职业教育比" compares, 教育部
# is not meant)
_FUNCTION_CHARACTERS = frozenset("到在给把被让向从对跟和与就都也还又才去来说要会能想查搜找比")
_WORD_LENGTHS = range(2, 7)  # indexed words that can be the target
_SHORTEST_GAPPED = 3  # a word longer than this may be typed with one inside character left out (rearranged)
SWAPPED_GAIN = 6.5  # (rearranged)
GAPPED_GAIN = 3.0
# A slip that makes a word with its neighbour hides from the word bounds: 教师检负有 is segmented
# 教师/检/负有, 初中学叶 初/中学/叶, so 检负 and 学叶 straddle a bound and were never tried. Such a stretch
# is respelled only when the respelled text is far likelier to jieba's dictionary than the typed one:
# natural-log odds of its best segmentation up by at least this much. Over the tuning sets' questions
# (nineteenth session), trying every stretch off the bounds found 130 more fixes; the right ones gained
# 14.5 to 17.5 (第十死条, 教师检负, 资源裤), the wrong ones at most 6.5 (我家挺乱 → 家庭, 近视三百度 → 十三,
# 工资今年 → 资金, all below zero but a dozen).
OFF_BOUNDS_GAIN = 8.0
# …and a phrase misheard as a whole (县官小品 for 县管校聘) sharing under half its characters: its log-odds as
# the plan word, on its own, up by at least this much. The five such fixes of the tuning sets gained 10.7 to
# 21.9; ordinary pairs that happen to sound as a plan word (重新组 / 中心组, 讲牺牲 / 江西省, 版主人 / 班主任,
# found by a review) 3.8 to 8.8.
MISHEARD_GAIN = 10.0
# …and a character typed for one that looks like it (look_alike_slips): the plan word far likelier than
# the typed stretch. Over the labelled questions and the question bank (17,132, twenty-fourth session) the
# right ones gained 14.1 to 29.5 (防弱水, 幻儿园, 县管校骋), the wrong ones at most 6.3 (类学生 / 大学生,
# 讲校园 / 进校园 1.6, 市一中 / 市二中 −0.2).
LOOK_ALIKE_GAIN = 10.0
_TRAILING_CJK_RE = re.compile(r"[\u3400-\u9fff]{1,3}$")  # up to three characters just before a glued syllable
_LEADING_CJK_RE = re.compile(r"[\u3400-\u9fff]{1,3}")  # …and just after it
# A Latin syllable glued to Chinese ("从严治dang", "县管校pin"): the one character someone could not
# type. Read as a character of the plans with that sound when exactly one such character makes one of
# the plans' words with the characters beside it (glued_syllables).
_GLUED_RE = re.compile(r"(?<=[\u3400-\u9fff])[a-z]{1,6}(?![a-z])|(?<![a-z])[a-z]{1,6}(?=[\u3400-\u9fff])")


_CJK_FIRST, _CJK_LAST = 0x3400, 0x9FFF
_CODE_BITS = 15  # one character of U+3400–U+9FFF in 15 bits (27,648 values), four in an int64


def stretch_code(stretch: str) -> int:
    """A two-to-four-character CJK stretch as one integer (each character offset by one, so lengths differ)."""
    return sum((ord(ch) - _CJK_FIRST + 1) << (_CODE_BITS * k) for k, ch in enumerate(stretch))


def stretch_codes(text: str) -> np.ndarray:
    """The sorted codes of every stretch of two to LONGEST CJK characters in ``text``: the set
    ``Stretches`` looks stretches up in. Vectorised: a 100k-unit library has millions of them."""
    ords = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    cjk = (ords >= _CJK_FIRST) & (ords <= _CJK_LAST)
    digits = np.where(cjk, ords - _CJK_FIRST + 1, 0)
    found = [np.zeros(0, dtype=np.int64)]
    for n in range(2, LONGEST + 1):
        m = len(ords) - n + 1
        if m <= 0:
            break
        code, whole = np.zeros(m, dtype=np.int64), np.ones(m, dtype=bool)
        for k in range(n):
            code |= digits[k : k + m] << (_CODE_BITS * k)
            whole &= cjk[k : k + m]
        found.append(code[whole])
    return np.unique(np.concatenate(found))


class Stretches(Container[str]):
    """``stretch in stretches``: does a two-to-four-character CJK stretch occur in the indexed text?
    A binary search in ``stretch_codes``: the test used to be a substring search of the whole
    indexed text, 4 ms per stretch at 100k units and several stretches per question."""

    def __init__(self, codes: np.ndarray) -> None:
        self.codes = codes

    @classmethod
    def of(cls, text: str) -> Stretches:
        return cls(stretch_codes(text))

    def __contains__(self, stretch: object) -> bool:
        """Only stretches of two to LONGEST CJK characters are held; anything else is not."""
        if not isinstance(stretch, str) or not 2 <= len(stretch) <= LONGEST or not _CJK_RE.fullmatch(stretch):
            return False
        code = stretch_code(stretch)
        at = int(np.searchsorted(self.codes, code))
        return at < len(self.codes) and int(self.codes[at]) == code


@dataclass(frozen=True)
class Spelling:
    """What the respeller needs of an index, computed when it is built and saved beside it (reading
    it again at every start-up took most of the 31 s a 100k-unit library took to load): how often
    each word occurs in the plans, and every short stretch of the indexed text (plans and bank)."""

    words: Mapping[str, int]
    stretches: Stretches


def _blank(word: str, i: int) -> str:
    return word[:i] + "\0" + word[i + 1 :]


@dataclass(frozen=True)
class Respelling:
    text: str  # the respelled text
    fixes: tuple[tuple[str, str], ...] = ()  # (as typed, as indexed), in order


def _swapped(text: str, i: int) -> str:
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def _gapped(word: str) -> list[str]:
    """``word`` with one character inside it left out, for a word longer than _SHORTEST_GAPPED."""
    return [word[:i] + word[i + 1 :] for i in range(1, len(word) - 1)] if len(word) > _SHORTEST_GAPPED else []


def rearranged(
    stretch: str, words: Container[str], by_gap: Mapping[str, list[str]], likelihood: Callable[[str], float] | None
) -> str | None:
    """The one plan word (of ``words``) of three characters or more that ``stretch`` types with two neighbouring
    characters swapped (一网办通 for 一网通办) or, in a word of four or more, one character inside it left out (县管聘
    for 县管校聘, ``by_gap``): not the first or the last, or "学校管" (学校管不管) would be 学校管理. Read only on the
    word bounds (Respeller.target) and when likelier to jieba's dictionary by SWAPPED_GAIN / GAPPED_GAIN: "学校是党领导
    的吗" is no 党政领导 (−1.4), "全程过得怎么样" no 全过程 (6.1), "家教育孩子" no 家庭教育 (2.1), where 心理康健 (6.7),
    八规定 (6.5), 五管理 (5.6) are the plan's words (twenty-sixth session and its reviews)."""
    swapped = {s for i in range(len(stretch) - 1) if (s := _swapped(stretch, i)) != stretch and s in words}
    gapped = set(by_gap.get(stretch, ()))
    if len(swapped | gapped) != 1 or likelihood is None:
        return None
    word = (swapped | gapped).pop()
    return word if far_likelier(likelihood, word, stretch, SWAPPED_GAIN if word in swapped else GAPPED_GAIN) else None


def shared_in_place(a: str, b: str) -> int:
    return sum(x == y for x, y in zip(a, b, strict=True))


def one_edit_apart(a: str, b: str) -> bool:
    """Two pinyin syllables one letter apart, as a slip on a phone keyboard makes them: a letter added,
    dropped or changed (li / lie, zhi / zi)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1 :] == b[i + 1 :] or a[i:] == b[i + 1 :] or a[i + 1 :] == b[i:]


def spelled_phrase(
    syllables: tuple[str, ...], by_sound: Mapping[tuple[str, ...], list[str]], known: Callable[[str], bool]
) -> str | None:
    """The indexed phrase that four or more syllables spell as two or three of the plans' words written
    together ("kehou fuwu": 课后 + 服务 → 课后服务, which no single word of the plans is; "jiaxiaoshe xietong
    yuren" → 家校社协同育人), when exactly one such phrase is in the indexed text. Each word is two syllables
    or more: a single syllable has too many characters."""
    found: set[str] = set()

    def split(rest: tuple[str, ...], parts: int, before: str) -> None:
        if len(found) > 1:
            return
        if parts == 1:
            for word in by_sound.get(rest, []):
                if known(before + word):
                    found.add(before + word)
            return
        for cut in range(2, len(rest) - 1):
            for word in by_sound.get(rest[:cut], []):
                split(rest[cut:], parts - 1, before + word)

    for parts in (2, 3):
        if len(syllables) >= 2 * parts:
            split(syllables, parts, "")
    return found.pop() if len(found) == 1 else None


def spelled_word(
    tokens: list[str],
    chinese: bool,
    spell: Callable[[str], list[str] | None],
    by_sound: Mapping[tuple[str, ...], list[str]],
    known: Callable[[str], bool] = lambda phrase: False,
) -> str | None:
    """The indexed word that Latin ``tokens`` spell in pinyin, if they spell one (``chinese``: the
    message around them is Chinese); four syllables or more may spell a phrase of the indexed text
    (``known``, spelled_phrase)."""
    joined = "".join(tokens)
    if len(joined) < _SPELLED_LETTERS:  # "abc" is no pinyin
        return None
    # Spaced words are each their own syllables: "da ban e" is da-ban-e (大班额), which "dabane" joined
    # would split as da-ba-ne.
    each = [spell(t) for t in tokens] if len(tokens) > 1 else []
    syllables = [x for s in each for x in s or ()] if each and all(each) else spell(joined)
    if not syllables or len(syllables) < 2:
        return None
    words = by_sound.get(tuple(syllables), [])
    if not words and len(syllables) >= 2 * _PHRASE_WORD_SYLLABLES:
        phrase = spelled_phrase(tuple(syllables), by_sound, known)
        words = [phrase] if phrase else []
    # Two syllables have too many words ("jiaoshi": 教师 or 教室, "shiyan": 实验 or 试验, review, sixth
    # session): left as typed, except in an English message as two words ("san wei", "zhong kao":
    # someone who cannot type the characters) when the plans have one word of that sound and
    # neither syllable is an English word ("long hang", "pan da"). Three and more name one
    # ("zhipubi", "xianguanxiaopin").
    # Typed as one word it needs six letters or more ("gaokao", "shuangjian"; "human" is hu + man).
    if len(syllables) < _SPELLED_MIN and (
        chinese
        or (len(tokens) != len(syllables) and len(joined) < _JOINED_PAIR_LETTERS)
        or len(words) != 1
        or _ENGLISH_SYLLABLES.intersection(syllables)
    ):
        return None
    return words[0] if words else None


# Initials typed for a plan term ("sdsf建设" for 师德师风建设, "xgxp是啥" for 县管校聘): the first letter of
# each syllable, as Chinese chat abbreviates. Only in a Chinese message, only for a term of four to six
# characters whose initials no other plan word shares, and only when the letters are no pinyin.
_INITIALS_LENGTHS = range(4, 7)


def initials(sound: tuple[str, ...]) -> str:
    return "".join(syllable[:1] for syllable in sound)


def glued_syllables(
    normalized: str,
    by_character: Mapping[str, set[str]],
    words: Container[str],
    spell: Callable[[str], list[str] | None],
) -> Respelling:
    """A pinyin syllable typed inside Chinese ("全面从严治dang") → the plans' character of that sound that
    makes one of the plans' words with the characters beside it, if exactly one does ("AI教育", "这个shi什么
    意思" make none: left as typed — review, nineteenth session)."""
    fixes: list[tuple[str, str]] = []

    def one(m: re.Match[str]) -> str:
        token = m.group(0)
        if spell(token) != [token]:
            return token
        lead = _TRAILING_CJK_RE.search(normalized[: m.start()])
        tail = _LEADING_CJK_RE.match(normalized[m.end() :])
        before, after = lead.group(0) if lead else "", tail.group(0) if tail else ""
        fits = {ch for ch in by_character.get(token, ()) if _makes_a_word(before, ch, after, words)}
        if len(fits) != 1:
            return token
        (ch,) = fits
        fixes.append((token, ch))
        return ch

    return Respelling(_GLUED_RE.sub(one, normalized), tuple(fixes))


def _makes_a_word(before: str, ch: str, after: str, words: Container[str]) -> bool:
    """Does ``ch`` between ``before`` and ``after`` make a word of two to four characters with them?"""
    return any(
        before[len(before) - k :] + ch + after[:m] in words
        for k in range(len(before) + 1)
        for m in range(len(after) + 1)
        if 2 <= k + 1 + m <= 4
    )


def spelled_out(
    normalized: str,
    spell: Callable[[str], list[str] | None],
    by_sound: Mapping[tuple[str, ...], list[str]],
    initialled: Callable[[str], str],
    known: Callable[[str], bool] = lambda phrase: False,
) -> Respelling:
    """Pinyin typed for a plan word → that word: "jinshi防控", "课后fuwu", and in an English
    message "what is te gang ji hua" or "xiaoxuehua in kindergartens" (tenth session: refused or
    only related, the English words around them told nothing). A run of Latin words is read
    window by window, the longest first, as one spelled word."""
    chinese = bool(_CJK_RE.search(normalized))
    fixes: list[tuple[str, str]] = []

    def run(m: re.Match[str]) -> str:
        tokens, out, i = m.group(0).split(), [], 0
        while i < len(tokens):
            for j in range(min(len(tokens), i + _SPELLED_TOKENS), i, -1):
                if (word := spelled_word(tokens[i:j], chinese, spell, by_sound, known)) is not None:
                    fixes.append((" ".join(tokens[i:j]), word))
                    out.append(word)
                    i = j
                    break
            else:
                out.append(initialled(tokens[i]) if chinese else tokens[i])
                if out[-1] != tokens[i]:
                    fixes.append((tokens[i], out[-1]))
                i += 1
        return " ".join(out)

    return Respelling(_LATIN_RUN_RE.sub(run, normalized), tuple(fixes))


def misheard(
    stretch: str, word: str, sound: Callable[[str], tuple[str, ...]], likelihood: Callable[[str], float] | None
) -> bool:
    """A whole phrase misheard: three characters or more that sound exactly as the plan's word, and far likelier
    as it (MISHEARD_GAIN)."""
    if len(stretch) < 3 or likelihood is None or sound(stretch) != sound(word):
        return False
    return far_likelier(likelihood, word, stretch, MISHEARD_GAIN)


def far_likelier(likelihood: Callable[[str], float], read: str, typed: str, gain: float) -> bool:
    """Is ``read`` far likelier to jieba's dictionary than ``typed``: log-odds of its best segmentation up by
    ``gain`` or more (OFF_BOUNDS_GAIN, MISHEARD_GAIN, LOOK_ALIKE_GAIN)?"""
    return likelihood(read) - likelihood(typed) >= gain


def written_in(phrase: str, indexed_text: Container[str]) -> bool:
    """Is ``phrase`` in the indexed text? The stretches known are two to four characters long; a longer
    phrase is taken as written when every four characters of it in a row are ("全面从严治党")."""
    if len(phrase) <= LONGEST:
        return phrase in indexed_text
    return all(phrase[i : i + LONGEST] in indexed_text for i in range(len(phrase) - LONGEST + 1))


def one_character_off(
    stretch: str, by_frame: Mapping[str, list[tuple[str, int]]], close: Callable[[str, str], bool]
) -> list[str]:
    """Indexed words that differ from ``stretch`` in one character, the word's and the typed one ``close``
    (one pinyin letter apart: 比列 for 比例; looking alike: 防弱水 for 防溺水) — ``by_frame``: the words with
    one character blanked."""
    found = []
    for i, ch in enumerate(stretch):
        for word, j in by_frame.get(_blank(stretch, i), []):
            if j == i and close(word[i], ch):
                found.append(word)
    return found


class Respeller:
    """Respells homophone slips in normalised text to words of ``vocabulary``."""

    def __init__(
        self,
        vocabulary: Iterable[str] | Mapping[str, int],
        indexed_text: Container[str],
        syllable: Callable[[str], str],
        is_word: Callable[[str], bool],
        segment: Callable[[str], list[str]],
        particles: frozenset[str] = frozenset(),
        spell: Callable[[str], list[str] | None] = lambda word: None,
        likelihood: Callable[[str], float] | None = None,
        look_alike: Callable[[str, str], bool] = lambda a, b: False,
    ) -> None:
        self.indexed_text = indexed_text
        self.written = functools.partial(written_in, indexed_text=indexed_text)  # (spelled_phrase)
        self.spell = spell
        self.syllable = syllable
        self.is_word = is_word
        self.segment = segment
        self.particles = particles
        # The log-likelihood of a text's best segmentation; None: stretches off the word bounds are never tried.
        self.likelihood = likelihood
        self.look_alike = look_alike
        self.by_character: dict[str, set[str]] = {}  # syllable → the plans' characters of that sound
        self.by_sound: dict[tuple[str, ...], list[str]] = {}
        self.by_frame: dict[str, list[tuple[str, int]]] = {}  # the word with one character blanked
        self.by_initials: dict[str, list[str]] = {}
        self.by_gap: dict[str, list[str]] = {}  # the word with one inside character left out (_gapped)
        # ``vocabulary``: the plans' words, repeated as often as they occur, or already counted.
        counted = Counter(vocabulary)
        counts = {w: n for w, n in counted.items() if len(w) in _WORD_LENGTHS and _CJK_RE.fullmatch(w)}
        self.words = frozenset(counts)  # the plans' words (glued_syllables)
        # Commonest first, so of two indexed words that sound alike the plan's usual one wins a tie.
        for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            sound = self.sound(word)
            for ch, said in zip(word, sound, strict=True):
                self.by_character.setdefault(said, set()).add(ch)
            self.by_sound.setdefault(sound, []).append(word)
            if len(word) in _INITIALS_LENGTHS:
                self.by_initials.setdefault(initials(sound), []).append(word)
            for i in range(len(word)):
                self.by_frame.setdefault(_blank(word, i), []).append((word, i))
            for gapped in _gapped(word):
                self.by_gap.setdefault(gapped, []).append(word)

    @classmethod
    def for_plans(cls, tp: TextProcessor, plan_texts: Iterable[str], indexed_texts: Iterable[str]) -> Respeller:
        """Respells to the words of ``plan_texts`` with ``tp``'s pinyin and dictionary; a stretch found
        in any of ``indexed_texts`` (the plans and the question bank) is no slip."""
        words = Counter(w for text in plan_texts for w in tp.tokens(tp.normalize(text)))
        stretches = Stretches.of("\n".join(tp.normalize(text) for text in indexed_texts))
        return cls.for_index(tp, Spelling(words, stretches))

    @classmethod
    def for_index(cls, tp: TextProcessor, spelling: Spelling) -> Respeller:
        """Respells with what the index build counted (``Spelling``), so nothing is tokenised at start-up."""
        return cls(
            spelling.words,
            spelling.stretches,
            tp.syllable,
            tp.in_dictionary,
            tp.dictionary_words,
            frozenset(w for w in tp.stopwords if len(w) == 1) | _FUNCTION_CHARACTERS,
            tp.spelled_syllables,
            tp.likelihood,
            tp.look_alike,
        )

    def sound(self, text: str) -> tuple[str, ...]:
        return tuple(self.syllable(ch) for ch in text)

    def target(self, stretch: str, aligned: bool = False) -> str | None:
        """The indexed word ``stretch`` is a slip of, if any (``aligned``: on the word bounds, or not rearranged)."""
        if stretch in self.indexed_text or self.is_word(stretch):
            return None
        candidates = [w for w in self.by_sound.get(self.sound(stretch), []) if w != stretch]
        if not candidates and len(stretch) >= 3:  # in a pair, one letter away is too often another word
            candidates = self.slips_of(stretch)
        if not candidates:
            return (
                rearranged(stretch, self.words, self.by_gap, self.likelihood) if aligned and len(stretch) >= 3 else None
            )
        best = max(candidates, key=lambda w: shared_in_place(stretch, w))
        if 2 * shared_in_place(stretch, best) < len(stretch) and not misheard(
            stretch, best, self.sound, self.likelihood
        ):
            return None
        # A slipped particle (近是 for 近视) is too common a character to guess at: 工作是 is
        # "the job is", not 工作室. In four characters that sound as one of the plan's four-character
        # words and share at least half of them in place (近是防控 for 近视防控) it is the slip.
        slipped = {a for a, b in zip(stretch, best, strict=True) if a != b}
        # (inside the word or sounding exactly so: 查大班额 is one letter from 超大班额, cha / chao, at its
        # edge, and is 查 + 大班额; 教育都导 is 教育督导, dou / du, inside)
        edge = stretch[0] != best[0] or stretch[-1] != best[-1]
        loose = edge and self.sound(stretch) != self.sound(best)
        return None if slipped & self.particles and (len(stretch) < LONGEST or loose) else best

    def slips_of(self, stretch: str) -> list[str]:
        """Indexed words one character off ``stretch``: its pinyin one letter away (比列 for 比例: lie / li), or
        else looking alike and far likelier to jieba's dictionary (LOOK_ALIKE_GAIN)."""
        sound = self.syllable
        found = one_character_off(stretch, self.by_frame, lambda a, b: a != b and one_edit_apart(sound(a), sound(b)))
        if found or (likelihood := self.likelihood) is None:
            return found
        alike = one_character_off(stretch, self.by_frame, self.look_alike)
        return [w for w in alike if far_likelier(likelihood, w, stretch, LOOK_ALIKE_GAIN)]

    def initialled(self, token: str) -> str:
        """The plan term whose syllables' initials ``token`` is, if exactly one is (else ``token``)."""
        if len(token) not in _INITIALS_LENGTHS or self.spell(token):
            return token
        words = self.by_initials.get(token, [])
        return words[0] if len(words) == 1 else token

    def respell(self, normalized: str) -> Respelling:
        spelled = spelled_out(normalized, self.spell, self.by_sound, self.initialled, self.written)
        glued = glued_syllables(spelled.text, self.by_character, self.words, self.spell)
        respelled = respell_slips(glued.text, self.segment, self.slip_at)
        return Respelling(respelled.text, spelled.fixes + glued.fixes + respelled.fixes)

    def slip_at(self, text: str, i: int, n: int, aligned: bool) -> str | None:
        """The indexed word ``text[i : i + n]`` is a slip of: on the word bounds, as ``target`` finds
        it; off them only when the respelled text is far likelier (``OFF_BOUNDS_GAIN``)."""
        likelihood = self.likelihood
        if not aligned and likelihood is None:
            return None
        word = self.target(text[i : i + n], aligned) or (self.particle_slip(text, i) if aligned and n == 2 else None)
        if word is None or aligned or likelihood is None:  # (None here only when aligned: for the type checker)
            return word
        return word if far_likelier(likelihood, text[:i] + word + text[i + n :], text, OFF_BOUNDS_GAIN) else None

    def particle_slip(self, text: str, i: int) -> str | None:
        """A particle typed for a plan word's character, read only inside a phrase of the indexed text:
        "疫请信息" is 疫情 (qing / qing) because 疫情信息 is written, where a pair alone with a particle is too
        common a slip to guess at (target). The pair sounds exactly as the word and, with the two characters
        before or after it, is indexed text (nineteenth session: 5 more slips read over the tuning sets, none
        wrong; 经及困难, 联和体, 做强做想, 三为现象)."""
        stretch = text[i : i + 2]
        if stretch in self.indexed_text or self.is_word(stretch):
            return None
        before, after = text[i - 2 : i] if i >= 2 else "", text[i + 2 : i + 4]
        for word in self.by_sound.get(self.sound(stretch), []):
            phrases = ((before, before + word), (after, word + after))
            in_a_phrase = any(len(side) == 2 and phrase in self.indexed_text for side, phrase in phrases)
            if len(word) == 2 and shared_in_place(stretch, word) == 1 and in_a_phrase:
                return word
        return None


def respell_slips(
    normalized: str, segment: Callable[[str], list[str]], slip_at: Callable[[str, int, int, bool], str | None]
) -> Respelling:
    """Every CJK run of ``normalized`` read stretch by stretch, the longest first: ``slip_at(run, i, n,
    aligned)`` names the word a stretch is a slip of (``aligned``: on ``segment``'s word bounds)."""
    fixes: list[tuple[str, str]] = []
    pieces: list[str] = []
    last = 0
    for run in _CJK_RE.finditer(normalized):
        text, start = run.group(0), run.start()
        bounds = {0}
        for token in segment(text):
            bounds.add(max(bounds) + len(token))
        i = 0
        while i < len(text):
            for n in range(min(LONGEST, len(text) - i), 1, -1):
                word = slip_at(text, i, n, i in bounds and i + n in bounds)
                if word is not None:
                    pieces.append(normalized[last : start + i] + word)
                    fixes.append((text[i : i + n], word))
                    last = start + i + n
                    i += n
                    break
            else:
                i += 1
    if not fixes:
        return Respelling(normalized)
    return Respelling("".join(pieces) + normalized[last:], tuple(fixes))
