"""The candidate deleted one of their messages."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from handlers.context import services_of
from handlers.events.candidate import dm_of
from handlers.payload import slack_id_at

SUBTYPE = "message_deleted"


async def handle_message_deleted(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The transcript marks the message deleted; no new turn, no reply."""
    dm = dm_of(event, body)
    if dm is None:
        return
    await services_of(context).engine.record_edit(
        channel_id=dm[0],
        thread_ts=slack_id_at(event, "previous_message", "thread_ts"),
        ts=slack_id_at(event, "deleted_ts") or "",
        text=None,
        deleted=True,
    )
