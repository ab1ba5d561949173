"""Socket Mode: the same app over Slack's WebSocket protocol, played by the fake server."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.runtime import BotRuntime
from handlers.blocks import ids
from sandbox.slack_double import APP_ID, BOT_TOKEN, BOT_USER_ID, TEAM_ID, USER_ID, SlackDouble
from storage.models import Message
from tests.slack_validation import assert_valid_blocks

APP_TOKEN = "xapp-1-test-app-token"


@pytest.fixture
async def socket_runtime(fake_slack: SlackDouble, sqlite_url: str) -> AsyncIterator[BotRuntime]:
    settings = Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
        slack_api_url=fake_slack.api_url,
        database_url=sqlite_url,
    )
    assert settings.socket_mode and settings.missing_for_run() == []
    runtime = await BotRuntime.create(settings)
    await runtime.connect_socket_mode()
    yield runtime
    await runtime.close()


async def test_slash_command_and_interview_over_socket_mode(
    socket_runtime: BotRuntime, fake_slack: SlackDouble
) -> None:
    ack = await fake_slack.push_envelope(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "team_id": TEAM_ID,
                "channel_id": "C1",
                "user_id": USER_ID,
                "command": "/start-interview",
                "text": "hard",
                "api_app_id": APP_ID,
                "response_url": fake_slack.response_url("sock"),
                "trigger_id": "t1",
            },
        }
    )
    assert ack["payload"]["response_type"] == "ephemeral"
    assert_valid_blocks(ack["payload"]["blocks"])

    action = {
        "type": "block_actions",
        "user": {"id": USER_ID, "team_id": TEAM_ID},
        "team": {"id": TEAM_ID},
        "api_app_id": APP_ID,
        "trigger_id": "t2",
        "container": {"type": "message", "is_ephemeral": True},
        "response_url": fake_slack.response_url("sock"),
        "state": {"values": {}},
        "actions": [
            {
                "action_id": ids.START_INTERVIEW,
                "type": "button",
                "value": json.dumps({"difficulty": "hard"}),
            }
        ],
    }
    await fake_slack.push_envelope(
        {
            "envelope_id": "env-2",
            "type": "interactive",
            "accepts_response_payload": False,
            "payload": action,
        }
    )
    await socket_runtime.tasks.drain(wait_seconds=10)
    thread = fake_slack.messages["D" + USER_ID[1:]][0]["ts"]

    event = {
        "type": "message",
        "channel": "D" + USER_ID[1:],
        "channel_type": "im",
        "user": USER_ID,
        "text": "Can values be negative?",
        "ts": f"{time.time():.6f}",
        "thread_ts": thread,
    }
    envelope = {
        "envelope_id": "env-3",
        "type": "events_api",
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
        "payload": {
            "team_id": TEAM_ID,
            "api_app_id": APP_ID,
            "type": "event_callback",
            "event_id": "EvS1",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM_ID, "user_id": BOT_USER_ID, "is_bot": True}],
        },
    }
    await fake_slack.push_envelope(envelope)
    # Slack re-sends over the socket too; nothing happens twice.
    await fake_slack.push_envelope({**envelope, "envelope_id": "env-4", "retry_attempt": 1})
    await socket_runtime.tasks.drain(wait_seconds=10)
    replies = fake_slack.posts(thread_ts=thread)
    assert len(replies) == 2  # opening + one answer
    async with socket_runtime.db.sessions() as s:
        from sqlalchemy import func, select

        count = (
            await s.execute(select(func.count()).where(Message.role == "candidate"))
        ).scalar_one()
    assert count == 1
