"""Settings from the environment, and starting the bot without a token."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.cli import run_cli

from bot.settings import SettingsError, load_settings


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "secret-token-value")
    monkeypatch.setenv("ADMIN_ROLE_IDS", "100000000000000001, 100000000000000002")
    monkeypatch.setenv("ADMIN_USER_IDS", "100000000000000003")
    monkeypatch.setenv("DEV_GUILD_ID", "100000000000000044")
    monkeypatch.setenv("SHARD_COUNT", "2")
    monkeypatch.setenv("SYNC_ON_START", "On")
    settings = load_settings(env_file=tmp_path / "missing.env")
    assert settings.admin_role_ids == {100000000000000001, 100000000000000002}
    assert settings.admin_user_ids == {100000000000000003} and settings.sync_on_start
    assert settings.dev_guild_id == 100000000000000044 and settings.sharded and settings.shard_count == 2
    assert "secret-token-value" not in repr(settings)


def test_bad_setting_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ADMIN_ROLE_IDS", "moderators")
    with pytest.raises(SettingsError, match="ADMIN_ROLE_IDS: a Discord id is 17 to 20 digits"):
        load_settings(env_file=tmp_path / "missing.env")


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("ADMIN_USER_IDS", "\u00b2", "a Discord id is 17 to 20 digits (0-9), not '²'"),
        ("ADMIN_USER_IDS", "\u0661\u0662\u0663", "a Discord id is 17 to 20 digits (0-9)"),
        ("ADMIN_USER_IDS", "123", "a Discord id is 17 to 20 digits (0-9), not '123'"),
        ("SYNC_ON_START", "ture", "true/false, 1/0, yes/no or on/off, not 'ture'"),
        ("SHARD_COUNT", "0", "a whole number of at least 1, not '0'"),
        (
            "DISCORD_API_BASE",
            "http://discord.example.com/api/v10",
            "plain http is allowed only on this machine",
        ),
    ],
)
def test_each_bad_setting_names_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, why: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings(env_file=tmp_path / "missing.env")
    assert [n for n, _ in caught.value.problems] == [name]
    assert why in caught.value.problems[0][1]


def test_shard_ids_must_lie_within_the_shard_count(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SHARD_COUNT", "2")
    monkeypatch.setenv("SHARD_IDS", "0,2")
    with pytest.raises(SettingsError, match="SHARD_IDS: shard 2 is not below SHARD_COUNT"):
        load_settings(env_file=tmp_path / "missing.env")


def test_the_everyone_role_is_refused_as_an_admin_role(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DEV_GUILD_ID", "900000000000000002")
    monkeypatch.setenv("ADMIN_ROLE_IDS", "900000000000000002")
    with pytest.raises(
        SettingsError, match="ADMIN_ROLE_IDS: holds the guild id, which is the @everyone role"
    ):
        load_settings(env_file=tmp_path / "missing.env")


def test_loopback_http_is_allowed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DISCORD_API_BASE", "http://127.0.0.1:8080/api/v10")
    assert load_settings(env_file=tmp_path / "missing.env").api_base == "http://127.0.0.1:8080/api/v10"


def test_all_bad_settings_are_reported_at_once_before_any_connection(tmp_path: Path) -> None:
    env = {"SYNC_ON_START": "ture", "ADMIN_USER_IDS": "123", "DISCORD_TOKEN": "x" * 60}
    result = run_cli("run", db=tmp_path / "db.sqlite3", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "error: ADMIN_USER_IDS: a Discord id is 17 to 20 digits (0-9), not '123'",
        "error: SYNC_ON_START: true/false, 1/0, yes/no or on/off, not 'ture'",
    ]


def test_settings_a_command_does_not_use_do_not_stop_it(tmp_path: Path) -> None:
    result = run_cli("check", db=tmp_path / "db.sqlite3", cwd=tmp_path, env={"SYNC_ON_START": "ture"})
    assert result.returncode == 0, result.stderr


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
    assert (
        "> /status Poland 2025-09-15\nPoland: status on 15 September 2025" in out
        and "will take effect on 20 February 2026" in out
    )
    assert "shall not be subject to reservations" in out
    assert "Estonia" in out and "Unknown command /nonsense" in out
    assert "Sources:\n[1] Status of treaties" in out
