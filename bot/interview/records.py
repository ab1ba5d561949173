"""What the interview store reads and writes, as the domain holds it: frozen records, never
ORM rows. storage/ builds them from its queries; nothing here knows about the database.

The read models' fields are their tables' columns, in the tables' order (a test keeps them
in step): the store reads them with plain Core statements, which for a transcript cost
about half of loading ORM objects (no identity map, no attribute instrumentation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.interview.outbox import Kind
from bot.interview.timing import utcnow

# Read models ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MessageRow:
    """A line of the transcript, or an outbox item still to be posted."""

    id: int
    session_id: int
    role: str
    kind: str = "text"
    text: str = ""
    slack_ts: str | None = None
    dedupe_key: str | None = None
    answers_through: int | None = None
    files: list[Any] | None = None
    files_done: bool = True
    edited: bool = False
    deleted: bool = False
    post_attempts: int = 0
    created_at: datetime = field(default_factory=utcnow)
    posted_at: datetime | None = None
    payload: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class CodeRow:
    id: int
    session_id: int
    message_id: int | None
    ordinal: int
    language: str
    filename: str | None
    content: str
    slack_file_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """An interview session as stored, without its transcript."""

    id: int
    team_id: str
    user_id: str
    api_app_id: str | None
    channel_id: str | None
    thread_ts: str | None
    permalink: str | None
    problem_id: str
    difficulty: str
    topic: str | None
    status: str
    phase: str
    time_limit_minutes: int
    started_at: datetime
    deadline_at: datetime
    warning_at: datetime
    completed_at: datetime | None
    start_response_url: str | None
    wake_at: datetime | None
    lease_owner: str | None
    lease_until: datetime | None
    work_seq: int
    failed_attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SessionState(SessionRecord):
    """A session with its transcript and code, oldest first."""

    messages: tuple[MessageRow, ...] = ()
    code_submissions: tuple[CodeRow, ...] = ()


@dataclass(frozen=True, slots=True)
class InterviewRecord:
    """The history record of a completed interview."""

    id: int
    session_id: int
    team_id: str
    user_id: str
    problem_id: str | None
    problem_title: str
    problem_description: str
    difficulty: str
    started_at: datetime
    completed_at: datetime
    duration_seconds: int
    overall_score: int
    communication_score: int
    problem_solving_score: int
    code_quality_score: int
    feedback: str
    strengths: list[Any]
    improvements: list[Any]
    graded_by: str
    status: str
    # Tests passed / total of the final submission and of the best one; None: nothing ran.
    tests_passed: int | None = None
    tests_total: int | None = None
    best_tests_passed: int | None = None
    best_tests_total: int | None = None


@dataclass(frozen=True)
class ProfileNumbers:
    completed: int
    average_overall: float | None
    best_overall: int | None
    average_communication: float | None
    average_problem_solving: float | None
    average_code_quality: float | None
    recent_overall: list[int]


# What the store is asked to write ------------------------------------------------------------


@dataclass(frozen=True)
class NewSession:
    """What a new interview starts with (the problem is already chosen)."""

    problem_id: str
    difficulty: str
    topic: str | None
    time_limit_minutes: int
    started_at: datetime
    deadline_at: datetime
    warning_at: datetime
    problem_text: str
    api_app_id: str | None = None
    start_response_url: str | None = None


# Chooses the new session's problem from the problem ids of the user's earlier sessions.
PrepareSession = Callable[[list[str]], NewSession]


@dataclass(frozen=True)
class NewCode:
    language: str
    filename: str | None
    content: str
    slack_file_id: str | None = None


@dataclass(frozen=True)
class NewTurn:
    """A candidate's message in what may be their interview's thread."""

    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str
    slack_ts: str
    text: str
    now: datetime
    files: list[dict[str, Any]] = field(default_factory=list)
    code: Sequence[NewCode] = ()
    # The message ends the interview ("done"): grading follows.
    finish: bool = False
    # The message row's kind: a typed turn, or a request to run the latest code again.
    kind: str = Kind.CANDIDATE.value


@dataclass(frozen=True)
class StoredTurn:
    message_id: int
    session_id: int
    # The session's state read under the lease taken with the message, when the store
    # could take both in the same write; None: the worker claims and reads it itself.
    claimed: SessionState | None = None


@dataclass(frozen=True)
class CompletedInterview:
    problem_id: str
    problem_title: str
    problem_description: str
    difficulty: str
    overall: int
    communication: int
    problem_solving: int
    code_quality: int
    feedback: str
    strengths: list[str]
    improvements: list[str]
    graded_by: str
    # Tests passed / total of the final submission and of the best one; None: nothing ran.
    tests_passed: int | None = None
    tests_total: int | None = None
    best_tests_passed: int | None = None
    best_tests_total: int | None = None
