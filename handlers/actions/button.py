"""What the action listeners share: the clicked button's value and channel, and replacing its
card."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncRespond

from handlers.context import Services
from handlers.payload import slack_id_at, text_at


def action_value(body: Any) -> str | None:
    return text_at(body, "actions", 0, "value")


def action_number(body: Any) -> int | None:
    """The button's value as the id or page number it holds; None for anything else."""
    value = action_value(body)
    # ASCII digits only ("²".isdigit() is true too) and no more than a BIGINT holds.
    if value and value.isascii() and value.isdigit() and len(value) <= 15:
        return int(value)
    return None


def clicked_channel(body: Any) -> str | None:
    """The channel of the message the button is on: the container's, else the payload's."""
    return slack_id_at(body, "container", "channel_id") or slack_id_at(body, "channel", "id")


def replace_card(
    services: Services,
    body: dict[str, Any],
    respond: AsyncRespond,
    *,
    text: str,
    blocks: list[dict[str, Any]],
) -> None:
    """Replace the card the button was on (via its response_url), after the ack."""
    if text_at(body, "response_url"):
        services.tasks.spawn(
            respond(text=text, blocks=blocks, replace_original=True), name="replace-card"
        )
