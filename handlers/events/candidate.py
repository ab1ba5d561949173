"""What the message listeners share: which messages are the candidate's, and recording one."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.interview.engine import MessageOutcome
from bot.text import clean_json, clean_text
from handlers.blocks import interview as interview_blocks
from handlers.context import services_of
from handlers.payload import field, slack_id_at, text_at


def slack_unescape(text: str) -> str:
    """Slack sends &, < and > escaped; store what the candidate actually typed, cleaned of
    what no store can hold (a lone surrogate, NUL) so the turn can be stored and answered."""
    return clean_text(text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))


async def in_a_dm_from_a_person(event: dict[str, Any]) -> bool:
    """Listener matcher: only the DM with the app, never a bot (this one included)."""
    return text_at(event, "channel_type") == "im" and field(event, "bot_id") is None


def dm_of(event: dict[str, Any], body: dict[str, Any]) -> tuple[str, str] | None:
    """The DM's channel and its team, or None when the event lacks either."""
    channel = slack_id_at(event, "channel")
    team_id = slack_id_at(body, "team_id") or slack_id_at(event, "team")
    return (channel, team_id) if channel and team_id else None


async def record_candidate_message(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """The candidate speaking: a turn in the interview thread, else a pointer to start one."""
    dm = dm_of(event, body)
    user_id, ts = slack_id_at(event, "user"), slack_id_at(event, "ts")
    if dm is None or not user_id or not ts:
        return
    channel, team_id = dm
    services = services_of(context)
    engine = services.engine
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
    if not await engine.claim_event(f"pointer:{channel}:{ts}"):
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
