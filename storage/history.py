"""Completed interviews: the history record written once at completion, and what Home and
the scorecard read back (a user's page of history, their profile numbers, one interview)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update

from bot.interview.domain import Phase, Role, SessionStatus
from bot.interview.outbox import CompletionDm, Scorecard
from bot.interview.records import CompletedInterview, InterviewRecord, ProfileNumbers
from storage import statements as sql
from storage.db import Database
from storage.models import Interview, InterviewSession

_INTERVIEW_FIELDS = [f.name for f in dataclasses.fields(InterviewRecord)]


def _record(row: Interview) -> InterviewRecord:
    return InterviewRecord(**{name: getattr(row, name) for name in _INTERVIEW_FIELDS})


async def complete(
    db: Database,
    insert_for: sql.DialectInsert,
    session_id: int,
    *,
    result: CompletedInterview,
    now: datetime,
) -> bool:
    """Write the history record once, complete the session and queue the score messages.

    All in one transaction; False when the session was already recorded.
    """
    async with db.sessions() as session:
        row = await session.get(InterviewSession, session_id)
        if row is None or row.status != SessionStatus.GRADING.value:
            await session.rollback()
            return False
        inserted = await session.execute(
            sql.insert_ignoring_conflicts(insert_for, sql.INTERVIEWS)
            .values(**_interview_values(row, result, now))
            .returning(sql.INTERVIEWS.c.id)
        )
        if inserted.scalar_one_or_none() is None:
            await session.rollback()
            return False
        await session.execute(
            update(InterviewSession)
            .where(InterviewSession.id == session_id)
            .values(
                status=SessionStatus.COMPLETED.value,
                completed_at=now,
                phase=Phase.WRAP_UP.value,
            )
        )
        for item in (Scorecard(result.overall), CompletionDm(result.overall)):
            await session.execute(
                sql.insert_ignoring_conflicts(insert_for, sql.MESSAGES).values(
                    **sql.bot_message_values(
                        session_id=session_id,
                        role=Role.SYSTEM.value,
                        item=item,
                        dedupe_key=item.kind.value,
                        now=now,
                    )
                )
            )
        await session.execute(sql.bump_statement(), sql.bump_params(session_id, now))
        await session.commit()
        return True


def _interview_values(
    session: InterviewSession, result: CompletedInterview, now: datetime
) -> dict[str, Any]:
    """The history record of `session`, graded `result` and completed `now`."""
    return {
        "session_id": session.id,
        "team_id": session.team_id,
        "user_id": session.user_id,
        "problem_id": result.problem_id,
        "problem_title": result.problem_title,
        "problem_description": result.problem_description,
        "difficulty": result.difficulty,
        "started_at": session.started_at,
        "completed_at": now,
        "duration_seconds": max(0, int((now - session.started_at).total_seconds())),
        "overall_score": result.overall,
        "communication_score": result.communication,
        "problem_solving_score": result.problem_solving,
        "code_quality_score": result.code_quality,
        "feedback": result.feedback,
        "strengths": result.strengths,
        "improvements": result.improvements,
        "graded_by": result.graded_by,
        "status": SessionStatus.COMPLETED.value,
        "tests_passed": result.tests_passed,
        "tests_total": result.tests_total,
        "best_tests_passed": result.best_tests_passed,
        "best_tests_total": result.best_tests_total,
    }


async def interview_of_session(db: Database, session_id: int) -> InterviewRecord | None:
    async with db.sessions() as session:
        result = await session.execute(select(Interview).where(Interview.session_id == session_id))
        row = result.scalars().first()
        return None if row is None else _record(row)


async def interview(
    db: Database, interview_id: int, *, team_id: str, user_id: str
) -> InterviewRecord | None:
    async with db.sessions() as session:
        result = await session.execute(
            select(Interview).where(
                Interview.id == interview_id,
                Interview.team_id == team_id,
                Interview.user_id == user_id,
            )
        )
        row = result.scalars().first()
        return None if row is None else _record(row)


def _completed_by(team_id: str, user_id: str) -> Any:
    return and_(
        Interview.team_id == team_id,
        Interview.user_id == user_id,
        Interview.status == SessionStatus.COMPLETED.value,
    )


async def page(
    db: Database, *, team_id: str, user_id: str, offset: int, limit: int
) -> list[InterviewRecord]:
    """Newest first."""
    async with db.sessions() as session:
        stmt = (
            select(Interview)
            .where(_completed_by(team_id, user_id))
            .order_by(Interview.completed_at.desc(), Interview.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_record(row) for row in (await session.execute(stmt)).scalars().all()]


async def profile(db: Database, *, team_id: str, user_id: str) -> ProfileNumbers:
    """Aggregates computed by the database, plus the last ten overall scores (newest first)."""
    async with db.sessions() as session:
        agg = (
            await session.execute(
                select(
                    func.count(Interview.id),
                    func.avg(Interview.overall_score),
                    func.max(Interview.overall_score),
                    func.avg(Interview.communication_score),
                    func.avg(Interview.problem_solving_score),
                    func.avg(Interview.code_quality_score),
                ).where(_completed_by(team_id, user_id))
            )
        ).one()
        recent = (
            await session.execute(
                select(Interview.overall_score)
                .where(_completed_by(team_id, user_id))
                .order_by(Interview.completed_at.desc(), Interview.id.desc())
                .limit(10)
            )
        ).scalars()

        def _avg(value: Any) -> float | None:
            return None if value is None else float(value)

        return ProfileNumbers(
            completed=int(agg[0]),
            average_overall=_avg(agg[1]),
            best_overall=None if agg[2] is None else int(agg[2]),
            average_communication=_avg(agg[3]),
            average_problem_solving=_avg(agg[4]),
            average_code_quality=_avg(agg[5]),
            recent_overall=[int(s) for s in recent],
        )
