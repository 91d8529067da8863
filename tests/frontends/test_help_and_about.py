"""/help comes from the command table; /about says everything in words and names the reloader to admins."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import discord_payloads as P
from support.cli import KNOWLEDGE
from test_discord_commands import ADMIN_USER, embed_of, harness, invoke, last_message

from bot.engine.status import LABELS
from bot.frontends.commands import DISCORD, EXAMPLE_QUESTIONS, commands_for
from bot.frontends.replies import CommandReplies
from bot.service import FactStore

__all__ = ["harness"]


@pytest.fixture(scope="module")
def replies(built_db: Path) -> CommandReplies:
    return CommandReplies(FactStore(knowledge_dir=KNOWLEDGE, database=built_db))


async def test_help_is_ephemeral_and_lists_every_command_and_three_examples(harness) -> None:
    await invoke(harness, P.command("help"))
    message = last_message(harness)
    assert message["flags"] & 64
    text = embed_of(message)["description"]
    for command in commands_for(DISCORD):
        assert f"`{command.synopsis(DISCORD)}` — {command.description}" in text
    assert len(EXAMPLE_QUESTIONS) == 3 and all(q in text for q in EXAMPLE_QUESTIONS)


def test_every_example_question_is_answered(replies: CommandReplies) -> None:
    for question in EXAMPLE_QUESTIONS:
        reply = replies.ask(question)
        assert reply.answer is not None and reply.answer.matched, question


def test_about_uses_words_for_statuses(replies: CommandReplies) -> None:
    text = replies.about().body
    assert "withdrawal_pending" not in text and "non_party" not in text
    assert f"{LABELS['withdrawal_pending']}:" in text
    assert "States last compared with the depositary status page as at" in text


async def test_about_names_the_reloader_only_to_reload_admins(harness) -> None:
    await invoke(harness, P.command("reload", user_id=ADMIN_USER))
    await invoke(harness, P.command("about"))
    everyone = embed_of(last_message(harness))["description"]
    assert "Last reload:" in everyone and "succeeded" in everyone and " by " not in everyone
    await invoke(harness, P.command("about", user_id=ADMIN_USER))
    admin = embed_of(last_message(harness))["description"]
    assert " by " in admin
