"""The ``policybot`` command: ask, chat, build, eval, docs, report, teach, taught, serve, run.

Every failure a user can cause or fix is reported as one line on stderr with a non-zero exit code;
a traceback is shown only with ``--debug``.
"""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import io
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from bot.config import Settings

if TYPE_CHECKING:  # the service pulls in torch; commands import it only when they need it
    from bot.corpus import Document
    from bot.service import PolicyService
    from bot.taught import TaughtStore

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
    from bot.taught import known_phrasings

    try:
        corpus = load_corpus(settings.corpus_dir)
    except CorpusError:
        corpus = None  # titles are a convenience; the figures do not need them
    log = open_query_log(settings, read_only=True)
    try:
        known = known_phrasings(settings.corpus_dir, corpus, settings.resolved_database_url)
        report = build_report(log, days=args.days, limit=args.limit, corpus=corpus, known=known)
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


def _plan(settings: Settings, doc_id: str | None) -> Document:
    """The plan a command names with --doc, or the only one loaded."""
    from bot.corpus import load_corpus

    corpus = load_corpus(settings.corpus_dir)
    docs = [d for d in corpus.documents if doc_id in (None, d.doc_id)]
    if not docs:
        raise UserError(
            f"no plan {doc_id!r} in {settings.corpus_dir}; plans: {', '.join(d.doc_id for d in corpus.documents)}"
        )
    if len(docs) > 1:
        raise UserError(f"several plans are loaded; say which with --doc (one of: {', '.join(d.doc_id for d in docs)})")
    return docs[0]


def _login() -> str | None:
    """Who teaches from the command line (stored only as a salted hash)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in a bare container
        return None


def cmd_teach(settings: Settings, args: argparse.Namespace) -> int:
    """Add a question to the bank of the point that answers it, then rebuild the index. Without
    POLICYBOT_DATABASE_URL it goes into the plan's bank file; with one, into the database's taught
    questions, like /teach, so every replica takes it in at its next /reload."""
    from bot.bank import BankError, bank_path, teach
    from bot.taught import open_taught, teach_in_database

    doc = _plan(settings, args.doc)
    try:
        if settings.database_url is None:
            entry = teach(settings.corpus_dir, doc, args.question, args.point)
            where = str(bank_path(settings.corpus_dir, doc.doc_id))
        else:
            store = open_taught(settings.database_url, settings.hash_salt.get_secret_value())
            try:
                entry = teach_in_database(
                    store, settings.corpus_dir, doc, args.question, args.point, _login(), "cli"
                ).bank_question
            finally:
                store.close()
            where = f"the database at {store.where} (every replica takes it in at its next /reload; "
            where += "`policybot taught --export` adds it to the bank file for review)"
    except BankError as e:
        raise UserError(str(e)) from e
    print(f"taught: {entry.question} → point {entry.point} ({doc.doc_id}), stored in {where}")
    if not args.no_build:
        from bot.service import Resources

        index = Resources.load(settings).build()
        print(f"index rebuilt: {index.meta['unit_counts'].get('question', 0)} bank questions")
    return 0


def cmd_taught(settings: Settings, args: argparse.Namespace) -> int:
    """The questions taught into the database: list them (read-only), export them into the bank
    files, or drop the ones rejected in review."""
    from bot.database import backend_for
    from bot.taught import open_taught, read_taught

    url = settings.resolved_database_url
    if args.export or args.drop:
        store = open_taught(url, settings.hash_salt.get_secret_value())
        try:
            return _taught_export(settings, store) if args.export else _taught_drop(store, args.drop)
        finally:
            store.close()
    rows = [r for r in read_taught(url) if args.all or r.exported_at is None]
    if args.json:
        print(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False))
    for row in [] if args.json else rows:
        when = datetime.fromtimestamp(row.taught_at).astimezone().strftime("%Y-%m-%d %H:%M")
        exported = ", exported" if row.exported_at is not None else ""
        print(f"{row.id:>5}  {when}  {row.doc_id}  point {row.point}  {row.question}  ({row.source}{exported})")
    what = "taught question(s)" if args.all else "taught question(s) not exported yet"
    print(
        f"read-only, nothing changed: {len(rows)} {what} in {backend_for(url).where}"
        + ("; `policybot taught --export` merges them into the bank files" if rows and not args.all else ""),
        file=sys.stderr,
    )
    return 0


def _taught_export(settings: Settings, store: TaughtStore) -> int:
    from bot.corpus import load_corpus
    from bot.taught import export_to_files

    done = export_to_files(store, settings.corpus_dir, load_corpus(settings.corpus_dir))
    for path, added in done.written.items():
        print(f"{path}: {added} question(s) added")
    for row, why in done.skipped:
        print(f"not exported: {row.id} {row.question} → point {row.point} ({why})", file=sys.stderr)
    print(
        f"exported {done.marked} taught question(s) ({done.already} already in the file); "
        + ("review with `git diff` and commit" if done.written else "no file changed")
    )
    return EXIT_FAILURE if done.skipped else 0


def _taught_drop(store: TaughtStore, ids: list[int]) -> int:
    dropped = store.drop(ids)
    for row in dropped:
        exported = "; it was exported: remove its line from the bank file too" if row.exported_at else ""
        print(f"dropped {row.id}: {row.question} → point {row.point} ({row.doc_id}){exported}")
    missing = sorted(set(ids) - {row.id for row in dropped})
    if missing:
        print(f"no taught question with id {', '.join(map(str, missing))}", file=sys.stderr)
    if dropped:
        print("the bots drop them at their next /reload (or `policybot build`)")
    return EXIT_FAILURE if missing else 0


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

    _add_bank_commands(sub)

    p = sub.add_parser("run", help="build if needed, then serve Telegram (token set) or chat")
    p.set_defaults(func=cmd_run)
    return parser


def _add_bank_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """teach (into the bank file, or the database when POLICYBOT_DATABASE_URL is set) and taught."""
    p = sub.add_parser(
        "teach", help="add a question to a point's bank (its file; the database when POLICYBOT_DATABASE_URL is set)"
    )
    p.add_argument("question", help="the question as people ask it (quote it)")
    p.add_argument("point", type=int, help="the point that answers it (0 = the header)")
    p.add_argument("--doc", help="the plan (its file name without extension) when several are loaded")
    p.add_argument("--no-build", action="store_true", help="do not rebuild the index now")
    p.set_defaults(func=cmd_teach)

    p = sub.add_parser("taught", help="questions taught into the database: list (read-only), --export, --drop")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--export", action="store_true", help="merge those not exported yet into the bank files")
    action.add_argument("--drop", type=int, nargs="+", metavar="ID", help="delete these (rejected in review)")
    p.add_argument("--all", action="store_true", help="list the exported ones too")
    p.add_argument("--json", action="store_true", help="list as JSON")
    p.set_defaults(func=cmd_taught)


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
