"""Split long text into pages at line, then sentence, then word boundaries; never mid-sentence with "…"."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Where a line too long for one page may break, best first: sentence ends, clause ends, spaces.
_BREAKS = (re.compile(r"(?<=[.!?;:])\s+(?=\S)"), re.compile(r"(?<=,)\s+"), re.compile(r" +"))


def _pieces(text: str, limit: int, level: int = 0) -> Iterator[str]:
    """``text`` as pieces of at most ``limit`` characters, broken at the best boundary that works."""
    if len(text) <= limit:
        yield text
    elif level == len(_BREAKS):  # a single word longer than a page: only now is a word cut
        yield from (text[i : i + limit] for i in range(0, len(text), limit))
    else:
        for part in _BREAKS[level].split(text):
            yield from _pieces(part, limit, level + 1)


def _units(text: str, limit: int) -> Iterator[tuple[str, str]]:
    """``(separator, unit)``: each line, or the pieces of a line longer than ``limit``."""
    for line in text.split("\n"):
        if len(line) <= limit:
            yield "\n", line
            continue
        for index, piece in enumerate(_pieces(line, limit)):
            yield ("\n" if index == 0 else " "), piece


def split_text(text: str, limit: int) -> list[str]:
    """``text`` as pages of at most ``limit`` characters, each ending at a line or sentence end."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text]
    pages: list[str] = []
    current: str | None = None
    for separator, unit in _units(text, limit):
        if current is None:
            current = unit
        elif len(current) + len(separator) + len(unit) <= limit:
            current += separator + unit
        else:
            pages.append(current)
            current = unit
    if current is not None:
        pages.append(current)
    kept = [page.strip("\n") for page in pages]
    return [page for page in kept if page.strip()] or [""]
