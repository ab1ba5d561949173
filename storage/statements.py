"""The statements both databases run, built once with bind parameters, and the columns of the
read models. Building and cache-keying a statement per call cost more CPU than running it,
and they run as Core (table-level) statements, so no ORM bookkeeping runs for them either.

Bind-parameter prefixes: each says which part of a statement a value belongs to, and keeps
the names apart when PostgreSQL's turn (storage/postgresql/statements.py) joins several of
these builders into one statement.
    o_  the user whose open session or problem history is read (team, user)
    s_  the session whose state (row, transcript, code) is read
    v_  the values of a candidate's message;  w_  the thread and user it must belong to
    b_  the work bump: new work for a session (its wake time)
    f_  the move to grading of a finishing turn
    p_  the interviewer's phase, moved with its reply
    m_  a posted outbox message (its ts and when)
    c_  a lease claim (owner, now, until)
    r_  a lease release (owner, seen work_seq, next wake, error)
    d_  a Slack event key, stored once
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, or_, select, update

from bot.interview.domain import Phase, Role, SessionStatus
from bot.interview.outbox import Kind, OutboxItem, to_row
from bot.interview.records import (
    CodeRow,
    MessageRow,
    NewCode,
    NewSession,
    NewTurn,
    SessionRecord,
    SessionState,
)
from storage.models import (
    OPEN_STATUSES,
    CodeSubmission,
    Interview,
    InterviewSession,
    Message,
    SlackEvent,
)

# The dialect's INSERT (sqlalchemy.dialects.sqlite.insert or .postgresql.insert): each knows
# its ON CONFLICT DO NOTHING. A store passes its own; nothing here asks which one it is.
DialectInsert = Callable[[Table], Any]

SESSIONS = cast(Table, InterviewSession.__table__)
MESSAGES = cast(Table, Message.__table__)
CODE = cast(Table, CodeSubmission.__table__)
INTERVIEWS = cast(Table, Interview.__table__)
EVENTS = cast(Table, SlackEvent.__table__)

MESSAGE_FIELDS = [f.name for f in dataclasses.fields(MessageRow)]
CODE_FIELDS = [f.name for f in dataclasses.fields(CodeRow)]


def columns(table: Table, row_type: Any) -> list[Any]:
    """`table`'s columns in the order of `row_type`'s fields."""
    return [table.c[f.name] for f in dataclasses.fields(row_type) if f.name in table.c]


def storable(text: str) -> str:
    """Text as PostgreSQL can hold it: without NUL characters (SQLite would keep them)."""
    return text.replace("\x00", "")


def rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def session_record(row: Any) -> SessionRecord:
    return SessionRecord(**row._mapping)


def insert_ignoring_conflicts(insert_for: DialectInsert, table: Table) -> Any:
    return insert_for(table).on_conflict_do_nothing()


# Work ----------------------------------------------------------------------------------------


@functools.cache
def bump_statement() -> Any:
    return (
        update(SESSIONS)
        .where(SESSIONS.c.id == bindparam("b_session_id"))
        .values(wake_at=bindparam("b_now"), work_seq=SESSIONS.c.work_seq + 1)
    )


def bump_params(session_id: int, now: datetime) -> dict[str, Any]:
    return {"b_session_id": session_id, "b_now": now}


@functools.cache
def finish_statement() -> Any:
    return (
        update(SESSIONS)
        .where(
            SESSIONS.c.id == bindparam("f_session_id"),
            SESSIONS.c.status == SessionStatus.ACTIVE.value,
        )
        .values(status=SessionStatus.GRADING.value)
    )


@functools.cache
def phase_statement() -> Any:
    return (
        update(SESSIONS)
        .where(SESSIONS.c.id == bindparam("p_session_id"))
        .values(phase=bindparam("p_phase"))
    )


# Sessions ------------------------------------------------------------------------------------


@functools.cache
def open_session_statement() -> Any:
    return select(SESSIONS).where(
        SESSIONS.c.team_id == bindparam("o_team_id"),
        SESSIONS.c.user_id == bindparam("o_user_id"),
        SESSIONS.c.status.in_(OPEN_STATUSES),
    )


@functools.cache
def problem_history_statement() -> Any:
    return (
        select(SESSIONS.c.problem_id)
        .where(
            SESSIONS.c.team_id == bindparam("o_team_id"),
            SESSIONS.c.user_id == bindparam("o_user_id"),
        )
        .order_by(SESSIONS.c.id)
    )


@functools.cache
def session_insert_statement() -> Any:
    return insert(SESSIONS).returning(SESSIONS.c.id)


def new_session_values(*, team_id: str, user_id: str, new: NewSession) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "user_id": user_id,
        "api_app_id": new.api_app_id,
        "channel_id": None,
        "thread_ts": None,
        "permalink": None,
        "problem_id": new.problem_id,
        "difficulty": new.difficulty,
        "topic": new.topic,
        "status": SessionStatus.ACTIVE.value,
        "phase": Phase.CLARIFY.value,
        "time_limit_minutes": new.time_limit_minutes,
        "started_at": new.started_at,
        "deadline_at": new.deadline_at,
        "warning_at": new.warning_at,
        "start_response_url": new.start_response_url,
        "wake_at": new.started_at,
        "work_seq": 1,
        "failed_attempts": 0,
    }


def problem_message_values(*, session_id: int, new: NewSession) -> dict[str, Any]:
    return {
        "session_id": session_id,
        "role": Role.SYSTEM.value,
        "kind": Kind.PROBLEM.value,
        "text": new.problem_text,
        "dedupe_key": Kind.PROBLEM.value,
        "files_done": True,
        "edited": False,
        "deleted": False,
        "post_attempts": 0,
        "created_at": new.started_at,
    }


@functools.cache
def state_statements() -> tuple[Any, Any, Any]:
    """The session row, its messages and its code, by session id; in the read models' field
    order."""
    session_id: Any = bindparam("s_session_id")
    return (
        select(*columns(SESSIONS, SessionState)).where(SESSIONS.c.id == session_id),
        select(*columns(MESSAGES, MessageRow))
        .where(MESSAGES.c.session_id == session_id)
        .order_by(MESSAGES.c.id),
        select(*columns(CODE, CodeRow)).where(CODE.c.session_id == session_id).order_by(CODE.c.id),
    )


# A candidate's messages ----------------------------------------------------------------------

CANDIDATE_COLUMNS = (
    "role",
    "kind",
    "text",
    "slack_ts",
    "files",
    "files_done",
    "edited",
    "deleted",
    "post_attempts",
    "created_at",
    "posted_at",
)


def candidate_values(turn: NewTurn) -> dict[str, Any]:
    return {
        "role": Role.CANDIDATE.value,
        "kind": turn.kind,
        "text": storable(turn.text),
        "slack_ts": turn.slack_ts,
        "files": turn.files or None,
        "files_done": not turn.files,
        "edited": False,
        "deleted": False,
        "post_attempts": 0,
        "created_at": turn.now,
        "posted_at": turn.now,
    }


def thread_insert(insert_for: DialectInsert) -> Any:
    """INSERT … SELECT: the message goes in only if the thread is the user's active interview."""
    source = select(
        SESSIONS.c.id,
        *(bindparam(f"v_{k}", type_=MESSAGES.c[k].type) for k in CANDIDATE_COLUMNS),
    ).where(
        SESSIONS.c.channel_id == bindparam("w_channel_id"),
        SESSIONS.c.thread_ts == bindparam("w_thread_ts"),
        SESSIONS.c.team_id == bindparam("w_team_id"),
        SESSIONS.c.user_id == bindparam("w_user_id"),
        SESSIONS.c.status == SessionStatus.ACTIVE.value,
    )
    return insert_ignoring_conflicts(insert_for, MESSAGES).from_select(
        ["session_id", *CANDIDATE_COLUMNS], source
    )


@functools.cache
def thread_insert_statement(insert_for: DialectInsert) -> Any:
    return thread_insert(insert_for).returning(MESSAGES.c.id, MESSAGES.c.session_id)


def turn_params(turn: NewTurn) -> dict[str, Any]:
    """Bind parameters of the thread insert."""
    values = candidate_values(turn)
    params = {f"v_{k}": values[k] for k in CANDIDATE_COLUMNS}
    params.update(
        w_channel_id=turn.channel_id,
        w_thread_ts=turn.thread_ts,
        w_team_id=turn.team_id,
        w_user_id=turn.user_id,
    )
    return params


def code_columns(code: NewCode) -> dict[str, Any]:
    # Whatever the candidate typed after ``` or named their file fits the columns.
    return {
        "language": storable(code.language)[:32],
        "filename": None if code.filename is None else storable(code.filename)[:255],
        "content": storable(code.content),
        "slack_file_id": None if code.slack_file_id is None else code.slack_file_id[:32],
    }


# The outbox ----------------------------------------------------------------------------------


@functools.cache
def bot_insert_statement(insert_for: DialectInsert) -> Any:
    return insert_ignoring_conflicts(insert_for, MESSAGES).returning(MESSAGES.c.id)


def bot_message_values(
    *,
    session_id: int,
    role: str,
    item: OutboxItem,
    dedupe_key: str | None,
    now: datetime,
    answers_through: int | None = None,
    post_attempts: int = 0,
) -> dict[str, Any]:
    """Column values of a new, not yet posted bot message."""
    kind, text, payload = to_row(item)
    return {
        "session_id": session_id,
        "role": role,
        "kind": kind,
        "text": storable(text),
        "payload": payload,
        "dedupe_key": dedupe_key,
        "answers_through": answers_through,
        "files_done": True,
        "edited": False,
        "deleted": False,
        "post_attempts": post_attempts,
        "created_at": now,
    }


@functools.cache
def mark_posted_statement() -> Any:
    return (
        update(MESSAGES)
        .where(MESSAGES.c.id == bindparam("m_id"))
        .values(slack_ts=bindparam("m_ts"), posted_at=bindparam("m_now"))
    )


# Leases --------------------------------------------------------------------------------------


def lease_free() -> Any:
    """The session's lease is free, expired or already ours (the claim's parameters)."""
    return or_(
        SESSIONS.c.lease_until.is_(None),
        SESSIONS.c.lease_until < bindparam("c_now"),
        SESSIONS.c.lease_owner == bindparam("c_owner"),
    )


@functools.cache
def claim_statement() -> Any:
    """Take the lease if it is free, expired or already ours; returns the session row as the
    claim leaves it."""
    return (
        update(SESSIONS)
        .where(SESSIONS.c.id == bindparam("c_session_id"), lease_free())
        .values(lease_owner=bindparam("c_owner"), lease_until=bindparam("c_until"))
        .returning(*columns(SESSIONS, SessionState))
    )


def claim_params(session_id: int, *, owner: str, now: datetime, until: datetime) -> dict[str, Any]:
    return {"c_session_id": session_id, "c_owner": owner, "c_now": now, "c_until": until}


@functools.cache
def release_statement(failed: bool, *, check_seq: bool) -> Any:
    conditions = [
        SESSIONS.c.id == bindparam("r_session_id"),
        SESSIONS.c.lease_owner == bindparam("r_owner"),
    ]
    if check_seq:
        conditions.append(SESSIONS.c.work_seq == bindparam("r_seq"))
    return (
        update(SESSIONS)
        .where(*conditions)
        .values(
            lease_owner=None,
            lease_until=None,
            wake_at=bindparam("r_wake"),
            failed_attempts=SESSIONS.c.failed_attempts + 1 if failed else 0,
            last_error=bindparam("r_error"),
        )
    )


# Slack events --------------------------------------------------------------------------------


@functools.cache
def event_insert_statement(insert_for: DialectInsert) -> Any:
    return insert_ignoring_conflicts(insert_for, EVENTS).values(
        key=bindparam("d_key", type_=EVENTS.c.key.type),
        created_at=bindparam("d_now", type_=EVENTS.c.created_at.type),
    )


def event_params(key: str, now: datetime) -> dict[str, Any]:
    return {"d_key": key[:200], "d_now": now}
