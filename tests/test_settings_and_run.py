"""Settings from the environment, and starting the bot without a token."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import run_cli

from bot.settings import SettingsError, load_settings


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    monkeypatch.setenv("ADMIN_ROLE_IDS", "1, 2")
    monkeypatch.setenv("ADMIN_USER_IDS", "3")
    monkeypatch.setenv("DEV_GUILD_ID", "44")
    monkeypatch.setenv("SHARD_COUNT", "2")
    settings = load_settings(env_file=tmp_path / "missing.env")
    assert settings.admin_role_ids == {1, 2} and settings.admin_user_ids == {3}
    assert settings.dev_guild_id == 44 and settings.sharded and settings.shard_count == 2
    assert "secret-token-value" not in repr(settings)


def test_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ADMIN_ROLE_IDS", "moderators")
    with pytest.raises(SettingsError, match="ADMIN_ROLE_IDS must be a comma-separated list of numeric ids"):
        load_settings(env_file=tmp_path / "missing.env")


def test_run_without_a_token_points_to_the_console(tmp_path: Path) -> None:
    result = run_cli("run", db=tmp_path / "db.sqlite3", cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr
    assert "python -m bot console" in result.stderr


def test_console_answers_questions_and_commands(tmp_path: Path) -> None:
    lines = "has Finland left?\n/status Poland 2025-09-15\n/treaty 19\n/withdrawals\n/nonsense\n/quit\n"
    result = run_cli("console", "--as-of", "2026-11-27", db=tmp_path / "db.sqlite3", stdin=lines)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "10 January 2026" in out
    assert "**Poland: status on 15 September 2025**" in out and "will take effect on 20 February 2026" in out
    assert "shall not be subject to reservations" in out
    assert "Estonia" in out and "Unknown command /nonsense" in out
    assert "Sources:\n[1] Status of treaties" in out
