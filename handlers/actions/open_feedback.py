"""View feedback on a past interview listed on the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from handlers.actions.button import action_number
from handlers.blocks import feedback as feedback_blocks
from handlers.context import services_of
from handlers.payload import team_id_of, text_at, user_id_of


async def handle_open_feedback(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The feedback modal, for the clicker's own interviews only."""
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    interview_id, trigger_id = action_number(body), text_at(body, "trigger_id")
    if not team_id or not user_id or not trigger_id or interview_id is None:
        return
    feedback = await services.engine.feedback(
        team_id=team_id, user_id=user_id, interview_id=interview_id
    )
    if feedback is None:
        return
    services.tasks.spawn(
        client.views_open(
            trigger_id=trigger_id, view=feedback_blocks.build_feedback_modal(feedback)
        ),
        name="open-feedback",
    )
