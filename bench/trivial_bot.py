"""A trivial discord.py bot for the load bench: one /ping slash command that answers "pong".

It is the baseline the real bot is measured against: the same library, the same gateway and REST path
and the same process boundary, with no work of its own. It reads the settings the real bot reads for its
connection (DISCORD_TOKEN, DISCORD_API_BASE, DISCORD_GATEWAY_URL, LOG_LEVEL) and, like it, asks for the
guilds and message intents and logs to stderr. Run: python bench/trivial_bot.py

With TRIVIAL_REPLY=embed it answers every /ping with one fixed ephemeral embed the size of a typical
answer of the real bot (a title, a paragraph, three source fields and a footer: about 1.7 KB of JSON), so
that the cost of sending such a reply through discord.py is measured apart from the work of making it.
"""

from __future__ import annotations

import logging
import os

import discord
import yarl
from discord import app_commands


class PingBot(discord.Client):
    """A client with a command tree holding only /ping."""

    def __init__(self) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        intents.guild_messages = True
        intents.dm_messages = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(app_commands.Command(name="ping", description="Answers pong.", callback=ping))


FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt. "


def sized_embed() -> discord.Embed:
    """A fixed embed shaped like a typical answer: filler text only, no facts."""
    embed = discord.Embed(title="Pong: a reply the size of an answer", description=FILLER * 5)
    for number in range(1, 4):
        embed.add_field(
            name=f"[{number}] {FILLER[:100]}",
            value=f"[{FILLER[:60]}](https://example.org/source/{number})\n{FILLER * 3}",
            inline=False,
        )
    return embed.set_footer(text=FILLER[:120])


EMBED = sized_embed()


async def ping(interaction: discord.Interaction) -> None:
    if os.environ.get("TRIVIAL_REPLY") == "embed":
        await interaction.response.send_message(embed=EMBED, ephemeral=True)
    else:
        await interaction.response.send_message("pong")


def main() -> None:
    if base := os.environ.get("DISCORD_API_BASE"):
        discord.http.Route.BASE = base.rstrip("/")
    if gateway := os.environ.get("DISCORD_GATEWAY_URL"):
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    discord.VoiceClient.warn_nacl = False
    level = getattr(logging, os.environ.get("LOG_LEVEL", "INFO").upper(), logging.INFO)
    discord.utils.setup_logging(level=level)
    PingBot().run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
