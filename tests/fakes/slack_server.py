"""A local HTTP server that plays the Slack Web API (and response_url, file downloads).

It records every call, keeps the messages the bot posted so `conversations.replies` and
`conversations.history` answer like Slack, serves shared files only with the bot token, and
can be told to fail a method (429 with Retry-After, 5xx) a number of times.

Files arrive as from a real host over TLS: in pieces of 1-4 KB with a pause between them, so
no test can pass on a client that takes the first piece for the whole body. A file can also
be served slowly (a byte at a time), with a size other than declared, cut off part way, or
redirected within this origin or to another one (a second port of this server, serving
without the token as a signed CDN URL would).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from aiohttp import web

from tests.slack_validation import assert_valid_blocks, assert_valid_view

BOT_TOKEN = "xoxb-test-bot-token-000000"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0TEST001"
APP_ID = "A0TEST001"

_JSON_FIELDS = ("blocks", "view", "metadata", "attachments")


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    token: str | None


@dataclass
class Failure:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1
    body: dict[str, Any] | None = None


# The default pieces a file body is sent in, in turn; a real host's TLS records look alike.
FILE_PIECES = (1024, 3072, 4096, 2048, 1500)
FILE_PIECE_PAUSE = 0.001

Redirect = Literal["same-origin", "cross-origin"]


@dataclass
class ServedFile:
    content: bytes
    mimetype: str
    pieces: tuple[int, ...] = FILE_PIECES
    pause: float = FILE_PIECE_PAUSE
    redirect: Redirect | None = None
    # Declare the body's length in Content-Length (False: chunked transfer encoding).
    content_length: bool = True
    # Drop the connection once this many bytes are sent (a host or proxy failing mid-body).
    cut_after: int | None = None


class FakeSlackServer:
    def __init__(self, *, token: str = BOT_TOKEN, latency: float = 0.0) -> None:
        self.token = token
        self.latency = latency
        self.calls: list[Call] = []
        self.responses: list[dict[str, Any]] = []  # response_url posts
        self.failures: dict[str, list[Failure]] = {}
        self.files: dict[str, ServedFile] = {}
        self.file_requests: list[dict[str, Any]] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # A second port of the same server: another origin, for cross-origin redirects.
        self.foreign_port = 0
        self.hooks: list[Callable[[Call], None]] = []
        self.sockets: list[web.WebSocketResponse] = []
        # Every block and view the app sends is checked with slack_sdk's models.
        self.validation_errors: list[str] = []
        self.socket_acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    # Lifecycle -----------------------------------------------------------------------------

    async def start(self) -> FakeSlackServer:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_get("/files/{file_id}/{name}", self._file)
        app.router.add_get("/cdn/{file_id}/{name}", self._file_unsigned)
        app.router.add_post("/response/{rid}", self._response_url)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        foreign = web.TCPSite(self._runner, "127.0.0.1", 0)
        await foreign.start()
        self.foreign_port = foreign._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeSlackServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self, rid: str = "r1") -> str:
        return f"{self.url}/response/{rid}"

    # Test controls ---------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        body: dict[str, Any] | None = None,
    ) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.setdefault(method, []).append(Failure(status, headers, times, body))

    def add_file(
        self,
        file_id: str,
        content: bytes,
        *,
        name: str = "solution.py",
        filetype: str = "python",
        mimetype: str = "text/plain",
        mode: str = "snippet",
        size: int | None = None,
        pieces: tuple[int, ...] = FILE_PIECES,
        pause: float = FILE_PIECE_PAUSE,
        redirect: Redirect | None = None,
        content_length: bool = True,
        cut_after: int | None = None,
    ) -> dict[str, Any]:
        """Register a shared file and return the file object Slack puts in events.

        `size` declares a size other than the body's; `pieces` and `pause` shape how the
        body is sent (`pieces=(1,), pause=0.05` is a host sending a byte at a time);
        `redirect` answers the download with a redirect to this origin or another one;
        `cut_after` drops the connection part way through the body.
        """
        self.files[file_id] = ServedFile(
            content,
            mimetype,
            pieces,
            pause,
            redirect,
            content_length=content_length,
            cut_after=cut_after,
        )
        url = f"{self.url}/files/{file_id}/{name}"
        return {
            "id": file_id,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "filetype": filetype,
            "pretty_type": filetype.title(),
            "mode": mode,
            "size": len(content) if size is None else size,
            "is_external": False,
            "url_private": url,
            "url_private_download": url + "?download=1",
        }

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def posts(self, *, thread_ts: str | None = None, channel: str | None = None) -> list[Call]:
        found = []
        for call in self.calls_to("chat.postMessage"):
            if thread_ts is not None and call.params.get("thread_ts") != thread_ts:
                continue
            if channel is not None and call.params.get("channel") != channel:
                continue
            found.append(call)
        return found

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            await asyncio.sleep(0.01)
        raise AssertionError("condition not met in time")

    # Handlers ----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if raw:
            if request.content_type == "application/json":
                params.update(json.loads(raw))
            else:
                params.update(dict(parse_qsl(raw.decode(), keep_blank_values=True)))
        for key in _JSON_FIELDS:
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else params.get("token")
        call = Call(method, params, token)
        self.calls.append(call)
        self._validate(method, params)
        for hook in self.hooks:
            hook(call)
        if self.latency:
            await asyncio.sleep(self.latency)
        pending = self.failures.get(method) or []
        if pending:
            failure = pending[0]
            failure.times -= 1
            if failure.times <= 0:
                pending.pop(0)
            if failure.body is not None:
                return web.json_response(
                    failure.body, status=failure.status, headers=failure.headers
                )
            return web.Response(status=failure.status, headers=failure.headers, text="error")
        if method == "apps.connections.open" and str(token).startswith("xapp-"):
            return web.json_response({"ok": True, "url": f"ws://127.0.0.1:{self.port}/socket"})
        if not token:
            return web.json_response({"ok": False, "error": "not_authed"})
        if token != self.token:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response(self._answer(method, params))

    def _validate(self, method: str, params: dict[str, Any]) -> None:
        try:
            if method in {"views.publish", "views.open", "views.update", "views.push"}:
                assert_valid_view(params["view"])
            elif params.get("blocks") is not None:
                assert_valid_blocks(params["blocks"])
        except Exception as exc:
            self.validation_errors.append(f"{method}: {exc!r}")

    def _next_ts(self) -> str:
        return f"{1_700_000_000 + next(self._ts)}.000100"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "interview-bot",
                "team_id": TEAM_ID,
                "user_id": BOT_USER_ID,
                "bot_id": BOT_ID,
                "app_id": APP_ID,
            }
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            if channel.startswith("U"):
                channel = "D" + channel[1:]
            ts = self._next_ts()
            message = {
                "type": "message",
                "ts": ts,
                "text": params.get("text", ""),
                "blocks": params.get("blocks"),
                "user": BOT_USER_ID,
                "bot_id": BOT_ID,
                "thread_ts": params.get("thread_ts"),
                "metadata": params.get("metadata"),
            }
            self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in {"chat.update", "chat.delete"}:
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts")}
        if method == "chat.getPermalink":
            ts = str(params.get("message_ts", "")).replace(".", "")
            return {
                "ok": True,
                "channel": params.get("channel"),
                "permalink": f"https://test.slack.com/archives/{params.get('channel')}/p{ts}",
            }
        if method == "conversations.open":
            user = str(params.get("users", "")).split(",")[0]
            return {"ok": True, "channel": {"id": "D" + user[1:]}}
        if method == "conversations.replies":
            channel, ts = str(params.get("channel")), params.get("ts")
            msgs = [
                m
                for m in self.messages.get(channel, [])
                if m["ts"] == ts or m.get("thread_ts") == ts
            ]
            return {"ok": True, "messages": msgs, "has_more": False}
        if method == "conversations.history":
            msgs = list(reversed(self.messages.get(str(params.get("channel")), [])))
            return {"ok": True, "messages": msgs, "has_more": False}
        if method in {"views.publish", "views.open", "views.update", "views.push"}:
            view = params.get("view") or {}
            return {"ok": True, "view": {**view, "id": "V0001"}}
        return {"ok": True}

    async def _file(self, request: web.Request) -> web.StreamResponse:
        self.file_requests.append(
            {"path": request.path, "authorization": request.headers.get("Authorization")}
        )
        file_id = request.match_info["file_id"]
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            # What Slack does: a login page, status 200.
            return web.Response(
                text="<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html"
            )
        served = self.files.get(file_id)
        if served is None:
            return web.Response(status=404, text="not found")
        name = request.match_info["name"]
        if served.redirect == "same-origin" and "hop" not in request.query:
            raise web.HTTPFound(f"/files/{file_id}/{name}?hop=1")
        if served.redirect == "cross-origin":
            raise web.HTTPFound(f"http://127.0.0.1:{self.foreign_port}/cdn/{file_id}/{name}")
        return await self._send_in_pieces(request, served)

    async def _file_unsigned(self, request: web.Request) -> web.StreamResponse:
        """Another origin's copy, served to anyone (a signed CDN URL): never to be fetched."""
        self.file_requests.append(
            {"path": request.path, "authorization": request.headers.get("Authorization")}
        )
        served = self.files.get(request.match_info["file_id"])
        if served is None:
            return web.Response(status=404, text="not found")
        return await self._send_in_pieces(request, served)

    async def _send_in_pieces(self, request: web.Request, served: ServedFile) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": served.mimetype})
        if served.content_length:
            response.content_length = len(served.content)
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        try:
            for size in itertools.cycle(served.pieces):
                if sent >= len(served.content):
                    break
                if served.cut_after is not None and sent >= served.cut_after:
                    if request.transport is not None:
                        request.transport.close()
                    return response
                if sent:
                    await asyncio.sleep(served.pause)
                await response.write(served.content[sent : sent + size])
                sent += size
            await response.write_eof()
        except ConnectionResetError:
            pass  # the client stopped reading (too large, too slow): as a real host sees it
        return response

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, then collect the app's acks of the envelopes we push."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.sockets.append(ws)
        await ws.send_json(
            {"type": "hello", "num_connections": 1, "connection_info": {"app_id": APP_ID}}
        )
        async for message in ws:
            if message.type.name == "TEXT":
                await self.socket_acks.put(json.loads(message.data))
        return ws

    async def push_envelope(self, envelope: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
        """Send a Socket Mode envelope to the connected app and wait for its ack."""
        await self.wait_for(lambda: self.sockets, timeout)
        await self.sockets[-1].send_json(envelope)
        while True:
            ack = await asyncio.wait_for(self.socket_acks.get(), timeout)
            if ack.get("envelope_id") == envelope["envelope_id"]:
                return ack

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        if body.get("blocks") is not None:
            self._validate("response_url", body)
        self.responses.append({"rid": request.match_info["rid"], **body})
        return web.Response(text="ok")
