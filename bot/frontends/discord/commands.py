"""The slash commands, the message context menu and the "did you mean" buttons."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import time
from typing import Any, TypedDict

import discord
from discord import app_commands
from discord.ext import commands

from bot.clock import DateOutOfRange, parse_iso_date
from bot.engine import foreign_names
from bot.frontends import exports, observe
from bot.frontends.commands import DISCORD, command_named
from bot.frontends.discord.checks import is_reload_admin, quota_check, reload_admin_check, take_quota
from bot.frontends.discord.cooldown import UserRateLimiter
from bot.frontends.discord.embeds import to_pages, to_texts
from bot.frontends.discord.errors import BadDate, NotReloadAdmin, report_interaction_error
from bot.frontends.discord.paging import PagerView
from bot.frontends.replies import AUTOCOMPLETE_LIMIT, CHOICE_NAME_LIMIT, CommandReplies, Reply
from bot.misses import FILE_NAME as MISSES_FILE
from bot.settings import Settings
from bot.textnorm import clean, normalize

log = logging.getLogger("bot.commands")
MENTION = re.compile(r"<@!?\d+>|<@&\d+>|<#\d+>|@everyone|@here")
CONTEXT_MENU = "Ask the treaty bot"
ASK, STATUS, WITHDRAWALS, PARTIES, TIMELINE, TREATY, ABOUT, RELOAD, HELP, CHART, MISSES = (
    command_named(name)
    for name in (
        "ask",
        "status",
        "withdrawals",
        "parties",
        "timeline",
        "treaty",
        "about",
        "reload",
        "help",
        "chart",
        "misses",
    )
)
# "from" is a Python keyword: the /chart option of that name is the parameter ``start``.
CHART_DESCRIPTIONS = {("start" if k == "from" else k): v for k, v in CHART.descriptions(DISCORD).items()}
FORMATS = [app_commands.Choice(name=fmt.upper(), value=fmt) for fmt in exports.FORMATS]
CHOICES_CACHED = 4096
"""How many autocomplete answers (facts, locale, text typed) are kept before the cache starts over."""
NO_MENTIONS = discord.AllowedMentions.none()
"""The mentions every reply allows: none. One object for all; discord.py reads it and never changes it."""


def strip_mentions(text: str) -> str:
    """The text of a message without user, role and channel mentions."""
    return " ".join(MENTION.sub(" ", text).split())


class NotMissesAdmin(NotReloadAdmin):
    """The user may not see the missed questions: the same people as may reload the facts."""

    def __init__(self) -> None:
        app_commands.CheckFailure.__init__(
            self,
            "Only members with the Manage Server permission or a configured admin role can see the missed "
            "questions.",
        )


def parse_as_of(value: str | None, *, option: str = "as_of") -> dt.date | None:
    """``as_of`` as a date; autocomplete and clients can send anything, so check it here."""
    if value is None or not value.strip():
        return None
    try:
        return parse_iso_date(value)
    except DateOutOfRange as exc:
        raise BadDate(value, reason=str(exc), option=option) from None
    except ValueError:
        raise BadDate(value, option=option) from None


class Message(TypedDict, total=False):
    """What a reply sends; a key left out is left out of the request."""

    content: str
    embed: discord.Embed
    file: discord.File
    view: discord.ui.View
    ephemeral: bool
    allowed_mentions: discord.AllowedMentions


class SuggestionButton(discord.ui.Button["SuggestionView"]):
    """Re-asks with one suggested question or state."""

    def __init__(self, suggestion: str, cog: TreatyCommands, *, public: bool) -> None:
        super().__init__(label=suggestion[:80], style=discord.ButtonStyle.secondary)
        self.suggestion = suggestion
        self.cog = cog
        self.public = public

    async def callback(self, interaction: discord.Interaction) -> None:
        await self.cog.ask_suggestion(interaction, self.suggestion, public=self.public)


class SuggestionView(discord.ui.View):
    """Buttons that re-ask with a suggested question or state."""

    def __init__(self, suggestions: list[str], cog: TreatyCommands, *, public: bool) -> None:
        super().__init__(timeout=300)
        for suggestion in suggestions[:3]:
            self.add_item(SuggestionButton(suggestion, cog, public=public))

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report_interaction_error(interaction, error)


class TreatyCommands(commands.Cog):
    """Slash commands and the message context menu."""

    def __init__(
        self,
        replies: CommandReplies,
        limiter: UserRateLimiter,
        settings: Settings,
        observers: observe.Observers | None = None,
    ) -> None:
        self.replies = replies
        self.observers = observers or observe.Observers()
        self.limiter = limiter
        self.settings = settings
        self._choices: dict[tuple[str, str, str], list[app_commands.Choice[str]]] = {}
        question = quota_check(limiter)
        # The cog's copies of its commands share one checks list with the class; give them their own.
        for command in (
            self.ask,
            self.status,
            self.withdrawals,
            self.parties,
            self.timeline,
            self.treaty,
            self.chart,
        ):
            command.checks = [question]
        self.reload.checks = [reload_admin_check(settings)]
        self.misses.checks = [reload_admin_check(settings, command="misses", refusal=NotMissesAdmin)]
        self.context_menu = app_commands.ContextMenu(name=CONTEXT_MENU, callback=self.ask_about_message)
        self.context_menu.add_check(question)
        self.context_menu.allowed_contexts = app_commands.AppCommandContext(
            guild=True, dm_channel=True, private_channel=True
        )

    async def send(
        self, interaction: discord.Interaction, reply: Reply, *, command: str, started: float
    ) -> None:
        """Send ``reply`` as the interaction's response (or follow-up after a defer): embeds where allowed,
        in pages with buttons when long; otherwise plain messages of at most 2,000 characters."""
        permissions = interaction.app_permissions if interaction.guild_id is not None else None
        if reply.attachment and permissions is not None and not permissions.attach_files:
            reply.attachment = None  # Discord would refuse the whole reply
            reply.body += "\n\n_(I may not attach files in this channel, so the file is left out.)_"
        message = Message(ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS)
        later: list[str] = []
        view: discord.ui.View | None = None
        suggestions = [SuggestionButton(s, self, public=not reply.ephemeral) for s in reply.suggestions[:3]]
        if permissions is None or permissions.embed_links:
            pages = to_pages(reply)
            message["embed"] = pages[0]
            if len(pages) > 1:
                view = PagerView(pages, owner_id=interaction.user.id, extra=list(suggestions))
        else:
            first, *later = to_texts(reply)
            message["content"] = first
        if view is None and suggestions:
            view = SuggestionView(reply.suggestions, self, public=not reply.ephemeral)
        if view is not None:
            message["view"] = view
        if reply.attachment:
            name, data = reply.attachment
            message["file"] = discord.File(
                io.BytesIO(data), filename=name, description=reply.attachment_description[:1024] or None
            )
        await self._deliver(interaction, message)
        if isinstance(view, PagerView):
            view.origin = interaction
        for text in later:
            await interaction.followup.send(
                content=text, ephemeral=reply.ephemeral, allowed_mentions=NO_MENTIONS
            )
        self._log(interaction, reply, command=command, started=started)

    @staticmethod
    async def _deliver(interaction: discord.Interaction, message: Message) -> None:
        if interaction.response.is_done():
            await interaction.followup.send(**message)
        else:
            await interaction.response.send_message(**message)

    def _log(self, interaction: discord.Interaction, reply: Reply, *, command: str, started: float) -> None:
        answer = reply.answer
        latency = (time.perf_counter() - started) * 1000
        if log.isEnabledFor(logging.INFO):
            log.info(
                "answered user=%s command=%s matched=%s states=%s latency_ms=%.1f",
                interaction.user.id,
                command,
                answer.matched if answer else True,
                ",".join(answer.states) if answer else "",
                latency,
            )
        frontend = {"context-menu": "context_menu", "did-you-mean": "button"}.get(command, "slash")
        self.observers.notify(
            observe.answered(
                frontend=frontend, command=command, answer=answer, latency_ms=latency, question=reply.question
            )
        )

    async def ask_suggestion(
        self, interaction: discord.Interaction, suggestion: str, *, public: bool
    ) -> None:
        """A "did you mean" button: ask again with the suggestion."""
        started = time.perf_counter()
        take_quota(self.limiter, interaction.user.id)
        reply = self.replies.ask(suggestion, public=public)
        await self.send(interaction, reply, command="did-you-mean", started=started)

    async def state_autocomplete(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Fuzzy state names, and names in the user's language ("Allemagne (Germany)"): at most 25 choices,
        names at most 100 characters; the value is the state's ISO code either way."""
        return list(self._cached_choices(interaction.locale, current))

    def state_choices(self, locale: discord.Locale, current: str) -> list[tuple[str, str]]:
        """``(name, iso3)`` choices: names in the locale's language that begin with what was typed, English
        names that do, names in the other languages the engine reads, then the English fuzzy matches."""
        return [(choice.name, choice.value) for choice in self._cached_choices(locale, current)]

    def _cached_choices(self, locale: discord.Locale, current: str) -> list[app_commands.Choice[str]]:
        """Kept for the facts in service: autocomplete asks again at each keystroke, and searching every
        language's names is most of an autocomplete's work."""
        key = (self.replies.store.kb.content_hash, locale.value, current)
        cached = self._choices.get(key)
        if cached is None:
            cached = [
                app_commands.Choice(name=name, value=value)
                for name, value in self._state_choices(locale, current)
            ]
            if len(self._choices) >= CHOICES_CACHED:
                self._choices.clear()
            self._choices[key] = cached
        return cached

    def _state_choices(self, locale: discord.Locale, current: str) -> list[tuple[str, str]]:
        english = self.replies.state_choices(current)
        typed = clean(current)[:100]
        if not typed:
            return english
        entities = self.replies.store.engine.entities
        language = foreign_names.catalogue_language(locale.value)
        own = entities.suggest_foreign(typed, [language]) if language else []
        others = (
            entities.suggest_foreign(typed, foreign_names.settings().languages) if len(typed) >= 3 else []
        )
        starting = [(name, iso3) for name, iso3 in english if name.lower().startswith(typed.lower())]
        merged: dict[str, str] = {}
        for iso3, name in own + [(iso3, name) for name, iso3 in starting] + others:
            merged.setdefault(iso3, self._choice_name(name, entities.state_names[iso3]))
        for name, iso3 in english:
            merged.setdefault(iso3, name)
        return [(name, iso3) for iso3, name in merged.items()][:AUTOCOMPLETE_LIMIT]

    @staticmethod
    def _choice_name(name: str, english: str) -> str:
        """ "Allemagne (Germany)"; the name alone when it is the English one."""
        shown = name if normalize(name) == normalize(english) else f"{name} ({english})"
        return shown[:CHOICE_NAME_LIMIT]

    @app_commands.command(name=ASK.name, description=ASK.description)
    @app_commands.describe(**ASK.descriptions(DISCORD))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def ask(self, interaction: discord.Interaction, question: str, public: bool = False) -> None:
        started = time.perf_counter()
        key = (interaction.user.id, interaction.channel_id)
        reply = self.replies.ask(question, public=public, conversation=key)
        await self.send(interaction, reply, command="ask", started=started)

    @app_commands.command(name=STATUS.name, description=STATUS.description)
    @app_commands.describe(**STATUS.descriptions(DISCORD))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def status(
        self, interaction: discord.Interaction, state: str, as_of: str | None = None, public: bool = False
    ) -> None:
        started = time.perf_counter()
        reply = self.replies.status(state, as_of=parse_as_of(as_of), public=public)
        await self.send(interaction, reply, command="status", started=started)

    @status.autocomplete("state")
    async def status_state(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.state_autocomplete(interaction, current)

    @app_commands.command(name=WITHDRAWALS.name, description=WITHDRAWALS.description)
    @app_commands.describe(**WITHDRAWALS.descriptions(DISCORD))
    @app_commands.choices(format=FORMATS)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def withdrawals(
        self,
        interaction: discord.Interaction,
        as_of: str | None = None,
        format: app_commands.Choice[str] | None = None,
        public: bool = False,
    ) -> None:
        started = time.perf_counter()
        on = parse_as_of(as_of)
        reply = self.replies.withdrawals(as_of=on, public=public, fmt=format.value if format else None)
        await self.send(interaction, reply, command="withdrawals", started=started)

    @app_commands.command(name=PARTIES.name, description=PARTIES.description)
    @app_commands.describe(**PARTIES.descriptions(DISCORD))
    @app_commands.choices(format=FORMATS)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def parties(
        self,
        interaction: discord.Interaction,
        as_of: str | None = None,
        format: app_commands.Choice[str] | None = None,
        public: bool = False,
    ) -> None:
        started = time.perf_counter()
        on = parse_as_of(as_of)
        await interaction.response.defer(ephemeral=not public, thinking=True)
        reply = self.replies.parties(as_of=on, public=public, fmt=format.value if format else "csv")
        await self.send(interaction, reply, command="parties", started=started)

    @app_commands.command(name=CHART.name, description=CHART.description)
    @app_commands.describe(**CHART_DESCRIPTIONS)
    @app_commands.rename(start="from")
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def chart(
        self,
        interaction: discord.Interaction,
        as_of: str | None = None,
        start: str | None = None,
        state: str | None = None,
        public: bool = False,
    ) -> None:
        started = time.perf_counter()
        on, since = parse_as_of(as_of), parse_as_of(start, option="from")
        await interaction.response.defer(ephemeral=not public, thinking=True)
        reply = await self.replies.chart(as_of=on, start=since, state=state, public=public)
        await self.send(interaction, reply, command="chart", started=started)

    @chart.autocomplete("state")
    async def chart_state(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.state_autocomplete(interaction, current)

    @app_commands.command(name=TIMELINE.name, description=TIMELINE.description)
    @app_commands.describe(**TIMELINE.descriptions(DISCORD))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def timeline(self, interaction: discord.Interaction, state: str, public: bool = False) -> None:
        started = time.perf_counter()
        reply = self.replies.timeline(state, public=public)
        await self.send(interaction, reply, command="timeline", started=started)

    @timeline.autocomplete("state")
    async def timeline_state(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.state_autocomplete(interaction, current)

    @app_commands.command(name=TREATY.name, description=TREATY.description)
    @app_commands.describe(**TREATY.descriptions(DISCORD))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def treaty(
        self, interaction: discord.Interaction, article: app_commands.Range[int, 1, 22], public: bool = False
    ) -> None:
        started = time.perf_counter()
        reply = self.replies.treaty(article, public=public)
        await self.send(interaction, reply, command="treaty", started=started)

    @app_commands.command(name=ABOUT.name, description=ABOUT.description)
    @app_commands.describe(**ABOUT.descriptions(DISCORD))
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def about(self, interaction: discord.Interaction) -> None:
        reply = self.replies.about(show_reloader=is_reload_admin(interaction, self.settings))
        await self.send(interaction, reply, command="about", started=time.perf_counter())

    @app_commands.command(name=HELP.name, description=HELP.description)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def help(self, interaction: discord.Interaction) -> None:
        await self.send(interaction, self.replies.help(), command="help", started=time.perf_counter())

    @app_commands.command(name=RELOAD.name, description=RELOAD.description)
    @app_commands.describe(**RELOAD.descriptions(DISCORD))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def reload(self, interaction: discord.Interaction) -> None:
        started = time.perf_counter()
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply, result = await self.replies.reload(
            user_id=str(interaction.user.id), user_name=str(interaction.user)
        )
        log.info(
            "reload by user %s: ok=%s hash %s -> %s",
            interaction.user.id,
            result.ok,
            result.hash_before[:12],
            result.hash_after[:12],
        )
        await self.send(interaction, reply, command="reload", started=started)

    @app_commands.command(name=MISSES.name, description=MISSES.description)
    @app_commands.describe(**MISSES.descriptions(DISCORD))
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def misses(
        self, interaction: discord.Interaction, since: str | None = None, public: bool = False
    ) -> None:
        started = time.perf_counter()
        day = parse_as_of(since, option="since")
        await interaction.response.defer(ephemeral=not public, thinking=True)
        reply = await self.replies.misses(
            self.settings.data_dir / MISSES_FILE,
            since=day,
            public=public,
            recording=self.settings.misses_log,
        )
        await self.send(interaction, reply, command="misses", started=started)

    async def ask_about_message(self, interaction: discord.Interaction, message: discord.Message) -> None:
        """Context menu: answer about the message it is used on."""
        started = time.perf_counter()
        text = strip_mentions(message.content or "")
        if not text.strip():
            reply = Reply(body="That message has no text I can read as a question.", ephemeral=True)
        else:
            reply = self.replies.ask(text)
        await self.send(interaction, reply, command="context-menu", started=started)
