"""View feedback on the Home tab through the real Bolt app."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from storage.models import Interview
from tests.conftest import BotHarness
from tests.factories import seed_history
from tests.handlers.steps import dump
from tests.slack_validation import assert_valid_view


async def test_feedback_modal_opens_only_for_the_owner(bot: BotHarness) -> None:
    await seed_history(
        bot.runtime.db,
        team_id="T0TEST001",
        user_id=USER_ID,
        count=45,
        now=datetime.now(UTC),
        title="Problem <!channel> {i}",
        feedback="Good <@U999> work",
    )
    async with bot.runtime.db.sessions() as s:
        newest = (
            (await s.execute(select(Interview).order_by(Interview.completed_at.desc())))
            .scalars()
            .first()
        )
    assert newest is not None
    await bot.send.action(ids.OPEN_FEEDBACK, value=str(newest.id), container={"type": "view"})
    await bot.settle()
    modal = bot.slack.calls_to("views.open")[-1].params["view"]
    assert_valid_view(modal)
    assert "Good &lt;@U999&gt; work" in dump(modal)
    # Someone else's interview id opens nothing.
    await bot.send.action(
        ids.OPEN_FEEDBACK, value=str(newest.id), user="U0OTHER", container={"type": "view"}
    )
    await bot.settle()
    assert len(bot.slack.calls_to("views.open")) == 1
