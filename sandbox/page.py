"""The browser page: the Slack-like client at `/`, its live channel and its actions.

The page never talks to the bot. It asks the sandbox to act for the person
(`/ui/...`), and the sandbox turns that into what Slack would send the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import hdrs, web
from aiohttp.typedefs import Handler, Middleware

from sandbox.person import SNIPPET_TYPES, Container, Person, PersonError
from sandbox.workspace import JSONDict, Workspace

STATIC_DIR = Path(__file__).parent / "static"
# Uploads through the page are capped well above the bot's 100 KB code limit.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


# Names under which the page is reached on this machine; a browser sends them with the port.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


class HostAllowList:
    """The `Host` values the sandbox answers, and the origins its page may act from.

    A DNS-rebinding page controls both `Host` and `Origin` (its own name, resolved to
    127.0.0.1), so comparing one with the other proves nothing: both are checked against
    the names the sandbox was really reached under.
    """

    def __init__(self, extra_host: str | None = None) -> None:
        self.port: int | None = None
        self.bound_host: str | None = None
        # The operator's own name for the page (a tunnel, an /etc/hosts entry): with its
        # port it must match exactly; without one it is allowed bare and with the page's port.
        self.extra_host = (extra_host or "").strip().lower() or None

    def hosts(self) -> frozenset[str]:
        if self.port is None:
            return frozenset()
        names = {*LOOPBACK_HOSTS}
        if self.bound_host:
            names.add(self.bound_host.lower())
        allowed = {f"{name}:{self.port}" for name in names}
        if self.extra_host:
            if _has_port(self.extra_host):
                allowed.add(self.extra_host)
            else:
                allowed |= {self.extra_host, f"{self.extra_host}:{self.port}"}
        return frozenset(allowed)

    def allows_host(self, host: str | None) -> bool:
        return host is not None and host.strip().lower() in self.hosts()

    def allows_origin(self, origin: str) -> bool:
        try:
            parts = urlsplit(origin)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and self.allows_host(parts.netloc)


def _has_port(host: str) -> bool:
    tail = host.rsplit("]", 1)[-1]
    return ":" in tail and tail.rsplit(":", 1)[1].isdigit()


def host_guard(allow: HostAllowList) -> Middleware:
    """Refuses requests for another `Host` (DNS rebinding), and the page's endpoints to other
    sites' pages (no cross-site acts or reads).

    Browsers send `Origin` on cross-site requests and WebSocket handshakes.
    """

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not allow.allows_host(request.headers.get(hdrs.HOST)):
            raise web.HTTPForbidden(text="unknown host refused")
        origin = request.headers.get(hdrs.ORIGIN)
        if request.path.startswith("/ui/") and origin and not allow.allows_origin(origin):
            raise web.HTTPForbidden(text="cross-origin request refused")
        return await handler(request)

    return guard


class Page:
    """Routes of the person's client."""

    def __init__(self, workspace: Workspace, person: Person) -> None:
        self.workspace = workspace
        self.person = person
        self._sockets: set[web.WebSocketResponse] = set()

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def live(self, request: web.Request) -> web.WebSocketResponse:
        """The live channel: a snapshot, then every change to the workspace."""
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        queue = self.workspace.subscribe()
        self._sockets.add(socket)
        sender = asyncio.create_task(self._forward(queue, socket))
        try:
            snapshot = self.workspace.snapshot()
            snapshot["snippet_types"] = {key: value[0] for key, value in SNIPPET_TYPES.items()}
            await socket.send_json(snapshot)
            async for _ in socket:
                pass  # the page only listens on this channel
        finally:
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            self.workspace.unsubscribe(queue)
            self._sockets.discard(socket)
        return socket

    async def _forward(self, queue: asyncio.Queue[JSONDict], socket: web.WebSocketResponse) -> None:
        while True:
            update = await queue.get()
            if socket.closed:
                return
            await socket.send_json(update)

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()

    async def _json(self, request: web.Request) -> JSONDict:
        try:
            body = await request.json()
        except ValueError as exc:
            raise web.HTTPBadRequest(text="expected a JSON body") from exc
        if not isinstance(body, dict):
            raise web.HTTPBadRequest(text="expected a JSON object")
        return body

    @staticmethod
    def _answer(error: str | None = None) -> web.Response:
        return web.json_response({"ok": error is None, **({"error": error} if error else {})})

    async def send_message(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        try:
            await self.person.send_message(
                str(body.get("text", "")), thread_ts=body.get("thread_ts") or None
            )
        except PersonError as exc:
            return self._answer(str(exc))
        return self._answer()

    async def create_snippet(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        try:
            await self.person.create_snippet(
                title=str(body.get("title", "")),
                filetype=str(body.get("filetype", "text")),
                content=str(body.get("content", "")),
                comment=str(body.get("comment", "")),
                thread_ts=body.get("thread_ts") or None,
            )
        except PersonError as exc:
            return self._answer(str(exc))
        return self._answer()

    async def upload_file(self, request: web.Request) -> web.Response:
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return self._answer("Choose a file to upload.")
        content = upload.file.read()
        thread_ts = form.get("thread_ts")
        comment = form.get("comment")
        try:
            await self.person.upload_file(
                name=upload.filename,
                content=content,
                content_type=upload.content_type,
                comment=comment if isinstance(comment, str) else "",
                thread_ts=thread_ts if isinstance(thread_ts, str) and thread_ts else None,
            )
        except PersonError as exc:
            return self._answer(str(exc))
        return self._answer()

    async def act(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        container = body.get("container") or {}
        try:
            result = await self.person.act(
                Container(kind=str(container.get("kind")), key=str(container.get("key"))),
                block_id=str(body.get("block_id", "")),
                action_id=str(body.get("action_id", "")),
                value=body.get("value"),
            )
        except PersonError as exc:
            return self._answer(str(exc))
        return self._answer(result.error)

    async def open_tab(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        tab = str(body.get("tab", "home"))
        if tab not in ("home", "messages"):
            return self._answer("unknown tab")
        self.person.open_tab(tab)
        return self._answer()

    async def submit_view(self, request: web.Request) -> web.Response:
        body = await self._json(request)
        values: dict[str, dict[str, Any]] = body.get("values") or {}
        try:
            result = await self.person.submit_view(request.match_info["view_id"], values)
        except PersonError as exc:
            return self._answer(str(exc))
        return self._answer(result.error)

    async def close_view(self, request: web.Request) -> web.Response:
        try:
            await self.person.close_view(request.match_info["view_id"])
        except PersonError as exc:
            return self._answer(str(exc))
        return self._answer()

    async def dismiss_ephemeral(self, request: web.Request) -> web.Response:
        self.person.dismiss_ephemeral(request.match_info["ephemeral_id"])
        return self._answer()

    async def file_content(self, request: web.Request) -> web.Response:
        """A file's bytes for the page (the person is signed in to their own workspace)."""
        stored = self.workspace.files.get(request.match_info["file_id"])
        if stored is None:
            raise web.HTTPNotFound()
        if stored.info["mode"] == "snippet":
            return web.Response(text=stored.content.decode("utf-8", errors="replace"))
        return web.Response(
            body=stored.content,
            content_type=stored.info["mimetype"],
            headers={"Content-Disposition": f'attachment; filename="{stored.info["name"]}"'},
        )


def add_page_routes(app: web.Application, page: Page) -> None:
    """Mounts the client page, its static files, live channel and actions."""
    app.router.add_get("/", page.index)
    # Permalinks (/archives/D…/p…) open the page at the linked message.
    app.router.add_get("/archives/{tail:.*}", page.index)
    app.router.add_get("/files/{tail:.*}", page.index)
    app.router.add_static("/static/", STATIC_DIR, append_version=True)
    app.router.add_get("/ui/live", page.live)
    app.router.add_post("/ui/messages", page.send_message)
    app.router.add_post("/ui/snippets", page.create_snippet)
    app.router.add_post("/ui/uploads", page.upload_file)
    app.router.add_post("/ui/actions", page.act)
    app.router.add_post("/ui/tabs", page.open_tab)
    app.router.add_post("/ui/views/{view_id}/submit", page.submit_view)
    app.router.add_post("/ui/views/{view_id}/close", page.close_view)
    app.router.add_post("/ui/ephemerals/{ephemeral_id}/dismiss", page.dismiss_ephemeral)
    app.router.add_get("/ui/files/{file_id}", page.file_content)
