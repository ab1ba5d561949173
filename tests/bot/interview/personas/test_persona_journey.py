"""A persona played end to end through the real Bolt app and the fake Slack, with a
restart of the bot half-way: the thread must read exactly as the domain-level play."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.execution import CodeRunner
from handlers.blocks import ids
from sandbox.slack_double import USER_ID, SlackDouble
from storage.models import InterviewSession, Message
from tests.bot.interview.personas import PERSONAS, play
from tests.bot.interview.personas.checks import fences_balanced, thread_problems
from tests.conftest import BotHarness, stop_bot

DM = "D" + USER_ID[1:]
PERSONA = "buggy-then-fixed"
# `/start-interview easy intervals` has exactly one problem to choose from.
PROBLEM = "double-booked-room"
RESTART_AFTER = 3


async def _start(bot: BotHarness) -> str:
    """Run /start-interview and click Start; returns the interview thread's ts."""
    card = (await bot.send.command("easy intervals")).json()
    start = next(
        el
        for b in card["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el.get("action_id") == ids.START_INTERVIEW
    )
    await bot.send.action(ids.START_INTERVIEW, value=start["value"])
    await bot.settle()
    posted = [c for c in bot.slack.calls_to("chat.postMessage") if c.params["channel"] == USER_ID]
    return next(m["ts"] for m in bot.slack.messages[DM] if m["text"] == posted[0].params["text"])


async def _interviewer_texts(bot: BotHarness) -> list[str]:
    async with bot.runtime.db.sessions() as s:
        rows = (
            await s.execute(
                select(Message.text)
                .where(Message.role == "interviewer", Message.kind.in_(("opening", "reply")))
                .order_by(Message.id)
            )
        ).scalars()
        return list(rows)


def _block_texts(blocks: list[dict[str, Any]] | None) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


async def test_persona_through_the_real_app_survives_a_restart(
    make_bot: Any, fake_slack: SlackDouble, sqlite_url: str
) -> None:
    # The app runs every submission before the interviewer speaks: so does the play.
    expected = await play(PERSONA, PROBLEM, runner=CodeRunner(slots=1))
    steps = PERSONAS[PERSONA].scripts[PROBLEM]
    bot = await make_bot(slack=fake_slack, database_url=sqlite_url)
    thread = await _start(bot)
    async with bot.runtime.db.sessions() as s:
        session = (await s.execute(select(InterviewSession))).scalars().one()
    assert session.problem_id == PROBLEM

    for index, step in enumerate(steps):
        if index == RESTART_AFTER:
            # The offline interviewer keeps nothing in memory: a new process carries on.
            await stop_bot(bot)
            bot = await make_bot(slack=fake_slack, database_url=sqlite_url)
        await bot.send.dm(step.text, channel=DM, thread_ts=thread)
        await bot.settle()

    said = await _interviewer_texts(bot)
    assert said[1:] == list(expected.interviewer_messages[1:])
    assert len(said) == len(steps) + 1
    assert thread_problems(expected.problem, said) == []
    await bot.send.dm("done", channel=DM, thread_ts=thread)
    await bot.settle()
    # What Slack received renders as written: every text object of every message in the
    # DM (problem message, thread replies, score card) has its fences paired.
    posts = bot.slack.posts(channel=DM) + bot.slack.posts(channel=USER_ID)
    assert any("Interview complete" in json.dumps(c.params.get("blocks")) for c in posts)
    for call in posts:
        for text in [call.params.get("text") or "", *_block_texts(call.params.get("blocks"))]:
            assert fences_balanced(text), json.dumps(text)
    await stop_bot(bot)
