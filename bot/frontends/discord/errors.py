"""The errors users can cause, what they are told, and the one handler that tells them; what stops the bot."""

from __future__ import annotations

import logging
import math
import uuid

import aiohttp
import discord
from discord import app_commands

log = logging.getLogger("bot")

WRONG_OPTION = "One of the options has the wrong type or value; please check it and try again."
NOT_HERE = "You can't use this command here."
UNKNOWN_COMMAND = "I don't know that command; the command list may be out of date. Try `/ask`."


class NotReloadAdmin(app_commands.CheckFailure):
    """The user may not reload the fact base."""

    def __init__(self) -> None:
        super().__init__(
            "Only members with the Manage Server permission or a configured admin role can reload the facts."
        )


class BadDate(app_commands.AppCommandError):
    """A date option (``as_of``, ``from``, ``since``) that is not a YYYY-MM-DD date in range."""

    def __init__(self, value: str, *, reason: str = "", option: str = "as_of") -> None:
        super().__init__(
            f"`{option}`: {reason}."
            if reason
            else f"`{option}` must be a date like 2026-02-20, not {discord.utils.escape_markdown(value[:40])!r}."
        )


def cooldown_text(retry_after: float) -> str:
    """What a user who asks too quickly is told."""
    return f"You're asking quickly; try again in {math.ceil(retry_after)} s."


def user_message(error: BaseException) -> str | None:
    """What to tell the user about an error they caused; None for a fault of the bot's own."""
    if isinstance(error, NotReloadAdmin | BadDate):
        return str(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        return cooldown_text(error.retry_after)
    if isinstance(error, app_commands.TransformerError):
        return WRONG_OPTION
    if isinstance(error, app_commands.CheckFailure):
        return NOT_HERE
    if isinstance(error, app_commands.CommandNotFound):
        return UNKNOWN_COMMAND
    return None


def new_incident() -> str:
    """A short id that ties what the user is told to the logged traceback."""
    return uuid.uuid4().hex[:8]


def incident_text(incident: str) -> str:
    return f"Something went wrong on my side (incident `{incident}`)."


async def report_interaction_error(interaction: discord.Interaction, error: Exception) -> None:
    """Tell the user what went wrong, ephemerally; log the bot's own faults with an incident id."""
    text = user_message(error)
    if text is None:
        incident = new_incident()
        log.error(
            "incident %s in interaction %s",
            incident,
            getattr(interaction.command, "name", "?"),
            exc_info=getattr(error, "original", error),
        )
        text = f"{incident_text(incident)} It has been logged; please try again."
    try:
        if interaction.response.is_done():
            await interaction.followup.send(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


def startup_failure(error: BaseException, *, doing: str, host: str) -> str:
    """One line for the log on what stopped the bot ``doing`` something (e.g. "while syncing commands")."""
    if isinstance(error, discord.LoginFailure):
        return "Discord rejected the token (401 Unauthorized). Check DISCORD_TOKEN in .env."
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return "Discord requires a privileged intent that is not enabled for this application."
    if isinstance(error, aiohttp.ClientConnectorError | OSError):
        cause = getattr(error, "os_error", None) or error
        why = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
        return f"cannot reach Discord at {host}: check the network or DISCORD_API_BASE ({why})"
    if isinstance(error, KeyError):
        key = error.args[0] if error.args else "?"
        return f"unexpected response from Discord {doing}: the {key!r} key is missing"
    if isinstance(error, discord.Forbidden) and "syncing commands" in doing:
        return "Discord refused the sync: invite the bot with the applications.commands scope."
    if isinstance(error, discord.HTTPException):
        return f"Discord refused a request {doing}: HTTP {error.status} {error.text}"
    return f"the bot stopped {doing}: {type(error).__name__}: {error}"
