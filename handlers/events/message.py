"""A message the candidate posts in the DM (plain, or also sent to the channel)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.events.candidate import record_candidate_message

# No subtype is a plain message; thread_broadcast is a reply also sent to the channel.
SUBTYPES: list[str | None] = [None, "thread_broadcast"]


async def handle_message(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """A candidate turn in the interview thread; elsewhere in the DM, a pointer."""
    await record_candidate_message(event, body, client, context)
