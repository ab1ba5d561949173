"""A select or link button through the real Bolt app: acked, nothing else."""

from __future__ import annotations

import pytest

from handlers.blocks import ids
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.handlers.steps import count_rows


@pytest.mark.parametrize(
    "action_id", [ids.SELECT_DIFFICULTY, ids.OPEN_THREAD_LINK, ids.OPEN_HOME_LINK]
)
async def test_acknowledged_and_nothing_else(bot: BotHarness, action_id: str) -> None:
    reply = await bot.send.action(action_id, value="hard")
    assert reply.status == 200
    await bot.settle()
    assert not [c for c in bot.slack.calls if c.method != "auth.test"]
    assert not bot.slack.responses
    assert await count_rows(bot, InterviewSession) == 0
