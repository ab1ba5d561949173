"""Start Interview on the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.domain import Difficulty
from handlers.blocks import start_card
from handlers.context import services_of
from handlers.payload import user_id_of


async def handle_open_start_card(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Home's Start Interview: post the start card into the user's DM with the app."""
    await ack()
    services = services_of(context)
    user_id = user_id_of(body)
    if not user_id:
        return
    services.tasks.spawn(
        client.chat_postMessage(
            channel=user_id,
            text="Ready for a mock interview?",
            blocks=start_card.build_start_card(
                difficulty=Difficulty.MEDIUM,
                topic=None,
                time_limit_minutes=services.time_limit_minutes,
                offline=services.offline,
            ),
        ),
        name="post-start-card",
    )
