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
