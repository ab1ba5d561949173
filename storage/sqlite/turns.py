"""A turn on SQLite: one transaction on the one-trip connection (storage/sqlite_driver.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from storage import repository as repo
from storage.db import Database
from storage.repository import StoredTurn
from storage.store import NewTurn

T = TypeVar("T")


class SqliteTurnStore:
    def __init__(self, db: Database) -> None:
        self.db = db

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
        )
        return None if stored is None else await then(stored)
