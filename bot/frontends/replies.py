"""What each command replies, independent of Discord: the console and the bot render the same replies."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from bot import __version__, misses
from bot.clock import today_utc
from bot.engine.answer import Answer, Citation
from bot.engine.conversation import Conversations
from bot.engine.dates import format_date
from bot.engine.intents import Intent
from bot.engine.query import Query
from bot.engine.status import LABELS, STATUSES, status_counts
from bot.frontends import exports
from bot.frontends.commands import DISCORD, help_lines
from bot.frontends.text import citation_detail, snippet_text
from bot.service import AuditUnavailable, FactStore, ReloadResult
from bot.textnorm import clean

AUTOCOMPLETE_LIMIT = 25
CHOICE_NAME_LIMIT = 100


@dataclass(slots=True)
class Reply:
    """A reply to a command: text, numbered sources, a footer, and how to send it."""

    body: str
    title: str = ""
    sources: list[Citation] = field(default_factory=list)
    footer: str = ""
    ephemeral: bool = False
    suggestions: list[str] = field(default_factory=list)
    attachment: tuple[str, bytes] | None = None
    answer: Answer | None = None
    attachment_description: str = ""  # the attachment in words (alt text)
    question: str = ""  # the question asked, when the reply answers one

    def as_text(self) -> str:
        """The reply as plain text (console, and Discord where embeds are not allowed)."""
        lines = [f"**{self.title}**"] if self.title else []
        lines.append(self.body)
        if self.suggestions:
            lines += ["", "Did you mean:"] + [f"  • {s}" for s in self.suggestions]
        if self.sources:
            lines += ["", "Sources:"]
            for number, source in enumerate(self.sources, start=1):
                lines.append(f"[{number}] {source.title} — {citation_detail(source)} <{source.url}>")
                if source.snippet:
                    lines.append(f"    {snippet_text(source)}")
        if self.attachment:
            lines += ["", f"(attached: {self.attachment[0]}, {len(self.attachment[1])} bytes)"]
        if self.footer:
            lines += ["", f"_{self.footer}_"]
        return "\n".join(lines)


def _built(stamp: str) -> str:
    """``2026-11-29T10:28:36+00:00`` as ``2026-11-29 10:28:36 UTC``."""
    return stamp.replace("T", " ").replace("+00:00", " UTC") if stamp else "unknown"


def _compared(as_at: dt.date | None) -> str:
    """The line that says which depositary page the states were last compared with."""
    if as_at is None:
        return "States not yet compared with a depositary status page"
    return f"States last compared with the depositary status page as at {format_date(as_at)}"


class CommandReplies:
    """The logic behind /ask, /status, /withdrawals, /parties, /timeline, /treaty, /about and /reload."""

    def __init__(self, store: FactStore, *, clock: Callable[[], dt.date] | None = None) -> None:
        self.store = store
        self.clock = clock or today_utc
        self._choices: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.conversations = Conversations()

    # -- helpers
    def _footer(self, answer: Answer | None, on: dt.date) -> str:
        kb = self.store.kb
        built = _built(kb.built_at) if kb.built_at else "not built"
        when = (
            format_date(dt.date.fromisoformat(answer.date_asked))
            if answer and answer.date_asked
            else format_date(on)
        )
        return (
            f"Answer for {when} · facts reviewed {format_date(kb.reviewed)} · "
            f"fact base {kb.content_hash[:12]} built {built}"
        )

    def from_answer(self, answer: Answer, *, on: dt.date, public: bool = False) -> Reply:
        """Turn an engine answer into a reply; declines are always ephemeral."""
        return Reply(
            body=answer.text,
            sources=list(answer.citations),
            footer=self._footer(answer, on) if answer.matched and answer.citations else "",
            ephemeral=not answer.matched or not public,
            suggestions=list(answer.suggestions),
            answer=answer,
        )

    # -- commands
    def ask(
        self,
        question: str,
        *,
        public: bool = False,
        as_of: dt.date | None = None,
        conversation: Hashable | None = None,
    ) -> Reply:
        """Answer a question; with a ``conversation`` key, follow-ups use the questions before it."""
        today = as_of or self.clock()
        engine = self.store.engine
        if conversation is None:
            answer = engine.ask(question, as_of=today)
        else:
            answer = self.conversations.ask(engine, conversation, question, as_of=today)
        reply = self.from_answer(answer, on=today, public=public)
        reply.question = question
        return reply

    def resolve_state(self, text: str) -> tuple[str | None, list[str]]:
        """The ISO code ``text`` names (autocomplete is only a hint), or None with suggestions."""
        entities = self.store.engine.entities
        code = entities.resolve_state(clean(text)[:100])
        if code is not None:
            return code, []
        return None, [name for name, _ in self.state_choices(text)[:3]]

    def state_choices(self, current: str) -> list[tuple[str, str]]:
        """Autocomplete for a state: at most 25 (name, value) pairs, names at most 100 characters."""
        current = clean(current)[:100]
        key = (self.store.kb.content_hash, current.lower())
        cached = self._choices.get(key)
        if cached is None:
            suggested = self.store.engine.entities.suggest_states(current, limit=AUTOCOMPLETE_LIMIT)
            cached = [(name[:CHOICE_NAME_LIMIT], iso3) for iso3, name in suggested]
            if len(self._choices) > 4096:
                self._choices.clear()
            self._choices[key] = cached
        return list(cached)

    def status(self, state: str, *, as_of: dt.date | None = None, public: bool = False) -> Reply:
        iso3, suggestions = self.resolve_state(state)
        if iso3 is None:
            return Reply(body="I don't know a state by that name.", ephemeral=True, suggestions=suggestions)
        on = as_of or self.clock()
        name = self.store.kb.states[iso3].name
        answer = self.store.engine.answer(Query(Intent.STATUS, states=(iso3,), today=on))
        reply = self.from_answer(answer, on=on, public=public)
        reply.title = f"{name}: status on {format_date(on)}"
        return reply

    def withdrawals(
        self, *, as_of: dt.date | None = None, public: bool = False, fmt: str | None = None
    ) -> Reply:
        """Every withdrawal; with ``fmt`` (csv or json), the list as an attached file too."""
        on = as_of or self.clock()
        answer = self.store.engine.answer(Query(Intent.LIST_WITHDRAWN, today=on))
        reply = self.from_answer(answer, on=on, public=public)
        reply.title = f"Withdrawals as of {format_date(on)}"
        if fmt:
            kb = self.store.kb
            rows = exports.withdrawals(kb, on)
            reply.attachment = exports.export(rows, kb=kb, on=on, kind="withdrawals", fmt=fmt)
        return reply

    def parties(self, *, as_of: dt.date | None = None, public: bool = False, fmt: str = "csv") -> Reply:
        """The number of States Parties, with the list attached as CSV (or JSON)."""
        on = as_of or self.clock()
        answer = self.store.engine.answer(Query(Intent.COUNT, today=on))
        reply = self.from_answer(answer, on=on, public=public)
        reply.title = f"States Parties on {format_date(on)}"
        kb = self.store.kb
        rows = exports.states_parties(kb, on)
        reply.attachment = exports.export(rows, kb=kb, on=on, kind="states-parties", fmt=fmt)
        return reply

    async def chart(
        self,
        *,
        as_of: dt.date | None = None,
        start: dt.date | None = None,
        state: str | None = None,
        public: bool = False,
    ) -> Reply:
        """A PNG of the number of States Parties over time, with one state's own steps when named."""
        from bot.frontends.chart import chart

        on = as_of or self.clock()
        if start is not None and start > on:
            return Reply(body="The chart's start must be on or before its end date.", ephemeral=True)
        iso3 = None
        if state and state.strip():
            iso3, suggestions = self.resolve_state(state)
            if iso3 is None:
                return Reply(
                    body="I don't know a state by that name.", ephemeral=True, suggestions=suggestions
                )
        kb = self.store.kb
        try:
            made = await chart(kb, as_of=on, start=start, state=iso3)
        except ValueError as exc:  # a period the chart cannot show, e.g. one ending before the first party
            return Reply(body=f"I cannot draw that chart: {exc}.", ephemeral=True)
        reply = Reply(
            body=made.alt_text,
            title=f"States Parties to {format_date(on)}",
            footer=self._footer(None, on),
            ephemeral=not public,
        )
        reply.attachment = (made.filename, made.png)
        reply.attachment_description = made.alt_text
        return reply

    def help(self) -> Reply:
        """Every Discord command with one line, and example questions."""
        return Reply(body="\n".join(help_lines(DISCORD)), title="Ottawa Treaty Bot: help", ephemeral=True)

    def timeline(self, state: str, *, public: bool = False) -> Reply:
        iso3, suggestions = self.resolve_state(state)
        if iso3 is None:
            return Reply(body="I don't know a state by that name.", ephemeral=True, suggestions=suggestions)
        on = self.clock()
        name = self.store.kb.states[iso3].name
        answer = self.store.engine.answer(Query(Intent.TIMELINE, states=(iso3,), today=on))
        reply = self.from_answer(answer, on=on, public=public)
        reply.title = f"{name}: timeline"
        return reply

    def treaty(self, article: int, *, public: bool = False) -> Reply:
        on = self.clock()
        if not 1 <= article <= 22:
            return Reply(body="The Convention has 22 articles; choose a number from 1 to 22.", ephemeral=True)
        answer = self.store.engine.answer(Query(Intent.FACT, article=article, today=on))
        return self.from_answer(answer, on=on, public=public)

    def about(self, *, show_reloader: bool = False) -> Reply:
        """Version, review dates, build, counts and the last reload; who reloaded only for admins."""
        kb = self.store.kb
        on = self.clock()
        counts = status_counts(kb.states.values(), on)
        lines = [
            f"Ottawa Treaty Bot {__version__}",
            f"Facts reviewed against the depositary record on {format_date(kb.reviewed)}",
            _compared(kb.depositary_as_at),
            f"Fact base {kb.content_hash[:12]}, built {_built(kb.built_at)}",
            f"{len(kb.states)} states, {len(kb.aliases)} aliases, {len(kb.groups)} groups, {len(kb.events)} events, "
            f"{len(kb.facts)} treaty facts, {len(kb.sources)} sources",
            f"Answers are computed for {format_date(on)} (UTC) unless a question names another date.",
            f"On {format_date(on)}: "
            + "; ".join(f"{LABELS[code]}: {counts.get(code, 0)}" for code in STATUSES),
            self._last_reload(show_reloader=show_reloader),
        ]
        return Reply(body="\n".join(lines), title="About", ephemeral=True)

    def _last_reload(self, *, show_reloader: bool) -> str:
        try:
            last = self.store.audit.last()
        except AuditUnavailable:
            return "Last reload: unknown (audit log unavailable)"
        if not last:
            return "Last reload: none since the audit log was created"
        outcome = "succeeded" if last["ok"] else "failed; the facts before it stayed in service"
        who = f" by {last['user_name'] or last['user_id']}" if show_reloader else ""
        return f"Last reload: {_built(str(last['at']))}{who}, {outcome}"

    async def reload(self, *, user_id: str, user_name: str) -> tuple[Reply, ReloadResult]:
        result = await self.store.reload(user_id=user_id, user_name=user_name)
        body = result.summary() + (f"\n{_compared(self.store.kb.depositary_as_at)}" if result.ok else "")
        return Reply(body=body, title="Reload", ephemeral=True), result

    async def misses(
        self, path: Path, *, since: dt.date | None = None, public: bool = False, recording: bool = True
    ) -> Reply:
        """The questions recorded in the misses log at ``path``, similar wordings grouped: the top 25 groups,
        most frequent first, each with its outcomes and when it was last asked."""
        title = "Missed questions" + (f" since {format_date(since)}" if since else "")
        notes = [] if recording else ["MISSES_LOG is off: new misses are not recorded"]
        try:
            groups = await asyncio.to_thread(misses.load_groups, path, since=since)
        except (OSError, sqlite3.Error):
            return Reply(body="The misses log cannot be read.", title=title, ephemeral=True)
        if not groups:
            body = misses.NOTHING if groups is None else "No missed questions in that time."
            return Reply(body=body, title=title, footer=" · ".join(notes), ephemeral=not public)
        total, shown = sum(g.count for g in groups), min(len(groups), misses.TOP_GROUPS)
        summary = f"{total} missed in {len(groups)} group(s)"
        if shown < len(groups):
            summary += f", the {shown} most frequent shown"
        return Reply(
            body="\n".join(misses.markdown_lines(groups, limit=shown)),
            title=title,
            footer=" · ".join([summary, *notes]),
            ephemeral=not public,
        )
