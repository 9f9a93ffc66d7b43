from __future__ import annotations

import pytest

from bot.text import TextProcessor, data_path, few_as_several, look_alike


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ＡＢＣ１２３％", "abc123%"),  # full-width → half-width, lower case
        ("職普比４５：５５", "职普比45:55"),  # Traditional → Simplified
        ("特崗計劃", "特岗计划"),
        ("義務教育優質均衡", "义务教育优质均衡"),
        ("大班额\u200b比例\x00\x07", "大班额 比例"),  # zero-width and control characters
        ("  多个\t\n空白\u3000 ", "多个 空白"),
        ("", ""),
        # dialect words as Mandarin (bot/data/dialect.tsv)
        ("学校有冇心理老师", "学校有没有心理老师"),
        ("我家伢崽读中职", "我家孩子读中职"),
        ("搞么子", "搞什么"),
        ("新校区么时候建好", "新校区什么时候建好"),
        ("几时能招生", "什么时候能招生"),
        ("係咪真㗎", "是不是真㗎"),
        ("什么时候", "什么时候"),
        ("那么子", "那么子"),
        ("我崽明年高考", "我孩子明年高考"),
        ("今年教育工作重点解决哪些问题", "今年教育工作重点解决哪些问题"),
        ("学校周边个体小卖部", "学校周边个体小卖部"),
        # ninth session: Cantonese asked at a clause's end, and 係 after a pronoun
        ("中考改革係點樣", "中考改革系怎样"),
        ("食堂安全邊個管", "食堂安全谁管"),
        ("我係家長", "我是家长"),
        ("佢喺邊度讀書", "他在边度读书"),
        ("重点样本", "重点样本"),
        ("身边个别同学", "身边个别同学"),
        ("我系统学习了", "我系统学习了"),
        ("关系到孩子", "关系到孩子"),
        ("我系里有几个老师", "我系里有几个老师"),
        # eleventh session: Cantonese V唔V
        ("隨遷子女可唔可以入讀公立學校", "随迁子女可不可以入读公立学校"),
        ("要唔要补课", "要不要补课"),
        ("唔该晒", "唔该晒"),
        ("好唔好", "好唔好"),
        ("唔唔唔", "唔唔唔"),
        ("這份計畫", "这份计划"),
        ("規畫", "规划"),
        # eighteenth session: Gan and Cantonese 几多 is 多少
        ("补助每个月能拿几多钱", "补助每个月能拿多少钱"),
        # twenty-fifth session: shorthand for the plan's own terms, never inside a longer word
        ("幼教有啥新动作", "学前教育有啥新动作"),
        ("义教阶段要考试吗", "义务教育阶段要考试吗"),
        ("集团校是咋回事", "联合体学校是咋回事"),
        ("特教学校今年有啥计划", "特殊教育学校今年有啥计划"),
        ("高教今年有啥打算", "高等教育今年有啥打算"),
        ("爱国主义教育", "爱国主义教育"),
        ("中职教师", "中职教师"),
        ("职教高考", "职教高考"),
        ("提高教学质量", "提高教学质量"),
        ("高职教育", "高职教育"),
        ("独特教学", "独特教学"),
        # sixteenth session: pinyin with tone marks is the toneless pinyin a keyboard types, ü as v
        ("dà bān é zěn me jiě jué", "da ban e zen me jie jue"),
        ("Nǚ hái", "nv hai"),
        ("lǜ sè xiào yuán", "lv se xiao yuan"),
    ],
)
def test_normalize(tp: TextProcessor, raw: str, expected: str) -> None:
    assert tp.normalize(raw) == expected


def test_normalize_is_idempotent(tp: TextProcessor) -> None:
    text = "這份文件是誰發的？ＯＫ"
    once = tp.normalize(text)
    assert tp.normalize(once) == once


@pytest.mark.parametrize("term", ["大班额", "县管校聘", "职普比", "两后生", "课后延时服务", "控辍保学", "特岗计划"])
def test_user_dictionary_keeps_domain_terms_whole(tp: TextProcessor, term: str) -> None:
    assert term in tp.segment(tp.normalize(f"关于{term}的规定"))


def test_tokens_drop_stopwords_and_punctuation(tp: TextProcessor) -> None:
    tokens = tp.tokens(tp.normalize("大班额的比例上限是多少？"))
    assert "大班额" in tokens and "比例" in tokens
    assert not {"的", "是", "多少", "?", "？"} & set(tokens)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("students with disabilities", "disabled students"),
        ("teacher rotation", "teachers rotate"),
        ("kindergartens", "kindergarten"),
        ("subsidies", "subsidy"),
        ("bullying at school", "bullied at schools"),
    ],
)
def test_english_keywords_meet_however_they_inflect(tp: TextProcessor, one: str, other: str) -> None:
    assert set(tp.tokens(tp.normalize(one))) == set(tp.tokens(tp.normalize(other)))


@pytest.mark.parametrize(
    ("message", "runs"),
    [
        ("jinshi防控", [["jin", "shi", "fang", "kong"]]),  # touching Chinese
        ("学习强guo", [["xue", "xi", "qiang", "guo"]]),
        ("zhi pu 比", [["zhi", "pu"], ["bi"]]),  # a row of two beside Chinese
        ("da ban e zen me", [["da", "ban", "e", "zen", "me"]]),  # a whole message in pinyin
        ("is there a ban", []),
        ("ban ma", []),
        ("近视 app", [["jin", "shi"]]),  # English, two syllables alone, a word
    ],
)
def test_sound_runs_read_pinyin_typed_for_chinese(tp: TextProcessor, message: str, runs: list[list[str]]) -> None:
    assert tp.sound_runs(tp.normalize(message)) == runs


def test_stemming_leaves_chinese_and_numbers_alone(tp: TextProcessor) -> None:
    assert tp.tokens(tp.normalize("大班额 45:55 classes")) == ["大班", "大班额", "45", "55", "class"]


@pytest.mark.parametrize("question", ["县管校聘哪些地方先试", "大班额啥时候解决", "减负包括哪些方面"])
def test_question_words_jieba_keeps_whole_are_no_content(tp: TextProcessor, question: str) -> None:
    """ "哪些地方" is one jieba word: it was counted as an unknown noun of the question (thirteenth session)."""
    words = tp.content_words(tp.normalize(question))
    assert words and not {"哪些地方", "啥时候", "哪些方面"} & set(words)


def test_search_mode_adds_sub_words(tp: TextProcessor) -> None:
    tokens = tp.tokens(tp.normalize("中华优秀传统文化研学基地"))
    assert "传统" in tokens and "文化" in tokens


def test_char_ngrams(tp: TextProcessor) -> None:
    assert tp.char_ngrams("县官校聘") == ["县官", "官校", "校聘"]
    assert tp.char_ngrams("职普比45:55") == ["职普", "普比", "45:55"]
    assert tp.char_ngrams("teacher training") == ["teacher", "training"]


def test_pinyin_ngrams_match_homophone_typos(tp: TextProcessor) -> None:
    assert set(tp.pinyin_ngrams("县官校聘")) == set(tp.pinyin_ngrams("县管校聘"))
    assert tp.pinyin_ngrams("近视") == ["jin_shi"]
    assert tp.pinyin_ngrams("a") == []


def test_long_line_lists_are_packed_into_messages_without_splitting_lines() -> None:
    from bot.render import line_pages

    lines = [f"文件{i}.pdf：not a readable PDF" + "x" * 60 for i in range(200)]
    pages = line_pages(lines, limit=1000)
    assert all(len(page) <= 1000 for page in pages) and len(pages) > 1
    assert "\n".join(pages).split("\n") == lines
    assert line_pages(["甲" * 50], limit=20) == ["甲" * (20 - len("……（内容过长，已截断）")) + "……（内容过长，已截断）"]


@pytest.mark.parametrize(
    ("text", "several"),
    [
        ("孩子被几个高年级的堵在厕所，学校有没有硬要求?", True),
        ("之前有老师上门来教过几次今年还有没有人来", True),
        ("几个同学想参加比赛，市里会组织吗", True),
        ("每个班最多几个人", False),
        ("一个班几个人算大班额?", False),
        ("要招几个老师", False),
        ("第几条讲大班额，有没有", False),
        ("十几个班，会不会配人", False),
        ("孩子几个月上托班要准备什么？", False),
        ("几年级开始有英语课吗？", False),
        ("你知道几岁能上幼儿园吗", False),
        # fifteenth session: told of, then asked what the rule is or what to do
        ("村里有几个孩子没读完就出去打工了，有个什么说法", True),
        ("班上有几个孩子天天迟到，怎么办", True),
        # seventeenth session: "a few more", not how many
        ("有没有说要多配几个", True),
        ("能不能再派几个老师下来", True),
        ("要建几所学校", False),
        ("今年新建几所幼儿园", False),
        ("今年再建几所幼儿园", False),
        ("计划再招几名老师", False),
        # twenty-third session: told of, then asked what or how in a clause of its own
        ("我们学校有几个学生长期不来上学，劝回来要留啥材料", True),
        ("几个学校合并了，老师怎么安排", True),
        ("有几个孩子去哪了", False),
        ("特岗教师服务期几年,期满后怎么入编", False),
        ("今年新建几所幼儿园，建在什么地方", False),
        ("要招几个特岗教师，怎么报名", False),
        ("全市有几个乡镇中心幼儿园，具体是什么要求", False),
    ],
)
def test_a_few_told_of_is_not_how_many_asked(text: str, several: bool) -> None:
    marked = few_as_several(text)
    assert len(marked) == len(text)
    assert ("几" not in marked) is several


@pytest.mark.parametrize(
    ("a", "b", "alike"),
    [
        ("溺", "弱", True),
        ("弱", "溺", True),
        ("校", "效", True),
        ("聘", "骋", True),  # a part of it; a part shared
        ("溺", "河", False),
        ("类", "大", False),
        ("二", "一", False),
        ("校", "校", False),  # a radical only; itself
        ("匡", "班", False),
        ("儿", "党", False),  # 王 and 儿 are in too many characters at any depth (review)
        ("红", "级", False),
        ("财", "购", False),
        ("员", "负", False),  # 纟, 贝: direct parts of too many (second review)
    ],
)
def test_characters_look_alike_by_a_part_that_is_no_radical(a: str, b: str, alike: bool) -> None:
    assert look_alike(a, b, data_path("shapes.tsv")) is alike


@pytest.mark.parametrize(
    ("word", "noun"),
    [
        # jieba's guesser gluing two words of speech: no noun (an unknown noun counts against an answer)
        ("严不", False),  # 管得严不
        ("咋定", False),  # 是咋定的
        ("王定", True),  # a name (review): 定 ends given names too
        ("堵得", False),  # 心里堵得慌
        ("没考", False),  # 没考好
        ("系真", False),  # Cantonese 係唔係真㗎
        # words jieba knows keep its tag; words it does not know are names and rare nouns
        ("书包", True),
        ("领导班子", True),
        ("张三", True),
        ("社保", False),
    ],
)
def test_glued_words_of_speech_are_no_nouns(tp, word: str, noun: bool) -> None:
    assert tp.is_noun(word) is noun
