"""The process's engines and session factories; each database's engine is tuned in its own
package (storage/sqlite/engine.py, storage/postgresql/engine.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, make_url, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
)

from storage.models import HealthCheck
from storage.postgresql.engine import postgresql_engines
from storage.sqlite.engine import sqlite_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# A pooled PostgreSQL connection idle this long is checked before it is used again.
IDLE_PING_SECONDS = 5.0
logger = logging.getLogger(__name__)


# /healthz: how long a verdict on the database holds, and how long the check may take.
HEALTH_CACHE_SECONDS = 2.0
HEALTH_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class DatabaseHealth:
    ok: bool
    state: str  # ok, unreachable, read-only, full, refuses writes, timeout
    reason: str | None = None


def _heartbeat(insert: Callable[[Table], Any]) -> Any:
    values = {"id": 1, "written_at": datetime.now(UTC)}
    table = HealthCheck.__table__
    assert isinstance(table, Table)
    statement = insert(table).values(**values)
    return statement.on_conflict_do_update(
        index_elements=[table.c.id], set_={"written_at": statement.excluded.written_at}
    )


def _write_refusal(exc: BaseException) -> str:
    message = str(exc).lower()
    if "read-only" in message or "readonly" in message or "recovery" in message:
        return "read-only"
    if "full" in message or "no space" in message or "quota" in message:
        return "full"
    if "no such table" in message or "does not exist" in message:
        return "not migrated"
    return "refuses writes"


_REASONS = {
    "unreachable": "database does not answer",
    "read-only": "database read-only: it refuses writes",
    "full": "database or disk full: it refuses writes",
    "not migrated": "database not migrated: run `interview-bot migrate`",
    "refuses writes": "database refuses writes",
}


def _unhealthy(state: str, exc: BaseException) -> DatabaseHealth:
    # The exception text stays in the log: /healthz answers anyone, and it can name hosts.
    detail = getattr(exc, "orig", None) or exc  # the driver's error, without the SQL
    logger.warning("health check: %s (%s: %s)", state, type(detail).__name__, str(detail)[:300])
    return DatabaseHealth(False, state, _REASONS[state])


# Sessions that may write at once: SQLite's one connection; on PostgreSQL a few, so
# background work cannot crowd the database while acks wait.
_WRITERS_AT_ONCE = {"sqlite": 1, "postgresql": 4}


def writers_at_once(url: str) -> int:
    return _WRITERS_AT_ONCE[make_url(url).get_backend_name()]


class Database:
    """One engine and one session factory for the process."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        connect_args: dict[str, Any] | None = None,
        ping_idle_after: float = IDLE_PING_SECONDS,
        admission: Callable[[], contextlib.AbstractAsyncContextManager[None]] | None = None,
        durable: Callable[[], bool] | None = None,
    ):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        # Each database's engines are tuned in its own package; what differs here is how
        # a unit of work without a transaction runs, and the health check's upsert.
        self.engine: AsyncEngine
        self.relaxed_engine: AsyncEngine
        self._autocommit: Callable[..., contextlib.AbstractAsyncContextManager[AsyncConnection]]
        self._heartbeat_insert: Callable[[Table], Any]
        if self.is_sqlite:
            self.engine = sqlite_engine(url, echo=echo, connect_args=dict(connect_args or {}))
            # The relaxed engine is the same one: WAL with synchronous=NORMAL already makes
            # that trade for every commit.
            self.relaxed_engine = self.engine
            # BEGIN rides on SQLite's first write: its "autocommit" is a transaction.
            self._autocommit = self.transaction
            self._heartbeat_insert = sqlite_insert
        else:
            self.engine, self.relaxed_engine = postgresql_engines(
                url,
                echo=echo,
                connect_args=dict(connect_args or {}),
                ping_idle_after=ping_idle_after,
            )
            self._autocommit = self._without_transaction
            self._heartbeat_insert = pg_insert
        # PostgreSQL: the same pools with no BEGIN/COMMIT around statements (see autocommit()).
        self._autocommit_engine = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._relaxed_autocommit_engine = self.relaxed_engine.execution_options(
            isolation_level="AUTOCOMMIT"
        )
        self._sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.engine, expire_on_commit=False
        )
        self._relaxed_sessions: async_sessionmaker[AsyncSession] = async_sessionmaker(
            self.relaxed_engine, expire_on_commit=False
        )
        # Whether the work at hand must be flushed before its commit returns; the runtime
        # says "only requests from Slack" (bot.admission.in_request).
        self.durable: Callable[[], bool] = durable or _always
        # Entered around every session and transaction; the runtime uses it to let requests
        # from Slack go ahead of background work (bot.admission.RequestPriority).
        self.admission: Callable[[], contextlib.AbstractAsyncContextManager[None]] = (
            admission or contextlib.nullcontext
        )
        self._health: tuple[float, DatabaseHealth] | None = None
        self._health_lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def transaction(self, *, durable: bool | None = None) -> AsyncIterator[AsyncConnection]:
        """A connection in a transaction, committed on success: for the hot paths' Core
        statements, which need no ORM session (and none of its per-statement work)."""
        engine = self.engine if self._durable(durable) else self.relaxed_engine
        async with self.admission(), engine.begin() as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def autocommit(self, *, durable: bool | None = None) -> AsyncIterator[AsyncConnection]:
        """A connection whose statements each commit on their own: for units of work that
        are one statement, or whose statements need not stand or fall together.

        On PostgreSQL this saves the BEGIN and COMMIT round trips (two of three for a single
        statement). On SQLite it is a transaction: there BEGIN rides on the first write.
        """
        async with self._autocommit(durable=durable) as conn:
            yield conn

    @contextlib.asynccontextmanager
    async def _without_transaction(
        self, *, durable: bool | None = None
    ) -> AsyncIterator[AsyncConnection]:
        engine = (
            self._autocommit_engine if self._durable(durable) else self._relaxed_autocommit_engine
        )
        async with self.admission(), engine.connect() as conn:
            yield conn

    def _durable(self, durable: bool | None) -> bool:
        return self.durable() if durable is None else durable

    @contextlib.asynccontextmanager
    async def sessions(self) -> AsyncIterator[AsyncSession]:
        """A new ORM session: `async with db.sessions() as session: ...`."""
        factory = self._sessions if self.durable() else self._relaxed_sessions
        async with self.admission(), factory() as session:
            yield session

    async def health(self) -> DatabaseHealth:
        """Whether the database takes a committed write, remembered for HEALTH_CACHE_SECONDS
        so a busy load balancer costs one small write every couple of seconds at most."""
        async with self._health_lock:
            now = time.monotonic()
            if self._health is not None and now - self._health[0] < HEALTH_CACHE_SECONDS:
                return self._health[1]
            health = await self._check_health()
            self._health = (time.monotonic(), health)
            return health

    async def _check_health(self) -> DatabaseHealth:
        # A committed upsert of one row, on the flushed engine: a read-only database, a
        # read-only transaction default, a replica or a full disk each refuse it. (A write
        # rolled back proves nothing on SQLite: it never reaches the file.)
        try:
            async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
                async with self.engine.connect() as conn:
                    try:
                        await conn.execute(text("SELECT 1"))
                    except Exception as exc:
                        return _unhealthy("unreachable", exc)
                    try:
                        await conn.execute(_heartbeat(self._heartbeat_insert))
                        await conn.commit()
                    except Exception as exc:
                        return _unhealthy(_write_refusal(exc), exc)
        except TimeoutError:
            return DatabaseHealth(
                False, "timeout", f"no answer within {HEALTH_TIMEOUT_SECONDS:g} s"
            )
        except Exception as exc:
            return _unhealthy("unreachable", exc)
        return DatabaseHealth(True, "ok")

    async def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def close(self) -> None:
        await self.engine.dispose()
        if self.relaxed_engine is not self.engine:
            await self.relaxed_engine.dispose()


def _always() -> bool:
    return True


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_to_head_sync(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def downgrade_sync(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


async def migrate(url: str) -> None:
    """Apply every migration (Alembic upgrade head); safe to run on every start."""
    # Alembic's env runs its own event loop for the async driver, so keep it off ours.
    await asyncio.to_thread(upgrade_to_head_sync, url)
