"""A local chat in the terminal: questions and the same slash commands, rendered as text."""

from __future__ import annotations

import asyncio
import datetime as dt
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.clock import DateOutOfRange, parse_iso_date
from bot.frontends.commands import CONSOLE, command_named, commands_for
from bot.frontends.replies import CommandReplies, Reply
from bot.service import FactStore


def _date(value: str) -> dt.date | None:
    """A trailing date argument, or None when it is not a date; a date out of range raises."""
    try:
        return parse_iso_date(value)
    except DateOutOfRange:
        raise
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class Call:
    """One slash command typed at the console."""

    args: list[str]
    replies: CommandReplies
    as_of: dt.date | None
    out_dir: Path | None

    @property
    def tail_date(self) -> dt.date | None:
        """A date given as the last argument."""
        return _date(self.args[-1]) if self.args else None


CONSOLE_KEY = "console"


def usage(name: str) -> str:
    return f"Usage: {command_named(name).synopsis(CONSOLE)}"


def _ask(call: Call) -> str:
    return call.replies.ask(
        " ".join(call.args), public=True, as_of=call.as_of, conversation=CONSOLE_KEY
    ).as_text()


def _status(call: Call) -> str:
    if not call.args:
        return usage("status")
    state_args = call.args[:-1] if call.tail_date else call.args
    return call.replies.status(" ".join(state_args), as_of=call.tail_date or call.as_of).as_text()


def _withdrawals(call: Call) -> str:
    return call.replies.withdrawals(as_of=call.tail_date or call.as_of).as_text()


def _parties(call: Call) -> str:
    reply = call.replies.parties(as_of=call.tail_date or call.as_of)
    if reply.attachment:
        name, data = reply.attachment
        path = (call.out_dir or Path.cwd()) / name
        path.write_bytes(data)
        reply.attachment = None
        return reply.as_text() + f"\n(full list written to {path})"
    return reply.as_text()


def _timeline(call: Call) -> str:
    return call.replies.timeline(" ".join(call.args)).as_text() if call.args else usage("timeline")


def _treaty(call: Call) -> str:
    if not call.args or not call.args[0].isdigit():
        return usage("treaty") + " (a number from 1 to 22)"
    return call.replies.treaty(int(call.args[0])).as_text()


def _about(call: Call) -> str:
    return call.replies.about().as_text()


def _reload(call: Call) -> str:
    reply, _ = asyncio.run(call.replies.reload(user_id="console", user_name="console"))
    return reply.as_text()


HANDLERS: dict[str, Callable[[Call], str]] = {
    "ask": _ask,
    "status": _status,
    "withdrawals": _withdrawals,
    "parties": _parties,
    "timeline": _timeline,
    "treaty": _treaty,
    "about": _about,
    "reload": _reload,
}


def help_text() -> str:
    """The commands of the table that the console has, each with its usage and description."""
    commands = commands_for(CONSOLE)
    width = max(len(command.synopsis(CONSOLE)) for command in commands) + 2
    lines = ["Type a question, or a command:"]
    lines += [f"  {command.synopsis(CONSOLE):<{width}}{command.description}" for command in commands]
    lines.append("  /help, /quit")
    return "\n".join(lines)


def handle(
    line: str, replies: CommandReplies, *, as_of: dt.date | None = None, out_dir: Path | None = None
) -> str:
    """One console line in, the reply text out."""
    line = line.strip()
    if not line:
        return ""
    if not line.startswith("/"):
        return replies.ask(line, public=True, as_of=as_of, conversation=CONSOLE_KEY).as_text()
    try:
        parts = shlex.split(line[1:])
    except ValueError:
        parts = line[1:].split()
    name, args = (parts[0].lower(), parts[1:]) if parts else ("help", [])
    if name in ("help", "h", "?"):
        return help_text()
    if name in {command.name for command in commands_for(CONSOLE)}:
        try:
            return HANDLERS[name](Call(args, replies, as_of, out_dir))
        except DateOutOfRange as exc:
            return Reply(body=f"{exc}.").as_text()
    return Reply(body=f"Unknown command /{name}. Type /help for the list.").as_text()


def run_console(
    *,
    knowledge_dir: Path,
    database: Path,
    as_of: dt.date | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> int:
    """Chat until end of input or /quit."""
    store = FactStore(knowledge_dir=knowledge_dir, database=database)
    replies = CommandReplies(store)
    interactive = stdin.isatty()
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
        text = handle(line, replies, as_of=as_of)
        if text:
            print(text, file=stdout)
            print("", file=stdout, flush=True)
