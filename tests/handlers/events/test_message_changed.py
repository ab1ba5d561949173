"""The candidate edits a message (subtype message_changed) through the real Bolt app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from sandbox.slack_double import TEAM_ID, USER_ID
from storage.models import Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, start_interview

TS = "1800000000.000042"


def edit(thread: str, text: str, **overrides: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_changed",
        "channel": DM,
        "channel_type": "im",
        "team": TEAM_ID,
        "ts": "1800000000.000043",
        "message": {
            "type": "message",
            "user": USER_ID,
            "text": text,
            "ts": TS,
            "thread_ts": thread,
        },
        **overrides,
    }


async def test_an_edit_changes_the_turn_and_posts_nothing(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.dm("I'd use a heap &amp; a set.", channel=DM, thread_ts=thread, ts=TS)
    await bot.settle()
    posts = len(bot.slack.calls_to("chat.postMessage"))

    reply = await bot.send.event(edit(thread, "I'd use a hash map &lt;str, int&gt;."))
    assert reply.status == 200
    await bot.settle()

    async with bot.runtime.db.sessions() as s:
        turn = (await s.execute(select(Message).where(Message.slack_ts == TS))).scalar_one()
        count = (await s.execute(select(func.count()).select_from(Message))).scalar_one()
    assert (turn.text, turn.edited, turn.deleted) == ("I'd use a hash map <str, int>.", True, False)
    assert len(bot.slack.calls_to("chat.postMessage")) == posts
    # An edit arriving from outside the DM is not the candidate's: acked, nothing changes.
    reply = await bot.send.event(edit(thread, "changed elsewhere", channel_type="channel"))
    assert reply.status == 200
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        turn = (await s.execute(select(Message).where(Message.slack_ts == TS))).scalar_one()
        assert (await s.execute(select(func.count()).select_from(Message))).scalar_one() == count
    assert turn.text == "I'd use a hash map <str, int>."
