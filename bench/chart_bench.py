"""Time to draw the chart of States Parties, cold and from the cache, and the memory one drawing takes.

Cold is :func:`render_chart` (the real drawing, matplotlib already imported: the first chart of a process
also pays for the import, shown separately); cached is the async :func:`chart` asked again for a chart it
has drawn. The figures are p50 and p99 over N runs, for the default chart and for one with a state.

Run: python bench/chart_bench.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from timing import p99, timings  # noqa: E402

from bot.facts.records import KnowledgeBase  # noqa: E402
from bot.facts.validate import load  # noqa: E402
from bot.frontends.chart import chart, render_chart  # noqa: E402

AS_OF = dt.date(2026, 11, 29)


def cached_timings(kb: KnowledgeBase, state: str | None, repeat: int) -> list[float]:
    async def run() -> list[float]:
        await chart(kb, as_of=AS_OF, state=state)
        out = []
        for _ in range(repeat):
            start = time.perf_counter()
            await chart(kb, as_of=AS_OF, state=state)
            out.append(time.perf_counter() - start)
        return out

    return asyncio.run(run())


def ms(value: float) -> str:
    return f"{value * 1000:7.1f} ms"


def us(value: float) -> str:
    return f"{value * 1e6:6.1f} µs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kb = load(ROOT / "knowledge")
    start = time.perf_counter()
    render_chart(kb, as_of=AS_OF)
    print(f"first chart of the process (imports matplotlib): {ms(time.perf_counter() - start)}")
    for label, state in (("default chart", None), ("chart with Finland", "FIN")):
        cold = timings(lambda state=state: render_chart(kb, as_of=AS_OF, state=state), args.repeat)
        warm = cached_timings(kb, state, args.repeat)
        ratio = statistics.median(warm) / statistics.median(cold)
        print(
            f"{label:<20} cold p50 {ms(statistics.median(cold))}  p99 {ms(p99(cold))}  | "
            f"cached p50 {us(statistics.median(warm))}  p99 {us(p99(warm))}  | "
            f"cached/cold {ratio:.1e}  ({args.repeat} runs)"
        )
    tracemalloc.start()
    render_chart(kb, as_of=AS_OF, state="FIN")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of one drawing (tracemalloc): {peak / 1e6:.1f} MB; process peak RSS {rss:.0f} MB")


if __name__ == "__main__":
    main()
