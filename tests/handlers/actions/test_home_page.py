"""Newer/Older on the Home tab through the real Bolt app."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from tests.conftest import BotHarness
from tests.factories import seed_history
from tests.handlers.steps import dump
from tests.slack_validation import assert_valid_view


async def test_home_shows_history_in_pages(bot: BotHarness) -> None:
    await seed_history(
        bot.runtime.db,
        team_id="T0TEST001",
        user_id=USER_ID,
        count=45,
        now=datetime.now(UTC),
        title="Problem <!channel> {i}",
        feedback="Good <@U999> work",
    )

    await bot.send.home_opened()
    await bot.settle()
    view = bot.slack.calls_to("views.publish")[-1].params["view"]
    assert_valid_view(view)
    dumped = dump(view)
    assert "Problem &lt;!channel&gt; 0" in dumped and "<!channel>" not in dumped
    assert "Problem &lt;!channel&gt; 19" in dumped and "Problem &lt;!channel&gt; 20" not in dumped
    assert ids.HOME_PAGE_OLDER in dumped and ids.HOME_PAGE_NEWER not in dumped

    await bot.send.action(ids.HOME_PAGE_OLDER, value="1", container={"type": "view"})
    await bot.settle()
    view = bot.slack.calls_to("views.publish")[-1].params["view"]
    dumped = dump(view)
    assert "Problem &lt;!channel&gt; 20" in dumped and ids.HOME_PAGE_NEWER in dumped
