"""Defensive reads of Slack payloads: a missing or mistyped field is None, never a crash."""

from __future__ import annotations

import re
from typing import Any

# Slack's ids (T…, U…, D…, A…) and message timestamps (1700000000.000100).
_SLACK_ID = re.compile(r"[A-Za-z0-9._-]{1,32}")


def field(data: Any, *path: str | int) -> Any:
    """Walk nested dicts/lists; None as soon as a step is missing or of the wrong type."""
    current = data
    for key in path:
        if isinstance(key, int):
            if not isinstance(current, list) or not -len(current) <= key < len(current):
                return None
            current = current[key]
        else:
            if not isinstance(current, dict):
                return None
            current = current.get(key)
    return current


def text_at(data: Any, *path: str | int) -> str | None:
    """A non-empty string at the path, else None."""
    value = field(data, *path)
    return value if isinstance(value, str) and value else None


def slack_id_at(data: Any, *path: str | int) -> str | None:
    """An id or message timestamp as Slack writes them, else None.

    Anything longer or stranger (a NUL, 40 characters) is not from Slack and must not reach
    a query or a 32-character column.
    """
    value = text_at(data, *path)
    return value if value is not None and _SLACK_ID.fullmatch(value) else None


def team_id_of(body: Any) -> str | None:
    return (
        slack_id_at(body, "team", "id")
        or slack_id_at(body, "team_id")
        or slack_id_at(body, "user", "team_id")
        or slack_id_at(body, "event", "team")
    )


def user_id_of(body: Any) -> str | None:
    return slack_id_at(body, "user", "id") or slack_id_at(body, "user_id")
