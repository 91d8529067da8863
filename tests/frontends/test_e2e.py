"""End to end: the real ``python -m bot run`` process against the Discord double on loopback."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import os
import shutil
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families
from support import discord_payloads as P
from support.cli import KNOWLEDGE, ROOT
from support.discord_double import DiscordDouble, Recorded

from bot.facts.database import read_meta
from bot.frontends.commands import DISCORD, commands_for
from bot.logs import WIRE_LOGGERS

pytestmark = pytest.mark.asyncio(loop_scope="module")
TOKEN = "e2e-token-Zq8xV1mN4bT7"
ADMIN_USER = "700000000000000099"
_users = itertools.count(710000000000000000)


def next_user() -> str:
    return str(next(_users))


class BotProcess:
    """``python -m bot run`` as users start it, with its output collected."""

    def __init__(self, process: asyncio.subprocess.Process, health_port: int = 0) -> None:
        self.process = process
        self.health_port = health_port  # where /healthz and /metrics are served, when not 0
        self.lines: list[str] = []
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.process.stderr is not None
        while line := await self.process.stderr.readline():
            self.lines.append(line.decode(errors="replace"))

    @property
    def output(self) -> str:
        return "".join(self.lines)

    async def wait_for_line(self, text: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if self.process.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not logged; output:\n{self.output}")
            await asyncio.sleep(0.05)


def bot_env(double: DiscordDouble, tmp: Path, *, token: str = TOKEN, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DISCORD_TOKEN": token,
        "DISCORD_API_BASE": double.api_base,
        "DISCORD_GATEWAY_URL": double.gateway_url,
        "KNOWLEDGE_DIR": str(tmp / "knowledge"),
        "DATABASE_PATH": str(tmp / "facts.sqlite3"),
        "ADMIN_USER_IDS": ADMIN_USER,
        "LOG_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


async def start_bot(
    double: DiscordDouble, tmp: Path, *, token: str = TOKEN, args: tuple[str, ...] = ("run",), **extra: str
) -> BotProcess:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=ROOT,
        env=bot_env(double, tmp, token=token, **extra),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    return BotProcess(process, int(extra.get("HEALTH_PORT") or 0))


def free_port() -> int:
    """A port nothing listens on (now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def http_get(url: str) -> tuple[int, str]:
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(url) as response:
        return response.status, await response.text()


async def healthz(port: int) -> tuple[int, dict]:
    """The status and JSON body of the bot's /healthz."""
    status, text = await http_get(f"http://127.0.0.1:{port}/healthz")
    return status, json.loads(text)


async def metric(port: int, name: str, **labels: str) -> float:
    """One sample of the bot's /metrics (0 if it is not there)."""
    status, text = await http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200, text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return 0.0


async def metric_reaches(port: int, name: str, value: float, timeout: float = 5.0, **labels: str) -> float:
    """The sample once it is at least ``value`` (metrics are counted just after the answer is sent)."""
    deadline = time.monotonic() + timeout
    while (found := await metric(port, name, **labels)) < value and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return found


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("e2e")
    shutil.copytree(KNOWLEDGE, tmp / "knowledge")
    return tmp


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def double() -> AsyncIterator[DiscordDouble]:
    fake = DiscordDouble(token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(double: DiscordDouble, workdir: Path) -> AsyncIterator[BotProcess]:
    process = await start_bot(double, workdir, HEALTH_PORT=str(free_port()))
    await process.wait_for_line("ready as")
    yield process
    if process.process.returncode is None:
        process.process.kill()
        await process.process.wait()


async def ask(double: DiscordDouble, payload: dict, *, timeout: float = 10.0) -> Recorded:
    """Dispatch an interaction and return the last message the bot sent for it."""
    await double.interaction(payload)
    iid, token = payload["id"], payload["token"]
    first = await double.wait_for(
        lambda r: r.path.startswith(f"/interactions/{iid}/") and r.status == 200, timeout=timeout
    )
    if first.body.get("type") == 5:  # deferred: the answer is a follow-up
        return await double.wait_for(
            lambda r: r.path.startswith(f"/webhooks/{P.APP_ID}/{token}") and r.status == 200, timeout=timeout
        )
    return first


def reference(recorded: Recorded) -> str:
    """The id of the message a channel message replies to, or ""."""
    body = recorded.body if isinstance(recorded.body, dict) else {}
    return str((body.get("message_reference") or {}).get("message_id", ""))


def message_of(recorded: Recorded) -> dict:
    return recorded.body.get("data", recorded.body) if recorded.path.endswith("/callback") else recorded.body


def embed_of(recorded: Recorded) -> dict:
    message = message_of(recorded)
    assert message.get("embeds"), message
    return message["embeds"][0]


def embed_length(embed: dict) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    return total + len((embed.get("footer") or {}).get("text") or "")


async def test_startup_logs_in_and_identifies(bot: BotProcess, double: DiscordDouble) -> None:
    me = [r for r in double.requests if r.path == "/users/@me"]
    assert me and me[0].headers["Authorization"] == f"Bot {TOKEN}"
    assert any(r.path == "/oauth2/applications/@me" for r in double.requests)
    assert 2 in double.gateway_ops and double.identifies == 1
    assert not any(r.method == "PUT" for r in double.requests), "start-up must not sync commands"
    assert TOKEN not in bot.output


async def test_sync_registers_exactly_the_commands(
    bot: BotProcess, double: DiscordDouble, workdir: Path
) -> None:
    sync = await start_bot(double, workdir, args=("sync", "--guild", P.GUILD_ID))
    assert await asyncio.wait_for(sync.process.wait(), 30) == 0, sync.output
    commands = {c["name"]: c for c in double.commands[P.GUILD_ID]}
    assert set(commands) == {c.name for c in commands_for(DISCORD)} | {"Ask the treaty bot"}
    assert commands["Ask the treaty bot"]["type"] == 3
    state = next(o for o in commands["status"]["options"] if o["name"] == "state")
    assert state["autocomplete"] is True and state["required"] is True
    article = next(o for o in commands["treaty"]["options"] if o["name"] == "article")
    assert (article["type"], article["min_value"], article["max_value"]) == (4, 1, 22)
    assert int(commands["reload"]["default_member_permissions"]) == 1 << 5
    assert TOKEN not in sync.output
    # In French too, and in a form Discord's OpenAPI schema accepts (the double refuses any other).
    assert double.sync_errors == []
    assert commands["status"]["name_localizations"]["fr"] == "statut"
    assert commands["status"]["description_localizations"]["fr"].startswith("Le statut d'un État")
    assert state["name_localizations"]["fr"] == "etat" and state["description_localizations"]["fr"]
    assert commands["Ask the treaty bot"]["name_localizations"]["fr"] == "Demander au bot du traité"


async def test_every_slash_command_over_the_wire(bot: BotProcess, double: DiscordDouble) -> None:
    cases = [
        (P.command("ask", P.option("question", "has Finland left?"), user_id=next_user()), "10 January 2026"),
        (
            P.command(
                "status", P.option("state", "Poland"), P.option("as_of", "2025-09-15"), user_id=next_user()
            ),
            "will take effect",
        ),
        (P.command("withdrawals", user_id=next_user()), "Lithuania"),
        (P.command("timeline", P.option("state", "Estonia"), user_id=next_user()), "4 June 2025"),
        (P.command("treaty", P.option("article", 19, otype=4), user_id=next_user()), "reservations"),
        (P.command("about", user_id=next_user()), "Fact base"),
    ]
    for payload, needle in cases:
        recorded = await ask(double, payload)
        message = message_of(recorded)
        assert message["allowed_mentions"] == {"parse": []}
        embed = embed_of(recorded)
        assert needle in embed["description"], embed
        assert embed_length(embed) <= 6000 and len(embed.get("fields", [])) <= 25
        assert message["flags"] & 64, "answers are ephemeral unless public"
        if payload["data"]["name"] != "about":
            assert embed["fields"][0]["name"].startswith("[1] ")
            assert "](http" in embed["fields"][0]["value"]


async def test_parties_defers_and_attaches_the_list(bot: BotProcess, double: DiscordDouble) -> None:
    payload = P.command(
        "parties", P.option("as_of", "2026-02-03"), P.option("public", True, otype=5), user_id=next_user()
    )
    followup = await ask(double, payload)
    assert "162 States Parties" in followup.body["embeds"][0]["description"]
    [attachment] = followup.body["files"]
    assert attachment["filename"] == "states-parties-2026-02-03.csv"
    assert len(attachment["data"].strip().splitlines()) == 163
    assert not followup.body.get("flags", 0) & 64


async def test_context_menu_and_autocomplete(bot: BotProcess, double: DiscordDouble) -> None:
    recorded = await ask(double, P.context_menu(P.message("is latvia still in?"), user_id=next_user()))
    assert "27 December 2025" in embed_of(recorded)["description"]
    payload = P.autocomplete("status", P.option("state", "lat", focused=True), user_id=next_user())
    recorded = await ask(double, payload)
    assert recorded.body["type"] == 8
    choices = recorded.body["data"]["choices"]
    assert 1 <= len(choices) <= 25 and all(len(c["name"]) <= 100 for c in choices)
    assert {"name": "Latvia", "value": "LVA"} in choices


async def test_mention_gets_a_reply_that_references_it(bot: BotProcess, double: DiscordDouble) -> None:
    me = P.user(P.APP_ID, "treatybot", bot=True)
    message = P.message(
        f"<@{P.APP_ID}> @everyone <@&123> is poland a party?", author=P.user(next_user()), mentions=[me]
    )
    await double.dispatch("MESSAGE_CREATE", message)
    reply = await double.wait_for(
        lambda r: (
            r.method == "POST"
            and r.path == f"/channels/{P.CHANNEL_ID}/messages"
            and reference(r) == message["id"]
        )
    )
    assert reply.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert "Poland" in reply.body["embeds"][0]["description"]
    assert "@everyone" not in json.dumps(reply.body) and "<@&123>" not in json.dumps(reply.body)


async def test_health_and_metrics_while_serving(
    bot: BotProcess, double: DiscordDouble, workdir: Path
) -> None:
    health_port = bot.health_port
    status, body = await healthz(health_port)
    assert status == 200, body
    assert (body["status"], body["gateway"]) == ("ok", "connected") and "reason" not in body
    assert [(s["id"], s["connected"]) for s in body["shards"]] == [(0, True)]
    assert body["facts"]["hash"] == read_meta(workdir / "facts.sqlite3")["content_hash"]
    assert dt.date.fromisoformat(body["facts"]["reviewed"])
    assert dt.datetime.fromisoformat(body["facts"]["loaded_at"]).tzinfo is not None
    labels = {"frontend": "slash", "outcome": "answered"}
    before = await metric(health_port, "treatybot_questions_total", **labels)
    user = next_user()
    question = P.command("ask", P.option("question", "Is Malta a party?"), user_id=user)
    assert "Malta" in embed_of(await ask(double, question))["description"]
    assert await metric_reaches(health_port, "treatybot_questions_total", before + 1, **labels) == before + 1
    assert await metric(health_port, "treatybot_answer_latency_seconds_count", frontend="slash") >= 1
    assert await metric(health_port, "treatybot_facts_age_days") >= 0
    # The bot's own limit: five questions per user in 10 s; the sixth is refused.
    for _ in range(5):
        await ask(double, P.command("ask", P.option("question", "Is Malta a party?"), user_id=user))
    assert await metric(health_port, "treatybot_rate_limit_hits_total", source="cooldown") == 1
    # Discord's 429, retried by discord.py.
    double.inject("POST", r"^/interactions/\d+/[^/]+/callback$", status=429, retry_after=0.1)
    await ask(double, P.command("ask", P.option("question", "Is Malta a party?"), user_id=next_user()))
    assert await metric(health_port, "treatybot_rate_limit_hits_total", source="discord") >= 1


async def test_reload(bot: BotProcess, double: DiscordDouble, workdir: Path) -> None:
    health_port = bot.health_port
    oks = await metric(health_port, "treatybot_reloads_total", outcome="ok")
    failures = await metric(health_port, "treatybot_reloads_total", outcome="failed")
    _, health = await healthz(health_port)
    refused = await ask(double, P.command("reload", user_id=next_user()))
    assert refused.body["data"]["flags"] & 64 and "Manage Server" in refused.body["data"]["content"]
    facts = workdir / "knowledge" / "facts.yaml"
    states = workdir / "knowledge" / "states.csv"
    original_facts = facts.read_text(encoding="utf-8")
    original_states = states.read_text(encoding="utf-8")
    try:
        facts.write_text(
            original_facts.replace("in equal shares", "in equal shares (reloaded)"), encoding="utf-8"
        )
        done = await ask(double, P.command("reload", user_id=ADMIN_USER))
        assert "fact changed: nobel" in done.body["embeds"][0]["description"]
        assert await metric(health_port, "treatybot_reloads_total", outcome="ok") == oks + 1
        _, reloaded = await healthz(health_port)
        assert reloaded["facts"]["hash"] != health["facts"]["hash"]
        assert reloaded["facts"]["loaded_at"] > health["facts"]["loaded_at"]
        answer = await ask(
            double, P.command("ask", P.option("question", "nobel peace prize"), user_id=next_user())
        )
        assert "(reloaded)" in embed_of(answer)["description"]
        states.write_text(original_states.replace("FRA,France,", "DEU,France,"), encoding="utf-8")
        failed = await ask(double, P.command("reload", user_id=ADMIN_USER))
        assert "duplicate ISO code 'DEU'" in failed.body["embeds"][0]["description"]
        assert await metric(health_port, "treatybot_reloads_total", outcome="failed") == failures + 1
        _, kept = await healthz(health_port)
        assert kept["facts"] == reloaded["facts"]
        question = P.command("ask", P.option("question", "Is France a party?"), user_id=next_user())
        still = await ask(double, question)
        assert "**France** is a **State Party**" in embed_of(still)["description"]
    finally:
        # The bot process is shared by the module: leave its knowledge as it was.
        states.write_text(original_states, encoding="utf-8")
        facts.write_text(original_facts, encoding="utf-8")


@pytest.mark.parametrize("code", [1006, 4000, 4009])
async def test_gateway_drop_resumes_and_answers_what_was_missed(
    bot: BotProcess, double: DiscordDouble, code: int
) -> None:
    health_port = bot.health_port
    resumes = double.resumes
    reconnects = await metric(health_port, "treatybot_gateway_reconnects_total")
    await double.drop_gateway(code)
    payload = P.command("ask", P.option("question", "Is Tonga a party?"), user_id=next_user())
    await double.interaction(payload)  # sent while the bot is away: buffered, replayed on RESUME
    recorded = await double.wait_for(
        lambda r: r.path.startswith(f"/interactions/{payload['id']}/"), timeout=20
    )
    assert "Tonga" in recorded.body["data"]["embeds"][0]["description"]
    assert double.resumes == resumes + 1
    assert await metric_reaches(health_port, "treatybot_gateway_reconnects_total", reconnects + 1) == (
        reconnects + 1
    )


async def test_invalid_session_identifies_again_without_an_idle_five_seconds(
    bot: BotProcess, double: DiscordDouble
) -> None:
    # Discord allows one IDENTIFY per 5 s: once the last is that long ago, the next is due at once.
    since = time.monotonic() - double.identify_times[-1]
    if since < 5.5:
        await asyncio.sleep(5.5 - since)
    identifies = double.identifies
    invalidated = time.monotonic()
    await double.send_op(9, False)
    await double.wait_until(lambda: double.identifies == identifies + 1, timeout=20)
    gap = double.identify_times[-1] - invalidated
    assert gap < 2.0, f"the bot identified {gap:.1f} s after INVALID_SESSION"
    recorded = await ask(
        double, P.command("ask", P.option("question", "Is Chad a party?"), user_id=next_user()), timeout=15
    )
    assert "Chad" in embed_of(recorded)["description"]


async def test_429_and_500_are_retried(bot: BotProcess, double: DiscordDouble) -> None:
    double.inject("POST", r"^/interactions/\d+/[^/]+/callback$", status=429, retry_after=0.3)
    started = time.perf_counter()
    recorded = await ask(
        double, P.command("ask", P.option("question", "Is Oman a party?"), user_id=next_user())
    )
    assert time.perf_counter() - started >= 0.3
    assert "Oman" in embed_of(recorded)["description"]
    double.inject("POST", r"^/interactions/\d+/[^/]+/callback$", status=500)
    recorded = await ask(
        double, P.command("ask", P.option("question", "Is Peru a party?"), user_id=next_user())
    )
    assert "Peru" in embed_of(recorded)["description"]
    double.inject("POST", rf"^/channels/{P.CHANNEL_ID}/messages$", status=429, retry_after=0.2)
    me = P.user(P.APP_ID, "treatybot", bot=True)
    message = P.message(f"<@{P.APP_ID}> is japan a party", author=P.user(next_user()), mentions=[me])
    await double.dispatch("MESSAGE_CREATE", message)
    reply = await double.wait_for(
        lambda r: (
            r.status == 200
            and r.path == f"/channels/{P.CHANNEL_ID}/messages"
            and reference(r) == message["id"]
        )
    )
    assert "Japan" in reply.body["embeds"][0]["description"]
    statuses = [r.status for r in double.requests if reference(r) == message["id"]]
    assert statuses == [429, 200]


@pytest.mark.parametrize(
    ("payload_factory", "expect"),
    [
        (
            lambda: P.command(
                "ask", P.option("question", "Is Poland a party? " + "x" * 6000), user_id=next_user()
            ),
            "cut to 500",
        ),
        (
            lambda: P.command(
                "ask", P.option("question", "@everyone @here <@&42> is finland in?"), user_id=next_user()
            ),
            "Finland",
        ),
        (
            lambda: P.command(
                "ask", P.option("question", "```\nis estonia a party\n```"), user_id=next_user()
            ),
            "Estonia",
        ),
        (
            lambda: P.command(
                "ask", P.option("question", "is\u200b latvia\u200d a\u2060 party"), user_id=next_user()
            ),
            "Latvia",
        ),
        (lambda: P.command("no-such-command", user_id=next_user()), "don't know that command"),
        (lambda: P.command("treaty", P.option("article", "abc", otype=4), user_id=next_user()), "incident `"),
    ],
)
async def test_bad_input_through_the_wire(
    bot: BotProcess, double: DiscordDouble, payload_factory, expect: str
) -> None:
    recorded = await ask(double, payload_factory())
    message = message_of(recorded)
    text = json.dumps(message)
    assert message["allowed_mentions"] == {"parse": []}
    assert "@everyone" not in text and "@here" not in text and "<@&42>" not in text
    assert len(message.get("content") or "") <= 2000
    if message.get("embeds"):
        assert embed_length(message["embeds"][0]) <= 6000
    else:
        assert message["flags"] & 64
    assert expect in text
    assert bot.process.returncode is None


async def test_reconnect_op_resumes(bot: BotProcess, double: DiscordDouble) -> None:
    resumes = double.resumes
    await double.send_op(7)
    await double.wait_until(lambda: double.resumes == resumes + 1)
    recorded = await ask(
        double, P.command("ask", P.option("question", "Is Fiji a party?"), user_id=next_user())
    )
    assert "Fiji" in embed_of(recorded)["description"]


async def test_did_you_mean_button_over_the_wire(bot: BotProcess, double: DiscordDouble) -> None:
    user = next_user()
    first = await ask(double, P.command("ask", P.option("question", "Is Congo a party?"), user_id=user))
    buttons = first.body["data"]["components"][0]["components"]
    assert [b["label"] for b in buttons] == [
        "Is Democratic Republic of the Congo a party?",
        "Is Republic of the Congo a party?",
    ]
    message_id = double.response_message_id(first.path.split("/")[2])
    click = P.button(buttons[1]["custom_id"], P.message("", message_id=message_id), user_id=user)
    recorded = await ask(double, click)
    assert "**The Republic of the Congo** is a **State Party**" in embed_of(recorded)["description"]


async def test_delayed_and_dropped_requests(bot: BotProcess, double: DiscordDouble) -> None:
    double.inject("POST", r"^/interactions/\d+/[^/]+/callback$", delay=0.5)
    started = time.perf_counter()
    recorded = await ask(
        double, P.command("ask", P.option("question", "Is Nepal a party?"), user_id=next_user())
    )
    assert time.perf_counter() - started >= 0.5 and "Nepal" in embed_of(recorded)["description"]
    double.inject("POST", r"^/interactions/\d+/[^/]+/callback$", drop=True)
    payload = P.command("ask", P.option("question", "Is Chile a party?"), user_id=next_user())
    await double.interaction(payload)
    error = await double.wait_for(
        lambda r: r.path.startswith(f"/interactions/{payload['id']}/") and r.status == 200, timeout=15
    )
    assert "incident `" in error.body["data"]["content"] and error.body["data"]["flags"] & 64
    assert bot.process.returncode is None


async def test_bad_token_exits_with_a_clear_message(double: DiscordDouble, workdir: Path) -> None:
    bad = "bad-token-SHOULD-NOT-APPEAR-123"
    process = await start_bot(double, workdir, token=bad)
    code = await asyncio.wait_for(process.process.wait(), 30)
    await process.reader
    assert code != 0
    assert "rejected the token" in process.output
    assert bad not in process.output


async def test_sigterm_exits_cleanly_within_5_seconds(bot: BotProcess) -> None:
    started = time.perf_counter()
    bot.process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(bot.process.wait(), 5)
    assert code == 0
    assert time.perf_counter() - started < 5
    assert TOKEN not in bot.output


async def test_sharded_bot_identifies_with_its_shard(double: DiscordDouble, workdir: Path) -> None:
    before = len(double.identify_payloads)
    port = free_port()
    sharded = await start_bot(double, workdir, SHARDED="true", SHARD_COUNT="1", HEALTH_PORT=str(port))
    await sharded.wait_for_line("ready as")
    assert double.identify_payloads[before]["shard"] == [0, 1]
    status, body = await healthz(port)
    assert (status, body["gateway"]) == (200, "connected"), body
    assert [(s["id"], s["connected"]) for s in body["shards"]] == [(0, True)]
    sharded.process.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(sharded.process.wait(), 5) == 0


# ---------------------------------------------------------------- start-up, shutdown and logs, each its own bot


@pytest_asyncio.fixture(loop_scope="module")
async def fresh() -> AsyncIterator[DiscordDouble]:
    """A double of its own, for a test that starts its own bot."""
    fake = DiscordDouble(token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


def closed_port() -> int:
    return free_port()


async def finished(process: BotProcess, timeout: float = 30.0) -> int:
    """The exit status, once the process has ended and all it wrote is read."""
    code = await asyncio.wait_for(process.process.wait(), timeout)
    await process.reader
    return code


async def test_sigterm_under_load_finishes_the_answers_in_progress(
    fresh: DiscordDouble, workdir: Path
) -> None:
    bot = await start_bot(fresh, workdir)
    await bot.wait_for_line("ready as")
    # Slow follow-ups: /parties defers at once and answers 0.4 s later, so many are in progress at the signal.
    fresh.inject("POST", rf"^/webhooks/{P.APP_ID}/", delay=0.4, times=1000)

    def tokens(prefix: str) -> set[str]:
        return {r.path.split("/")[3] for r in fresh.requests if r.path.startswith(prefix) and r.status == 200}

    signalled = sent = 0
    while sent < 400 and (not signalled or sent < signalled + 25):  # 25 more after the signal
        await fresh.interaction(P.command("parties", user_id=next_user()))
        sent += 1
        if not signalled and len(tokens("/interactions/")) >= 10:
            bot.process.send_signal(signal.SIGTERM)
            signalled = sent
        await asyncio.sleep(0.01)
    assert signalled, "the bot deferred too few interactions to test anything"
    assert await finished(bot, 20) == 0, bot.output
    deferred, answered = tokens("/interactions/"), tokens(f"/webhooks/{P.APP_ID}/")
    assert deferred <= answered, f"{len(deferred - answered)} deferred interaction(s) never answered"
    assert "Traceback" not in bot.output and "Session is closed" not in bot.output, bot.output


async def test_malformed_sync_response_at_start_names_the_key_and_the_request(
    fresh: DiscordDouble, workdir: Path
) -> None:
    entry = {"name": "ask", "description": "", "application_id": P.APP_ID, "version": "1"}  # no "id"
    fresh.inject("PUT", r"/commands$", body=[entry], times=2)
    route = f"PUT /applications/{P.APP_ID}/guilds/{P.GUILD_ID}/commands"
    run = await start_bot(fresh, workdir, SYNC_ON_START="true", DEV_GUILD_ID=P.GUILD_ID)
    sync = await start_bot(fresh, workdir, args=("sync", "--guild", P.GUILD_ID))
    for process in (run, sync):
        assert await finished(process) == 1, process.output
        assert (
            f"while syncing commands to guild {P.GUILD_ID} ({route}): the 'id' key is missing"
            in process.output
        )
        assert "Traceback" not in process.output and "Unclosed client session" not in process.output
        assert TOKEN not in process.output


@pytest.mark.parametrize("args", [("run",), ("sync", "--guild", P.GUILD_ID)])
async def test_unreachable_discord_is_named_and_the_session_closed(
    fresh: DiscordDouble, workdir: Path, args: tuple[str, ...]
) -> None:
    port = closed_port()
    process = await start_bot(fresh, workdir, args=args, DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10")
    assert await finished(process) == 1, process.output
    assert (
        f"cannot reach Discord at 127.0.0.1:{port}: check the network or DISCORD_API_BASE" in process.output
    )
    assert "Unclosed client session" not in process.output and "Traceback" not in process.output


async def test_debug_log_keeps_interaction_tokens_and_user_text_out(
    fresh: DiscordDouble, workdir: Path
) -> None:
    bot = await start_bot(fresh, workdir, LOG_LEVEL="DEBUG")
    await bot.wait_for_line("ready as")
    marker = "Zebra-Marker-4417"
    payload = P.command("ask", P.option("question", f"is {marker} a party?"), user_id=next_user())
    await ask(fresh, payload)
    parties = P.command("parties", user_id=next_user())  # deferred: the answer goes to a webhook URL
    await ask(fresh, parties)
    bot.process.send_signal(signal.SIGTERM)
    assert await finished(bot) == 0, bot.output
    assert "DEBUG" in bot.output, "the bot did not log at DEBUG"
    for secret in (marker, payload["token"], parties["token"], TOKEN):
        assert secret not in bot.output


async def test_healthz_turns_503_while_the_gateway_stays_down(fresh: DiscordDouble, workdir: Path) -> None:
    port = free_port()
    # A grace period of 2 s instead of 30 s, through the health module's testing knob.
    bot = await start_bot(fresh, workdir, HEALTH_PORT=str(port), OTB_HEALTH_RECONNECT_GRACE="2")
    try:
        await bot.wait_for_line("ready as")
        status, body = await healthz(port)
        assert (status, body["gateway"]) == (200, "connected"), body
        await fresh.drop_gateway(4000, stay_down=True)
        seen: list[tuple[int, str]] = []
        deadline = time.monotonic() + 15
        while status != 503 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            status, body = await healthz(port)
            seen.append((status, body["gateway"]))
        assert status == 503, seen
        assert (body["status"], body["gateway"], body["reason"]) == (
            "unavailable",
            "reconnecting",
            "reconnecting",
        )
        assert [(s["id"], s["connected"]) for s in body["shards"]] == [(0, False)]
        assert body["facts"]["hash"] == read_meta(workdir / "facts.sqlite3")["content_hash"]
        assert (200, "reconnecting") in seen, "a drop shorter than the grace period is still healthy"
        assert fresh.refused_connects >= 1
        bot.process.send_signal(signal.SIGTERM)
        assert await finished(bot, 10) == 0, bot.output
    finally:
        if bot.process.returncode is None:
            bot.process.kill()
            await bot.process.wait()


async def test_json_logs_are_one_object_per_line(fresh: DiscordDouble, workdir: Path) -> None:
    bot = await start_bot(fresh, workdir, LOG_FORMAT="json", LOG_LEVEL="DEBUG")
    await bot.wait_for_line("ready as")
    payload = P.command("ask", P.option("question", "Is Malta a party?"), user_id=next_user())
    await ask(fresh, payload)
    bot.process.send_signal(signal.SIGTERM)
    assert await finished(bot) == 0, bot.output
    entries = [json.loads(line) for line in bot.lines]  # every line is one JSON object
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
        assert entry["time"].endswith("Z") and dt.datetime.fromisoformat(entry["time"])
    assert any(e["level"] == "DEBUG" for e in entries), "the bot did not log at DEBUG"
    assert not [e for e in entries if e["level"] == "DEBUG" and e["logger"].startswith(WIRE_LOGGERS)]
    [answered] = [e for e in entries if e.get("outcome")]
    assert (answered["frontend"], answered["command"], answered["outcome"]) == ("slash", "ask", "answered")
    assert isinstance(answered["latency_ms"], float)
    for secret in (TOKEN, payload["token"]):
        assert secret not in bot.output
