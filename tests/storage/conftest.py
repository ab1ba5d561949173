"""Storage test helpers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from storage.db import Database, migrate


@contextlib.asynccontextmanager
async def migrated(url: str) -> AsyncIterator[Database]:
    """The bot's Database on `url`, migrated to head, closed on exit."""
    await migrate(url)
    database = Database(url)
    try:
        yield database
    finally:
        await database.close()
