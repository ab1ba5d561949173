"""HTTP clients as rough as the real internet: raw sockets that trickle, stall or lie.

Each call opens its own TCP connection to 127.0.0.1 and reports what the server did with it:
the status it answered (if any), whether it closed the connection, and after how long. For
tests and the hostile run; nothing here is specific to the bot except the default path.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass


@dataclass
class Outcome:
    """What the server did with one hostile connection."""

    status: int | None  # the HTTP status it answered, None if it answered nothing
    closed: bool  # it closed (or reset) the connection
    seconds: float  # from connecting until the answer or the close (or until we gave up)
    sent: int  # bytes we managed to send
    refused: bool = False  # the connection itself failed (refused, reset before any byte)
    raw: bytes = b""

    @property
    def cut_off(self) -> bool:
        """The server ended it: an answer, a close, or a refused connection."""
        return self.status is not None or self.closed or self.refused


def request_head(
    method: str = "POST",
    path: str = "/slack/events",
    *,
    content_length: int | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
    if content_length is not None:
        lines.append(f"Content-Length: {content_length}")
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape")


def _status(data: bytes) -> int | None:
    first = data.split(b"\r\n", 1)[0].split()
    if len(first) >= 2 and first[0].startswith(b"HTTP/") and first[1].isdigit():
        return int(first[1])
    return None


async def trickle(
    port: int,
    chunks: list[bytes] | bytes,
    *,
    interval: float = 0.2,
    give_up: float = 30.0,
    host: str = "127.0.0.1",
    then_wait: bool = True,
) -> Outcome:
    """Send `chunks` one every `interval` seconds (a bytes value goes a byte at a time),
    watching for the server's answer or close; stop at that or after `give_up` seconds.
    With `then_wait`, once everything is sent keep waiting (a stalled client) until then."""
    pieces = [bytes([b]) for b in chunks] if isinstance(chunks, bytes) else list(chunks)
    started = time.monotonic()
    try:
        # A full accept backlog leaves connect() waiting on SYN retries for minutes.
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), give_up)
    except (OSError, TimeoutError):
        return Outcome(None, True, time.monotonic() - started, 0, refused=True)
    received = bytearray()
    sent = 0
    closed = False

    async def watch() -> None:
        nonlocal closed
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                received.extend(data)
                if _status(bytes(received)) is not None and b"\r\n\r\n" in received:
                    return
        closed = True

    watcher = asyncio.create_task(watch())
    try:
        for piece in pieces:
            if watcher.done() or time.monotonic() - started > give_up:
                break
            try:
                writer.write(piece)
                await asyncio.wait_for(writer.drain(), give_up)
            except OSError:
                closed = True
                break
            except TimeoutError:
                break  # the server stopped reading; that is not cutting us off
            sent += len(piece)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(watcher), interval)
        if then_wait and not watcher.done():
            remaining = give_up - (time.monotonic() - started)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(watcher), max(0.0, remaining))
    finally:
        seconds = time.monotonic() - started
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
        # abort, not close: close waits for unsent bytes a stalled server may never take.
        writer.transport.abort()
    status = _status(bytes(received))
    return Outcome(status, closed, seconds, sent, raw=bytes(received))


async def drip_body(
    port: int,
    *,
    path: str = "/slack/events",
    body_length: int = 2000,
    interval: float = 0.2,
    give_up: float = 30.0,
    headers: dict[str, str] | None = None,
) -> Outcome:
    """Complete headers at once, then the body a byte per `interval`: a slow-loris POST."""
    head = request_head(
        "POST",
        path,
        content_length=body_length,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    body = [bytes([b]) for b in b"{" + b" " * (body_length - 2) + b"}"]
    return await trickle(port, [head, *body], interval=interval, give_up=give_up)


async def stall_headers(
    port: int, *, give_up: float = 30.0, path: str = "/slack/events"
) -> Outcome:
    """Half the request line and headers, then nothing: the connection just sits there."""
    partial = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len".encode()
    return await trickle(port, [partial], interval=0.0, give_up=give_up)


async def drip_headers(port: int, *, interval: float = 0.2, give_up: float = 30.0) -> Outcome:
    """The request's headers a byte at a time, never finishing them."""
    head = request_head("GET", "/healthz", headers={"X-Padding": "p" * 4000})
    return await trickle(port, head, interval=interval, give_up=give_up)


async def send_raw(port: int, data: bytes, *, give_up: float = 10.0) -> Outcome:
    """`data` in one write (malformed request lines, bad headers…), then the answer."""
    return await trickle(port, [data], interval=0.0, give_up=give_up)


# Requests that are not HTTP a server should accept; each must get a 4xx or a close.
BAD_REQUESTS: dict[str, bytes] = {
    "garbage request line": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 hello\r\n\r\n",
    "header without colon": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
    "negative content length": request_head(content_length=-5),
    "two content lengths": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
    b"Content-Length: 30\r\n\r\n{}",
    "huge header": request_head(headers={"X-Big": "a" * 70_000}),
    "control char in header": request_head(headers={"X-Slack-Signature": "v0=\x00\x01"}),
    "bad chunked body": b"POST /slack/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
    b"\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
}
