"""Every lexicon pattern over 5,000-character questions built to make a backtracking regex slow.

A pattern written ``A.*B.*C`` takes cubic time on a question full of A and B and no C (seconds at
5,000 characters); the lexicon writes such patterns as ``^(?>.*?A)(?>.*?B).*?C``, which read the
question once. The baseline is one plain word pattern over the same text in the same run; the
figures are the slowest pattern's time per input, p50 and p99 over the inputs, and the ratio.
"""

from __future__ import annotations

import argparse
import itertools
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.engine.lexicon import Lexicon, read_lexicon

LENGTH = 5000
BASELINE = re.compile(r"\bratif")


def patterns(lex: Lexicon) -> dict[str, re.Pattern[str]]:
    """Every compiled pattern of the lexicon, by section and name."""
    out: dict[str, re.Pattern[str]] = {}
    for section in ("state_cues", "cues", "router_cues", "topic_cues", "guards"):
        out.update({f"{section}.{name}": p for name, p in getattr(lex, section).items()})
    return out


def inputs(lex: Lexicon) -> list[str]:
    """Questions of LENGTH characters, each one or two lexicon words repeated."""
    words = sorted({w for p in patterns(lex).values() for w in re.findall(r"[a-z]{3,}", p.pattern)})
    pairs = [f"{a} {b} " for a, b in itertools.pairwise(words)]
    return [(pair * (LENGTH // len(pair) + 1))[:LENGTH] for pair in pairs]


def seconds(pattern: re.Pattern[str], text: str) -> float:
    start = time.perf_counter()
    pattern.search(text)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=400, help="how many inputs to try (default 400)")
    args = parser.parse_args()
    lex, problems = read_lexicon()
    if lex is None:
        sys.exit("\n".join(problems))
    table = patterns(lex)
    texts = inputs(lex)[: args.limit]
    worst: list[float] = []
    slowest = (0.0, "", "")
    base = [seconds(BASELINE, text) for text in texts]
    for text in texts:
        times = {name: seconds(p, text) for name, p in table.items()}
        name = max(times, key=times.__getitem__)
        worst.append(times[name])
        slowest = max(slowest, (times[name], name, text[:24]))
    p99 = sorted(worst)[int(0.99 * (len(worst) - 1))]
    print(f"{len(table)} patterns x {len(texts)} inputs of {LENGTH} characters")
    print(
        f"slowest pattern per input: p50 {statistics.median(worst) * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, "
        f"max {slowest[0] * 1000:.2f} ms ({slowest[1]} on {slowest[2]!r}...)"
    )
    print(
        f"baseline (one word pattern): p50 {statistics.median(base) * 1000:.3f} ms; "
        f"ratio p50 {statistics.median(worst) / statistics.median(base):.1f}x"
    )


if __name__ == "__main__":
    main()
