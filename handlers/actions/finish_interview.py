"""Finish Interview in the interview thread."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.engine import FinishOutcome
from handlers.actions.button import action_number, clicked_channel
from handlers.blocks import interview as interview_blocks
from handlers.context import services_of
from handlers.payload import slack_id_at, team_id_of, user_id_of


async def handle_finish_interview(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The interview is graded; a click on one already over gets a note only the clicker sees."""
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    if not team_id or not user_id:
        return
    session_id = action_number(body)
    outcome = await services.engine.request_finish(
        team_id=team_id, user_id=user_id, session_id=session_id
    )
    channel = clicked_channel(body)
    thread_ts = slack_id_at(body, "container", "message_ts")
    if outcome != FinishOutcome.FINISHING and channel:
        services.tasks.spawn(
            client.chat_postEphemeral(
                channel=channel,
                user=user_id,
                thread_ts=thread_ts,
                text="This interview is already finished.",
                blocks=interview_blocks.build_interview_ended_note(overall=None),
            ),
            name="already-finished",
        )
