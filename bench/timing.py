"""Timing helpers shared by the benches: repeated wall-clock timings and their 99th percentile."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(work: Callable[[], object], repeat: int) -> list[float]:
    """Seconds taken by each of ``repeat`` calls of ``work``."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        out.append(time.perf_counter() - start)
    return out


def p99(values: list[float]) -> float:
    """The 99th percentile of ``values`` (the value itself when there is one)."""
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]
