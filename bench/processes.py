"""The processes of a benchmark run: the bot under test, the baseline and the fake model.

Each runs as its own OS process on 127.0.0.1, so the bot's CPU and memory are its own and
the load generator's event loop never shares a core's time slice with the code it measures.
``python -m bench.processes model --latency 2`` runs the fake model server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil

from sandbox import postgres as fake_postgres
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ManagedProcess:
    """A child process with its log file; stopped with SIGTERM, killed if it lingers."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    port: int
    peak_rss: int = 0
    _sampler: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss(self) -> int:
        try:
            return int(psutil.Process(self.pid).memory_info().rss)
        except psutil.Error:
            return 0

    def cpu_seconds(self) -> float:
        try:
            times = psutil.Process(self.pid).cpu_times()
        except psutil.Error:
            return 0.0
        return float(times.user + times.system)

    def start_sampling(self, every: float = 0.25) -> None:
        """Track peak RSS in the background (psutil on the child's pid)."""

        async def sample() -> None:
            while self.popen.poll() is None:
                self.peak_rss = max(self.peak_rss, self.rss())
                await asyncio.sleep(every)

        self._sampler = asyncio.create_task(sample())

    def reset_peak(self) -> None:
        self.peak_rss = self.rss()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def error_lines(self) -> int:
        """Lines the process logged at ERROR or above (its log level is WARNING)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return 0
        return sum(1 for line in text.splitlines() if " ERROR " in line or "Traceback" in line)

    async def stop(self, grace: float = 15.0) -> None:
        if self._sampler is not None:
            self._sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sampler
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(self.popen.wait, grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                await asyncio.to_thread(self.popen.wait)


def _spawn(
    name: str, argv: list[str], env: dict[str, str], workdir: Path
) -> tuple[subprocess.Popen[bytes], Path]:
    log_path = workdir / f"{name}.log"
    log = log_path.open("wb")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPENAI_"))}
    base["PYTHONPATH"] = str(ROOT)
    popen = subprocess.Popen(
        argv, env={**base, **env}, cwd=workdir, stdout=log, stderr=subprocess.STDOUT
    )
    return popen, log_path


async def wait_healthy(process: ManagedProcess, within: float = 60.0) -> None:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if not process.alive():
                raise RuntimeError(f"{process.name} exited:\n{process.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with http.get(f"{process.url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{process.name} did not become healthy:\n{process.log_tail()}")


async def start_bot(
    *,
    workdir: Path,
    slack_api_url: str,
    model_base_url: str,
    database_url: str,
    sweep_seconds: float = 5.0,
    name: str = "bot",
) -> ManagedProcess:
    """`interview-bot run` in HTTP mode, against the fakes, with the given database."""
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "DATABASE_URL": database_url,
        "OPENAI_API_KEY": "sk-bench-fake-model",
        "OPENAI_BASE_URL": model_base_url,
        "INTERVIEW_MODEL": "fake-model",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "SWEEP_INTERVAL_SECONDS": str(sweep_seconds),
    }
    popen, log_path = _spawn(name, [str(BIN / "interview-bot"), "run"], env, workdir)
    process = ManagedProcess(name, popen, log_path, port)
    await wait_healthy(process)
    process.start_sampling()
    return process


async def start_baseline(
    *, workdir: Path, slack_api_url: str, model_base_url: str | None
) -> ManagedProcess:
    port = free_port()
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api_url,
        "PORT": str(port),
    }
    if model_base_url:
        env |= {"OPENAI_API_KEY": "sk-bench-fake-model", "OPENAI_BASE_URL": model_base_url}
    popen, log_path = _spawn("baseline", [sys.executable, "-m", "bench.baseline"], env, workdir)
    process = ManagedProcess("baseline", popen, log_path, port)
    await wait_healthy(process)
    process.start_sampling()
    return process


async def start_model(*, workdir: Path, latency: float) -> tuple[ManagedProcess, str]:
    """The fake model server in its own process; returns it and its base URL."""
    argv = [sys.executable, "-m", "bench.processes", "model", "--latency", str(latency)]
    popen, log_path = _spawn("model", argv, {}, workdir)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if popen.poll() is not None:
            raise RuntimeError(f"fake model exited:\n{log_path.read_text(errors='replace')}")
        for line in log_path.read_text(errors="replace").splitlines():
            if line.startswith("READY "):
                base_url = line.split()[1]
                port = int(base_url.rsplit(":", 1)[1].split("/")[0])
                return ManagedProcess("model", popen, log_path, port), base_url
        await asyncio.sleep(0.05)
    raise RuntimeError("fake model did not start")


@contextlib.asynccontextmanager
async def sqlite_database(workdir: Path) -> AsyncIterator[str]:
    path = workdir / f"bench-{uuid.uuid4().hex[:8]}.db"
    try:
        yield f"sqlite+aiosqlite:///{path}"
    finally:
        _remove_sqlite_files(path)


def _remove_sqlite_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def postgres_available() -> bool:
    return await fake_postgres.postgres_available(PG_ADMIN_DSN)


def postgres_database() -> contextlib.AbstractAsyncContextManager[str]:
    """A fresh database on the local PostgreSQL, dropped afterwards."""
    return fake_postgres.postgres_database(PG_ADMIN_DSN, prefix="ib_bench")


def scratch_dir() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="interview-bot-bench-")


async def _serve_model(latency: float) -> None:
    from sandbox.model_server import FakeModelServer

    server = FakeModelServer(latency=latency)
    # A run sends tens of thousands of requests; keeping every body would only grow.
    server.requests = Discard()
    await server.start()
    print(f"READY {server.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await server.stop()


class Discard(list[Any]):
    """A list that keeps nothing: for a fake's log of requests nobody reads in a long run."""

    def append(self, _item: object) -> None:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description="benchmark helper processes")
    sub = parser.add_subparsers(dest="what", required=True)
    model = sub.add_parser("model", help="the fake Chat Completions server")
    model.add_argument("--latency", type=float, default=2.0)
    args = parser.parse_args()
    asyncio.run(_serve_model(args.latency))


if __name__ == "__main__":
    main()
