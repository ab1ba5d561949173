"""Throwaway databases on the local PostgreSQL, for tests and the benchmark.

Here beside the other local stand-ins rather than in storage/, which holds only what the bot runs.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator

import asyncpg  # type: ignore[import-untyped]

DEFAULT_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"


async def postgres_available(admin_dsn: str = DEFAULT_ADMIN_DSN) -> bool:
    """True when the server answers within a few seconds."""
    try:
        conn = await asyncpg.connect(admin_dsn, timeout=3)
    except Exception:
        return False
    await conn.close()
    return True


@contextlib.asynccontextmanager
async def postgres_database(
    admin_dsn: str = DEFAULT_ADMIN_DSN, *, prefix: str = "ib_test"
) -> AsyncIterator[str]:
    """A new database (its SQLAlchemy asyncpg URL), dropped on exit."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(admin_dsn)
    await admin.execute(f'CREATE DATABASE "{name}"')
    host = admin_dsn.split("://", 1)[1].rsplit("/", 1)[0]
    try:
        yield f"postgresql+asyncpg://{host}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
