"""Every outbox variant renders from its own fields, never from text parsed back; a post
Slack refuses for its blocks goes again as plain text."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.domain import Difficulty, Grade, SessionStatus
from bot.interview.outbox import (
    Apology,
    CompletionDm,
    EndedNote,
    FileRejected,
    GradingNote,
    Opening,
    OutboxItem,
    ProblemPost,
    Reply,
    RetryNotice,
    RunFailure,
    RunResultPost,
    Scorecard,
    StepSkipped,
    TimeUp,
    TimeWarning,
    from_row,
    to_row,
)
from bot.interview.ports import Outgoing, SessionRef
from bot.interview.run_record import RunRecord
from handlers.blocks import ids
from handlers.slack_messenger import SlackMessenger, render
from sandbox.slack_double import USER_ID, SlackDouble
from storage.models import Message
from tests.bot.interview.samples import two_sum
from tests.conftest import BotHarness
from tests.handlers.blocks.checks import assert_valid_message
from tests.handlers.steps import DM, count_rows, start_interview

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
SESSION = SessionRef(
    id=1,
    team_id="T1",
    user_id="U1",
    api_app_id="A1",
    channel_id="D1",
    thread_ts="1.1",
    permalink=None,
    problem=two_sum(),
    difficulty=Difficulty.EASY,
    status=SessionStatus.ACTIVE,
    started_at=NOW - timedelta(minutes=10),
    deadline_at=NOW + timedelta(minutes=20),
    time_limit_minutes=30,
    offline=True,
)
GRADE = Grade(71, 70, 72, 69, "Solid.", ("clear",), ("tests",))

EVERY_KIND: list[OutboxItem] = [
    ProblemPost("Two Sum (easy)"),
    Opening("Hello.\nTell me your plan."),
    Reply("Why a hash map?"),
    TimeWarning(300),
    TimeUp("Time is up — grading your interview now."),
    GradingNote("Thanks — grading your interview now."),
    RetryNotice("The interviewer is thinking — retrying…"),
    Apology("The interviewer is unavailable right now; your message is saved."),
    FileRejected("solution.exe", "it is a binary file"),
    EndedNote("This interview has ended."),
    StepSkipped("Something went wrong handling your last message."),
    Scorecard(71),
    CompletionDm(71),
    RunResultPost(
        3, 0, "ok", "python", 1, 2, "1/2 tests passed · 12 ms", (RunFailure(1, "n = 2", "4", "5"),)
    ),
]


@pytest.mark.parametrize("item", EVERY_KIND, ids=lambda item: item.kind.value)
def test_every_kind_round_trips_through_its_row_and_renders(item: OutboxItem) -> None:
    kind, text, payload = to_row(item)
    assert from_row(kind, text, payload) == item
    grade = GRADE if isinstance(item, Scorecard) else None
    notification, blocks = render(
        SESSION, Outgoing(1, item, "m", grade=grade, duration_seconds=600), now=NOW
    )
    assert notification
    assert_valid_message(blocks)


def test_structured_kinds_read_their_payload_not_their_text() -> None:
    # Rows whose text says something else: what is shown comes from the payload alone.
    done = from_row("completion_dm", "you scored 5/100", {"overall": 88})
    text, blocks = render(SESSION, Outgoing(1, done, "m"), now=NOW)
    assert "88/100" in text and "88" in json.dumps(blocks)
    rejected = from_row(
        "file_rejected", "other.py\nnot this", {"filename": "a\nb.py", "reason": "too big"}
    )
    text, blocks = render(SESSION, Outgoing(1, rejected, "m"), now=NOW)
    assert text == "I could not use a\nb.py as code: too big"
    assert "too big" in json.dumps(blocks)


def test_a_kind_the_outbox_does_not_know_is_refused() -> None:
    with pytest.raises(LookupError):
        from_row("text", "a candidate's message", None)


def test_a_run_result_renders_its_payload_with_a_run_again_button_for_the_session() -> None:
    payload = {
        "code_id": 3,
        "request_id": 9,
        "status": "timeout",
        "language": "javascript",
        "passed": 5,
        "total": 7,
        "summary": "5/7 tests passed · 2001 ms · time limit exceeded",
        "failures": [
            {"index": 1, "input": "n = 2", "expected": "4", "actual": None, "error": "boom"}
        ],
        "hidden_failed": 1,
    }
    run = from_row("run_result", "something else", payload)
    text, blocks = render(SESSION, Outgoing(1, run, "m"), now=NOW)
    assert text == "5/7 tests passed · 2001 ms · time limit exceeded"
    assert_valid_message(blocks)
    shown = json.dumps(blocks)
    assert "*Example 2* failed" in shown and "boom" in shown and "1 hidden test failed" in shown
    buttons = [e for b in blocks for e in b.get("elements", []) if e.get("type") == "button"]
    assert [(b["action_id"], b["value"]) for b in buttons] == [("run_again", str(SESSION.id))]


@pytest.mark.parametrize(
    ("runs", "finished"),
    [
        (RunRecord(5, 7, 6, 7), "Finished — overall 88/100 · best run: tests 6/7"),
        (RunRecord(), "Finished — overall 88/100"),
        (None, "Finished — overall 88/100"),
    ],
)
async def test_the_finished_problem_message_shows_the_best_run(
    fake_slack: SlackDouble, runs: RunRecord | None, finished: str
) -> None:
    async with aiohttp.ClientSession() as http:
        client = AsyncWebClient(token=fake_slack.token, base_url=fake_slack.api_url, session=http)
        messenger = SlackMessenger(client=client, http=http)
        session = replace(SESSION, user_id=USER_ID, channel_id=None, thread_ts=None)
        posted = await messenger.post(session, Outgoing(1, ProblemPost("Two Sum"), "m1"))
        session = replace(session, channel_id=posted.channel_id, thread_ts=posted.ts)
        await messenger.mark_problem_finished(session, 88, runs)
    blocks = fake_slack.calls_to("chat.update")[-1].params["blocks"]
    assert_valid_message(blocks)
    last_line = blocks[-1]["elements"][0]["text"]
    assert last_line == f":white_check_mark: {finished}"
    assert "Finish interview" not in json.dumps(blocks)


@pytest.mark.parametrize(
    ("runs", "line"),
    [(RunRecord(5, 7, 6, 7), ":bar_chart: Best run so far: tests 6/7"), (RunRecord(), None)],
)
async def test_the_best_run_so_far_is_shown_above_the_finish_button(
    fake_slack: SlackDouble, runs: RunRecord, line: str | None
) -> None:
    async with aiohttp.ClientSession() as http:
        client = AsyncWebClient(token=fake_slack.token, base_url=fake_slack.api_url, session=http)
        messenger = SlackMessenger(client=client, http=http)
        session = replace(SESSION, user_id=USER_ID, channel_id=None, thread_ts=None)
        posted = await messenger.post(session, Outgoing(1, ProblemPost("Two Sum"), "m1"))
        session = replace(session, channel_id=posted.channel_id, thread_ts=posted.ts)
        await messenger.show_best_run(session, runs)
    [update] = fake_slack.calls_to("chat.update")
    assert update.params["ts"] == posted.ts
    blocks = update.params["blocks"]
    assert_valid_message(blocks)
    shown = [
        e["text"] for b in blocks for e in b.get("elements", []) if "Best run" in e.get("text", "")
    ]
    assert shown == ([line] if line else [])
    assert blocks[-1]["elements"][0]["action_id"] == ids.FINISH_INTERVIEW


async def test_refused_blocks_fall_back_to_plain_text(bot: BotHarness) -> None:
    thread = await start_interview(bot)
    bot.slack.fail("chat.postMessage", 200, body={"ok": False, "error": "invalid_blocks"})
    await bot.send.dm("What should I return for an empty list?", channel=DM, thread_ts=thread)
    await bot.settle()
    replies = bot.slack.posts(thread_ts=thread)
    assert len(replies) == 3  # opening, the refused attempt, the text-only reply
    assert "blocks" in replies[1].params and "blocks" not in replies[2].params
    assert replies[2].params["text"]
    assert await count_rows(bot, Message, Message.slack_ts.is_(None)) == 0


async def refused_then_text(fake_slack: SlackDouble, item: OutboxItem) -> str:
    """Post `item` into a thread with its blocks refused; the text of the plain retry."""
    async with aiohttp.ClientSession() as http:
        client = AsyncWebClient(token=fake_slack.token, base_url=fake_slack.api_url, session=http)
        messenger = SlackMessenger(client=client, http=http)
        session = replace(SESSION, user_id=USER_ID, channel_id=None, thread_ts=None)
        posted = await messenger.post(session, Outgoing(1, ProblemPost("Two Sum"), "m1"))
        session = replace(session, channel_id=posted.channel_id, thread_ts=posted.ts)
        fake_slack.fail("chat.postMessage", 200, body={"ok": False, "error": "invalid_blocks"})
        await messenger.post(session, Outgoing(2, item, "m2"))
    refused, retried = fake_slack.posts(thread_ts=posted.ts)
    assert "blocks" in refused.params and "blocks" not in retried.params
    return str(retried.params["text"])


async def test_a_run_result_in_plain_text_keeps_its_failing_examples_and_hidden_count(
    fake_slack: SlackDouble,
) -> None:
    run = RunResultPost(
        code_id=3,
        request_id=0,
        status="error",
        language="python",
        passed=1,
        total=4,
        summary="1/4 tests passed · 12 ms",
        failures=(
            RunFailure(1, "nums = [3,2,4], target = 6", "[1, 2]", "[0, 0]"),
            RunFailure(
                2,
                "n = <!channel>",
                "4",
                None,
                "Traceback (most recent call last):\n  File 'x'\nZeroDivisionError: boom",
            ),
        ),
        hidden_failed=2,
    )
    text = await refused_then_text(fake_slack, run)
    assert text.startswith(":x: *1/4 tests passed* · 12 ms")
    assert "*Example 2* failed" in text and "*Input:* `nums = [3,2,4], target = 6`" in text
    assert "*Expected:* `[1, 2]`" in text and "*Got:* `[0, 0]`" in text
    assert "*Example 3* failed" in text and "ZeroDivisionError: boom" in text
    # The candidate's input is escaped as in the blocks: it cannot mention anyone.
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "2 hidden tests failed" in text


async def test_a_run_result_in_plain_text_counts_the_examples_it_has_no_room_for(
    fake_slack: SlackDouble,
) -> None:
    # Five failures of ~1,800 characters each cannot all fit in one text message.
    failures = tuple(RunFailure(i, f"{i}" * 2000, "x" * 2000, "y" * 2000) for i in range(5))
    run = RunResultPost(3, 0, "ok", "python", 0, 6, "0/6 tests passed · 9 ms", failures, 1)
    text = await refused_then_text(fake_slack, run)
    assert len(text) <= 3900
    shown = text.count(" failed\n")
    assert 1 <= shown < 5
    assert f"{5 - shown} more failing example" in text
    assert "1 hidden test failed" in text
    # Whole examples are left out, never cut: each shown one ends its last code block.
    assert text.count("```") % 2 == 0


async def test_other_kinds_in_plain_text_are_escaped(fake_slack: SlackDouble) -> None:
    text = await refused_then_text(fake_slack, Reply("Ask <!channel> & <@U123>?"))
    assert text == "Ask &lt;!channel&gt; &amp; &lt;@U123&gt;?"
