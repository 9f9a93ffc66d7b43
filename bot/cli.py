"""The ``policybot`` command: ask, chat, build, eval, serve, run.

Every failure a user can cause or fix is reported as one line on stderr with a non-zero exit code;
a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from bot.config import Settings

if TYPE_CHECKING:  # the service pulls in torch; commands import it only when they need it
    from bot.service import PolicyService

logger = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_FAILURE = 1


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors: time, level, logger, message (+ exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: str, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=getattr(logging, level, logging.INFO), handlers=[handler], force=True)
    # Libraries that log every HTTP request or model detail at INFO: keep them to warnings.
    for name in (
        "httpx",
        "httpcore",
        "sentence_transformers",
        "transformers",
        "jieba",
        "bm25s",
        "faiss",
        "matplotlib",
        "PIL",
    ):
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
    # PTB's DEBUG output includes whole updates (user ids, message text): never below INFO.
    logging.getLogger("telegram").setLevel(max(logging.INFO, logging.getLogger().level))


# ------------------------------------------------------------------------------------------------
# commands


def cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    from bot.index import PolicyIndexError
    from bot.service import Resources

    started = time.perf_counter()
    resources = Resources.load(settings)
    if args.if_needed:
        try:
            index = resources.load_index()
            print(f"index is up to date: {index.path}")
            return 0
        except PolicyIndexError as e:
            print(f"{e}: building it now", file=sys.stderr)
    index = resources.build(progress=not args.quiet)
    counts = index.meta["unit_counts"]
    print(
        f"built index in {time.perf_counter() - started:.1f}s: {len(index.corpus.documents)} document(s), "
        f"{sum(len(d.work_points) for d in index.corpus.documents)} points, {counts['total']} units, "
        f"model {index.meta['model']} ({index.meta['dimension']}-d) → {index.path}"
    )
    return 0


def _service(settings: Settings, build_if_needed: bool = False) -> PolicyService:
    from bot.service import PolicyService

    return PolicyService.from_settings(settings, build_if_needed=build_if_needed, progress=build_if_needed)


def _questions_from_stdin(stream: TextIO) -> Iterable[str]:
    from bot.channels.console import read_line

    while line := read_line(stream):  # bounded: a 1 GB line is read in pieces and cut
        if line.strip():
            yield line.rstrip("\n")


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from bot.render import as_json, as_text

    service = _service(settings)
    questions: Iterable[str] = [" ".join(args.question)] if args.question else _questions_from_stdin(sys.stdin)
    for question in questions:
        answer = service.ask(question)
        if args.json:
            print(json.dumps(as_json(answer), ensure_ascii=False), flush=True)
        else:
            print(as_text(answer), flush=True)
            if not args.question:
                print(flush=True)
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.channels.console import run_console
    from bot.storage import open_query_log

    return run_console(_service(settings, build_if_needed=args.build), sys.stdin, sys.stdout, open_query_log(settings))


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.evaluation import evaluate, format_report, load_labelled

    service = _service(settings)

    def answer(question: str) -> tuple[str, tuple[int, ...], str, tuple[int | None, ...]]:
        a = service.ask(question)
        years = {d.doc_id: d.year for d in service.corpus.documents}
        return a.status, tuple(c.point for c in a.citations), a.text, tuple(years.get(c.doc_id) for c in a.citations)

    status = 0
    for path in args.files:
        report = evaluate(load_labelled(path), answer)
        if args.json:
            print(
                json.dumps(
                    {
                        "file": str(path),
                        "overall": report.overall.as_dict(),
                        "by_kind": {k: f.as_dict() for k, f in report.by_kind.items()},
                    },
                    ensure_ascii=False,
                )
            )
        else:
            print(format_report(report, title=f"== {path}"))
        if args.min_r1 is not None and (report.overall.recall_at_1 or 0.0) < args.min_r1:
            status = EXIT_FAILURE
    return status


def cmd_docs(settings: Settings, args: argparse.Namespace) -> int:
    """The plans in corpus/ as the next build reads them (parsed now, no model needed): year,
    title, issuer, date, points, format and file, newest first; then the files that fail and why."""
    from bot import presentation as P
    from bot.corpus import load_corpus
    from bot.plans import docs_rows

    docs, failures = docs_rows(load_corpus(settings.corpus_dir))
    if args.json:
        keys = ("year", "title", "issuer", "date", "points", "format", "file")
        print(
            json.dumps(
                {
                    "plans": [dict(zip(keys, row, strict=True)) for row in docs],
                    "failed": [{"file": f, "reason": r} for f, r in failures],
                },
                ensure_ascii=False,
            )
        )
    else:
        print("\n".join(P.docs_lines(docs, failures)))
    return EXIT_FAILURE if failures else 0


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    from bot.corpus import CorpusError, load_corpus
    from bot.report import build_report, format_csv, format_json, format_text, plot
    from bot.storage import open_query_log

    try:
        corpus = load_corpus(settings.corpus_dir)
    except CorpusError:
        corpus = None  # titles are a convenience; the figures do not need them
    log = open_query_log(settings, read_only=True)
    try:
        report = build_report(log, days=args.days, limit=args.limit, corpus=corpus)
    finally:
        log.close()
    if args.json:
        print(format_json(report))
    elif args.csv:
        sys.stdout.write(format_csv(report))
    else:
        print(format_text(report))
    if args.plot:
        plot(report, args.plot)
        print(f"plot written to {args.plot}", file=sys.stderr)
    return 0


def cmd_teach(settings: Settings, args: argparse.Namespace) -> int:
    """Add a question to the bank of the point that answers it, then rebuild the index."""
    from bot.bank import BankError, teach
    from bot.corpus import load_corpus

    corpus = load_corpus(settings.corpus_dir)
    docs = [d for d in corpus.documents if args.doc in (None, d.doc_id)]
    if not docs:
        raise UserError(
            f"no plan {args.doc!r} in {settings.corpus_dir}; plans: {', '.join(d.doc_id for d in corpus.documents)}"
        )
    if len(docs) > 1:
        raise UserError(f"several plans are loaded; say which with --doc (one of: {', '.join(d.doc_id for d in docs)})")
    try:
        entry = teach(settings.corpus_dir, docs[0], args.question, args.point)
    except BankError as e:
        raise UserError(str(e)) from e
    print(f"taught: {entry.question} → point {entry.point} ({docs[0].doc_id})")
    if not args.no_build:
        from bot.service import Resources

        index = Resources.load(settings).build()
        print(f"index rebuilt: {index.meta['unit_counts'].get('question', 0)} bank questions")
    return 0


def _check_serving(settings: Settings) -> None:
    """What must be right before the bot faces the public, checked before the model loads."""
    if settings.telegram_token is None:
        raise UserError(
            "POLICYBOT_TELEGRAM_TOKEN is not set; create a bot with @BotFather and put its token "
            "in .env or the environment (or use `policybot chat`)"
        )
    if settings.default_salt_in_use and not settings.allow_default_salt:
        raise UserError(
            "POLICYBOT_HASH_SALT is the public default, so hashed chat and user ids could be recomputed; "
            "set your own (e.g. `python3 -c 'import secrets; print(secrets.token_hex(16))'`) "
            "or set POLICYBOT_ALLOW_DEFAULT_SALT=1 to accept that"
        )


def _serve(settings: Settings, service: PolicyService) -> int:
    from bot.channels.telegram import StartError, serve

    try:
        return serve(settings, service)
    except StartError as e:
        raise UserError(str(e)) from None


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    _check_serving(settings)
    return _serve(settings, _service(settings, build_if_needed=args.build))


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    """Build the index when needed, then serve Telegram when a token is configured, else chat."""
    if settings.telegram_token is not None:
        _check_serving(settings)
    service = _service(settings, build_if_needed=True)
    if settings.telegram_token is not None:
        return _serve(settings, service)
    from bot.channels.console import run_console
    from bot.storage import open_query_log

    print(
        "POLICYBOT_TELEGRAM_TOKEN is not set: starting the console chat instead of the Telegram bot.", file=sys.stderr
    )
    return run_console(service, sys.stdin, sys.stdout, open_query_log(settings))


# ------------------------------------------------------------------------------------------------
# parsing and error handling


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="policybot",
        description="Answers questions about the plans in corpus/, quoting and citing the work points.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("ask", help="answer a question (or one per line from stdin)")
    p.add_argument("question", nargs="*", help="the question; omit to read questions from stdin")
    p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="interactive console chat")
    p.add_argument("--build", action="store_true", help="build the index first when missing or stale")
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("build", help="build the index from corpus/")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--if-needed", action="store_true", help="only build when missing, stale or unreadable")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("eval", help="evaluate on labelled questions (JSON Lines)")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE.jsonl")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    p.add_argument("--min-r1", type=float, default=None, help="exit 1 when R@1 is below this")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("docs", help="list the plans in corpus/ (year, title, points, format) and files that fail")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("serve", help="run the Telegram bot")
    p.add_argument("--build", action="store_true", help="build the index first when missing or stale")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("report", help="staff report from the query log")
    p.add_argument("--days", type=int, default=30, help="period in days, ending today (default 30)")
    p.add_argument("--limit", type=int, default=10, help="rows per list (default 10)")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON instead of text")
    fmt.add_argument("--csv", action="store_true", help="CSV (one table with a section column)")
    p.add_argument("--plot", type=Path, metavar="FILE.png", help="also draw questions per day and top points")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("teach", help="teach the bot how people ask: add a question to a point's bank")
    p.add_argument("question", help="the question as people ask it (quote it)")
    p.add_argument("point", type=int, help="the point that answers it (0 = the header)")
    p.add_argument("--doc", help="the plan (its file name without extension) when several are loaded")
    p.add_argument("--no-build", action="store_true", help="do not rebuild the index now")
    p.set_defaults(func=cmd_teach)

    p = sub.add_parser("run", help="build if needed, then serve Telegram (token set) or chat")
    p.set_defaults(func=cmd_run)
    return parser


def _known_errors() -> tuple[type[BaseException], ...]:
    from bot.bank import BankError
    from bot.corpus import CorpusError
    from bot.embedding import EmbeddingError
    from bot.evaluation import LabelledSetError
    from bot.index import PolicyIndexError
    from bot.storage import StorageError

    return (UserError, BankError, CorpusError, EmbeddingError, LabelledSetError, PolicyIndexError, StorageError)


def _settings_error(e: ValidationError) -> str:
    parts = []
    for err in e.errors():
        field = ".".join(str(x) for x in err["loc"])
        parts.append(f"POLICYBOT_{field.upper()}: {err['msg']}")
    return "invalid configuration: " + "; ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = Settings()
    except ValidationError as e:
        print(f"policybot: {_settings_error(e)}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging("DEBUG" if args.debug else settings.log_level, settings.log_format)
    # Invalid UTF-8 on stdin (ask, chat) is replaced, not a crash halfway through a batch.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="replace")
    func: Callable[[Settings, argparse.Namespace], int] = args.func
    try:
        return func(settings, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as e:
        if args.debug:
            raise
        if isinstance(e, _known_errors()):
            print(f"policybot: error: {e}", file=sys.stderr)
        else:
            logger.debug("unexpected error", exc_info=True)
            print(
                f"policybot: unexpected error: {type(e).__name__}: {e} (rerun with --debug for details)",
                file=sys.stderr,
            )
        return EXIT_FAILURE


if __name__ == "__main__":
    raise SystemExit(main())
