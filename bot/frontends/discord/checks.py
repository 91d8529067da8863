"""Who may reload the facts, the per-user question quota for every way of asking, and what the bot may do
in the channel of a message that mentions it."""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
from discord import app_commands

from bot.frontends.discord.cooldown import UserRateLimiter
from bot.frontends.discord.errors import NotReloadAdmin
from bot.settings import Settings

log = logging.getLogger("bot.commands")

Check = Callable[[discord.Interaction], bool]


def take_quota(limiter: UserRateLimiter, user_id: int) -> None:
    """Count one question against the user's limit; past it, raise ``CommandOnCooldown``."""
    retry_after = limiter.hit(user_id)
    if retry_after:
        raise app_commands.CommandOnCooldown(app_commands.Cooldown(limiter.rate, limiter.per), retry_after)


def channel_permissions(message: discord.Message) -> discord.Permissions | None:
    """The bot's permissions in the guild channel or thread of ``message``; None in a DM, or when the guild,
    the bot's member or a thread's parent channel is not cached (then only Discord knows)."""
    guild, channel = message.guild, message.channel
    me = guild.me if guild is not None else None
    if me is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
        return None
    try:
        return channel.permissions_for(me)
    except discord.ClientException:  # a thread whose parent channel is not cached
        return None


def may_reply(message: discord.Message, permissions: discord.Permissions | None) -> bool:
    """Whether the bot may answer ``message`` with a reply: send messages (in threads, send messages in
    threads) and read the message history, which a reply's reference to the message needs."""
    if permissions is None:
        return True
    send = (
        permissions.send_messages_in_threads
        if isinstance(message.channel, discord.Thread)
        else permissions.send_messages
    )
    return send and permissions.read_message_history


def may_react(permissions: discord.Permissions | None) -> bool:
    """Whether the bot may add a reaction to a message: add reactions and read the message history."""
    return permissions is None or (permissions.add_reactions and permissions.read_message_history)


def is_reload_admin(interaction: discord.Interaction, settings: Settings) -> bool:
    """Manage Server or Administrator, or a configured admin user or role (never the @everyone role)."""
    user = interaction.user
    if user.id in settings.admin_user_ids:
        return True
    if isinstance(user, discord.Member):
        # The permissions Discord resolved for this interaction are authoritative.
        resolved, own = interaction.permissions, user.guild_permissions
        if resolved.manage_guild or resolved.administrator or own.manage_guild or own.administrator:
            return True
        # Role ids come with the interaction even when the guild's roles are not cached.
        role_ids = {role.id for role in user.roles} | set(getattr(user, "_roles", ()))
        role_ids.discard(user.guild.id)  # the @everyone role has the guild's id; it never grants admin
        if role_ids & settings.admin_role_ids:
            return True
    return False


def quota_check(limiter: UserRateLimiter) -> Check:
    """An app command check that takes a question from the user's quota."""

    def check(interaction: discord.Interaction) -> bool:
        take_quota(limiter, interaction.user.id)
        return True

    return check


def reload_admin_check(
    settings: Settings, *, command: str = "reload", refusal: type[NotReloadAdmin] = NotReloadAdmin
) -> Check:
    """An app command check that lets only reload admins through (for /reload, and /misses)."""

    def check(interaction: discord.Interaction) -> bool:
        if is_reload_admin(interaction, settings):
            return True
        log.warning("refused /%s for user %s in guild %s", command, interaction.user.id, interaction.guild_id)
        raise refusal

    return check
