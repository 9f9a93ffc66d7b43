"""The core, assembled once, and the pipeline that answers a message.

``PolicyService.ask`` runs the five stages in order — understand → retrieve → decide → compose —
and leaves the fifth, render, to the channel (console text, Telegram HTML, JSON). Follow-up context,
the answer cache and timing wrap the pipeline; they do not branch inside it. Heavy resources (model,
jieba, expansion and cue lists) are loaded once in ``Resources`` and survive a reload; the index and
everything built on it form an ``Engine`` that a reload replaces as a whole.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from cachetools import LRUCache
from sentence_transformers import SentenceTransformer

from bot import plans
from bot import presentation as P
from bot.bank import BankQuestion, taught_hashes
from bot.compose import (
    Answer,
    Composer,
    compare,
    document_answer,
    in_another_point,
    in_context,
    no_plan_year,
    note_answer,
    points_answer,
    quoted_only,
    section_answer,
    with_duty,
    with_older,
)
from bot.config import Settings
from bot.corpus import Corpus, Document
from bot.decide import MAX_RELATED_TIER, Decision, confirmed, decide, for_look_up, named_point, needs_confirming
from bot.dialog import ChatMemory, Conversations
from bot.embedding import load_encoder, model_version
from bot.features import Params, load_params
from bot.index import IndexMissingError, IndexStaleError, PolicyIndex, build_and_save, load_index, text_fingerprint
from bot.presentation import Lang
from bot.retrieval import (
    CueList,
    Expander,
    Hit,
    MentionIndex,
    Retriever,
    RetrieverConfig,
    Search,
    asked_details,
    asks_for_number,
    search_each,
    talk_match,
)
from bot.talk import TalkBank, remark_is_small_talk
from bot.taught import bank_questions, read_taught
from bot.text import TextProcessor, data_path
from bot.understand import (
    Intent,
    Talk,
    Topic,
    about_the_bot_itself,
    checked_about,
    complains_first,
    figure_asked,
    point_topic,
    search_text,
    understand,
    vents,
)
from bot.vectors import VectorCache

logger = logging.getLogger(__name__)

# How much of the score comes from the text around the question part: personal background in the
# same message, or the chat's previous question when a fragment ("那高中呢") leans on it.
BACKGROUND_WEIGHT = 0.8
FOLLOW_UP_WEIGHT = 0.3
# …and background the writer set aside before asking ("说正事，…", "my real question: …"): Intent.turned.
TURNED_WEIGHT = 0.3
# Points retrieved for a clause look-up, so the one it names in the plan's words is among them
# (named_point only promotes a retrieved point): every point of a plan of up to 30 points.
LOCATE_K = 30
INLINE_RESULTS = 10
# "哪几条提到了X" with no point holding X's words shows the closest points as related only from this
# confidence of X's clause look-up (review, thirteenth session: 课外补习 0.54 is the plan's 校外培训; 游戏
# 0.19, 延迟退休 0.28, 旅游 0.33 are in no point and keep "没有条目提到…").
MENTIONS_RELATED_MIN = 0.4
# Intents answered by searching the plan (the rest are look-ups or small talk).
SEARCHED = ("ask", "locate", "follow_up")
# A message addressed to a member of the group ("王老师，明天还上课吗？", "王姐你家孩子作业写完没") is for
# them: the bot speaks up only when the plan answers it clearly. Probes (fourteenth session): questions
# about the plan put to a teacher scored 0.84–0.96 ("王老师，今年大班额比例要控制在多少" 0.96, "…孩子近视了
# 怎么办" 0.84), class chat 0.57–0.67 ("明天还上课吗" 0.57, "孩子作业写完了吗" 0.67) — over the answer cut (0.55).
ELSEWHERE_ANSWER_MIN = 0.8
# ...unless it asks what the plan says: "Chris, what's the vocational to general ratio in the plan?" (0.68:
# English runs lower) is for whoever knows the plan, the bot included — answered, or its closest points.
_NAMES_THE_PLAN_RE = re.compile(
    r"(?:文件|工作要点|要点|计划)(?:里|中|上)(?:面)?(?:是)?(?:怎么|有没有|有|说|写|讲|规定|提)"
    r"|\b(?:in|does|did) (?:the|this|your|our|that|bureau's) (?:work |education |2021 )?(?:plan|document|doc)\b"
    r"|\b(?:the|this|that|your|our) (?:work |education |2021 )?(?:plan|document|doc)(?:'s|\s+(?:say|says|said|mention|mentions|cover|covers))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Resources:
    """The parts of the core that do not depend on the index and survive a reload."""

    settings: Settings
    tp: TextProcessor
    encoder: SentenceTransformer
    expander: Expander
    cues: CueList
    places: CueList
    talk: TalkBank

    @classmethod
    def load(cls, settings: Settings) -> Resources:
        tp = TextProcessor()
        cache_dir, model = settings.data_dir / "cache", settings.embedding_model
        encoder = load_encoder(model, threads=settings.encoder_threads, cache_dir=cache_dir)
        talk_cache = VectorCache.in_folder(cache_dir / "smalltalk", model, model_version(model), encoder)
        return cls(
            settings=settings,
            tp=tp,
            encoder=encoder,
            expander=Expander(),
            cues=CueList.from_file(),
            places=CueList.from_file(data_path("places.txt")),
            talk=TalkBank.load(encoder, tp.normalize, cache=talk_cache),
        )

    def retriever_config(self, params: Params | None = None) -> RetrieverConfig:
        return RetrieverConfig(
            self.encoder,
            self.tp,
            self.expander,
            params or load_params(self.settings.embedding_model),
            self.cues,
            self.places,
            self.talk,
        )

    def fingerprint(self) -> dict[str, str]:
        return text_fingerprint(self.tp)

    def taught(self) -> tuple[BankQuestion, ...]:
        """The questions taught into the database (read-only; none when it does not exist yet)."""
        return bank_questions(read_taught(self.settings.resolved_database_url))

    def build(self, progress: bool = False) -> PolicyIndex:
        s = self.settings
        return build_and_save(
            s.corpus_dir,
            s.index_dir,
            self.encoder,
            self.tp,
            s.embedding_model,
            s.embedding_batch_size,
            progress,
            self.fingerprint(),
            self.taught(),
        )

    def load_index(self, build_if_needed: bool = False, progress: bool = False) -> PolicyIndex:
        """Load the index; with ``build_if_needed`` a missing or stale index (corpus, question
        banks, taught questions, model or dictionaries changed) is rebuilt first."""
        s = self.settings
        try:
            taught = taught_hashes(self.taught())
            return load_index(s.index_dir, s.embedding_model, s.corpus_dir, self.fingerprint(), taught)
        except (IndexMissingError, IndexStaleError) as e:
            if not build_if_needed:
                raise
            logger.info("%s — building it now", e)
            return self.build(progress=progress)


@dataclass(frozen=True)
class Engine:
    """One index with the retriever and composer built on it; replaced as a whole on reload."""

    index: PolicyIndex
    retriever: Retriever
    composer: Composer
    mentions: MentionIndex

    @property
    def corpus(self) -> Corpus:
        return self.index.corpus


class PolicyService:
    """Answers messages. Thread-safe: the Telegram channel calls ``ask`` from worker threads."""

    def __init__(self, resources: Resources, index: PolicyIndex, params: Params | None = None) -> None:
        self.resources = resources
        self.params = params  # None: the calibrated parameters of the configured model
        self.settings = resources.settings
        self._lock = threading.Lock()
        # Repeated questions (the example buttons, FAQs) skip the pipeline; cleared on reload.
        self._cache = LRUCache[str, Answer](self.settings.cache_size) if self.settings.cache_size else None
        self.conversations = Conversations(ttl=self.settings.context_ttl_seconds)
        self._install(index)

    @classmethod
    def from_settings(cls, settings: Settings, build_if_needed: bool = True, progress: bool = False) -> PolicyService:
        resources = Resources.load(settings)
        return cls(resources, resources.load_index(build_if_needed=build_if_needed, progress=progress))

    def _install(self, index: PolicyIndex) -> None:
        retriever = Retriever(index, self.resources.retriever_config(self.params))
        engine = Engine(index, retriever, Composer(index.corpus), MentionIndex(index.corpus, retriever.tp.normalize))
        # A request takes the engine once, so it sees the old or the new index, never a mix.
        with self._lock:
            self._engine = engine
            if self._cache is not None:
                self._cache.clear()

    @property
    def engine(self) -> Engine:
        return self._engine

    @property
    def index(self) -> PolicyIndex:
        return self._engine.index

    @property
    def corpus(self) -> Corpus:
        return self._engine.index.corpus

    # -- the pipeline ---------------------------------------------------------------------------

    def understand(self, message: str, chat: str | None = None, memory: ChatMemory | None = None) -> Intent:
        topic = (memory or self.conversations).get(chat) if chat else None
        return understand(message, topic, self._engine.retriever.tp.normalize)

    def ask(self, message: str, chat: str | None = None, memory: ChatMemory | None = None) -> Answer:
        """Answer one message. With ``chat`` (a per-chat key) follow-ups use the previous topic, kept
        in ``memory`` (a channel's own: the database replicas share) or else in this process."""
        started = time.perf_counter()
        engine = self._engine
        intent = self.understand(message, chat, memory)
        key = self._cache_key(engine, intent)
        answer = self._cached(engine, key, intent)
        if answer is None:
            answer = self.respond(engine, intent)
            self._store(engine, key, answer)
        if chat and (topic := topic_of(intent, answer)) is not None:
            (memory or self.conversations).set(chat, topic)
        return replace(answer, elapsed_ms=(time.perf_counter() - started) * 1000)

    def respond(self, engine: Engine, intent: Intent) -> Answer:
        """retrieve → decide → compose for one intent."""
        composer = engine.composer
        match intent.kind:
            case "empty":
                return composer.empty(intent)
            case "smalltalk":
                return composer.small_talk(intent)
            case "point" | "points" | "section" | "document" if (missing := missing_plan(engine, intent)) is not None:
                return missing
            case "point" if intent.part_words and intent.section is None:
                return self.respond(engine, in_named_part(engine, intent))
            case "point":
                return misnumbered(engine, intent, self.settings.max_related) or point_answer(engine, intent)
            case "document":
                return document_answer(composer, intent, plan_for(engine, intent))
            case "section":
                return part_answer(engine, intent, lambda mentions: self.respond(engine, mentions))
            case "points":
                return points_answer(composer, intent, plan_for(engine, intent))
            case "compare" if len(engine.corpus.documents) > 1 or not intent.parts:
                return compare_answer(engine, intent, self.settings.max_related)
            case "compare":  # one plan loaded: the message is a plain question
                return self.respond(engine, intent.parts[0])
            case "mentions" if (found_as := mentioned(engine, intent)) is not None:
                return composer.mentions(*found_as)
            case "mentions":
                # No point has the exact words ("四史学习教育" for 学习“四史”): a clause look-up answers, or
                # shows the closest points as related, claiming nothing ("哪几条提到了课外补习": the plan's
                # word is 校外培训 — "no point mentions it" read as if the plan were silent); say that no
                # point mentions them only when nothing is close (the look-up's own nearest points, which
                # it shows whatever their score, are not close: "哪几条提到了股票").
                as_look_up = replace(intent, kind="locate")
                if self.decide(engine, as_look_up).confidence < MENTIONS_RELATED_MIN:
                    return composer.mentions(intent, [])
                return self.respond(engine, as_look_up)
            case "several":
                return several_answer(engine, intent, lambda part: self.respond(engine, part))
            case "follow_up" if intent.follow in ("elaborate", "plain") and intent.topic is not None:
                full = composer.full_point(intent.topic.doc_id, intent.topic.point, intent.lang, intent.text)
                if full is not None:
                    return in_context(quoted_only(full) if intent.follow == "plain" else full, intent.topic.question)
        return searched(engine, intent, self.settings.max_related)

    def search(self, intent: Intent) -> Search:
        return search_for(intent, self.settings.max_related)

    def decide(self, engine: Engine, intent: Intent) -> Decision:
        retrieval = engine.retriever.search(self.search(intent))
        return decide(retrieval, engine.retriever.params, self.settings.max_related)

    def point(self, number: int, lang: Lang = "zh", year: int | None = None) -> Answer:
        """Point ``number`` in full (/point N, /point 2022 N), as asking 第N条 would: of the plan of
        ``year``, else of the newest plan."""
        years = (year,) if year else ()
        return point_answer(self._engine, Intent("point", str(number), point=number, years=years, lang=lang))

    # -- around the pipeline ---------------------------------------------------------------------

    def _cache_key(self, engine: Engine, intent: Intent) -> str | None:
        if self._cache is None or intent.kind == "follow_up" or intent.topic is not None:
            return None  # a follow-up's answer ("这条由哪个单位负责") depends on the chat, not only on its words
        return engine.retriever.tp.normalize(intent.text)

    def _cached(self, engine: Engine, key: str | None, intent: Intent) -> Answer | None:
        if key is None or self._cache is None:
            return None
        with self._lock:
            answer = self._cache.get(key) if engine is self._engine else None
        return replace(answer, question=intent.text) if answer is not None else None

    def _store(self, engine: Engine, key: str | None, answer: Answer) -> None:
        if key is None or self._cache is None:
            return
        with self._lock:
            if engine is self._engine:  # a reload in between: do not cache the old index's answer
                self._cache[key] = answer

    def clauses(self, text: str, k: int = INLINE_RESULTS) -> list[Answer]:
        """The clauses that pass the decision stage, each cited on its own (inline mode)."""
        return inline_clauses(self._engine, text, k)

    # -- maintenance ---------------------------------------------------------------------------

    def reload(self, rebuild: bool = True) -> PolicyIndex:
        """Rebuild (or reload) the index from corpus/ while the old one keeps answering."""
        index = self.resources.build() if rebuild else self.resources.load_index()
        self._install(index)
        return index


def topic_of(intent: Intent, answer: Answer) -> Topic | None:
    """The topic for follow-ups: the point a confident answer cited, and the question that set it (a
    "which points mention X" that finds one point sets it too: "哪几条提到疫情" → "原文是什么")."""
    one_mention = answer.kind == "mentions" and len(answer.citations) == 1
    if (
        not answer.found
        or not answer.citations
        or (answer.kind in ("mentions", "several", "document", "compare", "points") and not one_mention)
    ):
        return None
    top = answer.citations[0]
    question = intent.topic.question if intent.topic and answer.context_used else intent.text
    return Topic(question, top.doc_id, top.point, time.monotonic())


def missing_plan(engine: Engine, intent: Intent) -> Answer | None:
    """ "2019年第8条" / "2019年的计划是谁发的" with no 2019 plan loaded: say so, rather than answer
    from another year's plan. A question about the document says so when it names a year after every
    plan's: "2022年的工作要点出来了没有，跟2021年的比有啥变化" is not answered by the 2021 plan's header."""
    route = plans.route(engine.corpus, intent.years, intent.relative)
    newest = max((d.year or 0 for d in engine.corpus.documents), default=0)
    # (only a plan not out yet: "是2021年还是2020年" is answered from the 2021 plan — review)
    not_yet = intent.kind == "document" and all(year > newest for year in route.missing)
    if route.missing and (not route.named or not_yet):
        return no_plan_year(intent, route.missing, list(route.docs))
    return None


def plan_for(engine: Engine, intent: Intent) -> Document:
    """The plan an intent is about: the one its year names (or "去年"), else the newest."""
    return plans.route(engine.corpus, intent.years, intent.relative).docs[0]


def several_answer(engine: Engine, intent: Intent, respond: Callable[[Intent], Answer]) -> Answer:
    """Two or three questions (or look-ups) in one message, each answered by ``respond``."""
    if intent.parts[0].kind == "point" and (missing := missing_plan(engine, intent.parts[0])) is not None:
        return missing  # "2023年第8条和第9条" with no 2023 plan: said once
    answers = [respond(part) for part in intent.parts]
    # Only chit-chat ("Hi, are you a bot? What can you actually do?"): one friendly reply (twenty-second session).
    if all(a.status == "smalltalk" for a in answers):
        return replace(answers[-1], question=intent.text)
    # A question among others that reads as chit-chat on its own ("爸爸和妈妈各请几天假" → 爸爸请几天假) is one
    # the plan does not answer, not small talk in the middle of an answer (review, nineteenth session).
    answers = [
        engine.composer.compose(part, Decision("not_found", (), 0.0))
        if a.status == "smalltalk" and part.kind == "ask"
        else a
        for part, a in zip(intent.parts, answers, strict=True)
    ]
    if intent.to_someone_else and not any(a.found for a in answers):  # "王老师明天几点开会？在三楼吗"
        return engine.composer.small_talk(replace(intent, talk="elsewhere"))
    tops = {(a.citations[0].doc_id, a.citations[0].point) for a in answers if a.citations and a.found}
    # Parts that all land on one point are one question asked twice ("…要考试吗？要交钱吗？").
    if len(tops) == 1 and all(a.found for a in answers):
        return replace(answers[0], question=intent.text)
    several = engine.composer.several(intent, answers)
    if asks_further(intent, answers) and (intent.whole is None or not respond(intent.whole).found):
        return replace(several, status="related")
    return several


def asks_further(intent: Intent, answers: list[Answer]) -> bool:
    """A later question the plan does not answer asks a detail of what an earlier, answered one asks
    about ("贵溪最后到底通过评估没有？哪天公布的结果？", "老师工资今年涨不涨？能涨多少？"): its closest point
    is that one's, or it names nothing of its own. Unless the message read as one question is answered,
    each part is still shown but the message is not answered: 14 of the 68 out-of-scope messages of the
    labelled sets split into parts had been answered on their first half."""
    first = next((i for i, a in enumerate(answers) if a.found), None)
    if first is None or any(part.kind != "ask" for part in intent.parts):
        return False
    top = answers[first].citations[0].point if answers[first].citations else None
    return any(
        not a.found and (part.detail_only if not a.citations else a.citations[0].point == top)
        for part, a in zip(intent.parts[first + 1 :], answers[first + 1 :], strict=True)
    )


def part_answer(engine: Engine, intent: Intent, respond: Callable[[Intent], Answer]) -> Answer:
    """第三部分讲什么, or a part named by its heading's words; words no heading holds are a look-up of the
    points that mention them."""
    doc = plan_for(engine, intent)
    if intent.section is None and (number := part_named(doc, intent.query)) is not None:
        intent = replace(intent, section=number)
    if intent.section is None:
        return respond(replace(intent, kind="mentions"))
    return section_answer(engine.composer, intent, doc)


def in_named_part(engine: Engine, intent: Intent) -> Intent:
    """素质教育那部分的第一条: the point counted within the part its heading's words name; when no heading
    holds them ("学前教育那块的第一条": 教育 is in every heading), a question like any other."""
    number = part_named(plan_for(engine, intent), intent.part_words)
    return replace(intent, section=number) if number is not None else replace(intent, kind="ask")


def part_named(doc: Document, words: str) -> int | None:
    """The part whose heading shares the longest run of characters with ``words`` ("素质教育" →
    二、全面发展素质教育,落实立德树人根本任务): three or more, or all of them; None when no heading does
    (教育 alone is in every heading: "学前教育那部分" is a look-up of the points that mention it)."""
    return titled_by(words, {s.number: s.title for s in doc.sections})


def titled_by(words: str, titles: dict[int, str]) -> int | None:
    """The one numbered title (a part's heading, a point's title) sharing the longest run of characters
    with ``words``: three or more, or all of them; None when no title or several do."""
    runs = {
        number: SequenceMatcher(None, words, title, autojunk=False).find_longest_match().size
        for number, title in titles.items()
    }
    best = max(runs.values(), default=0)
    named = [number for number, run in runs.items() if run == best]
    # one heading only: 发展 and 教育发展 are in several ("发展那一块有哪几条" is a look-up of the word)
    return named[0] if len(named) == 1 and (best >= 3 or best == len(words) >= 2) else None


def point_answer(engine: Engine, intent: Intent) -> Answer:
    """第N条 / 最后一条: the point in full, or a polite note with the valid range. A point asked
    about right after an answer ("这条由哪个单位负责") is that answer's point."""
    if intent.topic is not None:  # this point or the next one ("下一条呢"): of the plan the chat is about
        doc = engine.corpus.document(intent.topic.doc_id) or plan_for(engine, intent)
        point: int = intent.topic.point if intent.point is None else intent.point
    else:
        doc, point = plan_for(engine, intent), intent.point or 0
    if intent.section is not None:  # 第三部分第二条: the second point of part 3
        section = doc.section(intent.section)
        if section is None:
            return section_answer(engine.composer, intent, doc)  # no such part: says how many there are
        # 第一部分的最后一条 / 倒数第二条: counted from the part's end (LAST_POINT is -1, LAST_POINT - 1 -2, …)
        part = section.point_numbers
        within = point if point > 0 else len(part) + 1 + point
        if not 0 < within <= len(part):
            return engine.composer.no_point(intent, None, doc)
        point = part[within - 1]
    number = doc.counted(point)  # LAST_POINT counts from the end
    full = engine.composer.full_point(doc.doc_id, number, intent.lang, intent.text) if number is not None else None
    if full is None:
        return engine.composer.no_point(intent, number, doc)
    return with_duty(engine.composer, full) if intent.asks_duty else full


def decide_each(
    engine: Engine, request: Search, order: list[str], max_related: int, confirm: bool = False
) -> dict[str, Decision]:
    """Each plan's own decision for one request (one encoder pass, bot/retrieval.search_each); with
    ``confirm``, a related one confirmed by the question part's own search, or the whole message's, as in
    confirmed_alone."""
    params = engine.retriever.params
    decisions = {d: decide(r, params, max_related) for d, r in search_each(engine.retriever, request, order).items()}
    if not confirm or not any(worth_confirming(engine, request, x) for x in decisions.values()):
        return decisions
    alone = search_each(engine.retriever, alone_request(request), order)
    result = {
        d: confirmed(x, decide(alone[d], params, max_related)) if needs_confirming(x, request) else x
        for d, x in decisions.items()
    }
    still = [
        d for d, x in result.items() if x is decisions[d] and x.status == "related" and needs_confirming(x, request)
    ]
    if still:
        whole = search_each(engine.retriever, whole_request(request), still)
        result |= {d: confirmed(result[d], decide(whole[d], params, max_related)) for d in still}
    return result


# A topic typed alone in English, one to four words, no question word.
_BARE_ENGLISH_TOPIC_RE = re.compile(
    r"(?!(?:what|how|when|where|which|who|why|is|are|can|do|does|will|any)\b)[a-z]+(?:[ -][a-z]+){0,3}"
)
# Words of an English look-up that say which plan, not which point ("…of Yingtan's education plan").
_GENERIC_ENGLISH = frozenset(
    {"education", "educational", "yingtan", "work", "point", "clause", "section", "part", "vs", "versus"}
)


def named_in_plan_words(engine: Engine, intent: Intent) -> tuple[str, int] | None:
    """The point a question names in the plan's own words: a clause look-up by a phrase only one
    point holds, or a question that is a point's title typed out."""
    if intent.kind == "locate" and intent.query.isascii():
        # "which point covers vocational education": the plan's words for it are the expansion
        # list's; a point is named when every one of them that names a single point names it.
        # When most of its words are not the plan's ("hiring foreign teachers": only "teacher" is),
        # the look-up is about something else the plan may not hold, and the confidence model decides.
        return named_in_english(engine, intent.query, engine.mentions.named, min_share=0.5)
    if intent.kind == "locate":
        return engine.mentions.named(intent.query) or named_by_expansion(engine, intent.query)
    figure = figure_asked(engine.retriever.tp.normalize(intent.query)) if intent.kind == "ask" else None
    if figure is not None and (stated := engine.mentions.figured(figure)) is not None:
        return stated  # "45:55指的啥", "第37个是什么节": the one point stating that figure (nineteenth session)
    if intent.kind == "ask" and not intent.context and _BARE_ENGLISH_TOPIC_RE.fullmatch(intent.query.lower()):
        # "vocational education" typed alone: the one title that holds the plan's words for it
        # (tenth session: 第17条's online courses came first, related) — only when every word is one
        # the expansion list knows and no cue is in it ("teacher phone number", "teacher salary in
        # Shanghai" stay with the confidence model).
        if engine.retriever.config.cues.count(engine.retriever.tp.normalize(intent.query)):
            return None
        return named_in_english(engine, intent.query, engine.mentions.topic_titled, min_share=1.0)
    if intent.kind == "ask" and not intent.context:
        return engine.mentions.titled(intent.query) or engine.mentions.topic_titled(intent.query)
    return None


def named_by_expansion(engine: Engine, term: str) -> tuple[str, int] | None:
    """A Chinese look-up's term in everyday words that the expansion list gives the plan's words for, all
    of it one trigger ("家校合作第几条" → 家校社协同育人, 第6条; twentieth session: 第10条's 校企合作 came first):
    the one point the list's main word for it names (not 家校共育, which 第22条 says in passing)."""
    expander, tp = engine.retriever.config.expander, engine.retriever.tp
    text = tp.normalize(term)
    if engine.mentions.find(text) or engine.retriever.config.cues.count(text):
        return None  # words the plan writes itself (补助, 统计: the points holding them), or a cue (review)
    _, triggers = expander.expand(text)
    if not triggers or max(len(t) for t in triggers) < len(text):
        return None
    found = {key for word in expander.main_terms(text) if (key := engine.mentions.named(word)) is not None}
    return found.pop() if len(found) == 1 else None


def named_in_english(
    engine: Engine, query: str, lookup: Callable[[str], tuple[str, int] | None], min_share: float
) -> tuple[str, int] | None:
    """The one point ``lookup`` finds for the plan's words that the expansion list gives an English
    ``query``; None when less than ``min_share`` of its words are the list's, or the words point apart."""
    expander, tp = engine.retriever.config.expander, engine.retriever.tp
    text = tp.normalize(query)
    if expander.matched_share(text, tp.stopwords | _GENERIC_ENGLISH) < min_share:
        return None
    # the plan's words for what the query names, not for a word inside a longer phrase: "eye exams" names
    # 近视防控, not 考试 (review, fifteenth session: "eye exams for kids" was answered with point 15)
    found = {key for term in expander.outer_terms(text) if (key := lookup(term)) is not None}
    return found.pop() if len(found) == 1 else None


def mentioned(engine: Engine, intent: Intent) -> tuple[Intent, list[tuple[str, int, str]]] | None:
    """The points holding a mentions question's words, with the intent whose query names them: the
    plan's own words for English ones — "bullying" is listed as the points saying 校园及周边综合治理, which
    the plan does, never as mentions of bullying. None when no point holds them."""
    if found := engine.mentions.find(intent.query):
        return intent, found
    found, together = mentions_of_each(engine, intent.query)
    if found:  # the heading names the terms as found: "A和B", or "A或B" when no point holds both
        return (
            intent if together else replace(intent, query=P.either(_JOINED_TERMS_RE.split(intent.query), intent.lang))
        ), found
    if english := mentions_in_english(engine, intent.query):
        words, found = english
        return replace(intent, query=P.listed(words, "zh")), found
    return None


# Terms joined in one look-up ("哪几条提到贵溪市和余江区"): each part its own term.
_JOINED_TERMS_RE = re.compile(r"以及|还有|和|与|及|跟|或者?|、|/|,|，")


def mentions_of_each(engine: Engine, term: str) -> tuple[list[tuple[str, int, str]], bool]:
    """The points holding every part of terms joined by 和 / 与 / 、 …, or, when no numbered point holds
    them all, those holding any — and whether all (``True``) or any; ([], True) unless every part (two
    characters or more) is found somewhere (twenty-third session: "哪几条提到贵溪市和余江区" was searched as
    one phrase and told that no point mentions it). Plan order, each plan's header last, as find()."""
    parts = [p.strip() for p in _JOINED_TERMS_RE.split(term)]
    if len(parts) < 2 or any(len(p) < 2 for p in parts):
        return [], True
    each = [engine.mentions.find(p) for p in parts]
    if not all(each):
        return [], True
    keys = [{(d, n) for d, n, _ in found} for found in each]
    together = [f for f in each[0] if all((f[0], f[1]) in k for k in keys[1:])]
    if any(n > 0 for _, n, _ in together):  # (the header alone holds both: "幼儿园和事业单位" in its recipients)
        return together, True
    anyof = {(f[0], f[1]): f for found in reversed(each) for f in found}  # each point with the first part's sentence
    order = {doc.doc_id: i for i, doc in enumerate(engine.corpus.documents)}
    return sorted(anyof.values(), key=lambda f: (order.get(f[0], len(order)), f[1] == 0, f[1])), False


def mentions_in_english(engine: Engine, term: str) -> tuple[list[str], list[tuple[str, int, str]]] | None:
    """ "which points mention vocational education": the plan's main word for each thing the term names
    (bot/retrieval.Expander.main_terms) and the points holding all of them; None unless every word of
    the term is one the expansion list knows, or when no point holds them (fourteenth session: the
    review's "Which points mention vocational education?" was told no point does — the plan says
    职业教育 in six)."""
    expander, tp = engine.retriever.config.expander, engine.retriever.tp
    text = tp.normalize(term)
    if not term.isascii() or expander.matched_share(text, tp.stopwords | _GENERIC_ENGLISH) < 1.0:
        return None
    main = expander.main_terms(text)
    if not main:
        return None
    holding = [{(d, p) for d, p, _ in engine.mentions.find(word)} for word in main[1:]]
    found = [f for f in engine.mentions.find(main[0]) if all((f[0], f[1]) in keys for keys in holding)]
    return (main, found) if found else None


def confirmed_alone(engine: Engine, request: Search, decision: Decision, max_related: int) -> Decision:
    """``decision``, or another view's decision when it confirms it (bot/decide.confirmed): a question shown
    only as related (or refused), searched with its message's background, is searched by its own words too;
    and one still related, by the whole message read as one question (whole_request)."""
    if not worth_confirming(engine, request, decision):
        return decision
    params = engine.retriever.params
    result = confirmed(decision, decide(engine.retriever.search(alone_request(request)), params, max_related))
    if result is decision and decision.status == "related":
        result = confirmed(decision, decide(engine.retriever.search(whole_request(request)), params, max_related))
    return result


def worth_confirming(engine: Engine, request: Search, decision: Decision) -> bool:
    """Whether the question part's own search is asked for: the decision needs confirming (bot/decide) and the
    background holds no out-of-scope cue (story_cued)."""
    return needs_confirming(decision, request) and not story_cued(engine, request)


def alone_request(request: Search) -> Search:
    return replace(request, context="", context_weight=0.0)


def whole_request(request: Search) -> Search:
    """The story and its question searched as one question, its facts (cues, details asked) read from all of it. A
    question part that points back at a story ("这是教育局统一要求的吗", "这事上面今年到底是怎么说的") matches the
    question bank's "是上面要求的吗" of every topic; counted at BACKGROUND_WEIGHT the story's topic did not stand out
    enough to answer. (Twenty-seventh session, over every tuning set, the whole message confirming the point already
    ranked first, with clear evidence: 37 more right answers, 2 more out of scope answered — both since kept back by
    the details they ask, how to apply and the bot's opinion —, no wrong one; with the question part's own facts
    instead of the whole message's, 49 more right but 5 out of scope and 2 wrong.)"""
    return replace(request, text=f"{request.context}，{request.text}", context="", context_weight=0.0)


def story_cued(engine: Engine, request: Search) -> bool:
    """Whether the background holds a cue of the out-of-scope list ("My child holds a foreign passport. Can she
    sit the zhongkao in Yingtan?"): the question part alone, read without it, would not be the question asked.
    Not places and years no plan names: a story often says where the writer works ("在东莞打工，…教育局今年到底
    管不管这种歪风邪气?"); counted as cues, they held back 4 right answers and no wrong one (twenty-third session)."""
    retriever = engine.retriever
    return retriever.config.cues.count(retriever.tp.normalize(request.context)) > 0


def searched_answer(engine: Engine, intent: Intent, max_related: int) -> Answer:
    """ask / locate / follow-up: retrieve → decide → compose. With several plans loaded the question
    goes to the plan its year names, or else to the newest plan that answers it (bot/plans.py)."""
    composer, params = engine.composer, engine.retriever.params
    request = search_for(intent, max_related)
    route = plans.route(engine.corpus, intent.years, intent.relative)
    if route.missing and not route.named and intent.names_plan:
        # "2023年的工作计划里…" with no 2023 plan loaded: say so, even with one plan loaded, rather
        # than answer from another year's plan.
        return no_plan_year(intent, route.missing, list(route.docs))
    if route.named and (intent.names_plan or len(engine.corpus.documents) > 1):
        # "2021年的工作要点里大班额怎么说": the plan words only choose the plan. With one plan loaded a
        # year that names no plan is content ("为什么说2021年对教育工作很特殊") and stays.
        request = replace(request, text=search_text(request.text))
    if len(engine.corpus.documents) == 1:
        retrieval = engine.retriever.search(request)
        decision = decide(retrieval, params, max_related)
        if intent.kind == "ask":
            decision = confirmed_alone(engine, request, decision, max_related)
        if (key := named_in_plan_words(engine, intent)) is not None:
            decision = named_point(retrieval, key, max_related) or decision
        if intent.kind == "locate":
            decision = for_look_up(decision, retrieval)
        if (talk := talk_instead(engine, intent, decision)) is not None:
            return composer.small_talk(replace(intent, talk=talk))
        return composer.compose(intent, decision)
    topic_doc = engine.corpus.document(intent.topic.doc_id) if intent.topic else None
    if intent.kind == "follow_up" and topic_doc is not None and not route.named:
        route = plans.Route((topic_doc,), True)  # "那幼儿园呢" stays in the plan the chat is about
        request = replace(request, text=search_text(request.text))
    order = [d.doc_id for d in route.docs]
    decisions = decide_each(engine, request, order, max_related, confirm=intent.kind == "ask")
    chosen = plans.primary(decisions, order)
    if (talk := talk_instead(engine, intent, decisions[chosen])) is not None:
        return composer.small_talk(replace(intent, talk=talk))
    answer = composer.compose(intent, decisions[chosen])
    if answer.status != "answered" or route.named:
        return answer
    quoted = {d: composer.quoted_sentences(x.top) for d, x in decisions.items() if x.top is not None}
    older = plans.older_answer(decisions, order, chosen, quoted)
    return with_older(composer, answer, decisions[older]) if older else answer


def searched(engine: Engine, intent: Intent, max_related: int) -> Answer:
    """A searched intent's answer, with the chat's topic where it has one and the duty when asked."""
    answer = searched_answer(engine, intent, max_related)
    if intent.kind == "ask" and intent.point is not None and answer.status != "answered":
        answer = named_point_answer(engine, intent, max_related) or answer
    if intent.kind == "ask" and intent.titled:  # asked to be summed up: the point whole, answered or not
        answer = titled_answer(engine, intent, max_related) or answer
    if intent.kind == "ask" and intent.besides and answer.status == "answered":
        answer = besides_answer(engine, intent, answer) or answer
    if intent.kind == "ask" and intent.topic is not None and answer.status in ("related", "not_found"):
        answer = going_on(engine, intent, intent.topic, max_related) or answer
    if intent.asks_duty and answer.status == "answered":
        answer = with_duty(engine.composer, answer)
    if intent.kind == "ask" and intent.follow == "plain" and answer.status == "answered":
        answer = quoted_only(answer, "plain_answer")
    if intent.kind == "follow_up" and intent.topic is not None and answer.status != "not_found":
        return in_context(answer, intent.topic.question)
    return answer


def named_point_answer(engine: Engine, intent: Intent, max_related: int) -> Answer | None:
    """A question about the point it names ("第十六点督导那条有几项任务") that the search does not answer:
    that point in full — only when the search's own best point is that one, so "第一点，幼儿园收费标准是
    多少" (the writer's own first point) is not answered with point 1 (a review, eighteenth session)."""
    own = own_top(engine, intent, max_related)
    if own is None or own.point != intent.point:
        return None
    return point_answer(engine, replace(intent, kind="point"))


def titled_answer(engine: Engine, intent: Intent, max_related: int) -> Answer | None:
    """A point asked to be summed up by words of its title ("职业教育那块太长了，能概括一下吗",
    "教师队伍建设那条主要讲了哪些"): that point in full — the bot quotes, it never rewords — when one title
    holds the words (titled_by) and the search of the question's own words finds it among its closest
    points ("职业教育那块太长了看不下去，能概括一下吗" ranks 经费 and 评价 above it: the asking words)."""
    doc = plan_for(engine, intent)
    point = titled_by(intent.titled, {p.number: p.title for p in doc.points if p.number > 0})
    if point is None:
        return None
    hits = engine.retriever.search(search_for(intent, max_related)).hits
    if (doc.doc_id, point) not in {(h.doc_id, h.point) for h in hits}:
        return None
    return point_answer(engine, replace(intent, kind="point", point=point))


def misnumbered(engine: Engine, intent: Intent, max_related: int) -> Answer | None:
    """A look-up of one point by a number that does not hold what it names ("第21条关于疫情防控是怎么要求的":
    疫情防控 is point 23's; "第1条讲八项规定的那段原文发我下"): the answer to what it names, said to come from
    another point — when the search answers that with confidence, cites no part of the point asked for, and
    the thing named shares more of its character pairs with the answering point than with the one asked
    for. None for a plain look-up, or when the number fits."""
    if intent.point is None or intent.topic is not None or intent.section is not None:
        return None
    checked = checked_about(intent.text)
    topic, named = (checked, checked) if checked else point_topic(intent.text)
    if not topic:
        return None
    doc = plan_for(engine, intent)
    number = doc.counted(intent.point)
    if number is None:
        return None
    named_only = replace(intent, kind="ask", query=topic, point=None)
    if checked and (doc.doc_id, number) in {(h.doc_id, h.point) for h in own_hits(engine, named_only, max_related)}:
        return None  # "第15条是不是讲中考的": among the closest points (its 初中学业水平考试 is the 中考) — a yes
    answer = searched_answer(engine, named_only, max_related)
    if answer.status != "answered" or any((c.doc_id, c.point) == (doc.doc_id, number) for c in answer.citations):
        return None
    # The thing named is in the answer's point, more than in the one asked for ("第3条有几项任务" names nothing
    # the search's answer holds: point 3 it stays — review, nineteenth session). By character pairs, as the
    # plan may quote or split it (克服“唯分数”, 创文提高标准,创卫…).
    held = engine.mentions.text(answer.citations[0].doc_id, answer.citations[0].point)
    asked = engine.mentions.text(doc.doc_id, number)
    if held is None or asked is None:
        return None
    share = pair_share(named, held)
    if share < NAMED_SHARE or pair_share(named, asked) >= share:
        return None
    return in_another_point(answer, number)


# Of the character pairs a look-up names, the share the answering point must hold (misnumbered): people35's
# four look-ups by a wrong number and "第8条说的职普比是多少" share 0.67 to 1.0 with the point that answers
# them and none with the one named; "第3条有几项任务" (任务) shares none with the search's answer.
NAMED_SHARE = 0.5


def pair_share(named: str, text: str) -> float:
    """The share of ``named``'s character pairs that ``text`` holds."""
    pairs = {named[i : i + 2] for i in range(len(named) - 1)}
    return sum(p in text for p in pairs) / len(pairs) if pairs else 0.0


_LISTED_RE = re.compile(r"[、和]")  # between things set aside together ("除了作业和手机": either in the point will do)


def besides_answer(engine: Engine, intent: Intent, answer: Answer) -> Answer | None:
    """What else a point says, something it says set aside ("除了大班额，义务教育那块还要搞啥"): the point in
    full, when the answer's point says what was set aside; None otherwise (the answer stands). The quoted
    sentences had been the very ones set aside (nineteenth session)."""
    top = answer.citations[0]
    held = engine.mentions.text(top.doc_id, top.point)
    aside = [w for w in _LISTED_RE.split(engine.retriever.tp.normalize(intent.besides)) if len(w) >= 2]
    if held is None or not any(w in held for w in aside):
        return None
    return point_answer(engine, replace(intent, kind="point", point=top.point))


def own_hits(engine: Engine, intent: Intent, max_related: int) -> tuple[Hit, ...]:
    """The closest points of the question's own words, best first, whatever the tier (misnumbered)."""
    return engine.retriever.search(search_for(intent, max_related)).hits


def own_top(engine: Engine, intent: Intent, max_related: int) -> Hit | None:
    """The best point of the question's own words, whatever the tier (named_point_answer, going_on)."""
    return next(iter(own_hits(engine, intent, max_related)), None)


def going_on(engine: Engine, intent: Intent, topic: Topic, max_related: int) -> Answer | None:
    """A short question the plan does not answer on its own words, right after an answer ("在哪些地方
    试点" after 县管校聘是什么): asked again after the topic's question, kept only when that answers —
    and only when the question's own best point is already the topic's. Without that check (a review,
    ninth session) "附近有什么好吃的" and "校园欺凌怎么处理" after 疫情防控 were answered with its point 23."""
    own = own_top(engine, intent, max_related)
    if own is None or (own.doc_id, own.point) != (topic.doc_id, topic.point):
        return None
    follow = searched_answer(engine, replace(intent, query=f"{topic.question} {intent.query}"), max_related)
    return in_context(follow, topic.question) if follow.status == "answered" else None


def talk_instead(engine: Engine, intent: Intent, decision: Decision) -> Talk | None:
    """A question the search could not answer with confidence that reads as small talk by example
    (bot/talk.py), or is said to a member of the group; or a remark (asks nothing) that reads as small
    talk even though the search answers it: the kind of its friendly reply, else None."""
    status = decision.status
    if intent.to_someone_else and intent.kind == "ask":
        # the header answers only what the document is, which reads as its own intent: "李老师，那个文件你
        # 打印了吗" (0.81 with the header, review of the fifteenth session) is about a copy of it
        header = decision.top is not None and decision.top.point == 0
        clear = decision.confidence >= ELSEWHERE_ANSWER_MIN or bool(_NAMES_THE_PLAN_RE.search(intent.text))
        if header or not clear:
            return "elsewhere"  # to a member of the group, and the plan does not answer it clearly
    if intent.kind != "ask" or (status == "answered" and not intent.remark and not intent.to_the_bot):
        return None
    normalized = engine.retriever.tp.normalize(intent.text)
    if intent.remark and not intent.to_the_bot and vents(normalized):
        # (twenty-sixth session: "改作业改到半夜，累成狗😩" had been answered with the clause on teachers' burdens; one
        # said to the bot, "你这机器人回答得太慢了，烦死了", is a complaint about it — review)
        return "sympathy"
    if engine.retriever.config.cues.count(normalized) and (asks_for_number(normalized) or asked_details(normalized)):
        return None  # asks for a detail the plan never gives ("电话多少"): searched, not chit-chat
    if status != "answered" and complains_first(normalized):
        return "complaint"  # (twenty-fifth session: "答案也太长了吧，我手机上看得眼睛都花了" was refused)
    kind, talk, question = talk_match(engine.retriever, intent.text)
    if kind is None and status != "answered" and intent.context and about_the_bot_itself(intent.query):
        # the question part alone, past the writer's introduction ("我是学校食堂的，字认得不多，不知道这个东西怎么用，
        # 是直接打字问就行吗": twenty-seventh session, the whole message was 0.09 closer to a small-talk example,
        # short of TALK_MARGIN; its question part 0.24)
        kind = talk_match(engine.retriever, intent.query)[0]
    if status == "answered":
        # A remark the search answers ("又要填表，烦死了" matches the teachers' burden), or a question about
        # the bot itself ("你会不会讲鹰潭话"), is still small talk when a small-talk example is clearly closer
        # than any question example (the strict rule).
        return kind
    if kind is None and intent.remark and (status == "not_found" or remark_is_small_talk(talk, question)):
        # chit-chat said in passing: nothing in the plan is close, or it is not a question the related
        # clauses could serve — a kind word, not "the plan does not say this" to what asked nothing
        return "remark"
    return kind


def compare_answer(engine: Engine, intent: Intent, max_related: int) -> Answer:
    """ "2021年和2022年关于X有什么不同": each plan's own ranking for X; the plans that cover X side
    by side with their key sentences (figures preferred), the others named."""
    if len(intent.query) < 2:  # "今年还有变化吗": nothing named to compare
        return note_answer(intent, "compare_topic")
    route = plans.compare_route(engine.corpus, intent.years, intent.relative)
    if route.missing and not route.named:
        return no_plan_year(intent, route.missing, list(route.docs))
    order = [d.doc_id for d in route.docs]
    request = Search(intent.query, k=1 + max_related, numbers=True)
    decisions = decide_each(engine, request, order, max_related)
    found = plans.covering(decisions, order)
    missing = [d for d in route.docs if d.doc_id not in found]
    return compare(engine.composer, intent, [decisions[d] for d in found], missing)


def inline_clauses(engine: Engine, text: str, k: int) -> list[Answer]:
    """Only confident answers go into another chat: the top point and the close ones beside it."""
    intent = understand(text, None, engine.retriever.tp.normalize)
    if intent.kind not in SEARCHED:
        return []
    retrieval = engine.retriever.search(replace(search_for(intent), k=k))
    decision = decide(retrieval, engine.retriever.params, max_related=k)
    if decision.status != "answered":
        return []
    return [engine.composer.compose(intent, Decision("answered", (hit,), decision.confidence)) for hit in decision.hits]


def search_for(intent: Intent, max_related: int = 2) -> Search:
    """The search request for a searched intent: the question part, with the chat's previous question
    (follow-ups) or the message's background counted at their weight."""
    k = 1 + max(max_related, MAX_RELATED_TIER - 1)
    if intent.kind == "locate":
        k = max(k, LOCATE_K)  # a point named by its title is found further down (named_point)
    if intent.kind == "follow_up":
        return Search(intent.query, intent.context, FOLLOW_UP_WEIGHT, k)
    weight = (TURNED_WEIGHT if intent.turned else BACKGROUND_WEIGHT) if intent.context else 0.0
    return Search(intent.query or intent.text, intent.context, weight, k)
