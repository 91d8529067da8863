"""A local chat in the terminal: questions and the same slash commands, rendered as text."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.clock import DateOutOfRange, parse_iso_date
from bot.frontends import exports, observe
from bot.frontends.commands import CONSOLE, command_named, commands_for, help_lines
from bot.frontends.replies import CommandReplies, Reply
from bot.frontends.terminal import Printer
from bot.misses import MissesLog, misses_observer
from bot.service import FactStore
from bot.settings import Settings

_DATE_LIKE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


class ConsoleInputError(ValueError):
    """An argument of a console command that cannot be used, said in words."""


def _date(value: str) -> dt.date:
    """A date argument; one that is not a real day, or is out of range, is refused in words."""
    try:
        return parse_iso_date(value)
    except DateOutOfRange as exc:
        raise ConsoleInputError(f"{exc}.") from None
    except ValueError:
        raise ConsoleInputError(f"{value} is not a date in YYYY-MM-DD form.") from None


@dataclass(frozen=True, slots=True)
class Call:
    """One slash command typed at the console: its words, the dates and the export format given."""

    args: list[str]
    replies: CommandReplies
    as_of: dt.date | None
    out_dir: Path | None
    observers: observe.Observers | None = None

    @property
    def dates(self) -> list[dt.date]:
        """Every argument that looks like a date, as a date (a bad one raises :class:`ConsoleInputError`)."""
        return [_date(arg) for arg in self.args if _DATE_LIKE.match(arg)]

    @property
    def date(self) -> dt.date | None:
        """The date given, or the console's ``--as-of``."""
        return next(iter(self.dates), None) or self.as_of

    @property
    def fmt(self) -> str | None:
        return next((arg.lower() for arg in self.args if arg.lower() in exports.FORMATS), None)

    @property
    def words(self) -> str:
        """The arguments that are neither dates nor formats."""
        rest = [arg for arg in self.args if not _DATE_LIKE.match(arg) and arg.lower() not in exports.FORMATS]
        return " ".join(rest)


CONSOLE_KEY = "console"


def usage(name: str) -> str:
    return f"Usage: {command_named(name).synopsis(CONSOLE)}"


def question(
    text: str,
    replies: CommandReplies,
    *,
    as_of: dt.date | None = None,
    observers: observe.Observers | None = None,
) -> str:
    """Answer a question typed at the console, and report it to the observers (the misses log)."""
    started = time.perf_counter()
    reply = replies.ask(text, public=True, as_of=as_of, conversation=CONSOLE_KEY)
    if observers is not None:
        latency = (time.perf_counter() - started) * 1000
        observers.notify(
            observe.answered(
                frontend=CONSOLE, command="ask", answer=reply.answer, latency_ms=latency, question=text
            )
        )
    return reply.as_text()


def _ask(call: Call) -> str:
    return question(" ".join(call.args), call.replies, as_of=call.as_of, observers=call.observers)


def _status(call: Call) -> str:
    if not call.words:
        return usage("status")
    return call.replies.status(call.words, as_of=call.date).as_text()


def _saved(reply: Reply, call: Call) -> str:
    """The reply, with its attachment written to a file (the console cannot attach one)."""
    if not reply.attachment:
        return reply.as_text()
    name, data = reply.attachment
    path = (call.out_dir or Path.cwd()) / name
    path.write_bytes(data)
    reply.attachment = None
    return reply.as_text() + f"\n(full list written to {path})"


def _withdrawals(call: Call) -> str:
    return _saved(call.replies.withdrawals(as_of=call.date, fmt=call.fmt), call)


def _parties(call: Call) -> str:
    return _saved(call.replies.parties(as_of=call.date, fmt=call.fmt or "csv"), call)


def _timeline(call: Call) -> str:
    return call.replies.timeline(" ".join(call.args)).as_text() if call.args else usage("timeline")


def _treaty(call: Call) -> str:
    if not call.args or not call.args[0].isdecimal() or not call.args[0].isascii():
        return usage("treaty") + " (a number from 1 to 22)"
    return call.replies.treaty(int(call.args[0])).as_text()


def _about(call: Call) -> str:
    return call.replies.about(show_reloader=True).as_text()


def _reload(call: Call) -> str:
    reply, _ = asyncio.run(call.replies.reload(user_id="console", user_name="console"))
    return reply.as_text()


def _chart(call: Call) -> str:
    dates = sorted(call.dates)  # with two dates, the chart runs from the earlier to the later
    on = dates[-1] if dates else call.as_of
    start = dates[0] if len(dates) > 1 else None
    reply = asyncio.run(call.replies.chart(as_of=on, start=start, state=call.words or None))
    if not reply.attachment:
        return reply.as_text()
    name, data = reply.attachment
    path = (call.out_dir or Path.cwd()) / name
    path.write_bytes(data)
    return f"{path}\n{reply.attachment_description}"


def _help(call: Call) -> str:
    return help_text()


HANDLERS: dict[str, Callable[[Call], str]] = {
    "ask": _ask,
    "status": _status,
    "withdrawals": _withdrawals,
    "parties": _parties,
    "timeline": _timeline,
    "treaty": _treaty,
    "about": _about,
    "reload": _reload,
    "help": _help,
    "chart": _chart,
}


def help_text() -> str:
    """The commands of the table that the console has, each with its usage and description."""
    return "\n".join(["Type a question, or a command:", *help_lines(CONSOLE)])


def handle(
    line: str,
    replies: CommandReplies,
    *,
    as_of: dt.date | None = None,
    out_dir: Path | None = None,
    observers: observe.Observers | None = None,
) -> str:
    """One console line in, the reply text out; questions are reported to ``observers``."""
    line = line.strip()
    if not line:
        return ""
    if not line.startswith("/"):
        return question(line, replies, as_of=as_of, observers=observers)
    try:
        parts = shlex.split(line[1:])
    except ValueError:
        parts = line[1:].split()
    name, args = (parts[0].lower(), parts[1:]) if parts else ("help", [])
    if name in ("help", "h", "?"):
        return help_text()
    if name in {command.name for command in commands_for(CONSOLE)}:
        try:
            return HANDLERS[name](Call(args, replies, as_of, out_dir, observers))
        except ConsoleInputError as exc:
            return Reply(body=str(exc)).as_text()
        except OSError as exc:  # a file the command writes (an export, a chart) could not be written
            return Reply(body=f"Could not write the file: {exc.strerror or exc}.").as_text()
    return Reply(body=f"Unknown command /{name}. Type /help for the list.").as_text()


def run_console(
    *,
    knowledge_dir: Path,
    database: Path,
    as_of: dt.date | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    settings: Settings | None = None,
) -> int:
    """Chat until end of input or /quit; with ``settings`` saying MISSES_LOG, missed questions are recorded."""
    store = FactStore(knowledge_dir=knowledge_dir, database=database)
    replies = CommandReplies(store)
    observers = observe.Observers()
    misses = misses_observer(settings) if settings is not None else None
    if misses is not None:
        observers.subscribe(misses)
    try:
        return _chat(replies, as_of=as_of, stdin=stdin, stdout=stdout, observers=observers)
    finally:
        if isinstance(misses, MissesLog):
            misses.close()


def _chat(
    replies: CommandReplies,
    *,
    as_of: dt.date | None,
    stdin: TextIO,
    stdout: TextIO,
    observers: observe.Observers,
) -> int:
    interactive = stdin.isatty()
    printer = Printer(stdout)
    if interactive:
        print(
            "Ottawa Treaty Bot console. Ask a question, or type /help. Ctrl-D or /quit to leave.", file=stdout
        )
    while True:
        if interactive:
            print("> ", end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line or line.strip() in ("/quit", "/exit"):
            return 0
        text = handle(line, replies, as_of=as_of, observers=observers)
        if text:
            if not interactive:  # a transcript reads as question, answer, question, answer
                print(f"> {line.strip()}", file=stdout)
            printer.show(text)
