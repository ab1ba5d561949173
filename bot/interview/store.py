"""The interview's storage port: every read and write of an interview in the domain's verbs.

Shaped like slack_sdk's installation stores: one interface here, one implementation per
database in storage/ (storage.store.interview_store picks it), each keeping its dialect's
tricks to itself. Nothing here names a table, a connection or a database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

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

T = TypeVar("T")


class LeaseHolder(Protocol):
    """Who takes a session's lease (this process's worker) and until when."""

    @property
    def owner(self) -> str: ...

    def lease_until(self) -> datetime: ...


class InterviewStore(Protocol):
    # Sessions ---------------------------------------------------------------------------------

    async def open_session(
        self, *, team_id: str, user_id: str, prepare: PrepareSession
    ) -> tuple[SessionRecord, bool]:
        """The user's open session, or a new one made by `prepare`, in one unit of work;
        (session, created). `prepare` gets the user's earlier problem ids, oldest first."""
        ...

    async def open_session_of(self, *, team_id: str, user_id: str) -> SessionRecord | None:
        """The user's active or grading session."""
        ...

    async def get_session(self, session_id: int) -> SessionRecord | None: ...

    async def session_in_thread(self, *, channel_id: str, thread_ts: str) -> SessionRecord | None:
        """The session whose interview thread this is."""
        ...

    async def load_state(self, session_id: int) -> SessionState | None:
        """A session with its transcript and code."""
        ...

    async def transition_status(
        self,
        session_id: int,
        *,
        from_statuses: Sequence[str],
        to_status: str,
        now: datetime,
        user_id: str | None = None,
    ) -> bool:
        """Move a session between statuses atomically (new work for it); False if another
        actor got there first."""
        ...

    # The candidate's messages -----------------------------------------------------------------

    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None:
        """Store `turn` once if its thread is the user's active interview; None if it is
        not, or was stored before. `then` runs as soon as the turn is visible to other
        work, and this returns its result once the turn is on disk (what an ack may say)."""
        ...

    async def record_candidate_message(self, session_id: int, turn: NewTurn) -> int | None:
        """Store a message of the session's candidate once (its code with it; a finishing
        one moves the session to grading); None when it was already stored."""
        ...

    async def edit_candidate_message(
        self, session_id: int, *, slack_ts: str, text: str | None, deleted: bool
    ) -> bool:
        """Apply a Slack edit or delete to a stored candidate message."""
        ...

    async def add_code_from_file(
        self, session_id: int, *, message_id: int, ordinal: int, code: NewCode, now: datetime
    ) -> bool:
        """Store code read from a shared file once; False if it was stored before."""
        ...

    async def mark_files_done(self, message_id: int) -> None: ...

    # The outbox -------------------------------------------------------------------------------

    async def queue_notice(
        self, session_id: int, item: OutboxItem, *, key: str, now: datetime
    ) -> int | None:
        """Queue a system notice once per key as new work for the session: its worker is
        woken for it (the service's notices, the time warning, time up). None if it was
        queued before."""
        ...

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
    ) -> int | None:
        """Queue what the session's worker says (it posts it in the same run), once per
        key; `phase` moves the interview's phase with it. None if queued before."""
        ...

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
        """Like `queue`, for an item the worker posts at once: its first post attempt is
        counted in the same write, so after a crash the item is looked for in Slack before
        it is posted again."""
        ...

    async def note_post_attempt(self, message_id: int) -> None: ...

    async def give_up_post(self, message_id: int, *, now: datetime) -> None:
        """Stop trying to post a bot message (it stays in the transcript)."""
        ...

    async def mark_posted(self, message_id: int, *, slack_ts: str, now: datetime) -> None: ...

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
        """Record the posted problem message and the thread it starts, together."""
        ...

    async def clear_failures(self, session_id: int) -> None:
        """A failing step was skipped: the next failure counts from one again."""
        ...

    # Completion and history -------------------------------------------------------------------

    async def complete(self, session_id: int, *, result: CompletedInterview, now: datetime) -> bool:
        """Write the history record once, complete the session and queue the score messages,
        together; False when the session was already recorded."""
        ...

    async def interview_of_session(self, session_id: int) -> InterviewRecord | None: ...

    async def interview(
        self, interview_id: int, *, team_id: str, user_id: str
    ) -> InterviewRecord | None:
        """One of the user's completed interviews."""
        ...

    async def history(
        self, *, team_id: str, user_id: str, offset: int, limit: int
    ) -> list[InterviewRecord]:
        """The user's completed interviews, newest first."""
        ...

    async def profile(self, *, team_id: str, user_id: str) -> ProfileNumbers:
        """Averages and best of the user's completed interviews, and the last ten overall
        scores (newest first)."""
        ...

    # Leases: one worker (of any process) runs a session at a time ----------------------------

    async def claim(self, session_id: int, *, now: datetime) -> SessionState | None:
        """Take the session's lease for the lease holder if it is free or expired, and read
        its state; None when another worker holds it."""
        ...

    async def release(
        self,
        session_id: int,
        *,
        seen_work_seq: int,
        next_wake_at: datetime | None,
        now: datetime,
        error: str | None = None,
    ) -> bool:
        """Drop the lease and set when to look again (`error`: the run failed). False when
        new work arrived since `seen_work_seq`: then the session is left due now."""
        ...

    async def extend_leases(self, session_ids: Sequence[int]) -> None:
        """Keep the holder's leases on these sessions alive."""
        ...

    async def drop_leases(self) -> int:
        """Free every lease the holder has and make those sessions due now."""
        ...

    async def due_sessions(self, *, now: datetime, limit: int) -> list[int]:
        """Sessions with work due and no live lease, oldest first."""
        ...

    # Slack deliveries outside an interview ---------------------------------------------------

    async def claim_event(self, key: str, *, now: datetime) -> bool:
        """True the first time a Slack event key is seen, False on every retry (any
        process)."""
        ...

    async def forget_events(self, *, older_than: datetime) -> int: ...
