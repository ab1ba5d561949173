"""aiosqlite connections whose statements each take one trip to the connection's thread.

aiosqlite's own cursor takes four trips per statement (open the cursor, execute, fetch,
close), each a hand-off to its thread and a wake-up of the event loop. SQLAlchemy fetches
every row of a statement straight after executing it anyway, so this cursor does all four
in one trip and serves the rows from memory: per turn of an interview that is about 2 ms
less on the path from message to reply (see bench/README.md).
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any

import aiosqlite


class OneTripCursor:
    """The part of aiosqlite's cursor that SQLAlchemy's aiosqlite dialect uses."""

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self._rows: collections.deque[Any] = collections.deque()
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    def _run(self, method: str, sql: str, parameters: Any) -> None:
        # Runs on the connection's thread: the whole statement, rows included.
        cursor = self._connection.sqlite_connection.cursor()
        try:
            getattr(cursor, method)(sql, parameters)
            self.description = cursor.description
            rows = cursor.fetchall() if cursor.description else ()
            self._rows = collections.deque(rows)
            # Read after the fetch: for INSERT/UPDATE … RETURNING sqlite3 counts as it steps.
            self.rowcount = cursor.rowcount
            self.lastrowid = cursor.lastrowid
        finally:
            cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> OneTripCursor:
        await self._connection.run(self._run, "execute", sql, parameters or ())
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> OneTripCursor:
        await self._connection.run(self._run, "executemany", sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(self.arraysize if size is None else size, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    async def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    async def close(self) -> None:
        self._rows.clear()


class OneTripConnection(aiosqlite.Connection):
    """An aiosqlite connection handing out OneTripCursors."""

    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def commit(self) -> None:
        # pysqlite opens a transaction only for writes: after reads alone there is nothing
        # to commit, and no reason to wake the thread.
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().commit()

    async def rollback(self) -> None:
        if self._connection is not None and not self._connection.in_transaction:
            return
        await super().rollback()

    @property
    def sqlite_connection(self) -> sqlite3.Connection:
        return self._conn

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """Call `function(*args)` on the connection's thread."""
        run: Callable[..., Awaitable[Any]] = self._execute
        return await run(function, *args)


def connector(database: str, **kwargs: Any) -> Callable[[], Awaitable[OneTripConnection]]:
    """SQLAlchemy's `async_creator` for `database` (a path or ":memory:")."""

    async def create() -> OneTripConnection:
        connection = OneTripConnection(lambda: sqlite3.connect(database, **kwargs), 64)
        # Like SQLAlchemy does for aiosqlite: an unclosed connection must not keep the
        # interpreter alive at exit.
        connection._thread.daemon = True
        await connection
        return connection

    return create
