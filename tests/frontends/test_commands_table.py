"""The one command table: the README, the console and the Discord cog all offer exactly its commands."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from support.cli import KNOWLEDGE, ROOT

from bot.frontends import console
from bot.frontends.commands import CONSOLE, DISCORD, commands_for
from bot.frontends.discord.commands import TreatyCommands
from bot.frontends.discord.cooldown import UserRateLimiter
from bot.frontends.replies import CommandReplies
from bot.service import FactStore
from bot.settings import Settings


def readme_commands() -> dict[str, list[tuple[str, bool]]]:
    """The slash commands of README's "### Commands" table: name -> [(option, required)]."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Commands\n", 1)[1]
    section = re.split(r"\n#{2,3} ", section, maxsplit=1)[0]
    found: dict[str, list[tuple[str, bool]]] = {}
    for line in section.splitlines():
        if not line.startswith("| `/"):
            continue
        usage = line.split("`")[1]
        name, *options = usage.split()
        found[name.removeprefix("/")] = [
            (option.strip("[]").split(":")[0], not option.startswith("[")) for option in options
        ]
    return found


def test_readme_lists_exactly_the_discord_commands_of_the_table() -> None:
    expected = {
        command.name: [(option.name, option.required) for option in command.options_for(DISCORD)]
        for command in commands_for(DISCORD)
    }
    assert readme_commands() == expected


@pytest.fixture(scope="module")
def replies(built_db: Path) -> CommandReplies:
    return CommandReplies(FactStore(knowledge_dir=KNOWLEDGE, database=built_db))


def test_console_help_lists_every_command_of_the_table(built_db: Path) -> None:
    out = io.StringIO()
    console.run_console(knowledge_dir=KNOWLEDGE, database=built_db, stdin=io.StringIO("/help\n"), stdout=out)
    lines = out.getvalue().splitlines()
    for command in commands_for(CONSOLE):
        assert any(
            line.split()[:1] == [f"/{command.name}"]
            and command.synopsis(CONSOLE) in line
            and command.description in line
            for line in lines
        ), command.name


def test_the_console_handles_exactly_the_commands_of_the_table() -> None:
    assert set(console.HANDLERS) == {command.name for command in commands_for(CONSOLE)}


def test_the_discord_cog_has_exactly_the_commands_of_the_table(replies: CommandReplies) -> None:
    cog = TreatyCommands(replies, UserRateLimiter(), Settings())
    cog_commands = {
        command.name: (
            command.description,
            [(p.display_name, p.description, p.required) for p in command.parameters],
        )
        for command in cog.get_app_commands()
    }
    assert cog_commands == {
        command.name: (
            command.description,
            [(o.name, o.description, o.required) for o in command.options_for(DISCORD)],
        )
        for command in commands_for(DISCORD)
    }


def test_about_says_which_depositary_page_the_states_were_compared_with(replies: CommandReplies) -> None:
    assert (
        "States last compared with the depositary status page as at 3 February 2026" in replies.about().body
    )


async def test_a_reload_says_which_depositary_page_the_states_were_compared_with(
    knowledge_copy: Path, tmp_path: Path
) -> None:
    store = FactStore(knowledge_dir=knowledge_copy, database=tmp_path / "facts.sqlite3")
    text = (knowledge_copy / "knowledge.yaml").read_text(encoding="utf-8")
    (knowledge_copy / "knowledge.yaml").write_text(
        text.replace("depositary_as_at: 2026-02-03", "depositary_as_at: 2026-05-04"), encoding="utf-8"
    )
    reply, result = await CommandReplies(store).reload(user_id="1", user_name="curator")
    assert result.ok
    assert reply.body.endswith("States last compared with the depositary status page as at 4 May 2026")


def test_a_slash_command_as_of_outside_the_calendar_says_so() -> None:
    from bot.frontends.discord.commands import parse_as_of
    from bot.frontends.discord.errors import BadDate

    with pytest.raises(
        BadDate, match="2300-01-01 is outside the dates I answer for, 1997-01-01 to 2100-12-31"
    ):
        parse_as_of("2300-01-01")
    with pytest.raises(BadDate, match="must be a date like 2026-02-20"):
        parse_as_of("tomorrow")
