"""/misses: the missed questions for reload admins only, ephemeral and paged, grouped as the CLI groups them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from support import discord_payloads as P
from test_discord_commands import ADMIN_USER, harness, invoke, last_message

from bot import misses
from bot.frontends.discord.commands import TreatyCommands
from bot.misses import Miss, MissesLog, misses_observer

__all__ = ["harness"]  # the fixture, shared with the command tests

TODAY = dt.date(2026, 11, 27)


def use_data_dir(h: dict[str, Any], data_dir: Path, *, misses_log: bool = True) -> TreatyCommands:
    """Point the cog at ``data_dir`` for the misses log (the harness's settings use the default)."""
    cog = h["bot"].get_cog("TreatyCommands")
    assert isinstance(cog, TreatyCommands)
    cog.settings = dataclasses.replace(cog.settings, data_dir=data_dir, misses_log=misses_log)
    return cog


def fill(path: Path, count: int) -> None:
    """``count`` different questions, the n-th asked n + 1 times, and one asked in two wordings."""
    recorder = MissesLog(path, clock=lambda: TODAY)
    for n in range(count):
        words = " ".join(hashlib.sha256(f"{n}-{k}".encode()).hexdigest()[:30] for k in range(6))
        question = f"zorblax {n} {words}?"
        for _ in range(n + 1):
            recorder.record(Miss(question, TODAY - dt.timedelta(days=n % 30), "declined", "slash"))
    recorder.record(Miss("who won the nobel prize?", TODAY, "suggested", "mention"))
    recorder.record(Miss("Who won the Nobel prize", TODAY, "declined", "slash"))
    recorder.close()


def embeds(message: dict[str, Any]) -> dict[str, Any]:
    assert message.get("embeds"), message
    return message["embeds"][0]


def labels(message: dict[str, Any]) -> list[str]:
    return [c.get("label", "") for row in message.get("components", []) for c in row["components"]]


async def test_misses_is_refused_to_non_admins(harness, tmp_path: Path) -> None:
    use_data_dir(harness, tmp_path)
    fill(tmp_path / misses.FILE_NAME, 3)
    await invoke(harness, P.command("misses"))
    reply = last_message(harness)
    assert reply["flags"] & 64
    assert "can see the missed questions" in reply["content"]
    assert "zorblax" not in str(harness["sent"])


async def test_misses_for_admins_is_ephemeral_paged_and_limited_to_25_groups(harness, tmp_path: Path) -> None:
    use_data_dir(harness, tmp_path)
    fill(tmp_path / misses.FILE_NAME, 40)
    await invoke(harness, P.command("misses", user_id=ADMIN_USER))
    first = harness["sent"][0]
    assert first.body["type"] == 5 and first.body["data"]["flags"] & 64  # deferred, ephemeral
    reply = last_message(harness)
    assert reply["flags"] & 64
    embed = embeds(reply)
    assert embed["title"] == "Missed questions"
    assert embed["description"].startswith("**40×** zorblax 39 ")
    assert "declined 40 · last seen" in embed["description"]
    assert "41 group(s), the 25 most frequent shown · page 1/" in embed["footer"]["text"]
    assert labels(reply)[:2] == ["◀", f"page 1/{embed['footer']['text'].rsplit('/', 1)[1]}"]
    assert int(embed["footer"]["text"].rsplit("/", 1)[1]) >= 2


async def test_misses_since_and_public(harness, tmp_path: Path) -> None:
    use_data_dir(harness, tmp_path, misses_log=False)
    fill(tmp_path / misses.FILE_NAME, 2)
    await invoke(
        harness,
        P.command(
            "misses",
            P.option("since", TODAY.isoformat()),
            P.option("public", True, otype=5),
            user_id=ADMIN_USER,
        ),
    )
    reply = last_message(harness)
    assert not reply.get("flags", 0) & 64
    embed = embeds(reply)
    assert embed["title"] == "Missed questions since 27 November 2026"
    assert embed["description"].startswith("**2×** Who won the Nobel prize\ndeclined 1, suggested 1")
    assert "~ who won the nobel prize?" in embed["description"]
    assert "MISSES_LOG is off: new misses are not recorded" in embed["footer"]["text"]


async def test_misses_without_a_log_says_so(harness, tmp_path: Path) -> None:
    use_data_dir(harness, tmp_path)
    await invoke(harness, P.command("misses", user_id=ADMIN_USER))
    assert misses.NOTHING in embeds(last_message(harness))["description"]
    assert not (tmp_path / misses.FILE_NAME).exists()


async def test_a_question_the_bot_declines_shows_up_in_misses(harness, tmp_path: Path) -> None:
    from bot.settings import Settings

    cog = use_data_dir(harness, tmp_path)
    observer = misses_observer(Settings(data_dir=tmp_path, misses_log=True))
    assert observer is not None
    harness["bot"].observers.subscribe(observer)
    assert cog.observers is harness["bot"].observers
    await invoke(harness, P.command("ask", P.option("question", "what is the weather on mars?")))
    await invoke(harness, P.command("ask", P.option("question", "Is Poland a party?")))
    await invoke(harness, P.command("misses", user_id=ADMIN_USER))
    description = embeds(last_message(harness))["description"]
    assert description.startswith("**1×** what is the weather on mars?\ndeclined 1")
    assert "Poland" not in description
    assert isinstance(observer, MissesLog)
    observer.close()
