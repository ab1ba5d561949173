"""Domain values the builder tests render."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.interview.domain import (
    ActiveInterview,
    Difficulty,
    Example,
    Grade,
    HomePage,
    InterviewSummary,
    Problem,
    ProfileStats,
)

NOW = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
THREAD_URL = "https://acme.slack.com/archives/D123/p1700000000000100"


def make_problem(**overrides: Any) -> Problem:
    values: dict[str, Any] = {
        "id": "two-sum",
        "title": "Two Sum",
        "difficulty": Difficulty.EASY,
        "topics": ("arrays", "hashing"),
        "statement": "Given an array `nums` and a **target**, return indices of two numbers.",
        "examples": (
            Example(input="nums = [2,7,11,15], target = 9", output="[0,1]", explanation="2+7"),
            Example(input="nums = [3,2,4]\ntarget = 6", output="[1,2]"),
        ),
        "constraints": ("2 <= nums.length <= 10^4", "Only one valid answer exists."),
        "hints": (),
        "grading_notes": (),
        "test_cases": (),
    }
    values.update(overrides)
    return Problem(**values)


def make_summary(number: int = 1, **overrides: Any) -> InterviewSummary:
    values: dict[str, Any] = {
        "id": number,
        "problem_title": f"Problem {number}",
        "difficulty": Difficulty.MEDIUM,
        "completed_at": NOW - timedelta(days=number),
        "duration_seconds": 1800 + number,
        "overall": 70,
        "communication": 65,
        "problem_solving": 75,
        "code_quality": 72,
    }
    values.update(overrides)
    return InterviewSummary(**values)


def make_profile(completed: int = 3) -> ProfileStats:
    if not completed:
        return ProfileStats(0, None, None, None, None, None, ())
    return ProfileStats(completed, 68.4, 91, 70.0, 66.6, 61.2, (40, 60, 75, 90))


def make_active(permalink: str | None = THREAD_URL, title: str = "Two Sum") -> ActiveInterview:
    return ActiveInterview(
        session_id=7,
        problem_title=title,
        difficulty=Difficulty.MEDIUM,
        deadline_at=NOW + timedelta(minutes=23, seconds=30),
        channel_id="D123",
        thread_ts="1700000000.000100",
        permalink=permalink,
    )


def make_home(**overrides: Any) -> HomePage:
    values: dict[str, Any] = {
        "user_id": "U1",
        "profile": make_profile(),
        "interviews": tuple(make_summary(n) for n in range(1, 4)),
        "page": 0,
        "has_more": False,
    }
    values.update(overrides)
    return HomePage(**values)


def make_grade(**overrides: Any) -> Grade:
    values: dict[str, Any] = {
        "overall": 72,
        "communication": 64,
        "problem_solving": 80,
        "code_quality": 70,
        "summary": "Solid **hash map** approach; explained trade-offs.",
        "strengths": ("Asked clarifying questions", "Clean code"),
        "improvements": ("Test edge cases such as `[]`",),
        "graded_by": "model",
    }
    values.update(overrides)
    return Grade(**values)
