"""Run again, on a run result in the interview thread: the latest code is run once more."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.engine import MessageOutcome
from handlers.actions.button import action_number, clicked_channel
from handlers.context import services_of
from handlers.payload import slack_id_at, team_id_of, user_id_of

# Said only to the clicker when the click runs nothing.
NOT_RUN_TEXT = {
    MessageOutcome.NOT_CANDIDATE: "Only the candidate of this interview can run its code.",
    MessageOutcome.INTERVIEW_OVER: "This interview is over, so its code is not run any more.",
    MessageOutcome.NOT_IN_INTERVIEW: "I could not find this interview to run its code.",
}


async def handle_run_again(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Stored as a run request like typing `run`; its result comes to the thread."""
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    clicked_at = slack_id_at(body, "actions", 0, "action_ts")
    if not team_id or not user_id or clicked_at is None:
        return
    outcome = await services.engine.request_run(
        team_id=team_id,
        user_id=user_id,
        session_id=action_number(body),
        # The click's own id: a redelivered click is one run.
        key=f"again:{clicked_at}"[:32],
    )
    text = NOT_RUN_TEXT.get(outcome)
    channel = clicked_channel(body)
    if text is None or not channel:
        return
    thread_ts = slack_id_at(body, "container", "thread_ts") or slack_id_at(
        body, "container", "message_ts"
    )
    services.tasks.spawn(
        client.chat_postEphemeral(channel=channel, user=user_id, thread_ts=thread_ts, text=text),
        name="run-again-refused",
    )
