"""The HTTP server: aiohttp with the limits that keep slow or hostile clients from starving it.

A client that sends its request a byte at a time holds a connection, and so a file
descriptor, for as long as it likes unless something cuts it off. Here:
- the headers must arrive within `header_timeout` of connecting (aiohttp's keep-alive
  timer, which also closes a connection idle between requests);
- the body must arrive within `body_timeout` (the /slack/events handler reads it under a
  deadline; aiohttp has no body timeout of its own);
- at most `max_connections` are open: past that the oldest is closed to make room, so new
  requests (Slack's, the load balancer's) always get in, and the count is fitted to the
  process's open-files limit so accept() never fails for want of descriptors.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.config import Settings

logger = logging.getLogger(__name__)

# Descriptors kept back for everything that is not an incoming connection: the database, the
# Slack and model clients, the listening socket, logs.
FD_RESERVE = 256
# After a refused or timed-out body, how long aiohttp keeps reading what is left of it.
LINGERING_SECONDS = 1.0
_ACCEPT_ERROR = "socket.accept() out of system resource"


@dataclass(frozen=True)
class ServerLimits:
    header_timeout: float = 15.0
    body_timeout: float = 10.0
    max_connections: int = 1000
    max_body_bytes: int = 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerLimits:
        return cls(
            header_timeout=settings.request_header_timeout_seconds,
            body_timeout=settings.request_body_timeout_seconds,
            max_connections=settings.max_connections,
            max_body_bytes=settings.max_request_body_bytes,
        )


class ThrottledLog:
    """One log line per `every` seconds at most, saying how many were held back meanwhile."""

    def __init__(self, log: logging.Logger, every: float = 10.0) -> None:
        self._log = log
        self._every = every
        self._last = float("-inf")
        self._held = 0

    def warning(self, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._last < self._every:
            self._held += 1
            return
        held, self._held, self._last = self._held, 0, now
        suffix = f" ({held} more like this not logged)" if held else ""
        self._log.warning(message + suffix, *args)


def connections_that_fit(wanted: int) -> int:
    """Raise the soft open-files limit towards what `wanted` connections need, and return
    how many connections fit under it with the reserve kept back."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = wanted + FD_RESERVE
    if soft != resource.RLIM_INFINITY and soft < need:
        target = need if hard == resource.RLIM_INFINITY else min(need, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
    if soft == resource.RLIM_INFINITY:
        return wanted
    fit = soft - min(FD_RESERVE, soft // 2)
    if fit < wanted:
        logger.warning(
            "open-files limit is %d: serving at most %d connections instead of %d "
            "(raise `ulimit -n` to allow more)",
            soft,
            fit,
            wanted,
        )
    return max(1, min(wanted, fit))


class ConnectionCap:
    """aiohttp's protocol factory, holding the open connections to `limit`.

    At the limit the oldest connection is closed before the new one is served: a client
    that trickles its request has held its connection longest, while Slack's requests take
    milliseconds. A request cut this way is retried by Slack and processed once.
    """

    def __init__(self, server: web.Server, limit: int) -> None:
        self._server = server
        self.limit = limit
        self.evicted = 0
        self._closing: set[int] = set()
        self._log = ThrottledLog(logger)

    def __call__(self) -> web.RequestHandler:
        connections = self._server.connections
        if len(connections) >= self.limit:
            # Handlers already told to close stay listed until their task ends.
            ids = {id(handler) for handler in connections}
            self._closing &= ids
            live = [
                h for h in connections if h.transport is not None and id(h) not in self._closing
            ]
            for handler in live[: len(live) - self.limit + 1]:
                self._closing.add(id(handler))
                handler.force_close()
                self.evicted += 1
            if len(live) >= self.limit:
                self._log.warning(
                    "%d connections open, the limit: closed the oldest (%d so far)",
                    len(live),
                    self.evicted,
                )
        return self._server()


class LimitedTCPSite(web.BaseSite):
    """web.TCPSite whose connections go through a ConnectionCap."""

    __slots__ = ("_host", "_port", "cap")

    def __init__(self, runner: web.BaseRunner, host: str, port: int, *, limit: int) -> None:
        super().__init__(runner, backlog=512)
        assert runner.server is not None  # BaseSite checked it
        self._host = host
        self._port = port
        self.cap = ConnectionCap(runner.server, limit)

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def port(self) -> int:
        server = self._server
        if isinstance(server, asyncio.Server) and server.sockets:
            return int(server.sockets[0].getsockname()[1])
        return self._port

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self.cap, self._host, self._port, backlog=self._backlog, reuse_address=True
        )


def quiet_accept_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Log asyncio's "out of descriptors" accept failures once per interval, not each time."""
    throttled = ThrottledLog(logger)
    previous = loop.get_exception_handler()

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") == _ACCEPT_ERROR:
            error = context.get("exception")
            throttled.warning("cannot accept connections: %s", error or "out of descriptors")
            return
        if previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    loop.set_exception_handler(handle)


class MalformedRequestFilter(logging.Filter):
    """aiohttp logs every request it cannot parse as an ERROR with a traceback, which any
    scanner on the internet can repeat at will: one throttled line instead, naming the kind
    of error only (its message quotes the sender's bytes)."""

    def __init__(self) -> None:
        super().__init__()
        self._throttled = ThrottledLog(logger)

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError) and 400 <= (error.code or 400) < 500:
            self._throttled.warning("refused a malformed HTTP request (%s)", type(error).__name__)
            return False
        return True


def _quiet_malformed_requests() -> None:
    server_logger = logging.getLogger("aiohttp.server")
    if not any(isinstance(f, MalformedRequestFilter) for f in server_logger.filters):
        server_logger.addFilter(MalformedRequestFilter())


async def start_web_server(
    web_app: web.Application, *, host: str, port: int, limits: ServerLimits
) -> tuple[web.AppRunner, LimitedTCPSite]:
    """Serve `web_app` on host:port with `limits`; `await runner.cleanup()` stops it."""
    quiet_accept_errors(asyncio.get_running_loop())
    _quiet_malformed_requests()
    runner = web.AppRunner(
        web_app,
        access_log=None,
        keepalive_timeout=limits.header_timeout,
        lingering_time=LINGERING_SECONDS,
        handle_signals=False,
    )
    await runner.setup()
    site = LimitedTCPSite(runner, host, port, limit=connections_that_fit(limits.max_connections))
    await site.start()
    return runner, site
