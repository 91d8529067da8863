"""A local chat in the terminal: questions and the same slash commands, rendered as text."""

from __future__ import annotations

import asyncio
import datetime as dt
import shlex
import sys
from pathlib import Path
from typing import TextIO

from bot.frontends.replies import CommandReplies, Reply
from bot.service import FactStore

HELP = """Type a question, or a command:
  /ask QUESTION              the same as typing the question
  /status STATE [YYYY-MM-DD] one state's status and dates
  /withdrawals [YYYY-MM-DD]  every state that has withdrawn or is withdrawing
  /parties [YYYY-MM-DD]      the number of States Parties (the list is written to a CSV file)
  /timeline STATE            a state's dated events
  /treaty ARTICLE            what an article says (1-22)
  /about                     version, fact-base build and sources
  /reload                    re-read and rebuild the fact base
  /help, /quit"""


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def handle(
    line: str, replies: CommandReplies, *, as_of: dt.date | None = None, out_dir: Path | None = None
) -> str:
    """One console line in, the reply text out."""
    line = line.strip()
    if not line:
        return ""
    if not line.startswith("/"):
        return replies.ask(line, public=True, as_of=as_of).as_text()
    try:
        parts = shlex.split(line[1:])
    except ValueError:
        parts = line[1:].split()
    command, args = (parts[0].lower(), parts[1:]) if parts else ("help", [])
    tail_date = _date(args[-1]) if args else None
    if command == "ask":
        return replies.ask(" ".join(args), public=True, as_of=as_of).as_text()
    if command == "status":
        if not args:
            return "Usage: /status STATE [YYYY-MM-DD]"
        state_args = args[:-1] if tail_date else args
        return replies.status(" ".join(state_args), as_of=tail_date or as_of).as_text()
    if command == "withdrawals":
        return replies.withdrawals(as_of=tail_date or as_of).as_text()
    if command == "parties":
        reply = replies.parties(as_of=tail_date or as_of)
        if reply.attachment:
            name, data = reply.attachment
            path = (out_dir or Path.cwd()) / name
            path.write_bytes(data)
            reply.attachment = None
            return reply.as_text() + f"\n(full list written to {path})"
        return reply.as_text()
    if command == "timeline":
        return replies.timeline(" ".join(args)).as_text() if args else "Usage: /timeline STATE"
    if command == "treaty":
        if not args or not args[0].isdigit():
            return "Usage: /treaty ARTICLE (a number from 1 to 22)"
        return replies.treaty(int(args[0])).as_text()
    if command == "about":
        return replies.about().as_text()
    if command == "reload":
        reply, _ = asyncio.run(replies.reload(user_id="console", user_name="console"))
        return reply.as_text()
    if command in ("help", "h", "?"):
        return HELP
    return Reply(body=f"Unknown command /{command}. Type /help for the list.").as_text()


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
