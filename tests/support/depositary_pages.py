"""Depositary status pages for tests and benches: the excerpt, and the same page as a browser saves it."""

from __future__ import annotations

from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "facts" / "data" / "depositary"
EXCERPT = PAGES / "untc-xxvi-5-2026-02-03.html"
CHROME = PAGES / "browser-chrome.txt"  # a saved page's head, scripts, navigation and footer
BODY_MARK = "<!-- BODY -->"
SKIPPED_LINES = 4  # the excerpt's doctype, head, comment and <body> line


def browser_page(excerpt: Path = EXCERPT) -> bytes:
    """The excerpt's body inside the page a browser saves: scripts, navigation, a decoy table, CRLF lines."""
    body = excerpt.read_text(encoding="utf-8").split("\n")[SKIPPED_LINES:]
    body = body[: body.index("</body></html>")]
    page = CHROME.read_text(encoding="utf-8").replace(BODY_MARK, "\n".join(body))
    return page.replace("\n", "\r\n").encode("utf-8")
