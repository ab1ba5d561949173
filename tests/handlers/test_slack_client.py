"""Slack's error answers as slack_sdk hands them over, JSON or not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError

from handlers.slack_client import build_web_client, slack_error
from handlers.slack_messenger import SlackMessenger


@pytest.fixture
async def slack_behind_a_proxy() -> AsyncIterator[str]:
    """A Web API that answers like Slack, or like a proxy in front of it that lost Slack."""

    async def permalink(request: web.Request) -> web.Response:
        form = await request.post()
        if request.query.get("as") == "proxy" or form.get("channel") == "D-behind-proxy":
            return web.Response(status=403, text="<html>Forbidden</html>", content_type="text/html")
        return web.json_response({"ok": False, "error": "message_not_found"})

    app = web.Application()
    app.router.add_post("/api/chat.getPermalink", permalink)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}/api/"
    await runner.cleanup()


@pytest.mark.parametrize(("answer", "expected"), [("slack", "message_not_found"), ("proxy", None)])
async def test_the_error_code_is_read_from_json_and_none_from_anything_else(
    slack_behind_a_proxy: str, answer: str, expected: str | None
) -> None:
    async with aiohttp.ClientSession() as http:
        client = build_web_client(token="xoxb-test", base_url=slack_behind_a_proxy, session=http)
        with pytest.raises(SlackApiError) as raised:
            await client.api_call("chat.getPermalink", http_verb="POST", params={"as": answer})
    assert slack_error(raised.value) == expected


async def test_a_permalink_slack_could_not_give_is_none_not_a_crash(
    slack_behind_a_proxy: str,
) -> None:
    async with aiohttp.ClientSession() as http:
        client = build_web_client(token="xoxb-test", base_url=slack_behind_a_proxy, session=http)
        messenger = SlackMessenger(client=client, http=http)
        assert await messenger.permalink("D-behind-proxy", "1.000100") is None
        assert await messenger.permalink("D1", "1.000100") is None
