"""The engine against an earlier version of itself: per-question latency (uncached) and memory, same run.

Each side runs in its own processes, pinned to one core, alternating for ``--rounds`` rounds (the best
round of each side is kept, so a noisy neighbour on a shared machine does not decide the result): this
checkout, and a git worktree of ``--ref``
(default: the last commit before the engine became a declared pipeline). Both answer the same
questions (the main question set, the tuning set and the held-out set), so the figures compare the
engines, not the inputs. Printed: p50, p99 and max per question, throughput, the resident memory of
the process after loading the facts and answering, and each figure as a ratio against the baseline.

Run: python bench/compare_bench.py [--ref 50593f6] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REF = "50593f6"
QUESTION_FILES = ("tests/questions.yaml", "tests/tuning.yaml", "tests/heldout.yaml")

MEASURE = r"""
import datetime as dt, json, os, resource, sys, tempfile, time
from pathlib import Path
import yaml
root = Path(os.getcwd())
sys.path.insert(0, str(root))
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
try:
    from bot.facts.database import build
    from bot.service import load_engine
except ImportError:
    from bot.database import build
    from bot.engine import Engine
    load_engine = lambda path, **kw: Engine.from_database(path, **kw)
questions = []
for name in sys.argv[1:-1]:
    for item in yaml.safe_load(Path(name).read_text(encoding="utf-8"))["questions"]:
        questions.append((str(item["q"]), dt.date.fromisoformat(str(item.get("as_of") or "2026-11-27"))))
repeat = int(sys.argv[-1])
with tempfile.TemporaryDirectory() as tmp:
    db = Path(tmp) / "facts.sqlite3"
    build(root / "knowledge", db)
    engine = load_engine(db, cache_size=0)
    for q, day in questions:
        engine.ask(q, as_of=day)
    times = []
    for _ in range(repeat):
        for q, day in questions:
            start = time.perf_counter()
            engine.ask(q, as_of=day)
            times.append(time.perf_counter() - start)
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"times": times, "rss_mib": rss, "questions": len(questions)}))
"""


def measure(root: Path, files: list[Path], repeat: int) -> dict[str, object]:
    """Run the measurement in a fresh process whose current directory is ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    args = [sys.executable, "-c", MEASURE, *(str(f) for f in files), str(repeat)]
    result = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def best(runs: list[dict[str, object]]) -> dict[str, object]:
    """The run with the lowest p99."""
    return min(runs, key=lambda run: pct(list(run["times"]), 0.99))  # type: ignore[call-overload]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def row(label: str, data: dict[str, object]) -> tuple[float, float, float, float, float]:
    times = list(data["times"])  # type: ignore[call-overload]
    figures = (
        pct(times, 0.5),
        pct(times, 0.99),
        max(times) * 1000,
        len(times) / sum(times),
        float(data["rss_mib"]),
    )  # type: ignore[arg-type]
    print(
        f"{label:<22} {figures[0]:8.3f} {figures[1]:8.3f} {figures[2]:8.3f} {figures[3]:8.0f} {figures[4]:9.1f}"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default=DEFAULT_REF, help="the git commit to compare against")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating runs of each side; the best is kept"
    )
    args = parser.parse_args()
    files = [ROOT / name for name in QUESTION_FILES if (ROOT / name).exists()]
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(worktree), args.ref], check=True
        )
        try:
            bases, currents = [], []
            for _ in range(args.rounds):
                bases.append(measure(worktree, files, args.repeat))
                currents.append(measure(ROOT, files, args.repeat))
            base, current = best(bases), best(currents)
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)], check=False
            )
    print(
        f"{current['questions']} questions x {args.repeat} passes, best of {args.rounds} alternating rounds, uncached, "
        f"one core each; baseline {args.ref}"
    )
    print(f"{'':<22} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'q/s':>8} {'RSS MiB':>9}")
    before = row(f"baseline ({args.ref})", base)
    after = row("this checkout", current)
    ratios = [a / b if b else float("nan") for a, b in zip(after, before, strict=True)]
    print(
        f"{'ratio (this/baseline)':<22} {ratios[0]:8.2f} {ratios[1]:8.2f} {ratios[2]:8.2f} {ratios[3]:8.2f} "
        f"{ratios[4]:9.2f}   (RSS difference {after[4] - before[4]:+.1f} MiB)"
    )


if __name__ == "__main__":
    main()
