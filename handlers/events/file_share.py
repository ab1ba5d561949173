"""A message with files attached, which Slack marks with the file_share subtype."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.events.candidate import record_candidate_message

SUBTYPE = "file_share"


async def handle_file_share(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """A candidate turn whose files the engine downloads and reads as code (or refuses)."""
    await record_candidate_message(event, body, client, context)
