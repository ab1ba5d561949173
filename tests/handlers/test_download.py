"""Downloading a shared file from the (fake) Slack file host, as rough as a real one.

The host sends bodies in 1-4 KB pieces by default; here it also sends more than the declared
size, more than the cap, a byte at a time, or a redirect. The bot keeps the whole body or
none of it, with a reason for the candidate.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.interview.code import MAX_CODE_BYTES
from bot.interview.ports import DownloadFailed
from bot.runtime import BotRuntime
from handlers.file_download import DownloadLimits, fetch_file_bytes
from handlers.slack_messenger import SlackMessenger
from sandbox.slack_double import BOT_TOKEN, SlackDouble


def code_of_size(size: int) -> bytes:
    """Numbered lines, so any cut, gap or repeat shows."""
    lines = []
    total = 0
    n = 0
    while total < size:
        line = f"value_{n:06d} = {n} * 2  # line {n}\n"
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines).encode()[:size]


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def messenger_for(slack: SlackDouble, http: aiohttp.ClientSession, **limits: Any) -> SlackMessenger:
    client = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url, session=http)
    return SlackMessenger(client=client, http=http, download_limits=DownloadLimits(**limits))


async def test_a_body_sent_in_pieces_is_read_to_its_end(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    content = code_of_size(60 * 1024)
    file = fake_slack.add_file("F0PIECES", content)

    assert await messenger_for(fake_slack, http).download(file) == content


async def test_a_chunked_body_without_a_length_is_read_to_its_end(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    content = code_of_size(40 * 1024)
    file = fake_slack.add_file("F0CHUNKED", content, content_length=False)

    assert await messenger_for(fake_slack, http).download(file) == content


async def test_a_body_larger_than_its_declared_size_is_kept_whole(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    content = code_of_size(50 * 1024)
    file = fake_slack.add_file("F0UNDERSTATED", content, size=1024)

    assert await messenger_for(fake_slack, http).download(file) == content


@pytest.mark.parametrize("content_length", [True, False])
async def test_a_body_over_the_cap_is_refused_never_cut(
    fake_slack: SlackDouble, http: aiohttp.ClientSession, content_length: bool
) -> None:
    # Declared small, so the metadata check lets it through; the body itself is too big.
    content = code_of_size(MAX_CODE_BYTES + 50 * 1024)
    file = fake_slack.add_file("F0HUGE", content, size=10 * 1024, content_length=content_length)

    with pytest.raises(DownloadFailed) as failed:
        await messenger_for(fake_slack, http).download(file)
    assert "at most 100 KB" in str(failed.value)


async def test_a_body_of_exactly_the_cap_is_kept(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    content = code_of_size(MAX_CODE_BYTES)
    file = fake_slack.add_file("F0EXACT", content, content_length=False)

    assert await messenger_for(fake_slack, http).download(file) == content


async def test_a_host_sending_a_byte_at_a_time_runs_out_of_time(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    content = code_of_size(4 * 1024)
    file = fake_slack.add_file("F0DRIP", content, pieces=(1,), pause=0.05)

    started = time.monotonic()
    with pytest.raises(DownloadFailed) as failed:
        await messenger_for(fake_slack, http, timeout_seconds=0.5).download(file)
    # A guard against hanging, not a performance claim: the budget is 0.5 s.
    assert time.monotonic() - started < 5
    assert "within 0.5 seconds" in str(failed.value)
    assert "send it again" in str(failed.value)


@pytest.mark.parametrize("content_length", [True, False])
async def test_a_body_cut_off_part_way_is_refused_not_kept(
    fake_slack: SlackDouble, http: aiohttp.ClientSession, content_length: bool
) -> None:
    content = code_of_size(40 * 1024)
    file = fake_slack.add_file(
        "F0BROKE", content, cut_after=10 * 1024, content_length=content_length
    )

    with pytest.raises(DownloadFailed) as failed:
        await messenger_for(fake_slack, http).download(file)
    assert "broke off part way" in str(failed.value)


async def test_a_same_origin_redirect_is_followed_with_the_token(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    content = code_of_size(30 * 1024)
    file = fake_slack.add_file("F0MOVED", content, redirect="same-origin")

    assert await messenger_for(fake_slack, http).download(file) == content
    hops = [r for r in fake_slack.file_requests if "F0MOVED" in r["path"]]
    assert len(hops) == 2
    assert all(hop["authorization"] == f"Bearer {BOT_TOKEN}" for hop in hops)


async def test_a_redirect_to_another_origin_is_refused(
    fake_slack: SlackDouble, http: aiohttp.ClientSession
) -> None:
    file = fake_slack.add_file("F0AWAY", b"print('from somewhere else')\n", redirect="cross-origin")

    with pytest.raises(DownloadFailed) as failed:
        await messenger_for(fake_slack, http).download(file)
    assert "another site" in str(failed.value)
    # Nothing was fetched from the other origin, with or without the token.
    assert not [r for r in fake_slack.file_requests if r["path"].startswith("/cdn/")]


@pytest.fixture
async def redirecting_host() -> AsyncIterator[tuple[TestServer, list[str]]]:
    """A file host on 127.0.0.1 whose /loop/a and /loop/b redirect to each other and whose
    /chain/N redirects to /chain/N+1 up to a file at /chain/4; it records each path asked."""
    asked: list[str] = []

    async def loop(request: web.Request) -> web.Response:
        asked.append(request.path)
        other = "b" if request.match_info["name"] == "a" else "a"
        raise web.HTTPFound(f"/loop/{other}")

    async def chain(request: web.Request) -> web.Response:
        asked.append(request.path)
        hop = int(request.match_info["hop"])
        if hop < 4:
            raise web.HTTPFound(f"/chain/{hop + 1}")
        return web.Response(body=b"print('reached the end')\n")

    app = web.Application()
    app.router.add_get("/loop/{name}", loop)
    app.router.add_get("/chain/{hop}", chain)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield server, asked
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("start", "expected_paths"),
    [
        # A → B → A → B: each hop is the same origin, so only the hop count can stop it.
        ("/loop/a", ["/loop/a", "/loop/b", "/loop/a", "/loop/b"]),
        # Four redirects before the file: one more than allowed, so the file is never asked.
        ("/chain/0", ["/chain/0", "/chain/1", "/chain/2", "/chain/3"]),
    ],
)
async def test_a_redirect_loop_or_a_chain_past_three_hops_is_refused(
    redirecting_host: tuple[TestServer, list[str]],
    http: aiohttp.ClientSession,
    start: str,
    expected_paths: list[str],
) -> None:
    server, asked = redirecting_host
    with pytest.raises(DownloadFailed) as failed:
        await fetch_file_bytes(
            http, str(server.make_url(start)), token=BOT_TOKEN, limits=DownloadLimits()
        )
    assert str(failed.value) == "Slack kept redirecting me and never sent it"
    # The first request and its three allowed redirects, then it stops.
    assert asked == expected_paths


async def test_a_chain_of_exactly_three_hops_is_followed(
    redirecting_host: tuple[TestServer, list[str]], http: aiohttp.ClientSession
) -> None:
    server, asked = redirecting_host
    body = await fetch_file_bytes(
        http, str(server.make_url("/chain/1")), token=BOT_TOKEN, limits=DownloadLimits()
    )
    assert body == b"print('reached the end')\n"
    assert asked == ["/chain/1", "/chain/2", "/chain/3", "/chain/4"]


async def test_the_download_budget_is_an_operator_setting(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    assert Settings(_env_file=None).download_timeout_seconds == 30
    monkeypatch.setenv("DOWNLOAD_TIMEOUT_SECONDS", "7.5")
    settings = Settings(_env_file=None, slack_bot_token=BOT_TOKEN, database_url=sqlite_url)
    runtime = await BotRuntime.create(settings)
    try:
        messenger = runtime.engine.messenger
        assert isinstance(messenger, SlackMessenger)
        assert messenger.download_limits.timeout_seconds == 7.5
    finally:
        await runtime.close()
