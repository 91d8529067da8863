"""A Discord-compatible test double on loopback: the REST subset and the gateway the bot uses.

It records every request, can inject faults on any route (429 with ``retry_after``, 5xx,
delays, dropped connections, a 200 with a body of the test's choosing), and drives the gateway: HELLO, IDENTIFY with a token check,
READY, GUILD_CREATE, heartbeats, RESUME with replay, INVALID_SESSION, RECONNECT, and
dispatch of INTERACTION_CREATE and MESSAGE_CREATE. The gateway can also stay down, refusing every
reconnection (503 to the WebSocket upgrade), as during an outage.

Several shards may be connected at once, from one process or several: like Discord, the double sends a
guild's events to the shard that identified as ``shard_of(guild_id, shard_count)`` (buffered for its
RESUME while it is away); events with no guild, or whose shard never identified, go to the latest
connection.

Like Discord, it refuses (403) a message or a reaction the bot has no permission for in a channel of its
guild (see ``CHANNELS``), and a command sync (400) whose body breaks Discord's OpenAPI schema, when
the schema is at hand (``OPENAPI``).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from support import discord_payloads as P

MESSAGE_CONTENT_INTENT = 1 << 15
FULL_PERMISSIONS = P.ALL_PERMISSIONS
OPENAPI = Path(__file__).resolve().parents[3] / "shared" / "reference" / "discord-openapi.json"
"""Discord's OpenAPI spec, beside the checkout as ``shared/`` is."""

ADD_REACTIONS = 1 << 6
SEND_MESSAGES = 1 << 11
READ_MESSAGE_HISTORY = 1 << 16
SEND_MESSAGES_IN_THREADS = 1 << 38
BOT_ROLE_ID = "900000000000000020"
BOT_ROLE_PERMISSIONS = READ_MESSAGE_HISTORY | ADD_REACTIONS | SEND_MESSAGES_IN_THREADS
"""The bot's own role, on top of @everyone's (view, send, embed links, use application commands)."""

READ_ONLY_CHANNEL_ID = "900000000000000011"
OPEN_THREAD_ID = "900000000000000012"
NO_THREADS_CHANNEL_ID = "900000000000000013"
CLOSED_THREAD_ID = "900000000000000014"
NO_REACTIONS_CHANNEL_ID = "900000000000000015"
NO_HISTORY_CHANNEL_ID = "900000000000000016"
CHANNELS: dict[str, tuple[str, dict[str, tuple[int, int]]]] = {
    P.CHANNEL_ID: ("general", {}),
    READ_ONLY_CHANNEL_ID: ("announcements", {P.GUILD_ID: (0, SEND_MESSAGES)}),
    NO_THREADS_CHANNEL_ID: ("no-threads", {BOT_ROLE_ID: (0, SEND_MESSAGES_IN_THREADS)}),
    NO_REACTIONS_CHANNEL_ID: ("no-reactions", {BOT_ROLE_ID: (0, ADD_REACTIONS)}),
    NO_HISTORY_CHANNEL_ID: ("no-history", {BOT_ROLE_ID: (0, READ_MESSAGE_HISTORY)}),
}
"""The guild's text channels: name, and the overwrites (role id to allowed and denied bits)."""
THREADS: dict[str, str] = {OPEN_THREAD_ID: READ_ONLY_CHANNEL_ID, CLOSED_THREAD_ID: NO_THREADS_CHANNEL_ID}
"""The guild's public threads, and the channel of each."""


def bot_permissions(channel_id: str) -> int:
    """The bot's permissions in a channel or thread of the guild, as Discord resolves them; in a thread,
    SEND_MESSAGES stands for "send messages in threads", which is what posting there needs."""
    thread_of = THREADS.get(channel_id)
    _, overwrites = CHANNELS.get(thread_of or channel_id, ("", {}))
    value = int(P.MEMBER_PERMISSIONS) | BOT_ROLE_PERMISSIONS
    for role in (P.GUILD_ID, BOT_ROLE_ID):  # @everyone's overwrite, then the bot role's
        allow, deny = overwrites.get(role, (0, 0))
        value = (value & ~deny) | allow
    if thread_of:
        value = value & ~SEND_MESSAGES | (SEND_MESSAGES if value & SEND_MESSAGES_IN_THREADS else 0)
    return value


MISSING_PERMISSIONS = {"message": "Missing Permissions", "code": 50013}
NO_HISTORY = {"message": "Cannot reply without permission to read message history", "code": 160002}


# ---------------------------------------------------------------- Discord's OpenAPI schema, the subset it uses
@cache
def openapi() -> dict[str, Any]:
    return json.loads(OPENAPI.read_text(encoding="utf-8"))


_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _JSON_TYPES[name])


def schema_errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema`` (JSON Schema as Discord's spec writes it: $ref, type, const,
    enum, pattern, lengths, counts, bounds, properties, required, additionalProperties, items, allOf,
    oneOf, anyOf); [] if nothing does."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return schema_errors(value, openapi()["components"]["schemas"][name], where)
    types = schema.get("type")
    if types is not None:
        names = [types] if isinstance(types, str) else types
        if not any(_is_type(value, name) for name in names):
            return [f"{where}: {value!r} is not of type {types}"]
    errors = [*_scalar_errors(value, schema, where), *_combined_errors(value, schema, where)]
    if isinstance(value, dict):
        errors += _object_errors(value, schema, where)
    if isinstance(value, list):
        errors += _array_errors(value, schema, where)
    return errors


def _scalar_errors(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    errors = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, str):
        if not schema.get("minLength", 0) <= len(value) <= schema.get("maxLength", len(value)):
            errors.append(f"{where}: {value!r} has {len(value)} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    if _is_type(value, "number") and not schema.get("minimum", value) <= value <= schema.get(
        "maximum", value
    ):
        errors.append(f"{where}: {value!r} is out of bounds")
    return errors


def _combined_errors(value: Any, schema: dict[str, Any], where: str) -> list[str]:
    errors = [e for part in schema.get("allOf", []) for e in schema_errors(value, part, where)]
    if "oneOf" in schema:
        found = [schema_errors(value, part, where) for part in schema["oneOf"]]
        matches = sum(not errors for errors in found)
        if matches == 0:  # the nearest schema's complaints say the most
            errors += min(found, key=len)
        elif matches > 1:
            errors.append(f"{where}: matches {matches} of the oneOf schemas, not 1")
    if "anyOf" in schema and all(schema_errors(value, part, where) for part in schema["anyOf"]):
        errors.append(f"{where}: matches none of the anyOf schemas")
    return errors


def _object_errors(value: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    errors = [f"{where}: {key!r} is missing" for key in schema.get("required", []) if key not in value]
    if len(value) > schema.get("maxProperties", len(value)):
        errors.append(f"{where}: {len(value)} properties")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            errors += schema_errors(item, properties[key], f"{where}.{key}")
        elif extra is False:
            errors.append(f"{where}: unexpected {key!r}")
        elif isinstance(extra, dict):
            errors += schema_errors(item, extra, f"{where}.{key}")
    return errors


def _array_errors(value: list[Any], schema: dict[str, Any], where: str) -> list[str]:
    errors = []
    if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
        errors.append(f"{where}: {len(value)} items")
    if schema.get("uniqueItems") and len({json.dumps(v, sort_keys=True) for v in value}) != len(value):
        errors.append(f"{where}: items are not unique")
    if "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{index}]")
    return errors


def command_sync_errors(body: Any) -> list[str]:
    """What in the body of PUT .../commands Discord's OpenAPI spec refuses; [] without the spec."""
    if not OPENAPI.is_file():
        return []
    path = openapi()["paths"]["/applications/{application_id}/commands"]
    return schema_errors(body, path["put"]["requestBody"]["content"]["application/json"]["schema"])


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    status: int = 0
    at: float = field(default_factory=time.perf_counter)


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int = 0
    times: int = 1
    retry_after: float = 0.0
    is_global: bool = False
    delay: float = 0.0
    drop: bool = False
    body: Any = None


@dataclass
class Session:
    session_id: str
    seq: int = 0
    buffer: list[dict[str, Any]] = field(default_factory=list)
    intents: int = 0
    shard: tuple[int, int] | None = None  # [shard_id, shard_count] from IDENTIFY, when sharded
    ws: web.WebSocketResponse | None = None  # the session's connection, while it has one


def shard_of(guild_id: str | int, shard_count: int) -> int:
    """The shard Discord sends a guild's events to."""
    return (int(guild_id) >> 22) % shard_count


class DiscordDouble:
    """Start with ``await double.start()``; point the bot at ``double.api_base`` and ``double.gateway_url``."""

    def __init__(self, *, token: str = "test-token-0123456789", heartbeat_ms: int = 41250) -> None:
        self.token = token
        self.heartbeat_ms = heartbeat_ms
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.sync_errors: list[str] = []
        self.sessions: dict[str, Session] = {}
        self.session: Session | None = None
        self.ws: web.WebSocketResponse | None = None
        self.gateway_ops: list[int] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.identify_times: list[float] = []  # time.monotonic() of each IDENTIFY received
        self.connects = 0
        self.gateway_down = False  # while True, the gateway refuses connections (503)
        self.refused_connects = 0
        self.identifies = 0
        self.resumes = 0
        self.ready = asyncio.Event()
        self._changed = asyncio.Condition()
        self._ids = itertools.count(1)
        self._callback_waiters: dict[str, asyncio.Future[float]] = {}
        self._buckets: dict[tuple[str, str], dict[str, str]] = {}
        self._callback_message_ids: dict[str, str] = {}
        self._waiting = 0
        self.app = web.Application()
        self.app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self.app.router.add_get("/", self._gateway)
        self.runner: web.AppRunner | None = None
        self.port = 0

    # ---------------------------------------------------------------- lifecycle
    async def start(self) -> None:
        self.runner = web.AppRunner(self.app, handle_signals=False, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self.runner is not None:
            await self.runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # ---------------------------------------------------------------- recording and faults
    def inject(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 0,
        times: int = 1,
        retry_after: float = 0.0,
        is_global: bool = False,
        delay: float = 0.0,
        drop: bool = False,
        body: Any = None,
    ) -> None:
        """Fail the next ``times`` requests matching ``method`` and ``path_regex``.

        With ``body`` (and no ``status``) they get a 200 with that JSON body instead of the real answer.
        """
        self.faults.append(
            Fault(
                method.upper(),
                re.compile(path_regex),
                status,
                times,
                retry_after,
                is_global,
                delay,
                drop,
                body,
            )
        )

    async def wait_for(self, predicate, *, timeout: float = 10.0) -> Recorded:
        """The first recorded request matching ``predicate``, waiting for it if needed."""
        self._waiting += 1
        try:
            return await self._wait_for(predicate, timeout)
        finally:
            self._waiting -= 1

    async def _wait_for(self, predicate, timeout: float) -> Recorded:
        async with self._changed:
            deadline = time.monotonic() + timeout
            while True:
                for recorded in self.requests:
                    if predicate(recorded):
                        return recorded
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no matching request recorded")
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue

    def callbacks_for(self, interaction_id: str) -> list[Recorded]:
        return [
            r
            for r in self.requests
            if r.path == f"/interactions/{interaction_id}/" + r.path.split("/")[3] + "/callback"
        ]

    def response_message_id(self, interaction_id: str) -> str:
        """The id the double gave the message created by an interaction's response."""
        return self._callback_message_ids[interaction_id]

    def expect_callback(self, interaction_id: str) -> asyncio.Future[float]:
        """A future that resolves to the time the interaction's first successful callback arrived."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._callback_waiters[interaction_id] = future
        return future

    async def _notify(self) -> None:
        if not self._waiting:
            return
        async with self._changed:
            self._changed.notify_all()

    @staticmethod
    def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
        # Exactly "application/json": discord.py compares the header verbatim.
        return web.Response(
            body=json.dumps(data).encode(), status=status, content_type="application/json", headers=headers
        )

    def _rate_headers(self, method: str, path: str) -> dict[str, str]:
        # One bucket per route family, as Discord does; computed once per family.
        family = (method, path.split("/")[1] if "/" in path else path)
        cached = self._buckets.get(family)
        if cached is not None:
            return cached
        bucket = hashlib.sha1(" ".join(family).encode()).hexdigest()[:16]
        self._buckets[family] = headers = {
            "X-RateLimit-Limit": "1000",
            "X-RateLimit-Remaining": "999",
            "X-RateLimit-Reset-After": "1.0",
            "X-RateLimit-Bucket": bucket,
        }
        return headers

    # ---------------------------------------------------------------- REST
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = request.rel_url.raw_path.removeprefix("/api/v10")  # as sent: "%E2%8F%B3", not "⏳"
        try:
            body = (
                await request.json()
                if request.can_read_body and request.content_type == "application/json"
                else None
            )
        except json.JSONDecodeError:
            body = None
        if body is None and request.content_type.startswith("multipart/"):
            body = await self._multipart(request)
        recorded = Recorded(request.method, path, dict(request.query), body, dict(request.headers))
        self.requests.append(recorded)
        response = await self._faulted(recorded, request) or await self._route(recorded)
        recorded.status = response.status
        if response.status == 200 and recorded.path.endswith("/callback"):
            waiter = self._callback_waiters.pop(recorded.path.split("/")[2], None)
            if waiter is not None and not waiter.done():
                waiter.set_result(time.perf_counter())
        await self._notify()
        return response

    @staticmethod
    async def _multipart(request: web.Request) -> dict[str, Any]:
        reader = await request.multipart()
        out: dict[str, Any] = {"files": []}
        async for part in reader:
            if part.name == "payload_json":
                out.update(json.loads(await part.text()))
            else:
                out["files"].append(
                    {
                        "name": part.name,
                        "filename": part.filename,
                        "data": (await part.read()).decode(errors="replace"),
                    }
                )
        return out

    async def _faulted(self, recorded: Recorded, request: web.Request) -> web.StreamResponse | None:
        for fault in self.faults:
            if (
                fault.times <= 0
                or fault.method not in (recorded.method, "*")
                or not fault.pattern.search(recorded.path)
            ):
                continue
            fault.times -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                if request.transport is not None:
                    request.transport.abort()
                return web.Response(status=499)
            if fault.status == 429:
                headers = {
                    "Via": "1.1 google",
                    "Retry-After": str(max(1, round(fault.retry_after))),
                    "X-RateLimit-Scope": "user",
                }
                if fault.is_global:
                    headers["X-RateLimit-Global"] = "true"
                return self._json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": fault.retry_after,
                        "global": fault.is_global,
                    },
                    status=429,
                    headers=headers,
                )
            if fault.status:
                return self._json({"message": "Internal Server Error", "code": 0}, status=fault.status)
            if fault.body is not None:
                return self._json(fault.body, headers=self._rate_headers(recorded.method, recorded.path))
        return None

    async def _route(self, r: Recorded) -> web.Response:
        ok = self._rate_headers(r.method, r.path)
        bot_user = P.user(P.APP_ID, "treatybot", bot=True)
        if r.path == "/users/@me" and r.method == "GET":
            if r.headers.get("Authorization") != f"Bot {self.token}":
                return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
            return self._json(bot_user, headers=ok)
        if r.path == "/oauth2/applications/@me":
            return self._json(
                {
                    "id": P.APP_ID,
                    "name": "treatybot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": P.user("700000000000000000", "owner"),
                    "verify_key": "0" * 64,
                    "flags": 0,
                    "interactions_endpoint_url": None,
                },
                headers=ok,
            )
        if r.path in ("/gateway", "/gateway/bot"):
            data: dict[str, Any] = {"url": self.gateway_url}
            if r.path == "/gateway/bot":
                data |= {
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            return self._json(data, headers=ok)
        match = re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", r.path)
        if match and r.method == "PUT":
            errors = command_sync_errors(r.body)
            if errors:
                self.sync_errors.extend(errors)
                return self._json(
                    {"message": "Invalid Form Body", "code": 50035, "errors": errors}, status=400
                )
            scope = match.group(2) or "global"
            self.commands[scope] = list(r.body or [])
            out = []
            for command in self.commands[scope]:
                entry = {
                    "description": "",
                    **command,
                    "id": str(next(self._ids) + 10**17),
                    "application_id": P.APP_ID,
                    "version": "1",
                }
                if match.group(2):
                    entry["guild_id"] = match.group(2)
                out.append(entry)
            return self._json(out, headers=ok)
        match = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", r.path)
        if match and r.method == "POST":
            message = self._message(((r.body or {}).get("data") or {}).get("content") or "")
            self._callback_message_ids[match.group(1)] = message["id"]
            return self._json(
                {
                    "interaction": {
                        "id": match.group(1),
                        "type": 2,
                        "response_message_id": message["id"],
                        "response_message_loading": False,
                        "response_message_ephemeral": False,
                    },
                    "resource": {"type": (r.body or {}).get("type", 4), "message": message},
                },
                headers=ok,
            )
        if re.fullmatch(r"/webhooks/\d+/[^/]+(/messages/[^/]+)?", r.path) and r.method in (
            "POST",
            "PATCH",
            "GET",
        ):
            return self._json(self._message((r.body or {}).get("content") or ""), headers=ok)
        return self._channel_route(r, ok) or self._json({"message": "404: Not Found", "code": 0}, status=404)

    def _channel_route(self, r: Recorded, ok: dict[str, str]) -> web.Response | None:
        """The bot's messages and reactions in the guild's channels, refused (403) as Discord would."""
        match = re.fullmatch(r"/channels/(\d+)/messages", r.path)
        if match and r.method == "POST":
            if r.headers.get("Authorization") != f"Bot {self.token}":
                return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
            refused = self._refused_message(match.group(1), r.body)
            if refused:
                return self._json(refused, status=403)
            return self._json(
                self._message((r.body or {}).get("content") or "", channel_id=match.group(1)), headers=ok
            )
        match = re.fullmatch(r"/channels/(\d+)/messages/\d+/reactions/[^/]+/@me", r.path)
        if match and r.method == "PUT":
            if ~bot_permissions(match.group(1)) & (ADD_REACTIONS | READ_MESSAGE_HISTORY):
                return self._json(MISSING_PERMISSIONS, status=403)
            return web.Response(status=204, headers=ok)
        return None

    @staticmethod
    def _refused_message(channel_id: str, body: Any) -> dict[str, Any] | None:
        """Why Discord would refuse the bot's message in the channel; None if it would not."""
        allowed = bot_permissions(channel_id)
        if not allowed & SEND_MESSAGES:
            return MISSING_PERMISSIONS
        if isinstance(body, dict) and body.get("message_reference") and not allowed & READ_MESSAGE_HISTORY:
            return NO_HISTORY
        return None

    def _message(self, content: str, *, channel_id: str = P.CHANNEL_ID) -> dict[str, Any]:
        data = P.message(content, author=P.user(P.APP_ID, "treatybot", bot=True))
        data["channel_id"] = channel_id
        return data

    # ---------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        if self.gateway_down:
            self.refused_connects += 1
            return web.Response(status=503, text="the gateway is down")
        ws = web.WebSocketResponse(autoclose=False, max_msg_size=0)
        await ws.prepare(request)
        self.ws = ws
        self.connects += 1
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}, "s": None, "t": None})
        )
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                if message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                    break
                continue
            payload = json.loads(message.data)
            op = payload.get("op")
            self.gateway_ops.append(op)
            if op == 1:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            elif op == 2:
                await self._identify(ws, payload["d"])
            elif op == 6:
                await self._resume(ws, payload["d"])
            await self._notify()
        if self.ws is ws:
            self.ws = None
        for session in self.sessions.values():
            if session.ws is ws:
                session.ws = None
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies += 1
        self.identify_times.append(time.monotonic())
        self.identify_payloads.append({k: v for k, v in data.items() if k != "token"})
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        session = Session(uuid.uuid4().hex, intents=int(data.get("intents") or 0), ws=ws)
        if data.get("shard"):
            session.shard = (int(data["shard"][0]), int(data["shard"][1]))
        self.sessions[session.session_id] = session
        self.session = session
        bot_user = P.user(P.APP_ID, "treatybot", bot=True)
        await self._send(
            ws,
            "READY",
            {
                "v": 10,
                "user": bot_user,
                "guilds": [{"id": P.GUILD_ID, "unavailable": True}],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "application": {"id": P.APP_ID, "flags": 0},
                **({"shard": data["shard"]} if data.get("shard") else {}),
            },
        )
        await self._send(ws, "GUILD_CREATE", self._guild())
        self.ready.set()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.resumes += 1
        session = self.sessions.get(data.get("session_id", ""))
        if data.get("token") != self.token or session is None:
            await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return
        self.session = session
        session.ws = ws
        for event in [e for e in session.buffer if e["s"] > (data.get("seq") or 0)]:
            await ws.send_str(json.dumps(event))
        await self._send(ws, "RESUMED", {})

    def _guild(self) -> dict[str, Any]:
        return {
            "id": P.GUILD_ID,
            "name": "Test Guild",
            "unavailable": False,
            "member_count": 1,
            "owner_id": "700000000000000000",
            "roles": [
                {"id": P.GUILD_ID, "name": "@everyone", "permissions": P.MEMBER_PERMISSIONS, "position": 0},
                {
                    "id": BOT_ROLE_ID,
                    "name": "treatybot",
                    "permissions": str(BOT_ROLE_PERMISSIONS),
                    "position": 1,
                },
            ],
            "channels": [
                {
                    "id": channel_id,
                    "type": 0,
                    "name": name,
                    "position": position,
                    "guild_id": P.GUILD_ID,
                    "permission_overwrites": [
                        {"id": role, "type": 0, "allow": str(allow), "deny": str(deny)}
                        for role, (allow, deny) in overwrites.items()
                    ],
                }
                for position, (channel_id, (name, overwrites)) in enumerate(CHANNELS.items())
            ],
            "members": [
                {
                    "user": P.user(P.APP_ID, "treatybot", bot=True),
                    "roles": [BOT_ROLE_ID],
                    "flags": 0,
                    "joined_at": "2025-01-01T00:00:00+00:00",
                }
            ],
            "threads": [self._thread(thread_id, parent_id) for thread_id, parent_id in THREADS.items()],
            "presences": [],
            "voice_states": [],
            "emojis": [],
            "stickers": [],
            "features": [],
        }

    @staticmethod
    def _thread(thread_id: str, parent_id: str) -> dict[str, Any]:
        return {
            "id": thread_id,
            "guild_id": P.GUILD_ID,
            "parent_id": parent_id,
            "owner_id": "700000000000000001",
            "name": f"thread {thread_id[-2:]}",
            "type": 11,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": "2025-01-01T00:00:00+00:00",
                "locked": False,
            },
        }

    async def _send(
        self,
        ws: web.WebSocketResponse | None,
        event: str,
        data: dict[str, Any],
        session: Session | None = None,
    ) -> dict[str, Any]:
        session = session or self.session
        assert session is not None, "no gateway session"
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        if event not in ("READY", "RESUMED"):
            session.buffer.append(frame)
        if ws is not None and not ws.closed:
            await ws.send_str(json.dumps(frame))
        return frame

    def _shard_session(self, guild_id: Any) -> Session | None:
        """The latest session of the shard a guild's events go to, when such a shard identified."""
        if not guild_id:
            return None
        for session in reversed(self.sessions.values()):
            if session.shard and session.shard[0] == shard_of(guild_id, session.shard[1]):
                return session
        return None

    async def dispatch(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send a dispatch, or buffer it for replay on RESUME while the bot is disconnected."""
        routed = self._shard_session(data.get("guild_id"))
        session = routed or self.session
        if event == "MESSAGE_CREATE" and session and not session.intents & MESSAGE_CONTENT_INTENT:
            mentioned = any(u.get("id") == P.APP_ID for u in data.get("mentions", []))
            if not mentioned and data.get("guild_id"):
                data = {**data, "content": ""}  # as Discord does without the message-content intent
        if routed is not None:
            return await self._send(routed.ws, event, data, routed)
        return await self._send(self.ws, event, data)

    async def interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def send_op(self, op: int, data: Any = None) -> None:
        assert self.ws is not None
        await self.ws.send_str(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def drop_gateway(self, code: int = 4000, *, stay_down: bool = False) -> None:
        """Close the gateway with ``code``; 1006 aborts the TCP connection without a close frame.

        With ``stay_down``, refuse every reconnection until :attr:`gateway_down` is set back to False."""
        self.gateway_down = self.gateway_down or stay_down
        ws = self.ws
        if ws is None:
            return
        self.ws = None
        if code == WSCloseCode.ABNORMAL_CLOSURE:
            transport = ws._req.transport if ws._req is not None else None
            if transport is not None:
                transport.abort()
        else:
            await ws.close(code=code, message=b"closed by the test double")

    async def wait_until(self, condition, *, timeout: float = 15.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met")
            await asyncio.sleep(0.02)
