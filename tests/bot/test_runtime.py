"""The runtime wired whole, the journey through the real Bolt app: command → card → Start →
thread → Finish, offline (SQLite and PostgreSQL) and with the model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bot.interview.problem_bank import ProblemBank
from handlers.blocks import ids
from sandbox.model_server import GradeReply, Reply
from sandbox.slack_double import USER_ID, SlackDouble
from storage.models import CodeSubmission, Interview, InterviewSession, Message
from tests.conftest import BotHarness, stop_bot
from tests.slack_validation import assert_valid_blocks, assert_valid_view

DM = "D" + USER_ID[1:]
SOLUTIONS = Path(__file__).parents[1] / "execution" / "solutions"


def _texts(blocks: list[dict[str, Any]] | None) -> str:
    return json.dumps(blocks or [])


async def _start(bot: BotHarness, text: str = "") -> tuple[str, str]:
    """Run /start-interview and click Start; returns (channel, thread_ts) of the interview."""
    reply = await bot.send.command(text)
    assert reply.status == 200
    card = reply.json()
    assert card["response_type"] == "ephemeral"
    assert_valid_blocks(card["blocks"])
    assert "Start Interview" in _texts(card["blocks"])
    start_button = next(
        el
        for b in card["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el.get("action_id") == ids.START_INTERVIEW
    )
    clicked = await bot.send.action(ids.START_INTERVIEW, value=start_button["value"])
    assert clicked.status == 200
    await bot.settle()
    parent = bot.slack.posts(channel=USER_ID)[0]
    thread_ts = bot.slack.calls_to("chat.postMessage")
    posted = [c for c in thread_ts if c.params.get("channel") == USER_ID][0]
    ts = next(m["ts"] for m in bot.slack.messages[DM] if m["text"] == posted.params["text"])
    assert parent.params.get("thread_ts") is None
    return DM, ts


async def _interviews(bot: BotHarness) -> list[Interview]:
    async with bot.runtime.db.sessions() as s:
        return list((await s.execute(select(Interview))).scalars())


async def test_offline_journey_records_a_scored_interview(bot: BotHarness) -> None:
    await _offline_journey(bot)


async def test_offline_journey_on_postgresql(
    make_bot: Any, fake_slack: SlackDouble, pg_url: str
) -> None:
    bot = await make_bot(slack=fake_slack, database_url=pg_url)
    try:
        await _offline_journey(bot)
    finally:
        await stop_bot(bot)


async def _offline_journey(bot: BotHarness) -> None:
    channel, thread = await _start(bot, "easy")
    parent = bot.slack.posts(channel=USER_ID)[0]
    assert_valid_blocks(parent.params["blocks"])
    assert "Finish interview" in _texts(parent.params["blocks"])
    opening = bot.slack.posts(thread_ts=thread)
    assert len(opening) == 1
    assert "offline" in _texts(opening[0].params["blocks"]).lower()
    # The ephemeral card was replaced by a "started" note via response_url.
    assert any(r.get("replace_original") for r in bot.slack.responses)

    await bot.send.dm(
        "Can the input be empty? What about duplicates?", channel=channel, thread_ts=thread
    )
    await bot.settle()
    await bot.send.dm(
        "I would use a hash map, one pass, O(n) time and O(n) space.",
        channel=channel,
        thread_ts=thread,
    )
    await bot.settle()
    code = (
        b"def solve(items):\n    if not items:\n        return []\n    seen = {}\n"
        b"    for i, x in enumerate(items):\n        seen[x] = i\n    return seen\n"
    )
    file = bot.slack.add_file("F001", code)
    await bot.send.dm("", channel=channel, thread_ts=thread, files=[file])
    await bot.settle()
    assert bot.slack.file_requests[-1]["authorization"] == f"Bearer {bot.slack.token}"
    replies = bot.slack.posts(thread_ts=thread)
    # The opening, three answers, and before the last one what running the code did.
    assert len(replies) == 5
    assert "tests passed" in replies[-2].params["text"]
    for call in replies:
        assert_valid_blocks(call.params["blocks"])

    await bot.send.dm("done", channel=channel, thread_ts=thread)
    await bot.settle()
    rows = await _interviews(bot)
    assert len(rows) == 1 and rows[0].status == "completed"
    assert rows[0].graded_by == "offline"
    assert 0 <= rows[0].overall_score <= 100
    thread_posts = bot.slack.posts(thread_ts=thread)
    score_card = thread_posts[-1]
    assert "Interview complete" in _texts(score_card.params["blocks"])
    dm_root = [c for c in bot.slack.posts(channel=channel) if not c.params.get("thread_ts")]
    assert f"you scored {rows[0].overall_score}/100" in dm_root[-1].params["text"]
    home = bot.slack.calls_to("views.publish")[-1]
    assert_valid_view(home.params["view"])
    assert rows[0].problem_title in _texts(home.params["view"]["blocks"])
    # The problem message lost its Finish button.
    update = bot.slack.calls_to("chat.update")[-1]
    assert "Finish interview" not in _texts(update.params["blocks"])
    async with bot.runtime.db.sessions() as s:
        code_rows = list((await s.execute(select(CodeSubmission))).scalars())
        candidate = (
            await s.execute(select(func.count()).where(Message.role == "candidate"))
        ).scalar_one()
    assert len(code_rows) == 1 and code_rows[0].language == "python"
    assert code_rows[0].slack_file_id == "F001"
    assert candidate == 4


async def test_model_journey_uses_the_model_and_its_scores(model_bot: BotHarness) -> None:
    bot = model_bot
    assert bot.model is not None
    bot.model.enqueue(Reply("Welcome! Tell me how you would approach this."))
    channel, thread = await _start(bot, "medium")
    assert "Welcome!" in bot.slack.posts(thread_ts=thread)[0].params["text"]
    bot.model.enqueue(Reply("Good question: yes, assume the input fits in memory."))
    await bot.send.dm(
        "Does the input fit in memory? And can values repeat, or be negative?",
        channel=channel,
        thread_ts=thread,
    )
    await bot.settle()
    bot.model.enqueue(Reply("Nice, what is the complexity?"))
    await bot.send.dm(
        "I'll sort the values first and then sweep once from left to right, "
        "which is O(n log n) time and O(1) extra space.",
        channel=channel,
        thread_ts=thread,
    )
    await bot.settle()
    bot.model.enqueue(Reply("Thanks for the code. Which edge cases did you test?"))
    # A working solution: the code is run and graded on its tests, so it must pass them.
    async with bot.runtime.db.sessions() as s:
        problem_id = (await s.execute(select(InterviewSession.problem_id))).scalar_one()
    problem = ProblemBank.default().get(problem_id)
    assert problem is not None
    solution = (SOLUTIONS / problem_id / "solution.py").read_text()
    await bot.send.dm(f"```python\n{solution}\n```", channel=channel, thread_ts=thread)
    await bot.settle()
    # The interviewer saw the whole transcript, the latest code and what running it did.
    last_request = json.dumps(bot.model.requests[-1]["messages"])
    assert "Does the input fit in memory?" in last_request
    defined = next(line for line in solution.splitlines() if line.startswith(("def ", "class ")))
    assert defined in last_request
    assert "tests passed" in bot.slack.posts(thread_ts=thread)[-2].params["text"]
    bot.model.enqueue(
        GradeReply(
            {
                "overall": 81,
                "communication": 85,
                "problem_solving": 80,
                "code_quality": 78,
                "summary": "Clear and correct.",
                "strengths": ["Asked good questions"],
                "improvements": ["Discuss more edge cases"],
            }
        )
    )
    finish_value = next(
        el["value"]
        for b in bot.slack.posts(channel=USER_ID)[0].params["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el.get("action_id") == ids.FINISH_INTERVIEW
    )
    await bot.send.action(
        ids.FINISH_INTERVIEW,
        value=finish_value,
        container={
            "type": "message",
            "message_ts": thread,
            "channel_id": channel,
            "is_ephemeral": False,
        },
    )
    await bot.settle()
    rows = await _interviews(bot)
    assert len(rows) == 1
    row = rows[0]
    assert (
        row.overall_score,
        row.communication_score,
        row.problem_solving_score,
        row.code_quality_score,
    ) == (81, 85, 80, 78)
    assert row.graded_by == "model"
    grading_request = bot.model.requests[-1]
    assert grading_request["response_format"]["type"] == "json_schema"
    assert "you scored 81/100" in bot.slack.posts(channel=channel)[-1].params["text"]
