"""The Discord bot: the Bot subclasses, @mention lookups, the error handlers, and run/sync."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.frontends import observe
from bot.frontends.discord.checks import channel_permissions, may_react, may_reply, take_quota
from bot.frontends.discord.commands import TreatyCommands, strip_mentions
from bot.frontends.discord.cooldown import CooldownNotices, MentionDeduplicator, UserRateLimiter
from bot.frontends.discord.embeds import to_pages, to_texts
from bot.frontends.discord.errors import (
    incident_text,
    new_incident,
    report_interaction_error,
    startup_failure,
    user_message,
)
from bot.frontends.discord.health import GatewayWatch, HealthServer
from bot.frontends.discord.paging import PagerView
from bot.frontends.discord.translator import TreatyTranslator
from bot.frontends.replies import CommandReplies, Reply
from bot.logs import WIRE_LOGGERS as WIRE_LOGGERS
from bot.logs import configure_wire_logging as configure_wire_logging
from bot.logs import log_answer, setup_logging
from bot.metrics import Metrics
from bot.misses import misses_observer
from bot.service import FactStore, ReloadResult
from bot.settings import Settings

log = logging.getLogger("bot")
DRAIN_SECONDS = 5.0
"""How long answers in progress may take to finish after SIGTERM or SIGINT."""
CLOSE_SECONDS = 4.0
"""How long closing the gateway and the HTTP session may take after that."""
IDENTIFY_SPACING = 5.0
"""Discord allows one IDENTIFY per 5 s in each max_concurrency bucket."""
GATED_EVENTS = ("INTERACTION_CREATE", "MESSAGE_CREATE")
"""The gateway events that start work the bot must finish before it closes."""
COOLDOWN_REACTION = "\N{HOURGLASS WITH FLOWING SAND}"
"""What a mention gets, when the bot may react, once its author has been told they ask too quickly."""


def identify_delay(last: float | None, now: float, spacing: float = IDENTIFY_SPACING) -> float:
    """Seconds to wait before an IDENTIFY so that it comes ``spacing`` s after the bucket's last one."""
    if last is None:
        return 0.0
    return max(0.0, last + spacing - now)


@contextlib.contextmanager
def created_tasks() -> Iterator[list[asyncio.Task[Any]]]:
    """The tasks created on the running loop inside the ``with`` block, gathered as they are created.

    Cheaper than comparing ``asyncio.all_tasks()`` before and after, which walks every task alive: under
    load that walk, twice per interaction, was a twentieth of the bot's time."""
    loop = asyncio.get_running_loop()
    previous = loop.get_task_factory()
    started: list[asyncio.Task[Any]] = []

    def factory(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Future[Any]:
        task = previous(loop, coro, **options) if previous else asyncio.Task(coro, loop=loop, **options)
        if isinstance(task, asyncio.Task):
            started.append(task)
        return task

    loop.set_task_factory(factory)
    try:
        yield started
    finally:
        loop.set_task_factory(previous)


class IdentifyPacer:
    """When each max_concurrency bucket may IDENTIFY next: ``spacing`` s after its last IDENTIFY."""

    def __init__(
        self, spacing: float = IDENTIFY_SPACING, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.spacing = spacing
        self.clock = clock
        self.last: dict[int, float] = {}

    def claim(self, bucket: int) -> float:
        """Take the bucket's next IDENTIFY slot; return the seconds to wait for it."""
        now = self.clock()
        delay = identify_delay(self.last.get(bucket), now, self.spacing)
        self.last[bucket] = now + delay  # taken before the wait: another shard waits its own turn
        return delay


class CountedRateLimiter(UserRateLimiter):
    """The per-user question limit, telling ``on_refusal`` about each question it refuses."""

    def __init__(self, rate: int, per: float, *, on_refusal: Callable[[], None]) -> None:
        super().__init__(rate, per)
        self.on_refusal = on_refusal

    def hit(self, user_id: int) -> float:
        """Record a question; return 0 if allowed, else (after counting the refusal) the seconds to wait."""
        retry_after = super().hit(user_id)
        if retry_after:
            self.on_refusal()
        return retry_after


class WatchedFactStore(FactStore):
    """The fact store, with when the facts in service were swapped in and listeners told of each reload."""

    def __init__(self, *, knowledge_dir: Path, database: Path) -> None:
        super().__init__(knowledge_dir=knowledge_dir, database=database)
        self.loaded_at = dt.datetime.now(dt.UTC)
        self.reload_listeners: list[Callable[[bool], None]] = []

    async def reload(self, *, user_id: str = "", user_name: str = "") -> ReloadResult:
        """Reload as :class:`FactStore` does; then note the time of a swap and tell the listeners."""
        ok = False
        try:
            result = await super().reload(user_id=user_id, user_name=user_name)
            ok = result.ok
            if ok:
                self.loaded_at = dt.datetime.now(dt.UTC)
            return result
        finally:
            for listener in self.reload_listeners:
                listener(ok)

    async def follow_stamp(self) -> bool:
        """Follow another process's reload as :class:`FactStore` does; note the time of a swap."""
        swapped = await super().follow_stamp()
        if swapped:
            self.loaded_at = dt.datetime.now(dt.UTC)
        return swapped


def apply_endpoints(settings: Settings) -> None:
    """Point discord.py at a REST proxy or gateway other than Discord's own, when configured."""
    if settings.api_base:
        discord.http.Route.BASE = settings.api_base.rstrip("/")
    if settings.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)


def intents() -> discord.Intents:
    """Guilds and messages, without the privileged message-content intent (mentions still carry content)."""
    value = discord.Intents.none()
    value.guilds = True
    value.guild_messages = True
    value.dm_messages = True
    return value


class TreatyTree(app_commands.CommandTree):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        original = getattr(error, "original", error)
        metrics = getattr(self.client, "metrics", None)
        if isinstance(original, discord.HTTPException) and original.status == 429 and metrics is not None:
            metrics.discord_rate_limited()  # a 429 discord.py does not wait out (no Via header) logs no warning
        await report_interaction_error(interaction, error)


class TreatyBot(commands.Bot):
    """The bot: the commands cog, answers to @mentions, and one rate limit for both."""

    def __init__(self, settings: Settings, replies: CommandReplies, **options: Any) -> None:
        metrics = Metrics(reviewed=self._facts_reviewed)
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            allowed_mentions=discord.AllowedMentions.none(),  # no reply can ping anyone
            help_command=None,
            tree_cls=TreatyTree,
            **options,
        )
        self.settings = settings
        self.replies = replies
        self.metrics = metrics
        self.gateway_watch = GatewayWatch()
        self.limiter = CountedRateLimiter(5, 10.0, on_refusal=metrics.cooldown_hit)
        self.observers = observe.Observers()  # metrics and the misses log subscribe here
        self.observers.subscribe(metrics.observe)
        if (misses := misses_observer(settings)) is not None:
            self.observers.subscribe(misses)
        self._follower: asyncio.Task[None] | None = None
        self._stop_counting_rate_limits: Callable[[], None] = lambda: None
        if settings.log_format == "json":
            self.observers.subscribe(log_answer)  # the same answers, with their fields as structure
        store = getattr(replies, "store", None)
        if isinstance(store, WatchedFactStore):
            store.reload_listeners.append(metrics.reloaded)
        self.cooldown_notices = CooldownNotices(clock=self.limiter.clock)
        self.dedupe = MentionDeduplicator(30.0)
        self.step = "while logging in"  # what the bot is doing, for the message if that fails
        self.draining = False
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.ignored = 0
        self.max_concurrency: int | None = None
        self.identify_pacer = IdentifyPacer()
        parsers = self._connection.parsers
        for event in GATED_EVENTS:
            parsers[event] = self._gated(event, parsers[event])

    def _facts_reviewed(self) -> dt.date | None:
        """When the facts in service were reviewed; None before there are any."""
        kb = getattr(getattr(getattr(self, "replies", None), "store", None), "kb", None)
        reviewed = getattr(kb, "reviewed", None)
        return reviewed if isinstance(reviewed, dt.date) else None

    def _gated(self, event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
        """``parse`` that drops the event while draining, and otherwise tracks the tasks it starts."""

        def gated(data: Any) -> None:
            if self.draining:
                self.ignored += 1
                log.debug("ignored %s: shutting down", event)
                return
            with created_tasks() as started:
                try:
                    parse(data)  # synchronous: every task created meanwhile handles this event
                finally:
                    for task in started:
                        self.in_flight.add(task)
                        task.add_done_callback(self.in_flight.discard)

        return gated

    async def drain(self, timeout: float = DRAIN_SECONDS) -> None:
        """Take no new interactions or mentions; give those being answered up to ``timeout`` s to finish."""
        self.draining = True
        pending = set(self.in_flight)
        if not pending:
            return
        log.info("finishing %d answer(s) in progress", len(pending))
        _, late = await asyncio.wait(pending, timeout=timeout)
        if late:
            log.warning("stopping %d answer(s) still running after %.0f s", len(late), timeout)
            for task in late:
                task.cancel()
            await asyncio.wait(late, timeout=1.0)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Wait only as long as Discord's limit needs: 5 s after the last IDENTIFY in the same bucket."""
        delay = self.identify_pacer.claim(await self.identify_bucket(shard_id))
        if delay > 0:
            log.info(
                "identifying in %.1f s: Discord allows one IDENTIFY per %.0f s",
                delay,
                self.identify_pacer.spacing,
            )
            await asyncio.sleep(delay)

    async def identify_bucket(self, shard_id: int | None) -> int:
        """The shard's max_concurrency bucket: ``shard_id % max_concurrency`` (0 when not sharded)."""
        if shard_id is None:
            return 0
        if self.max_concurrency is None:
            self.max_concurrency = await self._fetch_max_concurrency()
        return shard_id % self.max_concurrency

    async def _fetch_max_concurrency(self) -> int:
        """``max_concurrency`` from GET /gateway/bot; 1 (one shard at a time) if Discord does not say."""
        try:
            _, _, limits = await asyncio.wait_for(self.http.get_bot_gateway(), timeout=10.0)
            return max(1, int(limits["max_concurrency"]))
        except (
            discord.DiscordException,
            aiohttp.ClientError,
            OSError,
            LookupError,
            TypeError,
            ValueError,
        ) as error:
            log.debug("no max_concurrency from GET /gateway/bot (%r); identifying one shard at a time", error)
            return 1

    async def setup_hook(self) -> None:
        """The commands and the context menu, with their names and descriptions in other languages."""
        self._stop_counting_rate_limits = self.metrics.watch_discord_rate_limits()
        await self.tree.set_translator(TreatyTranslator())
        cog = TreatyCommands(self.replies, self.limiter, self.settings, self.observers)
        await self.add_cog(cog)
        self.tree.add_command(cog.context_menu)
        if self.settings.sync_on_start and self.settings.dev_guild_id:
            synced = await self.sync_to(self.settings.dev_guild_id)
            log.info("synced %d commands to development guild %s", len(synced), self.settings.dev_guild_id)
        store = getattr(self.replies, "store", None)
        if isinstance(store, FactStore):  # other processes sharing the data folder may reload the facts
            self._follower = asyncio.create_task(store.follow_reloads(), name="follow-reloads")
        self.step = "while connecting to the gateway"

    async def close(self) -> None:
        """Stop following other processes' reloads, then close the connections."""
        if self._follower is not None:
            self._follower.cancel()
        await super().close()
        self._stop_counting_rate_limits()

    async def sync_to(self, guild_id: int | None) -> list[app_commands.AppCommand]:
        """Register the commands with Discord: in one guild (global ones copied there), or globally."""
        app = self.application_id
        if not guild_id:
            self.step = f"while syncing commands (PUT /applications/{app}/commands)"
            return await self.tree.sync()
        self.step = (
            f"while syncing commands to guild {guild_id} (PUT /applications/{app}/guilds/{guild_id}/commands)"
        )
        guild = discord.Object(id=guild_id)
        self.tree.copy_global_to(guild=guild)
        return await self.tree.sync(guild=guild)

    async def on_ready(self) -> None:
        user = self.user
        self.step = "while running"
        log.info("ready as %s (%s) in %d guild(s)", user, user.id if user else "?", len(self.guilds))

    async def on_connect(self) -> None:
        """A new gateway session (READY)."""
        self.gateway_up(None)

    async def on_resumed(self) -> None:
        self.gateway_up(None)

    async def on_disconnect(self) -> None:
        self.gateway_down(None)

    def gateway_up(self, shard: int | None) -> None:
        """Note a shard's session (``None``: the unsharded bot's); count it if it replaces a dropped one."""
        down_for = self.gateway_watch.connected(shard or 0)
        if down_for is not None:
            self.metrics.reconnected()
            log.info("gateway connected again after %.1f s", down_for, extra={"shard": shard})

    def gateway_down(self, shard: int | None) -> None:
        """Note that a shard's connection dropped (not when the bot is closing)."""
        if self.is_closed():
            return
        if self.gateway_watch.disconnected(shard or 0):
            log.info("gateway disconnected; reconnecting", extra={"shard": shard})

    async def on_message(self, message: discord.Message) -> None:
        """Answer ``@bot <question>``; Discord delivers the content of messages that mention the bot.

        Silent where the bot may not reply; a mention, even a bare one, counts against the rate limit."""
        me = self.user
        if message.author.bot or me is None or me not in message.mentions:
            return
        if not may_reply(message, channel_permissions(message)):
            log.debug("not answering message %s: no permission to reply in its channel", message.id)
            return
        started = time.perf_counter()
        try:
            await self._answer_mention(message, started)
        except app_commands.CommandOnCooldown as error:
            await self.on_mention_cooldown(message, error)
        except Exception as error:
            await self.report_message_error(message, error)

    async def on_mention_cooldown(
        self, message: discord.Message, error: app_commands.CommandOnCooldown
    ) -> None:
        """Say once per rate-limit window that the user asks too quickly; after that, react or keep quiet."""
        if self.cooldown_notices.first(message.author.id, error.retry_after):
            await self.report_message_error(message, error)
            return
        if not may_react(channel_permissions(message)):
            log.debug("no cooldown reaction on message %s: no permission to react", message.id)
            return
        try:
            await message.add_reaction(COOLDOWN_REACTION)
        except discord.HTTPException as failure:
            log.debug("could not react to message %s: HTTP %s", message.id, failure.status)

    async def _answer_mention(self, message: discord.Message, started: float) -> None:
        question = strip_mentions(message.content)
        take_quota(self.limiter, message.author.id)
        if not question:
            await self._reply(
                message, Reply(body="Ask me something after the mention, e.g. `@bot has Finland left?`")
            )
            return
        reply = self.replies.ask(question, public=True, conversation=(message.author.id, message.channel.id))
        # The same answer (not the same words: "and in 2020?" means something else after each question).
        earlier = self.dedupe.earlier(message.channel.id, reply.body)
        if earlier:
            await self._reply(message, Reply(body=f"I answered the same question a moment ago: {earlier}"))
            return
        sent = await self._reply(message, reply)
        self.dedupe.remember(message.channel.id, reply.body, sent.jump_url)
        answer = reply.answer
        latency = (time.perf_counter() - started) * 1000
        log.info(
            "answered user=%s command=mention matched=%s states=%s latency_ms=%.1f",
            message.author.id,
            answer.matched if answer else True,
            ",".join(answer.states) if answer else "",
            latency,
        )
        self.observers.notify(
            observe.answered(
                frontend="mention", command="mention", answer=answer, latency_ms=latency, question=question
            )
        )

    async def _reply(self, message: discord.Message, reply: Reply) -> discord.Message:
        permissions = channel_permissions(message)
        embed_ok = permissions is None or permissions.embed_links
        none = discord.AllowedMentions.none()
        if embed_ok:
            pages = to_pages(reply)
            if len(pages) == 1:
                return await message.reply(embed=pages[0], mention_author=False, allowed_mentions=none)
            view = PagerView(pages, owner_id=message.author.id)
            sent = await message.reply(embed=pages[0], view=view, mention_author=False, allowed_mentions=none)
            view.message = sent
            return sent
        first, *later = to_texts(reply)
        sent = await message.reply(content=first, mention_author=False, allowed_mentions=none)
        for text in later:
            await message.channel.send(content=text, allowed_mentions=none)
        return sent

    async def report_message_error(self, message: discord.Message, error: BaseException) -> None:
        """Reply with what went wrong; log the bot's own faults with an incident id. Discord's refusal
        (403) is not answered: the error reply would be refused too."""
        if isinstance(error, discord.Forbidden):
            log.debug("Discord refused to let the bot answer message %s: %s", message.id, error.text)
            return
        text = user_message(error)
        if text is None:
            incident = new_incident()
            log.error("incident %s answering message %s", incident, message.id, exc_info=error)
            text = incident_text(incident)
        try:
            await self._reply(message, Reply(body=text))
        except discord.HTTPException:
            log.warning("could not deliver an error reply for message %s", message.id)


class ShardedTreatyBot(TreatyBot, commands.AutoShardedBot):
    """The same bot on discord.py's auto-sharded client."""

    def __init__(self, settings: Settings, replies: CommandReplies) -> None:
        super().__init__(
            settings,
            replies,
            shard_count=settings.shard_count,
            shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
        )

    # The shard events say which shard; the unsharded events that come with them are left to those.
    async def on_connect(self) -> None:
        return None

    async def on_resumed(self) -> None:
        return None

    async def on_disconnect(self) -> None:
        return None

    async def on_shard_connect(self, shard_id: int) -> None:
        self.gateway_up(shard_id)

    async def on_shard_resumed(self, shard_id: int) -> None:
        self.gateway_up(shard_id)

    async def on_shard_disconnect(self, shard_id: int) -> None:
        self.gateway_down(shard_id)


def create_bot(settings: Settings, *, knowledge_dir: Path, database: Path) -> TreatyBot | ShardedTreatyBot:
    """A bot with its fact store loaded (building the database if it is missing or stale)."""
    discord.VoiceClient.warn_nacl = False  # the bot has no voice features
    store = WatchedFactStore(knowledge_dir=knowledge_dir, database=database)
    replies = CommandReplies(store)
    cls = ShardedTreatyBot if settings.sharded else TreatyBot
    return cls(settings, replies)


def _no_token_message() -> str:
    return (
        "DISCORD_TOKEN is not set, so the bot cannot connect to Discord.\n"
        "Put it in .env (see .env.example), or try the bot locally without Discord:\n"
        "    python -m bot console"
    )


def _prepare(
    settings: Settings, *, knowledge_dir: Path, database: Path
) -> TreatyBot | ShardedTreatyBot | None:
    """Logging, endpoints and the bot; None (after saying why) when there is no token."""
    if not settings.has_token:
        print(_no_token_message(), file=sys.stderr)
        return None
    setup_logging(
        getattr(logging, settings.log_level),
        fmt=settings.log_format,
        wire_debug=settings.wire_debug,
        secrets=(settings.token,),
    )
    apply_endpoints(settings)
    return create_bot(settings, knowledge_dir=knowledge_dir, database=database)


def _api_host() -> str:
    """The host (and port, if not the default) REST requests go to."""
    return urlsplit(discord.http.Route.BASE).netloc


def _log_failure(error: BaseException, doing: str) -> None:
    log.error("%s", startup_failure(error, doing=doing, host=_api_host()))
    log.debug("what went wrong %s, in full:", doing, exc_info=error)


async def _close(bot: TreatyBot) -> None:
    """Close the gateway, then the HTTP session."""
    try:
        await asyncio.wait_for(bot.close(), timeout=CLOSE_SECONDS)
    except TimeoutError:
        log.warning("close timed out")


async def _start_health(bot: TreatyBot) -> HealthServer | None:
    """The health check and metrics server, listening, when HEALTH_PORT is set; None when it is not."""
    settings = bot.settings
    if settings.health_port is None:
        return None
    server = HealthServer(
        bot, bot.gateway_watch, bot.metrics, host=settings.health_host, port=settings.health_port
    )
    await server.start()
    return server


async def _serve(bot: TreatyBot, token: str) -> int:
    """Run the bot with its health check and metrics server, when HEALTH_PORT is set; stop the server
    once the bot has finished its answers and closed. 1 when the server cannot listen."""
    try:
        health = await _start_health(bot)
    except OSError as error:
        where = f"{bot.settings.health_host}:{bot.settings.health_port}"
        log.error("cannot serve the health check on %s (HEALTH_HOST, HEALTH_PORT): %s", where, error)
        return 1
    try:
        return await _run(bot, token)
    finally:
        if health is not None:
            await health.stop()


async def _run(bot: TreatyBot, token: str) -> int:
    """Run until SIGINT or SIGTERM (finish answers in progress, close, 0) or a failure (close, say why, 1)."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()

    def stop() -> None:
        if not stopping.is_set():
            log.info("shutting down: finishing answers in progress, taking no new ones")
        stopping.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    runner = asyncio.create_task(bot.start(token))
    waiter = asyncio.create_task(stopping.wait())
    await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if stopping.is_set():
        await bot.drain()
    error = runner.exception() if runner.done() and not runner.cancelled() else None
    if error is not None and not stopping.is_set():
        _log_failure(error, bot.step)
    await _close(bot)
    runner.cancel()
    await asyncio.gather(runner, return_exceptions=True)
    if bot.ignored:
        log.info("ignored %d interaction(s) or message(s) that came while shutting down", bot.ignored)
    return 0 if stopping.is_set() or error is None else 1


def run_bot(settings: Settings, *, knowledge_dir: Path, database: Path) -> int:
    """Start the bot; return the exit status. SIGINT and SIGTERM let answers in progress finish, then close."""
    bot = _prepare(settings, knowledge_dir=knowledge_dir, database=database)
    if bot is None:
        return 2
    try:
        return asyncio.run(_serve(bot, settings.token))
    except KeyboardInterrupt:
        return 0


async def _sync(bot: TreatyBot, token: str, guild_id: int | None) -> int:
    async with bot:
        try:
            await bot.login(token)
            synced = await bot.sync_to(guild_id)
        except Exception as error:
            _log_failure(error, bot.step)
            return 1
    if guild_id:
        print(f"Synced {len(synced)} commands to guild {guild_id}.")
    else:
        print(f"Synced {len(synced)} global commands (they can take up to an hour to appear).")
    return 0


def sync_commands(settings: Settings, *, guild_id: int | None, knowledge_dir: Path, database: Path) -> int:
    """Register the slash commands with Discord, globally or to one guild."""
    bot = _prepare(settings, knowledge_dir=knowledge_dir, database=database)
    if bot is None:
        return 2
    return asyncio.run(_sync(bot, settings.token, guild_id))
