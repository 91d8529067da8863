"""End to end: two bot processes, shards 0 and 1 of 2, sharing one data folder, against the Discord double.

A /reload in one process is followed by the other within 5 s: the reloading process leaves a stamp beside
the database, the other polls it, swaps in the new facts and audits its swap.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import socket
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from support import discord_payloads as P
from support.cli import KNOWLEDGE
from support.discord_double import DiscordDouble, Recorded, shard_of
from test_e2e import ADMIN_USER, TOKEN, BotProcess, ask, embed_of, next_user, start_bot

pytestmark = pytest.mark.asyncio(loop_scope="module")
SHARD_COUNT = 2
GUILD_ON_SHARD = {1: P.GUILD_ID, 0: str(int(P.GUILD_ID) + (1 << 22))}
"""A guild whose events Discord sends to each shard: the payloads' own guild is on shard 1."""
FOLLOW_WITHIN = 5.0
MARGIN = 0.5  # the question's own round trip, on a loaded machine
START_TIMEOUT = 60.0  # two processes building the fact base at once on two cores


def in_guild(payload: dict, guild_id: str) -> dict:
    """The interaction as sent from another guild of the bot's."""
    payload["guild_id"] = payload["channel"]["guild_id"] = guild_id
    payload["authorizing_integration_owners"] = {"0": guild_id}
    return payload


async def stop(process: BotProcess) -> None:
    """SIGTERM, then SIGKILL if the process is still there 10 s later."""
    if process.process.returncode is None:
        process.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.process.wait(), 10)
        except TimeoutError:
            process.process.kill()
            await process.process.wait()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(process.reader, 5)


@pytest_asyncio.fixture(loop_scope="module")
async def double() -> AsyncIterator[DiscordDouble]:
    fake = DiscordDouble(token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest_asyncio.fixture(loop_scope="module")
async def shards(double: DiscordDouble, tmp_path: Path) -> AsyncIterator[tuple[BotProcess, BotProcess]]:
    """Shards 0 and 1 of 2, one process each, started at once, with one knowledge folder and one data folder."""
    shutil.copytree(KNOWLEDGE, tmp_path / "knowledge")
    data = tmp_path / "data"
    env = {
        "DATA_DIR": str(data),
        "DATABASE_PATH": str(data / "facts.sqlite3"),
        "SHARD_COUNT": str(SHARD_COUNT),
    }
    processes: list[BotProcess] = []
    try:
        for shard in range(SHARD_COUNT):
            processes.append(await start_bot(double, tmp_path, SHARD_IDS=str(shard), **env))
        await asyncio.gather(*(p.wait_for_line("ready as", timeout=START_TIMEOUT) for p in processes))
        yield processes[0], processes[1]
    finally:
        await asyncio.gather(*(stop(p) for p in processes))


async def ask_on(double: DiscordDouble, shard: int, payload: dict) -> Recorded:
    """Ask from a guild whose events go to ``shard``; the last message the bot sent for it."""
    return await ask(double, in_guild(payload, GUILD_ON_SHARD[shard]), timeout=30)


def nobel(user_id: str) -> dict:
    return P.command("ask", P.option("question", "nobel peace prize"), user_id=user_id)


def audit_rows(data: Path) -> list[dict]:
    connection = sqlite3.connect(data / "audit.sqlite3")
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute("select * from reloads order by id")]
    finally:
        connection.close()


async def audited(data: Path, count: int, timeout: float = 10.0) -> list[dict]:
    """The audit log's reloads once it has ``count`` of them (a swap is audited just after it is made)."""
    deadline = time.monotonic() + timeout
    while len(rows := audit_rows(data)) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return rows


async def test_a_reload_in_one_shard_process_is_followed_by_the_other_within_5_seconds(
    double: DiscordDouble, shards: tuple[BotProcess, BotProcess], tmp_path: Path
) -> None:
    shard0, shard1 = shards
    assert {shard: shard_of(guild, SHARD_COUNT) for shard, guild in GUILD_ON_SHARD.items()} == {0: 0, 1: 1}
    assert sorted(p["shard"] for p in double.identify_payloads) == [[0, 2], [1, 2]]

    # The question, answered by shard 1 from the facts as they were.
    user = next_user()
    before = embed_of(await ask_on(double, 1, nobel(user)))["description"]
    assert "in equal shares" in before and "(reloaded)" not in before
    await shard1.wait_for_line(f"answered user={user} command=ask")
    assert f"answered user={user} " not in shard0.output

    # The facts change, and an admin reloads them through shard 0.
    facts = tmp_path / "knowledge" / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text.replace("in equal shares", "in equal shares (reloaded)"), encoding="utf-8")
    reloaded = await ask_on(double, 0, P.command("reload", user_id=ADMIN_USER))
    assert "fact changed: nobel" in reloaded.body["embeds"][0]["description"], reloaded.body
    await shard0.wait_for_line(f"reload by user {ADMIN_USER}: ok=True")
    assert f"reload by user {ADMIN_USER}" not in shard1.output

    # Shard 1 answers from the new facts within 5 s of the reload's reply.
    while True:
        user = next_user()
        answer = await ask_on(double, 1, nobel(user))
        follow = answer.at - reloaded.at
        if "(reloaded)" in embed_of(answer)["description"]:
            break
        assert follow <= FOLLOW_WITHIN + MARGIN, (
            f"shard 1 still answers from the old facts after {follow:.1f} s"
        )
        await asyncio.sleep(0.2)
    assert follow <= FOLLOW_WITHIN + MARGIN, f"shard 1 followed the reload after {follow:.1f} s"
    await shard1.wait_for_line(f"answered user={user} command=ask")
    assert "followed a reload in another process" in shard1.output
    assert "followed a reload" not in shard0.output

    # The audit log beside the database: the admin's reload, then shard 1's swap to the same facts.
    rows = await audited(tmp_path / "data", 2)
    assert len(rows) == 2, rows
    admin, follower = rows
    assert (admin["user_id"], admin["ok"]) == (ADMIN_USER, 1)
    assert admin["hash_before"] != admin["hash_after"]
    assert (follower["user_id"], follower["user_name"], follower["ok"]) == (
        f"process {socket.gethostname()}:{shard1.process.pid}",
        "reload in another process",
        1,
    )
    assert (follower["hash_before"], follower["hash_after"]) == (admin["hash_before"], admin["hash_after"])
    print(f"shard 1 followed the reload {follow:.2f} s after its reply")
