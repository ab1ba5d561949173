"""The sandbox's Web API as the one Slack double: recording, failure injection, latency, the
rough file host, and the open workspace tests and the benchmark use."""

from __future__ import annotations

import time

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from sandbox import Sandbox
from sandbox.bot_requests import signed_headers, slack_signature
from sandbox.slack_double import BOT_TOKEN, SlackDouble


async def test_the_page_sandbox_records_calls_and_fails_a_method_when_told(
    sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    sandbox.web_api.fail("chat.postMessage", 429, retry_after=7)
    with pytest.raises(SlackApiError) as refused:
        await slack.chat_postMessage(channel=sandbox.identity.person_id, text="hello")
    assert refused.value.response.status_code == 429
    assert refused.value.response.headers["Retry-After"] == "7"
    # Only once: the next post goes through and lands in the DM.
    posted = await slack.chat_postMessage(channel=sandbox.identity.person_id, text="hello")
    assert posted["channel"] == sandbox.identity.dm_channel_id
    calls = [call for call in sandbox.web_api.calls if call.method == "chat.postMessage"]
    assert [call.params["text"] for call in calls] == ["hello", "hello"]
    assert all(call.token == sandbox.bot_token for call in calls)


async def test_the_page_sandbox_stays_one_person_while_the_double_takes_everyone(
    sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    with pytest.raises(SlackApiError) as refused:
        await slack.chat_postMessage(channel="U0STRANGER", text="hi")
    assert refused.value.response["error"] == "channel_not_found"
    async with SlackDouble() as double:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=double.api_url)
        posted = await client.chat_postMessage(channel="U0STRANGER", text="hi")
        assert posted["channel"] == "D0STRANGER"
        opened = await client.conversations_open(users="U0OTHER")
        assert opened["channel"]["id"] == "D0OTHER"
        assert [m["text"] for m in double.messages["D0STRANGER"]] == ["hi"]


async def test_blocks_slack_refuses_are_answered_as_slack_does_and_kept() -> None:
    async with SlackDouble() as double:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=double.api_url)
        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel="U0A", text="x", blocks=[{"type": "nope"}])
        assert refused.value.response["error"] == "invalid_blocks"
        assert double.validation_errors and "invalid_blocks" in double.validation_errors[0]


async def test_latency_delays_every_answer() -> None:
    async with SlackDouble(latency=0.2) as double:
        client = AsyncWebClient(token=BOT_TOKEN, base_url=double.api_url)
        started = time.monotonic()
        await client.auth_test()
        assert time.monotonic() - started >= 0.2


async def test_a_file_is_sent_in_pieces_a_cut_body_ends_early_and_redirects_hop() -> None:
    content = bytes(range(256)) * 40  # 10 KB
    async with SlackDouble() as double, aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bearer {BOT_TOKEN}"}
        whole = double.add_file("F0WHOLE", content, name="a.bin")
        async with http.get(whole["url_private"], headers=auth) as response:
            pieces = [piece async for piece in response.content.iter_any()]
        assert b"".join(pieces) == content
        assert len(pieces) > 1  # never the whole body in one read

        cut = double.add_file("F0CUT", content, name="b.bin", cut_after=4096)
        with pytest.raises(aiohttp.ClientPayloadError):
            async with http.get(cut["url_private"], headers=auth) as response:
                await response.read()

        moved = double.add_file("F0MOVED", content, name="c.bin", redirect="cross-origin")
        async with http.get(moved["url_private"], headers=auth, allow_redirects=False) as response:
            assert response.status == 302
            assert response.headers["Location"].startswith(
                f"http://127.0.0.1:{double.foreign_port}/cdn/F0MOVED/"
            )

        # Without the token: Slack's sign-in page, status 200.
        async with http.get(whole["url_private"]) as response:
            assert response.status == 200
            assert response.content_type == "text/html"
        assert [r["authorization"] for r in double.file_requests][-1] is None


async def test_the_page_sandbox_serves_no_unsigned_copies_and_no_socket_mode(
    sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    stored = sandbox.workspace.add_file(
        user=sandbox.identity.person_id,
        name="a.py",
        title="a.py",
        filetype="python",
        pretty_type="Python",
        mimetype="text/plain",
        mode="snippet",
        content=b"print(1)",
    )
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{sandbox.url}cdn/{stored['id']}/a.py") as response,
    ):
        assert response.status == 404
    socket_client = AsyncWebClient(token="xapp-1-test", base_url=sandbox.api_url)
    with pytest.raises(SlackApiError) as refused:
        await socket_client.apps_connections_open(app_token="xapp-1-test")
    assert refused.value.response["error"] == "unknown_method"


def test_signed_headers_are_slacks_v0_signature() -> None:
    body = "token=x&team_id=T1"
    headers = signed_headers(body, "secret", 1_700_000_000)
    assert headers["X-Slack-Request-Timestamp"] == "1700000000"
    assert headers["X-Slack-Signature"] == slack_signature("secret", "1700000000", body.encode())
    # slack_sdk's own verifier (what Bolt checks with) accepts it.
    verifier = SignatureVerifier("secret", clock=_FixedClock(1_700_000_000))
    assert verifier.is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"]
    )


class _FixedClock:
    def __init__(self, now: float) -> None:
        self._now = now

    def now(self) -> float:
        return self._now
