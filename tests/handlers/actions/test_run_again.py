"""Run again through the real Bolt app: the candidate's click is a run request answered by a
run result; a click on a finished interview or by someone else runs nothing and is told so
privately."""

from __future__ import annotations

from sqlalchemy import select

from handlers.blocks import ids
from sandbox.slack_double import USER_ID
from storage.models import InterviewSession, Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, start_interview

CODE = "```python\ndef nothing():\n    return None\n```"


async def _session_id(bot: BotHarness) -> int:
    async with bot.runtime.db.sessions() as s:
        return int((await s.execute(select(InterviewSession.id))).scalar_one())


async def _kinds(bot: BotHarness) -> list[str]:
    async with bot.runtime.db.sessions() as s:
        return list((await s.execute(select(Message.kind).order_by(Message.id))).scalars())


async def test_a_click_is_one_run_request_answered_by_a_result(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.dm(CODE, channel=DM, thread_ts=thread)
    await bot.settle()
    container = {"type": "message", "message_ts": thread, "channel_id": DM, "thread_ts": thread}

    reply = await bot.send.action(
        ids.RUN_AGAIN, value=str(await _session_id(bot)), container=container
    )
    assert reply.status == 200
    await bot.settle()

    kinds = await _kinds(bot)
    assert kinds.count("run_request") == 1
    assert kinds[-2:] == ["run_request", "run_result"]
    assert not bot.slack.calls_to("chat.postEphemeral")


async def test_run_before_any_code_says_there_is_nothing_to_run(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.dm("run", channel=DM, thread_ts=thread)
    await bot.settle()

    assert (await _kinds(bot))[-2:] == ["run_request", "run_result"]
    assert any("no code to run yet" in c.params["text"] for c in bot.slack.posts(thread_ts=thread))


async def test_a_click_after_the_interview_ended_runs_nothing(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    session_id = await _session_id(bot)
    await bot.send.dm("done", channel=DM, thread_ts=thread)
    await bot.settle()
    container = {"type": "message", "message_ts": thread, "channel_id": DM, "thread_ts": thread}

    reply = await bot.send.action(ids.RUN_AGAIN, value=str(session_id), container=container)
    assert reply.status == 200
    await bot.settle()

    assert "run_request" not in await _kinds(bot)
    [note] = bot.slack.calls_to("chat.postEphemeral")
    assert (note.params["channel"], note.params["user"]) == (DM, USER_ID)
    assert note.params["thread_ts"] == thread
    assert "is over" in note.params["text"]
