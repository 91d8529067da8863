"""Command line: ``python -m bot check|build|states|chart|ask|console|run|sync``."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot import __version__
from bot.clock import DateOutOfRange, parse_iso_date, today_utc

if TYPE_CHECKING:
    from bot.engine.entities import EntityIndex
    from bot.settings import Settings


def _date(value: str) -> dt.date:
    try:
        return parse_iso_date(value)
    except DateOutOfRange as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date in YYYY-MM-DD form") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Ottawa Treaty Bot: sourced, date-aware answers about the Mine Ban Convention.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--knowledge",
        type=Path,
        help="knowledge directory (default: KNOWLEDGE_DIR, or the facts shipped with the bot)",
    )
    parser.add_argument(
        "--database", type=Path, help="SQLite path (default: DATABASE_PATH, or facts.sqlite3 in DATA_DIR)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("check", help="validate every knowledge file and report all problems")
    sub.add_parser("build", help="compile the knowledge files into the SQLite database")

    states = sub.add_parser("states", help="every state with its status on a date")
    states.add_argument("--as-of", type=_date, help="the date to compute status for (default: today, UTC)")
    states.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    states.add_argument(
        "--csv", action="store_true", help="print CSV (with the date it is for and the facts' review date)"
    )

    chart = sub.add_parser("chart", help="draw the number of States Parties over time as a PNG")
    chart.add_argument("--as-of", type=_date, help="the chart's last day (default: today, UTC)")
    chart.add_argument(
        "--from", dest="start", type=_date, help="the chart's first day (default: the entry into force)"
    )
    chart.add_argument(
        "--state", metavar="NAME", help="also mark this state's own steps (a name or ISO code)"
    )
    chart.add_argument(
        "--out", type=Path, help="the PNG to write (default: parties-DATE.png in the current directory)"
    )

    ask = sub.add_parser("ask", help="answer a question; '-' reads one question per line from stdin")
    ask.add_argument("question", help="the question, or '-' to read questions from standard input")
    ask.add_argument("--as-of", type=_date, help="answer as if this date (YYYY-MM-DD) were today")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines when reading stdin)")
    ask.add_argument(
        "--conversation",
        action="store_true",
        help="with '-': the lines are one conversation, so follow-ups ('and finland?') use what came before",
    )
    evaluate = sub.add_parser("evaluate", help="score the engine on a question set (YAML)")
    evaluate.add_argument("questions", type=Path, help="the question set, e.g. tests/questions.yaml")
    evaluate.add_argument("--failures", action="store_true", help="list every question answered wrongly")

    console = sub.add_parser("console", help="chat with the bot in the terminal, slash commands included")
    console.add_argument("--as-of", type=_date, help="answer as if this date were today")

    depositary = sub.add_parser(
        "depositary", help="compare the depositary's status page (UNTC XXVI-5, saved HTML) with the facts"
    )
    depositary.add_argument("page", help="the saved status page, or '-' to read it from standard input")
    depositary.add_argument("--json", action="store_true", help="print JSON instead of text")
    depositary.add_argument(
        "--write", action="store_true", help="apply the new differences to the knowledge files"
    )

    misses = sub.add_parser(
        "misses", help="the questions missed (MISSES_LOG), similar wordings grouped, most frequent first"
    )
    misses.add_argument("--since", type=_date, help="only the questions from this date (YYYY-MM-DD) on")
    misses.add_argument("--json", action="store_true", help="print a JSON list of groups instead of a table")

    sub.add_parser("routes", help="list the engine's routes in order of precedence")
    sub.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    sync = sub.add_parser("sync", help="register the slash commands with Discord")
    sync.add_argument("--guild", type=int, help="sync to this guild only (instant) instead of globally")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status. When a reader stops early (``| head``), a command
    that prints its answer ends quietly, with status 1, instead of with a traceback; the bot itself (``run``,
    ``sync``) is not covered, so that a broken connection there is never taken for a closed pipe."""
    args = _parser().parse_args(argv)
    if args.command in ("run", "sync"):
        return _main(args)
    try:
        return _main(args)
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more reaches the closed pipe, not even at exit
        return 1


def _main(args: argparse.Namespace) -> int:
    from bot.settings import GENERAL, SettingsError, load_settings

    _forgiving_stdio()

    try:
        settings = load_settings(only=None if args.command in ("run", "sync") else GENERAL)
    except SettingsError as exc:
        print("\n".join(exc.lines()), file=sys.stderr)
        return 2
    knowledge_dir = args.knowledge or settings.knowledge_dir
    database = args.database or settings.database_path
    if args.command == "check":
        return _check(knowledge_dir)
    if args.command == "routes":
        from bot.engine.router import describe

        print("\n".join(describe()))
        return 0
    if args.command == "build":
        return _build(knowledge_dir, database)
    if args.command == "misses":
        return _misses(settings.data_dir, args.since, as_json=args.json)
    if args.command == "depositary":
        return _depositary(knowledge_dir, args.page, as_json=args.json, write=args.write)
    if args.command in ("states", "chart", "ask", "console", "evaluate"):
        from bot.facts.database import ensure_database

        failed = _guarded(ensure_database, knowledge_dir, database)
        if failed is not None:
            return failed
        if args.command == "states":
            return _states(database, args.as_of, as_json=args.json, as_csv=args.csv)
        if args.command == "chart":
            return _chart(database, args.as_of, args.start, args.state, args.out)
        if args.command == "ask":
            if args.conversation and args.question != "-":
                print(
                    "error: --conversation reads the conversation from standard input: use '-'",
                    file=sys.stderr,
                )
                return 2
            return _ask(
                database, args.question, args.as_of, as_json=args.json, conversation=args.conversation
            )
        if args.command == "evaluate":
            return _evaluate(database, args.questions, failures=args.failures)
        from bot.frontends.console import run_console

        return run_console(
            knowledge_dir=knowledge_dir, database=database, as_of=args.as_of, settings=settings
        )
    return _discord(args, settings, knowledge_dir=knowledge_dir, database=database)


def _forgiving_stdio() -> None:
    """Undecodable input becomes U+FFFD and unprintable output a '?', so one bad line never ends a batch."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace" if stream is sys.stderr else "replace")


def _discord(args: argparse.Namespace, settings: Settings, *, knowledge_dir: Path, database: Path) -> int:
    """``run`` or ``sync``; knowledge problems that leave no usable fact base are listed, not raised."""
    from bot.facts.database import DatabaseError
    from bot.facts.validate import KnowledgeError
    from bot.frontends.discord.app import run_bot, sync_commands

    try:
        if args.command == "run":
            return run_bot(settings, knowledge_dir=knowledge_dir, database=database)
        return sync_commands(settings, guild_id=args.guild, knowledge_dir=knowledge_dir, database=database)
    except KnowledgeError as exc:
        _print_problems(exc.problems)
        return 1
    except DatabaseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _guarded(step: Callable[..., object], *args: object) -> int | None:
    """Run ``step``; None when it worked, or 1 after listing knowledge or database problems."""
    from bot.facts.database import DatabaseError
    from bot.facts.validate import KnowledgeError

    try:
        step(*args)
    except KnowledgeError as exc:
        _print_problems(exc.problems)
        return 1
    except (DatabaseError, OSError, sqlite3.Error) as exc:
        print(f"error: the fact database cannot be used: {exc}", file=sys.stderr)
        return 1
    return None


def _print_problems(problems: Sequence[str]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s) found.", file=sys.stderr)


def _check(knowledge_dir: Path) -> int:
    from bot.engine.lexicon import check_lexicon
    from bot.facts.validate import validate

    report = validate(knowledge_dir)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    problems = [*report.problems, *(f"lexicon/{p}" for p in check_lexicon())]
    if problems:
        _print_problems(problems)
        return 1
    kb = report.knowledge
    assert kb is not None
    print(
        f"OK: {len(kb.states)} states, {len(kb.aliases)} aliases, {len(kb.groups)} groups, {len(kb.events)} events, "
        f"{len(kb.facts)} facts, {len(kb.sources)} sources; reviewed {kb.reviewed.isoformat()}."
    )
    return 0


def _build(knowledge_dir: Path, database: Path) -> int:
    from bot.facts.database import build
    from bot.facts.validate import KnowledgeError

    try:
        meta = build(knowledge_dir, database)
    except KnowledgeError as exc:
        _print_problems(exc.problems)
        print(f"Build failed; {database} was left as it was.", file=sys.stderr)
        return 1
    print(f"Built {database}: {meta['row_counts']} (content hash {meta['content_hash'][:12]}).")
    return 0


def _misses(data_dir: Path, since: dt.date | None, *, as_json: bool) -> int:
    """The recorded misses grouped, most frequent first; with no misses log, say so (exit 0)."""
    from bot import misses

    path = data_dir / misses.FILE_NAME
    try:
        groups = misses.load_groups(path, since=since)
    except (OSError, sqlite3.Error) as exc:
        print(f"error: the misses log {path} cannot be read: {exc}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps([found.to_dict() for found in groups or []], ensure_ascii=False, indent=1))
    if groups is None:
        print(misses.NOTHING, file=sys.stderr if as_json else sys.stdout)
    elif not as_json:
        print("\n".join(misses.text_lines(groups, since=since)))
    return 0


def _depositary(knowledge_dir: Path, page: str, *, as_json: bool, write: bool) -> int:
    """Exit 0 when the fact base agrees with the page, 1 on new differences (or conflicts left after
    ``--write``), 2 when the input is not the Convention's status page."""
    from bot.facts import depositary as dep
    from bot.facts.validate import KnowledgeError, load

    try:
        data = sys.stdin.buffer.read() if page == "-" else Path(page).read_bytes()
        found = dep.read_page(dep.decode(data))
        kb = load(knowledge_dir)
    except (OSError, dep.PageError) as exc:
        print(f"error: {page}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
        return 2
    except KnowledgeError as exc:
        _print_problems(exc.problems)
        return 1
    comparison = dep.compare(found, kb)
    report = dep.write(comparison, kb, knowledge_dir, today=today_utc()) if write else None
    if as_json:
        print(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(dep.render_text(comparison)))
    if report is None:
        return 1 if comparison.new else 0
    for line in [*report.applied, *report.conflicts, report.refused]:
        if line:
            kind = "wrote" if line in report.applied else "not written"
            print(f"{kind}: {line}", file=sys.stderr)
    return 1 if report.refused or report.conflicts else 0


def _states(database: Path, as_of: dt.date | None, *, as_json: bool, as_csv: bool = False) -> int:
    from bot.engine.status import LABELS, STATUSES, status_counts, status_on
    from bot.facts.database import read_knowledge
    from bot.frontends import exports

    kb = read_knowledge(database)
    day = as_of or today_utc()
    rows = sorted(kb.states.values(), key=lambda s: s.name)

    def iso(value: dt.date | None) -> str | None:
        return value.isoformat() if value else None

    if as_json:
        print(json.dumps(exports.all_states(kb, day), ensure_ascii=False, indent=1))
        return 0
    if as_csv:
        sys.stdout.write(exports.to_csv(exports.all_states(kb, day), kb=kb, on=day).decode("utf-8"))
        return 0
    header = f"{'ISO':<4} {'State':<34} {'Status':<25} {'Signed':<10} {'Consent':<10} {'Method':<12} {'In force':<10} {'Notice':<10} {'Effective':<10}"
    print(f"Status of every state on {day.isoformat()}")
    print(header)
    print("-" * len(header))
    for s in rows:
        print(
            f"{s.iso3:<4} {s.name[:34]:<34} {status_on(s, day):<25} {iso(s.signed) or '':<10} "
            f"{iso(s.consent_deposited) or '':<10} {s.consent_method or '':<12} {iso(s.entry_into_force) or '':<10} "
            f"{iso(s.withdrawal_notified) or '':<10} {iso(s.withdrawal_effective) or '':<10}"
        )
    counts = status_counts(rows, day)
    print()
    for code in STATUSES:
        print(f"{code:<25} {counts.get(code, 0):>4}  ({LABELS[code]})")
    print(f"{'total':<25} {len(rows):>4}")
    print(
        f"States Parties (party + withdrawal_pending): {counts.get('party', 0) + counts.get('withdrawal_pending', 0)}"
    )
    return 0


def _chart(
    database: Path, as_of: dt.date | None, start: dt.date | None, state: str | None, out: Path | None
) -> int:
    """Write the chart of States Parties and print its path; exit 2 on a start after the end or a state name
    that names no state or more than one."""
    from bot.facts.database import read_knowledge
    from bot.frontends.chart import render_chart

    day = as_of or today_utc()
    if start is not None and start > day:
        print(f"error: --from {start.isoformat()} is after --as-of {day.isoformat()}", file=sys.stderr)
        return 2
    iso3 = None
    if state is None:
        kb = read_knowledge(database)
    else:
        from bot.service import load_engine

        engine = load_engine(database, cache_size=0)
        kb = engine.kb
        iso3, problem = _state_code(engine.entities, state)
        if iso3 is None:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    try:
        made = render_chart(kb, as_of=day, start=start, state=iso3)
    except ValueError as exc:  # a period the chart cannot show, e.g. one ending before the first party
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = out or Path(made.filename)
    try:
        path.write_bytes(made.png)
    except OSError as exc:
        print(f"error: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _state_code(entities: EntityIndex, text: str) -> tuple[str | None, str]:
    """The ISO code of the one state ``text`` names, or None and why not (unknown, or more than one)."""
    from bot.engine.entities import AMBIGUOUS, STATE

    if text.strip().upper() in entities.state_names:
        return text.strip().upper(), ""
    mentions = [m for m in entities.find(text).mentions if m.target.kind in (STATE, AMBIGUOUS)]
    codes = list(dict.fromkeys(code for m in mentions for code in m.target.codes))
    if len(codes) == 1:
        return codes[0], ""
    if codes:
        names = [entities.state_names[code] for code in codes]
        return None, f"{text!r} may mean {', '.join(names[:-1])} or {names[-1]}: name one state"
    close = [name for _, name in entities.suggest_states(text, limit=3)]
    return None, f"no state is named {text!r}" + (f" (did you mean {', '.join(close)}?)" if close else "")


def _ask(
    database: Path, question: str, as_of: dt.date | None, *, as_json: bool, conversation: bool = False
) -> int:
    from bot.engine.conversation import Conversations
    from bot.frontends.text import render_text
    from bot.service import load_engine

    engine = load_engine(database)
    talk = Conversations()
    if question == "-":
        for line in sys.stdin:
            line = line.rstrip("\n")
            answer = (
                talk.ask(engine, "stdin", line, as_of=as_of)
                if conversation
                else engine.ask(line, as_of=as_of)
            )
            if as_json:
                print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
            else:
                print(render_text(answer, reviewed=engine.kb.reviewed))
                print("-" * 60, flush=True)
        return 0
    answer = engine.ask(question, as_of=as_of)
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=1))
    else:
        print(render_text(answer, reviewed=engine.kb.reviewed))
    return 0


def _evaluate(database: Path, questions: Path, *, failures: bool) -> int:
    from bot.engine.conversation import Conversations
    from bot.evaluate import evaluate, load_cases
    from bot.service import load_engine

    engine = load_engine(database, cache_size=0)

    def ask(text: str, as_of: dt.date, before: Sequence[str]) -> dict[str, object]:
        talk = Conversations()
        for earlier in before:
            talk.ask(engine, "eval", earlier, as_of=as_of)
        return talk.ask(engine, "eval", text, as_of=as_of).to_dict()

    report = evaluate(load_cases(questions), ask)
    print("\n".join(report.lines()))
    if failures:
        for verdict in report.verdicts:
            if not verdict.ok:
                before = f" (after {list(verdict.case.before)})" if verdict.case.before else ""
                print(f"[{verdict.kind}] {verdict.case.q!r}{before}: {'; '.join(verdict.problems)}")
    return 0
