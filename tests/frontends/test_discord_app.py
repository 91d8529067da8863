"""The bot's own plumbing without a connection: identify pacing, wire logging, start-up messages and the
rate limit of mentions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import aiohttp
import discord
import pytest
from test_discord_commands import harness, mention

from bot.frontends.discord.app import (
    WIRE_LOGGERS,
    IdentifyPacer,
    TreatyBot,
    configure_wire_logging,
    identify_delay,
)
from bot.frontends.discord.cooldown import CooldownNotices
from bot.frontends.discord.errors import startup_failure
from bot.frontends.replies import CommandReplies
from bot.settings import Settings, SettingsError, load_settings

__all__ = ["harness"]  # the fixture of the command tests: a bot with its HTTP requests captured


def test_identify_delay_is_only_what_the_limit_needs() -> None:
    assert identify_delay(None, 100.0) == 0.0  # nothing identified yet
    assert identify_delay(100.0, 101.5) == pytest.approx(3.5)
    assert identify_delay(100.0, 105.0) == 0.0
    assert identify_delay(100.0, 160.0) == 0.0  # long ago: no wait at all
    assert identify_delay(100.0, 100.5, spacing=1.0) == pytest.approx(0.5)


def test_identify_pacer_spaces_identifies_within_a_bucket_only() -> None:
    now = [1000.0]
    pacer = IdentifyPacer(clock=lambda: now[0])
    assert pacer.claim(0) == 0.0
    assert pacer.claim(1) == 0.0  # another bucket identifies at once
    now[0] += 1.0
    assert pacer.claim(0) == pytest.approx(4.0)
    assert pacer.claim(0) == pytest.approx(9.0)  # the slot 4 s from now is taken: the next is 5 s later
    now[0] += 30.0
    assert pacer.claim(0) == 0.0 and pacer.claim(1) == 0.0


@pytest.fixture
def bot() -> TreatyBot:
    return TreatyBot(Settings(), cast(CommandReplies, None))


async def test_identify_buckets_follow_max_concurrency(
    bot: TreatyBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def gateway_bot() -> tuple[int, str, dict[str, Any]]:
        return (
            4,
            "wss://gateway.example",
            {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 2},
        )

    monkeypatch.setattr(bot.http, "get_bot_gateway", gateway_bot)
    assert await bot.identify_bucket(None) == 0  # an unsharded bot never asks
    assert bot.max_concurrency is None
    assert [await bot.identify_bucket(shard) for shard in range(4)] == [0, 1, 0, 1]
    assert bot.max_concurrency == 2


async def test_identify_buckets_default_to_one_at_a_time(
    bot: TreatyBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreachable() -> None:
        raise aiohttp.ClientConnectionError("no route")

    monkeypatch.setattr(bot.http, "get_bot_gateway", unreachable)
    assert [await bot.identify_bucket(shard) for shard in range(3)] == [0, 0, 0]
    assert bot.max_concurrency == 1


async def test_identify_hook_does_not_idle_when_the_last_identify_is_long_ago(bot: TreatyBot) -> None:
    now = [50.0]
    bot.identify_pacer = IdentifyPacer(clock=lambda: now[0])
    await bot.before_identify_hook(None, initial=True)
    now[0] += 60.0
    await asyncio.wait_for(bot.before_identify_hook(None), timeout=1.0)  # discord.py's own hook sleeps 5 s
    assert bot.identify_pacer.last[0] == 110.0


@pytest.fixture
def wire_levels() -> Iterator[None]:
    """Put the root and wire loggers' levels back as they were."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in WIRE_LOGGERS)]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_wire_loggers_stay_at_info_when_the_log_level_is_debug(wire_levels: None) -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    configure_wire_logging(logging.DEBUG, wire_debug=False)
    for name in ("discord.gateway", "discord.http", "discord.webhook.async_"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO, name
    configure_wire_logging(logging.WARNING, wire_debug=False)
    assert logging.getLogger("discord.gateway").getEffectiveLevel() == logging.WARNING


def test_wire_debug_lets_the_wire_loggers_log_at_debug(wire_levels: None) -> None:
    logging.getLogger().setLevel(logging.DEBUG)
    configure_wire_logging(logging.DEBUG, wire_debug=False)
    configure_wire_logging(logging.DEBUG, wire_debug=True)
    assert logging.getLogger("discord.gateway").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("discord.http").isEnabledFor(logging.DEBUG)


@pytest.mark.parametrize(("value", "expected"), [("", False), ("1", True), ("On", True), ("no", False)])
def test_wire_debug_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, expected: bool
) -> None:
    monkeypatch.setenv("DISCORD_WIRE_DEBUG", value)
    assert load_settings(env_file=tmp_path / "missing.env").wire_debug is expected


def test_wire_debug_setting_is_a_strict_boolean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_WIRE_DEBUG", "verbose")
    with pytest.raises(SettingsError, match="DISCORD_WIRE_DEBUG: true/false, 1/0, yes/no or on/off"):
        load_settings(env_file=tmp_path / "missing.env")


def test_startup_failure_names_the_missing_key_and_the_request() -> None:
    doing = "while syncing commands to guild 9 (PUT /applications/1/guilds/9/commands)"
    text = startup_failure(KeyError("id"), doing=doing, host="discord.com")
    assert text == f"unexpected response from Discord {doing}: the 'id' key is missing"


def test_startup_failure_names_the_host_it_cannot_reach() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed")
    text = startup_failure(refused, doing="while logging in", host="127.0.0.1:9")
    assert text.startswith("cannot reach Discord at 127.0.0.1:9: check the network or DISCORD_API_BASE")
    assert "Connect call failed" in text


def test_startup_failure_says_what_else_stopped_the_bot() -> None:
    text = startup_failure(discord.GatewayNotFound(), doing="while connecting to the gateway", host="x")
    assert text.startswith("the bot stopped while connecting to the gateway: GatewayNotFound")


def test_a_cooldown_notice_goes_out_once_per_rate_limit_window() -> None:
    now = [100.0]
    notices = CooldownNotices(clock=lambda: now[0])
    assert notices.first(1, 4.0)
    now[0] = 103.9
    assert not notices.first(1, 0.1)  # still the same window
    assert notices.first(2, 4.0)  # another user
    now[0] = 104.0
    assert notices.first(1, 9.0)  # the window is over: a new one, a new notice


async def test_where_permissions_are_unknown_a_flood_gets_answers_one_notice_then_reactions(
    harness: dict[str, Any],
) -> None:
    # The guild is not cached here, so only Discord knows what the bot may do: it answers and reacts.
    for number in range(8):
        await mention(harness, f"is chad a party? ({number})")
    sent = harness["sent"]
    replies = [s for s in sent if s.method == "POST" and s.path == "/channels/{channel_id}/messages"]
    reactions = [s for s in sent if s.method == "PUT" and s.path.endswith("/reactions/{emoji}/@me")]
    assert (len(replies), len(reactions)) == (6, 2), [f"{s.method} {s.path}" for s in sent]
    assert "try again in" in replies[-1].body["embeds"][0]["description"]
    assert not any("try again in" in str(s.body) for s in replies[:5])
