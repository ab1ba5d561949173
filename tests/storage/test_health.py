"""/healthz tells a load balancer the truth: a database that answers reads but refuses writes
(a read-only file, a read-only transaction default, a failover onto a replica) is unhealthy."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.runtime import BotRuntime
from bot.web_server import ServerLimits, start_web_server
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, SlackDouble
from storage.db import HEALTH_CACHE_SECONDS, Database, migrate
from storage.models import HealthCheck


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[None]:
    """`path` made unwritable for this process: chmod for a user, the immutable attribute
    for root (whom file modes do not stop)."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(0o644)
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("cannot make a file read-only here (root without chattr +i)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextlib.asynccontextmanager
async def served_health(url: str, slack: SlackDouble) -> AsyncIterator[str]:
    """The real runtime's web app on a local port; yields the /healthz URL."""
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        database_url=url,
    )
    runtime = await BotRuntime.create(settings, apply_migrations=False)
    runner, site = await start_web_server(
        runtime.web_app, host="127.0.0.1", port=0, limits=ServerLimits()
    )
    try:
        yield f"http://127.0.0.1:{site.port}/healthz"
    finally:
        await runner.cleanup()
        await runtime.close()


async def _get(url: str) -> tuple[int, dict[str, Any]]:
    async with aiohttp.ClientSession() as http, http.get(url) as resp:
        return resp.status, await resp.json()


async def test_sqlite_file_that_refuses_writes_is_unhealthy(
    tmp_path: Path, fake_slack: SlackDouble
) -> None:
    path = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    await migrate(url)
    db = Database(url)  # the bot has run on it (the file is in WAL mode)
    assert (await db.health()).ok
    await db.close()
    with read_only_file(path):
        db = Database(url)
        try:
            assert await db.ping()  # it still answers reads: a SELECT 1 alone would say ok
            health = await db.health()
        finally:
            await db.close()
        assert not health.ok and health.state == "read-only"
        async with served_health(url, fake_slack) as health_url:
            status, body = await _get(health_url)
    assert status == 503
    assert body["database"] == "read-only" and "read-only" in body["reason"]


async def test_sqlite_writable_is_healthy_and_probes_are_cached(
    tmp_path: Path, fake_slack: SlackDouble
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await migrate(url)
    async with served_health(url, fake_slack) as health_url:
        status, body = await _get(health_url)
        assert status == 200 and body == {"status": "ok", "database": "ok"}
    db = Database(url)
    try:
        results = await asyncio.gather(*(db.health() for _ in range(20)))
        assert all(r.ok for r in results)
        async with db.sessions() as session:
            first = (await session.execute(select(HealthCheck.written_at))).scalar_one()
        await db.health()  # within the cache: no second write
        async with db.sessions() as session:
            again = (await session.execute(select(HealthCheck.written_at))).scalar_one()
        assert again == first
        await asyncio.sleep(HEALTH_CACHE_SECONDS + 0.1)
        await db.health()
        async with db.sessions() as session:
            later = (await session.execute(select(HealthCheck.written_at))).scalar_one()
        assert later > first
    finally:
        await db.close()


async def _poll(url: str, want: int, seconds: float = 20.0) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while True:
        status, body = await _get(url)
        if status == want:
            return body
        assert loop.time() < deadline, (status, body)
        await asyncio.sleep(0.2)


async def test_postgresql_in_read_only_mode_is_unhealthy(
    pg_url: str, fake_slack: SlackDouble
) -> None:
    """A failover onto a server that takes no writes: default_transaction_read_only on the
    database, the old connections cut. /healthz says so, then recovers with the database."""
    await migrate(pg_url)
    name = pg_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/test")

    async def failover(read_only: bool) -> None:
        setting = "on" if read_only else "off"
        await admin.execute(
            f'ALTER DATABASE "{name}" SET default_transaction_read_only = {setting}'
        )
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )

    try:
        async with served_health(pg_url, fake_slack) as health_url:
            assert (await _get(health_url))[0] == 200
            await failover(read_only=True)
            body = await _poll(health_url, 503)
            # A cut connection may first read as unreachable; then the truth.
            if body["database"] != "read-only":
                await asyncio.sleep(HEALTH_CACHE_SECONDS + 0.1)
                body = await _poll(health_url, 503)
            assert body["database"] == "read-only", body
            assert "read-only" in body["reason"]
            await failover(read_only=False)
            assert (await _poll(health_url, 200))["database"] == "ok"
    finally:
        await admin.close()
