"""The commands in French: every command and option has a French name and description that Discord
accepts, and the sync sends them."""

from __future__ import annotations

import copy
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, cast

import discord
import pytest
from discord import app_commands
from support import discord_payloads as P
from support.discord_double import OPENAPI, command_sync_errors

from bot.frontends.discord.app import TreatyBot
from bot.frontends.discord.translator import (
    LOCALES,
    LocaleFileError,
    TreatyTranslator,
    read_catalogue,
    read_catalogues,
    valid_command_name,
)
from bot.frontends.replies import CommandReplies
from bot.settings import Settings

FR = discord.Locale.french.value
CHAT_INPUT, MESSAGE = 1, 3
# Discord's rule, written another way: \w is a letter, a digit or "_" (Devanagari and Thai left aside).
NAME = re.compile(r"[-\w]{1,32}")


@pytest.fixture
async def bot() -> AsyncIterator[TreatyBot]:
    """The bot after its setup hook: every command in the tree, the translator installed."""
    bot = TreatyBot(Settings(), cast(CommandReplies, None))
    bot._connection.application_id = int(P.APP_ID)
    await bot._async_setup_hook()
    await bot.setup_hook()
    yield bot
    await bot.close()


async def synced(bot: TreatyBot, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The body ``tree.sync()`` sends to Discord (PUT /applications/{id}/commands)."""
    sent: list[dict[str, Any]] = []

    async def bulk_upsert(application_id: int, payload: list[dict[str, Any]]) -> list[dict[str, Any]]:
        sent.extend(copy.deepcopy(payload))
        return [
            {"description": "", **command, "id": str(10**17 + i), "application_id": P.APP_ID, "version": "1"}
            for i, command in enumerate(payload)
        ]

    monkeypatch.setattr(bot.http, "bulk_upsert_global_commands", bulk_upsert)
    await bot.tree.sync()
    assert sent, "nothing synced"
    return sent


def options_of(command: dict[str, Any]) -> list[dict[str, Any]]:
    """Every option of a command, those of its subcommands and groups included."""
    found = []
    for option in command.get("options") or []:
        found.append(option)
        if option["type"] in (1, 2):
            found.extend(options_of(option))
    return found


def missing_french(command: dict[str, Any]) -> list[str]:
    """What of a synced command has no French: its name, description, options' and choices' names."""
    keys = (
        ["name_localizations"]
        if command["type"] != CHAT_INPUT
        else ["name_localizations", "description_localizations"]
    )
    missing = [f"/{command['name']} {key}" for key in keys if FR not in (command.get(key) or {})]
    for option in options_of(command):
        for key in ("name_localizations", "description_localizations"):
            if FR not in (option.get(key) or {}):
                missing.append(f"/{command['name']} {option['name']} {key}")
        for choice in option.get("choices") or []:
            if FR not in (choice.get("name_localizations") or {}):
                missing.append(f"/{command['name']} {option['name']} choice {choice['name']!r}")
    return missing


async def test_the_setup_hook_installs_the_translator(bot: TreatyBot) -> None:
    assert isinstance(bot.tree.translator, TreatyTranslator)
    assert discord.Locale.french in bot.tree.translator.catalogues


async def test_every_command_and_option_in_the_tree_has_a_french_name_and_description(
    bot: TreatyBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A command or option added later without its French in locales/fr.yaml fails here.
    tree = bot.tree.get_commands()
    assert {c.name for c in tree} >= {"ask", "status", "parties", "reload"}
    payload = await synced(bot, monkeypatch)
    assert [c["name"] for c in payload] == [c.name for c in tree]
    missing = [gap for command in payload for gap in missing_french(command)]
    assert not missing, f"no French (add it to {LOCALES / 'fr.yaml'}): {missing}"


async def test_the_french_names_are_the_chosen_ones(bot: TreatyBot, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = {c["name"]: c for c in await synced(bot, monkeypatch)}
    french = {name: c["name_localizations"][FR] for name, c in payload.items()}
    chosen = {
        "ask": "demander",
        "status": "statut",
        "withdrawals": "retraits",
        "parties": "etats-parties",
        "timeline": "chronologie",
        "treaty": "traite",
        "about": "a-propos",
        "reload": "recharger",
        "help": "aide",
        "Ask the treaty bot": "Demander au bot du traité",
    }
    assert {name: french.get(name) for name in chosen} == chosen
    status = {o["name"]: o for o in payload["status"]["options"]}
    assert {name: o["name_localizations"][FR] for name, o in status.items()} == {
        "state": "etat",
        "as_of": "date",
        "public": "public",
    }
    assert (
        status["as_of"]["description_localizations"][FR] == "Date à laquelle établir le statut (AAAA-MM-JJ)"
    )
    assert payload["status"]["description_localizations"][FR].startswith("Le statut d'un État")
    article = payload["treaty"]["options"][0]
    assert (article["name"], article["name_localizations"][FR]) == ("article", "article")


def shown(item: dict[str, Any], key: str) -> str:
    """What a French-speaking user sees: the French ``name`` or ``description``, else the English."""
    return (item.get(f"{key}_localizations") or {}).get(FR) or item.get(key) or ""


def option_levels(command: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The options of a command, level by level: its own, then each subcommand's."""
    options = command.get("options") or []
    return [options, *(level for o in options if o["type"] in (1, 2) for level in option_levels(o))]


def broken_names(command: dict[str, Any]) -> list[str]:
    """What of a synced command breaks Discord's rules as French-speaking users see it."""
    broken = []
    name = shown(command, "name")
    if command["type"] == CHAT_INPUT:
        if not (NAME.fullmatch(name) and name == name.lower() and valid_command_name(name)):
            broken.append(f"command name {name!r}")
        if not 1 <= len(shown(command, "description")) <= 100:
            broken.append(f"/{command['name']} description")
    elif not 1 <= len(name) <= 32:
        broken.append(f"context menu name {name!r}")
    for level in option_levels(command):
        names = [shown(o, "name") for o in level]
        if len(set(names)) != len(names):
            broken.append(f"/{command['name']}: two options share a French name: {sorted(names)}")
        for option in level:
            name = shown(option, "name")
            if not (NAME.fullmatch(name) and name == name.lower() and valid_command_name(name)):
                broken.append(f"/{command['name']} option name {name!r}")
            if not 1 <= len(shown(option, "description")) <= 100:
                broken.append(f"/{command['name']} {option['name']} description")
            broken += [
                f"/{command['name']} {option['name']} choice {c['name']!r}"
                for c in option.get("choices") or []
                if not 1 <= len(shown(c, "name")) <= 100
            ]
    return broken


async def test_the_french_names_follow_discords_rules_and_are_unique(
    bot: TreatyBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = await synced(bot, monkeypatch)
    for kind in (CHAT_INPUT, MESSAGE):
        names = [shown(c, "name") for c in payload if c["type"] == kind]
        assert len(set(names)) == len(names), f"two commands share a French name: {sorted(names)}"
    broken = [problem for command in payload for problem in broken_names(command)]
    assert not broken, broken


@pytest.mark.skipif(not OPENAPI.is_file(), reason="Discord's OpenAPI spec is not beside the checkout")
async def test_the_synced_commands_satisfy_discords_openapi_schema(
    bot: TreatyBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    payload = await synced(bot, monkeypatch)
    assert command_sync_errors(payload) == []
    broken = copy.deepcopy(payload)
    broken[0]["name_localizations"][FR] = "x" * 33
    broken[0]["options"][0]["description_localizations"][FR] = ""
    assert len(command_sync_errors(broken)) == 2  # the schema check itself catches what it should


async def test_the_coming_commands_and_options_have_french_already(bot: TreatyBot) -> None:
    """/help, /chart (as_of, from, state) and a format option with CSV and JSON choices, as planned."""

    async def noop(interaction: discord.Interaction) -> None: ...

    @app_commands.command(name="chart", description="States Parties over time, as a chart.")
    @app_commands.rename(from_="from")
    async def chart(
        interaction: discord.Interaction, state: str, as_of: str | None = None, from_: str | None = None
    ) -> None: ...

    @app_commands.command(name="withdrawals", description="Every state that has withdrawn.")
    @app_commands.choices(
        format=[app_commands.Choice(name="CSV", value="csv"), app_commands.Choice(name="JSON", value="json")]
    )
    async def withdrawals(interaction: discord.Interaction, format: str | None = None) -> None: ...

    help_command = app_commands.Command(name="help", description="What the bot can do.", callback=noop)
    translator = bot.tree.translator
    assert translator is not None
    found = {}
    for command in (help_command, chart, withdrawals):
        payload = await command.get_translated_payload(bot.tree, translator)
        assert not missing_french(payload), missing_french(payload)
        found[command.name] = payload
    assert found["help"]["name_localizations"][FR] == "aide"
    assert found["chart"]["name_localizations"][FR] == "graphique"
    chart_options = {o["name"]: o["name_localizations"][FR] for o in found["chart"]["options"]}
    assert chart_options == {"state": "etat", "as_of": "date", "from": "depuis"}
    [format_option] = found["withdrawals"]["options"]
    assert format_option["name_localizations"][FR] == "format"
    assert [c["name_localizations"][FR] for c in format_option["choices"]] == ["CSV", "JSON"]


async def test_other_languages_and_autocomplete_names_stay_as_they_are(bot: TreatyBot) -> None:
    translator = bot.tree.translator
    assert translator is not None
    status = bot.tree.get_command("status")
    assert isinstance(status, app_commands.Command)
    name = app_commands.TranslationContext(app_commands.TranslationContextLocation.command_name, status)
    assert (
        await translator.translate(app_commands.locale_str("status"), discord.Locale.french, name) == "statut"
    )
    assert await translator.translate(app_commands.locale_str("status"), discord.Locale.german, name) is None
    latvia = app_commands.Choice(name="Lettonie (Latvia)", value="LVA")
    payload = await latvia.get_translated_payload_for_locale(translator, discord.Locale.french)
    assert payload == {"name": "Lettonie (Latvia)", "value": "LVA"}


def test_the_french_strings_are_data_in_the_package() -> None:
    root = Path(__file__).resolve().parents[2]
    assert LOCALES.is_relative_to(root / "bot")  # the wheel ships everything under bot/
    assert (LOCALES / "fr.yaml").is_file()
    assert list(read_catalogues()) == [discord.Locale.french]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("commands:\n  status: {name: Statut}\n", "commands.status.name: 'Statut' is not a command"),
        ("commands:\n  status: {name: mon statut}\n", "commands.status.name: 'mon statut' is not a command"),
        ("options:\n  state: {name: " + "e" * 33 + "}\n", "options.state.name"),
        ("options:\n  state: {description: " + "e" * 101 + "}\n", "is not 1 to 100 characters"),
        ("options:\n  state: {nom: etat}\n", "options.state.nom: unknown key"),
        ("context_menus:\n  Ask the treaty bot: " + "x" * 33 + "\n", "context_menus.Ask the treaty bot"),
        ("commands: [status]\n", "commands: expected a mapping"),
        ("commands: {status: {name: [statut]}}\n", "commands.status.name: expected text"),
        ("commands: {\n", "cannot be read"),
    ],
)
def test_a_locale_file_discord_would_refuse_is_named_with_its_key(
    tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "fr.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LocaleFileError, match=re.escape(problem)) as error:
        read_catalogue(path)
    assert str(error.value).startswith("fr.yaml: ")


def test_a_locale_file_must_be_named_after_a_discord_locale(tmp_path: Path) -> None:
    (tmp_path / "french.yaml").write_text("commands: {}\n", encoding="utf-8")
    with pytest.raises(LocaleFileError, match="'french' is not a Discord locale"):
        read_catalogues(tmp_path)


def test_accented_names_are_allowed_and_capitals_are_not() -> None:
    assert valid_command_name("états-parties") and valid_command_name("a_propos2")
    assert not valid_command_name("États") and not valid_command_name("a propos")
    assert not valid_command_name("") and not valid_command_name("x" * 33)
    assert valid_command_name("\u0915\u093f")  # Devanagari with its vowel sign
