"""A turn on PostgreSQL: stored without waiting for its WAL flush, so the reply's work
starts at once, then flushed before the ack by one small durable write."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from storage import repository as repo
from storage.db import Database
from storage.repository import Lease, StoredTurn
from storage.store import Claimed, LeaseHolder, NewTurn

T = TypeVar("T")


class PostgresStore:
    def __init__(self, db: Database, leases: LeaseHolder) -> None:
        self.db = db
        self.leases = leases

    async def claim(self, session_id: int, *, now: datetime) -> Claimed | None:
        # Each round trip to the server is a wait for another process: one here, not three.
        return await repo.claim_reading_transcript(
            self.db,
            session_id=session_id,
            owner=self.leases.owner,
            now=now,
            until=self.leases.lease_until(),
        )

    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None:
        common: dict[str, Any] = {
            "team_id": turn.team_id,
            "user_id": turn.user_id,
            "channel_id": turn.channel_id,
            "thread_ts": turn.thread_ts,
            "slack_ts": turn.slack_ts,
            "text": turn.text,
            "files": turn.files,
            "now": turn.now,
            "kind": turn.kind,
        }
        if turn.code or turn.finish:
            # Code rows and the move to grading need a transaction of several statements;
            # a finishing turn's grading note is queued after it, so no claim here either.
            stored = await repo.insert_turn(
                self.db, code=turn.code, finish=turn.finish, durable=False, **common
            )
        else:
            # The common turn: insert, work bump, lease and transcript in one statement,
            # committed on its own: one round trip where a transaction and a claim took six.
            lease = Lease(owner=self.leases.owner, until=self.leases.lease_until())
            stored = await repo.insert_turn_and_claim(self.db, lease=lease, **common)
        if stored is None:
            return None
        result = await then(stored)
        # What the ack confirms is on disk before the ack.
        await repo.confirm_turn(
            self.db, key=f"turn:{turn.channel_id}:{turn.slack_ts}", now=turn.now
        )
        return result
