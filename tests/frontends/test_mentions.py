"""Quiet @mentions, end to end: the real bot process against the Discord double, counting its requests.

The bot says nothing where it may not reply, never answers Discord's 403 with another message, counts a
bare mention against the rate limit, and tells a user who asks too quickly once per rate-limit window,
then only reacts with ⏳ (where it may).
"""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from support import discord_payloads as P
from support.discord_double import (
    CLOSED_THREAD_ID,
    NO_HISTORY_CHANNEL_ID,
    NO_REACTIONS_CHANNEL_ID,
    OPEN_THREAD_ID,
    READ_ONLY_CHANNEL_ID,
    DiscordDouble,
    Recorded,
)
from test_e2e import BotProcess, bot, double, next_user, reference, workdir

__all__ = ["bot", "double", "workdir"]  # the fixtures: a double and a bot process of this module's own
pytestmark = pytest.mark.asyncio(loop_scope="module")
ME = P.user(P.APP_ID, "treatybot", bot=True)
HOURGLASS = "%E2%8F%B3"  # ⏳, as it is written in the request's path
STATES = ("Chad", "Fiji", "Peru", "Oman", "Nepal", "Chile", "Tonga", "Japan")


async def mention(double: DiscordDouble, text: str, *, user: str, channel: str = P.CHANNEL_ID) -> str:
    """Post ``@bot text`` in ``channel`` (a bare mention when ``text`` is empty); return the message id."""
    message = P.message(f"<@{P.APP_ID}> {text}".rstrip(), author=P.user(user), mentions=[ME])
    message["channel_id"] = channel
    await double.dispatch("MESSAGE_CREATE", message)
    return str(message["id"])


async def settle(double: DiscordDouble) -> None:
    """Ask in #general as someone else and wait for the answer, then a little longer: by then the bot has
    done all it will for the mentions posted before."""
    sentinel = await mention(double, "is estonia a party?", user=next_user())
    await double.wait_for(lambda r: reference(r) == sentinel and r.status == 200, timeout=15)
    await asyncio.sleep(0.3)


def replies_to(requests: list[Recorded], ids: list[str]) -> dict[str, Recorded]:
    """The bot's replies to the messages ``ids``, by the id of the message each replies to."""
    found = {}
    for r in requests:
        if r.method == "POST" and r.path.endswith("/messages") and reference(r) in ids:
            assert reference(r) not in found, f"two replies to message {reference(r)}"
            found[reference(r)] = r
    return found


def reactions_on(requests: list[Recorded], ids: list[str]) -> list[Recorded]:
    """The bot's PUT .../messages/{id}/reactions/{emoji}/@me on the messages ``ids``."""
    return [
        r for r in requests if r.method == "PUT" and "/reactions/" in r.path and r.path.split("/")[4] in ids
    ]


def text_of(recorded: Recorded) -> str:
    return json.dumps(recorded.body, ensure_ascii=False)


async def test_no_request_where_the_bot_may_not_reply(bot: BotProcess, double: DiscordDouble) -> None:
    start = len(double.requests)
    # No "send messages" in the channel; no "send messages in threads" for the thread; no "read message
    # history", which a reply needs.
    user = next_user()
    quiet = [
        await mention(double, "is poland a party?", user=user, channel=READ_ONLY_CHANNEL_ID) for _ in range(5)
    ]
    quiet += [await mention(double, "is chad a party?", user=next_user(), channel=CLOSED_THREAD_ID)]
    quiet += [await mention(double, "is fiji a party?", user=next_user(), channel=NO_HISTORY_CHANNEL_ID)]
    # A thread of the read-only channel where the bot may post: answered.
    answered = await mention(double, "is tonga a party?", user=next_user(), channel=OPEN_THREAD_ID)
    await settle(double)
    requests = double.requests[start:]
    in_quiet_channels = [
        f"{r.method} {r.path} {r.status}"
        for r in requests
        if r.path.split("/")[2:3] in ([READ_ONLY_CHANNEL_ID], [CLOSED_THREAD_ID], [NO_HISTORY_CHANNEL_ID])
    ]
    assert in_quiet_channels == []
    assert [f"{r.method} {r.path}" for r in requests if r.status == 403] == []
    assert replies_to(requests, quiet) == {}
    reply = replies_to(requests, [answered])[answered]
    assert reply.path == f"/channels/{OPEN_THREAD_ID}/messages" and "Tonga" in text_of(reply)
    assert bot.process.returncode is None


@pytest.mark.parametrize(("channel", "may_react"), [(P.CHANNEL_ID, True), (NO_REACTIONS_CHANNEL_ID, False)])
async def test_a_flood_of_mentions_gets_one_cooldown_notice_then_reactions(
    bot: BotProcess, double: DiscordDouble, channel: str, may_react: bool
) -> None:
    start = len(double.requests)
    user = next_user()
    questions = [f"is {state} a party?" for state in itertools.islice(itertools.cycle(STATES), 22)]
    ids = [await mention(double, question, user=user, channel=channel) for question in questions]
    await settle(double)
    requests = double.requests[start:]
    replies = replies_to(requests, ids)
    assert sorted(replies) == sorted(ids[:6]), f"{len(replies)} replies to 22 mentions"
    assert all("try again in" not in text_of(replies[i]) for i in ids[:5])  # five answers
    assert "try again in" in text_of(replies[ids[5]])  # then one notice
    reactions = reactions_on(requests, ids)
    if may_react:
        assert sorted(r.path.split("/")[4] for r in reactions) == sorted(ids[6:])
        assert all(r.path.endswith(f"/reactions/{HOURGLASS}/@me") and r.status == 204 for r in reactions)
    else:
        assert reactions == []
    assert [f"{r.method} {r.path}" for r in requests if r.status >= 400] == []


async def test_bare_mentions_count_against_the_rate_limit(bot: BotProcess, double: DiscordDouble) -> None:
    start = len(double.requests)
    user = next_user()
    bare = [await mention(double, "", user=user) for _ in range(6)]
    question = await mention(double, "is chad a party?", user=user)
    await settle(double)
    requests = double.requests[start:]
    replies = replies_to(requests, [*bare, question])
    assert question not in replies, "the question was answered: bare mentions took nothing from the quota"
    assert all("Ask me something" in text_of(replies[i]) for i in bare[:5])
    assert "try again in" in text_of(replies[bare[5]])
    assert [r.path.split("/")[4] for r in reactions_on(requests, [question])] == [question]
