"""Shared fixtures: a fact base built once per session from the real knowledge files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from support.cli import KNOWLEDGE


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.facts.database import build

    path = tmp_path_factory.mktemp("db") / "facts.sqlite3"
    build(KNOWLEDGE, path)
    return path


@pytest.fixture(scope="session")
def engine(built_db: Path):
    from bot.service import load_engine

    return load_engine(built_db)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A private copy of ``knowledge/`` that a test may break."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target
