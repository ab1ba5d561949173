"""Elements that need nothing from the app but still send block_actions."""

from __future__ import annotations

from slack_bolt.async_app import AsyncAck


async def handle_acknowledge_only(ack: AsyncAck) -> None:
    """A select's change or a link button's click: acked, nothing else."""
    await ack()
