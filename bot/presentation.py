"""Every word the bot shows a person, in one place: labels, hints, usage lines, examples, replies.

Console and Telegram use the same words; only the command syntax differs, and it is a parameter.
An English question gets an English frame (labels, hints, buttons) while the quote stays the plan's
verbatim Chinese. Storage and retrieval return numbers and records; the words describing them live
here. This module imports nothing from the pipeline, so every stage and channel may use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

Lang = Literal["zh", "en"]

EXAMPLES: dict[Lang, tuple[str, ...]] = {
    "zh": ("大班额比例要控制在多少？", "职普比是多少", "孩子想学门手艺，可以去哪"),
    "en": ("What is the limit on oversized classes?", "What ratio of vocational to general high school?"),
}
HEADER_TITLE = "文件信息与总体思路"  # the title of point 0 (notice + overall approach)

_ZH: dict[str, str] = {
    "point": "第{n}条",
    "header": "文件头",
    "source": "来源：",
    "related_list": "相关条目：",
    "related_tier": "计划中没有直接写到这一点，最接近的条目：",
    "related_unstated": "计划提到了相关工作，但没有写{details}。最接近的条目：",
    "read_as": "（已按“{read}”理解“{typed}”）",
    "not_found": "抱歉，在{titles}中没有找到这个问题的答案。",
    "browse": "可以换个说法再问，或发送 {list} 按章节浏览全部条目。",
    "empty": "请输入想了解的问题，例如：“{example}”",
    "context": "（接上文“{question}”）",
    "other_point": "（{asked}没有讲到这一点，讲到它的是下面这条）",
    "plain": "我只引用计划原文，不把条文改写成白话，以免说错。这一条的全文如下：",
    "plain_answer": "我只引用计划原文，不把条文改写成白话，以免说错。计划里是这样写的：",
    "locate": "在{label}：{title}",
    "document": "文件信息：《{title}》{issued}。",
    "shape": "全文分{sections}个部分，共{points}条工作要点；发送 /list 按章节浏览。",
    "document_validity": "文件没有写明有效期：它是{year}年度的工作要点，讲的是这一年的工作安排。",
    "document_language": "文件只有中文原文；可以用英文提问，回答引用中文原文。",
    "issued": "，{issuer}于{date}印发",
    "mentions_head": "提到“{term}”的条目（{n}条）：{labels}",
    "mentions_none": "没有条目提到“{term}”。",
    "mentions_hint": "可以换个说法，或直接提问。",
    "no_point": "没有第{n}条。条目编号是 0–{last}，发送 {list} 浏览全部条目。",
    "no_such_point": "没有这一条。条目编号是 0–{last}，发送 {list} 浏览全部条目。",
    "no_section": "没有这一部分。正文分{count}个部分，发送 {list} 按部分浏览全部条目。",
    "section_points": "{section}（第{first}–{last}条）",
    "points_span": "第{first}–{last}条",
    "points_beyond": "计划只有第0–{last}条。",
    "point_usage": "用法：{point} N，N 是条目编号（0–{last}，0 为文件头），例如 {point} 8",
    "part": "问题{i}：{question}",
    "greeting": "您好！我是政策问答助手，回答关于{titles}的问题，每个回答都引用原文并注明第几条。",
    "thanks": "不客气！还有问题随时问我。",
    "identity": "我是政策问答机器人（不是真人），只根据{titles}回答，引用原文并注明第几条，找不到就直说。",
    "usage": "直接打字提问就行，也可以问“某某是第几条”或“第8条讲什么”。",
    "bye": "再见！有问题随时来问。",
    "complaint": "抱歉没能答好。可以换个说法再问，或发送 /list 按章节浏览全部条目；在回答下方点 👎，工作人员会看到这个问题。",
    "apology": "没关系！有问题随时问我。",
    "chat": "闲聊我就不在行啦，我只回答关于{titles}的问题。",
    "remark": "我只回答关于{titles}的问题，这句话里没找到要查的内容。有想问的可以直接问我。",
    "sympathy": "辛苦了！想知道{titles}里有没有相关的规定，直接问我就行。",
    "elsewhere": "这条像是发给别人或转发的，我就不插话了。我只回答关于{titles}的问题，有需要直接问我。",
    "try": "可以这样问：{examples}",
    "truncated": "……（内容过长，已截断）",
    "full": "全文",
    "related_button": "相关条目",
    "more": "下一页 »",
    "back_contents": "« 目录",
    "back_section": "« 返回本部分",
    "all_documents": "« 全部文件",
    "choose_section": "请选择部分：",
    "choose_document": "请选择文件：",
    "feedback_thanks_up": "谢谢反馈！",
    "feedback_thanks_down": "谢谢反馈，我们会改进。",
    "feedback_done": "已记录：{vote}",
    "expired": "这个按钮已过期（文件已更新），请重新提问或发送 {list}。",
    "page_expired": "这个列表已过期，请重新提问。",
    "page": "第{page}/{pages}页",
    "previous": "« 上一页",
    "open_point": "{label}全文",
    "command_start": "开始使用",
    "command_help": "使用说明",
    "command_list": "按章节浏览全部条目",
    "command_point": "查看第N条全文，如 /point 8",
    "command_docs": "已加载的文件",
    "command_about": "关于本机器人和文件",
    "command_privacy": "保存了哪些数据",
    "command_stats": "使用统计（管理员）",
    "command_teach": "回复一条回答，教给机器人正确的条目（管理员）",
    "command_reload": "重建索引，载入新文件和问法（管理员）",
    "refuse_chat": "抱歉，这个机器人只在指定的群组和会话中提供服务。",
    "unknown_command": "没有这个命令。发送 {help} 查看可用的命令。",
    "something_wrong": "抱歉，处理您的消息时出了点问题，请稍后再试。",
    "ask_directly": "请直接发送您的问题，例如：“{example}”",
    "reloading": "正在从 corpus/ 重建索引，期间照常回答问题……",
    "reload_failed": "重建失败，继续使用原索引：{error}",
    "reloaded": "索引已更新：{docs} 份文件，{points} 条，问法 {questions} 条，新嵌入 {embedded} 句，用时 {seconds:.1f} 秒。",
    "unchanged": "文件没有变化。",
    "added": "新增",
    "updated": "更新",
    "removed": "移除",
    "failed": "未能读取",
    "taught_questions": "数据库中新教或删除的问法",
    "teach_usage": "用法：回复一条回答，发送 {teach} N（N 是正确的条目编号）。",
    "teach_no_question": '找不到这条回答对应的问题（可能太旧了）。请用命令行：policybot teach "问题" N',
    "taught": "已记下：“{question}” → 第{n}条。发送 {reload} 后生效。",
    "teach_failed": "没有记下：{error}",
    "teach_empty": "问题是空的。",
    "teach_too_long": "问题超过 {limit} 个字，请教一个短一些的问法。",
    "teach_no_point": "《{title}》没有第{point}条，条目编号是 0–{last}。",
    "teach_duplicate": "这个问法已经在第{point}条的问法里了：{question}",
    "stats": (
        "今天：{today} 个问题，未找到 {today_nf}（{today_rate}）\n"
        "近7天：{week} 个问题，未找到 {week_nf}（{week_rate}）\n"
        "反馈（近7天）：👍 {up} · 👎 {down}"
    ),
    "stats_off": "查询日志未启用。",
    "prompt": "问> ",
    "compare_head": "“{topic}”在各年计划中的规定：",
    "compare_item": "{year}{label} {title}：{quote}",
    "compare_missing": "未涉及这一点：{plans}。",
    "compare_none": "在{titles}中都没有找到关于“{topic}”的内容。",
    "compare_topic": "请说明想比较哪方面，例如：“2021年和2022年关于大班额有什么不同”。",
    "older_differs": "另：{label}的规定不同：{quote}",
    "no_plan_year": "没有载入{years}年的计划。已载入：{loaded}。",
    "duty": "责任单位：{duty}",
    "duty_none": "这一条没有注明责任单位。",
    "which_plan": "载入了 {n} 份计划，请指明年份，例如 {example}。",
    "plan_year": "{year}年",
    "compare_year": "{year}年 · ",
    "console_banner": "政策问答：{titles}。输入问题，/help 查看帮助，/quit 退出。",
    "console_error": "抱歉，处理这个问题时出错了，请换个说法再试。",
    "cancelled": "（已取消）",
}

_EN: dict[str, str] = {
    **_ZH,
    "point": "Point {n}",
    "header": "Header",
    "source": "Source: ",
    "related_list": "Related: ",
    "related_tier": "The plan does not say this directly. The closest points:",
    "related_unstated": "The plan covers related work but does not say {details}. The closest points:",
    "read_as": "(Read “{typed}” as “{read}”.)",
    "not_found": "Sorry, {titles} does not answer this question.",
    "browse": "Try other words, or send {list} to browse all points.",
    "empty": "Please type a question, e.g. “{example}”",
    "context": "(following on from “{question}”)",
    "other_point": "({asked} does not cover this; the point that does is below.)",
    "plain": "I only quote the plan and never reword a clause, so nothing is lost or made up. Here is the point in full:",
    "plain_answer": "I only quote the plan and never reword a clause, so nothing is lost or made up. This is what it says:",
    "locate": "In {label}: {title}",
    "document": "Document: 《{title}》{issued}.",
    "shape": "It has {sections} parts and {points} numbered work points; send /list to browse them.",
    "document_validity": "The plan states no period of validity: it is the work plan for {year}, the work of that year.",
    "document_language": "The plan exists in Chinese only; you can ask in English, answers quote the Chinese text.",
    "issued": ", issued by {issuer} on {date}",
    "mentions_head": "Points that mention “{term}” ({n}): {labels}",
    "mentions_none": "No point mentions “{term}”.",
    "mentions_hint": "Try other words, or just ask.",
    "no_point": "There is no point {n}. Points are 0–{last}; send {list} to browse them.",
    "no_such_point": "There is no such point. Points are 0–{last}; send {list} to browse them.",
    "no_section": "There is no such part. The plan has {count} parts; send {list} to browse them.",
    "section_points": "{section} (points {first}–{last})",
    "points_span": "Points {first}–{last}",
    "points_beyond": "The plan has points 0–{last} only.",
    "point_usage": "Usage: {point} N, where N is a point number (0–{last}, 0 = the header), e.g. {point} 8",
    "part": "Q{i}: {question}",
    "greeting": "Hello! I answer questions about {titles}, quoting the plan and citing the point number.",
    "thanks": "You're welcome! Ask me anything else about the plan.",
    "identity": "I am a bot, not a person. I answer only from {titles}, quote it and cite the point; "
    "when it says nothing I tell you so.",
    "usage": "Just type your question. You can also ask “which point is about X” or “point 8”.",
    "bye": "Goodbye! Come back any time.",
    "complaint": "Sorry that did not help. Try other words, or send /list to browse every point; a 👎 under an answer shows the question to the staff.",
    "apology": "No problem at all! Ask me anything about the plan.",
    "chat": "I am no good at chit-chat: I only answer questions about {titles}.",
    "remark": "I only answer questions about {titles}, and found nothing to look up in that. Ask me anything about it.",
    "sympathy": "That sounds hard. If you want to know whether {titles} says anything about it, just ask.",
    "elsewhere": "That looks meant for someone else, or forwarded, so I will stay out of it. I only answer questions about {titles}; ask me any time.",
    "try": "For example: {examples}",
    "truncated": "… (too long, cut here)",
    "full": "Full text",
    "related_button": "Related",
    "more": "Next »",
    "back_contents": "« Contents",
    "back_section": "« Back",
    "all_documents": "« All documents",
    "choose_section": "Choose a part:",
    "choose_document": "Choose a document:",
    "feedback_thanks_up": "Thanks for the feedback!",
    "feedback_thanks_down": "Thanks, we will improve it.",
    "feedback_done": "Recorded: {vote}",
    "expired": "This button has expired (the plans were updated). Please ask again or send {list}.",
    "page_expired": "This list has expired. Please ask again.",
    "page": "Page {page}/{pages}",
    "previous": "« Previous",
    "open_point": "{label} full text",
    "command_start": "Start",
    "command_help": "How to use the bot",
    "command_list": "Browse all points by part",
    "command_point": "Full text of point N, e.g. /point 8",
    "command_docs": "Loaded plans",
    "command_about": "About the bot and the plans",
    "command_privacy": "What is stored",
    "command_stats": "Usage numbers (admins)",
    "command_teach": "Reply to an answer to teach the right point (admins)",
    "command_reload": "Rebuild the index with new plans and phrasings (admins)",
    "compare_head": "What each year's plan says about “{topic}”:",
    "compare_item": "{year}{label} {title}: {quote}",
    "compare_missing": "Not covered by: {plans}.",
    "compare_none": "None of {titles} says anything about “{topic}”.",
    "compare_topic": "Please say what to compare, e.g. “class size between 2021 and 2022”.",
    "older_differs": "Note: {label} says otherwise: {quote}",
    "no_plan_year": "No plan for {years} is loaded. Loaded: {loaded}.",
    "duty": "Responsible: {duty}",
    "duty_none": "This point names no responsible unit.",
    "which_plan": "{n} plans are loaded; please name the year, e.g. {example}.",
    "plan_year": "{year}",
    "compare_year": "{year} · ",
}

_WORDS: dict[Lang, dict[str, str]] = {"zh": _ZH, "en": _EN}


def say(key: str, lang: Lang = "zh", **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``values`` filled in."""
    return _WORDS[lang][key].format(**values)


# ------------------------------------------------------------------------------------------------
# labels


def point_label(number: int, doc_title: str = "", lang: Lang = "zh") -> str:
    """'第8条' — or '《标题》第8条' when a document title is given (several plans loaded); 0 is the header."""
    prefix = f"《{doc_title}》" if doc_title else ""
    return prefix + (say("header", lang) if number == 0 else say("point", lang, n=number))


def heading(number: int, title: str, doc_title: str = "", lang: Lang = "zh") -> str:
    """One short line, so it fits a phone: '第8条 推进城乡义务教育优质均衡发展'. The section goes on its own line."""
    return f"{point_label(number, doc_title, lang)} {title}"


def source_line(docs: Sequence[tuple[str, str | None, str | None]], lang: Lang = "zh") -> str:
    """'来源：《标题》 · 发文单位 · 日期' for each (title, issuer, date)."""
    parts = [" · ".join(x for x in (f"《{title}》", issuer, date) if x) for title, issuer, date in docs]
    return say("source", lang) + "；".join(parts)


# What a plan leaves out, by the kind of detail asked (bot/decide.BLOCKING_DETAILS).
_UNSTATED: dict[Lang, dict[str, str]] = {
    "zh": {
        "money": "具体金额",
        "age": "年龄要求",
        "date": "具体日期",
        "done": "什么时候建成",
        "who": "具体是谁",
        "which": "具体是哪一个",
        "count_now": "现在有多少",
        "count": "具体数量",
        "list": "具体包括哪些",
        "outcome": "结果如何",
        "procedure": "怎么申请办理",
        "opinion": "对个人情况的判断",
        "advice": "个人遇到这种情况该怎么做",
    },
    "en": {
        "money": "the amounts",
        "age": "what age is required",
        "date": "the dates",
        "done": "when the work is finished",
        "who": "who holds the post",
        "which": "which one it is",
        "count_now": "how many there are now",
        "count": "the numbers",
        "list": "which items it includes",
        "outcome": "how it turned out",
        "procedure": "how to apply",
        "opinion": "how any one case will turn out",
        "advice": "what to do in your own case",
    },
}


def related_tier(unstated: Sequence[str], lang: Lang = "zh") -> str:
    """The line above related points: what the plan leaves out when that is why nothing was answered."""
    named = [d for d in _UNSTATED[lang] if d in unstated]  # the most specific first: "which" before "list"
    if not named:
        return say("related_tier", lang)
    return say("related_unstated", lang, details=_UNSTATED[lang][named[0]])


def related_list(names: Sequence[str], lang: Lang = "zh") -> str:
    return say("related_list", lang) + "；".join(names)


def titles(doc_titles: Sequence[str]) -> str:
    return "、".join(f"《{t}》" for t in doc_titles)


def listed(items: Sequence[str], lang: Lang = "zh") -> str:
    """Items in a running list: 第4条、第10条 / Point 4, Point 10."""
    return ("、" if lang == "zh" else ", ").join(items)


def either(items: Sequence[str], lang: Lang = "zh") -> str:
    """Terms of which any is meant: 大班额或现代学徒制 / class size or apprenticeship."""
    return ("或" if lang == "zh" else " or ").join(item.strip() for item in items)


def read_as(fixes: Sequence[tuple[str, str]], lang: Lang = "zh") -> str:
    """How a slip was read ("随签子女" searched as "随迁子女"), so a wrong guess is seen at once."""
    typed, read = (listed(part, lang) for part in zip(*fixes, strict=True))
    return say("read_as", lang, typed=typed, read=read)


def quote(sentence: str) -> str:
    return f"“{sentence}”"


def item(label: str, title: str, sentence: str) -> str:
    return f"{label} {title}：{quote(sentence)}"


def document_info(title: str, issuer: str | None, date: str | None, lang: Lang = "zh") -> str:
    issued = say("issued", lang, issuer=issuer or "", date=date) if issuer and date else ""
    return say("document", lang, title=title, issued=issued)


def document_shape(sections: int, points: int, lang: Lang = "zh") -> str:
    return say("shape", lang, sections=sections, points=points)


def examples_line(lang: Lang = "zh", count: int = 2) -> str:
    return say("try", lang, examples=" / ".join(f"“{q}”" for q in EXAMPLES[lang][:count]))


def browse_hint(lang: Lang = "zh", list_command: str = "/list") -> str:
    return say("browse", lang, list=list_command)


# ------------------------------------------------------------------------------------------------
# channel texts


def start_text(doc_titles: Sequence[str], points: int) -> str:
    return (
        f"您好！我可以回答关于{titles(doc_titles)}的问题（共 {points} 条工作要点），"
        "每个回答都引用原文并注明出自第几条。\n\n"
        "直接发送问题即可，例如下面这些（点按钮试试）。\n"
        "/list 按章节浏览 · /point 8 查看第8条全文 · /help 使用说明"
    )


def help_text(bot_username: str = "", console: bool = False) -> str:
    """The same help in both channels; the console lists its own two commands instead of Telegram's."""
    lines = [
        "怎么用",
        "直接用中文（或英文）提问，例如“大班额比例要控制在多少？”。回答会引用文件原文，并注明第几条。"
        "找不到相关内容时会直接告诉您，不会编造；没有直接写到的，会列出最接近的条目供参考。",
        "也可以问“控辍保学是第几条”“第8条讲什么”“哪几条提到了大班额”，或者一次问两三个问题。",
        "接着追问“具体怎么做？”或“那幼儿园呢？”会沿用上一个话题。",
        "",
        "命令",
        "/list 按章节浏览全部条目",
        "/point N 查看第N条全文（0 为文件头）",
    ]
    if console:
        lines += ["/help 帮助", "/quit 退出"]
    else:
        lines += [
            "/docs 已加载的文件",
            "/about 文件和机器人信息",
            "/privacy 保存了哪些数据",
            "",
            "在群里",
            f"@{bot_username} 加问题，或回复机器人的消息。",
            "在任意聊天中",
            f"输入 @{bot_username} 加关键词，选择条目直接发送。",
        ]
    return "\n".join(lines)


def about_lines(
    docs: Sequence[tuple[str, str | None, str | None, int, int]], model: str, dimension: object, built_at: str
) -> list[str]:
    lines = ["关于"]
    for title, issuer, date, points, sections in docs:
        issued = " · ".join(x for x in (issuer, date) if x)
        lines.append(f"《{title}》{issued}，共 {points} 条工作要点，{sections} 个部分")
    lines.append(
        f"检索：关键词（jieba + BM25）、语义向量（{model}，{dimension} 维，FAISS）和常见问法混合；索引构建于 {built_at}"
    )
    lines.append("回答只引用原文并注明条目编号，找不到时直接说明。")
    return lines


def docs_lines(
    docs: Sequence[tuple[int | None, str, str | None, str | None, int, str, str]],
    failures: Sequence[tuple[str, str]] = (),
) -> list[str]:
    """/docs and `policybot docs`: one line per loaded plan, newest first (year, title, issuer,
    date, points, format, file), then the files that could not be read and why."""
    lines = [f"已加载的文件（{len(docs)} 份）："]
    for year, title, issuer, date, points, fmt, source in docs:
        issued = " · ".join(x for x in (issuer, date) if x)
        lines.append(f"{year or '年份不详'}：《{title}》{issued}，{points} 条（{fmt}：{source}）")
    if failures:
        lines.append(f"未能读取（{len(failures)} 个文件）：")
        lines += [f"{source}：{reason}" for source, reason in failures]
    return lines


def changes_line(changes: dict[str, list[str]], lang: Lang = "zh") -> str:
    """/reload: '新增：a.pdf；更新：b.docx；未能读取：c.pdf (reason)', or that nothing changed."""
    parts = [f"{say(kind, lang)}：{'、'.join(names)}" for kind, names in changes.items() if names]
    return "；".join(parts) if parts else say("unchanged", lang)


def plan_names(years: Sequence[int | None], lang: Lang = "zh") -> str:
    """'2020年、2021年计划' — plans named by their year."""
    if lang == "en":
        return ", ".join(f"the {y} plan" for y in years if y)
    return "、".join(say("plan_year", lang, year=y) for y in years if y) + "计划"


def privacy_text(retention_days: int) -> str:
    """/privacy; the README's "Privacy" section says the same."""
    return (
        "保存了什么：您的问题原文、回答引用的条目、回复是否送达、👍/👎 反馈；"
        "聊天和用户编号只保存加盐哈希，不保存姓名和用户名。"
        "尚未处理完或尚未送达的消息会原样暂存，送达后即删除。\n"
        f"保存多久：{retention_days} 天后自动删除。\n"
        "谁能看到：只有部署本机器人的教育局管理员，通过 /stats 统计和 policybot report 报告查看，"
        "用于改进回答（例如补充常见问法）。"
    )


def section_button(heading_text: str) -> str:
    return heading_text[:60]


def header_button() -> str:
    return f"{say('header')}：{HEADER_TITLE}"


def vote_label(positive: bool) -> str:
    return "👍" if positive else "👎"


def stats_text(today: int, today_nf: int, week: int, week_nf: int, up: int, down: int) -> str:
    def rate(part: int, whole: int) -> str:
        return f"{part / whole:.0%}" if whole else "–"

    return say(
        "stats",
        today=today,
        today_nf=today_nf,
        today_rate=rate(today_nf, today),
        week=week,
        week_nf=week_nf,
        week_rate=rate(week_nf, week),
        up=up,
        down=down,
    )


# ------------------------------------------------------------------------------------------------
# the staff report (policybot report)

REPORT_COLUMNS = ("周", "日期", "问题", "未找到", "比例", "👍", "👎")
REPORT = {
    "title": "政策问答机器人使用报告  {since} – {until}",
    "summary": "问题 {questions} 个，未找到 {not_found} 个（{rate}），只给出相关条目 {related} 个，反馈 👍 {up} / 👎 {down}",
    "weeks": "按周（周一起）：",
    "days": "按天（有提问的日子）：",
    "unanswered": "未找到或 👎 的问题（文件可能需要补充；用右边的命令把问法教给机器人）：",
    "disliked": "👎 最多的回答：",
    "top": "被问得最多的条目：",
    "none": "（无）",
    "taught": "已教过：第{n}条（在问法文件或数据库中）",
}
