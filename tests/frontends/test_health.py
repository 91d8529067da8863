"""/healthz and /metrics: the JSON for each state of the gateway and the facts, over HTTP too."""

from __future__ import annotations

import datetime as dt
import math
import socket
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import aiohttp
import pytest

from bot.frontends.discord.app import TreatyBot, _serve
from bot.frontends.discord.health import (
    GRACE_ENV,
    RECONNECT_GRACE,
    GatewayWatch,
    HealthServer,
    health_report,
    reconnect_grace,
)
from bot.frontends.replies import CommandReplies
from bot.metrics import Metrics
from bot.settings import Settings

LOADED_AT = dt.datetime(2026, 2, 20, 9, 30, tzinfo=dt.UTC)
FACTS = {"hash": "c0ffee" * 10, "reviewed": "2026-02-01", "loaded_at": "2026-02-20T09:30:00+00:00"}
NO_FACTS = {"hash": None, "reviewed": None, "loaded_at": None}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeBot:
    """What /healthz reads from the bot: readiness, closed, latency, the shards, the fact store."""

    ready: bool = True
    closed: bool = False
    latency: float = 0.0421
    draining: bool = False
    replies: Any = field(
        default_factory=lambda: SimpleNamespace(
            store=SimpleNamespace(
                kb=SimpleNamespace(content_hash=FACTS["hash"], reviewed=dt.date(2026, 2, 1)),
                loaded_at=LOADED_AT,
            )
        )
    )

    def is_ready(self) -> bool:
        return self.ready

    def is_closed(self) -> bool:
        return self.closed


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def watch(clock: Clock) -> GatewayWatch:
    return GatewayWatch(clock=clock)


def test_connected_with_facts_is_ok(watch: GatewayWatch) -> None:
    watch.connected(0)
    assert health_report(FakeBot(), watch) == (
        200,
        {
            "status": "ok",
            "gateway": "connected",
            "latency_ms": 42.1,
            "shards": [{"id": 0, "latency_ms": 42.1, "connected": True}],
            "facts": FACTS,
        },
    )


def test_never_ready_is_starting(watch: GatewayWatch) -> None:
    status, body = health_report(FakeBot(ready=False, latency=math.nan), watch)
    assert status == 503
    assert body == {
        "status": "unavailable",
        "gateway": "starting",
        "latency_ms": None,
        "shards": [{"id": 0, "latency_ms": None, "connected": False}],
        "facts": FACTS,
        "reason": "starting",
    }


@pytest.mark.parametrize(
    "replies",
    [
        None,
        SimpleNamespace(store=None),
        SimpleNamespace(store=SimpleNamespace(kb=SimpleNamespace(content_hash="", reviewed=None))),
    ],
)
def test_facts_not_loaded(watch: GatewayWatch, replies: Any) -> None:
    watch.connected(0)
    status, body = health_report(FakeBot(replies=replies), watch)
    assert (status, body["status"], body["reason"]) == (503, "unavailable", "facts not loaded")
    assert body["gateway"] == "connected" and body["facts"] == NO_FACTS


def test_a_drop_is_healthy_for_the_grace_period_then_unavailable(watch: GatewayWatch, clock: Clock) -> None:
    bot = FakeBot()
    watch.connected(0)
    watch.disconnected(0)
    clock.now += RECONNECT_GRACE - 1
    status, body = health_report(bot, watch)
    assert (status, body["status"], body["gateway"]) == (200, "ok", "reconnecting")
    assert body["shards"][0]["connected"] is False and "reason" not in body
    clock.now += 2
    status, body = health_report(bot, watch)
    assert (status, body["gateway"], body["reason"]) == (503, "reconnecting", "reconnecting")
    assert watch.connected(0) == pytest.approx(RECONNECT_GRACE + 1)  # resumed: how long it was down
    assert health_report(bot, watch)[0] == 200


def test_the_grace_period_is_configurable(watch: GatewayWatch, clock: Clock) -> None:
    watch.connected(0)
    watch.disconnected(0)
    clock.now += 3
    assert health_report(FakeBot(), watch, grace=2.0)[0] == 503
    assert health_report(FakeBot(), watch, grace=5.0)[0] == 200


def test_sharded_bot_needs_every_shard(watch: GatewayWatch, clock: Clock) -> None:
    shards = {0: SimpleNamespace(latency=0.01), 1: SimpleNamespace(latency=math.inf)}
    bot = FakeBot()
    bot.shards = shards  # type: ignore[attr-defined]
    watch.connected(0)
    watch.connected(1)
    assert health_report(bot, watch)[0] == 200
    watch.disconnected(1)
    clock.now += RECONNECT_GRACE + 1
    status, body = health_report(bot, watch)
    assert (status, body["reason"]) == (503, "reconnecting")
    assert body["shards"] == [
        {"id": 0, "latency_ms": 10.0, "connected": True},
        {"id": 1, "latency_ms": None, "connected": False},
    ]


def test_shutting_down_and_closed_are_unavailable(watch: GatewayWatch) -> None:
    watch.connected(0)
    assert health_report(FakeBot(draining=True), watch)[1]["reason"] == "shutting down"
    status, body = health_report(FakeBot(closed=True), watch)
    assert (status, body["gateway"], body["reason"]) == (503, "closed", "closed")


def test_a_drop_before_the_first_connection_is_still_starting(watch: GatewayWatch) -> None:
    assert watch.disconnected(0) is False
    assert watch.longest_down() is None
    assert watch.connected(0) is None  # the first connection is no reconnection


@pytest.mark.parametrize(("value", "expected"), [("", 30.0), ("0.5", 0.5), ("-1", 30.0), ("x", 30.0)])
def test_reconnect_grace_knob(monkeypatch: pytest.MonkeyPatch, value: str, expected: float) -> None:
    monkeypatch.setenv(GRACE_ENV, value)
    assert reconnect_grace() == expected


async def test_served_over_http(watch: GatewayWatch) -> None:
    watch.connected(0)
    bot = FakeBot()
    metrics = Metrics()
    server = HealthServer(bot, watch, metrics, host="127.0.0.1", port=0)
    await server.start()
    try:
        base = f"http://127.0.0.1:{server.port}"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 200
                assert response.content_type == "application/json"
                assert (await response.json())["facts"] == FACTS
            bot.ready = False
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 503 and (await response.json())["reason"] == "starting"
            async with session.get(f"{base}/metrics") as response:
                assert response.status == 200
                assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
                assert "treatybot_questions_total" in await response.text()
    finally:
        await server.stop()
    await server.stop()  # twice is harmless


async def test_the_bot_tracks_its_gateway_and_counts_reconnects() -> None:
    bot = TreatyBot(Settings(), cast(CommandReplies, None))
    await bot.on_disconnect()  # before the first connection: nothing to note
    assert bot.gateway_watch.longest_down() is None
    await bot.on_connect()
    await bot.on_disconnect()
    assert not bot.gateway_watch.is_connected(0)
    await bot.on_resumed()
    assert bot.gateway_watch.is_connected(0)
    assert bot.metrics.reconnects._value.get() == 1


async def test_a_taken_port_stops_the_bot_with_a_clear_message(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = Settings(token="t", health_port=port)
        bot = TreatyBot(settings, cast(CommandReplies, None))
        assert await _serve(bot, "t") == 1
    assert f"cannot serve the health check on 127.0.0.1:{port}" in caplog.text
