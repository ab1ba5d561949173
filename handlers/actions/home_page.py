"""Newer and Older on the Home tab's interview history."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext

from handlers.actions.button import action_number
from handlers.context import services_of
from handlers.payload import team_id_of, user_id_of


async def handle_home_page(ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext) -> None:
    """Republish the Home tab at the page the button holds."""
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    if not team_id or not user_id:
        return
    page = min(action_number(body) or 0, 10_000)
    services.engine.refresh_home(team_id, user_id, page)
