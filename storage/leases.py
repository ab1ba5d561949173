"""Session leases: one worker (of any process) runs a session at a time, and the sweep finds
the sessions whose work fell due. The claim itself is each backend's (storage/sqlite,
storage/postgresql): it is where they read the state differently."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update

from storage import statements as sql
from storage.db import Database
from storage.models import InterviewSession


async def release(
    db: Database,
    session_id: int,
    *,
    owner: str,
    seen_work_seq: int,
    next_wake_at: datetime | None,
    now: datetime,
    error: str | None,
) -> bool:
    failed = error is not None
    params = {
        "r_session_id": session_id,
        "r_owner": owner,
        "r_seq": seen_work_seq,
        "r_wake": next_wake_at,
        "r_error": (error or "")[:2000] if failed else None,
    }
    # Two statements that need not stand together: the second runs only if the first
    # matched nothing, and a lease left behind by a crash in between simply expires.
    async with db.autocommit() as conn:
        result = await conn.execute(sql.release_statement(failed, check_seq=True), params)
        if sql.rowcount(result) == 1:
            return True
        params["r_wake"] = now
        await conn.execute(sql.release_statement(failed, check_seq=False), params)
        return False


async def extend(db: Database, session_ids: Sequence[int], *, owner: str, until: datetime) -> None:
    if not session_ids:
        return
    async with db.sessions() as session:
        await session.execute(
            update(InterviewSession)
            .where(InterviewSession.id.in_(session_ids), InterviewSession.lease_owner == owner)
            .values(lease_until=until)
        )
        await session.commit()


async def drop(db: Database, *, owner: str) -> int:
    async with db.sessions() as session:
        result = await session.execute(
            update(InterviewSession)
            .where(InterviewSession.lease_owner == owner)
            .values(
                lease_owner=None,
                lease_until=None,
                wake_at=func.coalesce(InterviewSession.wake_at, InterviewSession.started_at),
            )
        )
        await session.commit()
        return sql.rowcount(result)


async def due_sessions(db: Database, *, now: datetime, limit: int) -> list[int]:
    async with db.sessions() as session:
        result = await session.execute(
            select(InterviewSession.id)
            .where(
                InterviewSession.wake_at <= now,
                or_(InterviewSession.lease_until.is_(None), InterviewSession.lease_until < now),
            )
            .order_by(InterviewSession.wake_at)
            .limit(limit)
        )
        return [int(i) for i in result.scalars().all()]
