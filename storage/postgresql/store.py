"""The interview store on PostgreSQL: a turn is stored without waiting for its WAL flush, so
the reply's work starts at once, then flushed before the ack by one small durable write;
single statements commit on their own (autocommit), saving BEGIN and COMMIT round trips."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from sqlalchemy.dialects import postgresql

from bot.interview.records import NewTurn, SessionState, StoredTurn
from bot.interview.store import LeaseHolder
from storage import sessions
from storage import statements as sql
from storage.db import Database
from storage.postgresql import statements as pg
from storage.store import SqlStore

T = TypeVar("T")


class PostgresStore(SqlStore):
    def __init__(self, db: Database, leases: LeaseHolder) -> None:
        super().__init__(db, leases, insert=postgresql.insert)

    async def claim(self, session_id: int, *, now: datetime) -> SessionState | None:
        # Each round trip to the server is a wait for another process: one here, not three.
        params = sql.claim_params(
            session_id, owner=self.leases.owner, now=now, until=self.leases.lease_until()
        )
        async with self.db.autocommit() as conn:
            rows = (await conn.execute(pg.claim_with_transcript_statement(), params)).all()
        return pg.claimed_state(rows)

    async def record_turn(
        self, turn: NewTurn, *, then: Callable[[StoredTurn], Awaitable[T]]
    ) -> T | None:
        stored = await self.store_turn(turn)
        if stored is None:
            return None
        result = await then(stored)
        # What the ack confirms is on disk before the ack.
        await self.confirm_turn(turn)
        return result

    async def store_turn(self, turn: NewTurn) -> StoredTurn | None:
        """The first half of `record_turn`: the turn stored, visible, not yet flushed."""
        params = sql.turn_params(turn)
        if turn.code or turn.finish:
            # Code rows and the move to grading need a transaction of several statements;
            # a finishing turn's grading note is queued after it, so no claim here either.
            stored = await sessions.store_candidate_message(
                self.db,
                sql.thread_insert_statement(self.insert),
                params,
                turn,
                durable=False,
            )
            return None if stored is None else StoredTurn(*stored)
        # The common turn: insert, work bump, lease and transcript in one statement,
        # committed on its own: one round trip where a transaction and a claim took six.
        owner = self.leases.owner
        params.update(
            b_now=turn.now, c_owner=owner, c_now=turn.now, c_until=self.leases.lease_until()
        )
        async with self.db.autocommit(durable=False) as conn:
            rows = (await conn.execute(pg.turn_and_claim_statement(), params)).all()
        return pg.stored_and_claimed(rows, owner=owner)

    async def confirm_turn(self, turn: NewTurn) -> None:
        """The second half of `record_turn`: the turn stored by `store_turn` put on disk.

        PostgreSQL writes and flushes its log in order, so the flushed commit of a later write
        flushes the turn too. A commit that wrote nothing is not flushed, hence a real row: the
        Slack event key of the acked turn, forgotten after a week like the others.
        """
        key = f"turn:{turn.channel_id}:{turn.slack_ts}"
        async with self.db.autocommit(durable=True) as conn:
            await conn.execute(
                sql.event_insert_statement(self.insert), sql.event_params(key, turn.now)
            )
