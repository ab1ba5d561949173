"""Defensive reads of Slack payloads: a missing or mistyped field is None, never a crash."""

from __future__ import annotations

from typing import Any


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


def team_id_of(body: Any) -> str | None:
    return (
        text_at(body, "team", "id")
        or text_at(body, "team_id")
        or text_at(body, "user", "team_id")
        or text_at(body, "event", "team")
    )


def user_id_of(body: Any) -> str | None:
    return text_at(body, "user", "id") or text_at(body, "user_id")
