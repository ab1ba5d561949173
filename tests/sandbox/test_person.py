"""What the person does reaches the bot as Slack's own signed requests."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from sandbox import Sandbox
from sandbox.person import Container
from tests.sandbox.conftest import Delivered, StandInBot

DM = "D0SANDBOX"
PERSON = "U0SANDBOX"
OPTIONS = [
    {"text": {"type": "plain_text", "text": label}, "value": label.lower()}
    for label in ("Easy", "Medium", "Hard")
]
CARD = [
    {
        "type": "section",
        "block_id": "difficulty",
        "text": {"type": "mrkdwn", "text": "*Difficulty*"},
        "accessory": {
            "type": "static_select",
            "action_id": "select_difficulty",
            "options": OPTIONS,
            "initial_option": OPTIONS[1],
        },
    },
    {
        "type": "actions",
        "block_id": "start_actions",
        "elements": [
            {
                "type": "button",
                "action_id": "start_interview",
                "text": {"type": "plain_text", "text": "Start Interview"},
                "value": "go",
                "style": "primary",
            }
        ],
    },
]


async def until(condition: Any) -> None:
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not met")


def card_ack(delivered: Delivered) -> web.Response:
    body = {"response_type": "ephemeral", "text": "Ready?", "blocks": CARD}
    return web.json_response(body)


async def test_slash_command_is_form_encoded_signed_and_its_ack_is_shown(
    bot: StandInBot, sandbox: Sandbox
) -> None:
    async def reply(delivered: Delivered) -> web.Response:
        return card_ack(delivered)

    bot.reply = reply
    await sandbox.person.send_message("/start-interview hard graphs")
    [command] = bot.of_kind("command")
    assert command.signature_valid
    assert command.headers["Content-Type"] == "application/x-www-form-urlencoded"
    fields = command.form
    assert fields["command"] == "/start-interview"
    assert fields["text"] == "hard graphs"
    assert fields["user_id"] == PERSON
    assert fields["channel_id"] == DM
    assert fields["team_id"] == "T0SANDBOX"
    assert fields["api_app_id"] == "A0SANDBOX"
    assert fields["response_url"].startswith(sandbox.url + "hooks/")
    assert fields["trigger_id"] in sandbox.workspace.triggers
    [card] = sandbox.workspace.ephemerals.values()
    assert card["text"] == "Ready?"
    assert card["user"] == PERSON
    assert card["blocks"][0]["block_id"] == "difficulty"


async def test_a_failing_command_shows_slack_error(bot: StandInBot, sandbox: Sandbox) -> None:
    async def broken(delivered: Delivered) -> web.Response:
        return web.Response(status=500)

    bot.reply = broken
    await sandbox.person.send_message("/start-interview")
    [notice] = sandbox.workspace.ephemerals.values()
    assert notice["text"] == '/start-interview failed with the error "dispatch_failed"'
    assert notice["from_bot"] is False


async def test_unknown_command_is_not_sent(bot: StandInBot, sandbox: Sandbox) -> None:
    await sandbox.person.send_message("/teleport now")
    assert bot.received == []
    [notice] = sandbox.workspace.ephemerals.values()
    assert "`/teleport` is not a valid command" in notice["text"]


async def test_button_on_an_ephemeral_card_sends_block_actions_with_state(
    bot: StandInBot, sandbox: Sandbox
) -> None:
    async def reply(delivered: Delivered) -> web.Response:
        return card_ack(delivered) if delivered.kind == "command" else web.Response()

    bot.reply = reply
    await sandbox.person.send_message("/start-interview")
    [card] = sandbox.workspace.ephemerals.values()
    container = Container("ephemeral", card["id"])
    await sandbox.person.act(container, block_id="start_actions", action_id="start_interview")

    [untouched] = [item.json for item in bot.of_kind("interaction")]
    # An untouched select reports its initial option, as Slack does.
    assert untouched["state"]["values"]["difficulty"]["select_difficulty"] == {
        "type": "static_select",
        "selected_option": OPTIONS[1],
    }

    await sandbox.person.act(
        container, block_id="difficulty", action_id="select_difficulty", value="hard"
    )
    await sandbox.person.act(container, block_id="start_actions", action_id="start_interview")
    deliveries = bot.of_kind("interaction")
    assert all(item.signature_valid for item in deliveries)
    select, start = deliveries[1].json, deliveries[2].json
    assert select["actions"][0]["selected_option"] == OPTIONS[2]
    assert start["type"] == "block_actions"
    assert start["user"] == {"id": PERSON, "username": "ada", "name": "ada", "team_id": "T0SANDBOX"}
    assert start["container"] == {
        "type": "message",
        "message_ts": card["ts"],
        "channel_id": DM,
        "is_ephemeral": True,
    }
    assert "message" not in start  # Slack leaves out ephemeral messages
    assert start["channel"] == {"id": DM, "name": "directmessage"}
    assert (
        start["state"]["values"]["difficulty"]["select_difficulty"]["selected_option"]
        == (OPTIONS[2])
    )
    action = start["actions"][0]
    assert action["action_id"] == "start_interview"
    assert action["block_id"] == "start_actions"
    assert action["value"] == "go"
    assert action["type"] == "button"
    assert start["response_url"].startswith(sandbox.url + "hooks/")
    assert start["trigger_id"] in sandbox.workspace.triggers


async def test_home_button_sends_the_view_and_no_response_url(
    bot: StandInBot, sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    view = (await slack.views_publish(user_id=PERSON, view={"type": "home", "blocks": CARD}))[
        "view"
    ]
    await sandbox.person.act(
        Container("view", view["id"]), block_id="start_actions", action_id="start_interview"
    )
    [delivered] = bot.of_kind("interaction")
    payload = delivered.json
    assert payload["container"] == {"type": "view", "view_id": view["id"]}
    assert payload["view"]["type"] == "home"
    assert (
        payload["view"]["state"]["values"]["difficulty"]["select_difficulty"]["selected_option"]
        == OPTIONS[1]
    )
    assert "response_url" not in payload


async def test_messages_and_snippets_are_message_events(
    bot: StandInBot, sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    parent = await slack.chat_postMessage(channel=PERSON, text="problem")
    await sandbox.person.send_message("a < b & c", thread_ts=parent["ts"])
    await sandbox.person.create_snippet(
        title="solution",
        filetype="python",
        content="def f():\n    return 1\n",
        thread_ts=parent["ts"],
    )
    await sandbox.sender.wait_for_events()
    events = bot.of_kind("event")
    assert all(item.signature_valid for item in events)
    assert all(item.headers["Content-Type"] == "application/json" for item in events)
    envelope = events[-1].json
    assert envelope["type"] == "event_callback"
    assert envelope["authorizations"][0]["user_id"] == sandbox.identity.bot_user_id
    assert len({item.json["event_id"] for item in events}) == len(events)

    messages = bot.events("message")
    # The bot's own post arrives too, as on Slack; Bolt drops it by its bot_id.
    own, typed, shared = messages
    assert own["bot_id"] == sandbox.identity.bot_id
    assert typed["text"] == "a &lt; b &amp; c"
    assert typed["channel_type"] == "im"
    assert typed["thread_ts"] == parent["ts"]
    assert typed["user"] == PERSON
    assert typed["blocks"][0]["type"] == "rich_text"
    assert shared["subtype"] == "file_share"
    [file] = shared["files"]
    assert file["mode"] == "snippet"
    assert file["name"] == "solution.py"
    assert file["filetype"] == "python"
    assert file["url_private_download"].startswith(sandbox.url + "files-pri/")
    assert shared["thread_ts"] == parent["ts"]


async def test_failed_events_are_retried_with_slack_headers(
    bot: StandInBot, sandbox: Sandbox
) -> None:
    async def fail_first(delivered: Delivered) -> web.Response:
        return web.Response(status=500 if len(bot.received) == 1 else 200)

    bot.reply = fail_first
    sandbox.person.open_tab("home")
    await until(lambda: len(bot.received) == 2)
    first, retry = bot.received
    assert first.json["event_id"] == retry.json["event_id"]
    assert "X-Slack-Retry-Num" not in first.headers
    assert retry.headers["X-Slack-Retry-Num"] == "1"
    assert retry.headers["X-Slack-Retry-Reason"] == "http_error"
    assert retry.signature_valid
    event = retry.json["event"]
    assert event == {**event, "type": "app_home_opened", "user": PERSON, "tab": "home"}


async def test_modal_submission_and_close(
    bot: StandInBot, sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Notes"},
        "submit": {"type": "plain_text", "text": "Save"},
        "notify_on_close": True,
        "blocks": [
            {
                "type": "input",
                "block_id": "note",
                "label": {"type": "plain_text", "text": "Note"},
                "element": {"type": "plain_text_input", "action_id": "text"},
            }
        ],
    }

    async def reply(delivered: Delivered) -> web.Response:
        if delivered.json["type"] == "view_submission":
            errors = {"response_action": "errors", "errors": {"note": "Too short"}}
            if delivered.json["view"]["state"]["values"]["note"]["text"]["value"] == "x":
                return web.json_response(errors)
        return web.Response()

    bot.reply = reply
    view = (await slack.views_open(trigger_id=sandbox.workspace.issue_trigger(), view=modal))[
        "view"
    ]
    updates = sandbox.workspace.subscribe()
    await sandbox.person.submit_view(view["id"], {"note": {"text": "x"}})
    assert sandbox.workspace.modal_stack  # kept open: the bot answered with errors
    assert updates.get_nowait() == {
        "type": "view_errors",
        "view_id": view["id"],
        "errors": {"note": "Too short"},
    }
    await sandbox.person.submit_view(view["id"], {"note": {"text": "long enough"}})
    assert sandbox.workspace.modal_stack == []
    submitted = bot.of_kind("interaction")[-1].json
    assert submitted["type"] == "view_submission"
    assert submitted["view"]["state"]["values"]["note"]["text"] == {
        "type": "plain_text_input",
        "value": "long enough",
    }

    view = (await slack.views_open(trigger_id=sandbox.workspace.issue_trigger(), view=modal))[
        "view"
    ]
    await sandbox.person.close_view(view["id"])
    closed = bot.of_kind("interaction")[-1].json
    assert closed["type"] == "view_closed"
    assert closed["view"]["id"] == view["id"]
    assert all(item.signature_valid for item in bot.received)


async def test_closing_a_modal_without_notify_sends_nothing(
    bot: StandInBot, sandbox: Sandbox, slack: AsyncWebClient
) -> None:
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Feedback"}, "blocks": []}
    view = (await slack.views_open(trigger_id=sandbox.workspace.issue_trigger(), view=modal))[
        "view"
    ]
    await sandbox.person.close_view(view["id"])
    assert sandbox.workspace.modal_stack == []
    assert bot.of_kind("interaction") == []
