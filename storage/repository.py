"""Every database read and write of the bot. Keyword-only async functions, one unit of work each."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    literal_column,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.interview.domain import Phase, Role, SessionStatus
from bot.interview.outbox import CompletionDm, Kind, OutboxItem, Scorecard, to_row
from storage.db import Database
from storage.models import (
    OPEN_STATUSES,
    CodeRow,
    CodeSubmission,
    Interview,
    InterviewSession,
    Message,
    MessageRow,
    SessionState,
    SlackEvent,
)


def _insert_ignoring_conflicts(db: Database, model: Any) -> Any:
    """INSERT … ON CONFLICT DO NOTHING for the database in use."""
    return _insert_ignoring_conflicts_for(_dialect(db), model)


def _insert_ignoring_conflicts_for(dialect_name: str, model: Any) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    return dialect.insert(model).on_conflict_do_nothing()


# The statements of every turn, built once with bind parameters: building and cache-keying a
# statement per call cost more CPU than running it. Executed as Core (table-level)
# statements, so no ORM bookkeeping runs for them either.
_SESSIONS = cast(Table, InterviewSession.__table__)
_MESSAGES = cast(Table, Message.__table__)
_CODE = cast(Table, CodeSubmission.__table__)


@functools.cache
def _bump_statement() -> Any:
    return (
        update(_SESSIONS)
        .where(_SESSIONS.c.id == bindparam("b_session_id"))
        .values(wake_at=bindparam("b_now"), work_seq=_SESSIONS.c.work_seq + 1)
    )


def _bump_params(session_id: int, now: datetime) -> dict[str, Any]:
    return {"b_session_id": session_id, "b_now": now}


_CANDIDATE_COLUMNS = (
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


@functools.cache
def _thread_insert_statement(dialect_name: str) -> Any:
    return _thread_insert(dialect_name).returning(_MESSAGES.c.id, _MESSAGES.c.session_id)


def _thread_insert(dialect_name: str) -> Any:
    """INSERT … SELECT: the message goes in only if the thread is the user's active interview."""
    source = select(
        _SESSIONS.c.id,
        *(bindparam(f"v_{k}", type_=_MESSAGES.c[k].type) for k in _CANDIDATE_COLUMNS),
    ).where(
        _SESSIONS.c.channel_id == bindparam("w_channel_id"),
        _SESSIONS.c.thread_ts == bindparam("w_thread_ts"),
        _SESSIONS.c.team_id == bindparam("w_team_id"),
        _SESSIONS.c.user_id == bindparam("w_user_id"),
        _SESSIONS.c.status == SessionStatus.ACTIVE.value,
    )
    return _insert_ignoring_conflicts_for(dialect_name, _MESSAGES).from_select(
        ["session_id", *_CANDIDATE_COLUMNS], source
    )


@functools.cache
def _thread_insert_claim_statement() -> Any:
    """PostgreSQL: the thread insert, the work bump, the lease and the transcript, in one
    statement. Rows are (session columns as updated, the work_seq the statement's snapshot
    saw, message columns, code columns): the stored message's row carries the snapshot's
    work_seq, the transcript's and the code's rows carry NULL there.

    One statement reads one snapshot, which cannot show a message committed while it runs;
    such a message bumped work_seq, so the caller uses the transcript only when the bump
    found the snapshot's work_seq.
    """
    message_columns = _columns(_MESSAGES, MessageRow)
    code_columns = _columns(_CODE, CodeRow)
    stored = _thread_insert("postgresql").returning(*message_columns).cte("stored")
    free = or_(
        _SESSIONS.c.lease_until.is_(None),
        _SESSIONS.c.lease_until < bindparam("c_now"),
        _SESSIONS.c.lease_owner == bindparam("c_owner"),
    )
    bumped = (
        update(_SESSIONS)
        .where(_SESSIONS.c.id == stored.c.session_id)
        .values(
            wake_at=bindparam("b_now"),
            work_seq=_SESSIONS.c.work_seq + 1,
            lease_owner=case(
                (free, bindparam("c_owner", type_=_SESSIONS.c.lease_owner.type)),
                else_=_SESSIONS.c.lease_owner,
            ),
            lease_until=case(
                (free, bindparam("c_until", type_=_SESSIONS.c.lease_until.type)),
                else_=_SESSIONS.c.lease_until,
            ),
        )
        .returning(*_columns(_SESSIONS, SessionState))
        .cte("bumped")
    )
    seen = (
        select(_SESSIONS.c.work_seq)
        .where(_SESSIONS.c.id == bumped.c.id)
        .scalar_subquery()
        .label("seen_seq")
    )
    new = select(
        bumped, seen, *[stored.c[c.name] for c in message_columns], *_nulls(code_columns)
    ).select_from(bumped.join(stored, stored.c.session_id == bumped.c.id))
    return _with_transcript(
        bumped,
        marks=[cast_(null(), _SESSIONS.c.work_seq.type).label("no_seen_seq")],
        only_if=bumped.c.lease_owner == bindparam("c_owner"),
        first=new,
    )


def _with_transcript(
    head: Any, *, marks: Sequence[Any] = (), only_if: Any = None, first: Any = None
) -> Any:
    """PostgreSQL: `head`'s session row with the transcript and the code, as one UNION ALL.

    Rows are (session columns, *marks, message columns, code columns): one per message with
    the code columns NULL, then one per code submission with the message columns NULL, read
    back by `_read_transcript_rows`. `only_if` limits the transcript to when it holds;
    `first` is a branch of the same shape placed before the others.
    """
    message_columns = _columns(_MESSAGES, MessageRow)
    code_columns = _columns(_CODE, CodeRow)

    def joined(table: Table) -> Any:
        on = table.c.session_id == head.c.id
        return on if only_if is None else and_(on, only_if)

    transcript = select(head, *marks, *message_columns, *_nulls(code_columns)).select_from(
        head.outerjoin(_MESSAGES, joined(_MESSAGES))
    )
    code = select(head, *marks, *_nulls(message_columns), *code_columns).select_from(
        head.join(_CODE, joined(_CODE))
    )
    branches = [transcript, code] if first is None else [first, transcript, code]
    # Ordered by message id (messages first, in order), then by code id.
    message_id_at = len(_columns(_SESSIONS, SessionState)) + len(marks) + 1
    return union_all(*branches).order_by(
        literal_column(str(message_id_at)).nulls_last(),
        literal_column(str(message_id_at + len(message_columns))),
    )


def _read_transcript_rows(
    rows: Sequence[Any],
) -> tuple[int, tuple[MessageRow, ...], tuple[CodeRow, ...]]:
    """Where the session columns (and marks) end, the messages and the code, from rows of a
    `_with_transcript` statement."""
    code_at = len(rows[0]) - len(_CODE_FIELDS)
    message_at = code_at - len(_MESSAGE_FIELDS)
    messages = tuple(
        MessageRow(*row[message_at:code_at]) for row in rows if row[message_at] is not None
    )
    code = tuple(CodeRow(*row[code_at:]) for row in rows if row[code_at] is not None)
    return message_at, messages, code


def _nulls(columns: list[Any]) -> list[Any]:
    """Typed NULLs standing in for `columns` in one branch of a UNION."""
    return [cast_(null(), column.type).label(f"no_{column.name}") for column in columns]


@functools.cache
def _finish_statement() -> Any:
    return (
        update(_SESSIONS)
        .where(
            _SESSIONS.c.id == bindparam("f_session_id"),
            _SESSIONS.c.status == SessionStatus.ACTIVE.value,
        )
        .values(status=SessionStatus.GRADING.value)
    )


@functools.cache
def _bot_insert_statement(dialect_name: str) -> Any:
    return _insert_ignoring_conflicts_for(dialect_name, _MESSAGES).returning(_MESSAGES.c.id)


@functools.cache
def _phase_statement() -> Any:
    return (
        update(_SESSIONS)
        .where(_SESSIONS.c.id == bindparam("p_session_id"))
        .values(phase=bindparam("p_phase"))
    )


@functools.cache
def _mark_posted_statement() -> Any:
    return (
        update(_MESSAGES)
        .where(_MESSAGES.c.id == bindparam("m_id"))
        .values(slack_ts=bindparam("m_ts"), posted_at=bindparam("m_now"))
    )


def _dialect(db: Database) -> str:
    return "sqlite" if db.is_sqlite else "postgresql"


# Sessions ----------------------------------------------------------------------------------


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


async def open_session(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    prepare: Callable[[list[str]], NewSession],
) -> tuple[InterviewSession, bool]:
    """The user's open session, or a new one made by `prepare` — in one unit of work.

    `prepare` gets the problem ids of the user's earlier sessions (oldest first) to choose
    a problem. Returns (session, created).
    """
    params = {"o_team_id": team_id, "o_user_id": user_id}
    try:
        async with db.transaction() as conn:
            existing = (await conn.execute(_open_session_statement(), params)).first()
            if existing is not None:
                return _detached_session(existing), False
            history = await conn.execute(_history_statement(), params)
            new = prepare([str(problem_id) for problem_id in history.scalars()])
            values = _new_session_values(team_id=team_id, user_id=user_id, new=new)
            session_id = (await conn.execute(_session_insert_statement(), values)).scalar_one()
            await conn.execute(
                insert(_MESSAGES),
                _problem_message_values(session_id=int(session_id), new=new),
            )
            return InterviewSession(id=int(session_id), **values), True
    except IntegrityError:
        pass  # a second click or another process won the race: show theirs
    async with db.transaction() as conn:
        winner = (await conn.execute(_open_session_statement(), params)).first()
    if winner is None:
        raise RuntimeError("session neither created nor found")
    return _detached_session(winner), False


@functools.cache
def _open_session_statement() -> Any:
    return select(_SESSIONS).where(
        _SESSIONS.c.team_id == bindparam("o_team_id"),
        _SESSIONS.c.user_id == bindparam("o_user_id"),
        _SESSIONS.c.status.in_(OPEN_STATUSES),
    )


@functools.cache
def _history_statement() -> Any:
    return (
        select(_SESSIONS.c.problem_id)
        .where(
            _SESSIONS.c.team_id == bindparam("o_team_id"),
            _SESSIONS.c.user_id == bindparam("o_user_id"),
        )
        .order_by(_SESSIONS.c.id)
    )


@functools.cache
def _session_insert_statement() -> Any:
    return insert(_SESSIONS).returning(_SESSIONS.c.id)


def _detached_session(row: Any) -> InterviewSession:
    """A session row read with Core, as the model object callers read attributes from."""
    return InterviewSession(**row._mapping)


def _new_session_values(*, team_id: str, user_id: str, new: NewSession) -> dict[str, Any]:
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


def _problem_message_values(*, session_id: int, new: NewSession) -> dict[str, Any]:
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


async def get_open_session(db: Database, *, team_id: str, user_id: str) -> InterviewSession | None:
    async with db.transaction() as conn:
        row = (
            await conn.execute(
                _open_session_statement(), {"o_team_id": team_id, "o_user_id": user_id}
            )
        ).first()
    return None if row is None else _detached_session(row)


async def get_session(db: Database, *, session_id: int) -> InterviewSession | None:
    async with db.sessions() as session:
        return await session.get(InterviewSession, session_id)


async def find_session_by_thread(
    db: Database, *, channel_id: str, thread_ts: str
) -> InterviewSession | None:
    async with db.sessions() as session:
        result = await session.execute(
            select(InterviewSession).where(
                InterviewSession.channel_id == channel_id,
                InterviewSession.thread_ts == thread_ts,
            )
        )
        return result.scalars().first()


@functools.cache
def _state_statements() -> tuple[Any, Any, Any]:
    """The session row, its messages and its code, by session id; in the read models' field
    order."""
    session_id: Any = bindparam("s_session_id")
    return (
        select(*_columns(_SESSIONS, SessionState)).where(_SESSIONS.c.id == session_id),
        select(*_columns(_MESSAGES, MessageRow))
        .where(_MESSAGES.c.session_id == session_id)
        .order_by(_MESSAGES.c.id),
        select(*_columns(_CODE, CodeRow))
        .where(_CODE.c.session_id == session_id)
        .order_by(_CODE.c.id),
    )


_MESSAGE_FIELDS = [f.name for f in dataclasses.fields(MessageRow)]
_CODE_FIELDS = [f.name for f in dataclasses.fields(CodeRow)]


def _columns(table: Table, row_type: Any) -> list[Any]:
    return [table.c[f.name] for f in dataclasses.fields(row_type) if f.name in table.c]


async def _read_state(conn: AsyncConnection, session_row: Any) -> SessionState:
    _, messages_query, code_query = _state_statements()
    params = {"s_session_id": session_row[0]}
    messages = tuple(MessageRow(*row) for row in await conn.execute(messages_query, params))
    code = tuple(CodeRow(*row) for row in await conn.execute(code_query, params))
    return SessionState(**session_row._mapping, messages=messages, code_submissions=code)


async def load_session_state(db: Database, *, session_id: int) -> SessionState | None:
    """A session with its transcript and code."""
    async with db.autocommit() as conn:
        params = {"s_session_id": session_id}
        row = (await conn.execute(_state_statements()[0], params)).first()
        return None if row is None else await _read_state(conn, row)


async def transition_status(
    db: Database,
    *,
    session_id: int,
    from_statuses: Sequence[str],
    to_status: str,
    now: datetime,
    user_id: str | None = None,
) -> bool:
    """Atomically move a session between statuses; False if another actor got there first."""
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
        return _rowcount(result) == 1


# Work scheduling and leases -----------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    session_id: int
    work_seq: int


@functools.cache
def _claim_statement() -> Any:
    return (
        update(_SESSIONS)
        .where(
            _SESSIONS.c.id == bindparam("c_session_id"),
            or_(
                _SESSIONS.c.lease_until.is_(None),
                _SESSIONS.c.lease_until < bindparam("c_now"),
                _SESSIONS.c.lease_owner == bindparam("c_owner"),
            ),
        )
        .values(lease_owner=bindparam("c_owner"), lease_until=bindparam("c_until"))
        .returning(*_columns(_SESSIONS, SessionState))
    )


@functools.cache
def _claim_with_transcript_statement() -> Any:
    """PostgreSQL: the claim, the transcript and the code in one statement."""
    return _with_transcript(_claim_statement().cte("claimed"))


async def claim_reading_transcript(
    db: Database, *, session_id: int, owner: str, now: datetime, until: datetime
) -> tuple[Claim, SessionState] | None:
    """PostgreSQL: take the session's lease if it is free or expired and read its state, in
    one statement; None when another worker holds it. Parameters `c_`: the claim."""
    params = {"c_session_id": session_id, "c_owner": owner, "c_now": now, "c_until": until}
    async with db.autocommit() as conn:
        rows = (await conn.execute(_claim_with_transcript_statement(), params)).all()
    if not rows:
        return None
    session_end, messages, code = _read_transcript_rows(rows)
    state = SessionState(
        *rows[0][:session_end],
        messages=messages,  # type: ignore[misc]
        code_submissions=code,
    )
    return Claim(session_id=session_id, work_seq=state.work_seq), state


async def claim_then_read(
    db: Database, *, session_id: int, owner: str, now: datetime, until: datetime
) -> tuple[Claim, SessionState] | None:
    """Take the session's lease if it is free or expired (atomic, safe across processes),
    then read its state; None when another worker holds it."""
    params = {"c_session_id": session_id, "c_owner": owner, "c_now": now, "c_until": until}
    # The claim is atomic on its own; the reads after it see it and anything newer (each
    # statement of a READ COMMITTED transaction would read its own snapshot anyway).
    async with db.autocommit() as conn:
        # The claim returns the session row as it leaves it: no separate read of it.
        row = (await conn.execute(_claim_statement(), params)).first()
        if row is None:
            return None
        state = await _read_state(conn, row)
        return Claim(session_id=session_id, work_seq=state.work_seq), state


async def extend_leases(
    db: Database, *, session_ids: Sequence[int], owner: str, until: datetime
) -> None:
    if not session_ids:
        return
    async with db.sessions() as session:
        await session.execute(
            update(InterviewSession)
            .where(InterviewSession.id.in_(session_ids), InterviewSession.lease_owner == owner)
            .values(lease_until=until)
        )
        await session.commit()


async def drop_leases(db: Database, *, owner: str) -> int:
    """Free every lease `owner` holds and make those sessions due now."""
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
        return _rowcount(result)


async def release_session(
    db: Database,
    *,
    session_id: int,
    owner: str,
    seen_work_seq: int,
    next_wake_at: datetime | None,
    now: datetime,
    failed: bool = False,
    error: str | None = None,
) -> bool:
    """Drop the lease and set when to look again.

    Returns False when new work arrived since `seen_work_seq`; then the session is left due now.
    """
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
        result = await conn.execute(_release_statement(failed, check_seq=True), params)
        if _rowcount(result) == 1:
            return True
        params["r_wake"] = now
        await conn.execute(_release_statement(failed, check_seq=False), params)
        return False


@functools.cache
def _release_statement(failed: bool, *, check_seq: bool) -> Any:
    conditions = [
        _SESSIONS.c.id == bindparam("r_session_id"),
        _SESSIONS.c.lease_owner == bindparam("r_owner"),
    ]
    if check_seq:
        conditions.append(_SESSIONS.c.work_seq == bindparam("r_seq"))
    return (
        update(_SESSIONS)
        .where(*conditions)
        .values(
            lease_owner=None,
            lease_until=None,
            wake_at=bindparam("r_wake"),
            failed_attempts=_SESSIONS.c.failed_attempts + 1 if failed else 0,
            last_error=bindparam("r_error"),
        )
    )


async def due_session_ids(db: Database, *, now: datetime, limit: int = 200) -> list[int]:
    """Sessions with work due and no live lease, oldest first."""
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


# Messages and code ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCode:
    language: str
    filename: str | None
    content: str
    slack_file_id: str | None = None


def storable(text: str) -> str:
    """Text as PostgreSQL can hold it: without NUL characters (SQLite would keep them)."""
    return text.replace("\x00", "")


def _code_columns(code: NewCode) -> dict[str, Any]:
    # Whatever the candidate typed after ``` or named their file fits the columns.
    return {
        "language": storable(code.language)[:32],
        "filename": None if code.filename is None else storable(code.filename)[:255],
        "content": storable(code.content),
        "slack_file_id": None if code.slack_file_id is None else code.slack_file_id[:32],
    }


async def record_candidate_message(
    db: Database,
    *,
    session_id: int,
    slack_ts: str,
    text: str,
    files: list[dict[str, Any]] | None,
    code: Sequence[NewCode],
    now: datetime,
    finish: bool,
    kind: str = Kind.CANDIDATE.value,
) -> int | None:
    """Store a candidate message (and its fenced code) once; None when it was already stored.

    With `finish`, the session moves to grading in the same transaction. `kind`: a typed
    turn, or a request to run the latest code again.
    """
    values = _candidate_values(slack_ts=slack_ts, text=text, files=files, now=now, kind=kind)
    stmt = (
        _insert_ignoring_conflicts(db, Message)
        .values(session_id=session_id, **values)
        .returning(Message.id, Message.session_id)
    )
    stored = await _store_candidate_message(db, stmt, code=code, now=now, finish=finish)
    return None if stored is None else stored[0]


def _turn_params(
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    thread_ts: str,
    slack_ts: str,
    text: str,
    files: list[dict[str, Any]] | None,
    now: datetime,
    kind: str = Kind.CANDIDATE.value,
) -> dict[str, Any]:
    """Bind parameters of the thread insert: `v_` the message's values, `w_` the thread
    and user it must belong to."""
    values = _candidate_values(slack_ts=slack_ts, text=text, files=files, now=now, kind=kind)
    params = {f"v_{k}": values[k] for k in _CANDIDATE_COLUMNS}
    params.update(
        w_channel_id=channel_id, w_thread_ts=thread_ts, w_team_id=team_id, w_user_id=user_id
    )
    return params


async def insert_turn(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    thread_ts: str,
    slack_ts: str,
    text: str,
    files: list[dict[str, Any]] | None,
    code: Sequence[NewCode],
    now: datetime,
    finish: bool,
    durable: bool | None = None,
    kind: str = Kind.CANDIDATE.value,
) -> StoredTurn | None:
    """Store the message if the thread is this user's active interview (INSERT … SELECT),
    with its code, in one transaction; None when it was not stored (not such a thread, or
    already stored). With `durable=False` the write is visible at once but may not be on
    disk yet (PostgreSQL): the caller flushes it (`confirm_turn`) before it acks."""
    params = _turn_params(
        team_id=team_id,
        user_id=user_id,
        channel_id=channel_id,
        thread_ts=thread_ts,
        slack_ts=slack_ts,
        text=text,
        files=files,
        now=now,
        kind=kind,
    )
    stored = await _store_candidate_message(
        db,
        _thread_insert_statement(_dialect(db)),
        params,
        code=code,
        now=now,
        finish=finish,
        durable=durable,
    )
    return None if stored is None else StoredTurn(*stored)


async def insert_turn_and_claim(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    thread_ts: str,
    slack_ts: str,
    text: str,
    files: list[dict[str, Any]] | None,
    now: datetime,
    lease: Lease,
    kind: str = Kind.CANDIDATE.value,
) -> StoredTurn | None:
    """PostgreSQL: store a message without code, bump the work, take the lease for
    `lease.owner` and read the transcript, as one statement committed on its own and not
    waited on for its flush (the caller flushes it with `confirm_turn` before the ack).

    Parameters: `v_`/`w_` as in `_turn_params`, `b_` the work bump, `c_` the claim."""
    params = _turn_params(
        team_id=team_id,
        user_id=user_id,
        channel_id=channel_id,
        thread_ts=thread_ts,
        slack_ts=slack_ts,
        text=text,
        files=files,
        now=now,
        kind=kind,
    )
    params.update(b_now=now, c_owner=lease.owner, c_now=now, c_until=lease.until)
    async with db.autocommit(durable=False) as conn:
        rows = (await conn.execute(_thread_insert_claim_statement(), params)).all()
    return _stored_and_claimed(rows, owner=lease.owner)


@dataclass(frozen=True)
class Lease:
    owner: str
    until: datetime


class StoredTurn(NamedTuple):
    message_id: int
    session_id: int
    # The lease taken and the state read with the message, when that was possible.
    claimed: tuple[Claim, SessionState] | None = None


def _stored_and_claimed(rows: Sequence[Any], *, owner: str) -> StoredTurn | None:
    if not rows:
        return None
    marks_end, messages, code = _read_transcript_rows(rows)
    seen_at = marks_end - 1
    # The stored message's row is the one carrying the snapshot's work_seq.
    new = next(row for row in rows if row[seen_at] is not None)
    message_id, session_id = int(new[marks_end]), int(new[marks_end + 1])
    session = SessionState(*new[:seen_at])
    if session.lease_owner != owner or session.work_seq != new[seen_at] + 1:
        # Held by another worker, or something else bumped the work since this statement's
        # snapshot: the transcript it read may miss a message, so the worker reads anew.
        return StoredTurn(message_id, session_id)
    state = dataclasses.replace(session, messages=messages, code_submissions=code)
    return StoredTurn(message_id, session_id, (Claim(session_id, state.work_seq), state))


def _candidate_values(
    *,
    slack_ts: str,
    text: str,
    files: list[dict[str, Any]] | None,
    now: datetime,
    kind: str = Kind.CANDIDATE.value,
) -> dict[str, Any]:
    return {
        "role": Role.CANDIDATE.value,
        "kind": kind,
        "text": storable(text),
        "slack_ts": slack_ts,
        "files": files or None,
        "files_done": not files,
        "edited": False,
        "deleted": False,
        "post_attempts": 0,
        "created_at": now,
        "posted_at": now,
    }


async def _store_candidate_message(
    db: Database,
    insert_stmt: Any,
    params: dict[str, Any] | None = None,
    *,
    code: Sequence[NewCode],
    now: datetime,
    finish: bool,
    durable: bool | None = None,
) -> tuple[int, int] | None:
    async with db.transaction(durable=durable) as conn:
        row = (await conn.execute(insert_stmt, params)).first()
        if row is None:
            await conn.rollback()
            return None
        message_id, session_id = int(row[0]), int(row[1])
        if code:
            await conn.execute(
                insert(_CODE),
                [
                    {
                        "session_id": session_id,
                        "message_id": message_id,
                        "ordinal": ordinal,
                        **_code_columns(item),
                        "created_at": now,
                    }
                    for ordinal, item in enumerate(code)
                ],
            )
        if finish:
            await conn.execute(_finish_statement(), {"f_session_id": session_id})
        await conn.execute(_bump_statement(), _bump_params(session_id, now))
        return message_id, session_id


async def add_code_from_file(
    db: Database, *, session_id: int, message_id: int, ordinal: int, code: NewCode, now: datetime
) -> bool:
    async with db.sessions() as session:
        stmt = _insert_ignoring_conflicts(db, CodeSubmission).values(
            session_id=session_id,
            message_id=message_id,
            ordinal=ordinal,
            **_code_columns(code),
            created_at=now,
        )
        result = await session.execute(stmt)
        await session.commit()
        return _rowcount(result) == 1


async def mark_files_done(db: Database, *, message_id: int) -> None:
    async with db.sessions() as session:
        await session.execute(
            update(Message).where(Message.id == message_id).values(files_done=True)
        )
        await session.commit()


def _bot_message_values(
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


async def queue_bot_message(
    db: Database,
    *,
    session_id: int,
    role: str,
    item: OutboxItem,
    now: datetime,
    dedupe_key: str | None = None,
    answers_through: int | None = None,
    bump: bool = True,
    posting_now: bool = False,
    phase: str | None = None,
) -> int | None:
    """Add a bot message to the outbox; None if one with the same dedupe key exists.

    `posting_now` counts the first post attempt in the same write (the caller posts it next,
    so a crash after this looks it up before posting again); `phase` moves the interview's
    phase in the same transaction.
    """
    values = _bot_message_values(
        session_id=session_id,
        role=role,
        item=item,
        dedupe_key=dedupe_key,
        now=now,
        answers_through=answers_through,
        post_attempts=1 if posting_now else 0,
    )
    alone = not bump and phase is None
    async with db.autocommit() if alone else db.transaction() as conn:
        result = await conn.execute(_bot_insert_statement(_dialect(db)), values)
        message_id = result.scalar_one_or_none()
        if message_id is None:
            return None
        if bump:
            await conn.execute(_bump_statement(), _bump_params(session_id, now))
        if phase is not None:
            await conn.execute(_phase_statement(), {"p_session_id": session_id, "p_phase": phase})
        return int(message_id)


async def note_post_attempt(db: Database, *, message_id: int) -> None:
    async with db.sessions() as session:
        await session.execute(
            update(Message)
            .where(Message.id == message_id)
            .values(post_attempts=Message.post_attempts + 1)
        )
        await session.commit()


# The slack_ts of a bot message given up on after posting it kept failing: unique per
# message (one ts per session), never a real Slack ts, and not NULL, so it is not retried.
UNSENT_TS_PREFIX = "unsent-"


async def give_up_post(db: Database, *, message_id: int, now: datetime) -> None:
    """Stop trying to post a bot message (it stays in the transcript)."""
    async with db.autocommit() as conn:
        await conn.execute(
            update(_MESSAGES)
            .where(_MESSAGES.c.id == message_id, _MESSAGES.c.slack_ts.is_(None))
            .values(slack_ts=f"{UNSENT_TS_PREFIX}{message_id}", posted_at=now)
        )


async def clear_failures(db: Database, *, session_id: int) -> None:
    """A failing step was skipped: the next failure counts from one again."""
    async with db.autocommit() as conn:
        await conn.execute(
            update(_SESSIONS).where(_SESSIONS.c.id == session_id).values(failed_attempts=0)
        )


async def mark_posted(db: Database, *, message_id: int, slack_ts: str, now: datetime) -> None:
    async with db.autocommit() as conn:
        await conn.execute(
            _mark_posted_statement(), {"m_id": message_id, "m_ts": slack_ts, "m_now": now}
        )


async def mark_problem_posted(
    db: Database,
    *,
    session_id: int,
    message_id: int,
    channel_id: str,
    thread_ts: str,
    permalink: str | None,
    now: datetime,
) -> None:
    """Record the posted problem message and the thread it starts, in one transaction."""
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


async def edit_candidate_message(
    db: Database, *, session_id: int, slack_ts: str, text: str | None, deleted: bool
) -> bool:
    """Apply a Slack edit or delete to a stored candidate message."""
    values: dict[str, Any] = {"edited": True}
    if deleted:
        values = {"deleted": True}
    elif text is not None:
        values["text"] = storable(text)
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
        return _rowcount(result) == 1


# Completion and history ----------------------------------------------------------------------


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


async def record_completed_interview(
    db: Database,
    *,
    session_id: int,
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
        duration = max(0, int((now - row.started_at).total_seconds()))
        inserted = await session.execute(
            _insert_ignoring_conflicts(db, Interview)
            .values(
                session_id=session_id,
                team_id=row.team_id,
                user_id=row.user_id,
                problem_id=result.problem_id,
                problem_title=result.problem_title,
                problem_description=result.problem_description,
                difficulty=result.difficulty,
                started_at=row.started_at,
                completed_at=now,
                duration_seconds=duration,
                overall_score=result.overall,
                communication_score=result.communication,
                problem_solving_score=result.problem_solving,
                code_quality_score=result.code_quality,
                feedback=result.feedback,
                strengths=result.strengths,
                improvements=result.improvements,
                graded_by=result.graded_by,
                status=SessionStatus.COMPLETED.value,
                tests_passed=result.tests_passed,
                tests_total=result.tests_total,
                best_tests_passed=result.best_tests_passed,
                best_tests_total=result.best_tests_total,
            )
            .returning(Interview.id)
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
                _insert_ignoring_conflicts(db, Message).values(
                    **_bot_message_values(
                        session_id=session_id,
                        role=Role.SYSTEM.value,
                        item=item,
                        dedupe_key=item.kind.value,
                        now=now,
                    )
                )
            )
        await session.execute(_bump_statement(), _bump_params(session_id, now))
        await session.commit()
        return True


async def get_interview_for_session(db: Database, *, session_id: int) -> Interview | None:
    async with db.sessions() as session:
        result = await session.execute(select(Interview).where(Interview.session_id == session_id))
        return result.scalars().first()


async def get_interview(
    db: Database, *, interview_id: int, team_id: str, user_id: str
) -> Interview | None:
    async with db.sessions() as session:
        result = await session.execute(
            select(Interview).where(
                Interview.id == interview_id,
                Interview.team_id == team_id,
                Interview.user_id == user_id,
            )
        )
        return result.scalars().first()


def _history(team_id: str, user_id: str) -> Any:
    return and_(
        Interview.team_id == team_id,
        Interview.user_id == user_id,
        Interview.status == SessionStatus.COMPLETED.value,
    )


async def list_interviews(
    db: Database, *, team_id: str, user_id: str, offset: int, limit: int
) -> list[Interview]:
    """Newest first."""
    async with db.sessions() as session:
        stmt = (
            select(Interview)
            .where(_history(team_id, user_id))
            .order_by(Interview.completed_at.desc(), Interview.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return list((await session.execute(stmt)).scalars().all())


@dataclass(frozen=True)
class ProfileNumbers:
    completed: int
    average_overall: float | None
    best_overall: int | None
    average_communication: float | None
    average_problem_solving: float | None
    average_code_quality: float | None
    recent_overall: list[int]


async def profile_numbers(db: Database, *, team_id: str, user_id: str) -> ProfileNumbers:
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
                ).where(_history(team_id, user_id))
            )
        ).one()
        recent = (
            await session.execute(
                select(Interview.overall_score)
                .where(_history(team_id, user_id))
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


# Slack deliveries outside an interview ------------------------------------------------------


@functools.cache
def _claim_event_statement(dialect_name: str) -> Any:
    table = cast(Table, SlackEvent.__table__)
    return _insert_ignoring_conflicts_for(dialect_name, SlackEvent).values(
        key=bindparam("d_key", type_=table.c.key.type),
        created_at=bindparam("d_now", type_=table.c.created_at.type),
    )


async def confirm_turn(db: Database, *, key: str, now: datetime) -> None:
    """Put a turn stored without waiting for its flush on disk before its ack (PostgreSQL).

    PostgreSQL writes and flushes its log in order, so the flushed commit of a later write
    flushes the turn too. A commit that wrote nothing is not flushed, hence a real row: the
    Slack event key of the acked turn, forgotten after a week like the others. Only
    PostgreSQL's turn store calls it: SQLite has nothing to wait for.
    """
    async with db.autocommit(durable=True) as conn:
        await conn.execute(_claim_event_statement(_dialect(db)), {"d_key": key[:200], "d_now": now})


async def claim_slack_event(db: Database, *, key: str, now: datetime) -> bool:
    """True the first time a Slack event key is seen, False on every retry (any process)."""
    async with db.transaction() as conn:
        result = await conn.execute(
            _claim_event_statement(_dialect(db)), {"d_key": key[:200], "d_now": now}
        )
        return _rowcount(result) == 1


async def forget_slack_events(db: Database, *, older_than: datetime) -> int:
    async with db.sessions() as session:
        result = await session.execute(delete(SlackEvent).where(SlackEvent.created_at < older_than))
        await session.commit()
        return _rowcount(result)


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
