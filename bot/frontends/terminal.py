"""Answers for a terminal: **bold** and _italics_ as terminal styles on a TTY, plain text when piped."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.text import Text

_MARKUP = re.compile(r"\*\*(?P<bold>.+?)\*\*|(?<![\w*])_(?P<italic>[^_\n]+?)_(?!\w)")


def plain(text: str) -> str:
    """``text`` without its bold and italic markers."""
    return _MARKUP.sub(lambda m: m.group("bold") or m.group("italic"), text)


def styled(text: str) -> Text:
    """``text`` as rich text: the marked runs in bold or italics, the markers gone."""
    from rich.text import Text

    out = Text()
    last = 0
    for match in _MARKUP.finditer(text):
        out.append(text[last : match.start()])
        if match.group("bold") is not None:
            out.append(match.group("bold"), style="bold")
        else:
            out.append(match.group("italic"), style="italic")
        last = match.end()
    out.append(text[last:])
    return out


class Printer:
    """Prints replies to ``stream``: styled when it is a terminal, plain otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        if self.tty:
            from rich.console import Console

            self.console = Console(file=stream, highlight=False, markup=False, emoji=False, soft_wrap=True)

    def show(self, text: str) -> None:
        """One reply, then a blank line."""
        if self.tty:
            self.console.print(styled(text))
        else:
            print(plain(text), file=self.stream)
        print("", file=self.stream, flush=True)
