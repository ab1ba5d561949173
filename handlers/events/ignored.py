"""Events the app receives but has nothing to do with."""

from __future__ import annotations


async def handle_ignored_event() -> None:
    """Bolt acks the event (200), so Slack does not retry it; nothing else happens."""
    return None
