"""Events API listeners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.engine import MessageOutcome
from bot.text import clean_json, clean_text
from handlers.blocks import interview as interview_blocks
from handlers.context import services_of
from handlers.payload import field, slack_id_at, text_at

logger = logging.getLogger(__name__)


def slack_unescape(text: str) -> str:
    """Slack sends &, < and > escaped; store what the candidate actually typed, cleaned of
    what no store can hold (a lone surrogate, NUL) so the turn can be stored and answered."""
    return clean_text(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


# Message subtypes that are the candidate speaking.
CANDIDATE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})


def register(app: AsyncApp) -> None:
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("message")(handle_message)
    # Subscribed by some installs; the file arrives with the message event instead.
    app.event("file_shared")(handle_ignored_event)
    app.event("file_created")(handle_ignored_event)


async def handle_ignored_event() -> None:
    return None


async def handle_app_home_opened(event: dict[str, Any], body: dict[str, Any], context: Any) -> None:
    """Publish the Home tab when the user opens it."""
    if text_at(event, "tab") != "home":
        return
    user_id = slack_id_at(event, "user")
    team_id = slack_id_at(body, "team_id") or slack_id_at(event, "team")
    if user_id and team_id:
        services_of(context).engine.refresh_home(team_id, user_id)


async def handle_message(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: Any
) -> None:
    """Messages in the DM: candidate turns, edits and deletes; others get a pointer."""
    if text_at(event, "channel_type") != "im" or field(event, "bot_id") is not None:
        return
    subtype = field(event, "subtype")
    services = services_of(context)
    engine = services.engine
    channel = slack_id_at(event, "channel")
    team_id = slack_id_at(body, "team_id") or slack_id_at(event, "team")
    if not channel or not team_id:
        return
    if subtype == "message_changed":
        await engine.record_edit(
            channel_id=channel,
            thread_ts=slack_id_at(event, "message", "thread_ts"),
            ts=slack_id_at(event, "message", "ts") or "",
            text=slack_unescape(text_at(event, "message", "text") or ""),
            deleted=False,
        )
        return
    if subtype == "message_deleted":
        await engine.record_edit(
            channel_id=channel,
            thread_ts=slack_id_at(event, "previous_message", "thread_ts"),
            ts=slack_id_at(event, "deleted_ts") or "",
            text=None,
            deleted=True,
        )
        return
    if subtype not in CANDIDATE_SUBTYPES:
        return
    user_id, ts = slack_id_at(event, "user"), slack_id_at(event, "ts")
    if not user_id or not ts:
        return
    raw_files = field(event, "files")
    # File names, titles and previews reach the database and the model as they arrived.
    files = (
        [clean_json(f) for f in raw_files if isinstance(f, dict)]
        if isinstance(raw_files, list)
        else []
    )
    text = field(event, "text")
    thread_ts = slack_id_at(event, "thread_ts")
    outcome = await engine.record_candidate_message(
        team_id=team_id,
        user_id=user_id,
        channel_id=channel,
        thread_ts=thread_ts,
        ts=ts,
        text=slack_unescape(text) if isinstance(text, str) else "",
        files=files,
    )
    if outcome != MessageOutcome.NOT_IN_INTERVIEW:
        return
    # Outside an interview thread: a short pointer, once per message even across retries.
    if not await engine.claim_delivery(f"pointer:{channel}:{ts}"):
        return
    active = await engine.active_interview(team_id=team_id, user_id=user_id)
    services.tasks.spawn(
        client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text="Start an interview with /start-interview or from my Home tab.",
            blocks=interview_blocks.build_pointer(active=active),
        ),
        name="pointer",
    )
