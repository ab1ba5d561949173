"""The candidate edited one of their messages."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from handlers.context import services_of
from handlers.events.candidate import dm_of, slack_unescape
from handlers.payload import slack_id_at, text_at

SUBTYPE = "message_changed"


async def handle_message_changed(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    """The transcript shows the edited text; no new turn, no reply."""
    dm = dm_of(event, body)
    if dm is None:
        return
    await services_of(context).engine.record_edit(
        channel_id=dm[0],
        thread_ts=slack_id_at(event, "message", "thread_ts"),
        ts=slack_id_at(event, "message", "ts") or "",
        text=slack_unescape(text_at(event, "message", "text") or ""),
        deleted=False,
    )
