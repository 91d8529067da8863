"""Render answers as plain text for the terminal (the Discord front end has its own embeds)."""

from __future__ import annotations

import datetime as dt

from bot.engine.answer import Answer, Citation
from bot.engine.dates import format_date


def citation_detail(citation: Citation) -> str:
    """``Publisher, 3 February 2026 (locator)``."""
    date = format_date(dt.date.fromisoformat(citation.date)) if citation.date else "undated"
    if citation.accessed:
        date = f"undated, accessed {date}"
    locator = f" ({citation.locator})" if citation.locator else ""
    return f"{citation.publisher}, {date}{locator}"


def citation_line(number: int, citation: Citation) -> str:
    """``[1] Title, Publisher, 3 February 2026 (locator). URL``."""
    return f"[{number}] {citation.title}, {citation_detail(citation)}. {citation.url}"


def snippet_text(citation: Citation) -> str:
    """The snippet, marked as a quotation when it quotes the Convention's text."""
    if not citation.snippet:
        return ""
    return f"“{citation.snippet}” (quoted)" if citation.quote else citation.snippet


def render_text(answer: Answer, *, reviewed: dt.date | None = None) -> str:
    """The answer as a person reads it, with numbered sources and their snippets."""
    lines = [answer.text]
    if answer.suggestions:
        lines.append("")
        lines.append("Did you mean:")
        lines.extend(f"  - {s}" for s in answer.suggestions)
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for number, citation in enumerate(answer.citations, start=1):
            lines.append(citation_line(number, citation))
            snippet = snippet_text(citation)
            if snippet:
                lines.append(f"    {snippet}")
    footer = []
    if answer.matched and answer.date_asked:
        footer.append(f"Answer for {format_date(dt.date.fromisoformat(answer.date_asked))}")
    if reviewed:
        footer.append(f"facts reviewed {format_date(reviewed)}")
    if footer:
        lines.append("")
        lines.append("(" + "; ".join(footer) + ")")
    return "\n".join(lines)
