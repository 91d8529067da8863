"""The bot's Prometheus metrics: questions, latency, reloads, reconnects, rate limits, the facts' age."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import math
from pathlib import Path
from typing import cast

import aiohttp
import discord
import pytest
from aiohttp import web
from prometheus_client import REGISTRY

from bot.frontends.discord.app import TreatyBot, WatchedFactStore
from bot.frontends.observe import Answered
from bot.frontends.replies import CommandReplies
from bot.metrics import LATENCY_BUCKETS, RATE_LIMIT_WARNINGS, Metrics, RateLimitLog
from bot.service import FactStore
from bot.settings import Settings


def sample(metrics: Metrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


def test_questions_and_latency_by_front_end_and_outcome() -> None:
    metrics = Metrics()
    metrics.observe(Answered("slash", "ask", "answered", 12.0))
    metrics.observe(Answered("slash", "status", "answered", 30.0))
    metrics.observe(Answered("mention", "mention", "declined", 3000.0))
    assert sample(metrics, "treatybot_questions_total", frontend="slash", outcome="answered") == 2
    assert sample(metrics, "treatybot_questions_total", frontend="mention", outcome="declined") == 1
    assert sample(metrics, "treatybot_answer_latency_seconds_count", frontend="slash") == 2
    assert sample(metrics, "treatybot_answer_latency_seconds_sum", frontend="slash") == pytest.approx(0.042)
    assert sample(metrics, "treatybot_answer_latency_seconds_bucket", frontend="slash", le="0.025") == 1
    assert sample(metrics, "treatybot_answer_latency_seconds_bucket", frontend="mention", le="2.5") == 0
    assert sample(metrics, "treatybot_answer_latency_seconds_bucket", frontend="mention", le="5.0") == 1
    assert (LATENCY_BUCKETS[0], LATENCY_BUCKETS[-1]) == (0.005, 5.0)


def test_known_series_start_at_zero() -> None:
    metrics = Metrics()
    assert sample(metrics, "treatybot_questions_total", frontend="context_menu", outcome="suggested") == 0
    assert sample(metrics, "treatybot_reloads_total", outcome="failed") == 0
    assert sample(metrics, "treatybot_rate_limit_hits_total", source="discord") == 0
    assert sample(metrics, "treatybot_gateway_reconnects_total") == 0


def test_each_bot_has_its_own_registry() -> None:
    first, second = Metrics(), Metrics()
    first.observe(Answered("slash", "ask", "answered", 1.0))
    first.reconnected()
    assert sample(second, "treatybot_questions_total", frontend="slash", outcome="answered") == 0
    assert sample(second, "treatybot_gateway_reconnects_total") == 0
    assert REGISTRY.get_sample_value("treatybot_gateway_reconnects_total") is None


def test_facts_age_is_computed_at_scrape_time() -> None:
    today = [dt.date(2026, 2, 20)]
    metrics = Metrics(reviewed=lambda: dt.date(2026, 2, 1), today=lambda: today[0])
    assert sample(metrics, "treatybot_facts_age_days") == 19
    today[0] = dt.date(2026, 3, 1)
    assert sample(metrics, "treatybot_facts_age_days") == 28
    assert math.isnan(cast(float, sample(Metrics(), "treatybot_facts_age_days")))


def test_rendered_as_prometheus_text_or_openmetrics() -> None:
    metrics = Metrics(reviewed=lambda: dt.date(2026, 2, 1), today=lambda: dt.date(2026, 2, 2))
    metrics.reloaded(True)
    metrics.reloaded(False)
    metrics.cooldown_hit()
    text, content_type = metrics.render()
    assert content_type.startswith("text/plain; version=0.0.4")
    for line in (
        'treatybot_reloads_total{outcome="ok"} 1.0',
        'treatybot_reloads_total{outcome="failed"} 1.0',
        'treatybot_rate_limit_hits_total{source="cooldown"} 1.0',
        "treatybot_facts_age_days 1.0",
    ):
        assert line in text.decode().splitlines()
    body, content_type = metrics.render("application/openmetrics-text; version=1.0.0")
    assert content_type.startswith("application/openmetrics-text") and body.endswith(b"# EOF\n")


async def limited_server(limited: int) -> tuple[web.AppRunner, int]:
    """A server whose first ``limited`` requests get Discord's 429 (with the Via header of Discord's edge,
    so that discord.py waits and retries); every other request gets ``{}``."""
    left = [limited]

    def reply(body: dict[str, object], status: int = 200) -> web.Response:
        headers = {"Content-Type": "application/json", "Via": "1.1 google"}
        return web.Response(body=json.dumps(body).encode(), status=status, headers=headers)

    async def handler(request: web.Request) -> web.Response:
        if left[0] > 0:
            left[0] -= 1
            return reply({"message": "You are being rate limited.", "retry_after": 0.01}, 429)
        return reply({})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]


@pytest.mark.parametrize("log_level", [logging.INFO, logging.ERROR])
async def test_discords_429_responses_are_counted_and_the_log_is_unchanged(
    log_level: int, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    runner, port = await limited_server(3)
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    loggers = [logging.getLogger(name) for name in RATE_LIMIT_WARNINGS]
    levels = [logger.level for logger in loggers]
    caplog.set_level(logging.DEBUG)
    for logger in loggers:
        logger.setLevel(log_level)  # as LOG_LEVEL sets them
    metrics = Metrics()
    stop = metrics.watch_discord_rate_limits()
    try:
        http = discord.http.HTTPClient(asyncio.get_running_loop())
        await http.static_login("token")  # REST (GET /users/@me): two 429s, then 200
        await http.close()
        async with aiohttp.ClientSession() as session:
            await discord.webhook.async_.AsyncWebhookAdapter().create_interaction_response(
                1, "token", session=session, params=discord.http.handle_message_parameters(content="hi")
            )  # an interaction's response: one 429, then 200
    finally:
        stop()
        await runner.cleanup()
        levels_after = [logger.level for logger in loggers]
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
    assert sample(metrics, "treatybot_rate_limit_hits_total", source="discord") == 3
    warned = [r for r in caplog.records if "rate limited" in r.getMessage()]
    assert len(warned) == (3 if log_level <= logging.WARNING else 0)
    assert levels_after == [log_level] * len(loggers)  # each logger's level given back


async def test_counting_stops_when_the_bot_stops_watching() -> None:
    metrics = Metrics()
    stop = metrics.watch_discord_rate_limits()
    http_log = logging.getLogger("discord.http")
    http_log.warning(
        "We are being rate limited. %s %s responded with 429. Retrying in %.2f seconds.", "GET", "/x", 1
    )
    http_log.warning("Global rate limit has been hit. Retrying in %.2f seconds.", 1.0)  # the same 429
    stop()
    http_log.warning(
        "We are being rate limited. %s %s responded with 429. Retrying in %.2f seconds.", "GET", "/x", 1
    )
    assert sample(metrics, "treatybot_rate_limit_hits_total", source="discord") == 1
    assert not [f for f in http_log.filters if isinstance(f, RateLimitLog)]


def test_the_bots_own_cooldown_is_counted() -> None:
    bot = TreatyBot(Settings(), cast(CommandReplies, None))
    assert [bot.limiter.hit(42) > 0 for _ in range(7)] == [False] * 5 + [True] * 2
    assert bot.limiter.hit(43) == 0  # another user is not limited
    assert sample(bot.metrics, "treatybot_rate_limit_hits_total", source="cooldown") == 2


async def test_reloads_are_counted_by_outcome_and_loaded_at_follows_the_swaps(
    knowledge_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = WatchedFactStore(knowledge_dir=knowledge_copy, database=tmp_path / "facts.sqlite3")
    other = WatchedFactStore(knowledge_dir=knowledge_copy, database=tmp_path / "facts.sqlite3")
    bot = TreatyBot(Settings(), CommandReplies(store))
    metrics, started = bot.metrics, store.loaded_at
    assert started.tzinfo is dt.UTC
    facts = knowledge_copy / "facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("in equal shares", "in halves"), "utf-8")
    assert (await store.reload()).ok
    assert sample(metrics, "treatybot_reloads_total", outcome="ok") == 1
    assert store.loaded_at > started
    # Another process sharing the database follows the reload: its facts were swapped in then.
    followed = other.loaded_at
    assert await other.follow_stamp()
    assert other.loaded_at > followed and other.kb.content_hash == store.kb.content_hash
    swapped = store.loaded_at
    states = knowledge_copy / "states.csv"
    states.write_text(states.read_text(encoding="utf-8").replace("FRA,France,", "DEU,France,"), "utf-8")
    assert not (await store.reload()).ok
    assert sample(metrics, "treatybot_reloads_total", outcome="failed") == 1
    assert store.loaded_at == swapped  # the facts in service did not change

    async def broken(self: FactStore, **_: str) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(FactStore, "reload", broken)
    with pytest.raises(RuntimeError):
        await store.reload()
    assert sample(metrics, "treatybot_reloads_total", outcome="failed") == 2
    assert (
        sample(metrics, "treatybot_facts_age_days")
        == (dt.datetime.now(dt.UTC).date() - store.kb.reviewed).days
    )


def test_two_bots_stopping_in_any_order_leave_the_loggers_as_they_were() -> None:
    parent, child = logging.getLogger("discord.webhook"), logging.getLogger("discord.webhook.async_")
    levels = (parent.level, child.level, logging.getLogger("discord.http").level)
    parent.setLevel(logging.ERROR)  # as LOG_LEVEL=ERROR leaves it; the child inherits it
    try:
        first, second = Metrics(), Metrics()
        stop_first, stop_second = first.watch_discord_rate_limits(), second.watch_discord_rate_limits()
        child.warning("Webhook ID %s is rate limited. Retrying in %.2f seconds.", 1, 0.5)
        stop_first()  # the first to start stops first
        child.warning("Webhook ID %s is rate limited. Retrying in %.2f seconds.", 1, 0.5)
        stop_second()
        assert sample(first, "treatybot_rate_limit_hits_total", source="discord") == 1
        assert sample(second, "treatybot_rate_limit_hits_total", source="discord") == 2
        assert child.level == levels[1] and child.getEffectiveLevel() == logging.ERROR
        assert not [f for f in child.filters if isinstance(f, RateLimitLog)]
    finally:
        parent.setLevel(levels[0])


async def test_a_429_that_discord_py_does_not_wait_out_is_counted_where_the_error_is_reported() -> None:
    """A 429 without Discord's Via header (an edge ban) is raised, not waited out, and logs no warning."""
    from types import SimpleNamespace
    from unittest.mock import AsyncMock

    bot = TreatyBot(Settings(), cast(CommandReplies, None))
    response = SimpleNamespace(status=429, reason="Too Many Requests")
    banned = discord.HTTPException(cast(aiohttp.ClientResponse, response), "You are being rate limited.")
    sent = AsyncMock()
    interaction = SimpleNamespace(
        response=SimpleNamespace(is_done=lambda: False, send_message=sent), command=None, id=1
    )
    command = cast(discord.app_commands.Command, SimpleNamespace(name="ask"))
    error = discord.app_commands.CommandInvokeError(command, banned)
    await bot.tree.on_error(cast(discord.Interaction, interaction), error)
    assert sample(bot.metrics, "treatybot_rate_limit_hits_total", source="discord") == 1
    assert sent.await_count == 1  # the user is still told
