"""Time to read the depositary's status page and compare it with the fact base.

The baseline, measured in the same run, is the bare parse of the same page by the same parser
(``html.parser`` with no handlers); the figures are p50 and p99 over N runs.

Run: python bench/depositary_bench.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.facts.depositary import compare, decode, read_page
from bot.facts.validate import load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from support.depositary_pages import EXCERPT, browser_page  # noqa: E402
from timing import p99, timings  # noqa: E402


def bare_parse(data: bytes) -> None:
    parser = HTMLParser(convert_charrefs=True)
    parser.feed(data.decode("utf-8"))
    parser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    kb = load(ROOT / "knowledge")
    for name, data in (("excerpt", EXCERPT.read_bytes()), ("page saved from a browser", browser_page())):
        base = timings(lambda data=data: bare_parse(data), args.repeat)
        full = timings(lambda data=data: compare(read_page(decode(data)), kb), args.repeat)
        ratio = statistics.median(full) / statistics.median(base)
        print(
            f"{name:<28} read+compare p50 {statistics.median(full) * 1000:6.1f} ms  "
            f"p99 {p99(full) * 1000:6.1f} ms  | bare parse p50 {statistics.median(base) * 1000:6.1f} ms  "
            f"p99 {p99(base) * 1000:6.1f} ms  | ratio {ratio:4.2f}x  ({args.repeat} runs)"
        )


if __name__ == "__main__":
    main()
