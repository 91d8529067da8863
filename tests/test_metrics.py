"""The bot's Prometheus metrics: questions, latency, reloads, reconnects, rate limits, the facts' age."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import cast

import aiohttp
import pytest
from aiohttp import web
from prometheus_client import REGISTRY

from bot.frontends.discord.app import TreatyBot, WatchedFactStore
from bot.frontends.observe import Answered
from bot.frontends.replies import CommandReplies
from bot.metrics import LATENCY_BUCKETS, Metrics
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


async def test_discords_429_responses_are_counted() -> None:
    async def handler(request: web.Request) -> web.Response:
        return web.json_response({"retry_after": 0.1}, status=429 if "limited" in request.path else 200)

    app = web.Application()
    app.router.add_get("/{tail:.*}", handler)
    runner = web.AppRunner(app, handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    metrics = Metrics()
    try:
        async with aiohttp.ClientSession(trace_configs=[metrics.http_trace()]) as session:
            for path in ("/ok", "/limited", "/limited", "/ok"):
                async with session.get(f"http://127.0.0.1:{port}{path}") as response:
                    await response.read()
    finally:
        await runner.cleanup()
    assert sample(metrics, "treatybot_rate_limit_hits_total", source="discord") == 2


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
