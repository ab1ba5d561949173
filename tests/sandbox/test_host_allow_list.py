"""DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends its own
`Host` and `Origin`. The sandbox answers only the names it was really reached under."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import pytest

from sandbox import Sandbox
from sandbox.page import HostAllowList
from tests.sandbox.conftest import SIGNING_SECRET, StandInBot

DM = "D0SANDBOX"


def port_of(sandbox: Sandbox) -> int:
    port = urlsplit(sandbox.url).port
    assert port is not None
    return port


async def status_of(
    session: aiohttp.ClientSession, method: str, url: str, headers: dict[str, str]
) -> int:
    async with session.request(method, url, json={"text": "hi"}, headers=headers) as response:
        await response.read()
        return response.status


async def test_rebound_host_and_origin_are_refused(sandbox: Sandbox, bot: StandInBot) -> None:
    port = port_of(sandbox)
    async with aiohttp.ClientSession() as session:
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1:{port + 1}"):
            rebound = {"Host": host, "Origin": f"http://{host}"}
            # The page, its acts, the Web API and file downloads alike.
            for method, path in (
                ("GET", ""),
                ("POST", "ui/messages"),
                ("GET", "ui/files/F0NONE"),
                ("POST", "api/auth.test"),
            ):
                status = await status_of(session, method, f"{sandbox.url}{path}", rebound)
                assert status == 403, (host, path, status)
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"{sandbox.url}ui/live", headers=rebound)
            assert refused.value.status == 403
    assert sandbox.workspace.top_level(DM) == []
    assert bot.received == []


async def test_own_names_are_answered_and_origin_is_checked_against_them(
    sandbox: Sandbox,
) -> None:
    port = port_of(sandbox)
    async with aiohttp.ClientSession() as session:
        for name in ("127.0.0.1", "localhost", "[::1]", "LocalHost"):
            own = {"Host": f"{name}:{port}", "Origin": f"http://{name}:{port}"}
            assert await status_of(session, "POST", f"{sandbox.url}ui/messages", own) == 200
            # A right Host does not make a foreign Origin right (and Origin is never
            # compared with Host: a page under another of our own names is ours).
            foreign = {"Host": f"{name}:{port}", "Origin": "http://evil.example"}
            assert await status_of(session, "POST", f"{sandbox.url}ui/messages", foreign) == 403
        crossed = {"Host": f"127.0.0.1:{port}", "Origin": f"http://localhost:{port}"}
        assert await status_of(session, "POST", f"{sandbox.url}ui/messages", crossed) == 200
        wrong_port = {"Host": f"127.0.0.1:{port}", "Origin": f"http://localhost:{port + 1}"}
        assert await status_of(session, "POST", f"{sandbox.url}ui/messages", wrong_port) == 403
    assert len(sandbox.workspace.top_level(DM)) == 5


@pytest.fixture
async def named_sandbox(bot: StandInBot) -> AsyncIterator[Sandbox]:
    server = Sandbox(person_name="ada", signing_secret=SIGNING_SECRET, allowed_host="Sandbox.Test")
    await server.start(port=0)
    server.connect_bot(bot.url)
    yield server
    await server.close()


async def test_operator_can_allow_one_more_name(named_sandbox: Sandbox) -> None:
    port = port_of(named_sandbox)
    url = f"{named_sandbox.url}ui/messages"
    async with aiohttp.ClientSession() as session:
        for host in ("sandbox.test", f"sandbox.test:{port}"):
            headers = {"Host": host, "Origin": f"https://{host}"}
            assert await status_of(session, "POST", url, headers) == 200
        for host in ("evil.example", "sandbox.test.evil.example", f"sandbox.test:{port + 1}"):
            headers = {"Host": host, "Origin": f"http://{host}"}
            assert await status_of(session, "POST", url, headers) == 403


def test_allow_list_is_exact() -> None:
    allow = HostAllowList("tunnel.example:443")
    assert not allow.hosts()  # nothing is answered before the port is known
    allow.port = 8080
    assert allow.allows_host("localhost:8080")
    assert allow.allows_host("tunnel.example:443")
    for refused in (None, "", "localhost", "tunnel.example", "localhost:80800", "x.localhost:8080"):
        assert not allow.allows_host(refused)
    assert allow.allows_origin("http://127.0.0.1:8080")
    for origin in ("null", "file://", "http://127.0.0.1:8080.evil.example", "http://[::1"):
        assert not allow.allows_origin(origin)
