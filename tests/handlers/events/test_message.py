"""A message in the DM through the real Bolt app: a turn in the thread, a pointer outside it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from sandbox.slack_double import TEAM_ID, USER_ID
from storage.models import CodeSubmission, Interview, Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, count_rows, dump, start_interview


async def test_fenced_code_is_a_submission(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.dm("Here:\n```js\nconst f = (a) => a.length;\n```", channel=DM, thread_ts=thread)
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        code = (await s.execute(select(CodeSubmission))).scalar_one()
    assert code.language == "javascript" and "a.length" in code.content


@pytest.mark.parametrize(
    "subtype",
    [{}, {"subtype": None}, {"subtype": "thread_broadcast"}],
    ids=["plain", "null-subtype", "thread_broadcast"],
)
async def test_each_candidate_subtype_is_a_turn_and_answered(
    bot: BotHarness, subtype: dict[str, Any]
) -> None:
    thread = await start_interview(bot)
    before = len(bot.slack.posts(thread_ts=thread))
    reply = await bot.send.event(
        {
            "type": "message",
            "channel": DM,
            "channel_type": "im",
            "user": USER_ID,
            "text": "Can the input be empty?",
            "ts": "1800000000.000101",
            "thread_ts": thread,
            "team": TEAM_ID,
            **subtype,
        }
    )
    assert reply.status == 200
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        turn = (
            await s.execute(select(Message).where(Message.slack_ts == "1800000000.000101"))
        ).scalar_one()
    assert turn.role == "candidate" and turn.text == "Can the input be empty?"
    assert len(bot.slack.posts(thread_ts=thread)) == before + 1  # the interviewer answered


async def test_other_people_and_bots_are_ignored_in_the_thread(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    before = len(bot.slack.calls_to("chat.postMessage"))
    await bot.send.dm("I am someone else", channel=DM, thread_ts=thread, user="U0INTRUDER")
    await bot.send.event(
        {
            "type": "message",
            "channel": DM,
            "channel_type": "im",
            "bot_id": "B0OTHER",
            "subtype": "bot_message",
            "text": "beep",
            "ts": "1.5",
            "thread_ts": thread,
        }
    )
    await bot.settle()
    assert len(bot.slack.calls_to("chat.postMessage")) == before
    assert await count_rows(bot, Message, Message.role == "candidate") == 0


async def test_message_outside_a_thread_gets_a_pointer_once(bot: BotHarness) -> None:
    await bot.send.dm("hello?", channel=DM, ts="1700.0001", event_id="EvP1")
    await bot.send.dm("hello?", channel=DM, ts="1700.0001", event_id="EvP1", retry_num=1)
    await bot.settle()
    pointers = bot.slack.calls_to("chat.postMessage")
    assert len(pointers) == 1
    assert "/start-interview" in dump(pointers[0].params)


async def test_message_after_the_end_gets_an_ended_note(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    await bot.send.dm("done", channel=DM, thread_ts=thread)
    await bot.settle()
    await bot.send.dm("wait, one more thing", channel=DM, thread_ts=thread)
    await bot.settle()
    last = bot.slack.posts(thread_ts=thread)[-1]
    assert "ended" in last.params["text"].lower()
    assert await count_rows(bot, Interview) == 1
