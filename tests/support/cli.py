"""Paths of the checkout and a runner for ``python -m bot`` as users run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
KNOWLEDGE = ROOT / "knowledge"


def run_cli(
    *args: str,
    db: Path,
    knowledge: Path = KNOWLEDGE,
    stdin: str | None = None,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` as users run it, with no token (unless ``env`` gives one) and its own database."""
    env = {
        **os.environ,
        "DATABASE_PATH": str(db),
        "KNOWLEDGE_DIR": str(knowledge),
        "DISCORD_TOKEN": "",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )
