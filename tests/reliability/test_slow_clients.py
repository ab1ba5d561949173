"""Slow and hostile HTTP clients: they are cut off in bounded time and never starve the bot.

A client that trickles its request (headers or body a byte at a time, or headers that never
end) is cut off within the configured timeouts; while hundreds of them are connected the
load balancer's /healthz and Slack's signed requests keep being answered; and with a small
open-files limit the process neither runs out of descriptors nor floods its log.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.runtime import BotRuntime
from bot.web_server import LINGERING_SECONDS, ServerLimits, start_web_server
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, SlackDouble
from sandbox.slow_client import (
    BAD_REQUESTS,
    Outcome,
    drip_body,
    drip_headers,
    send_raw,
    stall_headers,
)
from tests.fakes.slack_requests import SlackSender


@dataclass
class Served:
    port: int
    http: aiohttp.ClientSession
    send: SlackSender


@pytest.fixture
async def served(tmp_path: Path, fake_slack: SlackDouble) -> AsyncIterator[Served]:
    """The real runtime behind the production server set-up, with short client timeouts."""
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        request_header_timeout_seconds=1.0,
        request_body_timeout_seconds=1.0,
    )
    runtime = await BotRuntime.create(settings)
    runner, site = await start_web_server(
        runtime.web_app, host="127.0.0.1", port=0, limits=ServerLimits.from_settings(settings)
    )
    http = aiohttp.ClientSession()
    try:
        url = f"http://127.0.0.1:{site.port}/slack/events"
        yield Served(site.port, http, SlackSender(url, http))
    finally:
        await http.close()
        await runner.cleanup()
        await runtime.close()


def _gc_noise(record: logging.LogRecord) -> bool:
    # asyncio reports other tests' unclosed sessions whenever the collector finds them.
    return record.name == "asyncio" and str(record.msg).startswith("Unclosed")


async def _healthy(served: Served) -> int:
    async with served.http.get(
        f"http://127.0.0.1:{served.port}/healthz", timeout=aiohttp.ClientTimeout(total=5)
    ) as resp:
        return resp.status


async def test_trickling_clients_are_cut_off_while_slack_and_healthz_are_answered(
    served: Served,
) -> None:
    # 1 s for the headers, 1 s for the body, then aiohttp's short lingering read; the
    # allowance on top only absorbs a loaded test machine (a fix-less server never cuts).
    allowed = 1.0 + 1.0 + LINGERING_SECONDS + 2.5
    attack = [
        *(drip_body(served.port, interval=0.2, give_up=10) for _ in range(120)),
        *(stall_headers(served.port, give_up=10) for _ in range(40)),
        *(drip_headers(served.port, interval=0.2, give_up=10) for _ in range(40)),
    ]
    attackers = asyncio.gather(*attack)
    await asyncio.sleep(0.3)  # all of them connected and trickling
    assert await _healthy(served) == 200
    reply = await served.send.command("easy")
    assert reply.status == 200 and "Start Interview" in reply.text
    outcomes: list[Outcome] = await attackers
    bodies, stalled, headers = outcomes[:120], outcomes[120:160], outcomes[160:]
    assert all(o.cut_off for o in outcomes), [o for o in outcomes if not o.cut_off][:3]
    assert max(o.seconds for o in outcomes) < allowed, max(o.seconds for o in outcomes)
    # A body that never arrives gets 408 and the connection is closed.
    assert {o.status for o in bodies} <= {408, None}
    assert sum(o.status == 408 for o in bodies) > 100
    assert all(o.status is None and o.closed for o in stalled + headers)
    # And the bot is as good as before.
    assert await _healthy(served) == 200


async def test_at_the_connection_limit_the_oldest_connection_makes_room(
    tmp_path: Path, fake_slack: SlackDouble
) -> None:
    # Timeouts far away: only the cap can close anything here.
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=fake_slack.api_url,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        request_header_timeout_seconds=60,
        max_connections=16,
    )
    runtime = await BotRuntime.create(settings)
    runner, site = await start_web_server(
        runtime.web_app, host="127.0.0.1", port=0, limits=ServerLimits.from_settings(settings)
    )
    try:
        first = asyncio.create_task(stall_headers(site.port, give_up=20))
        await asyncio.sleep(0.2)
        rest = [asyncio.create_task(stall_headers(site.port, give_up=3)) for _ in range(15)]
        await asyncio.sleep(0.3)
        assert not first.done()  # 16 open: the limit, nothing closed yet
        async with (
            aiohttp.ClientSession() as http,
            http.get(
                f"http://127.0.0.1:{site.port}/healthz", timeout=aiohttp.ClientTimeout(total=5)
            ) as resp,
        ):
            assert resp.status == 200
        oldest = await asyncio.wait_for(first, 5)
        assert oldest.closed and oldest.seconds < 5
        assert site.cap.evicted >= 1
        await asyncio.gather(*rest)
    finally:
        await runner.cleanup()
        await runtime.close()


@pytest.mark.parametrize("name", sorted(BAD_REQUESTS))
async def test_malformed_http_gets_a_4xx_or_a_close(
    served: Served, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    outcome = await send_raw(served.port, BAD_REQUESTS[name], give_up=5)
    assert outcome.cut_off and outcome.seconds < 5
    assert outcome.status is None or 400 <= outcome.status < 500, outcome.raw[:200]
    assert await _healthy(served) == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and not _gc_noise(r)], (
        caplog.text[-2000:]
    )


# A whole process with a small open-files limit ---------------------------------------------

OPEN_FILES = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _few_open_files() -> None:
    # In the child before exec: an open-files limit it cannot raise.
    resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES, OPEN_FILES))


async def test_a_process_with_few_descriptors_outlasts_a_slow_client_flood(
    tmp_path: Path, fake_slack: SlackDouble
) -> None:
    """Three times as many trickling clients as the process has descriptors: /healthz and
    Slack's requests are answered throughout, and the log stays short."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake_slack.api_url,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        PORT=str(port),
        HOST="127.0.0.1",
        REQUEST_BODY_TIMEOUT_SECONDS="3",
        REQUEST_HEADER_TIMEOUT_SECONDS="3",
        PYTHONPATH=str(Path(__file__).parents[2]),  # the code next to this test
    )
    log_path = tmp_path / "bot.log"
    with log_path.open("wb") as log_file:  # a file: a pipe nobody drains would stall the bot
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=log_file,
            stderr=asyncio.subprocess.STDOUT,
            preexec_fn=_few_open_files,
        )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(1200):  # up to a minute on a loaded machine
                try:
                    async with http.get(
                        f"http://127.0.0.1:{port}/healthz", timeout=aiohttp.ClientTimeout(total=5)
                    ) as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.05)
            else:
                raise AssertionError("bot did not start")
            attack = [
                *(drip_body(port, interval=0.3, give_up=12) for _ in range(3 * OPEN_FILES // 2)),
                *(stall_headers(port, give_up=12) for _ in range(3 * OPEN_FILES // 2)),
            ]
            attackers = asyncio.gather(*attack)
            await asyncio.sleep(1.0)  # every one of them connected (or turned away)
            sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", http)
            for _ in range(3):
                # Fresh connections each time, while the flood holds its own.
                async with (
                    aiohttp.ClientSession() as fresh,
                    fresh.get(
                        f"http://127.0.0.1:{port}/healthz",
                        timeout=aiohttp.ClientTimeout(total=5),
                    ) as resp,
                ):
                    assert resp.status == 200
                reply = await asyncio.wait_for(sender.command("easy"), 10)
                assert reply.status == 200 and "Start Interview" in reply.text
                await asyncio.sleep(0.5)
            outcomes: list[Outcome] = await attackers
            assert all(o.cut_off for o in outcomes)
        proc.send_signal(signal.SIGTERM)
        await asyncio.wait_for(proc.wait(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = log_path.read_text(errors="replace")
    assert proc.returncode == 0, log[-3000:]
    # Throttled: a line per interval at most, never one per refused accept().
    assert log.count("accept") <= 3, log[-3000:]
    assert len(log.splitlines()) < 40, log[-3000:]
