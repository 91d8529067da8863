"""The slash commands, the message context menu and the "did you mean" buttons."""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.frontends.discord.embeds import to_embed, to_text
from bot.frontends.replies import Reply

if TYPE_CHECKING:
    from bot.frontends.discord.app import TreatyBotMixin

log = logging.getLogger("bot.commands")


class NotReloadAdmin(app_commands.CheckFailure):
    """The user may not reload the fact base."""


class BadDate(app_commands.AppCommandError):
    """An ``as_of`` option that is not a YYYY-MM-DD date."""


def parse_as_of(value: str | None) -> dt.date | None:
    """``as_of`` as a date; autocomplete and clients can send anything, so check it here."""
    if value is None or not value.strip():
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise BadDate(
            f"`as_of` must be a date like 2026-02-20, not {discord.utils.escape_markdown(value[:40])!r}."
        ) from None


def is_reload_admin(interaction: discord.Interaction) -> bool:
    """Manage Server, or a configured admin user or role."""
    settings = interaction.client.settings  # type: ignore[attr-defined]
    user = interaction.user
    if user.id in settings.admin_user_ids:
        return True
    if isinstance(user, discord.Member):
        # The permissions Discord resolved for this interaction are authoritative.
        if interaction.permissions.manage_guild or user.guild_permissions.manage_guild:
            return True
        # Role ids come with the interaction even when the guild's roles are not cached.
        role_ids = {role.id for role in user.roles} | set(getattr(user, "_roles", ()))
        if role_ids & settings.admin_role_ids:
            return True
    return False


def reload_admin_only() -> app_commands.check:
    async def predicate(interaction: discord.Interaction) -> bool:
        if is_reload_admin(interaction):
            return True
        log.warning("refused /reload for user %s in guild %s", interaction.user.id, interaction.guild_id)
        raise NotReloadAdmin(
            "Only members with the Manage Server permission or a configured admin role may reload."
        )

    return app_commands.check(predicate)


def cooldown_text(retry_after: float) -> str:
    """What a user who asks too quickly is told."""
    return f"You're asking quickly; try again in {math.ceil(retry_after)} s."


async def within_cooldown(interaction: discord.Interaction) -> bool:
    """Count a question against the user's limit; raise ``CommandOnCooldown`` past it."""
    limiter = interaction.client.limiter  # type: ignore[attr-defined]
    retry_after = limiter.hit(interaction.user.id)
    if retry_after:
        raise app_commands.CommandOnCooldown(app_commands.Cooldown(limiter.rate, limiter.per), retry_after)
    return True


def question_cooldown() -> app_commands.check:
    return app_commands.check(within_cooldown)


async def send_reply(interaction: discord.Interaction, reply: Reply, *, command: str, started: float) -> None:
    """Send ``reply`` as the interaction's response (or follow-up after a defer), with embeds where allowed."""
    kwargs: dict[str, object] = {
        "ephemeral": reply.ephemeral,
        "allowed_mentions": discord.AllowedMentions.none(),
    }
    embed_ok = interaction.guild_id is None or interaction.app_permissions.embed_links
    if embed_ok:
        kwargs["embed"] = to_embed(reply)
    else:
        kwargs["content"] = to_text(reply)
    if reply.attachment:
        name, data = reply.attachment
        kwargs["file"] = discord.File(io.BytesIO(data), filename=name)
    if reply.suggestions:
        kwargs["view"] = SuggestionView(reply.suggestions, public=not reply.ephemeral)
    if interaction.response.is_done():
        await interaction.followup.send(**kwargs)  # type: ignore[arg-type]
    else:
        await interaction.response.send_message(**kwargs)  # type: ignore[arg-type]
    answer = reply.answer
    log.info(
        "answered user=%s command=%s matched=%s states=%s latency_ms=%.1f",
        interaction.user.id,
        command,
        answer.matched if answer else True,
        ",".join(answer.states) if answer else "",
        (time.perf_counter() - started) * 1000,
    )


class SuggestionView(discord.ui.View):
    """Buttons that re-ask with a suggested question or state."""

    def __init__(self, suggestions: list[str], *, public: bool) -> None:
        super().__init__(timeout=300)
        self.public = public
        for suggestion in suggestions[:3]:
            button: discord.ui.Button[SuggestionView] = discord.ui.Button(
                label=suggestion[:80], style=discord.ButtonStyle.secondary
            )
            button.callback = self._make_callback(suggestion)  # type: ignore[method-assign]
            self.add_item(button)

    def _make_callback(self, suggestion: str):
        async def callback(interaction: discord.Interaction) -> None:
            started = time.perf_counter()
            bot = interaction.client
            retry_after = bot.limiter.hit(interaction.user.id)  # type: ignore[attr-defined]
            if retry_after:
                await interaction.response.send_message(cooldown_text(retry_after), ephemeral=True)
                return
            reply = bot.replies.ask(suggestion, public=self.public)  # type: ignore[attr-defined]
            await send_reply(interaction, reply, command="did-you-mean", started=started)

        return callback


class TreatyCommands(commands.Cog):
    """Slash commands and the message context menu."""

    def __init__(self, bot: TreatyBotMixin) -> None:
        self.bot = bot
        self.context_menu = app_commands.ContextMenu(
            name="Ask the treaty bot", callback=self.ask_about_message
        )
        self.context_menu.add_check(within_cooldown)
        self.context_menu.allowed_contexts = app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        )

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.context_menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.context_menu.name, type=self.context_menu.type)

    async def state_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Fuzzy state names: at most 25 choices, names at most 100 characters."""
        return [
            app_commands.Choice(name=name, value=value)
            for name, value in self.bot.replies.state_choices(current)
        ]

    @app_commands.command(name="ask", description="Ask a question about the Ottawa Mine Ban Convention.")
    @app_commands.describe(
        question="Your question, e.g. 'Has Finland left?'", public="Show the answer to everyone"
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @question_cooldown()
    async def ask(self, interaction: discord.Interaction, question: str, public: bool = False) -> None:
        started = time.perf_counter()
        reply = self.bot.replies.ask(question, public=public)
        await send_reply(interaction, reply, command="ask", started=started)

    @app_commands.command(name="status", description="One state's status and dates, with sources.")
    @app_commands.describe(
        state="A state's name", as_of="Date to compute the status for (YYYY-MM-DD)", public="Show to everyone"
    )
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @question_cooldown()
    async def status(
        self, interaction: discord.Interaction, state: str, as_of: str | None = None, public: bool = False
    ) -> None:
        started = time.perf_counter()
        reply = self.bot.replies.status(state, as_of=parse_as_of(as_of), public=public)
        await send_reply(interaction, reply, command="status", started=started)

    @status.autocomplete("state")
    async def status_state(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.state_autocomplete(interaction, current)

    @app_commands.command(name="withdrawals", description="Every state that has withdrawn or is withdrawing.")
    @app_commands.describe(as_of="Date (YYYY-MM-DD)", public="Show to everyone")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @question_cooldown()
    async def withdrawals(
        self, interaction: discord.Interaction, as_of: str | None = None, public: bool = False
    ) -> None:
        started = time.perf_counter()
        reply = self.bot.replies.withdrawals(as_of=parse_as_of(as_of), public=public)
        await send_reply(interaction, reply, command="withdrawals", started=started)

    @app_commands.command(
        name="parties", description="How many States Parties on a date, with the full list as CSV."
    )
    @app_commands.describe(as_of="Date (YYYY-MM-DD)", public="Show to everyone")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @question_cooldown()
    async def parties(
        self, interaction: discord.Interaction, as_of: str | None = None, public: bool = False
    ) -> None:
        started = time.perf_counter()
        on = parse_as_of(as_of)
        await interaction.response.defer(ephemeral=not public, thinking=True)
        reply = self.bot.replies.parties(as_of=on, public=public)
        await send_reply(interaction, reply, command="parties", started=started)

    @app_commands.command(name="timeline", description="A state's dated events, with sources.")
    @app_commands.describe(state="A state's name", public="Show to everyone")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @question_cooldown()
    async def timeline(self, interaction: discord.Interaction, state: str, public: bool = False) -> None:
        started = time.perf_counter()
        reply = self.bot.replies.timeline(state, public=public)
        await send_reply(interaction, reply, command="timeline", started=started)

    @timeline.autocomplete("state")
    async def timeline_state(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.state_autocomplete(interaction, current)

    @app_commands.command(name="treaty", description="What an article of the Convention says.")
    @app_commands.describe(article="Article number, 1 to 22", public="Show to everyone")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @question_cooldown()
    async def treaty(
        self, interaction: discord.Interaction, article: app_commands.Range[int, 1, 22], public: bool = False
    ) -> None:
        started = time.perf_counter()
        reply = self.bot.replies.treaty(article, public=public)
        await send_reply(interaction, reply, command="treaty", started=started)

    @app_commands.command(name="about", description="Version, fact-base build, sources and the last reload.")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def about(self, interaction: discord.Interaction) -> None:
        await send_reply(interaction, self.bot.replies.about(), command="about", started=time.perf_counter())

    @app_commands.command(name="reload", description="Admins: re-read, validate and rebuild the fact base.")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    @reload_admin_only()
    async def reload(self, interaction: discord.Interaction) -> None:
        started = time.perf_counter()
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply, result = await self.bot.replies.reload(
            user_id=str(interaction.user.id), user_name=str(interaction.user)
        )
        log.info(
            "reload by user %s: ok=%s hash %s -> %s",
            interaction.user.id,
            result.ok,
            result.hash_before[:12],
            result.hash_after[:12],
        )
        await send_reply(interaction, reply, command="reload", started=started)

    async def ask_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Context menu: answer about the message it is used on."""
        started = time.perf_counter()
        text = self.bot.strip_mentions(message.content or "")
        if not text.strip():
            reply = Reply(body="That message has no text I can read as a question.", ephemeral=True)
        else:
            reply = self.bot.replies.ask(text)
        await send_reply(interaction, reply, command="context-menu", started=started)
