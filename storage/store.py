"""The interview store (bot/interview/store.py) on a SQL database: the verbs both databases
run alike, and the one place that picks the backend for a database.

Shaped like slack_sdk's installation stores: each backend (storage/sqlite/,
storage/postgresql/) subclasses SqlStore with its dialect's INSERT and its own turn and
claim, where the databases differ most; the plain queries live in storage/sessions.py,
outbox.py, leases.py, history.py and slack_events.py, and the statements they share in
storage/statements.py.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

from bot.interview.domain import Role
from bot.interview.outbox import OutboxItem
from bot.interview.records import (
    CompletedInterview,
    InterviewRecord,
    NewCode,
    NewTurn,
    PrepareSession,
    ProfileNumbers,
    SessionRecord,
    SessionState,
    StoredTurn,
)
from bot.interview.store import InterviewStore, LeaseHolder
from storage import history, leases, outbox, sessions, slack_events
from storage import statements as sql
from storage.db import Database

T = TypeVar("T")


class SqlStore(abc.ABC):
    """The verbs every SQL backend shares; a backend adds its INSERT, turn and claim."""

    def __init__(self, db: Database, leases: LeaseHolder, *, insert: sql.DialectInsert) -> None:
        self.db = db
        self.leases = leases
        # The dialect's INSERT, which knows ON CONFLICT DO NOTHING.
        self.insert = insert

    # Each backend's own (see InterviewStore for what they promise) ---------------------------

    @abc.abstractmethod
    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None: ...

    @abc.abstractmethod
    async def claim(self, session_id: int, *, now: datetime) -> SessionState | None: ...

    # Sessions ---------------------------------------------------------------------------------

    async def open_session(
        self, *, team_id: str, user_id: str, prepare: PrepareSession
    ) -> tuple[SessionRecord, bool]:
        return await sessions.open_session(
            self.db, team_id=team_id, user_id=user_id, prepare=prepare
        )

    async def open_session_of(self, *, team_id: str, user_id: str) -> SessionRecord | None:
        return await sessions.open_session_of(self.db, team_id=team_id, user_id=user_id)

    async def get_session(self, session_id: int) -> SessionRecord | None:
        return await sessions.get_session(self.db, session_id)

    async def session_in_thread(self, *, channel_id: str, thread_ts: str) -> SessionRecord | None:
        return await sessions.session_in_thread(self.db, channel_id=channel_id, thread_ts=thread_ts)

    async def load_state(self, session_id: int) -> SessionState | None:
        return await sessions.load_state(self.db, session_id)

    async def transition_status(
        self,
        session_id: int,
        *,
        from_statuses: Sequence[str],
        to_status: str,
        now: datetime,
        user_id: str | None = None,
    ) -> bool:
        return await sessions.transition_status(
            self.db,
            session_id,
            from_statuses=from_statuses,
            to_status=to_status,
            now=now,
            user_id=user_id,
        )

    # The candidate's messages -----------------------------------------------------------------

    async def record_candidate_message(self, session_id: int, turn: NewTurn) -> int | None:
        return await sessions.record_candidate_message(self.db, self.insert, session_id, turn)

    async def edit_candidate_message(
        self, session_id: int, *, slack_ts: str, text: str | None, deleted: bool
    ) -> bool:
        return await sessions.edit_candidate_message(
            self.db, session_id, slack_ts=slack_ts, text=text, deleted=deleted
        )

    async def add_code_from_file(
        self, session_id: int, *, message_id: int, ordinal: int, code: NewCode, now: datetime
    ) -> bool:
        return await sessions.add_code_from_file(
            self.db,
            self.insert,
            session_id,
            message_id=message_id,
            ordinal=ordinal,
            code=code,
            now=now,
        )

    async def mark_files_done(self, message_id: int) -> None:
        await sessions.mark_files_done(self.db, message_id)

    # The outbox -------------------------------------------------------------------------------

    async def queue_notice(
        self, session_id: int, item: OutboxItem, *, key: str, now: datetime
    ) -> int | None:
        return await outbox.queue(
            self.db,
            self.insert,
            session_id,
            role=Role.SYSTEM.value,
            item=item,
            now=now,
            key=key,
            new_work=True,
        )

    async def queue(
        self,
        session_id: int,
        *,
        role: str,
        item: OutboxItem,
        now: datetime,
        key: str | None = None,
        answers_through: int | None = None,
        phase: str | None = None,
        posting: bool = False,
    ) -> int | None:
        # Queued by the worker that is already on the session: no new work to wake it for.
        return await outbox.queue(
            self.db,
            self.insert,
            session_id,
            role=role,
            item=item,
            now=now,
            key=key,
            answers_through=answers_through,
            new_work=False,
            posting=posting,
            phase=phase,
        )

    async def queue_posting(
        self,
        session_id: int,
        *,
        role: str,
        item: OutboxItem,
        now: datetime,
        key: str | None = None,
        answers_through: int | None = None,
        phase: str | None = None,
    ) -> int | None:
        return await self.queue(
            session_id,
            role=role,
            item=item,
            now=now,
            key=key,
            answers_through=answers_through,
            phase=phase,
            posting=True,
        )

    async def note_post_attempt(self, message_id: int) -> None:
        await outbox.note_post_attempt(self.db, message_id)

    async def give_up_post(self, message_id: int, *, now: datetime) -> None:
        await outbox.give_up_post(self.db, message_id, now=now)

    async def mark_posted(self, message_id: int, *, slack_ts: str, now: datetime) -> None:
        await outbox.mark_posted(self.db, message_id, slack_ts=slack_ts, now=now)

    async def mark_problem_posted(
        self,
        session_id: int,
        *,
        message_id: int,
        channel_id: str,
        thread_ts: str,
        permalink: str | None,
        now: datetime,
    ) -> None:
        await outbox.mark_problem_posted(
            self.db,
            session_id,
            message_id=message_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            permalink=permalink,
            now=now,
        )

    async def clear_failures(self, session_id: int) -> None:
        await outbox.clear_failures(self.db, session_id)

    # Completion and history -------------------------------------------------------------------

    async def complete(self, session_id: int, *, result: CompletedInterview, now: datetime) -> bool:
        return await history.complete(self.db, self.insert, session_id, result=result, now=now)

    async def interview_of_session(self, session_id: int) -> InterviewRecord | None:
        return await history.interview_of_session(self.db, session_id)

    async def interview(
        self, interview_id: int, *, team_id: str, user_id: str
    ) -> InterviewRecord | None:
        return await history.interview(self.db, interview_id, team_id=team_id, user_id=user_id)

    async def history(
        self, *, team_id: str, user_id: str, offset: int, limit: int
    ) -> list[InterviewRecord]:
        return await history.page(
            self.db, team_id=team_id, user_id=user_id, offset=offset, limit=limit
        )

    async def profile(self, *, team_id: str, user_id: str) -> ProfileNumbers:
        return await history.profile(self.db, team_id=team_id, user_id=user_id)

    # Leases -----------------------------------------------------------------------------------

    async def release(
        self,
        session_id: int,
        *,
        seen_work_seq: int,
        next_wake_at: datetime | None,
        now: datetime,
        error: str | None = None,
    ) -> bool:
        return await leases.release(
            self.db,
            session_id,
            owner=self.leases.owner,
            seen_work_seq=seen_work_seq,
            next_wake_at=next_wake_at,
            now=now,
            error=error,
        )

    async def extend_leases(self, session_ids: Sequence[int]) -> None:
        await leases.extend(
            self.db, session_ids, owner=self.leases.owner, until=self.leases.lease_until()
        )

    async def drop_leases(self) -> int:
        return await leases.drop(self.db, owner=self.leases.owner)

    async def due_sessions(self, *, now: datetime, limit: int) -> list[int]:
        return await leases.due_sessions(self.db, now=now, limit=limit)

    # Slack events -----------------------------------------------------------------------------

    async def claim_event(self, key: str, *, now: datetime) -> bool:
        return await slack_events.claim(self.db, self.insert, key, now=now)

    async def forget_events(self, *, older_than: datetime) -> int:
        return await slack_events.forget(self.db, older_than=older_than)


def interview_store(db: Database, leases: LeaseHolder) -> InterviewStore:
    """The store for `db`'s database: the one place that asks which database it is."""
    # Imported here: each backend module imports this one for SqlStore.
    if db.is_sqlite:
        from storage.sqlite.store import SqliteStore

        return SqliteStore(db, leases)
    from storage.postgresql.store import PostgresStore

    return PostgresStore(db, leases)
