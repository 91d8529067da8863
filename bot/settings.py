"""Settings read from the environment and an optional ``.env`` file."""

from __future__ import annotations

import os
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "ottawa-treaty-bot"


SNOWFLAKE = re.compile(r"[0-9]{17,20}")  # a Discord id: 17 to 20 ASCII digits
BOOLEANS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
LOG_FORMATS = ("text", "json")
GENERAL = frozenset(
    {"KNOWLEDGE_DIR", "DATABASE_PATH", "DATA_DIR", "LOG_LEVEL", "LOG_FORMAT", "MISSES_LOG", "MISSES_DAYS"}
)
"""The settings every command uses; the others matter only to ``run`` and ``sync``."""


class SettingsError(Exception):
    """Settings with values that cannot be used: ``problems`` holds ``(NAME, why)`` for each."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{name}: {why}" for name, why in problems))

    def lines(self) -> list[str]:
        """One ``error: NAME: why`` line per bad setting."""
        return [f"error: {name}: {why}" for name, why in self.problems]


class _Reader:
    """Reads settings from ``env`` and collects every problem instead of stopping at the first."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[tuple[str, str]] = []

    def text(self, name: str) -> str:
        return self.env.get(name, "").strip()

    def snowflakes(self, name: str) -> frozenset[int]:
        out = set()
        for part in self.text(name).replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not SNOWFLAKE.fullmatch(part):
                self.problems.append((name, f"a Discord id is 17 to 20 digits (0-9), not {part[:40]!r}"))
                continue
            out.add(int(part))
        return frozenset(out)

    def snowflake(self, name: str) -> int | None:
        ids = self.snowflakes(name)
        if len(ids) > 1:
            self.problems.append((name, "one Discord id, not a list"))
        return min(ids) if ids else None

    def boolean(self, name: str) -> bool:
        value = self.text(name).lower()
        if value and value not in BOOLEANS:
            self.problems.append((name, f"true/false, 1/0, yes/no or on/off, not {value[:40]!r}"))
        return BOOLEANS.get(value, False)

    def count(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        if not (value.isascii() and value.isdigit() and int(value) >= 1):
            self.problems.append((name, f"a whole number of at least 1, not {value[:40]!r}"))
            return None
        return int(value)

    def shard_ids(self, name: str, shard_count: int | None) -> tuple[int, ...]:
        ids = []
        for part in self.text(name).replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not (part.isascii() and part.isdigit()):
                self.problems.append((name, f"shard numbers (0, 1, ...), not {part[:40]!r}"))
            elif shard_count is not None and int(part) >= shard_count:
                self.problems.append((name, f"shard {part} is not below SHARD_COUNT ({shard_count})"))
            else:
                ids.append(int(part))
        if ids and shard_count is None:
            self.problems.append((name, "needs SHARD_COUNT"))
        return tuple(sorted(set(ids)))

    def port(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        if not (value.isascii() and value.isdigit() and 1 <= int(value) <= 65535):
            self.problems.append((name, f"a port number from 1 to 65535, not {value[:40]!r}"))
            return None
        return int(value)

    def choice(self, name: str, choices: tuple[str, ...]) -> str:
        value = self.text(name).lower() or choices[0]
        if value not in choices:
            self.problems.append((name, f"one of {', '.join(choices)}, not {value[:40]!r}"))
            return choices[0]
        return value

    def level(self, name: str) -> str:
        value = self.text(name).upper() or "INFO"
        if value not in LOG_LEVELS:
            self.problems.append((name, f"one of {', '.join(LOG_LEVELS)}, not {value[:40]!r}"))
            return "INFO"
        return value

    def api_base(self, name: str) -> str | None:
        value = self.text(name)
        if not value:
            return None
        url = urlsplit(value)
        if url.scheme not in ("http", "https") or not url.hostname:
            self.problems.append((name, f"an http(s) URL, not {value[:40]!r}"))
        elif url.scheme == "http" and url.hostname not in LOOPBACK:
            self.problems.append(
                (name, "plain http is allowed only on this machine (the token would travel in clear)")
            )
        return value

    def admin_roles(self, name: str, guild: int | None) -> frozenset[int]:
        roles = self.snowflakes(name)
        if guild is not None and guild in roles:
            self.problems.append(
                (name, "holds the guild id, which is the @everyone role: everyone would be admin")
            )
            return roles - {guild}
        return roles


def is_checkout() -> bool:
    """Whether the bot runs from a source checkout (editable install) rather than an installed wheel."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "knowledge").is_dir()


def default_knowledge_dir() -> Path:
    """The curated facts: the checkout's ``knowledge/``, or the copy shipped inside the package."""
    return PROJECT_ROOT / "knowledge" if is_checkout() else PACKAGE_DIR / "_knowledge"


def default_data_dir() -> Path:
    """Where the database and logs go: ``./data`` for a checkout, the user's data folder when installed."""
    if is_checkout():
        return Path.cwd() / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    """Runtime configuration. ``token`` is never printed: its repr is masked."""

    knowledge_dir: Path = field(default_factory=default_knowledge_dir)
    database_path: Path = field(default_factory=lambda: default_data_dir() / "facts.sqlite3")
    data_dir: Path = field(default_factory=default_data_dir)
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
    wire_debug: bool = False
    log_format: str = "text"
    health_host: str = "127.0.0.1"
    health_port: int | None = None
    misses_log: bool = False
    misses_days: int = 90

    @property
    def has_token(self) -> bool:
        return bool(self.token.strip())


def load_settings(*, env_file: Path | None = None, only: Container[str] | None = None) -> Settings:
    """Read settings from the environment, after loading ``.env`` without overriding it.

    Every bad setting is reported at once in one :class:`SettingsError`; with ``only``, settings
    outside it (those a command does not use) fall back to their defaults instead.
    """
    load_dotenv(env_file or (PROJECT_ROOT if is_checkout() else Path.cwd()) / ".env", override=False)
    read = _Reader(os.environ)
    guild = read.snowflake("DEV_GUILD_ID")
    shard_count = read.count("SHARD_COUNT")
    shard_ids = read.shard_ids("SHARD_IDS", shard_count)
    data_dir = Path(read.text("DATA_DIR") or default_data_dir())
    settings = Settings(
        knowledge_dir=Path(read.text("KNOWLEDGE_DIR") or default_knowledge_dir()),
        database_path=Path(read.text("DATABASE_PATH") or data_dir / "facts.sqlite3"),
        data_dir=data_dir,
        token=read.env.get("DISCORD_TOKEN", ""),
        admin_role_ids=read.admin_roles("ADMIN_ROLE_IDS", guild),
        admin_user_ids=read.snowflakes("ADMIN_USER_IDS"),
        dev_guild_id=guild,
        sync_on_start=read.boolean("SYNC_ON_START"),
        log_level=read.level("LOG_LEVEL"),
        shard_count=shard_count,
        shard_ids=shard_ids or None,
        sharded=read.boolean("SHARDED") or bool(shard_count) or bool(shard_ids),
        api_base=read.api_base("DISCORD_API_BASE"),
        gateway_url=read.text("DISCORD_GATEWAY_URL") or None,
        wire_debug=read.boolean("DISCORD_WIRE_DEBUG"),
        log_format=read.choice("LOG_FORMAT", LOG_FORMATS),
        health_host=read.text("HEALTH_HOST") or "127.0.0.1",
        health_port=read.port("HEALTH_PORT"),
        misses_log=read.boolean("MISSES_LOG"),
        misses_days=read.count("MISSES_DAYS") or 90,
    )
    problems = [p for p in read.problems if only is None or p[0] in only]
    if problems:
        raise SettingsError(problems)
    return settings
