"""Exactly once: Slack's redeliveries, double clicks and racing finishes never do work twice.

Slack re-sends an event (same `event_id`, `X-Slack-Retry-Num`) when its ack was late or lost,
and the same message can arrive under a new `event_id`. Each test delivers the same thing
several times, one after another and all at once, and counts rows and Web API calls.
Each runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from typing import Any

import pytest

from handlers.blocks import ids
from sandbox.slack_double import TEAM_ID, USER_ID, SlackDouble
from tests.conftest import BotHarness
from tests.reliability.conftest import (
    Thread,
    assert_each_posted_once,
    bot_posts,
    click_start,
    interviews_of,
    messages_of,
    move_deadline_into_the_past,
    row_counts,
    start_interview,
)

CODE_MESSAGE = "Here it is:\n```python\ndef solve(xs):\n    return sorted(xs)\n```"


def message_event(thread: Thread, text: str, ts: str, **extra: Any) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": thread.channel,
        "channel_type": "im",
        "user": USER_ID,
        "text": text,
        "ts": ts,
        "event_ts": ts,
        "thread_ts": thread.thread_ts,
        "team": TEAM_ID,
    }
    return event | extra


_message_numbers = itertools.count(1)


def fresh_ts() -> str:
    """A message ts no other message of the test run has."""
    return f"{int(time.time())}.{next(_message_numbers):06d}"


async def deliver(
    bot: BotHarness, event: dict[str, Any], *, times: int, same_event_id: bool, together: bool
) -> list[int]:
    """Deliver one event `times` times the way Slack would retry it; returns the statuses."""

    async def once(attempt: int) -> int:
        reply = await bot.send.event(
            event,
            event_id="EvSAME000001" if same_event_id else f"EvNEW{next(_message_numbers):07d}",
            retry_num=(attempt or None) if same_event_id else None,
        )
        return reply.status

    if together:
        return list(await asyncio.gather(*(once(i) for i in range(times))))
    return [await once(i) for i in range(times)]


@pytest.mark.parametrize("together", [False, True], ids=["one_after_another", "all_at_once"])
@pytest.mark.parametrize("same_event_id", [True, False], ids=["slack_retry", "new_event_id"])
async def test_a_redelivered_message_is_stored_and_answered_once(
    launch: Any, fake_slack: SlackDouble, any_db_url: str, together: bool, same_event_id: bool
) -> None:
    bot = await launch(slack=fake_slack, database_url=any_db_url)
    thread = await start_interview(bot)
    before = await row_counts(bot.runtime.db)
    posts_before = len(bot_posts(fake_slack, thread))

    statuses = await deliver(
        bot,
        message_event(thread, CODE_MESSAGE, fresh_ts()),
        times=4,
        same_event_id=same_event_id,
        together=together,
    )
    await bot.settle()

    assert statuses == [200] * len(statuses)
    after = await row_counts(bot.runtime.db)
    assert after["code"] - before["code"] == 1
    rows = await messages_of(bot.runtime.db, thread.session_id)
    assert sum(1 for m in rows if m.role == "candidate") == 1
    assert sum(1 for m in rows if m.kind == "reply") == 1
    # The code was run once: one result, posted before the one reply.
    assert sum(1 for m in rows if m.kind == "run_result") == 1
    assert len(bot_posts(fake_slack, thread)) - posts_before == 2
    assert_each_posted_once(fake_slack)


async def test_a_retry_after_the_answer_went_out_changes_nothing(
    launch: Any, fake_slack: SlackDouble, any_db_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=any_db_url)
    thread = await start_interview(bot)
    event = message_event(thread, "Can the list be empty?", fresh_ts())
    assert (await bot.send.event(event, event_id="EvLATE0001")).status == 200
    await bot.settle()
    counts, calls = await row_counts(bot.runtime.db), len(fake_slack.calls)

    for attempt in (1, 2, 3):
        reply = await bot.send.event(event, event_id="EvLATE0001", retry_num=attempt)
        assert reply.status == 200
    await bot.settle()

    assert await row_counts(bot.runtime.db) == counts
    assert len(fake_slack.calls) == calls


async def test_a_shared_file_delivered_twice_is_one_code_submission(
    launch: Any, fake_slack: SlackDouble, any_db_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=any_db_url)
    thread = await start_interview(bot)
    file = fake_slack.add_file("F0TWICE", b"def solve(xs):\n    return xs\n")
    event = message_event(thread, "", fresh_ts(), subtype="file_share", files=[file])
    await deliver(bot, event, times=3, same_event_id=True, together=True)
    await bot.settle()
    # The same file shared again in a new message is still one submission of that file.
    again = message_event(thread, "same file again", fresh_ts(), subtype="file_share", files=[file])
    await deliver(bot, again, times=2, same_event_id=False, together=True)
    await bot.settle()

    counts = await row_counts(bot.runtime.db)
    assert counts["code"] == 1
    assert len(fake_slack.file_requests) == 2  # one download per stored message
    rows = await messages_of(bot.runtime.db, thread.session_id)
    assert sum(1 for m in rows if m.role == "candidate") == 2
    assert_each_posted_once(fake_slack)


async def test_a_pointer_outside_an_interview_is_sent_once(
    launch: Any, fake_slack: SlackDouble, any_db_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=any_db_url)
    event = {
        "type": "message",
        "channel": "D0CANDIDATE",
        "channel_type": "im",
        "user": USER_ID,
        "text": "hello?",
        "ts": fresh_ts(),
        "team": TEAM_ID,
    }
    await deliver(bot, event, times=4, same_event_id=True, together=True)
    await deliver(bot, event, times=2, same_event_id=False, together=False)
    await bot.settle()

    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert (await row_counts(bot.runtime.db))["slack_events"] == 1


@pytest.mark.parametrize("together", [False, True], ids=["one_after_another", "all_at_once"])
async def test_double_clicked_start_makes_one_interview(
    launch: Any, fake_slack: SlackDouble, any_db_url: str, together: bool
) -> None:
    bot = await launch(slack=fake_slack, database_url=any_db_url)
    if together:
        statuses = await asyncio.gather(*(click_start(bot) for _ in range(6)))
    else:
        statuses = [await click_start(bot) for _ in range(6)]
    await bot.settle()

    assert list(statuses) == [200] * 6
    counts = await row_counts(bot.runtime.db)
    assert counts["sessions"] == 1
    problem_posts = [
        c for c in fake_slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")
    ]
    assert len(problem_posts) == 1
    # The other clicks are told an interview is already running, on their own card.
    already = [r for r in fake_slack.responses if "already" in json.dumps(r).lower()]
    assert len(already) == 5
    assert_each_posted_once(fake_slack)


async def test_finish_button_done_and_deadline_racing_grade_once(
    launch: Any, fake_slack: SlackDouble, any_db_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=any_db_url)
    thread = await start_interview(bot)
    await bot.send.dm(
        "I'd use a hash map, one pass, O(n).", channel=thread.channel, thread_ts=thread.thread_ts
    )
    await bot.settle()
    await move_deadline_into_the_past(bot.runtime.db, thread.session_id)
    finish_container = {
        "type": "message",
        "message_ts": thread.thread_ts,
        "channel_id": thread.channel,
        "is_ephemeral": False,
    }
    done = message_event(thread, "done", fresh_ts())

    results = await asyncio.gather(
        bot.send.action(
            ids.FINISH_INTERVIEW, value=str(thread.session_id), container=finish_container
        ),
        bot.send.action(
            ids.FINISH_INTERVIEW, value=str(thread.session_id), container=finish_container
        ),
        bot.send.event(done, event_id="EvDONE0001"),
        bot.send.event(done, event_id="EvDONE0001", retry_num=1),
        bot.runtime.engine.sweep(),
        bot.runtime.engine.sweep(),
    )
    await bot.settle()

    assert [r.status for r in results[:4]] == [200] * 4
    assert len(await interviews_of(bot.runtime.db, thread.session_id)) == 1
    rows = await messages_of(bot.runtime.db, thread.session_id)
    kinds = [m.kind for m in rows]
    assert kinds.count("scorecard") == 1
    assert kinds.count("completion_dm") == 1
    # One "grading now" note, whichever of the three got there first.
    assert sum(1 for m in rows if m.dedupe_key == "grading_note") == 1
    assert all(m.slack_ts for m in rows)
    completions = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if "you scored" in str(c.params.get("text"))
    ]
    assert len(completions) == 1
    assert_each_posted_once(fake_slack)
