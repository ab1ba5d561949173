"""The one AsyncWebClient of the process, with slack_sdk's retry handlers."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient


def slack_retry_handlers(max_retries: int = 4) -> list[AsyncRetryHandler]:
    """Retry 429s after Retry-After, 5xx and broken connections, with backoff."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=max_retries),
        AsyncServerErrorRetryHandler(max_retry_count=max_retries),
        AsyncConnectionErrorRetryHandler(max_retry_count=max_retries),
    ]


def build_web_client(
    *, token: str, base_url: str, session: aiohttp.ClientSession, timeout: int = 30
) -> AsyncWebClient:
    """A client sharing one connection pool, pointed at SLACK_API_URL."""
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        session=session,
        timeout=timeout,
        retry_handlers=slack_retry_handlers(),
    )


def slack_error(exc: SlackApiError) -> str | None:
    """Slack's error code, or None when the answer was not JSON (a proxy's 502 page)."""
    data = exc.response.data
    if isinstance(data, dict):
        error = data.get("error")
        return str(error) if error is not None else None
    return None
