"""Render replies as Discord embeds or plain text, within Discord's limits."""

from __future__ import annotations

import discord
from cachetools import LRUCache

from bot.engine.answer import Citation
from bot.frontends.pages import split_text
from bot.frontends.replies import Reply
from bot.frontends.text import citation_detail, snippet_text

CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
COLOUR_ANSWER = discord.Colour.from_rgb(46, 125, 50)
COLOUR_DECLINE = discord.Colour.from_rgb(158, 158, 158)


def cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def embed_size(embed: discord.Embed) -> int:
    """The characters Discord counts towards the 6,000 limit."""
    return len(embed)


# Room left on a page for its title, the "Did you mean" field and the footer with its page number.
PAGE_BODY_LIMIT = 3800
PAGE_LABEL_ROOM = 20


def _source_fields(reply: Reply) -> list[tuple[str, str]]:
    """Each source as embed fields; a source too long for one field continues in the next."""
    fields: list[tuple[str, str]] = []
    for number, source in enumerate(reply.sources, start=1):
        value = f"[{citation_detail(source)}]({source.url})"
        if source.snippet:
            value += f"\n{snippet_text(source)}"
        name = cut(f"[{number}] {source.title}", FIELD_NAME_LIMIT - len(" (continued)"))
        for index, piece in enumerate(split_text(value, FIELD_VALUE_LIMIT)):
            fields.append((name if index == 0 else f"{name} (continued)", piece))
    return fields


def _page_label(footer: str, number: int, total: int) -> str:
    label = f"page {number}/{total}"
    return cut(f"{footer} · {label}" if footer else label, FOOTER_LIMIT)


def _new_page(reply: Reply, body: str | None) -> discord.Embed:
    return discord.Embed(
        title=cut(reply.title, TITLE_LIMIT) if reply.title else None,
        description=body,
        colour=COLOUR_ANSWER if reply.answer is None or reply.answer.matched else COLOUR_DECLINE,
    )


_PageKey = tuple[str, str, str, tuple[Citation, ...], tuple[str, ...], bool]
_laid_out: LRUCache[_PageKey, tuple[discord.Embed, ...]] = LRUCache(1024)


def to_pages(reply: Reply) -> list[discord.Embed]:
    """The whole reply as embeds within Discord's limits: the text split at line or sentence ends,
    then the sources; each page says "page i/n" in its footer when there is more than one.

    The same reply is laid out once: the embeds are shared, and nothing changes an embed once made."""
    matched = reply.answer is None or reply.answer.matched
    key = (reply.title, reply.body, reply.footer, tuple(reply.sources), tuple(reply.suggestions), matched)
    pages = _laid_out.get(key)
    if pages is None:
        pages = _laid_out[key] = tuple(_lay_out(reply))
    return list(pages)


def _lay_out(reply: Reply) -> list[discord.Embed]:
    pages = [_new_page(reply, body) for body in split_text(reply.body, PAGE_BODY_LIMIT)]
    if reply.suggestions:
        suggestions = "\n".join(f"• {s}" for s in reply.suggestions)
        pages[0].add_field(
            name="Did you mean", value=split_text(suggestions, FIELD_VALUE_LIMIT)[0], inline=False
        )
    room = EMBED_TOTAL_LIMIT - len(cut(reply.footer, FOOTER_LIMIT)) - PAGE_LABEL_ROOM
    used, fields = embed_size(pages[-1]), len(pages[-1].fields)  # the last page's, kept as fields go in
    for name, value in _source_fields(reply):
        if fields >= FIELD_COUNT_LIMIT or used + len(name) + len(value) > room:
            pages.append(_new_page(reply, None))
            used, fields = embed_size(pages[-1]), 0
        pages[-1].add_field(name=name, value=value, inline=False)
        used, fields = used + len(name) + len(value), fields + 1
    for number, page in enumerate(pages, start=1):
        footer = _page_label(reply.footer, number, len(pages)) if len(pages) > 1 else reply.footer
        if footer:
            page.set_footer(text=cut(footer, FOOTER_LIMIT))
    return pages


def to_texts(reply: Reply) -> list[str]:
    """The whole reply as plain messages of at most 2,000 characters, split at line or sentence ends."""
    return split_text(reply.as_text(), CONTENT_LIMIT)
