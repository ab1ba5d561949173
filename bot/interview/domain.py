"""Domain types of an interview. Nothing here knows about Slack or the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from bot.execution.entry_point import EntryPoint
from bot.interview.outbox import RunResultPost
from bot.interview.run_record import RunRecord


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class SessionStatus(StrEnum):
    ACTIVE = "active"
    GRADING = "grading"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class Phase(StrEnum):
    CLARIFY = "clarify"
    APPROACH = "approach"
    CODE = "code"
    TEST = "test"
    WRAP_UP = "wrap_up"


class Role(StrEnum):
    CANDIDATE = "candidate"
    INTERVIEWER = "interviewer"
    SYSTEM = "system"


@dataclass(frozen=True)
class Example:
    input: str
    output: str
    explanation: str | None = None


@dataclass(frozen=True)
class TestCase:
    input: str
    expected: str


@dataclass(frozen=True)
class Problem:
    id: str
    title: str
    difficulty: Difficulty
    topics: tuple[str, ...]
    statement: str
    examples: tuple[Example, ...]
    constraints: tuple[str, ...]
    hints: tuple[str, ...]
    grading_notes: tuple[str, ...]
    test_cases: tuple[TestCase, ...]
    # Expected complexity, e.g. "O(n) time, O(n) space"; used by the offline interviewer.
    optimal_complexity: str = ""
    # Questions the interviewer may ask the candidate as written; unlike grading_notes
    # (hidden) these are meant for the thread.
    probes: tuple[str, ...] = ()
    # How the tests call candidate code (the runner reads this Problem as its
    # RunnableProblem); None when the problem's code cannot be run.
    entry_point: EntryPoint | None = None


@dataclass(frozen=True)
class TranscriptEntry:
    role: Role
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CodeSnapshot:
    language: str
    filename: str | None
    content: str
    created_at: datetime | None = None


@dataclass(frozen=True)
class TurnContext:
    """Everything the interviewer may see when it speaks."""

    problem: Problem
    phase: Phase
    transcript: tuple[TranscriptEntry, ...]
    latest_code: CodeSnapshot | None
    code_submissions: int
    minutes_left: int
    time_limit_minutes: int
    # Candidate messages not answered yet, oldest first (a subset of the transcript's tail).
    pending: tuple[TranscriptEntry, ...] = ()
    # True when a code submission arrived since the interviewer last spoke.
    new_code: bool = False
    # The latest run of the latest code (None: it has not run); derived from the code's own
    # output, so it is data to quote, never instructions.
    latest_run: RunResultPost | None = None
    # Tests passed / total of the final and the best submission that reached its tests.
    runs: RunRecord = field(default_factory=RunRecord)


@dataclass(frozen=True)
class InterviewerReply:
    text: str
    phase: Phase


@dataclass(frozen=True)
class Grade:
    overall: int
    communication: int
    problem_solving: int
    code_quality: int
    summary: str
    strengths: tuple[str, ...]
    improvements: tuple[str, ...]
    # "model", "fallback" (model output unusable) or "offline".
    graded_by: str = "model"


# Called with the attempt number (1-based) before each retry of a model call, so the
# caller can tell the candidate the interviewer is retrying.
RetryNotice = Callable[[int], Awaitable[None]]


class InterviewerUnavailable(Exception):
    """The model could not answer after all retries; the turn stays pending."""


class Interviewer(Protocol):
    """The AI interviewer: the model-backed one or the offline rule-based one."""

    offline: bool

    async def opening(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply: ...

    async def reply(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply: ...

    async def grade(self, ctx: TurnContext, *, on_retry: RetryNotice | None = None) -> Grade:
        """Never raises for bad model output: falls back to the heuristic rubric."""
        ...

    async def aclose(self) -> None:
        """Let go of connections (on shutdown)."""
        ...


# What the Slack surfaces show; built by the service from storage rows.


@dataclass(frozen=True)
class InterviewSummary:
    id: int
    problem_title: str
    difficulty: Difficulty
    completed_at: datetime
    duration_seconds: int
    overall: int
    communication: int
    problem_solving: int
    code_quality: int
    # Tests passed / total of the final submission and of the best one; None: nothing ran.
    tests_passed: int | None = None
    tests_total: int | None = None
    best_tests_passed: int | None = None
    best_tests_total: int | None = None

    def best_tests_label(self) -> str | None:
        """e.g. "tests 7/7"; None when no code ran."""
        if self.best_tests_total is None:
            return None
        return f"tests {self.best_tests_passed}/{self.best_tests_total}"


@dataclass(frozen=True)
class InterviewFeedback:
    summary: InterviewSummary
    problem_description: str
    feedback: str
    strengths: tuple[str, ...]
    improvements: tuple[str, ...]
    graded_by: str


@dataclass(frozen=True)
class ProfileStats:
    completed: int
    average_overall: float | None
    best_overall: int | None
    average_communication: float | None
    average_problem_solving: float | None
    average_code_quality: float | None
    # Overall scores of the most recent interviews, oldest first (at most 10).
    recent_trend: tuple[int, ...] = ()


@dataclass(frozen=True)
class ActiveInterview:
    session_id: int
    problem_title: str
    difficulty: Difficulty
    deadline_at: datetime
    channel_id: str
    thread_ts: str | None
    permalink: str | None


# Finished interviews shown per page of the Home tab.
HOME_PAGE_SIZE = 20


@dataclass(frozen=True)
class HomePage:
    """One page of the Home tab."""

    user_id: str
    profile: ProfileStats
    interviews: tuple[InterviewSummary, ...]
    page: int
    has_more: bool
    active: ActiveInterview | None = None
    offline_interviewer: bool = False
    time_limit_minutes: int = 45
    topics: tuple[str, ...] = field(default_factory=tuple)
