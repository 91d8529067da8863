"""Settings read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(Exception):
    """A setting has a value that cannot be used."""


def _ids(value: str, name: str) -> frozenset[int]:
    out = set()
    for part in value.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit():
            raise SettingsError(f"{name} must be a comma-separated list of numeric ids, got {part!r}")
        out.add(int(part))
    return frozenset(out)


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. ``token`` is never printed: its repr is masked."""

    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    database_path: Path = PROJECT_ROOT / "build" / "facts.sqlite3"
    token: str = field(default="", repr=False)
    admin_role_ids: frozenset[int] = frozenset()
    admin_user_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    sync_on_start: bool = False
    log_level: str = "INFO"
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    sharded: bool = False
    api_base: str | None = None
    gateway_url: str | None = None

    @property
    def has_token(self) -> bool:
        return bool(self.token.strip())


def load_settings(*, env_file: Path | None = None) -> Settings:
    """Read settings from the environment, after loading ``.env`` without overriding it."""
    load_dotenv(env_file or PROJECT_ROOT / ".env", override=False)
    env = os.environ
    guild = env.get("DEV_GUILD_ID", "").strip()
    if guild and not guild.isdigit():
        raise SettingsError(f"DEV_GUILD_ID must be a numeric id, got {guild!r}")
    shard_count = env.get("SHARD_COUNT", "").strip()
    if shard_count and not shard_count.isdigit():
        raise SettingsError(f"SHARD_COUNT must be a number, got {shard_count!r}")
    shard_ids = _ids(env.get("SHARD_IDS", ""), "SHARD_IDS")
    level = env.get("LOG_LEVEL", "INFO").strip().upper() or "INFO"
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise SettingsError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {level!r}")
    return Settings(
        knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge"),
        database_path=Path(env.get("DATABASE_PATH") or PROJECT_ROOT / "build" / "facts.sqlite3"),
        token=env.get("DISCORD_TOKEN", ""),
        admin_role_ids=_ids(env.get("ADMIN_ROLE_IDS", ""), "ADMIN_ROLE_IDS"),
        admin_user_ids=_ids(env.get("ADMIN_USER_IDS", ""), "ADMIN_USER_IDS"),
        dev_guild_id=int(guild) if guild else None,
        sync_on_start=_bool(env.get("SYNC_ON_START", "")),
        log_level=level,
        shard_count=int(shard_count) if shard_count else None,
        shard_ids=tuple(sorted(shard_ids)) or None,
        sharded=_bool(env.get("SHARDED", "")) or bool(shard_count) or bool(shard_ids),
        api_base=env.get("DISCORD_API_BASE") or None,
        gateway_url=env.get("DISCORD_GATEWAY_URL") or None,
    )
