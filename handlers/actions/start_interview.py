"""Start Interview on the start card: one session per user, the thread follows in the DM."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond

from bot.interview.domain import Difficulty
from handlers.actions.button import action_value, replace_card
from handlers.blocks import ids, start_card
from handlers.context import services_of
from handlers.payload import field, slack_id_at, team_id_of, text_at, user_id_of


def selected_difficulty(body: Any) -> Difficulty:
    """The card's select if present (Slack sends its state), else the button's value."""
    values = field(body, "state", "values")
    if isinstance(values, dict):
        for block in values.values():
            chosen = field(block, ids.SELECT_DIFFICULTY, "selected_option", "value")
            if chosen in Difficulty.__members__.values():
                return Difficulty(chosen)
    try:
        default = json.loads(action_value(body) or "{}").get("difficulty")
    except (ValueError, AttributeError):
        default = None
    return Difficulty(default) if default in Difficulty.__members__.values() else Difficulty.MEDIUM


def button_topic(body: Any) -> str | None:
    try:
        topic = json.loads(action_value(body) or "{}").get("topic")
    except (ValueError, AttributeError):
        return None
    return topic if isinstance(topic, str) and topic else None


async def handle_start_interview(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: AsyncBoltContext
) -> None:
    """Start Interview on either card: one session per user, the thread follows in the DM."""
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    if not team_id or not user_id:
        return
    result = await services.engine.start(
        team_id=team_id,
        user_id=user_id,
        difficulty=selected_difficulty(body),
        topic=button_topic(body),
        api_app_id=slack_id_at(body, "api_app_id"),
        response_url=text_at(body, "response_url"),
    )
    if not result.created:
        replace_card(
            services,
            body,
            respond,
            text="You already have an interview in progress.",
            blocks=start_card.build_already_active_note(active=result.active),
        )
