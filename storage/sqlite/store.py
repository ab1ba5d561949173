"""A turn on SQLite: one transaction on the one-trip connection (storage/sqlite_driver.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from storage import repository as repo
from storage.db import Database
from storage.repository import StoredTurn
from storage.store import Claimed, LeaseHolder, NewTurn

T = TypeVar("T")


class SqliteStore:
    def __init__(self, db: Database, leases: LeaseHolder) -> None:
        self.db = db
        self.leases = leases

    async def claim(self, session_id: int, *, now: datetime) -> Claimed | None:
        # The claim and the reads after it share the one connection's transaction.
        return await repo.claim_then_read(
            self.db,
            session_id=session_id,
            owner=self.leases.owner,
            now=now,
            until=self.leases.lease_until(),
        )

    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None:
        # WAL with synchronous=NORMAL: a commit is as durable as an ack needs once it
        # returns, so there is nothing to confirm after `then`.
        stored = await repo.insert_turn(
            self.db,
            team_id=turn.team_id,
            user_id=turn.user_id,
            channel_id=turn.channel_id,
            thread_ts=turn.thread_ts,
            slack_ts=turn.slack_ts,
            text=turn.text,
            files=turn.files,
            code=turn.code,
            now=turn.now,
            finish=turn.finish,
            kind=turn.kind,
        )
        return None if stored is None else await then(stored)
