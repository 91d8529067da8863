"""Every answer is reported once to the observers, with its front end, outcome and the question's text."""

from __future__ import annotations

from support import discord_payloads as P
from test_discord_commands import harness, invoke, mention

from bot.frontends.observe import Answered, Observers, answered

__all__ = ["harness"]


async def test_slash_commands_and_mentions_are_reported(harness) -> None:
    seen: list[Answered] = []
    harness["bot"].observers.subscribe(seen.append)
    await invoke(harness, P.command("ask", P.option("question", "is poland a party?")))
    await invoke(harness, P.command("ask", P.option("question", "what is the capital of narnia?")))
    await mention(harness, "has finland left?")
    assert [(e.frontend, e.outcome, e.question) for e in seen] == [
        ("slash", "answered", "is poland a party?"),
        ("slash", seen[1].outcome, "what is the capital of narnia?"),
        ("mention", "answered", "has finland left?"),
    ]
    assert seen[1].outcome in ("declined", "suggested") and seen[1].missed
    assert not seen[0].missed and all(e.latency_ms >= 0 for e in seen)


def test_a_failing_observer_never_breaks_the_others() -> None:
    observers, seen = Observers(), []

    def broken(event: Answered) -> None:
        raise RuntimeError("metrics down")

    observers.subscribe(broken)
    observers.subscribe(seen.append)
    observers.notify(answered(frontend="console", command="ask", answer=None, latency_ms=1.0))
    assert [e.outcome for e in seen] == ["command"]


async def test_the_running_bot_follows_a_reload_made_by_another_process(harness) -> None:
    import asyncio

    from bot.service import FactStore

    ours = harness["store"]
    other = FactStore(knowledge_dir=harness["knowledge"], database=ours.database)
    path = harness["knowledge"] / "facts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("in equal shares", "jointly (edited)"), encoding="utf-8"
    )
    result = await other.reload(user_id="2", user_name="curator elsewhere")
    for _ in range(50):  # the bot polls the stamp every 2 s; the issue allows 5 s
        if ours.kb.content_hash == result.hash_after:
            break
        await asyncio.sleep(0.1)
    assert ours.kb.content_hash == result.hash_after


def test_the_misses_log_subscribes_when_it_is_on(tmp_path) -> None:
    from bot.frontends.discord.app import TreatyBot
    from bot.misses import MissesLog
    from bot.settings import Settings

    class Replies:
        store = None

    bot = TreatyBot(Settings(misses_log=True, data_dir=tmp_path), Replies())  # type: ignore[arg-type]
    assert any(isinstance(o, MissesLog) for o in bot.observers._subscribers)
    quiet = TreatyBot(Settings(data_dir=tmp_path), Replies())  # type: ignore[arg-type]
    assert not any(isinstance(o, MissesLog) for o in quiet.observers._subscribers)
