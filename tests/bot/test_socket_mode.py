"""Socket Mode: the same app over Slack's WebSocket protocol, played by the fake server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from bot.runtime import BotRuntime
from handlers.blocks import ids
from sandbox.bot_requests import BotRequests, socket_envelope
from sandbox.slack_double import BOT_TOKEN, IDENTITY, USER_ID, SlackDouble
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
    requests = BotRequests(IDENTITY)
    command = requests.slash_command(
        text="hard", channel="C1", response_url=fake_slack.response_url("sock")
    )
    ack = await fake_slack.push_envelope(socket_envelope(command, envelope_id="env-1"))
    assert ack["payload"]["response_type"] == "ephemeral"
    assert_valid_blocks(ack["payload"]["blocks"])

    start = requests.button(ids.START_INTERVIEW, value=json.dumps({"difficulty": "hard"}))
    click = requests.block_actions(start, response_url=fake_slack.response_url("sock"))
    await fake_slack.push_envelope(socket_envelope(click, envelope_id="env-2"))
    await socket_runtime.tasks.drain(wait_seconds=10)
    thread = fake_slack.messages["D" + USER_ID[1:]][0]["ts"]

    question = requests.message("Can values be negative?", thread_ts=thread)
    await fake_slack.push_envelope(socket_envelope(question, envelope_id="env-3"))
    # Slack re-sends over the socket too; nothing happens twice.
    await fake_slack.push_envelope(socket_envelope(question.retried(1), envelope_id="env-4"))
    await socket_runtime.tasks.drain(wait_seconds=10)
    replies = fake_slack.posts(thread_ts=thread)
    assert len(replies) == 2  # opening + one answer
    async with socket_runtime.db.sessions() as s:
        from sqlalchemy import func, select

        count = (
            await s.execute(select(func.count()).where(Message.role == "candidate"))
        ).scalar_one()
    assert count == 1
