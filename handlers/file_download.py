"""Fetching a shared file's bytes from Slack's file host: whole, capped, in time, or not at all.

A file host sends its body in pieces, as slowly as it likes, and may redirect. The body is read
to its end under a byte cap and one time budget for the whole fetch; a redirect is followed
only within the origin that was given the token. Whatever goes wrong, the caller gets a
`DownloadFailed` whose message is meant for the candidate — never part of the file.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from urllib.parse import urlparse

import aiohttp
from yarl import URL

from bot.interview.code import MAX_CODE_BYTES
from bot.interview.ports import DownloadFailed

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Reads are bounded by the cap, not by this; it only sets how much is asked for at a time.
READ_PIECE_BYTES = 16 * 1024


@dataclass(frozen=True)
class DownloadLimits:
    """How much, how long and how many hops one file download may take."""

    max_bytes: int = MAX_CODE_BYTES
    timeout_seconds: float = 30.0
    max_redirects: int = 3


def origin_of(url: str) -> tuple[str, str, int | None]:
    """(scheme, host, port) of a URL, the port filled in for http and https."""
    try:
        parsed = urlparse(url)
        port = parsed.port
    except ValueError:
        return ("", "", None)
    scheme = parsed.scheme.lower()
    return (scheme, (parsed.hostname or "").lower(), port or {"https": 443, "http": 80}.get(scheme))


def too_large_reason(size: int | None, limit: int) -> str:
    """The candidate-facing reason for a file over the cap (its size if known)."""
    cap = f"code files can be at most {limit // 1024} KB"
    if size is None:
        return f"it is more than {limit // 1024} KB; {cap}"
    return f"it is {size // 1024} KB; {cap}"


async def fetch_file_bytes(
    http: aiohttp.ClientSession,
    url: str,
    *,
    token: str,
    limits: DownloadLimits,
    declared_size: int | None = None,
) -> bytes:
    """The whole body at `url` (sent `token`), or `DownloadFailed` saying why not."""
    try:
        async with asyncio.timeout(limits.timeout_seconds):
            body = await _follow(http, url, token=token, limits=limits)
    except TimeoutError as exc:
        # Also aiohttp's own timeouts: whatever arrived so far is dropped, never kept as code.
        raise DownloadFailed(
            f"Slack did not finish sending it within {limits.timeout_seconds:g} seconds, "
            "so I kept none of it — please send it again"
        ) from exc
    except aiohttp.ClientPayloadError as exc:
        raise DownloadFailed(
            "the download from Slack broke off part way, so I kept none of it — "
            "please send it again"
        ) from exc
    except aiohttp.ClientError as exc:
        raise DownloadFailed("I could not reach Slack to fetch it") from exc
    if declared_size is not None and declared_size != len(body):
        # Slack's metadata was off; the body was read to its end, so it is kept whole.
        logger.warning(
            "file body is %d bytes, its declared size %d; kept the whole body",
            len(body),
            declared_size,
        )
    return body


async def _follow(
    http: aiohttp.ClientSession, url: str, *, token: str, limits: DownloadLimits
) -> bytes:
    origin = origin_of(url)
    headers = {"Authorization": f"Bearer {token}"}
    # No per-request timeout: the caller's budget covers every hop and every byte.
    no_timeout = aiohttp.ClientTimeout()
    for _hop in range(limits.max_redirects + 1):
        async with http.get(
            url, headers=headers, allow_redirects=False, timeout=no_timeout
        ) as response:
            if response.status in REDIRECT_STATUSES:
                url = _redirect_target(response)
                # The token and the trust go to the origin they were given to, nowhere else.
                if origin_of(url) != origin:
                    raise DownloadFailed(
                        "Slack sent me to another site for it, and I fetch files only from Slack"
                    )
                continue
            if response.status == 404:
                raise DownloadFailed("Slack says the file no longer exists")
            if response.status >= 300 or response.status < 200:
                raise DownloadFailed(f"Slack answered {response.status} when I fetched it")
            return await _read_capped(response, limits.max_bytes)
    raise DownloadFailed("Slack kept redirecting me and never sent it")


def _redirect_target(response: aiohttp.ClientResponse) -> str:
    location = response.headers.get("Location", "")
    try:
        target = response.url.join(URL(location)) if location else None
    except ValueError:
        target = None
    if target is None or not target.is_absolute():
        raise DownloadFailed("Slack redirected me without saying where to")
    return str(target)


async def _read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes:
    """Read to EOF; more than `limit` bytes is a clear refusal, never a cut."""
    announced = response.content_length
    if announced is not None and announced > limit:
        raise DownloadFailed(too_large_reason(announced, limit))
    body = bytearray()
    async for piece in response.content.iter_chunked(READ_PIECE_BYTES):
        body += piece
        if len(body) > limit:
            raise DownloadFailed(too_large_reason(None, limit))
    return bytes(body)
