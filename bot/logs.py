"""Logging set-up: human-readable text (the default) or one JSON object per line, and the wire-logger rule.

A JSON line holds ``time`` (ISO 8601, UTC), ``level``, ``logger`` and ``message``, then whichever of the
structured fields (:data:`FIELDS`) the log call passed with ``extra=``, and ``exception`` with the
traceback when there is one. Secrets handed to :func:`setup_logging` (the token) are masked in every line.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from bot.frontends.observe import Answered

WIRE_LOGGERS = ("discord.gateway", "discord.http", "discord.webhook")
"""discord.py's loggers of raw traffic: at DEBUG they write interaction tokens and user text."""
FIELDS = ("frontend", "command", "outcome", "latency_ms", "guild_id", "shard")
"""The structured fields a JSON line carries when the log call passed them with ``extra=``."""
MASK = "[redacted]"
answers = logging.getLogger("bot.answers")


class JsonFormatter(logging.Formatter):
    """One JSON object per record, on one line; ``secrets`` never appear in it."""

    def __init__(self, *, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in (secret.strip() for secret in secrets) if s)

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object: time, level, logger, message, the fields present, the exception."""
        entry: dict[str, Any] = {
            "time": iso_time(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return self.mask(json.dumps(entry, ensure_ascii=False, default=str))

    def mask(self, text: str) -> str:
        """``text`` with every secret replaced by :data:`MASK`."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def iso_time(created: float) -> str:
    """A record's time as ISO 8601 in UTC with milliseconds, e.g. ``2026-02-20T09:30:00.123Z``."""
    moment = dt.datetime.fromtimestamp(created, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def configure_wire_logging(level: int, *, wire_debug: bool) -> None:
    """Keep discord.py's wire loggers at INFO or above, unless ``wire_debug`` lets them follow ``level``."""
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if wire_debug else max(level, logging.INFO))


def setup_logging(
    level: int,
    *,
    fmt: str = "text",
    wire_debug: bool = False,
    secrets: Iterable[str] = (),
    stream: IO[str] | None = None,
) -> logging.Handler:
    """Log to ``stream`` (stderr) at ``level``, as text or JSON lines; return the root logger's handler.

    Text is discord.py's own format (coloured on a terminal). JSON also routes Python's warnings through
    logging, so that every line on stderr is one JSON object."""
    handler = logging.StreamHandler(stream or sys.stderr)
    if fmt == "json":
        discord.utils.setup_logging(handler=handler, formatter=JsonFormatter(secrets=secrets), level=level)
        logging.captureWarnings(True)
    else:
        discord.utils.setup_logging(handler=handler, level=level)
    configure_wire_logging(level, wire_debug=wire_debug)
    return handler


def log_answer(event: Answered) -> None:
    """Log one answered question with its fields as structure (an observer for JSON logs); no question text."""
    answers.info(
        "answered frontend=%s command=%s outcome=%s latency_ms=%.1f",
        event.frontend,
        event.command,
        event.outcome,
        event.latency_ms,
        extra={
            "frontend": event.frontend,
            "command": event.command,
            "outcome": event.outcome,
            "latency_ms": round(event.latency_ms, 1),
        },
    )
