"""Rows for tests, written through the interview store like the bot writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bot.interview.records import NewSession, SessionRecord
from bot.interview.store import InterviewStore
from storage.db import Database
from storage.models import Interview
from storage.store import interview_store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@dataclass
class FixedLeases:
    """A lease holder whose leases run until a fixed time."""

    owner: str = "w"
    until: datetime = NOW + timedelta(seconds=60)

    def lease_until(self) -> datetime:
        return self.until


def store_for(
    db: Database, owner: str = "w", until: datetime = NOW + timedelta(seconds=60)
) -> InterviewStore:
    """The bot's store for `db`, taking leases as `owner` until `until`."""
    return interview_store(db, FixedLeases(owner, until))


async def try_create_session(
    db: Database,
    *,
    user_id: str = "U1",
    team_id: str = "T1",
    problem_id: str = "p1",
    now: datetime = NOW,
) -> SessionRecord | None:
    """An active session, as Start Interview creates it; None if the user has one open."""
    new = NewSession(
        problem_id=problem_id,
        difficulty="easy",
        topic=None,
        time_limit_minutes=45,
        started_at=now,
        deadline_at=now + timedelta(minutes=45),
        warning_at=now + timedelta(minutes=40),
        problem_text="P",
        api_app_id="A1",
    )
    row, created = await store_for(db).open_session(
        team_id=team_id, user_id=user_id, prepare=lambda _history: new
    )
    return row if created else None


async def make_session(
    db: Database,
    *,
    user_id: str = "U1",
    team_id: str = "T1",
    problem_id: str = "p1",
    now: datetime = NOW,
) -> SessionRecord:
    """Like try_create_session, for a user who has no open session."""
    row = await try_create_session(
        db, user_id=user_id, team_id=team_id, problem_id=problem_id, now=now
    )
    assert row is not None, "the user already has an open session"
    return row


async def seed_history(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    count: int,
    now: datetime,
    title: str = "Problem {i}",
    feedback: str = "Good work",
) -> None:
    """`count` completed interviews for one user, one a day going back from `now`."""
    rows = []
    for i in range(count):
        owner = await make_session(db, user_id=f"{user_id}-seed-{i}", team_id=team_id, now=now)
        rows.append(
            {
                "session_id": owner.id,
                "team_id": team_id,
                "user_id": user_id,
                "problem_id": "p",
                "problem_title": title.format(i=i),
                "problem_description": "desc",
                "difficulty": "medium",
                "started_at": now - timedelta(days=i, minutes=30),
                "completed_at": now - timedelta(days=i),
                "duration_seconds": 1800,
                "overall_score": i % 101,
                "communication_score": 50,
                "problem_solving_score": 60,
                "code_quality_score": 70,
                "feedback": feedback,
                "strengths": ["a"],
                "improvements": ["b"],
                "graded_by": "model",
                "status": "completed",
            }
        )
    async with db.engine.begin() as conn:
        await conn.execute(insert(Interview), rows)
