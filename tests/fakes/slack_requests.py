"""Signed requests in Slack's real formats, sent over HTTP to the bot's /slack/events
(signed by sandbox.signing, with the Slack double's ids)."""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from sandbox.signing import signed_headers
from sandbox.slack_double import APP_ID, SIGNING_SECRET, TEAM_ID, USER_ID, event_envelope

_counter = itertools.count(1)


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
        self.response_url = response_url

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        headers: dict[str, str] | None = None,
        signed: bool = True,
        timestamp: int | None = None,
    ) -> Reply:
        all_headers = {"Content-Type": content_type}
        if signed:
            all_headers.update(signed_headers(body, self.secret, timestamp))
        all_headers.update(headers or {})
        async with self.http.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return Reply(resp.status, await resp.text())

    async def command(
        self,
        text: str = "",
        *,
        user: str = USER_ID,
        channel: str = "C0GENERAL",
        command: str = "/start-interview",
        **kw: Any,
    ) -> Reply:
        form = {
            "token": "legacy",
            "team_id": TEAM_ID,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": "general",
            "user_id": user,
            "user_name": "candidate",
            "command": command,
            "text": text,
            "api_app_id": APP_ID,
            "response_url": f"{self.response_url}-{next(_counter)}",
            "trigger_id": f"trig.{next(_counter)}",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **kw)

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **kw: Any,
    ) -> Reply:
        envelope = event_envelope(event, event_id=event_id or f"Ev{next(_counter):08d}")
        headers = dict(kw.pop("headers", {}) or {})
        if retry_num is not None:
            headers.update(
                {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            )
        return await self.post(json.dumps(envelope), "application/json", headers=headers, **kw)

    async def dm(
        self,
        text: str,
        *,
        channel: str,
        thread_ts: str | None = None,
        user: str = USER_ID,
        ts: str | None = None,
        files: list[dict[str, Any]] | None = None,
        **kw: Any,
    ) -> Reply:
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": ts or f"{int(time.time())}.{next(_counter):06d}",
            "team": TEAM_ID,
        }
        event["event_ts"] = event["ts"]
        if thread_ts:
            event["thread_ts"] = thread_ts
        if files:
            event["subtype"] = "file_share"
            event["files"] = files
        return await self.event(event, **kw)

    async def home_opened(self, *, user: str = USER_ID, tab: str = "home") -> Reply:
        return await self.event(
            {
                "type": "app_home_opened",
                "user": user,
                "channel": "D0HOME",
                "tab": tab,
                "event_ts": f"{time.time():.6f}",
            }
        )

    async def action(
        self,
        action_id: str,
        *,
        value: str | None = None,
        user: str = USER_ID,
        container: dict[str, Any] | None = None,
        state: dict[str, Any] | None = None,
        **kw: Any,
    ) -> Reply:
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": "b1",
            "type": "button",
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        payload = {
            "type": "block_actions",
            "user": {"id": user, "username": "candidate", "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": "legacy",
            "container": container
            or {
                "type": "message",
                "message_ts": "1.1",
                "channel_id": "C0GENERAL",
                "is_ephemeral": True,
            },
            "trigger_id": f"trig.{next(_counter)}",
            "team": {"id": TEAM_ID, "domain": "test"},
            "state": {"values": state or {}},
            "response_url": f"{self.response_url}-{next(_counter)}",
            "actions": [action],
        }
        return await self.post(
            urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded", **kw
        )
