"""Events with nothing for the app to do: acked with 200 (so Slack does not retry) and
otherwise ignored, whichever listener Bolt's routing would have tried."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from sandbox.slack_double import TEAM_ID, USER_ID
from storage.models import CodeSubmission, InterviewSession, Message
from tests.conftest import BotHarness
from tests.handlers.steps import DM, start_interview

# Code that would be a submission if any of these reached the candidate's listener.
CODE = "```python\ndef f(a):\n    return len(a)\n```"


async def _rows(bot: BotHarness) -> tuple[int, ...]:
    counts = []
    async with bot.runtime.db.sessions() as s:
        for model in (Message, CodeSubmission, InterviewSession):
            counted = await s.execute(select(func.count()).select_from(model))
            counts.append(int(counted.scalar_one()))
    return tuple(counts)


def _message(thread: str, **fields: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": DM,
        "channel_type": "im",
        "user": USER_ID,
        "text": CODE,
        "ts": "1800000000.000201",
        "thread_ts": thread,
        "team": TEAM_ID,
        **fields,
    }


@pytest.mark.parametrize(
    "fields",
    [
        {"subtype": "bot_message", "bot_id": "B0OTHER"},
        {"subtype": "me_message"},
        {"subtype": "channel_join"},
        {"subtype": "message_replied"},
        {"subtype": "tombstone"},
        {"subtype": "ekm_access_denied"},
        {"subtype": ""},
        {"subtype": 5},
        {"subtype": ["file_share"]},
        {"channel_type": "channel"},
        {"channel_type": "mpim"},
        {"bot_id": "B0OTHER"},
        {"subtype": "file_share", "bot_id": "B0OTHER", "files": []},
    ],
    ids=lambda fields: ",".join(f"{k}={v}" for k, v in fields.items()),
)
async def test_other_messages_are_acked_and_change_nothing(
    bot: BotHarness, fields: dict[str, Any]
) -> None:
    thread = await start_interview(bot)
    rows, calls = await _rows(bot), len(bot.slack.calls)
    reply = await bot.send.event(_message(thread, **fields))
    assert reply.status == 200
    await bot.settle()
    assert await _rows(bot) == rows
    assert len(bot.slack.calls) == calls


@pytest.mark.parametrize("event_type", ["file_shared", "file_created"])
async def test_file_events_are_acked_and_change_nothing(bot: BotHarness, event_type: str) -> None:
    thread = await start_interview(bot)
    rows, calls = await _rows(bot), len(bot.slack.calls)
    reply = await bot.send.event(
        {"type": event_type, "file_id": "F0SHARED", "user_id": USER_ID, "channel_id": DM}
    )
    assert reply.status == 200 and thread
    await bot.settle()
    assert await _rows(bot) == rows
    assert len(bot.slack.calls) == calls
