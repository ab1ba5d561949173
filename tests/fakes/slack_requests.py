"""Slack delivering requests to the bot under test: sandbox.bot_requests' builder with the
Slack double's identity, posted over HTTP to the bot's /slack/events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp

from sandbox.bot_requests import BotRequest, BotRequests
from sandbox.slack_double import IDENTITY, SIGNING_SECRET, USER_ID

# Where a test's start command and clicks happen unless it says otherwise.
CHANNEL = "C0GENERAL"


@dataclass
class Reply:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


class SlackSender:
    """Plays Slack delivering requests to the app.

    Each request carries its own response_url under `response_url`, as Slack's do (five
    uses each)."""

    def __init__(
        self,
        url: str,
        http: aiohttp.ClientSession,
        *,
        secret: str = SIGNING_SECRET,
        response_url: str = "http://127.0.0.1:9/response/none",
    ) -> None:
        self.url = url
        self.http = http
        self.secret = secret
        self.requests = BotRequests(IDENTITY, response_url=response_url)

    async def send(self, request: BotRequest, *, headers: dict[str, str] | None = None) -> Reply:
        """Signs and posts `request`; `headers` override Slack's (a forged signature...)."""
        all_headers = request.headers(self.secret) | (headers or {})
        async with self.http.post(self.url, data=request.body, headers=all_headers) as resp:
            return Reply(resp.status, await resp.text())

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
    ) -> Reply:
        """Any body at all, signed like Slack's or not."""
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers = BotRequest(body.encode(), content_type).headers(self.secret)
        all_headers.update(headers or {})
        async with self.http.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return Reply(resp.status, await resp.text())

    async def command(
        self,
        text: str = "",
        *,
        user: str = USER_ID,
        channel: str = CHANNEL,
        command: str = "/start-interview",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        request = self.requests.slash_command(
            text=text, user=user, channel=channel, channel_name="general", command=command
        )
        return await self.send(request, headers=headers)

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> Reply:
        request = self.requests.event(event, event_id=event_id)
        return await self.send(request if retry_num is None else request.retried(retry_num))

    async def dm(
        self,
        text: str,
        *,
        channel: str,
        thread_ts: str | None = None,
        user: str = USER_ID,
        ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        event_id: str | None = None,
        retry_num: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        request = self.requests.message(
            text,
            user=user,
            channel=channel,
            ts=ts,
            thread_ts=thread_ts,
            files=files,
            event_id=event_id,
        )
        if retry_num is not None:
            request = request.retried(retry_num)
        return await self.send(request, headers=headers)

    async def home_opened(self, *, user: str = USER_ID, tab: str = "home") -> Reply:
        return await self.send(self.requests.home_opened(user=user, tab=tab))

    async def action(
        self,
        action_id: str,
        *,
        value: str | None = None,
        user: str = USER_ID,
        container: dict[str, Any] | None = None,
        state: dict[str, Any] | None = None,
    ) -> Reply:
        request = self.requests.block_actions(
            self.requests.button(action_id, value=value),
            user=user,
            container=container
            or {
                "type": "message",
                "message_ts": "1.1",
                "channel_id": CHANNEL,
                "is_ephemeral": True,
            },
            state=state,
        )
        return await self.send(request)
