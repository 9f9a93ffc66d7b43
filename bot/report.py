"""`policybot report`: what staff need from the query log — unanswered questions (each with the
``policybot teach`` command that would teach it, or the point it was taught already), disliked answers, most asked points, per day and
per week. Plain text, JSON, CSV, and a PNG plot. The log is opened read-only: a report never writes."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot import presentation as P
from bot.bank import question_key
from bot.corpus import Corpus
from bot.storage import QueryLog


@dataclass
class Period:
    start: str
    questions: int = 0
    not_found: int = 0
    related: int = 0  # answered with the closest clauses only
    thumbs_up: int = 0
    thumbs_down: int = 0

    def add(self, other: Period) -> None:
        self.questions += other.questions
        self.not_found += other.not_found
        self.related += other.related
        self.thumbs_up += other.thumbs_up
        self.thumbs_down += other.thumbs_down

    @property
    def not_found_rate(self) -> float | None:
        return self.not_found / self.questions if self.questions else None


@dataclass
class StaffReport:
    since: str
    until: str
    days: list[Period] = field(default_factory=list)
    weeks: list[Period] = field(default_factory=list)
    unanswered: list[dict[str, Any]] = field(default_factory=list)
    disliked: list[dict[str, Any]] = field(default_factory=list)
    top_points: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> Period:
        t = Period(self.since)
        for d in self.days:
            t.add(d)
        return t

    def as_json(self) -> dict[str, Any]:
        total = self.total
        return {
            "since": self.since,
            "until": self.until,
            "total": {**asdict(total), "not_found_rate": total.not_found_rate},
            "days": [{**asdict(d), "not_found_rate": d.not_found_rate} for d in self.days],
            "weeks": [{**asdict(w), "not_found_rate": w.not_found_rate} for w in self.weeks],
            "unanswered_questions": self.unanswered,
            "most_disliked_answers": self.disliked,
            "most_asked_points": self.top_points,
        }


def _point_label(corpus: Corpus | None, doc_id: str | None, number: int | None) -> tuple[str, str]:
    if number is None:
        return "", ""
    if corpus is None:
        return P.point_label(number), ""
    point = corpus.point(doc_id or "", number)
    doc = corpus.document(doc_id or "")
    label = P.point_label(number, doc.title if doc and len(corpus.documents) > 1 else "")
    return label, point.title if point else "?"


def teach_command(question: str, point: int | None) -> str:
    """The command that teaches the bank this question (the point a guess: the closest one cited)."""
    # Double quotes keep Chinese readable (shlex.quote would wrap it in single quotes); escape what a
    # shell expands inside them.
    escaped = re.sub(r'(["\\$`])', r"\\\1", question)
    return f'policybot teach "{escaped}" {point if point is not None else "N"}'


def _teach_or_taught(known: dict[str, int], question: str, point: int | None) -> str:
    taught = known.get(question_key(question))
    return teach_command(question, point) if taught is None else P.REPORT["taught"].format(n=taught)


def build_report(
    log: QueryLog,
    days: int = 30,
    limit: int = 10,
    corpus: Corpus | None = None,
    today: date | None = None,
    known: dict[str, int] | None = None,
) -> StaffReport:
    """``known``: phrasings already in a question bank or taught (``bot.bank.question_key`` → point);
    such a question is shown as taught instead of with the command that would teach it again."""
    today = today or datetime.now().astimezone().date()
    known = known or {}
    since = today - timedelta(days=days - 1)
    report = StaffReport(since.isoformat(), today.isoformat())
    by_day = {r["day"]: r for r in log.daily(since.isoformat())}
    weeks: dict[str, Period] = {}
    for i in range(days):
        day = since + timedelta(days=i)
        r = by_day.get(day.isoformat())
        period = (
            Period(
                day.isoformat(),
                *(int(r[k] or 0) for k in ("questions", "not_found", "related", "thumbs_up", "thumbs_down")),
            )
            if r
            else Period(day.isoformat())
        )
        report.days.append(period)
        monday = (day - timedelta(days=day.weekday())).isoformat()
        weeks.setdefault(monday, Period(monday)).add(period)
    report.weeks = list(weeks.values())
    report.unanswered = [
        {
            "question": r["question"],
            "times": r["times"],
            "last_day": r["last_day"],
            "status": r["status"],
            "teach": _teach_or_taught(known, r["question"], r["top_point"]),
        }
        for r in log.unanswered(since.isoformat(), limit)
    ]
    for r in log.disliked(since.isoformat(), limit):
        label, title = _point_label(corpus, r["top_doc"], r["top_point"])
        report.disliked.append(
            {
                "question": r["question"],
                "point": r["top_point"],
                "label": label,
                "title": title,
                "thumbs_down": r["thumbs_down"],
                "thumbs_up": r["thumbs_up"],
                "teach": _teach_or_taught(known, r["question"], None),
            }
        )
    for r in log.top_points(since.isoformat(), limit):
        label, title = _point_label(corpus, r["top_doc"], r["top_point"])
        report.top_points.append(
            {"doc": r["top_doc"], "point": r["top_point"], "label": label, "title": title, "times": r["times"]}
        )
    return report


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def format_text(report: StaffReport) -> str:
    t = report.total
    w = P.REPORT
    week, day, questions, missing, rate, up, down = P.REPORT_COLUMNS
    head = f"{questions:>6}{missing:>8}{rate:>7}{up:>6}{down:>6}"
    lines = [
        w["title"].format(since=report.since, until=report.until),
        w["summary"].format(
            questions=t.questions,
            not_found=t.not_found,
            rate=_rate(t.not_found_rate),
            related=t.related,
            up=t.thumbs_up,
            down=t.thumbs_down,
        ),
        "",
        w["weeks"],
        f"  {week:<12}{head}",
    ]
    lines += [
        f"  {p.start:<12}{p.questions:>6}{p.not_found:>8}{_rate(p.not_found_rate):>7}{p.thumbs_up:>6}{p.thumbs_down:>6}"
        for p in report.weeks
        if p.questions
    ]
    lines += ["", w["days"], f"  {day:<12}{head}"]
    lines += [
        f"  {p.start:<12}{p.questions:>6}{p.not_found:>8}{_rate(p.not_found_rate):>7}{p.thumbs_up:>6}{p.thumbs_down:>6}"
        for p in report.days
        if p.questions
    ]
    lines += ["", w["unanswered"]]
    lines += [
        f"  {r['times']:>4}×  {r['question']}  ({r['status']})\n        {r['teach']}" for r in report.unanswered
    ] or [f"  {w['none']}"]
    lines += ["", w["disliked"]]
    lines += [
        f"  👎{r['thumbs_down']} 👍{r['thumbs_up']}  {r['label']} {r['title']}  ← {P.quote(r['question'])}\n"
        f"        {r['teach']}"
        for r in report.disliked
    ] or [f"  {w['none']}"]
    lines += ["", w["top"]]
    lines += [f"  {r['times']:>4}×  {r['label']} {r['title']}" for r in report.top_points] or [f"  {w['none']}"]
    return _CONTROL_RE.sub(" ", "\n".join(lines))


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): questions are user input.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters (ESC, CR, …) in user questions must not reach a staff member's terminal.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _SafeWriter:
    """csv.writer whose text cells are neutralised against formula injection."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._writer = csv.writer(buffer)

    def writerow(self, row: list[object]) -> None:
        self._writer.writerow([_cell(v) for v in row])


def format_csv(report: StaffReport) -> str:
    """One table with a 'section' column, so one file opens in any spreadsheet."""
    buffer = io.StringIO()
    writer = _SafeWriter(buffer)
    writer.writerow(["section", "key", "questions_or_times", "not_found", "thumbs_up", "thumbs_down", "detail"])
    for d in report.days:
        writer.writerow(["day", d.start, d.questions, d.not_found, d.thumbs_up, d.thumbs_down, ""])
    for w in report.weeks:
        writer.writerow(["week", w.start, w.questions, w.not_found, w.thumbs_up, w.thumbs_down, ""])
    for r in report.unanswered:
        writer.writerow([r["status"], r["question"], r["times"], "", "", "", r["teach"]])
    for r in report.disliked:
        writer.writerow(["disliked", r["label"], "", "", r["thumbs_up"], r["thumbs_down"], r["question"]])
    for r in report.top_points:
        writer.writerow(["top_point", r["label"], r["times"], "", "", "", r["title"]])
    return buffer.getvalue()


def format_json(report: StaffReport) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=1)


def plot(report: StaffReport, path: Path) -> None:
    """Questions per day (answered / not found) and the most asked points."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    # Chinese labels need a CJK font; fall back to point numbers when none is installed.
    cjk = [
        f.name
        for f in font_manager.fontManager.ttflist
        if any(k in f.name for k in ("Noto Sans CJK", "WenQuanYi", "SimHei", "Source Han", "Droid Sans Fallback"))
    ]
    if cjk:
        plt.rcParams["font.sans-serif"] = [cjk[0], "DejaVu Sans"]
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.5), gridspec_kw={"width_ratios": [3, 2]})
    days = [d.start[5:] for d in report.days]
    # Small talk counts with "answered": it got the reply it asked for.
    answered = [d.questions - d.not_found - d.related for d in report.days]
    related = [d.related for d in report.days]
    missing = [d.not_found for d in report.days]
    a.bar(days, answered, label="answered", color="tab:blue")
    a.bar(days, related, bottom=answered, label="related only", color="tab:olive")
    a.bar(
        days,
        missing,
        bottom=[x + y for x, y in zip(answered, related, strict=True)],
        label="not found",
        color="tab:orange",
    )
    a.set_title(f"Questions per day, {report.since} – {report.until}")
    a.set_ylabel("questions")
    step = max(1, len(days) // 10)
    a.set_xticks(range(0, len(days), step), days[::step], rotation=45, ha="right")
    a.legend()
    points = list(reversed(report.top_points))
    labels = [
        (f"{p['label']} {p['title']}"[:18] if cjk else (f"point {p['point']}" if p["point"] else "header"))
        for p in points
    ]
    b.barh(labels, [p["times"] for p in points], color="tab:green")
    b.set_title("Most asked points")
    b.set_xlabel("questions")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
