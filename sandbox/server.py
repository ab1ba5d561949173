"""Runs the sandbox: the Slack-playing server and the real bot, side by side in one process.

The bot is configured only through SLACK_API_URL, SLACK_BOT_TOKEN and
SLACK_SIGNING_SECRET (pointed at this server), and receives signed requests on its
own `/slack/events` endpoint, so every line of its Slack handling runs as in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import secrets
import socket
import sys
import webbrowser
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.bot_requests import EVENT_RETRY_DELAYS, BotSender
from sandbox.page import HostAllowList, Page, add_page_routes, host_guard
from sandbox.persistence import WorkspaceFile, workspace_file_for
from sandbox.person import Person
from sandbox.web_api import SlackWebApi, add_web_api_routes
from sandbox.workspace import Identity, Workspace

# When the asked-for port is taken, the next few are tried before any free port.
PORT_ATTEMPTS = 10


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on `host`: `port` if free, else one of the next few, else any.

    Port 0 asks for any free port at once.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    candidates = [port + offset for offset in range(PORT_ATTEMPTS)] if port else []
    for candidate in [*candidates, 0]:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, candidate))
        except OSError:
            sock.close()
            continue
        sock.listen(128)
        sock.setblocking(False)
        return sock
    raise OSError(f"no free port on {host}")


def _person_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "you"


class Sandbox:
    """The sandbox server: Web API, file downloads, response_urls and the page."""

    def __init__(
        self,
        *,
        person_name: str | None = None,
        signing_secret: str | None = None,
        echo_bot_messages: bool = True,
        retry_delays: tuple[float, ...] = EVENT_RETRY_DELAYS,
        allowed_host: str | None = None,
    ) -> None:
        """`allowed_host`: another name the page answers to besides this machine's own
        (127.0.0.1, localhost, [::1] with the page's port)."""
        self.signing_secret = signing_secret or secrets.token_hex(16)
        self.identity = Identity(
            person_name=person_name or _person_name(),
            bot_token=f"xoxb-sandbox-{secrets.token_hex(12)}",
        )
        self.workspace = Workspace(self.identity)
        self.sender = BotSender(signing_secret=self.signing_secret, retry_delays=retry_delays)
        self.person = Person(self.workspace, self.sender)
        self.web_api = SlackWebApi(self.workspace, self.sender, echo_bot_messages=echo_bot_messages)
        self.page = Page(self.workspace, self.person)
        self.app = web.Application(client_max_size=6 * 1024 * 1024)
        self.hosts = HostAllowList(allowed_host)
        self.app.middlewares.append(host_guard(self.hosts))
        add_web_api_routes(self.app, self.web_api)
        add_page_routes(self.app, self.page)
        self._runner: web.AppRunner | None = None
        self.url = ""

    @property
    def api_url(self) -> str:
        """The SLACK_API_URL for the bot."""
        return self.url + "api/"

    @property
    def bot_token(self) -> str:
        return self.identity.bot_token

    async def start(self, *, host: str = "127.0.0.1", port: int = 8080) -> str:
        """Starts serving; returns the page's URL (`http://host:port/`)."""
        sock = bind_socket(host, port)
        bound_port = sock.getsockname()[1]
        shown_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
        if ":" in shown_host:
            shown_host = f"[{shown_host}]"
        self.url = f"http://{shown_host}:{bound_port}/"
        self.hosts.port = bound_port
        self.hosts.bound_host = shown_host
        self.workspace.base_url = self.url.rstrip("/")
        await self.sender.start()
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        return self.url

    def connect_bot(self, request_url: str) -> None:
        """Where Slack requests go: the bot's `/slack/events`."""
        self.sender.request_url = request_url

    async def close(self) -> None:
        await self.page.close()
        await self.sender.close()
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass
class RunningSandbox:
    """A started sandbox with the bot connected to it."""

    sandbox: Sandbox
    bot_url: str
    runtime: Any

    @property
    def url(self) -> str:
        return self.sandbox.url


@contextlib.asynccontextmanager
async def running_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    database_url: str | None = None,
    settings_overrides: dict[str, Any] | None = None,
    sandbox: Sandbox | None = None,
    keep_workspace: bool = False,
    allowed_host: str | None = None,
) -> AsyncIterator[RunningSandbox]:
    """Starts the sandbox and the real bot wired to it; stops both on exit.

    The bot's other settings (database, model, time limit) come from the environment
    or `.env`, as for `interview-bot run`; `database_url` and `settings_overrides`
    replace them. With `keep_workspace` the workspace (messages, Home, files) is kept
    in a file beside the database and comes back on the next start.
    """
    # Imported here so the sandbox server can be used and tested without the bot.
    from bot.config import Settings
    from bot.runtime import BotRuntime

    sandbox = sandbox or Sandbox(allowed_host=allowed_host)
    await sandbox.start(host=host, port=port)
    bot_socket = bind_socket("127.0.0.1", 0)
    bot_port = bot_socket.getsockname()[1]
    overrides: dict[str, Any] = {
        "slack_bot_token": sandbox.bot_token,
        "slack_signing_secret": sandbox.signing_secret,
        "slack_app_token": None,
        "slack_api_url": sandbox.api_url,
        "port": bot_port,
    }
    if database_url:
        overrides["database_url"] = database_url
    overrides.update(settings_overrides or {})
    runner: web.AppRunner | None = None
    runtime: Any = None
    saved: WorkspaceFile | None = None
    try:
        settings = Settings(**overrides)
        if keep_workspace:
            saved = WorkspaceFile(sandbox.workspace, workspace_file_for(settings.database_url))
            saved.load()
            saved.watch()
        runtime = await BotRuntime.create(settings)
        runner = web.AppRunner(runtime.web_app, handle_signals=False)
        await runner.setup()
        await web.SockSite(runner, bot_socket).start()
        await runtime.start()
        bot_url = f"http://127.0.0.1:{bot_port}/slack/events"
        sandbox.connect_bot(bot_url)
        yield RunningSandbox(sandbox=sandbox, bot_url=bot_url, runtime=runtime)
    finally:
        # Stop sending the bot requests, let it finish its work (which may still call the
        # Web API), then stop serving.
        await sandbox.sender.close()
        if runtime is not None:
            await runtime.close()
        if runner is not None:
            await runner.cleanup()
        bot_socket.close()
        await sandbox.close()
        if saved is not None:
            saved.save()


async def serve_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    database_url: str | None = None,
    open_browser: bool = False,
    allowed_host: str | None = None,
) -> None:
    """Runs the sandbox and the bot until cancelled, after printing the page's URL.

    The page is served on `host:port`, or the next free port after it (port 0: any free
    port); the bot listens on a free port of 127.0.0.1. The workspace is kept in a file
    beside the database (see `workspace_file_for`).
    """
    async with running_sandbox(
        host=host,
        port=port,
        database_url=database_url,
        keep_workspace=True,
        allowed_host=allowed_host,
    ) as running:
        sys.stdout.write(f"Interview Bot sandbox: {running.url}\n")
        sys.stdout.flush()
        if open_browser:
            await asyncio.to_thread(webbrowser.open, running.url)
        await asyncio.Event().wait()
