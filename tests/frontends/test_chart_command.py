"""/chart in Discord and the console: a PNG attachment with its alt text, for the dates and state asked."""

from __future__ import annotations

import io
from pathlib import Path

from support import discord_payloads as P
from support.cli import KNOWLEDGE
from test_discord_commands import harness, invoke, last_message

from bot.frontends import console
from bot.frontends.replies import CommandReplies
from bot.service import FactStore

__all__ = ["harness"]
PNG = b"\x89PNG\r\n\x1a\n"


async def test_chart_attaches_a_png_with_its_description(harness) -> None:
    await invoke(harness, P.command("chart", P.option("as_of", "2026-11-27"), P.option("state", "Finland")))
    [sent] = [s for s in harness["sent"] if s.files]
    [png] = sent.files
    assert png.filename.endswith(".png") and png.fp.getvalue().startswith(PNG)
    description = sent.body["attachments"][0]["description"]
    assert "Finland" in description and len(description) <= 1024
    assert "Finland" in last_message(harness)["embeds"][0]["description"]


async def test_chart_refuses_an_unknown_state_and_a_backwards_period(harness) -> None:
    await invoke(harness, P.command("chart", P.option("state", "Narnia")))
    assert "I don't know a state by that name" in last_message(harness)["embeds"][0]["description"]
    await invoke(harness, P.command("chart", P.option("as_of", "2020-01-01"), P.option("from", "2024-01-01")))
    assert "start must be on or before" in last_message(harness)["embeds"][0]["description"]
    assert not any(s.files for s in harness["sent"])


def test_console_chart_writes_the_png_and_says_where(built_db: Path, tmp_path: Path) -> None:
    replies = CommandReplies(FactStore(knowledge_dir=KNOWLEDGE, database=built_db))
    text = console.handle("/chart 2026-11-27 2024-01-01 Poland", replies, out_dir=tmp_path)
    [written] = list(tmp_path.iterdir())
    assert written.read_bytes().startswith(PNG)
    assert str(written) in text and "Poland" in text
    out = io.StringIO()
    console.run_console(knowledge_dir=KNOWLEDGE, database=built_db, stdin=io.StringIO("/help\n"), stdout=out)
    assert "/chart" in out.getvalue()


async def test_a_chart_ending_before_the_first_party_is_refused_in_words(harness) -> None:
    await invoke(harness, P.command("chart", P.option("as_of", "1998-06-01")))
    assert "I cannot draw that chart" in last_message(harness)["embeds"][0]["description"]
    await invoke(harness, P.command("chart", P.option("from", "2026-02-30")))
    assert "`from` must be a date" in last_message(harness)["content"]
