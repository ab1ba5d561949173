"""The interview's storage port for a candidate's turn: one verb in the domain's words,
one implementation per database, each keeping its dialect's tricks to itself.

The turn is the write every ack waits on, so it is where the databases differ most:
SQLite stores it in one transaction on its one-trip connection; PostgreSQL stores, claims
and reads the transcript in one statement and flushes before the ack. Callers see
`record_turn` alone (shaped like slack_sdk's installation stores: one interface, one
module per backend).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.interview.outbox import Kind
from storage.db import Database
from storage.models import SessionState
from storage.repository import Claim, NewCode, StoredTurn

T = TypeVar("T")


@dataclass(frozen=True)
class NewTurn:
    """A candidate's message in what may be their interview's thread."""

    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str
    slack_ts: str
    text: str
    now: datetime
    files: list[dict[str, Any]] = field(default_factory=list)
    code: Sequence[NewCode] = ()
    # The message ends the interview ("done"): grading follows.
    finish: bool = False
    # The message row's kind: a typed turn, or a request to run the latest code again.
    kind: str = Kind.CANDIDATE.value


class LeaseHolder(Protocol):
    """Who takes a session's lease when storing a turn lets it (this process's worker)."""

    @property
    def owner(self) -> str: ...

    def lease_until(self) -> datetime: ...


# A session's lease with the state read under it.
Claimed = tuple[Claim, SessionState]


class InterviewStore(Protocol):
    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None:
        """Store `turn` once if its thread is the user's active interview; None if it is
        not, or was stored before. `then` runs as soon as the turn is visible to other
        work, and this returns its result once the turn is on disk (what an ack may say)."""
        ...

    async def claim(self, session_id: int, *, now: datetime) -> Claimed | None:
        """Take the session's lease for the lease holder if it is free or expired, and read
        its state; None when another worker holds it."""
        ...


def interview_store(db: Database, leases: LeaseHolder) -> InterviewStore:
    """The store for `db`'s database."""
    # Imported here: each backend module imports this one for NewTurn.
    if db.is_sqlite:
        from storage.sqlite.store import SqliteStore

        return SqliteStore(db, leases)
    from storage.postgresql.store import PostgresStore

    return PostgresStore(db, leases)
