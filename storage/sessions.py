"""Sessions and what a candidate adds to them: queries both databases run alike. A store
passes its dialect's INSERT where a statement must ignore a conflict."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.interview.domain import Role
from bot.interview.records import (
    CodeRow,
    MessageRow,
    NewCode,
    NewTurn,
    PrepareSession,
    SessionRecord,
    SessionState,
)
from storage import statements as sql
from storage.db import Database
from storage.models import InterviewSession, Message


async def open_session(
    db: Database, *, team_id: str, user_id: str, prepare: PrepareSession
) -> tuple[SessionRecord, bool]:
    """The user's open session, or a new one made by `prepare` — in one unit of work."""
    params = {"o_team_id": team_id, "o_user_id": user_id}
    try:
        async with db.transaction() as conn:
            existing = (await conn.execute(sql.open_session_statement(), params)).first()
            if existing is not None:
                return sql.session_record(existing), False
            history = await conn.execute(sql.problem_history_statement(), params)
            new = prepare([str(problem_id) for problem_id in history.scalars()])
            values = sql.new_session_values(team_id=team_id, user_id=user_id, new=new)
            result = await conn.execute(sql.session_insert_statement(), values)
            session_id = int(result.scalar_one())
            await conn.execute(
                insert(sql.MESSAGES),
                sql.problem_message_values(session_id=session_id, new=new),
            )
            return _new_record(session_id, values), True
    except IntegrityError:
        pass  # a second click or another process won the race: show theirs
    async with db.transaction() as conn:
        winner = (await conn.execute(sql.open_session_statement(), params)).first()
    if winner is None:
        raise RuntimeError("session neither created nor found")
    return sql.session_record(winner), False


def _new_record(session_id: int, values: dict[str, Any]) -> SessionRecord:
    unset = {f.name: None for f in dataclasses.fields(SessionRecord)}
    return SessionRecord(**{**unset, **values, "id": session_id})


async def open_session_of(db: Database, *, team_id: str, user_id: str) -> SessionRecord | None:
    async with db.transaction() as conn:
        row = (
            await conn.execute(
                sql.open_session_statement(), {"o_team_id": team_id, "o_user_id": user_id}
            )
        ).first()
    return None if row is None else sql.session_record(row)


def _record_of(session: InterviewSession) -> SessionRecord:
    return SessionRecord(
        **{f.name: getattr(session, f.name) for f in dataclasses.fields(SessionRecord)}
    )


async def get_session(db: Database, session_id: int) -> SessionRecord | None:
    async with db.sessions() as session:
        row = await session.get(InterviewSession, session_id)
        return None if row is None else _record_of(row)


async def session_in_thread(
    db: Database, *, channel_id: str, thread_ts: str
) -> SessionRecord | None:
    async with db.sessions() as session:
        result = await session.execute(
            select(InterviewSession).where(
                InterviewSession.channel_id == channel_id,
                InterviewSession.thread_ts == thread_ts,
            )
        )
        row = result.scalars().first()
        return None if row is None else _record_of(row)


async def read_state(conn: AsyncConnection, session_row: Any) -> SessionState:
    """The transcript and code of the session in `session_row`, read on `conn`."""
    _, messages_query, code_query = sql.state_statements()
    params = {"s_session_id": session_row[0]}
    messages = tuple(MessageRow(*row) for row in await conn.execute(messages_query, params))
    code = tuple(CodeRow(*row) for row in await conn.execute(code_query, params))
    return SessionState(**session_row._mapping, messages=messages, code_submissions=code)


async def load_state(db: Database, session_id: int) -> SessionState | None:
    async with db.autocommit() as conn:
        params = {"s_session_id": session_id}
        row = (await conn.execute(sql.state_statements()[0], params)).first()
        return None if row is None else await read_state(conn, row)


async def transition_status(
    db: Database,
    session_id: int,
    *,
    from_statuses: Sequence[str],
    to_status: str,
    now: datetime,
    user_id: str | None = None,
) -> bool:
    conditions = [InterviewSession.id == session_id, InterviewSession.status.in_(from_statuses)]
    if user_id is not None:
        conditions.append(InterviewSession.user_id == user_id)
    async with db.sessions() as session:
        result = await session.execute(
            update(InterviewSession)
            .where(*conditions)
            .values(status=to_status, wake_at=now, work_seq=InterviewSession.work_seq + 1)
        )
        await session.commit()
        return sql.rowcount(result) == 1


async def store_candidate_message(
    db: Database,
    insert_stmt: Any,
    params: dict[str, Any] | None,
    turn: NewTurn,
    *,
    durable: bool | None = None,
) -> tuple[int, int] | None:
    """Run `insert_stmt` (returning the message's id and session id) and store the turn's
    code, finish and work bump with it, in one transaction; None if nothing was inserted.
    `durable=False`: visible at once, on disk after the caller's next flushed write."""
    async with db.transaction(durable=durable) as conn:
        row = (await conn.execute(insert_stmt, params)).first()
        if row is None:
            await conn.rollback()
            return None
        message_id, session_id = int(row[0]), int(row[1])
        if turn.code:
            await conn.execute(
                insert(sql.CODE),
                [
                    {
                        "session_id": session_id,
                        "message_id": message_id,
                        "ordinal": ordinal,
                        **sql.code_columns(item),
                        "created_at": turn.now,
                    }
                    for ordinal, item in enumerate(turn.code)
                ],
            )
        if turn.finish:
            await conn.execute(sql.finish_statement(), {"f_session_id": session_id})
        await conn.execute(sql.bump_statement(), sql.bump_params(session_id, turn.now))
        return message_id, session_id


async def record_candidate_message(
    db: Database, insert_for: sql.DialectInsert, session_id: int, turn: NewTurn
) -> int | None:
    stmt = (
        sql.insert_ignoring_conflicts(insert_for, sql.MESSAGES)
        .values(session_id=session_id, **sql.candidate_values(turn))
        .returning(sql.MESSAGES.c.id, sql.MESSAGES.c.session_id)
    )
    stored = await store_candidate_message(db, stmt, None, turn)
    return None if stored is None else stored[0]


async def edit_candidate_message(
    db: Database, session_id: int, *, slack_ts: str, text: str | None, deleted: bool
) -> bool:
    values: dict[str, Any] = {"edited": True}
    if deleted:
        values = {"deleted": True}
    elif text is not None:
        values["text"] = sql.storable(text)
    async with db.sessions() as session:
        result = await session.execute(
            update(Message)
            .where(
                Message.session_id == session_id,
                Message.slack_ts == slack_ts,
                Message.role == Role.CANDIDATE.value,
            )
            .values(**values)
        )
        await session.commit()
        return sql.rowcount(result) == 1


async def add_code_from_file(
    db: Database,
    insert_for: sql.DialectInsert,
    session_id: int,
    *,
    message_id: int,
    ordinal: int,
    code: NewCode,
    now: datetime,
) -> bool:
    async with db.sessions() as session:
        stmt = sql.insert_ignoring_conflicts(insert_for, sql.CODE).values(
            session_id=session_id,
            message_id=message_id,
            ordinal=ordinal,
            **sql.code_columns(code),
            created_at=now,
        )
        result = await session.execute(stmt)
        await session.commit()
        return sql.rowcount(result) == 1


async def mark_files_done(db: Database, message_id: int) -> None:
    async with db.sessions() as session:
        await session.execute(
            update(Message).where(Message.id == message_id).values(files_done=True)
        )
        await session.commit()
