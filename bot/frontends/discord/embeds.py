"""Render replies as Discord embeds or plain text, within Discord's limits."""

from __future__ import annotations

import discord

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


def to_embed(reply: Reply) -> discord.Embed:
    """The reply as one embed: the answer, numbered sources with links and snippets, and a footer."""
    embed = discord.Embed(
        title=cut(reply.title, TITLE_LIMIT) if reply.title else None,
        description=cut(reply.body, DESCRIPTION_LIMIT),
        colour=COLOUR_ANSWER if reply.answer is None or reply.answer.matched else COLOUR_DECLINE,
    )
    if reply.suggestions:
        embed.add_field(
            name="Did you mean",
            value=cut("\n".join(f"• {s}" for s in reply.suggestions), FIELD_VALUE_LIMIT),
            inline=False,
        )
    for number, source in enumerate(reply.sources, start=1):
        if len(embed.fields) >= FIELD_COUNT_LIMIT:
            break
        value = f"[{citation_detail(source)}]({source.url})"
        if source.snippet:
            value += f"\n{snippet_text(source)}"
        name = cut(f"[{number}] {source.title}", FIELD_NAME_LIMIT)
        value = cut(value, FIELD_VALUE_LIMIT)
        footer = cut(reply.footer, FOOTER_LIMIT)
        if embed_size(embed) + len(name) + len(value) + len(footer) > EMBED_TOTAL_LIMIT:
            break
        embed.add_field(name=name, value=value, inline=False)
    if reply.footer:
        embed.set_footer(text=cut(reply.footer, FOOTER_LIMIT))
    while embed_size(embed) > EMBED_TOTAL_LIMIT and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def to_text(reply: Reply) -> str:
    """The reply as plain text for channels where the bot may not embed links."""
    return cut(reply.as_text(), CONTENT_LIMIT)
