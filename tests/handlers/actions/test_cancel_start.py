"""Not now on the start card through the real Bolt app: the card goes, nothing starts."""

from __future__ import annotations

from handlers.blocks import ids
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.handlers.steps import count_rows


async def test_cancel_replaces_the_card_and_starts_nothing(bot: BotHarness) -> None:
    reply = await bot.send.action(ids.CANCEL_START)
    assert reply.status == 200
    await bot.settle()
    [note] = bot.slack.responses
    assert note["replace_original"] is True
    assert "start whenever you are ready" in note["text"]
    assert await count_rows(bot, InterviewSession) == 0
    assert not bot.slack.calls_to("chat.postMessage")
