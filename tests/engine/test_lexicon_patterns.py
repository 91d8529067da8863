"""No lexicon pattern backtracks catastrophically, so the question length cap can be raised safely."""

from __future__ import annotations

import re
import time

from bot.engine.lexicon import read_lexicon

LENGTH = 5000
# A cubic pattern took about 5 s on such an input; a linear one takes a few milliseconds.
LIMIT_SECONDS = 0.5


def test_every_pattern_reads_a_5000_character_question_in_linear_time() -> None:
    lex, problems = read_lexicon()
    assert lex is not None, problems
    slow: list[tuple[str, float]] = []
    for section in ("state_cues", "cues", "router_cues", "topic_cues", "guards"):
        for name, pattern in getattr(lex, section).items():
            words = re.findall(r"[a-z]{3,}", pattern.pattern)
            unit = " ".join(w for w in words if w != words[-1]) + " "  # all its words but the last
            if len(unit) < 8:
                continue
            text = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
            start = time.perf_counter()
            pattern.search(text)
            elapsed = time.perf_counter() - start
            if elapsed > LIMIT_SECONDS:
                slow.append((f"{section}.{name}", round(elapsed, 2)))
    assert slow == []
