"""The time warning scales with the limit and says the time really left."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.interview.domain import Difficulty, SessionStatus
from bot.interview.offline import OfflineInterviewer
from bot.interview.outbox import TimeWarning, from_row, to_row
from bot.interview.ports import Outgoing, SessionRef
from bot.interview.timing import time_left_phrase, warning_lead_seconds
from handlers.blocks import build_start_card, build_time_warning
from handlers.slack_messenger import render
from tests.bot.interview.samples import context, two_sum
from tests.handlers.blocks.checks import assert_valid_message


@pytest.mark.parametrize(
    ("limit", "lead"),
    [(1, 30), (2, 30), (4, 30), (5, 60), (9, 60), (10, 120), (24, 240), (25, 300), (45, 300)],
)
def test_warning_lead_scales_down_with_short_limits(limit: int, lead: int) -> None:
    assert warning_lead_seconds(limit) == lead
    # Always inside the interview, at least 30 seconds before its end.
    assert 30 <= lead < limit * 60


def test_every_limit_is_warned_inside_the_interview() -> None:
    for limit in range(1, 1441):
        lead = warning_lead_seconds(limit)
        assert 30 <= lead <= 300 and lead < limit * 60


@pytest.mark.parametrize(
    ("seconds", "phrase"),
    [
        (299.6, "5 minutes"),
        (60.0, "1 minute"),
        (59.2, "1 minute"),
        (29.9, "30 seconds"),
        (28.4, "30 seconds"),
        (12.0, "12 seconds"),
        (0.3, "1 second"),
    ],
)
def test_time_left_is_stored_and_said_as_it_really_is(seconds: float, phrase: str) -> None:
    warning = TimeWarning.at(seconds)
    kind, text, payload = to_row(warning)
    # The seconds travel in the payload; the text is only what the transcript shows.
    assert from_row(kind, "not a number", payload) == warning
    assert time_left_phrase(warning.seconds_left) == phrase
    assert text == f"{phrase} left in your interview"


NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)


def _warning_text(stored: float, seconds_to_deadline: float = 600) -> tuple[str, str]:
    session = SessionRef(
        id=1,
        team_id="T1",
        user_id="U1",
        api_app_id=None,
        channel_id="D1",
        thread_ts="1.1",
        permalink=None,
        problem=two_sum(),
        difficulty=Difficulty.EASY,
        status=SessionStatus.ACTIVE,
        started_at=NOW - timedelta(minutes=1),
        deadline_at=NOW + timedelta(seconds=seconds_to_deadline),
        time_limit_minutes=1,
        offline=True,
    )
    item = Outgoing(message_id=1, item=TimeWarning.at(stored), marker="m")
    text, blocks = render(session, item, now=NOW)
    assert_valid_message(blocks)
    return text, json.dumps(blocks)


def test_a_posted_warning_says_the_real_time_left() -> None:
    text, blocks = _warning_text(30)
    assert text == "30 seconds left in your interview"
    assert "*30 seconds left.*" in blocks
    text, blocks = _warning_text(60)
    assert text == "1 minute left in your interview"
    assert "*1 minute left.*" in blocks
    assert _warning_text(300)[0] == "5 minutes left in your interview"
    assert "*1 minute left.*" in json.dumps(build_time_warning(minutes_left=1))


def test_a_warning_posted_late_says_the_time_left_then() -> None:
    # Stored 30 seconds before the end, posted (Slack was slow) with 12 seconds left.
    text, blocks = _warning_text(30, seconds_to_deadline=12.2)
    assert text == "12 seconds left in your interview"
    assert "*12 seconds left.*" in blocks
    assert _warning_text(300, seconds_to_deadline=130)[0] == "2 minutes left in your interview"


@pytest.mark.parametrize(
    ("limit", "said"),
    [(1, "30 seconds before"), (10, "2 minutes before"), (45, "5 minutes before")],
)
def test_start_card_promises_the_warning_it_will_give(limit: int, said: str) -> None:
    card = json.dumps(
        build_start_card(
            difficulty=Difficulty.EASY, topic=None, time_limit_minutes=limit, offline=True
        )
    )
    assert f"Time limit: {limit} min" in card
    assert f"warning {said} time is up" in card


@pytest.mark.parametrize(
    ("limit", "said"), [(1, "You have 1 minute."), (45, "You have 45 minutes.")]
)
async def test_offline_opening_says_the_limit_in_good_english(limit: int, said: str) -> None:
    reply = await OfflineInterviewer().opening(
        context(minutes_left=limit, time_limit_minutes=limit)
    )
    assert said in reply.text
