"""Shared fixtures: a fact base built once per session from the real knowledge files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
sys.path.insert(0, str(Path(__file__).resolve().parent))


def run_cli(
    *args: str, db: Path, knowledge: Path = KNOWLEDGE, stdin: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` as users run it, with no token and its own database."""
    env = {**os.environ, "DATABASE_PATH": str(db), "KNOWLEDGE_DIR": str(knowledge), "DISCORD_TOKEN": ""}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.database import build

    path = tmp_path_factory.mktemp("db") / "facts.sqlite3"
    build(KNOWLEDGE, path)
    return path


@pytest.fixture(scope="session")
def engine(built_db: Path):
    from bot.engine import Engine

    return Engine.from_database(built_db)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of ``knowledge/`` that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target
