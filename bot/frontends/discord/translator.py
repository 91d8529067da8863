"""Command and option names and descriptions in other languages, from the files in ``locales/``.

Each file is named after a Discord locale (``fr.yaml``) and keyed by the English names of the command
table, so a translation is found by what is translated (which command, which option) rather than by
its English words. discord.py asks the translator for every string when it syncs the commands.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import yaml
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

LOCALES = Path(__file__).with_name("locales")
NAME_LENGTH = 32
DESCRIPTION_LENGTH = 100
CHOICE_NAME_LENGTH = 100
_SCRIPTS = (("\u0900", "\u097f"), ("\u0e00", "\u0e7f"))  # Devanagari and Thai, marks included


class LocaleFileError(ValueError):
    """A locale file that cannot be read or breaks one of Discord's rules."""


def valid_name_char(char: str) -> bool:
    """A letter, a digit, ``-`` or ``_``, or a Devanagari or Thai character: what Discord allows."""
    if char in "-_" or unicodedata.category(char)[0] in "LN":
        return True
    return any(low <= char <= high for low, high in _SCRIPTS)


def valid_command_name(name: str) -> bool:
    """Discord's rule for slash command and option names: ``^[-_\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$``,
    lowercase where a letter has a lowercase form."""
    return 1 <= len(name) <= NAME_LENGTH and name == name.lower() and all(valid_name_char(c) for c in name)


def valid_text(text: str, limit: int) -> bool:
    """1 to ``limit`` characters, not only spaces."""
    return bool(text.strip()) and len(text) <= limit


@dataclass(frozen=True, slots=True)
class Catalogue:
    """One language's strings: commands and options by their English names, context menus and choices."""

    commands: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    command_options: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    context_menus: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, str] = field(default_factory=dict)

    def command(self, name: str, key: str) -> str | None:
        """The command's ``name`` or ``description``."""
        return self.commands.get(name, {}).get(key)

    def option(self, command: str, option: str, key: str) -> str | None:
        """The option's ``name`` or ``description``: the command's own, else the shared one."""
        own = self.command_options.get(command, {}).get(option, {}).get(key)
        return own if own is not None else self.options.get(option, {}).get(key)

    def lookup(self, context: app_commands.TranslationContextTypes) -> str | None:
        """The string for what ``context`` says is being translated; None if there is none."""
        handler = _HANDLERS.get(context.location)
        return handler(self, context.data) if handler else None


def _command_string(key: str) -> Callable[[Catalogue, Any], str | None]:
    def find(catalogue: Catalogue, command: Any) -> str | None:
        if isinstance(command, app_commands.ContextMenu):
            return catalogue.context_menus.get(command.name) if key == "name" else None
        return catalogue.command(command.qualified_name, key)

    return find


def _option_string(key: str) -> Callable[[Catalogue, Any], str | None]:
    def find(catalogue: Catalogue, parameter: Any) -> str | None:
        return catalogue.option(parameter.command.qualified_name, parameter.display_name, key)

    return find


def _choice_name(catalogue: Catalogue, choice: Any) -> str | None:
    return catalogue.choices.get(choice.name)


_HANDLERS: dict[Where, Callable[[Catalogue, Any], str | None]] = {
    Where.command_name: _command_string("name"),
    Where.command_description: _command_string("description"),
    Where.group_name: _command_string("name"),
    Where.group_description: _command_string("description"),
    Where.parameter_name: _option_string("name"),
    Where.parameter_description: _option_string("description"),
    Where.choice_name: _choice_name,
}


class _Reader:
    """Reads one locale file, naming the file and the key of anything wrong."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, problem: str) -> LocaleFileError:
        return LocaleFileError(f"{self.path.name}: {where}: {problem}")

    def mapping(self, value: Any, where: str) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(where, "expected a mapping")
        return {str(k): v for k, v in value.items()}

    def text(self, value: Any, where: str, *, limit: int, name: bool = False) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "expected text")
        if name and not valid_command_name(value):
            raise self.fail(
                where, f"{value!r} is not a command or option name (lowercase letters, digits, - or _, 1-32)"
            )
        if not valid_text(value, limit):
            raise self.fail(where, f"{value!r} is not 1 to {limit} characters")
        return value

    def strings(self, value: Any, where: str, *, allowed: tuple[str, ...] = ()) -> dict[str, str]:
        """``{name: ..., description: ...}``, each checked against Discord's rules."""
        entry = self.mapping(value, where)
        out: dict[str, str] = {}
        for key, text in entry.items():
            if key not in ("name", "description", *allowed):
                raise self.fail(f"{where}.{key}", "unknown key (name or description)")
            if key in ("name", "description"):
                limit = NAME_LENGTH if key == "name" else DESCRIPTION_LENGTH
                out[key] = self.text(text, f"{where}.{key}", limit=limit, name=key == "name")
        return out

    def catalogue(self) -> Catalogue:
        try:
            data = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
            raise LocaleFileError(f"{self.path.name}: cannot be read: {error}") from None
        top = self.mapping(data, "the file")
        commands: dict[str, dict[str, str]] = {}
        command_options: dict[str, dict[str, dict[str, str]]] = {}
        for command, value in self.mapping(top.get("commands"), "commands").items():
            where = f"commands.{command}"
            commands[command] = self.strings(value, where, allowed=("options",))
            options = self.mapping(self.mapping(value, where).get("options"), f"{where}.options")
            command_options[command] = {
                option: self.strings(entry, f"{where}.options.{option}") for option, entry in options.items()
            }
        return Catalogue(
            commands=commands,
            command_options=command_options,
            options={
                option: self.strings(entry, f"options.{option}")
                for option, entry in self.mapping(top.get("options"), "options").items()
            },
            context_menus={
                menu: self.text(name, f"context_menus.{menu}", limit=NAME_LENGTH)
                for menu, name in self.mapping(top.get("context_menus"), "context_menus").items()
            },
            choices={
                choice: self.text(name, f"choices.{choice}", limit=CHOICE_NAME_LENGTH)
                for choice, name in self.mapping(top.get("choices"), "choices").items()
            },
        )


def read_catalogue(path: Path) -> Catalogue:
    """One locale file; ``LocaleFileError`` naming the file and key of anything Discord would refuse."""
    return _Reader(path).catalogue()


def read_catalogues(folder: Path = LOCALES) -> dict[discord.Locale, Catalogue]:
    """Every ``<locale>.yaml`` in ``folder``, by the Discord locale its name gives."""
    catalogues: dict[discord.Locale, Catalogue] = {}
    for path in sorted(folder.glob("*.yaml")):
        try:
            locale = discord.Locale(path.stem)
        except ValueError:
            raise LocaleFileError(f"{path.name}: {path.stem!r} is not a Discord locale") from None
        catalogues[locale] = read_catalogue(path)
    return catalogues


class TreatyTranslator(app_commands.Translator):
    """Names and descriptions of the commands in the languages of ``locales/``, for ``tree.set_translator``."""

    def __init__(self, catalogues: Mapping[discord.Locale, Catalogue] | None = None) -> None:
        self.catalogues = dict(read_catalogues() if catalogues is None else catalogues)

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        """The string in ``locale``, or None to leave it in English (the strings of autocomplete too)."""
        catalogue = self.catalogues.get(locale)
        return catalogue.lookup(context) if catalogue else None
