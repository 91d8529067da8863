"""The health check and the metrics over HTTP (aiohttp), served only when HEALTH_PORT is set.

``GET /healthz`` answers 200 with ``{"status": "ok", "gateway": ..., "latency_ms": ..., "shards": [...],
"facts": {...}}`` while the gateway is connected (every shard, for the sharded bot) and the facts are
loaded; otherwise 503 with ``"status": "unavailable"`` and a ``"reason"``: ``starting`` (never ready
yet), ``reconnecting`` (the gateway has been down for longer than the grace period, 30 s; a shorter
drop still answers 200, with ``"gateway": "reconnecting"``), ``facts not loaded``, ``shutting down``
(answers in progress are finishing) or ``closed``. ``GET /metrics`` is Prometheus' text format.

Testing knob: the environment variable ``OTB_HEALTH_RECONNECT_GRACE`` (seconds) shortens the grace
period, so that a test need not wait 30 s; it is read only here and is not a setting for operators.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from aiohttp import web

from bot.metrics import Metrics

log = logging.getLogger("bot.health")
RECONNECT_GRACE = 30.0
"""Seconds the gateway may be down before /healthz answers 503."""
GRACE_ENV = "OTB_HEALTH_RECONNECT_GRACE"
"""Overrides :data:`RECONNECT_GRACE`, for tests only."""


def reconnect_grace() -> float:
    """The grace period: :data:`RECONNECT_GRACE`, or the testing override when it is a positive number."""
    try:
        value = float(os.environ.get(GRACE_ENV, ""))
    except ValueError:
        return RECONNECT_GRACE
    return value if math.isfinite(value) and value > 0 else RECONNECT_GRACE


class GatewayWatch:
    """Which shards (0 for the unsharded bot) have connected, and since when those that dropped are down."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.up: set[int] = set()
        self.down_since: dict[int, float] = {}

    def connected(self, shard: int = 0) -> float | None:
        """Record a new session (READY) or a resumed one; return how long the shard was down, if it was."""
        self.up.add(shard)
        since = self.down_since.pop(shard, None)
        return None if since is None else self.clock() - since

    def disconnected(self, shard: int = 0) -> bool:
        """Record a drop of a shard that had connected; True if it was up until now."""
        if shard not in self.up or shard in self.down_since:
            return False
        self.down_since[shard] = self.clock()
        return True

    def is_connected(self, shard: int = 0) -> bool:
        return shard in self.up and shard not in self.down_since

    def longest_down(self) -> float | None:
        """Seconds since the earliest drop among the shards that are down; None when none is."""
        if not self.down_since:
            return None
        return self.clock() - min(self.down_since.values())


class Gateway(Protocol):
    """What the report reads from the bot (a discord.py client)."""

    def is_ready(self) -> bool: ...

    def is_closed(self) -> bool: ...

    @property
    def latency(self) -> float: ...


def milliseconds(seconds: float | None) -> float | None:
    """Seconds as milliseconds to 0.1 ms; None for no measure (discord.py says nan or inf)."""
    if seconds is None or not math.isfinite(seconds):
        return None
    return round(seconds * 1000, 1)


def gateway_state(bot: Gateway, watch: GatewayWatch, grace: float) -> tuple[str, str | None]:
    """The gateway's state for /healthz, and why the bot is unavailable because of it (None if it is not)."""
    if bot.is_closed():
        return "closed", "closed"
    if not bot.is_ready():
        return "starting", "starting"
    down = watch.longest_down()
    if down is None:
        return "connected", None
    return "reconnecting", ("reconnecting" if down > grace else None)


def shard_states(bot: Gateway, watch: GatewayWatch) -> list[dict[str, Any]]:
    """Each shard's id, heartbeat latency and whether it is connected."""
    infos = getattr(bot, "shards", None)
    if not isinstance(infos, Mapping):  # the unsharded bot: one connection, shard 0
        return [{"id": 0, "latency_ms": milliseconds(bot.latency), "connected": watch.is_connected(0)}]
    ids = sorted(set(infos) | watch.up)
    return [
        {
            "id": shard,
            "latency_ms": milliseconds(infos[shard].latency) if shard in infos else None,
            "connected": watch.is_connected(shard),
        }
        for shard in ids
    ]


def facts_state(bot: object) -> dict[str, str | None]:
    """The content hash and review date of the facts in service, and when they were swapped in."""
    store = getattr(getattr(bot, "replies", None), "store", None)
    kb = getattr(store, "kb", None)
    content_hash = getattr(kb, "content_hash", "") or None
    if kb is None or content_hash is None:
        return {"hash": None, "reviewed": None, "loaded_at": None}
    reviewed = getattr(kb, "reviewed", None)
    loaded_at = getattr(store, "loaded_at", None)
    return {
        "hash": content_hash,
        "reviewed": reviewed.isoformat() if isinstance(reviewed, dt.date) else None,
        "loaded_at": loaded_at.isoformat() if isinstance(loaded_at, dt.datetime) else None,
    }


def health_report(
    bot: Gateway, watch: GatewayWatch, *, grace: float = RECONNECT_GRACE
) -> tuple[int, dict[str, Any]]:
    """The HTTP status (200 or 503) and the JSON body of /healthz."""
    gateway, reason = gateway_state(bot, watch, grace)
    facts = facts_state(bot)
    if reason is None and getattr(bot, "draining", False):
        reason = "shutting down"
    if reason is None and facts["hash"] is None:
        reason = "facts not loaded"
    body: dict[str, Any] = {
        "status": "ok" if reason is None else "unavailable",
        "gateway": gateway,
        "latency_ms": milliseconds(bot.latency),
        "shards": shard_states(bot, watch),
        "facts": facts,
    }
    if reason is None:
        return 200, body
    body["reason"] = reason
    return 503, body


class HealthServer:
    """``/healthz`` and ``/metrics`` on ``host``:``port`` (0 picks a free port; see :attr:`port`)."""

    def __init__(
        self,
        bot: Gateway,
        watch: GatewayWatch,
        metrics: Metrics,
        *,
        host: str,
        port: int,
        grace: float | None = None,
    ) -> None:
        self.bot = bot
        self.watch = watch
        self.metrics = metrics
        self.host = host
        self.port = port
        self.grace = reconnect_grace() if grace is None else grace
        self.app = web.Application()
        self.app.router.add_get("/healthz", self.healthz)
        self.app.router.add_get("/metrics", self.render_metrics)
        self.runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen; ``OSError`` when the address cannot be used (e.g. the port is taken)."""
        runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self.runner = runner
        server = site._server
        sockets = getattr(server, "sockets", None) or ()
        if sockets:
            self.port = sockets[0].getsockname()[1]
        log.info("health check on http://%s:%d/healthz, metrics on /metrics", self.host, self.port)

    async def stop(self) -> None:
        """Stop listening; nothing if not started or already stopped."""
        runner, self.runner = self.runner, None
        if runner is not None:
            await runner.cleanup()

    async def healthz(self, request: web.Request) -> web.Response:
        status, body = health_report(self.bot, self.watch, grace=self.grace)
        return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

    async def render_metrics(self, request: web.Request) -> web.Response:
        body, content_type = self.metrics.render(request.headers.get("Accept", ""))
        return web.Response(body=body, headers={"Content-Type": content_type, "Cache-Control": "no-store"})
