"""The bot's own plumbing without a connection: wire logging."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.frontends.discord.app import WIRE_LOGGERS, configure_wire_logging
from bot.settings import SettingsError, load_settings


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
