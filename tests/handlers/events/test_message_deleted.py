"""The candidate deletes a message (subtype message_deleted) through the real Bolt app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sandbox.slack_double import TEAM_ID, USER_ID
from storage.models import Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, start_interview

TS = "1800000000.000042"


def deletion(thread: str, **overrides: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_deleted",
        "channel": DM,
        "channel_type": "im",
        "team": TEAM_ID,
        "ts": "1800000000.000044",
        "deleted_ts": TS,
        "previous_message": {"type": "message", "user": USER_ID, "ts": TS, "thread_ts": thread},
        **overrides,
    }


async def _turn(bot: BotHarness) -> Message:
    async with bot.runtime.db.sessions() as s:
        return (await s.execute(select(Message).where(Message.slack_ts == TS))).scalar_one()


async def _message_count(bot: BotHarness) -> int:
    async with bot.runtime.db.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(Message))).scalar_one())


async def test_a_deletion_marks_the_turn_and_posts_nothing(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.dm("I'd use a heap.", channel=DM, thread_ts=thread, ts=TS)
    await bot.settle()
    posts, count = len(bot.slack.calls_to("chat.postMessage")), await _message_count(bot)

    # A deletion seen from outside the DM is not the candidate's: acked, nothing changes.
    reply = await bot.send.event(deletion(thread, channel_type="channel"))
    assert reply.status == 200
    await bot.settle()
    assert not (await _turn(bot)).deleted

    reply = await bot.send.event(deletion(thread))
    assert reply.status == 200
    await bot.settle()
    turn = await _turn(bot)
    assert turn.deleted and turn.text == "I'd use a heap."
    assert await _message_count(bot) == count
    assert len(bot.slack.calls_to("chat.postMessage")) == posts
