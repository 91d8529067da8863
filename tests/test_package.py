"""The package as a wheel: installed (not editable), it finds its facts and keeps its data out of site-packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.cli import ROOT

import bot


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            str(ROOT),
            "-w",
            str(out),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = list(out.glob("*.whl"))
    return built


def test_the_wheel_carries_the_facts_the_lexicon_and_the_types(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("states.csv", "facts.yaml", "sources.csv", "knowledge.yaml"):
        assert f"bot/_knowledge/{name}" in names
    assert "bot/py.typed" in names and "bot/engine/lexicon/intents.yaml" in names
    assert f"ottawa_treaty_bot-{bot.__version__}.dist-info/METADATA" in names


def test_installed_it_answers_from_any_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere, data = tmp_path / "elsewhere", tmp_path / "home" / "data"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("KNOWLEDGE_DIR", "DATABASE_PATH", "DATA_DIR")}
    env.update(PYTHONPATH=str(site), XDG_DATA_HOME=str(data), HOME=str(tmp_path / "home"), DISCORD_TOKEN="")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            cwd=elsewhere,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    check = run("check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("OK: 197 states")
    answer = run("ask", "is poland a party?", "--as-of", "2026-11-27", "--json")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["states"] == ["POL"]
    assert (data / "ottawa-treaty-bot" / "facts.sqlite3").is_file()
    assert not list(site.rglob("*.sqlite3")) and not list(elsewhere.iterdir())
    version = run("--version")
    assert bot.__version__ in version.stdout
