"""PostgreSQL's own statements: a turn that inserts, bumps the work, takes the lease and
reads the transcript in one statement, and a claim that reads the transcript with it. Each
round trip to the server is a wait for another process; these make one out of several.

They are UNION ALLs of rows of one shape, decoded by column position here and nowhere else.
Bind-parameter prefixes as in storage/statements.py.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Table,
    and_,
    bindparam,
    case,
    literal_column,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy import cast as cast_
from sqlalchemy.dialects import postgresql

from bot.interview.records import CodeRow, MessageRow, SessionState, StoredTurn
from storage import statements as sql
from storage.statements import CODE, MESSAGES, SESSIONS, columns


@functools.cache
def turn_and_claim_statement() -> Any:
    """The thread insert, the work bump, the lease and the transcript, in one statement.
    Rows are (session columns as updated, the work_seq the statement's snapshot saw,
    message columns, code columns): the stored message's row carries the snapshot's
    work_seq, the transcript's and the code's rows carry NULL there.

    One statement reads one snapshot, which cannot show a message committed while it runs;
    such a message bumped work_seq, so the caller uses the transcript only when the bump
    found the snapshot's work_seq (`stored_and_claimed`).
    """
    message_columns = columns(MESSAGES, MessageRow)
    code_columns = columns(CODE, CodeRow)
    stored = sql.thread_insert(postgresql.insert).returning(*message_columns).cte("stored")
    free = sql.lease_free()
    bumped = (
        update(SESSIONS)
        .where(SESSIONS.c.id == stored.c.session_id)
        .values(
            wake_at=bindparam("b_now"),
            work_seq=SESSIONS.c.work_seq + 1,
            lease_owner=case(
                (free, bindparam("c_owner", type_=SESSIONS.c.lease_owner.type)),
                else_=SESSIONS.c.lease_owner,
            ),
            lease_until=case(
                (free, bindparam("c_until", type_=SESSIONS.c.lease_until.type)),
                else_=SESSIONS.c.lease_until,
            ),
        )
        .returning(*columns(SESSIONS, SessionState))
        .cte("bumped")
    )
    seen = (
        select(SESSIONS.c.work_seq)
        .where(SESSIONS.c.id == bumped.c.id)
        .scalar_subquery()
        .label("seen_seq")
    )
    new = select(
        bumped, seen, *[stored.c[c.name] for c in message_columns], *_nulls(code_columns)
    ).select_from(bumped.join(stored, stored.c.session_id == bumped.c.id))
    return _with_transcript(
        bumped,
        marks=[cast_(null(), SESSIONS.c.work_seq.type).label("no_seen_seq")],
        only_if=bumped.c.lease_owner == bindparam("c_owner"),
        first=new,
    )


@functools.cache
def claim_with_transcript_statement() -> Any:
    """The claim, the transcript and the code in one statement."""
    return _with_transcript(sql.claim_statement().cte("claimed"))


def _with_transcript(
    head: Any, *, marks: Sequence[Any] = (), only_if: Any = None, first: Any = None
) -> Any:
    """`head`'s session row with the transcript and the code, as one UNION ALL.

    Rows are (session columns, *marks, message columns, code columns): one per message with
    the code columns NULL, then one per code submission with the message columns NULL, read
    back by `_transcript_rows`. `only_if` limits the transcript to when it holds; `first`
    is a branch of the same shape placed before the others.
    """
    message_columns = columns(MESSAGES, MessageRow)
    code_columns = columns(CODE, CodeRow)

    def joined(table: Table) -> Any:
        on = table.c.session_id == head.c.id
        return on if only_if is None else and_(on, only_if)

    transcript = select(head, *marks, *message_columns, *_nulls(code_columns)).select_from(
        head.outerjoin(MESSAGES, joined(MESSAGES))
    )
    code = select(head, *marks, *_nulls(message_columns), *code_columns).select_from(
        head.join(CODE, joined(CODE))
    )
    branches = [transcript, code] if first is None else [first, transcript, code]
    # Ordered by message id (messages first, in order), then by code id.
    message_id_at = len(columns(SESSIONS, SessionState)) + len(marks) + 1
    return union_all(*branches).order_by(
        literal_column(str(message_id_at)).nulls_last(),
        literal_column(str(message_id_at + len(message_columns))),
    )


def _nulls(columns: list[Any]) -> list[Any]:
    """Typed NULLs standing in for `columns` in one branch of a UNION."""
    return [cast_(null(), column.type).label(f"no_{column.name}") for column in columns]


def _transcript_rows(
    rows: Sequence[Any],
) -> tuple[int, tuple[MessageRow, ...], tuple[CodeRow, ...]]:
    """Where the session columns (and marks) end, the messages and the code, from rows of a
    `_with_transcript` statement."""
    code_at = len(rows[0]) - len(sql.CODE_FIELDS)
    message_at = code_at - len(sql.MESSAGE_FIELDS)
    messages = tuple(
        MessageRow(*row[message_at:code_at]) for row in rows if row[message_at] is not None
    )
    code = tuple(CodeRow(*row[code_at:]) for row in rows if row[code_at] is not None)
    return message_at, messages, code


def claimed_state(rows: Sequence[Any]) -> SessionState | None:
    """The state read by `claim_with_transcript_statement`; None: the lease is held."""
    if not rows:
        return None
    session_end, messages, code = _transcript_rows(rows)
    return SessionState(
        *rows[0][:session_end],
        messages=messages,  # type: ignore[misc]
        code_submissions=code,
    )


def stored_and_claimed(rows: Sequence[Any], *, owner: str) -> StoredTurn | None:
    """The turn stored by `turn_and_claim_statement`, with the state read under the lease
    when the statement took it and its snapshot was current."""
    if not rows:
        return None
    marks_end, messages, code = _transcript_rows(rows)
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
    return StoredTurn(message_id, session_id, state)
