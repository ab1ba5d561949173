"""`interview-bot` as a user runs it: a real process, real environment variables."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp

from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, SlackDouble
from tests.fakes.slack_requests import SlackSender


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    env.pop("DATABASE_URL", None)
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _run(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(proc.communicate(), 60)
    return proc.returncode or 0, out.decode()


async def test_migrate_creates_the_tables(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    code, out = await _run(
        "migrate", env=_env(DATABASE_URL=f"sqlite+aiosqlite:///{db}"), cwd=tmp_path
    )
    assert code == 0, out
    names = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")}
    assert {"interview_sessions", "messages", "code_submissions", "interviews"} <= names


async def test_run_without_signing_secret_says_what_to_set(tmp_path: Path) -> None:
    code, out = await _run("run", env=_env(SLACK_BOT_TOKEN="xoxb-1"), cwd=tmp_path)
    assert code == 2
    assert "SLACK_SIGNING_SECRET" in out and "Missing: SLACK_SIGNING_SECRET" in out
    assert "manifest.yml" in out


async def test_run_serves_slack_and_stops_cleanly(tmp_path: Path) -> None:
    port = _free_port()
    async with SlackDouble() as slack:
        env = _env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/b.db",
            PORT=str(port),
            HOST="127.0.0.1",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        try:
            async with aiohttp.ClientSession() as http:
                for _ in range(1200):  # up to a minute: start-up is slow on a loaded machine
                    try:
                        async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientError:
                        await asyncio.sleep(0.05)
                else:
                    raise AssertionError("bot did not start")
                sender = SlackSender(f"http://127.0.0.1:{port}/slack/events", http)
                reply = await sender.command("easy")
                assert reply.status == 200 and "Start Interview" in reply.text
            proc.send_signal(signal.SIGTERM)
            out, _ = await asyncio.wait_for(proc.communicate(), 30)
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        assert proc.returncode == 0, out.decode()
        # The token never reaches the log.
        assert BOT_TOKEN not in out.decode() and SIGNING_SECRET not in out.decode()
