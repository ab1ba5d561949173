"""The page's side: its files, its live channel and the acts it asks the sandbox for."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from sandbox import Sandbox
from tests.sandbox.conftest import StandInBot

DM = "D0SANDBOX"


async def next_update(socket: aiohttp.ClientWebSocketResponse, kind: str) -> dict[str, Any]:
    while True:
        update: dict[str, Any] = await asyncio.wait_for(socket.receive_json(), timeout=5)
        if update["type"] == kind:
            return update


async def test_page_and_its_scripts_are_served(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.get(sandbox.url) as response:
            page = await response.text()
            assert response.status == 200
            assert "Interview Bot" in page
        for script in ("mrkdwn.js", "blockkit.js", "app.js", "sandbox.css"):
            assert f"/static/{script}" in page
            async with session.get(f"{sandbox.url}static/{script}") as response:
                assert response.status == 200


async def test_live_channel_sends_a_snapshot_then_every_change(
    sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    await slack.chat_postMessage(channel=DM, text="before")
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"{sandbox.url}ui/live") as socket,
    ):
        snapshot = await next_update(socket, "snapshot")
        assert [m["text"] for m in snapshot["messages"]] == ["before"]
        assert snapshot["identity"]["person_name"] == "ada"
        assert snapshot["snippet_types"]["python"] == "Python"

        posted = await slack.chat_postMessage(channel=DM, text="live")
        update = await next_update(socket, "message")
        assert update["message"]["ts"] == posted["ts"]
        assert update["message"]["channel"] == DM

        await slack.views_publish(user_id="U0SANDBOX", view={"type": "home", "blocks": []})
        assert (await next_update(socket, "home"))["view"]["type"] == "home"

        await slack.chat_delete(channel=DM, ts=posted["ts"])
        assert (await next_update(socket, "message_deleted"))["ts"] == posted["ts"]


async def test_page_acts_for_the_person(
    sandbox: Sandbox, bot: StandInBot, slack: AsyncWebClient
) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{sandbox.url}ui/messages", json={"text": "hello"}) as response:
            assert await response.json() == {"ok": True}
        snippet = {"title": "s.py", "filetype": "python", "content": "x = 1\n"}
        async with session.post(f"{sandbox.url}ui/snippets", json=snippet) as response:
            assert await response.json() == {"ok": True}
        form = aiohttp.FormData()
        form.add_field("file", b"\x89PNG\r\n\x1a\n", filename="pic.png", content_type="image/png")
        async with session.post(f"{sandbox.url}ui/uploads", data=form) as response:
            assert await response.json() == {"ok": True}
        async with session.post(f"{sandbox.url}ui/tabs", json={"tab": "home"}) as response:
            assert await response.json() == {"ok": True}
        missing = {
            "container": {"kind": "message", "key": "1.1"},
            "block_id": "b",
            "action_id": "a",
        }
        async with session.post(f"{sandbox.url}ui/actions", json=missing) as response:
            answer = await response.json()
            assert answer["ok"] is False

    await sandbox.sender.wait_for_events()
    kinds = [
        (event["type"], event.get("subtype")) for event in (d.json["event"] for d in bot.received)
    ]
    assert kinds == [
        ("message", None),
        ("message", "file_share"),
        ("message", "file_share"),
        ("app_home_opened", None),
    ]
    upload = bot.received[2].json["event"]["files"][0]
    assert upload["mode"] == "hosted"
    assert upload["mimetype"] == "image/png"
    assert upload["filetype"] == "binary"


async def test_other_sites_cannot_act_or_listen(sandbox: Sandbox, bot: StandInBot) -> None:
    evil = {"Origin": "http://evil.example"}
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{sandbox.url}ui/messages", json={"text": "hi"}, headers=evil
        ) as response:
            assert response.status == 403
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(f"{sandbox.url}ui/live", headers=evil)
        same = {"Origin": sandbox.url.rstrip("/")}
        async with session.post(
            f"{sandbox.url}ui/messages", json={"text": "hi"}, headers=same
        ) as response:
            assert response.status == 200
    assert [m["text"] for m in sandbox.workspace.top_level(DM)] == ["hi"]
