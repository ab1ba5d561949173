"""The web app Slack talks to: /healthz, and requests whose signature is not Slack's."""

from __future__ import annotations

from tests.conftest import BotHarness


async def test_healthz_reports_database(bot: BotHarness) -> None:
    async with bot.http.get(f"{bot.url}/healthz") as resp:
        assert resp.status == 200
        assert (await resp.json())["database"] == "ok"


async def test_bad_signature_is_refused(bot: BotHarness) -> None:
    reply = await bot.send.command("hard", headers={"X-Slack-Signature": "v0=deadbeef"})
    assert reply.status == 401
    assert not bot.slack.calls
