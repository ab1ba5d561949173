"""/start-interview through the real Bolt app: the start card or the usage, in the ack."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.interview.domain import Difficulty
from handlers.blocks import ids
from handlers.commands.start_interview import StartArguments, parse_start_arguments
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.handlers.steps import dump
from tests.slack_validation import assert_valid_blocks


async def test_command_shows_start_card_with_preset_difficulty(bot: BotHarness) -> None:
    reply = await bot.send.command("hard")
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert_valid_blocks(body["blocks"])
    select_el = next(
        b.get("accessory", None) for b in body["blocks"] if dump(b).count(ids.SELECT_DIFFICULTY)
    )
    if select_el is None:  # the select may sit in an actions/input block instead
        select_el = next(
            el
            for b in body["blocks"]
            for el in b.get("elements", [])
            if isinstance(el, dict) and el.get("action_id") == ids.SELECT_DIFFICULTY
        )
    assert select_el["initial_option"]["value"] == "hard"
    text = dump(body["blocks"]).lower()
    for word in ("communication", "problem solving", "code quality", "overall", "snippet"):
        assert word in text
    # Nothing was posted anywhere: the card is the ack itself.
    assert not bot.slack.calls_to("chat.postMessage")


async def test_command_with_topic_carries_it_to_start(bot: BotHarness) -> None:
    body = (await bot.send.command("easy graphs")).json()
    assert '\\"topic\\": \\"graphs\\"' in dump(body["blocks"]) or "graphs" in dump(body["blocks"])
    button = next(
        el
        for b in body["blocks"]
        if b["type"] == "actions"
        for el in b["elements"]
        if el.get("action_id") == ids.START_INTERVIEW
    )
    assert json.loads(button["value"]) == {"difficulty": "easy", "topic": "graphs"}
    await bot.send.action(ids.START_INTERVIEW, value=button["value"])
    await bot.settle()
    async with bot.runtime.db.sessions() as s:
        row = (await s.execute(select(InterviewSession))).scalar_one()
    problem = bot.runtime.engine.bank.get(row.problem_id)
    assert problem is not None and "graphs" in problem.topics
    assert problem.difficulty.value == "easy"


async def test_help_and_unknown_arguments_show_usage(bot: BotHarness) -> None:
    for text in ("help", "extreme", "easy underwater-basket-weaving"):
        body = (await bot.send.command(text)).json()
        assert body["response_type"] == "ephemeral"
        assert "/start-interview" in body["text"]
        assert "Start Interview" not in dump(body["blocks"])
    # Bolt's own auth.test aside, nothing reached Slack.
    assert not [c for c in bot.slack.calls if c.method != "auth.test"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", StartArguments(Difficulty.MEDIUM, None)),
        ("   ", StartArguments(Difficulty.MEDIUM, None)),
        ("hard", StartArguments(Difficulty.HARD, None)),
        ("EASY", StartArguments(Difficulty.EASY, None)),
        ("graphs easy", StartArguments(Difficulty.EASY, "graphs")),
        ("easy graphs", StartArguments(Difficulty.EASY, "graphs")),
        ("graphs", StartArguments(Difficulty.MEDIUM, "graphs")),
        ("help", None),
        ("--help", None),
        ("extreme", None),
        ("easy underwater-basket-weaving", None),
    ],
)
def test_arguments_are_a_difficulty_and_a_topic_in_any_order(
    text: str, expected: StartArguments | None
) -> None:
    assert parse_start_arguments(text) == expected
