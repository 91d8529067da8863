"""The /status state autocomplete offers names in the user's language, with the English name beside them."""

from __future__ import annotations

from typing import Any

from support import discord_payloads as P
from test_discord_commands import callbacks, harness, invoke

__all__ = ["harness"]  # the fixture, shared with the command tests


async def choices(h: dict[str, Any], current: str, *, locale: str) -> list[dict[str, str]]:
    """The autocomplete choices for ``current`` typed by a user whose Discord speaks ``locale``."""
    h["sent"].clear()
    payload = P.autocomplete("status", P.option("state", current, focused=True))
    payload["locale"] = locale
    await invoke(h, payload)
    [callback] = callbacks(h)
    assert callback.body["type"] == 8
    found: list[dict[str, str]] = callback.body["data"]["choices"]
    assert len(found) <= 25 and all(1 <= len(c["name"]) <= 100 for c in found)
    return found


async def test_a_french_user_sees_french_names_with_the_english_beside_them(harness) -> None:
    found = await choices(harness, "Allem", locale="fr")
    assert found[0] == {"name": "Allemagne (Germany)", "value": "DEU"}
    found = await choices(harness, "Pol", locale="fr")
    assert found[0] == {"name": "Pologne (Poland)", "value": "POL"}
    assert {"name": "Poland", "value": "POL"} not in found  # one choice per state


async def test_other_locales_and_scripts(harness) -> None:
    assert (await choices(harness, "Росс", locale="ru"))[0]["value"] == "RUS"
    assert (await choices(harness, "日", locale="zh-CN"))[0] == {"name": "日本 (Japan)", "value": "JPN"}
    assert (await choices(harness, "Polsk", locale="en-US"))[0] == {"name": "Polska (Poland)", "value": "POL"}


async def test_english_choices_are_kept_for_an_english_user(harness) -> None:
    assert (await choices(harness, "Lithunia", locale="en-US"))[0] == {"name": "Lithuania", "value": "LTU"}
    assert (await choices(harness, "Pol", locale="en-US"))[0] == {"name": "Poland", "value": "POL"}
    empty = await choices(harness, "", locale="fr")
    assert empty[0]["name"] == "Afghanistan"


async def test_the_chosen_value_is_what_the_status_command_expects(harness) -> None:
    [choice] = [c for c in await choices(harness, "Allem", locale="fr") if c["value"] == "DEU"]
    harness["sent"].clear()
    await invoke(harness, P.command("status", P.option("state", choice["value"])))
    reply = callbacks(harness)[-1].body["data"]
    assert "Germany" in reply["embeds"][0]["description"]
