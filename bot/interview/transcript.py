"""Stored rows read as the interview's domain: a session as Slack refers to it, the turn
the interviewer answers, the queued item a message row holds, history as summaries."""

from __future__ import annotations

import math
from datetime import datetime

from bot.interview import outbox
from bot.interview.domain import (
    ActiveInterview,
    CodeSnapshot,
    Difficulty,
    Grade,
    InterviewSummary,
    Phase,
    Problem,
    Role,
    SessionStatus,
    TranscriptEntry,
    TurnContext,
)
from bot.interview.outbox import INTERVIEWER_KINDS, Kind, OutboxItem
from bot.interview.ports import SessionRef
from bot.interview.problem_bank import ProblemBank
from bot.interview.records import InterviewRecord, MessageRow, SessionRecord, SessionState
from bot.interview.run_record import record_of, run_results
from bot.interview.steps import answered_through


def problem_of(bank: ProblemBank, problem_id: str) -> Problem:
    problem = bank.get(problem_id)
    if problem is None:
        raise LookupError(f"problem {problem_id!r} is not in the problem bank")
    return problem


def session_ref(state: SessionState, problem: Problem, *, offline: bool) -> SessionRef:
    return SessionRef(
        id=state.id,
        team_id=state.team_id,
        user_id=state.user_id,
        api_app_id=state.api_app_id,
        channel_id=state.channel_id,
        thread_ts=state.thread_ts,
        permalink=state.permalink,
        problem=problem,
        difficulty=Difficulty(state.difficulty),
        status=SessionStatus(state.status),
        started_at=state.started_at,
        deadline_at=state.deadline_at,
        time_limit_minutes=state.time_limit_minutes,
        offline=offline,
    )


def active_interview(row: SessionRecord, bank: ProblemBank) -> ActiveInterview:
    problem = bank.get(row.problem_id)
    return ActiveInterview(
        session_id=row.id,
        problem_title=problem.title if problem else row.problem_id,
        difficulty=Difficulty(row.difficulty),
        deadline_at=row.deadline_at,
        channel_id=row.channel_id or "",
        thread_ts=row.thread_ts,
        permalink=row.permalink,
    )


def turn_context(state: SessionState, problem: Problem, now: datetime) -> TurnContext:
    """What the interviewer reads to speak: the transcript, the turns it has not answered
    yet, the latest code, what running it did and the time left."""
    answered = answered_through(state)
    transcript: list[TranscriptEntry] = []
    pending: list[TranscriptEntry] = []
    for m in state.messages:
        if m.deleted or m.kind == Kind.RUN_REQUEST:
            # `run` is a command answered by a run result, not something said to be answered.
            continue
        if m.role == Role.CANDIDATE:
            entry = TranscriptEntry(Role.CANDIDATE, candidate_text(m), m.created_at)
            transcript.append(entry)
            if m.id > answered:
                pending.append(entry)
        elif m.kind in INTERVIEWER_KINDS:
            transcript.append(TranscriptEntry(Role.INTERVIEWER, m.text, m.created_at))
    latest = state.code_submissions[-1] if state.code_submissions else None
    new_code = any((c.message_id or 0) > answered for c in state.code_submissions)
    minutes_left = max(0, math.ceil((state.deadline_at - now).total_seconds() / 60))
    results = run_results(state.messages)
    # Only a result about the latest code speaks for it; older code's results are history.
    latest_run = next((r for r in reversed(results) if latest and r.code_id == latest.id), None)
    return TurnContext(
        problem=problem,
        phase=Phase(state.phase),
        transcript=tuple(transcript),
        latest_code=None
        if latest is None
        else CodeSnapshot(latest.language, latest.filename, latest.content, latest.created_at),
        code_submissions=len(state.code_submissions),
        minutes_left=minutes_left,
        time_limit_minutes=state.time_limit_minutes,
        pending=tuple(pending),
        new_code=new_code,
        latest_run=latest_run,
        runs=record_of(results),
    )


def candidate_text(message: MessageRow) -> str:
    if message.files:
        names = ", ".join(str(f.get("name") or "file") for f in message.files)
        shared = f"[shared file: {names}]"
        return f"{message.text}\n{shared}".strip()
    return message.text


def item_of(message: MessageRow) -> OutboxItem:
    return outbox.from_row(message.kind, message.text, message.payload)


def summary(row: InterviewRecord) -> InterviewSummary:
    return InterviewSummary(
        id=row.id,
        problem_title=row.problem_title,
        difficulty=Difficulty(row.difficulty),
        completed_at=row.completed_at,
        duration_seconds=row.duration_seconds,
        overall=row.overall_score,
        communication=row.communication_score,
        problem_solving=row.problem_solving_score,
        code_quality=row.code_quality_score,
        tests_passed=row.tests_passed,
        tests_total=row.tests_total,
        best_tests_passed=row.best_tests_passed,
        best_tests_total=row.best_tests_total,
    )


def grade_of(row: InterviewRecord) -> Grade:
    return Grade(
        overall=row.overall_score,
        communication=row.communication_score,
        problem_solving=row.problem_solving_score,
        code_quality=row.code_quality_score,
        summary=row.feedback,
        strengths=tuple(str(s) for s in row.strengths or ()),
        improvements=tuple(str(s) for s in row.improvements or ()),
        graded_by=row.graded_by,
    )
