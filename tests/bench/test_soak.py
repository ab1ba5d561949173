"""The soak's Slack deliveries reach the real bot as Slack's do."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.soak import START_ACTION, SlackDeliveries
from storage.models import InterviewSession
from tests.conftest import BotHarness

USER = "U0SOAK0001"


async def test_a_click_and_an_event_are_acked_and_counted(bot: BotHarness) -> None:
    deliveries = SlackDeliveries(f"{bot.url}/slack/events", give_up_after=10)
    acked: list[int] = []
    deliveries.on_ack.append(lambda: acked.append(1))
    try:
        await deliveries.click(START_ACTION, user=USER, value='{"difficulty": "easy"}')
        retries = await deliveries.event(deliveries.requests.home_opened(user=USER))
    finally:
        await deliveries.close()
    await bot.settle()
    assert retries == 0
    assert (deliveries.deliveries, len(acked)) == (2, 2)
    async with bot.runtime.db.sessions() as session:
        started = await session.scalar(
            select(func.count())
            .select_from(InterviewSession)
            .where(InterviewSession.user_id == USER, InterviewSession.difficulty == "easy")
        )
    assert started == 1
