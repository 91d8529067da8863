"""The state autocomplete answers the same from its cache and follows a reload; the tasks an event starts
are tracked without disturbing the loop's own task factory."""

from __future__ import annotations

import asyncio
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from support.cli import KNOWLEDGE

from bot.frontends.discord.app import created_tasks
from bot.frontends.discord.commands import TreatyCommands
from bot.frontends.discord.cooldown import UserRateLimiter
from bot.frontends.replies import CommandReplies
from bot.service import FactStore
from bot.settings import Settings


@pytest.fixture(scope="module")
def store(built_db: Path) -> FactStore:
    return FactStore(knowledge_dir=KNOWLEDGE, database=built_db)


def test_asking_again_gives_the_same_choices_in_every_language(store: FactStore) -> None:
    cog = TreatyCommands(CommandReplies(store), UserRateLimiter(), Settings())
    for locale, typed in [(discord.Locale.french, "Allem"), (discord.Locale.american_english, "Pol")]:
        first = cog.state_choices(locale, typed)
        assert first and cog.state_choices(locale, typed) == first
    assert cog.state_choices(discord.Locale.french, "Allem")[0] == ("Allemagne (Germany)", "DEU")
    assert cog.state_choices(discord.Locale.american_english, "Pol")[0] == ("Poland", "POL")


def test_changing_the_returned_choices_changes_no_later_answer(store: FactStore) -> None:
    cog = TreatyCommands(CommandReplies(store), UserRateLimiter(), Settings())
    choices = cog.state_choices(discord.Locale.french, "Pol")
    expected = list(choices)
    choices.clear()
    assert cog.state_choices(discord.Locale.french, "Pol") == expected


class ReloadingReplies:
    """Replies whose facts (and so English choices) change when ``reload`` is called."""

    def __init__(self, store: FactStore) -> None:
        self.store = SimpleNamespace(kb=SimpleNamespace(content_hash="before"), engine=store.engine)
        self.english = [("Poland", "POL")]

    def state_choices(self, current: str) -> list[tuple[str, str]]:
        return list(self.english)

    def reload(self) -> None:
        self.store.kb = SimpleNamespace(content_hash="after")
        self.english = [("Portugal", "PRT")]


def test_the_choices_follow_a_reload(store: FactStore) -> None:
    replies = ReloadingReplies(store)
    cog = TreatyCommands(replies, UserRateLimiter(), Settings())  # type: ignore[arg-type]
    assert cog.state_choices(discord.Locale.american_english, "") == [("Poland", "POL")]
    replies.reload()
    assert cog.state_choices(discord.Locale.american_english, "") == [("Portugal", "PRT")]


async def test_created_tasks_gathers_only_the_tasks_created_in_the_block() -> None:
    async def nap() -> None:
        await asyncio.sleep(0)

    before = asyncio.create_task(nap())
    with created_tasks() as started:
        inside = [asyncio.create_task(nap()), asyncio.get_running_loop().create_task(nap(), name="named")]
    after = asyncio.create_task(nap())
    assert started == inside
    assert inside[1].get_name() == "named"
    await asyncio.gather(before, *inside, after)


async def test_created_tasks_keeps_the_loop_s_own_task_factory() -> None:
    loop = asyncio.get_running_loop()
    made: list[Any] = []

    def own(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Task[Any]:
        task = asyncio.Task(coro, loop=loop, **options)
        made.append(task)
        return task

    loop.set_task_factory(own)
    try:
        with created_tasks() as started:
            task = asyncio.create_task(asyncio.sleep(0))
        assert started == [task] and made == [task]
        assert loop.get_task_factory() is own
        await task
    finally:
        loop.set_task_factory(None)
    with created_tasks():
        pass
    assert loop.get_task_factory() is None
