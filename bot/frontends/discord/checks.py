"""Who may reload the facts, and the per-user question quota, for every way of asking."""

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


def reload_admin_check(settings: Settings) -> Check:
    """An app command check that lets only reload admins through."""

    def check(interaction: discord.Interaction) -> bool:
        if is_reload_admin(interaction, settings):
            return True
        log.warning("refused /reload for user %s in guild %s", interaction.user.id, interaction.guild_id)
        raise NotReloadAdmin

    return check
