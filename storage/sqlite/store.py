"""The interview store on SQLite: one writer, on the one-trip connection (driver.py); a
turn is one transaction, and the claim and the reads after it share one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.dialects import sqlite

from bot.interview.records import NewTurn, SessionState, StoredTurn
from bot.interview.store import LeaseHolder
from storage import sessions
from storage import statements as sql
from storage.db import Database
from storage.store import SqlStore

T = TypeVar("T")


class SqliteStore(SqlStore):
    def __init__(self, db: Database, leases: LeaseHolder) -> None:
        super().__init__(db, leases, insert=sqlite.insert)

    async def claim(self, session_id: int, *, now: datetime) -> SessionState | None:
        params = sql.claim_params(
            session_id, owner=self.leases.owner, now=now, until=self.leases.lease_until()
        )
        # The claim is atomic on its own; the reads after it see it and anything newer.
        async with self.db.autocommit() as conn:
            # The claim returns the session row as it leaves it: no separate read of it.
            row = (await conn.execute(sql.claim_statement(), params)).first()
            if row is None:
                return None
            return await sessions.read_state(conn, row)

    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None:
        # WAL with synchronous=NORMAL: a commit is as durable as an ack needs once it
        # returns, so there is nothing to confirm after `then`.
        stored = await sessions.store_candidate_message(
            self.db, sql.thread_insert_statement(self.insert), sql.turn_params(turn), turn
        )
        return None if stored is None else await then(StoredTurn(*stored))
