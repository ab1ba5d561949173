"""Slack deliveries handled outside an interview, each once: their keys, kept for a week."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from storage import statements as sql
from storage.db import Database
from storage.models import SlackEvent


async def claim(db: Database, insert_for: sql.DialectInsert, key: str, *, now: datetime) -> bool:
    async with db.transaction() as conn:
        result = await conn.execute(
            sql.event_insert_statement(insert_for), sql.event_params(key, now)
        )
        return sql.rowcount(result) == 1


async def forget(db: Database, *, older_than: datetime) -> int:
    async with db.sessions() as session:
        result = await session.execute(delete(SlackEvent).where(SlackEvent.created_at < older_than))
        await session.commit()
        return sql.rowcount(result)
