"""Finish Interview through the real Bolt app: graded once; a later click gets a private note."""

from __future__ import annotations

from sqlalchemy import select

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from storage.models import Interview, InterviewSession
from tests.conftest import BotHarness
from tests.handlers.steps import DM, count_rows, start_interview


async def test_finish_grades_once_then_says_it_is_over(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    async with bot.runtime.db.sessions() as s:
        session_id = (await s.execute(select(InterviewSession.id))).scalar_one()
    container = {"type": "message", "message_ts": thread, "channel_id": DM, "is_ephemeral": False}

    reply = await bot.send.action(ids.FINISH_INTERVIEW, value=str(session_id), container=container)
    assert reply.status == 200
    await bot.settle()
    assert await count_rows(bot, Interview) == 1
    assert any("Interview complete" in c.params["text"] for c in bot.slack.posts(thread_ts=thread))
    assert not bot.slack.calls_to("chat.postEphemeral")

    reply = await bot.send.action(ids.FINISH_INTERVIEW, value=str(session_id), container=container)
    assert reply.status == 200
    await bot.settle()
    assert await count_rows(bot, Interview) == 1
    [note] = bot.slack.calls_to("chat.postEphemeral")
    assert (note.params["channel"], note.params["user"]) == (DM, USER_ID)
    assert note.params["thread_ts"] == thread
    assert "already finished" in note.params["text"]
