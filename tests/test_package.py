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
    """``pip install`` of the wheel into a fresh virtual environment; its dependencies are borrowed from
    the test environment (a path entry, so no download), the package itself is the installed wheel."""
    import site
    import sysconfig
    import venv

    fresh = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(fresh)
    python = fresh / "bin" / "python"
    target = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    )
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stderr
    # after the install, so pip does not take the checkout's editable install for this package
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (target / "borrowed-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", encoding="utf-8")
    elsewhere, data = tmp_path / "elsewhere", tmp_path / "home" / "data"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("KNOWLEDGE_DIR", "DATABASE_PATH", "DATA_DIR")}
    env.update(XDG_DATA_HOME=str(data), HOME=str(tmp_path / "home"), DISCORD_TOKEN="")
    env.pop("PYTHONPATH", None)
    command = fresh / "bin" / "ottawa-treaty-bot"

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(command), *args],
            cwd=elsewhere,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=120,
        )

    where = subprocess.run(
        [str(python), "-c", "import bot; print(bot.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
    )
    assert str(target) in where.stdout, where.stdout  # the installed wheel, not the checkout
    check = run("check")
    assert check.returncode == 0, check.stderr
    assert check.stdout.startswith("OK: 197 states")
    answer = run("ask", "is poland a party?", "--as-of", "2026-11-27", "--json")
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["states"] == ["POL"]
    console = run("console", "--as-of", "2026-11-27", stdin="has finland left?\n")
    assert console.returncode == 0 and "Finland" in console.stdout
    runner = run("run")
    assert runner.returncode == 2 and "DISCORD_TOKEN is not set" in runner.stderr
    assert (data / "ottawa-treaty-bot" / "facts.sqlite3").is_file()
    assert not list(target.rglob("*.sqlite3")) and not list(elsewhere.iterdir())
    assert bot.__version__ in run("--version").stdout
