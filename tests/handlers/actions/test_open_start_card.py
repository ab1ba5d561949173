"""Start Interview on the Home tab through the real Bolt app."""

from __future__ import annotations

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from tests.conftest import BotHarness
from tests.handlers.steps import dump
from tests.slack_validation import assert_valid_blocks


async def test_home_start_button_posts_card_into_dm(bot: BotHarness) -> None:
    await bot.send.action(ids.OPEN_START_CARD, container={"type": "view", "view_id": "V1"})
    await bot.settle()
    post = bot.slack.calls_to("chat.postMessage")[-1]
    assert post.params["channel"] == USER_ID
    assert_valid_blocks(post.params["blocks"])
    assert ids.START_INTERVIEW in dump(post.params["blocks"])
