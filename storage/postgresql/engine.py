"""PostgreSQL's engines: a pool whose commits wait for the WAL flush, and the same pool
settings with synchronous_commit off for work that need not wait; connections are pinged
only after sitting idle."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def postgresql_engines(
    url: str, *, echo: bool, connect_args: dict[str, Any], ping_idle_after: float
) -> tuple[AsyncEngine, AsyncEngine]:
    """(flushed, relaxed) engines for `url`.

    Background bookkeeping (outbox, leases, grades) commits on the relaxed one, without
    waiting for its WAL flush: everything it writes is redone or found again after a
    database crash (outbox, post markers, leases that expire), and skipping the flush keeps
    the flushes that acks wait on short. What an ack confirms is always flushed.
    """
    kwargs: dict[str, Any] = {
        "echo": echo,
        "connect_args": dict(connect_args),
        "pool_size": 5,
        "max_overflow": 10,
        "pool_recycle": 1800,
    }
    engine = create_async_engine(url, **kwargs)
    relaxed = dict(kwargs, connect_args=dict(kwargs["connect_args"]))
    settings = dict(relaxed["connect_args"].get("server_settings") or {})
    settings["synchronous_commit"] = "off"
    relaxed["connect_args"]["server_settings"] = settings
    relaxed_engine = create_async_engine(url, **relaxed)
    for pool_engine in (engine, relaxed_engine):
        _ping_when_idle(pool_engine, after=ping_idle_after)
    return engine, relaxed_engine


def _ping_when_idle(engine: AsyncEngine, *, after: float) -> None:
    """Check a pooled connection before use only when it has sat idle `after` seconds.

    SQLAlchemy's pool_pre_ping checks before every use: three round trips on asyncpg,
    about 0.4 ms on every transaction. A connection in steady use is known to be alive; one
    that sat idle may have been cut by a database restart or a proxy, so it is checked and,
    if dead, replaced before the work starts. A connection cut while busy fails that one
    unit of work (Slack retries the event, the sweep redoes background work), and SQLAlchemy
    then recycles the whole pool.
    """
    dialect = engine.sync_engine.dialect

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as exc:
            raise DisconnectionError("pooled connection is gone") from exc

    event.listen(engine.sync_engine.pool, "checkin", checked_in)
    event.listen(engine.sync_engine.pool, "checkout", checked_out)
