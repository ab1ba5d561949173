"""Each Web API method answers as Slack documents it, called through slack_sdk."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from sandbox import Sandbox
from sandbox.workspace import ResponseTarget

PERSON = "U0SANDBOX"
DM = "D0SANDBOX"
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}


async def error_of(call: Any) -> tuple[str, list[str]]:
    with pytest.raises(SlackApiError) as raised:
        await call
    response = raised.value.response
    return response["error"], (response.get("response_metadata") or {}).get("messages", [])


async def raw_call(sandbox: Sandbox, method: str, **kwargs: Any) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(sandbox.api_url + method, **kwargs) as response,
    ):
        assert response.status == 200
        body: dict[str, Any] = await response.json()
        return body


async def test_auth_test_names_the_bot_user(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    response = await slack.auth_test()
    assert response["ok"] is True
    assert response["user_id"] == sandbox.identity.bot_user_id
    assert response["bot_id"] == sandbox.identity.bot_id
    assert response["team_id"] == "T0SANDBOX"
    assert response["url"] == sandbox.url


async def test_missing_and_wrong_tokens_are_refused(sandbox: Sandbox) -> None:
    assert await raw_call(sandbox, "auth.test") == {"ok": False, "error": "not_authed"}
    wrong = AsyncWebClient(token="xoxb-not-the-bot", base_url=sandbox.api_url)
    assert (await error_of(wrong.auth_test()))[0] == "invalid_auth"
    # A token in the form body counts, as on Slack.
    body = await raw_call(sandbox, "auth.test", data={"token": sandbox.bot_token})
    assert body["ok"] is True


async def test_unknown_method(sandbox: Sandbox) -> None:
    headers = {"Authorization": f"Bearer {sandbox.bot_token}"}
    body = await raw_call(sandbox, "chat.teleport", headers=headers)
    assert body == {"ok": False, "error": "unknown_method"}


async def test_post_message_to_a_user_id_lands_in_the_dm(
    slack: AsyncWebClient, sandbox: Sandbox
) -> None:
    response = await slack.chat_postMessage(channel=PERSON, text="hi", blocks=[SECTION])
    assert response["channel"] == DM
    message = response["message"]
    assert message["bot_id"] == sandbox.identity.bot_id
    assert message["user"] == sandbox.identity.bot_user_id
    # Slack gives every block an id.
    assert message["blocks"][0]["block_id"]
    assert sandbox.workspace.find_message(DM, response["ts"]) is not None


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
async def test_post_message_errors(slack: AsyncWebClient) -> None:
    assert (await error_of(slack.chat_postMessage(channel="C0NOPE", text="x")))[0] == (
        "channel_not_found"
    )
    assert (await error_of(slack.chat_postMessage(channel=DM)))[0] == "no_text"
    assert (await error_of(slack.chat_postMessage(channel=DM, text="x" * 40_001)))[0] == (
        "msg_too_long"
    )
    assert (await error_of(slack.chat_postMessage(channel=DM, text="x", thread_ts="1.2")))[0] == (
        "invalid_thread_ts"
    )


async def test_blocks_over_slack_limits_are_invalid_blocks(slack: AsyncWebClient) -> None:
    header = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    error, messages = await error_of(slack.chat_postMessage(channel=DM, text="x", blocks=[header]))
    assert error == "invalid_blocks"
    assert messages == [
        "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]
    error, messages = await error_of(
        slack.chat_postMessage(channel=DM, text="x", blocks=[{"type": "divider"}] * 51)
    )
    assert error == "invalid_blocks"
    assert "no more than 50 items allowed" in messages[0]


async def test_form_encoded_arguments_are_read_like_json_ones(sandbox: Sandbox) -> None:
    body = await raw_call(
        sandbox,
        "chat.postMessage",
        headers={"Authorization": f"Bearer {sandbox.bot_token}"},
        data={"channel": DM, "text": "form", "blocks": json.dumps([SECTION])},
    )
    assert body["ok"] is True
    assert body["message"]["blocks"][0]["text"]["text"] == "*hello*"


async def test_thread_replies_update_the_parent(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    parent = await slack.chat_postMessage(channel=DM, text="problem")
    reply = await slack.chat_postMessage(channel=DM, text="opening", thread_ts=parent["ts"])
    # A reply's ts names its thread too.
    await slack.chat_postMessage(channel=DM, text="second", thread_ts=reply["ts"])
    stored = sandbox.workspace.find_message(DM, parent["ts"])
    assert stored is not None
    assert stored["reply_count"] == 2
    assert stored["thread_ts"] == parent["ts"]
    assert reply["message"]["thread_ts"] == parent["ts"]
    assert reply["message"]["parent_user_id"] == sandbox.identity.bot_user_id


async def test_conversations_replies_pages_and_includes_metadata_on_request(
    slack: AsyncWebClient,
) -> None:
    metadata = {"event_type": "marker", "event_payload": {"n": 0}}
    parent = await slack.chat_postMessage(channel=DM, text="p", metadata=metadata)
    for n in range(3):
        await slack.chat_postMessage(channel=DM, text=f"r{n}", thread_ts=parent["ts"])

    plain = await slack.conversations_replies(channel=DM, ts=parent["ts"])
    assert [m["text"] for m in plain["messages"]] == ["p", "r0", "r1", "r2"]
    assert "metadata" not in plain["messages"][0]

    first = await slack.conversations_replies(
        channel=DM, ts=parent["ts"], limit=2, include_all_metadata=True
    )
    assert first["messages"][0]["metadata"] == metadata
    assert first["has_more"] is True
    cursor = first["response_metadata"]["next_cursor"]
    rest = await slack.conversations_replies(channel=DM, ts=parent["ts"], cursor=cursor)
    assert [m["text"] for m in rest["messages"]] == ["r1", "r2"]
    assert rest["has_more"] is False

    assert (await error_of(slack.conversations_replies(channel=DM, ts="9.9")))[0] == (
        "thread_not_found"
    )
    assert (await error_of(slack.conversations_replies(channel="C0NOPE", ts="9.9")))[0] == (
        "channel_not_found"
    )


async def test_conversations_history_is_top_level_newest_first(slack: AsyncWebClient) -> None:
    first = await slack.chat_postMessage(channel=DM, text="first")
    await slack.chat_postMessage(channel=DM, text="reply", thread_ts=first["ts"])
    await slack.chat_postMessage(channel=DM, text="second")
    history = await slack.conversations_history(channel=DM)
    assert [m["text"] for m in history["messages"]] == ["second", "first"]


async def test_conversations_open(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    opened = await slack.conversations_open(users=PERSON)
    assert opened["channel"]["id"] == DM
    assert (await error_of(slack.conversations_open(users="U0NOBODY")))[0] == "user_not_found"
    headers = {"Authorization": f"Bearer {sandbox.bot_token}"}
    body = await raw_call(sandbox, "conversations.open", headers=headers)
    assert body == {"ok": False, "error": "users_list_not_supplied"}


async def test_update_and_delete(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    posted = await slack.chat_postMessage(channel=DM, text="before", blocks=[SECTION])
    updated = await slack.chat_update(channel=DM, ts=posted["ts"], text="after", blocks=[])
    assert updated["text"] == "after"
    assert "blocks" not in updated["message"]
    assert updated["message"]["edited"]["user"] == sandbox.identity.bot_user_id
    assert (await error_of(slack.chat_update(channel=DM, ts="1.000001", text="x")))[0] == (
        "message_not_found"
    )

    await sandbox.person.send_message("mine")
    mine = next(m for m in sandbox.workspace.top_level(DM) if m["user"] == PERSON)
    assert (await error_of(slack.chat_update(channel=DM, ts=mine["ts"], text="x")))[0] == (
        "cant_update_message"
    )
    assert (await error_of(slack.chat_delete(channel=DM, ts=mine["ts"])))[0] == (
        "cant_delete_message"
    )

    deleted = await slack.chat_delete(channel=DM, ts=posted["ts"])
    assert deleted["ts"] == posted["ts"]
    assert sandbox.workspace.find_message(DM, posted["ts"]) is None


async def test_permalink_opens_the_page_at_the_message(
    slack: AsyncWebClient, sandbox: Sandbox
) -> None:
    parent = await slack.chat_postMessage(channel=DM, text="p")
    reply = await slack.chat_postMessage(channel=DM, text="r", thread_ts=parent["ts"])
    link = (await slack.chat_getPermalink(channel=DM, message_ts=parent["ts"]))["permalink"]
    assert link == f"{sandbox.url}archives/{DM}/p{parent['ts'].replace('.', '')}"
    reply_link = (await slack.chat_getPermalink(channel=DM, message_ts=reply["ts"]))["permalink"]
    assert reply_link.endswith(f"?thread_ts={parent['ts']}&cid={DM}")
    async with aiohttp.ClientSession() as session, session.get(link) as response:
        assert response.status == 200
        assert "Interview Bot" in await response.text()
    assert (await error_of(slack.chat_getPermalink(channel=DM, message_ts="1.1")))[0] == (
        "message_not_found"
    )


async def test_post_ephemeral(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    response = await slack.chat_postEphemeral(channel=DM, user=PERSON, text="only you")
    assert response["message_ts"]
    [ephemeral] = sandbox.workspace.ephemerals.values()
    assert ephemeral["text"] == "only you"
    error, _ = await error_of(slack.chat_postEphemeral(channel=DM, user="U0OTHER", text="x"))
    assert error == "user_not_in_channel"


async def test_reactions(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    posted = await slack.chat_postMessage(channel=DM, text="x")
    await slack.reactions_add(channel=DM, timestamp=posted["ts"], name="eyes")
    assert (await error_of(slack.reactions_add(channel=DM, timestamp=posted["ts"], name="eyes")))[
        0
    ] == "already_reacted"
    await slack.reactions_remove(channel=DM, timestamp=posted["ts"], name="eyes")
    assert (
        await error_of(slack.reactions_remove(channel=DM, timestamp=posted["ts"], name="eyes"))
    )[0] == "no_reaction"


async def test_users_info(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    person = (await slack.users_info(user=PERSON))["user"]
    assert person["name"] == "ada"
    assert person["is_bot"] is False
    bot_user = (await slack.users_info(user=sandbox.identity.bot_user_id))["user"]
    assert bot_user["is_bot"] is True
    assert (await error_of(slack.users_info(user="U0NOBODY")))[0] == "user_not_found"


def home_view(blocks: int = 1) -> dict[str, Any]:
    return {"type": "home", "blocks": [SECTION] * blocks}


async def test_views_publish(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    published = await slack.views_publish(user_id=PERSON, view=home_view())
    view = published["view"]
    assert view["type"] == "home"
    assert view["id"].startswith("V")
    assert sandbox.workspace.home_views[PERSON]["id"] == view["id"]

    again = await slack.views_publish(user_id=PERSON, view=home_view(2), hash=view["hash"])
    assert again["view"]["id"] == view["id"]
    assert len(again["view"]["blocks"]) == 2
    stale = slack.views_publish(user_id=PERSON, view=home_view(), hash=view["hash"])
    assert (await error_of(stale))[0] == "hash_conflict"

    error, messages = await error_of(slack.views_publish(user_id=PERSON, view=home_view(101)))
    assert error == "invalid_arguments"
    assert any("no more than 100 items" in message for message in messages)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "t"}, "blocks": []}
    assert (await error_of(slack.views_publish(user_id=PERSON, view=modal)))[0] == (
        "invalid_arguments"
    )
    assert (await error_of(slack.views_publish(user_id="U0NOBODY", view=home_view())))[0] == (
        "user_not_found"
    )


MODAL = {
    "type": "modal",
    "title": {"type": "plain_text", "text": "Feedback"},
    "close": {"type": "plain_text", "text": "Close"},
    "blocks": [SECTION],
}


async def test_views_open_needs_a_fresh_trigger(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    trigger = sandbox.workspace.issue_trigger()
    opened = await slack.views_open(trigger_id=trigger, view=MODAL)
    assert opened["view"]["type"] == "modal"
    assert [view["id"] for view in sandbox.workspace.modal_stack] == [opened["view"]["id"]]
    assert (await error_of(slack.views_open(trigger_id=trigger, view=MODAL)))[0] == (
        "exchanged_trigger_id"
    )
    assert (await error_of(slack.views_open(trigger_id="1.2.3", view=MODAL)))[0] == (
        "invalid_trigger_id"
    )
    stale = sandbox.workspace.issue_trigger()
    sandbox.workspace.triggers[stale].issued_at -= 10
    assert (await error_of(slack.views_open(trigger_id=stale, view=MODAL)))[0] == (
        "expired_trigger_id"
    )


async def test_views_push_and_update(slack: AsyncWebClient, sandbox: Sandbox) -> None:
    root = await slack.views_open(trigger_id=sandbox.workspace.issue_trigger(), view=MODAL)
    pushed = await slack.views_push(trigger_id=sandbox.workspace.issue_trigger(), view=MODAL)
    assert pushed["view"]["root_view_id"] == root["view"]["id"]
    assert pushed["view"]["previous_view_id"] == root["view"]["id"]
    changed = {**MODAL, "title": {"type": "plain_text", "text": "Changed"}}
    updated = await slack.views_update(view_id=pushed["view"]["id"], view=changed)
    assert updated["view"]["title"]["text"] == "Changed"
    assert sandbox.workspace.modal_stack[-1]["title"]["text"] == "Changed"
    assert (await error_of(slack.views_update(view_id="V0NOPE", view=MODAL)))[0] == "not_found"


async def test_files_info_and_download_need_the_bot_token(
    slack: AsyncWebClient, sandbox: Sandbox
) -> None:
    await sandbox.person.create_snippet(title="a.py", filetype="python", content="print(1)\n")
    [stored] = sandbox.workspace.files.values()
    info = (await slack.files_info(file=stored.info["id"]))["file"]
    assert info["mode"] == "snippet"
    assert info["filetype"] == "python"
    assert info["size"] == len("print(1)\n")
    assert (await error_of(slack.files_info(file="F0NOPE")))[0] == "file_not_found"

    url = info["url_private_download"]
    async with aiohttp.ClientSession() as session:
        headers = {"Authorization": f"Bearer {sandbox.bot_token}"}
        async with session.get(url, headers=headers) as response:
            assert response.status == 200
            assert await response.read() == b"print(1)\n"
        # Without the token Slack answers 200 with its sign-in page, not the file.
        async with session.get(url) as response:
            assert response.status == 200
            assert response.content_type == "text/html"
            assert "Sign in" in await response.text()
        wrong = {"Authorization": "Bearer xoxb-wrong"}
        async with session.get(info["url_private"], headers=wrong) as response:
            assert "print(1)" not in await response.text()


def ephemeral_target(sandbox: Sandbox, ephemeral_id: str | None) -> str:
    return sandbox.workspace.issue_response_url(
        ResponseTarget(
            channel=DM,
            user=PERSON,
            thread_ts=None,
            original=("ephemeral", ephemeral_id) if ephemeral_id else None,
        )
    )


async def test_response_url_replaces_deletes_and_posts(sandbox: Sandbox) -> None:
    card = sandbox.workspace.post_ephemeral(
        DM, user=PERSON, text="card", blocks=[SECTION], thread_ts=None
    )
    webhook = AsyncWebhookClient(ephemeral_target(sandbox, card["id"]))
    replaced = await webhook.send(text="started", replace_original=True)
    assert replaced.status_code == 200
    assert sandbox.workspace.ephemerals[card["id"]]["text"] == "started"
    assert "blocks" not in sandbox.workspace.ephemerals[card["id"]]

    await webhook.send(text="a new ephemeral")
    assert len(sandbox.workspace.ephemerals) == 2
    await webhook.send(text="for everyone", response_type="in_channel")
    assert sandbox.workspace.top_level(DM)[0]["text"] == "for everyone"
    await webhook.send(delete_original=True)
    assert card["id"] not in sandbox.workspace.ephemerals
    assert (await webhook.send(text="fifth")).status_code == 200

    # Slack allows five uses of a response_url.
    used_up = await webhook.send(text="sixth")
    assert used_up.status_code == 404
    unknown = AsyncWebhookClient(f"{sandbox.url}hooks/T0SANDBOX/nope")
    assert (await unknown.send(text="x")).status_code == 404
