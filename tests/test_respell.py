"""Homophone slips are searched as the plan's word; real words and particles are left alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.respell import Respeller, Stretches, one_edit_apart
from bot.text import TextProcessor

PLAN = Path(__file__).resolve().parent.parent / "corpus" / "yingtan-education-2021-work-plan.txt"

# A toy alphabet: two characters sound alike when they map to the same syllable.
SOUNDS = {"甲": "a", "乙": "a", "丙": "b", "丁": "b", "戊": "c", "己": "d", "庚": "e"}


def toy(vocabulary: list[str], text: str = "", words: frozenset[str] = frozenset(), particles: str = "") -> Respeller:
    return Respeller(vocabulary, text, lambda ch: SOUNDS.get(ch, ch), words.__contains__, list, frozenset(particles))


@pytest.mark.parametrize(
    "stretch",
    [
        "职普",
        "职普比",
        "大班额比",
        "比大",
        "普比大",
        "班额",
        "鹰潭",
        "潭市",
        "市教",
        "教育局",
        "鹰潭市教",
        "职普比大",
        "额比",
        "外语",
    ],
)
def test_known_stretches_are_the_substrings_of_the_indexed_text(stretch: str) -> None:
    text = "职普比大体相当\n大班额比例\nabc鹰潭市教育局"
    assert (stretch in Stretches.of(text)) == (stretch in text)


@pytest.mark.parametrize("stretch", ["职", "职普比大体", "ab", "职a"])
def test_known_stretches_hold_only_two_to_four_cjk_characters(stretch: str) -> None:
    assert stretch not in Stretches.of("职普比大体相当 ab 职a")


def test_a_stretch_that_sounds_like_an_indexed_word_is_respelled() -> None:
    respelling = toy(["甲丙戊"]).respell("问乙丙戊吗")
    assert respelling.text == "问甲丙戊吗"
    assert respelling.fixes == (("乙丙戊", "甲丙戊"),)


def test_text_that_occurs_in_the_index_is_not_a_slip() -> None:
    assert toy(["甲丙"], text="乙丙").respell("乙丙").fixes == ()


def test_a_dictionary_word_is_not_a_slip() -> None:
    assert toy(["甲丙"], words=frozenset({"乙丙"})).respell("乙丙").fixes == ()


def test_too_few_shared_characters_is_only_a_word_that_sounds_alike() -> None:
    assert toy(["甲丙"]).respell("乙丁").fixes == ()  # none of two shared
    assert toy(["甲丙戊"], words=frozenset({"乙丁"})).respell("乙丁己").fixes == ()  # sounds unlike the word


def test_a_slipped_particle_inside_an_indexed_phrase_is_respelled() -> None:
    """乙 is a particle: 乙丙 alone is left (test above), but 乙丙 before 戊己, where the indexed text writes
    甲丙戊己, is 甲丙 — only with two characters of that phrase beside it."""
    respeller = Respeller(
        ["甲丙"], Stretches.of("甲丙戊己"), lambda ch: SOUNDS.get(ch, ch), lambda w: False, list, frozenset("乙")
    )
    assert respeller.respell("乙丙戊己").fixes == (("乙丙", "甲丙"),)
    assert respeller.respell("乙丙戊庚").fixes == ()


@pytest.mark.parametrize(("gain", "fixes"), [(10.0, (("乙丁戊", "甲丙戊"),)), (9.9, ())])
def test_three_characters_that_sound_exactly_as_the_word_are_a_misheard_phrase(gain: float, fixes: tuple) -> None:
    """Voice input mishears a whole phrase (县官小品 for 县管校聘): one of three shared, the same sound, and
    far likelier as the word (MISHEARD_GAIN; 重新组 / 中心组 is an ordinary pair that sounds alike)."""
    respeller = Respeller(
        ["甲丙戊"],
        "",
        lambda ch: SOUNDS.get(ch, ch),
        lambda w: False,
        list,
        likelihood=lambda t: gain if "甲" in t else 0.0,
    )
    assert respeller.respell("乙丁戊").fixes == fixes


def test_a_slipped_particle_is_left_alone() -> None:
    assert toy(["甲丙"], particles="乙").respell("乙丙").fixes == ()
    assert toy(["丙甲戊"], particles="乙").respell("丙乙戊").fixes == ()


def test_a_slipped_particle_in_a_four_character_word_is_the_slip() -> None:
    # 近是防控 for 近视防控: three of four characters in place and the same sound
    assert toy(["甲丙戊己"], particles="乙").respell("乙丙戊己").fixes == (("乙丙戊己", "甲丙戊己"),)


def test_stretches_follow_word_boundaries() -> None:
    respeller = Respeller(["甲丙"], "", lambda ch: SOUNDS.get(ch, ch), lambda w: False, lambda t: [t[:2], t[2:]])
    assert respeller.respell("己乙丙").fixes == ()  # 乙丙 straddles the word 己乙


def test_of_two_indexed_words_the_one_sharing_more_characters_wins() -> None:
    assert toy(["甲丁戊", "甲丙戊"]).respell("乙丙戊").text == "甲丙戊"


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [
        ("li", "lie", True),
        ("li", "li", True),
        ("zhi", "zi", True),
        ("bu", "bo", True),
        ("li", "liang", False),
        ("shi", "si", True),
        ("jiao", "xiao", True),
        ("jiao", "xiang", False),
    ],
)
def test_one_edit_apart(a: str, b: str, apart: bool) -> None:
    assert one_edit_apart(a, b) is apart
    assert one_edit_apart(b, a) is apart


def test_a_character_one_key_away_is_respelled_only_in_a_longer_stretch() -> None:
    respeller = Respeller(["甲丙戊", "甲丙"], "", {"甲": "li", "乙": "lie"}.get, lambda w: False, list)
    assert respeller.respell("乙丙戊").fixes == (("乙丙戊", "甲丙戊"),)
    assert Respeller(["甲丙"], "", {"甲": "li", "乙": "lie"}.get, lambda w: False, list).respell("乙丙").fixes == ()


@pytest.fixture(scope="module")
def plan_respeller(tp: TextProcessor) -> Respeller:
    """Respells to the real plan's words with the real dictionary (no index, no model)."""
    text = PLAN.read_text(encoding="utf-8")
    return Respeller.for_plans(tp, [text], [text])


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("随签子女上学有啥政策", "随迁子女"),
        ("县管校品是啥意思", "县管校聘"),
        ("县官校聘在哪几个地方试点", "县管校聘"),
        ("职谱比是多少", "职普比"),
        ("特刚计划今年还有吗", "特岗计划"),
        ("校外陪训机构要整顿吗", "培训"),
        ("幼儿园小学话的问题有人管没", "小学化"),
        ("學生資注政策有哪些", "学生资助"),
        ("大班额比列控制在多少以内", "比例控制"),  # lie for li: one letter apart
        ("近是防控学校怎么做", "近视防控"),  # a particle slipped inside a four-character word
        # nineteenth session: the slip made a word with its neighbour (负有, 中学…), so it straddles a word
        # bound, and the respelled text is far likelier to the dictionary than the typed one
        ("教师检负有啥新规定", "教师减负"),
        ("职教专业教学资源裤建几个", "资源库"),
        ("第十死条讲啥", "十四"),
        # one character typed as its pinyin, glued to the Chinese around it
        ("全面从严治dang有哪些要求", "党"),
        ("校外培训机gou整顿", "构"),
        ("县管校pin到底是啥意思", "聘"),
        # a whole phrase misheard by voice input: three characters or more that sound exactly as the plan's word
        ("县官小品今年推到哪几个区了", "县管校聘"),
        ("直扑笔是啥意思", "职普比"),
        ("瀑汇性幼儿园今年有啥说法", "普惠性"),
        # twenty-sixth session: two characters swapped, one inside character left out
        ("一网办通能办啥", "一网通办"),
        ("县管聘改革推到哪了", "县管校聘"),
        ("幼儿园学小化咋治", "小学化"),
        ("随迁女子能就近上学不", "随迁子女"),
    ],
)
def test_phone_keyboard_slips_read_as_the_plan_writes_them(
    plan_respeller: Respeller, tp: TextProcessor, typed: str, read: str
) -> None:
    respelling = plan_respeller.respell(tp.normalize(typed))
    assert read in respelling.text
    assert [fix[1] for fix in respelling.fixes] == [read]


@pytest.mark.parametrize(
    "question",
    [
        "大班额的比例上限是多少",  # 是多 sounds like 十多 but straddles 多少
        "教室里太挤了有人管吗",  # 教室 is a word, though the plan says 教师
        "我家孩子数学老是不及格",  # 数学 + 老是 are two words, not a slip of 数学老师
        "孩子一直近是，度数涨得快",  # a slipped particle (是) is too common to guess at
        "What ratio of vocational vs general enrollment?",
        "私立的贵死了，上面有啥打算没",  # 贵死 is one letter from 贵溪, but a pair is too often another word
        "我们家想让孩子冲一冲",
        "老师到学生家家访的那个规定在哪",  # 到学生 is "to the student('s home)", not 大学生 (dao / da)
        # off the word bounds, a stretch that sounds like a plan word is two words' edges: 暑假|快 (加快),
        # 工资|今年 (资金), 近视|三 (十三), 我家|挺 (家庭, the likeliest of the wrong ones, 6.5 < 8)
        "暑假快到了孩子老想去河里游泳",
        "老师工资今年能涨多少",
        "孩子才三年级就近视三百度了",
        "班主任下周家访,我家挺乱的有点慌",
        # Latin glued to Chinese that is no one character of the plans, or makes no plan word (review)
        "我家kid在职校读书",
        "这个bot谁做的",
        "学习强国还要学吗s",
        "ai教育有什么要求",
        "这个shi什么意思",
        # ordinary pairs that sound as a plan word, far less likely as it (review)
        "学校要重新组班吗",
        "群主是版主人吗",
        # a command or a comparison is no slip at a word's edge (nineteenth session)
        "查大班额",
        "高等教育跟职业教育比，今年哪边动作大",
        # a word with its first or last character left out, or a stretch across words, is not rearranged
        # (twenty-sixth session: 学校管理, 家长学校, 建设项目 would have been read)
        "学校管不管这个事",
        "人家学校会不会嫌我们不是本地的",
        "江西师专今年有什么建设目标",
        # …nor two words on their bounds that a reordering would make one, unless far likelier (review)
        "学校是党领导的吗",
        "孩子在学校全程过得怎么样",
        "我们家教育孩子比较严",
    ],
)
def test_ordinary_writing_is_left_alone(plan_respeller: Respeller, tp: TextProcessor, question: str) -> None:
    assert plan_respeller.respell(tp.normalize(question)).fixes == ()


def test_a_slip_is_answered_and_the_answer_says_how_it_was_read(service) -> None:
    answer = service.ask("随签子女上学有啥政策")
    assert answer.status == "answered"
    assert answer.citations[0].point == 8
    assert "随迁子女" in answer.text and "随签子女" in answer.text
    plain = service.ask("随迁子女上学有啥政策")
    assert plain.citations[0].point == 8
    assert "随签子女" not in plain.text


def test_off_the_word_bounds_only_a_far_likelier_reading_is_respelled() -> None:
    """乙丙 straddles the segmentation 己乙|丙: respelled when the respelled text is OFF_BOUNDS_GAIN
    likelier, never without a likelihood to ask."""

    def respeller(gain: float | None) -> Respeller:
        likelihood = None if gain is None else (lambda text: gain if "甲丙" in text else 0.0)
        return Respeller(
            ["甲丙"],
            "",
            lambda ch: SOUNDS.get(ch, ch),
            lambda w: False,
            lambda t: [t[:2], t[2:]],
            likelihood=likelihood,
        )

    assert respeller(8.0).respell("己乙丙").fixes == (("乙丙", "甲丙"),)
    assert respeller(7.9).respell("己乙丙").fixes == ()
    assert respeller(None).respell("己乙丙").fixes == ()


def _glued_toy(vocabulary: list[str]) -> Respeller:
    """甲 and 乙 both sound "a"; ``vocabulary`` is the plans' words."""
    sounds = lambda ch: SOUNDS.get(ch, ch)  # noqa: E731
    return Respeller(vocabulary, "", sounds, lambda w: False, list, spell=lambda w: [w] if w == "a" else None)


@pytest.mark.parametrize(
    ("message", "fixes"),
    [
        ("问a丙吗", (("a", "甲"),)),  # 甲丙 is a plan word, 乙丙 is not
        ("问戊己a丙", (("a", "甲"),)),
        ("问a庚吗", ()),  # neither 甲 nor 乙 makes a plan word
        ("丙 a", ()),  # not glued to the Chinese
        ("戊己ab", ()),  # no one syllable
    ],
)
def test_a_glued_syllable_is_the_one_character_that_makes_a_plan_word(message: str, fixes: tuple) -> None:
    assert _glued_toy(["甲丙", "乙丁"]).respell(message).fixes == fixes


def test_a_glued_syllable_two_characters_fit_is_left_alone() -> None:
    assert _glued_toy(["甲丙", "乙丙"]).respell("问a丙吗").fixes == ()


def _spell(word: str) -> list[str] | None:
    """The toy alphabet's pinyin: "ab" → a, b; anything else is no pinyin."""
    return list(word) if set(word) <= {"a", "b", "c", "d", "e"} and len(word) >= 2 else None


def _spelling_toy(vocabulary: list[str]) -> Respeller:
    return Respeller(vocabulary, "", lambda ch: SOUNDS.get(ch, ch), frozenset().__contains__, list, frozenset(), _spell)


@pytest.mark.parametrize(("message", "fixed"), [("abcd怎么办", "甲丙戊己怎么办"), ("问 abcd 吗", "问 甲丙戊己 吗")])
def test_a_pinyin_word_with_a_sound_in_the_index_is_respelled(message: str, fixed: str) -> None:
    respelling = _spelling_toy(["甲丙戊己"]).respell(message)
    assert respelling.text == fixed and respelling.fixes == (("abcd", "甲丙戊己"),)


@pytest.mark.parametrize("message", ["abce怎么办", "问abcdd吗", "abc是什么"])  # no such sound; too short
def test_pinyin_of_no_indexed_word_is_left_alone(message: str) -> None:
    assert _spelling_toy(["甲丙戊己", "甲丙戊"]).respell(message).fixes == ()


@pytest.mark.parametrize("message", ["jiaoshi里能装空调吗", "鹰潭shiyan小学的课后服务", "kaoshi报名"])
def test_two_syllables_typed_out_are_too_many_words_to_guess(tp: TextProcessor, message: str) -> None:
    """jiaoshi is 教师 or 教室, shiyan 实验 or 试验 (review, sixth session): left as typed."""
    plan = PLAN.read_text(encoding="utf-8")
    assert Respeller.for_plans(tp, [plan], [plan]).respell(tp.normalize(message)).fixes == ()


@pytest.mark.parametrize(
    "message",
    [
        "what is the ratio of classes",
        "china panda long hang out",
        "is there a ban on phones",
        "I see him in the mall",
        "my son likes banana and human biology",
        "a tango lesson in the gym",
    ],
)
def test_an_english_message_keeps_its_english_words(plan_respeller: Respeller, tp: TextProcessor, message: str) -> None:
    """Syllables that are English words ("pan da", "long hang", "ban") stay English."""
    assert plan_respeller.respell(tp.normalize(message)).fixes == ()


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("what is te gang ji hua", "特岗计划"),
        ("whats liang hou sheng?", "两后生"),
        ("xiaoxuehua in kindergartens", "小学化"),
        ("Whats the San Wei problem", "三违"),
        ("the zhong kao this year", "中考"),
        # eleventh session: two syllables typed as one word of six letters or more
        ("what about gaokao reform this year", "高考"),
        ("is the zhongkao changing", "中考"),
        # fifteenth session: spaced words are each their own syllables (joined, "dabane" split as da-ba-ne)
        ("da ban e zen me jie jue", "大班额"),
        ("ke hou yan shi fu wu you mei you", "课后延时服务"),
    ],
)
def test_pinyin_in_an_english_message_is_the_plan_word(
    plan_respeller: Respeller, tp: TextProcessor, message: str, word: str
) -> None:
    """Someone who cannot type the characters spells the plan's term (tenth session: refused or related)."""
    assert word in plan_respeller.respell(tp.normalize(message)).text


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("jinshi", ["jin", "shi"]),
        ("zhiyejiaoyu", ["zhi", "ye", "jiao", "yu"]),
        ("xianguanxiaopin", ["xian", "guan", "xiao", "pin"]),
        ("xian", ["xian"]),
        ("hello", None),
        ("school", None),
        ("ok", None),
    ],
)
def test_a_latin_word_splits_into_the_fewest_pinyin_syllables(tp: TextProcessor, word: str, syllables) -> None:
    assert tp.spelled_syllables(word) == syllables


@pytest.mark.parametrize(
    ("message", "word"),
    [("suiqianzinv上学", "随迁子女"), ("xianguanxiaopin是什么", "县管校聘"), ("zhipubi要求是多少", "职普比")],
)
def test_pinyin_in_a_question_is_searched_as_the_plan_word(tp: TextProcessor, message: str, word: str) -> None:
    plan = PLAN.read_text(encoding="utf-8")
    respelling = Respeller.for_plans(tp, [plan], [plan]).respell(tp.normalize(message))
    assert word in respelling.text


@pytest.mark.parametrize(
    ("message", "word"), [("sdsf建设有什么要求", "师德师风"), ("xgxp是啥", "县管校聘"), ("问下 ldsr 那条", "立德树人")]
)
def test_initials_in_a_chinese_message_are_the_plan_term(
    plan_respeller: Respeller, tp: TextProcessor, message: str, word: str
) -> None:
    """Chinese chat abbreviates a term by its initials (eleventh session: "sdsf建设" was refused)."""
    respelling = plan_respeller.respell(tp.normalize(message))
    assert word in respelling.text and respelling.fixes


@pytest.mark.parametrize(
    "message", ["我们学校的wifi太慢了", "孩子用ipad上网课", "what is sdsf", "html课有没有", "yyds"]
)
def test_letters_that_are_no_plan_terms_initials_are_left_alone(
    plan_respeller: Respeller, tp: TextProcessor, message: str
) -> None:
    """English words, and initials outside a Chinese message, stay as typed."""
    assert plan_respeller.respell(tp.normalize(message)).fixes == ()


def _phrase_toy(vocabulary: list[str], indexed: str) -> Respeller:
    return Respeller(
        vocabulary,
        Stretches.of(indexed),
        lambda ch: SOUNDS.get(ch, ch),
        frozenset().__contains__,
        list,
        frozenset(),
        _spell,
    )


def test_pinyin_of_two_plan_words_written_together_in_the_index_is_that_phrase() -> None:
    """ "kehou fuwu" spells 课后 + 服务, and 课后服务 is written in the plan (twenty-fourth session: left as typed)."""
    respelling = _phrase_toy(["甲丙", "戊己"], "要做好甲丙戊己工作").respell("ab cd 还有吗")
    assert respelling.text == "甲丙戊己 还有吗" and respelling.fixes == (("ab cd", "甲丙戊己"),)


@pytest.mark.parametrize(
    ("vocabulary", "indexed"),
    [
        (["甲丙", "戊己"], "甲丙和戊己"),  # never written together
        (["甲丙", "乙丁", "戊己"], "甲丙戊己，乙丁戊己"),
    ],  # two phrases of that sound: no guess
)
def test_pinyin_of_no_single_indexed_phrase_is_left_alone(vocabulary: list[str], indexed: str) -> None:
    assert _phrase_toy(vocabulary, indexed).respell("ab cd 还有吗").fixes == ()


def test_a_plan_phrase_typed_in_pinyin_is_read_as_it(tp: TextProcessor) -> None:
    plan = PLAN.read_text(encoding="utf-8")
    respelling = Respeller.for_plans(tp, [plan], [plan]).respell(tp.normalize("kehou yanshi fuwu 今年还有吗"))
    assert respelling.text.startswith("课后延时服务")
    # longer than the four characters a known stretch holds: each four in a row are written
    assert (
        Respeller.for_plans(tp, [plan], [plan])
        .respell("quanmian congyan zhidang 那条讲了啥")
        .text.startswith("全面从严治党")
    )


def test_a_character_that_looks_like_the_plans_is_respelled_only_when_far_likelier() -> None:
    """防弱水 for 防溺水 (弱 is a part of 溺): the plan word is read when it is far likelier to the dictionary
    (LOOK_ALIKE_GAIN); 类学生 is not 大学生, though 大 is a part of 类 (twenty-fourth session)."""
    likely = {"甲丙戊": 0.0, "甲乙戊": -20.0, "甲丁戊": -5.0}

    def toy_alike(text: str) -> Respeller:
        return Respeller(
            ["甲丙戊"],
            text,
            lambda ch: {"甲": "a", "丙": "b", "戊": "c", "乙": "xx", "丁": "yy"}.get(ch, ch),
            frozenset().__contains__,
            list,
            frozenset(),
            likelihood=lambda s: likely.get(s, -30.0),
            look_alike=lambda a, b: {a, b} in ({"丙", "乙"}, {"丙", "丁"}),
        )

    assert toy_alike("").respell("甲乙戊吗").fixes == (("甲乙戊", "甲丙戊"),)
    assert toy_alike("").respell("甲丁戊吗").fixes == ()  # only 5 more likely


def test_the_plans_look_alike_slips_are_read(tp: TextProcessor) -> None:
    plan = PLAN.read_text(encoding="utf-8")
    respeller = Respeller.for_plans(tp, [plan], [plan])
    assert respeller.respell(tp.normalize("防弱水有什么要求")).text == "防溺水有什么要求"
    assert respeller.respell(tp.normalize("我们这类学生有什么说法")).fixes == ()


def test_a_respelled_word_that_is_shorthand_is_written_out(service) -> None:
    """Twenty-fifth session: "职jiao" is read as 职教, which the normaliser writes out as 职业教育 (bot/data/dialect.tsv)
    — applied again after the respeller, as to what was typed."""
    query = service.engine.retriever.analyzer.analyze("职jiao今年有啥新政策")
    assert query.normalized == "职业教育今年有啥新政策" and query.respelled == (("jiao", "教"),)
