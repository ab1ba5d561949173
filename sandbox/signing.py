"""Slack's request signing (v0), the one copy the sandbox, the Slack double, tests and the
benchmark sign requests to the bot with."""

from __future__ import annotations

import hashlib
import hmac
import time


def slack_signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    digest = hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(
    body: bytes | str, signing_secret: str, timestamp: int | None = None
) -> dict[str, str]:
    """The two headers Slack sends with `body`, signed now or at `timestamp`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    raw = body.encode() if isinstance(body, str) else body
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": slack_signature(signing_secret, ts, raw),
    }
