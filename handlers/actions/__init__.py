"""Buttons and selects (block_actions)."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.domain import Difficulty
from bot.interview.engine import FinishOutcome
from handlers.blocks import feedback as feedback_blocks
from handlers.blocks import ids, start_card
from handlers.blocks import interview as interview_blocks
from handlers.context import Services, services_of
from handlers.payload import field, slack_id_at, team_id_of, text_at, user_id_of

logger = logging.getLogger(__name__)


def register(app: AsyncApp) -> None:
    app.action(ids.START_INTERVIEW)(handle_start_interview)
    app.action(ids.CANCEL_START)(handle_cancel_start)
    app.action(ids.OPEN_START_CARD)(handle_open_start_card)
    app.action(ids.FINISH_INTERVIEW)(handle_finish_interview)
    app.action(ids.OPEN_FEEDBACK)(handle_open_feedback)
    app.action(ids.HOME_PAGE_NEWER)(handle_home_page)
    app.action(ids.HOME_PAGE_OLDER)(handle_home_page)
    # Selects and link buttons still send block_actions, which must be acked.
    for action_id in (ids.SELECT_DIFFICULTY, ids.OPEN_THREAD_LINK, ids.OPEN_HOME_LINK):
        app.action(action_id)(handle_acknowledge_only)


async def handle_acknowledge_only(ack: AsyncAck) -> None:
    await ack()


def _action_value(body: Any) -> str | None:
    return text_at(body, "actions", 0, "value")


def _action_number(body: Any) -> int | None:
    """The button's value as the id or page number it holds; None for anything else."""
    value = _action_value(body)
    # ASCII digits only ("²".isdigit() is true too) and no more than a BIGINT holds.
    if value and value.isascii() and value.isdigit() and len(value) <= 15:
        return int(value)
    return None


def selected_difficulty(body: Any) -> Difficulty:
    """The card's select if present (Slack sends its state), else the button's value."""
    values = field(body, "state", "values")
    if isinstance(values, dict):
        for block in values.values():
            chosen = field(block, ids.SELECT_DIFFICULTY, "selected_option", "value")
            if chosen in Difficulty.__members__.values():
                return Difficulty(chosen)
    try:
        default = json.loads(_action_value(body) or "{}").get("difficulty")
    except (ValueError, AttributeError):
        default = None
    return Difficulty(default) if default in Difficulty.__members__.values() else Difficulty.MEDIUM


def _button_topic(body: Any) -> str | None:
    try:
        topic = json.loads(_action_value(body) or "{}").get("topic")
    except (ValueError, AttributeError):
        return None
    return topic if isinstance(topic, str) and topic else None


async def handle_start_interview(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: Any
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
        topic=_button_topic(body),
        api_app_id=slack_id_at(body, "api_app_id"),
        response_url=text_at(body, "response_url"),
    )
    if not result.created:
        _replace_card(
            services,
            body,
            respond,
            text="You already have an interview in progress.",
            blocks=start_card.build_already_active_note(active=result.active),
        )


def _replace_card(
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


async def handle_cancel_start(
    ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, context: Any
) -> None:
    await ack()
    _replace_card(
        services_of(context),
        body,
        respond,
        text="No problem — start whenever you are ready.",
        blocks=start_card.build_start_dismissed(),
    )


async def handle_open_start_card(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: Any
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


async def handle_finish_interview(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    if not team_id or not user_id:
        return
    session_id = _action_number(body)
    outcome = await services.engine.request_finish(
        team_id=team_id, user_id=user_id, session_id=session_id
    )
    channel = slack_id_at(body, "container", "channel_id") or slack_id_at(body, "channel", "id")
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


async def handle_open_feedback(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    interview_id, trigger_id = _action_number(body), text_at(body, "trigger_id")
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


async def handle_home_page(ack: AsyncAck, body: dict[str, Any], context: Any) -> None:
    await ack()
    services = services_of(context)
    team_id, user_id = team_id_of(body), user_id_of(body)
    if not team_id or not user_id:
        return
    page = min(_action_number(body) or 0, 10_000)
    services.engine.refresh_home(team_id, user_id, page)
