"""The sandbox server alone, and a stand-in bot that checks every request's signature."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiohttp import web
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from sandbox import Sandbox

SIGNING_SECRET = "sandbox-test-signing-secret"


@dataclass
class Delivered:
    """One request the sandbox sent to the bot."""

    headers: dict[str, str]
    body: bytes
    signature_valid: bool

    @property
    def kind(self) -> str:
        if self.headers.get("Content-Type", "").startswith("application/json"):
            return "event"
        return "interaction" if "payload" in self.form else "command"

    @property
    def form(self) -> dict[str, str]:
        return {key: values[0] for key, values in parse_qs(self.body.decode()).items()}

    @property
    def json(self) -> dict[str, Any]:
        if self.kind == "event":
            parsed: dict[str, Any] = json.loads(self.body)
            return parsed
        parsed = json.loads(self.form["payload"])
        return parsed


Reply = Callable[[Delivered], Awaitable[web.Response]]


async def empty_ack(_delivered: Delivered) -> web.Response:
    return web.Response(status=200)


@dataclass
class StandInBot:
    """Records what arrives at `/slack/events` and answers with `reply`."""

    url: str = ""
    received: list[Delivered] = field(default_factory=list)
    reply: Reply = empty_ack

    def of_kind(self, kind: str) -> list[Delivered]:
        return [item for item in self.received if item.kind == kind]

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return [
            item.json["event"]
            for item in self.of_kind("event")
            if item.json["event"]["type"] == event_type
        ]


@pytest.fixture
async def bot() -> AsyncIterator[StandInBot]:
    stand_in = StandInBot()
    verifier = SignatureVerifier(SIGNING_SECRET)

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.read()
        delivered = Delivered(
            headers=dict(request.headers),
            body=body,
            signature_valid=verifier.is_valid(
                body=body.decode(),
                timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
                signature=request.headers.get("X-Slack-Signature", ""),
            ),
        )
        stand_in.received.append(delivered)
        return await stand_in.reply(delivered)

    app = web.Application()
    app.router.add_post("/slack/events", slack_events)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    stand_in.url = f"http://127.0.0.1:{port}/slack/events"
    yield stand_in
    await runner.cleanup()


@pytest.fixture
async def sandbox(bot: StandInBot) -> AsyncIterator[Sandbox]:
    server = Sandbox(
        person_name="ada", signing_secret=SIGNING_SECRET, retry_delays=(0.05, 0.05, 0.05)
    )
    await server.start(port=0)
    server.connect_bot(bot.url)
    yield server
    await server.close()


@pytest.fixture
def slack(sandbox: Sandbox) -> AsyncWebClient:
    """slack_sdk's client, as the bot configures it, pointed at the sandbox."""
    return AsyncWebClient(token=sandbox.bot_token, base_url=sandbox.api_url)
