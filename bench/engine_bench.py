"""The engine against a naive FAQ-bot baseline on the question set, plus latency on a 20x base.

The baseline does what FAQ bots do: ``rapidfuzz.process.extractOne`` of the whole question
against every canned question form, then serves that form's answer.

Run: python bench/engine_bench.py [--repeat 5] [--factor 20]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from rapidfuzz import fuzz, process, utils  # noqa: E402
from synthetic import ROOT, write_synthetic  # noqa: E402

from bot.engine import Engine  # noqa: E402
from bot.engine.answer import Answer  # noqa: E402
from bot.evaluate import judge, load_cases  # noqa: E402
from bot.facts.database import build  # noqa: E402
from bot.service import load_engine  # noqa: E402

FORMS = ("is {} a party", "did {} sign", "when did {} join", "has {} withdrawn", "why did {} withdraw")


class NaiveBaseline:
    """Whole-question fuzzy match against canned question forms (WRatio, default_process)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.forms: list[str] = []
        for state in engine.kb.states.values():
            self.forms.extend(form.format(state.name) for form in FORMS)
        for fact in engine.kb.facts.values():
            self.forms.extend(fact.questions)
        self.forms += ["who has withdrawn", "how many states parties are there", "which states never joined"]
        self.cache: dict[str, Answer] = {}

    def ask(self, question: str, *, as_of: dt.date) -> Answer:
        best = process.extractOne(question, self.forms, scorer=fuzz.WRatio, processor=utils.default_process)
        if best is None or best[1] < 60:
            return Answer(text="Sorry, I don't know.", matched=False)
        form = best[0]
        key = f"{form}|{as_of}"
        if key not in self.cache:
            self.cache[key] = self.engine.ask(form, as_of=as_of)
        return self.cache[key]


def run(ask: Callable[..., Answer], cases: list, repeat: int) -> tuple[float, list[float]]:
    correct = sum(judge(c, ask(c.q, as_of=c.as_of).to_dict()).ok for c in cases)
    times: list[float] = []
    for _ in range(repeat):
        for case in cases:
            start = time.perf_counter()
            ask(case.q, as_of=case.as_of)
            times.append(time.perf_counter() - start)
    return correct / len(cases), times


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--factor", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the target says
    cases = load_cases(ROOT / "tests" / "questions.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        build(ROOT / "knowledge", tmp_path / "full.sqlite3")
        engine = load_engine(tmp_path / "full.sqlite3", cache_size=0)  # measure the work, not the cache
        baseline = NaiveBaseline(engine)
        print(f"{len(cases)} questions, {args.repeat} timed passes, one core")
        print(f"{'':<26} {'accuracy':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'q/s':>8}")
        results = {}
        for label, ask in (("engine (full base)", engine.ask), ("naive baseline", baseline.ask)):
            accuracy, times = run(ask, cases, args.repeat)
            results[label] = times
            print(
                f"{label:<26} {accuracy * 100:8.1f}% {pct(times, 0.5):8.3f} {pct(times, 0.99):8.3f} "
                f"{max(times) * 1000:8.3f} {len(times) / sum(times):8.0f}"
            )
        synthetic = write_synthetic(tmp_path / "knowledge-x", factor=args.factor)
        build(synthetic, tmp_path / "x.sqlite3")
        tracemalloc.start()
        big = load_engine(tmp_path / "x.sqlite3", cache_size=0)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        accuracy, times = run(big.ask, cases, args.repeat)
        print(
            f"{f'engine ({args.factor}x base)':<26} {accuracy * 100:8.1f}% {pct(times, 0.5):8.3f} "
            f"{pct(times, 0.99):8.3f} {max(times) * 1000:8.3f} {len(times) / sum(times):8.0f}"
        )
        ratio = pct(results["engine (full base)"], 0.99) / pct(results["naive baseline"], 0.99)
        print(
            f"engine/baseline p99 ratio: {ratio:.2f}; {args.factor}x index peak memory {peak / 2**20:.1f} MiB"
        )


if __name__ == "__main__":
    main()
