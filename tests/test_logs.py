"""Logging: text by default, JSON lines with LOG_FORMAT=json, the wire-logger rule in both, no token."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from bot.frontends.observe import Answered
from bot.logs import MASK, WIRE_LOGGERS, log_answer, setup_logging

TOKEN = "MTIz.secret-token-for-the-logs.XyZ"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put the root and the discord loggers back as they were."""
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in (*WIRE_LOGGERS, "discord"))]
    saved = [(logger, logger.level, list(logger.handlers)) for logger in loggers]
    yield
    for logger, level, handlers in saved:
        logger.setLevel(level)
        logger.handlers[:] = handlers
    logging.captureWarnings(False)


def json_lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_the_keys_and_the_fields_present(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, fmt="json", stream=stream)
    log = logging.getLogger("bot.test")
    log.info("plain %s", "message")
    log.warning("gateway disconnected", extra={"shard": 3, "guild_id": 123456789012345678})
    log.info("answered", extra={"command": "ask", "outcome": "declined", "latency_ms": 4.2})
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    log.debug("not at INFO")
    plain, shard, answered, failed = json_lines(stream)
    assert plain.keys() == {"time", "level", "logger", "message"}
    assert (plain["level"], plain["logger"], plain["message"]) == ("INFO", "bot.test", "plain message")
    assert plain["time"].endswith("Z")
    assert dt.datetime.fromisoformat(plain["time"]).utcoffset() == dt.timedelta(0)
    assert (shard["shard"], shard["guild_id"], shard["level"]) == (3, 123456789012345678, "WARNING")
    assert (answered["command"], answered["outcome"], answered["latency_ms"]) == ("ask", "declined", 4.2)
    assert "shard" not in answered
    assert failed["level"] == "ERROR" and "ValueError: boom" in failed["exception"]
    assert "\n" in failed["exception"]  # the traceback, on the one line JSON allows


def test_the_token_is_masked(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, fmt="json", secrets=(TOKEN, ""), stream=stream)
    log = logging.getLogger("bot.test")
    log.info("connecting with %s", TOKEN)
    try:
        raise RuntimeError(f"Authorization: Bot {TOKEN}")
    except RuntimeError:
        log.exception("failed")
    assert TOKEN not in stream.getvalue()
    first, second = json_lines(stream)
    assert first["message"] == f"connecting with {MASK}" and MASK in second["exception"]


def test_an_answer_is_logged_with_its_fields_and_without_the_question(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, fmt="json", stream=stream)
    log_answer(Answered("mention", "mention", "suggested", 12.345, "is Zebra-Marker a party?", 0.4))
    [entry] = json_lines(stream)
    assert entry["logger"] == "bot.answers"
    assert {k: entry[k] for k in ("frontend", "command", "outcome", "latency_ms")} == {
        "frontend": "mention",
        "command": "mention",
        "outcome": "suggested",
        "latency_ms": 12.3,
    }
    assert "Zebra-Marker" not in stream.getvalue()


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_wire_loggers_stay_at_info_in_both_formats(restore_logging: None, fmt: str) -> None:
    stream = io.StringIO()
    setup_logging(logging.DEBUG, fmt=fmt, stream=stream)
    assert logging.getLogger("bot").isEnabledFor(logging.DEBUG)
    for name in ("discord.gateway", "discord.http", "discord.webhook.async_"):
        assert logging.getLogger(name).getEffectiveLevel() == logging.INFO, name
    logging.getLogger("discord.http").debug("POST /interactions/1/secret-token/callback")
    assert "secret-token" not in stream.getvalue()
    setup_logging(logging.DEBUG, fmt=fmt, wire_debug=True, stream=stream)
    assert logging.getLogger("discord.gateway").isEnabledFor(logging.DEBUG)


def test_text_stays_human_readable(restore_logging: None) -> None:
    stream = io.StringIO()
    setup_logging(logging.INFO, stream=stream)
    logging.getLogger("bot.test").info("ready as treatybot", extra={"shard": 0})
    line = stream.getvalue().strip()
    assert "INFO" in line and "bot.test" in line and line.endswith("ready as treatybot")
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)
