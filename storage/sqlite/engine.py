"""SQLite's engine: one pooled connection on the one-trip driver (driver.py), in WAL mode."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage.sqlite.driver import connector


def sqlite_engine(url: str, *, echo: bool, connect_args: dict[str, Any]) -> AsyncEngine:
    """The engine for `url`. SQLite has one writer: a single pooled connection serialises
    writes in-process instead of failing with "database is locked". Its WAL with
    synchronous=NORMAL makes every commit as durable as an ack needs, so it needs no
    second, relaxed engine."""
    database = make_url(url).database or ":memory:"
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        async_creator=connector(database, **{"timeout": 30, **connect_args}),
    )
    event.listen(engine.sync_engine, "connect", _pragmas)
    return engine


def _pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets a restarted or second reader see committed work without blocking the writer.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
