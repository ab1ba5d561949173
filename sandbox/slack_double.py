"""The sandbox's Slack, served alone for tests and the benchmark: the one Slack double.

`SlackDouble` is the sandbox's Web API, workspace and file host on a local port, without
the page. Its workspace takes everyone in (`Workspace(everyone=True)`): any user id is a
person with a DM (`U…` talks in `D…`), since tests and the benchmark send the bot
requests from many people straight, not through the sandbox. Every call is recorded, a
method can be told to fail, answers can be delayed, and files can be served as roughly
as a real host does (`add_file`).

    async with SlackDouble() as slack:
        slack.fail("chat.postMessage", 429, retry_after=1)
        client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace

from aiohttp import web

from sandbox.bot_requests import BotSender
from sandbox.web_api import Call, SlackWebApi, add_double_routes, add_web_api_routes
from sandbox.workspace import (
    FILE_PIECE_PAUSE,
    FILE_PIECES,
    Hosting,
    Identity,
    JSONDict,
    Redirect,
    StoredFile,
    Workspace,
)

BOT_TOKEN = "xoxb-test-bot-token-000000"
BOT_USER_ID = "UBOT0001"
BOT_ID = "BBOT0001"
TEAM_ID = "T0TEST001"
APP_ID = "A0TEST001"
SIGNING_SECRET = "test-signing-secret-123456"
# The person requests come from unless a test names another.
USER_ID = "U0CANDIDATE"

IDENTITY = Identity(
    person_name="candidate",
    bot_token=BOT_TOKEN,
    team_id=TEAM_ID,
    team_domain="test",
    team_name="Test",
    app_id=APP_ID,
    bot_id=BOT_ID,
    bot_user_id=BOT_USER_ID,
    bot_user_name="interview-bot",
    person_id=USER_ID,
    dm_channel_id="D" + USER_ID[1:],
    verification_token="legacy",
)

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_TOKEN",
    "BOT_USER_ID",
    "FILE_PIECES",
    "FILE_PIECE_PAUSE",
    "IDENTITY",
    "SIGNING_SECRET",
    "TEAM_ID",
    "USER_ID",
    "Call",
    "Redirect",
    "SlackDouble",
]


class SlackDouble:
    """The sandbox's Web API, file host, response_urls and Socket Mode on 127.0.0.1."""

    def __init__(self, *, token: str = BOT_TOKEN, latency: float = 0.0) -> None:
        self.workspace = Workspace(replace(IDENTITY, bot_token=token), everyone=True)
        # Never started: the double sends the bot nothing of its own accord.
        sender = BotSender(signing_secret=SIGNING_SECRET)
        self.api = SlackWebApi(self.workspace, sender, echo_bot_messages=False)
        self.api.latency = latency
        self._runner: web.AppRunner | None = None
        self.port = 0
        # A second port of the same server: another origin, for cross-origin redirects.
        self.foreign_port = 0

    # Lifecycle -----------------------------------------------------------------------------

    async def start(self) -> SlackDouble:
        app = web.Application(client_max_size=10 * 1024 * 1024)
        add_web_api_routes(app, self.api)
        add_double_routes(app, self.api)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = _port(site)
        foreign = web.TCPSite(self._runner, "127.0.0.1", 0)
        await foreign.start()
        self.foreign_port = _port(foreign)
        self.workspace.base_url = self.url
        self.api.foreign_base_url = f"http://127.0.0.1:{self.foreign_port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> SlackDouble:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    @property
    def token(self) -> str:
        return self.workspace.identity.bot_token

    def response_url(self, rid: str = "r1") -> str:
        """A response_url as Slack puts in a payload; what is posted there lands in
        `responses` with this `rid`."""
        return f"{self.url}/hooks/{TEAM_ID}/{rid}"

    # What was sent, and controls -------------------------------------------------------------

    @property
    def latency(self) -> float:
        return self.api.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.api.latency = seconds

    @property
    def calls(self) -> list[Call]:
        return self.api.calls

    @calls.setter
    def calls(self, calls: list[Call]) -> None:
        """A long benchmark swaps in a list that keeps nothing and reads calls by `hooks`."""
        self.api.calls = calls

    @property
    def hooks(self) -> list[Callable[[Call], None]]:
        return self.api.hooks

    @property
    def responses(self) -> list[JSONDict]:
        return self.api.responses

    @property
    def file_requests(self) -> list[JSONDict]:
        return self.api.file_requests

    @property
    def files(self) -> dict[str, StoredFile]:
        return self.workspace.files

    @property
    def validation_errors(self) -> list[str]:
        return self.api.validation_errors

    @property
    def messages(self) -> dict[str, list[JSONDict]]:
        """Each conversation's messages (thread replies included) in the order posted."""
        return {channel: list(by_ts.values()) for channel, by_ts in self.workspace.messages.items()}

    def forget_messages(self) -> None:
        """Drops every stored message (a long benchmark keeps memory flat between parts)."""
        self.workspace.messages.clear()
        self.workspace.block_states.clear()

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        body: JSONDict | None = None,
    ) -> None:
        self.api.fail(method, status, times=times, retry_after=retry_after, body=body)

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
        user: str = USER_ID,
    ) -> JSONDict:
        """Registers a shared file and returns the file object Slack puts in events.

        `size` declares a size other than the body's; `pieces` and `pause` shape how the
        body is sent (`pieces=(1,), pause=0.05` is a host sending a byte at a time);
        `redirect` answers the download with a redirect to this origin or another one;
        `content_length=False` sends it chunked; `cut_after` drops the connection part
        way through the body.
        """
        # A copy, as each event carries its own: changing it changes nothing Slack holds.
        return dict(
            self.workspace.add_file(
                user=user,
                name=name,
                title=name,
                filetype=filetype,
                pretty_type=filetype.title(),
                mimetype=mimetype,
                mode=mode,
                content=content,
                file_id=file_id,
                size=size,
                hosting=Hosting(pieces, pause, redirect, content_length, cut_after),
            )
        )

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.api.calls if call.method == method]

    def posts(self, *, thread_ts: str | None = None, channel: str | None = None) -> list[Call]:
        found = []
        for call in self.calls_to("chat.postMessage"):
            if thread_ts is not None and call.params.get("thread_ts") != thread_ts:
                continue
            if channel is not None and call.params.get("channel") != channel:
                continue
            found.append(call)
        return found

    async def push_envelope(self, envelope: JSONDict) -> JSONDict:
        """Sends a Socket Mode envelope to the connected app and waits for its ack."""
        return await self.api.push_envelope(envelope)


def _port(site: web.TCPSite) -> int:
    server = site._server
    assert isinstance(server, asyncio.Server)
    port: int = server.sockets[0].getsockname()[1]
    return port
