"""The benchmark's seeding writes rows the bot reads back, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from bench.scenarios import seed_history
from storage.models import Interview, InterviewSession
from tests.storage.conftest import migrated


async def test_seeded_history_is_one_completed_interview_per_session(any_db_url: str) -> None:
    async with migrated(any_db_url) as db:
        await seed_history(any_db_url, user="UHISTORY", count=5)
        async with db.sessions() as session:
            interviews = (
                (
                    await session.execute(
                        select(Interview)
                        .where(Interview.user_id == "UHISTORY")
                        .order_by(Interview.completed_at)
                    )
                )
                .scalars()
                .all()
            )
            sessions = await session.scalar(
                select(func.count())
                .select_from(InterviewSession)
                .where(InterviewSession.user_id == "UHISTORY")
            )
    assert sessions == 5
    assert [i.problem_title for i in interviews] == [f"Practice problem {n}" for n in range(1, 6)]
    assert len({i.session_id for i in interviews}) == 5
    assert all(i.status == "completed" and i.strengths for i in interviews)
