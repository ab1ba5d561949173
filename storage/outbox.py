"""The outbox: what the bot has queued to post, and what became of each post."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from bot.interview.outbox import OutboxItem
from storage import statements as sql
from storage.db import Database
from storage.models import InterviewSession, Message

# The slack_ts of a bot message given up on after posting it kept failing: unique per
# message (one ts per session), never a real Slack ts, and not NULL, so it is not retried.
UNSENT_TS_PREFIX = "unsent-"


async def queue(
    db: Database,
    insert_for: sql.DialectInsert,
    session_id: int,
    *,
    role: str,
    item: OutboxItem,
    now: datetime,
    key: str | None,
    answers_through: int | None = None,
    new_work: bool,
    posting: bool = False,
    phase: str | None = None,
) -> int | None:
    """Add a bot message to the outbox; None if one with the same dedupe key exists.

    `new_work` bumps the session's work so its worker runs; `posting` counts the first post
    attempt in the same write; `phase` moves the interview's phase in the same transaction.
    """
    values = sql.bot_message_values(
        session_id=session_id,
        role=role,
        item=item,
        dedupe_key=key,
        now=now,
        answers_through=answers_through,
        post_attempts=1 if posting else 0,
    )
    alone = not new_work and phase is None
    async with db.autocommit() if alone else db.transaction() as conn:
        result = await conn.execute(sql.bot_insert_statement(insert_for), values)
        message_id = result.scalar_one_or_none()
        if message_id is None:
            return None
        if new_work:
            await conn.execute(sql.bump_statement(), sql.bump_params(session_id, now))
        if phase is not None:
            await conn.execute(
                sql.phase_statement(), {"p_session_id": session_id, "p_phase": phase}
            )
        return int(message_id)


async def note_post_attempt(db: Database, message_id: int) -> None:
    async with db.sessions() as session:
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(post_attempts=Message.post_attempts + 1)
        )
        await session.commit()


async def give_up_post(db: Database, message_id: int, *, now: datetime) -> None:
    async with db.autocommit() as conn:
        await conn.execute(
            update(sql.MESSAGES)
            .where(sql.MESSAGES.c.id == message_id, sql.MESSAGES.c.slack_ts.is_(None))
            .values(slack_ts=f"{UNSENT_TS_PREFIX}{message_id}", posted_at=now)
        )


async def mark_posted(db: Database, message_id: int, *, slack_ts: str, now: datetime) -> None:
    async with db.autocommit() as conn:
        await conn.execute(
            sql.mark_posted_statement(), {"m_id": message_id, "m_ts": slack_ts, "m_now": now}
        )


async def mark_problem_posted(
    db: Database,
    session_id: int,
    *,
    message_id: int,
    channel_id: str,
    thread_ts: str,
    permalink: str | None,
    now: datetime,
) -> None:
    async with db.sessions() as session:
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(slack_ts=thread_ts, posted_at=now)
        )
        await session.execute(
            update(InterviewSession)
            .where(InterviewSession.id == session_id)
            .values(
                channel_id=channel_id,
                thread_ts=thread_ts,
                permalink=permalink,
                start_response_url=None,
            )
        )
        await session.commit()


async def clear_failures(db: Database, session_id: int) -> None:
    async with db.autocommit() as conn:
        await conn.execute(
            update(sql.SESSIONS).where(sql.SESSIONS.c.id == session_id).values(failed_attempts=0)
        )
