"""Build time of the full fact base and of a 20x synthetic base.

Run: python bench/build_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import ROOT, write_synthetic

from bot.facts.database import build, read_knowledge


def measure(knowledge: Path, db: Path, repeat: int) -> tuple[list[float], list[float]]:
    builds, loads = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        build(knowledge, db)
        builds.append(time.perf_counter() - start)
        start = time.perf_counter()
        read_knowledge(db)
        loads.append(time.perf_counter() - start)
    return builds, loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factor", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        synthetic = write_synthetic(tmp_path / "knowledge-x", factor=args.factor)
        for label, knowledge in (("full base", ROOT / "knowledge"), (f"{args.factor}x synthetic", synthetic)):
            builds, loads = measure(knowledge, tmp_path / f"{label.split()[0]}.sqlite3", args.repeat)
            size = (tmp_path / f"{label.split()[0]}.sqlite3").stat().st_size / 1024
            print(
                f"{label:<16} build p50 {statistics.median(builds) * 1000:8.1f} ms  max {max(builds) * 1000:8.1f} ms"
                f"  | load p50 {statistics.median(loads) * 1000:7.1f} ms  | db {size:8.0f} KiB  ({args.repeat} runs)"
            )


if __name__ == "__main__":
    main()
