"""A Discord-compatible test double on loopback: the REST subset and the gateway the bot uses.

It records every request, can inject faults on any route (429 with ``retry_after``, 5xx,
delays, dropped connections, a 200 with a body of the test's choosing), and drives the gateway: HELLO, IDENTIFY with a token check,
READY, GUILD_CREATE, heartbeats, RESUME with replay, INVALID_SESSION, RECONNECT, and
dispatch of INTERACTION_CREATE and MESSAGE_CREATE.
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
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from support import discord_payloads as P

MESSAGE_CONTENT_INTENT = 1 << 15
FULL_PERMISSIONS = P.ALL_PERMISSIONS


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


class DiscordDouble:
    """Start with ``await double.start()``; point the bot at ``double.api_base`` and ``double.gateway_url``."""

    def __init__(self, *, token: str = "test-token-0123456789", heartbeat_ms: int = 41250) -> None:
        self.token = token
        self.heartbeat_ms = heartbeat_ms
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.sessions: dict[str, Session] = {}
        self.session: Session | None = None
        self.ws: web.WebSocketResponse | None = None
        self.gateway_ops: list[int] = []
        self.identify_payloads: list[dict[str, Any]] = []
        self.identify_times: list[float] = []  # time.monotonic() of each IDENTIFY received
        self.connects = 0
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
        path = "/" + request.match_info["tail"]
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
        match = re.fullmatch(r"/channels/(\d+)/messages", r.path)
        if match and r.method == "POST":
            if r.headers.get("Authorization") != f"Bot {self.token}":
                return self._json({"message": "401: Unauthorized", "code": 0}, status=401)
            return self._json(
                self._message((r.body or {}).get("content") or "", channel_id=match.group(1)), headers=ok
            )
        return self._json({"message": "404: Not Found", "code": 0}, status=404)

    def _message(self, content: str, *, channel_id: str = P.CHANNEL_ID) -> dict[str, Any]:
        data = P.message(content, author=P.user(P.APP_ID, "treatybot", bot=True))
        data["channel_id"] = channel_id
        return data

    # ---------------------------------------------------------------- gateway
    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
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
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identifies += 1
        self.identify_times.append(time.monotonic())
        self.identify_payloads.append({k: v for k, v in data.items() if k != "token"})
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        session = Session(uuid.uuid4().hex, intents=int(data.get("intents") or 0))
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
                {"id": P.GUILD_ID, "name": "@everyone", "permissions": P.MEMBER_PERMISSIONS, "position": 0}
            ],
            "channels": [
                {
                    "id": P.CHANNEL_ID,
                    "type": 0,
                    "name": "general",
                    "position": 0,
                    "guild_id": P.GUILD_ID,
                    "permission_overwrites": [],
                }
            ],
            "members": [
                {
                    "user": P.user(P.APP_ID, "treatybot", bot=True),
                    "roles": [],
                    "flags": 0,
                    "joined_at": "2025-01-01T00:00:00+00:00",
                }
            ],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "emojis": [],
            "stickers": [],
            "features": [],
        }

    async def _send(
        self, ws: web.WebSocketResponse | None, event: str, data: dict[str, Any]
    ) -> dict[str, Any]:
        session = self.session
        assert session is not None, "no gateway session"
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        if event not in ("READY", "RESUMED"):
            session.buffer.append(frame)
        if ws is not None and not ws.closed:
            await ws.send_str(json.dumps(frame))
        return frame

    async def dispatch(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """Send a dispatch, or buffer it for replay on RESUME while the bot is disconnected."""
        if event == "MESSAGE_CREATE" and self.session and not self.session.intents & MESSAGE_CONTENT_INTENT:
            mentioned = any(u.get("id") == P.APP_ID for u in data.get("mentions", []))
            if not mentioned and data.get("guild_id"):
                data = {**data, "content": ""}  # as Discord does without the message-content intent
        return await self._send(self.ws, event, data)

    async def interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def send_op(self, op: int, data: Any = None) -> None:
        assert self.ws is not None
        await self.ws.send_str(json.dumps({"op": op, "d": data, "s": None, "t": None}))

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close the gateway with ``code``; 1006 aborts the TCP connection without a close frame."""
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
