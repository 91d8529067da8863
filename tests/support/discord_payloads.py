"""Raw Discord API payloads for tests: users, members, messages and interactions."""

from __future__ import annotations

import itertools
import time
from typing import Any

APP_ID = "900000000000000001"
GUILD_ID = "900000000000000002"
CHANNEL_ID = "900000000000000003"
ALL_PERMISSIONS = str((1 << 53) - 1)
NO_EMBED_PERMISSIONS = str(((1 << 53) - 1) & ~(1 << 14))
MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 14) | (1 << 31))  # view, send, embed, use app commands
_counter = itertools.count(1)


def snowflake() -> str:
    """A real time-based snowflake, so created_at and expires_at are sensible."""
    return str(((int(time.time() * 1000) - 1420070400000) << 22) | (next(_counter) % 4096))


def user(user_id: str = "700000000000000001", name: str = "alice", *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": user_id,
        "username": name,
        "discriminator": "0",
        "avatar": None,
        "global_name": name,
        "bot": bot,
    }


def member(
    user_id: str = "700000000000000001", *, permissions: str = MEMBER_PERMISSIONS, roles=()
) -> dict[str, Any]:
    return {
        "user": user(user_id),
        "roles": list(roles),
        "flags": 0,
        "permissions": permissions,
        "joined_at": "2025-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
    }


def message(
    content: str, *, author: dict[str, Any] | None = None, mentions=(), message_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": message_id or snowflake(),
        "channel_id": CHANNEL_ID,
        "guild_id": GUILD_ID,
        "type": 0,
        "content": content,
        "author": author or user(),
        "mentions": list(mentions),
        "mention_roles": [],
        "mention_everyone": False,
        "attachments": [],
        "embeds": [],
        "components": [],
        "timestamp": "2026-11-27T12:00:00+00:00",
        "edited_timestamp": None,
        "pinned": False,
        "tts": False,
        "flags": 0,
    }


def interaction(
    itype: int,
    data: dict[str, Any],
    *,
    dm: bool = False,
    user_id: str = "700000000000000001",
    permissions: str = MEMBER_PERMISSIONS,
    app_permissions: str = ALL_PERMISSIONS,
    roles=(),
    message_payload: dict[str, Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": snowflake(),
        "application_id": APP_ID,
        "type": itype,
        "token": f"tok-{snowflake()}",
        "version": 1,
        "data": data,
        "app_permissions": app_permissions,
        "locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID} if not dm else {"1": user_id},
        "context": 1 if dm else 0,
        "attachment_size_limit": 8388608,
    }
    if dm:
        payload["user"] = user(user_id)
        payload["channel"] = {"id": CHANNEL_ID, "type": 1, "recipients": [user(user_id)]}
        payload["channel_id"] = CHANNEL_ID
    else:
        payload["guild_id"] = GUILD_ID
        payload["guild_locale"] = "en-US"
        payload["channel_id"] = CHANNEL_ID
        payload["channel"] = {
            "id": CHANNEL_ID,
            "type": 0,
            "guild_id": GUILD_ID,
            "name": "general",
            "position": 0,
        }
        payload["member"] = member(user_id, permissions=permissions, roles=roles)
    if message_payload is not None:
        payload["message"] = message_payload
    return payload


def option(name: str, value: Any, *, otype: int = 3, focused: bool = False) -> dict[str, Any]:
    out = {"name": name, "type": otype, "value": value}
    if focused:
        out["focused"] = True
    return out


def command(name: str, *options: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return interaction(2, {"id": snowflake(), "name": name, "type": 1, "options": list(options)}, **kwargs)


def autocomplete(name: str, *options: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return interaction(4, {"id": snowflake(), "name": name, "type": 1, "options": list(options)}, **kwargs)


def context_menu(target: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    data = {
        "id": snowflake(),
        "name": "Ask the treaty bot",
        "type": 3,
        "target_id": target["id"],
        "resolved": {"messages": {target["id"]: target}},
    }
    return interaction(2, data, **kwargs)


def button(custom_id: str, message_payload: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    return interaction(
        3, {"custom_id": custom_id, "component_type": 2}, message_payload=message_payload, **kwargs
    )
