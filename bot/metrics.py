"""Prometheus metrics of one bot, in a registry of its own (several bots, or tests, in one process never clash).

- ``treatybot_questions_total{frontend, outcome}``: questions answered, by front end (slash, mention,
  context_menu, button) and outcome (answered, suggested, declined, command).
- ``treatybot_answer_latency_seconds{frontend}``: a histogram of the time from a question to its answer.
- ``treatybot_reloads_total{outcome}``: reloads of the facts, ``ok`` or ``failed``.
- ``treatybot_gateway_reconnects_total``: times the gateway came back (resumed or identified again) after
  a drop.
- ``treatybot_rate_limit_hits_total{source}``: ``cooldown`` when a user asks faster than the bot's own
  per-user limit allows, ``discord`` for each 429 response from Discord's API that discord.py waits out
  (counted from the warning it logs).
- ``treatybot_facts_age_days``: days since the facts in service were reviewed (UTC), at scrape time.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Callable
from typing import ClassVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

from bot.frontends.observe import ANSWERED, COMMAND, DECLINED, SUGGESTED, Answered

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
"""Answer latency buckets in seconds, 5 ms to 5 s."""
FRONTENDS = ("slash", "mention", "context_menu", "button")
"""The Discord front ends, whose series exist (at 0) from the start."""
OUTCOMES = (ANSWERED, SUGGESTED, DECLINED, COMMAND)
RELOAD_OUTCOMES = ("ok", "failed")
RATE_LIMIT_SOURCES = ("cooldown", "discord")


def utc_today() -> dt.date:
    """Today's date in UTC."""
    return dt.datetime.now(dt.UTC).date()


RATE_LIMIT_WARNINGS = {
    "discord.http": "responded with 429",  # "We are being rate limited. POST /… responded with 429. …"
    "discord.webhook.async_": "is rate limited",  # "Webhook ID … is rate limited. Retrying in … seconds."
}
"""discord.py's loggers, each with the words of the warning it logs when Discord answers 429."""


class RateLimitLog(logging.Filter):
    """The filter on one of discord.py's loggers that tells its subscribers of each rate-limit warning, one per
    logger and shared by every bot of the process (each counts the process's 429s). It changes nothing of
    what is logged: with the logger above WARNING, it lowers it to WARNING to see those, then drops them."""

    _watching: ClassVar[dict[str, RateLimitLog]] = {}

    def __init__(self, logger: logging.Logger, words: str) -> None:
        super().__init__()
        self.logger = logger
        self.words = words
        self.subscribers: list[Callable[[], None]] = []
        self.level = logger.level
        self.shown = logger.getEffectiveLevel()
        self.lowered = self.shown > logging.WARNING

    @classmethod
    def subscribe(cls, name: str, words: str, on_hit: Callable[[], None]) -> Callable[[], None]:
        """Call ``on_hit`` for each rate-limit warning of logger ``name``; return the function that stops it.
        The first subscriber installs the filter, the last to leave removes it and restores the level."""
        watch = cls._watching.get(name)
        if watch is None:
            watch = cls._watching[name] = cls(logging.getLogger(name), words)
            watch.logger.addFilter(watch)
            if watch.lowered:
                watch.logger.setLevel(logging.WARNING)
        watch.subscribers.append(on_hit)

        def unsubscribe() -> None:
            if on_hit in watch.subscribers:
                watch.subscribers.remove(on_hit)
            if not watch.subscribers and cls._watching.get(name) is watch:
                del cls._watching[name]
                watch.logger.removeFilter(watch)
                if watch.lowered and watch.logger.level == logging.WARNING:
                    watch.logger.setLevel(watch.level)

        return unsubscribe

    def filter(self, record: logging.LogRecord) -> bool:
        """Count a rate-limit warning; keep the record unless only this filter let it be made."""
        if record.levelno == logging.WARNING and self.words in str(record.msg):
            for on_hit in list(self.subscribers):
                on_hit()
        return not (self.lowered and record.levelno < self.shown)


class Metrics:
    """The bot's counters, histogram and gauge; ``reviewed`` gives the review date of the facts in service."""

    def __init__(
        self,
        *,
        reviewed: Callable[[], dt.date | None] = lambda: None,
        today: Callable[[], dt.date] = utc_today,
    ) -> None:
        self.reviewed = reviewed
        self.today = today
        self.registry = CollectorRegistry()
        self.questions = Counter(
            "treatybot_questions",
            "Questions answered, by front end and outcome.",
            ("frontend", "outcome"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "treatybot_answer_latency_seconds",
            "Time from a question to its answer, by front end.",
            ("frontend",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.reloads = Counter(
            "treatybot_reloads", "Reloads of the facts, by outcome.", ("outcome",), registry=self.registry
        )
        self.reconnects = Counter(
            "treatybot_gateway_reconnects",
            "Times the gateway connection came back after a drop.",
            registry=self.registry,
        )
        self.rate_limits = Counter(
            "treatybot_rate_limit_hits",
            "Requests refused for going too fast: the bot's own per-user cooldown, or Discord's 429.",
            ("source",),
            registry=self.registry,
        )
        self.facts_age = Gauge(
            "treatybot_facts_age_days",
            "Days since the facts in service were reviewed (UTC).",
            registry=self.registry,
        )
        self.facts_age.set_function(self._facts_age)
        self._zero_series()

    def _zero_series(self) -> None:
        """Create the known series at 0, so that rates and alerts see them before the first event."""
        for frontend in FRONTENDS:
            self.latency.labels(frontend)
            for outcome in OUTCOMES:
                self.questions.labels(frontend, outcome)
        for outcome in RELOAD_OUTCOMES:
            self.reloads.labels(outcome)
        for source in RATE_LIMIT_SOURCES:
            self.rate_limits.labels(source)

    def _facts_age(self) -> float:
        reviewed = self.reviewed()
        return float((self.today() - reviewed).days) if reviewed is not None else math.nan

    def observe(self, event: Answered) -> None:
        """Count one answered question and its latency (an observer of :class:`Observers`)."""
        self.questions.labels(event.frontend, event.outcome).inc()
        self.latency.labels(event.frontend).observe(max(0.0, event.latency_ms) / 1000)

    def reloaded(self, ok: bool) -> None:
        """Count one reload of the facts."""
        self.reloads.labels("ok" if ok else "failed").inc()

    def reconnected(self) -> None:
        """Count one reconnection of the gateway."""
        self.reconnects.inc()

    def cooldown_hit(self) -> None:
        """Count one question refused by the bot's own per-user limit."""
        self.rate_limits.labels("cooldown").inc()

    def discord_rate_limited(self) -> None:
        """Count one 429 response from Discord."""
        self.rate_limits.labels("discord").inc()

    def watch_discord_rate_limits(self) -> Callable[[], None]:
        """Count each 429 from Discord that discord.py waits out, from the warning it logs for it; return
        the function that stops counting. (An aiohttp trace would see every response, but it costs every
        request: about a twelfth of the bot's time under load.)"""
        stops = [
            RateLimitLog.subscribe(name, words, self.discord_rate_limited)
            for name, words in RATE_LIMIT_WARNINGS.items()
        ]

        def stop() -> None:
            for unsubscribe in stops:
                unsubscribe()

        return stop

    def render(self, accept: str = "") -> tuple[bytes, str]:
        """Every metric, and the content type: the format the ``accept`` header asks for (OpenMetrics or
        Prometheus' text format, the default)."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type
