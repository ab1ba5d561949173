"""Start Interview on the start card through the real Bolt app: one session per user."""

from __future__ import annotations

import json

from handlers.blocks import ids
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.handlers.steps import count_rows, dump, start_interview
from tests.slack_validation import assert_valid_view


async def test_second_start_shows_the_active_interview(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.action(ids.START_INTERVIEW, value=json.dumps({"difficulty": "hard"}))
    await bot.settle()
    assert await count_rows(bot, InterviewSession) == 1
    note = bot.slack.responses[-1]
    assert note["replace_original"] is True
    assert thread.replace(".", "") in dump(note["blocks"])  # links to the thread
    home = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert_valid_view(home)


async def test_started_card_links_to_dm_and_home_shows_active_banner(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    started = bot.slack.responses[0]
    assert started["replace_original"] is True
    assert "DM" in dump(started) or "dm" in dump(started).lower()
    home = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert thread.replace(".", "") in dump(home)
