"""The one builder of Slack's requests to the bot: Slack's shapes, Slack's signature."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from slack_sdk.signature import SignatureVerifier

from sandbox.bot_requests import (
    FORM,
    JSON,
    USER_AGENT,
    BotRequest,
    BotRequests,
    form_encode,
    signed_headers,
    socket_envelope,
)
from sandbox.workspace import Identity

SECRET = "builder-test-signing-secret"
IDENTITY = Identity(person_name="ada", bot_token="xoxb-test", verification_token="vt")


def form_of(request: BotRequest) -> dict[str, str]:
    assert request.content_type == FORM
    return {key: values[0] for key, values in parse_qs(request.body.decode()).items()}


def payload_of(request: BotRequest) -> dict[str, Any]:
    parsed: dict[str, Any] = json.loads(form_of(request)["payload"])
    return parsed


def envelope_of(request: BotRequest) -> dict[str, Any]:
    assert request.content_type == JSON
    parsed: dict[str, Any] = json.loads(request.body)
    return parsed


@pytest.mark.parametrize(
    "fields",
    [
        {"text": "hard graphs", "command": "/start-interview"},
        {"payload": '{"a": "b c", "d": [1, 2.5, null], "e": "<&>+%=?#/\\\\"}'},
        {"text": "naïve café — 漢字 🙂", "empty": ""},
        {"all": "".join(chr(c) for c in range(32, 127))},
        {"controls": "line\nbreak\ttab\r\x00"},
    ],
)
def test_form_encoding_is_urlencode_byte_for_byte(fields: dict[str, str]) -> None:
    assert form_encode(fields) == urlencode(fields).encode()


def test_signature_is_the_one_slack_sdk_verifies() -> None:
    request = BotRequests(IDENTITY).slash_command(text="easy")
    headers = request.headers(SECRET)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(request.body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(request.body, headers)
    assert headers["Content-Type"] == FORM
    assert headers["User-Agent"] == USER_AGENT
    assert "X-Slack-Retry-Num" not in headers


def test_signed_at_a_given_time() -> None:
    body = b'{"type":"event_callback"}'
    then = int(time.time()) - 600
    headers = signed_headers(body, SECRET, then)
    assert headers["X-Slack-Request-Timestamp"] == str(then)
    assert headers == signed_headers(body.decode(), SECRET, then)
    assert (
        headers["X-Slack-Signature"] != signed_headers(body, SECRET, then + 1)["X-Slack-Signature"]
    )


def test_a_retried_event_carries_slacks_retry_headers_and_the_same_body() -> None:
    request = BotRequests(IDENTITY).message("hello")
    retried = request.retried(2, "http_error")
    headers = retried.headers(SECRET)
    assert retried.body == request.body
    assert headers["X-Slack-Retry-Num"] == "2"
    assert headers["X-Slack-Retry-Reason"] == "http_error"
    assert SignatureVerifier(SECRET).is_valid_request(retried.body, headers)
    assert request.retried(1).retry == (1, "http_timeout")


def test_slash_command_has_slacks_fields_from_the_identity() -> None:
    requests = BotRequests(IDENTITY, response_url="http://127.0.0.1:1/hooks/T/card")
    first = form_of(requests.slash_command(text="hard graphs"))
    second = form_of(requests.slash_command(user="U0OTHER42", channel="C0GENERAL"))
    assert first["command"] == "/start-interview"
    assert first["text"] == "hard graphs"
    assert (first["user_id"], first["user_name"]) == ("U0SANDBOX", "ada")
    assert first["channel_id"] == "D0SANDBOX"
    assert (first["team_id"], first["team_domain"]) == ("T0SANDBOX", "sandbox")
    assert (first["api_app_id"], first["token"]) == ("A0SANDBOX", "vt")
    assert first["response_url"].startswith("http://127.0.0.1:1/hooks/T/card-")
    # Each request has its own response_url and trigger_id, as Slack's do.
    assert first["response_url"] != second["response_url"]
    assert first["trigger_id"] != second["trigger_id"]
    assert (second["user_id"], second["user_name"]) == ("U0OTHER42", "u0other42")
    assert second["channel_id"] == "C0GENERAL"


def test_slash_command_keeps_what_the_caller_gives() -> None:
    fields = form_of(
        BotRequests(IDENTITY).slash_command(
            command="/other", response_url="http://x/hook", trigger_id="trig.given"
        )
    )
    assert (fields["command"], fields["response_url"], fields["trigger_id"]) == (
        "/other",
        "http://x/hook",
        "trig.given",
    )


def test_block_actions_on_a_message_carry_state_and_a_response_url() -> None:
    requests = BotRequests(IDENTITY, response_url="http://127.0.0.1:1/hooks/T/card")
    state = {"difficulty": {"select_difficulty": {"selected_option": {"value": "hard"}}}}
    payload = payload_of(
        requests.block_actions(
            requests.button("start_interview", value="go"), user="U0BENCH001", state=state
        )
    )
    assert payload["type"] == "block_actions"
    assert payload["user"] == {
        "id": "U0BENCH001",
        "username": "u0bench001",
        "name": "u0bench001",
        "team_id": "T0SANDBOX",
    }
    assert payload["team"] == {"id": "T0SANDBOX", "domain": "sandbox"}
    [action] = payload["actions"]
    assert (action["action_id"], action["type"], action["value"]) == (
        "start_interview",
        "button",
        "go",
    )
    # By default the click is on an ephemeral message in the user's own DM.
    assert payload["container"]["channel_id"] == "D0BENCH001"
    assert payload["container"]["is_ephemeral"] is True
    assert payload["state"] == {"values": state}
    assert payload["response_url"].startswith("http://127.0.0.1:1/hooks/T/card-")
    assert payload["trigger_id"].startswith("trig.")


def test_block_actions_in_a_view_have_no_state_values_or_response_url() -> None:
    requests = BotRequests(IDENTITY, response_url="http://127.0.0.1:1/hooks/T/card")
    view = {"id": "V1", "type": "home", "state": {"values": {}}}
    payload = payload_of(
        requests.block_actions(
            requests.selection("pick", {"value": "hard"}, block_id="b"),
            container={"type": "view", "view_id": "V1"},
            view=view,
        )
    )
    assert payload["view"] == view
    assert "state" not in payload
    assert "response_url" not in payload
    assert payload["actions"][0]["selected_option"] == {"value": "hard"}
    assert payload["user"]["username"] == "ada"


def test_events_come_in_slacks_envelope_with_ids_unique_across_builders() -> None:
    one, two = BotRequests(IDENTITY), BotRequests(IDENTITY)
    ids = {envelope_of(b.message("hi"))["event_id"] for b in (one, two, one, two)}
    assert len(ids) == 4
    envelope = envelope_of(one.message("hi", event_id="EvGIVEN"))
    assert envelope["event_id"] == "EvGIVEN"
    assert envelope["type"] == "event_callback"
    assert (envelope["team_id"], envelope["api_app_id"], envelope["token"]) == (
        "T0SANDBOX",
        "A0SANDBOX",
        "vt",
    )
    assert envelope["authorizations"][0]["user_id"] == IDENTITY.bot_user_id
    assert one.message("hi", event_id="EvGIVEN").event_id == "EvGIVEN"
    assert one.slash_command().event_id is None


def test_a_message_in_a_thread_and_a_file_share() -> None:
    requests = BotRequests(IDENTITY)
    plain = envelope_of(requests.message("Can it be empty?", thread_ts="1.5"))["event"]
    assert plain["type"] == "message"
    assert plain["channel_type"] == "im"
    assert (plain["user"], plain["channel"]) == ("U0SANDBOX", "D0SANDBOX")
    assert plain["thread_ts"] == "1.5"
    assert plain["ts"] == plain["event_ts"]
    assert "subtype" not in plain
    file = {"id": "F1", "name": "solution.py"}
    shared = envelope_of(requests.message("", user="U0OTHER", files=[file]))["event"]
    assert shared["subtype"] == "file_share"
    assert shared["files"] == [file]
    assert shared["channel"] == "D0OTHER"
    assert "thread_ts" not in shared
    assert plain["ts"] != shared["ts"]


def test_home_opened_names_the_tab_and_carries_the_view_when_given() -> None:
    requests = BotRequests(IDENTITY)
    home = envelope_of(requests.home_opened(view={"id": "V9"}))["event"]
    assert (home["type"], home["tab"], home["user"]) == ("app_home_opened", "home", "U0SANDBOX")
    assert home["view"] == {"id": "V9"}
    messages = envelope_of(requests.home_opened(user="U0OTHER", tab="messages"))["event"]
    assert (messages["tab"], messages["channel"]) == ("messages", "D0OTHER")
    assert "view" not in messages


def test_socket_mode_carries_the_same_payloads_in_slacks_envelopes() -> None:
    requests = BotRequests(IDENTITY)
    command = requests.slash_command(text="hard")
    as_command = socket_envelope(command, envelope_id="e1")
    assert (as_command["type"], as_command["accepts_response_payload"]) == ("slash_commands", True)
    assert as_command["payload"] == form_of(command)
    assert as_command["envelope_id"] == "e1"

    click = requests.block_actions(requests.button("start_interview"))
    as_click = socket_envelope(click, envelope_id="e2")
    assert (as_click["type"], as_click["accepts_response_payload"]) == ("interactive", False)
    assert as_click["payload"] == payload_of(click)
    submission = requests.interaction(requests.payload("view_submission", view={"id": "V1"}))
    assert socket_envelope(submission, envelope_id="e3")["accepts_response_payload"] is True

    message = requests.message("hi")
    as_event = socket_envelope(message, envelope_id="e4")
    assert (as_event["type"], as_event["retry_attempt"]) == ("events_api", 0)
    assert as_event["payload"] == envelope_of(message)
    again = socket_envelope(message.retried(2, "http_error"), envelope_id="e5")
    assert (again["retry_attempt"], again["retry_reason"]) == (2, "http_error")
    assert again["payload"] == as_event["payload"]
