"""app_home_opened through the real Bolt app: the Home tab is published, Messages is not."""

from __future__ import annotations

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from tests.conftest import BotHarness
from tests.handlers.steps import dump
from tests.slack_validation import assert_valid_view


async def test_home_opened_publishes_home_only_for_home_tab(bot: BotHarness) -> None:
    await bot.send.home_opened(tab="messages")
    await bot.settle()
    assert not bot.slack.calls_to("views.publish")
    await bot.send.home_opened()
    await bot.settle()
    call = bot.slack.calls_to("views.publish")[-1]
    assert call.params["user_id"] == USER_ID
    assert_valid_view(call.params["view"])
    assert ids.OPEN_START_CARD in dump(call.params["view"])
