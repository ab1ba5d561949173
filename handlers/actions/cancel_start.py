"""Not now on the start card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond

from handlers.actions.button import replace_card
from handlers.blocks import start_card
from handlers.context import services_of


async def handle_cancel_start(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    """The card is replaced by a short note; nothing is started."""
    await ack()
    replace_card(
        services_of(context),
        body,
        respond,
        text="No problem — start whenever you are ready.",
        blocks=start_card.build_start_dismissed(),
    )
