"""The user opened the app's Home tab (or its Messages tab, which needs nothing)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext

from handlers.context import services_of
from handlers.payload import slack_id_at, text_at


async def handle_app_home_opened(
    event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
) -> None:
    """Publish the Home tab when the user opens it."""
    if text_at(event, "tab") != "home":
        return
    user_id = slack_id_at(event, "user")
    team_id = slack_id_at(body, "team_id") or slack_id_at(event, "team")
    if user_id and team_id:
        services_of(context).engine.refresh_home(team_id, user_id)
