"""The start card, usage and start notes."""

from __future__ import annotations

import json

import pytest

from bot.interview.domain import Difficulty
from handlers.blocks import (
    build_already_active_note,
    build_start_card,
    build_start_dismissed,
    build_started_note,
    build_usage,
    ids,
    usage_text,
)
from tests.handlers.blocks.checks import (
    HOSTILE,
    assert_no_live_markup,
    assert_valid_message,
    elements_of,
    texts_of,
)
from tests.handlers.blocks.samples import NOW, THREAD_URL, make_active


@pytest.mark.parametrize("difficulty", list(Difficulty))
def test_start_card_preselects_difficulty(difficulty: Difficulty) -> None:
    blocks = build_start_card(
        difficulty=difficulty, topic=None, time_limit_minutes=45, offline=False
    )
    assert_valid_message(blocks)
    select_block = next(b for b in blocks if b.get("block_id") == ids.DIFFICULTY_BLOCK)
    select = select_block["accessory"]
    assert select["type"] == "static_select"
    assert select["action_id"] == ids.SELECT_DIFFICULTY
    assert [o["value"] for o in select["options"]] == ["easy", "medium", "hard"]
    assert select["initial_option"]["value"] == difficulty.value
    assert select["initial_option"] in select["options"]

    start, not_now = blocks[-1]["elements"]
    assert start["action_id"] == ids.START_INTERVIEW
    assert start["text"]["text"] == "Start Interview"
    assert start["style"] == "primary"
    assert json.loads(start["value"]) == {"difficulty": difficulty.value, "topic": None}
    assert not_now["action_id"] == ids.CANCEL_START
    assert not_now["text"]["text"] == "Not now"


def test_start_card_says_what_to_expect() -> None:
    blocks = build_start_card(
        difficulty=Difficulty.MEDIUM, topic="graphs", time_limit_minutes=30, offline=False
    )
    text = texts_of(blocks)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Mock interview", "emoji": True},
    }
    for expected in (
        "AI interviewer",
        "One coding problem",
        "snippet",
        "code block (wrap it in three backticks)",
        "30 min",
        "5 minutes before",
        "`done`",
        "Finish interview",
        "graded",
        "Overall",
        "Communication",
        "Problem solving",
        "Code quality",
        "0–100",
        "*Topic:* graphs",
    ):
        assert expected in text, expected
    # A lone ``` in prose would open a code block that swallows the rest of the card.
    assert "```" not in text
    assert "offline" not in text
    assert json.loads(blocks[-1]["elements"][0]["value"]) == {
        "difficulty": "medium",
        "topic": "graphs",
    }


def test_start_card_says_plainly_when_offline() -> None:
    blocks = build_start_card(
        difficulty=Difficulty.EASY, topic=None, time_limit_minutes=45, offline=True
    )
    assert_valid_message(blocks)
    text = texts_of(blocks)
    assert "*offline interviewer*" in text
    assert "not an AI model" in text


def test_start_card_escapes_and_bounds_a_hostile_topic() -> None:
    blocks = build_start_card(
        difficulty=Difficulty.HARD, topic=HOSTILE * 500, time_limit_minutes=45, offline=False
    )
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    topic = json.loads(blocks[-1]["elements"][0]["value"])["topic"]
    assert len(topic) <= 100


def test_usage_lists_examples_and_topics() -> None:
    blocks = build_usage(topics=["arrays", "graphs", "<!channel>"])
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    text = usage_text(topics=["arrays", "graphs"])
    for example in (
        "`/start-interview [easy|medium|hard] [topic]`",
        "`/start-interview`",
        "`/start-interview hard`",
        "`/start-interview easy graphs`",
        "`/start-interview help`",
        "arrays, graphs",
    ):
        assert example in text


def test_usage_with_a_huge_topic_list_stays_valid() -> None:
    assert_valid_message(build_usage(topics=[f"topic-{n}" for n in range(2000)]))


def test_start_notes() -> None:
    dismissed = build_start_dismissed()
    assert_valid_message(dismissed)
    assert "/start-interview" in texts_of(dismissed)

    started = build_started_note(permalink=THREAD_URL)
    assert_valid_message(started)
    assert "Your interview has started — see your DM with me" in texts_of(started)
    assert f"<{THREAD_URL}|" in texts_of(started)
    without_link = build_started_note(permalink=None)
    assert_valid_message(without_link)
    assert "<" not in texts_of(without_link)


def test_already_active_note_shows_the_interview() -> None:
    blocks = build_already_active_note(active=make_active(title=HOSTILE), now=NOW)
    assert_valid_message(blocks)
    assert_no_live_markup(blocks)
    assert "23 min left" in texts_of(blocks)
    link_button = elements_of(blocks, "button")[0]
    assert link_button["action_id"] == ids.OPEN_THREAD_LINK
    assert link_button["url"] == THREAD_URL
    without_link = build_already_active_note(active=make_active(permalink=None), now=NOW)
    assert_valid_message(without_link)
    assert not elements_of(without_link, "button")
