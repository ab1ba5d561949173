"""Requests that are not Slack's: refused with a 4xx, never a 500, and never written to the log.

The body of a request whose signature fails is the sender's, not Slack's (a late genuine
event's user text, or lines forged to look like log records), so nothing of it is logged;
odd timestamps, deep nesting, bad bytes or content types get 400/401 with no traceback.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.logging_setup import MAX_MESSAGE_CHARS, RedactingFilter
from sandbox.bot_requests import signed_headers
from sandbox.slack_double import SIGNING_SECRET, SlackDouble
from sandbox.slow_client import Outcome, request_head, send_raw
from tests.conftest import BotHarness

USER_TEXT = "my-private-answer-4711"
FORGED_LINE = "2026-11-28 01:00:00,000 INFO bot.app: FORGED admin granted"


@pytest.fixture
async def logged_bot(
    caplog: pytest.LogCaptureFixture,
    make_bot: Callable[..., Any],
    fake_slack: SlackDouble,
    sqlite_url: str,
) -> AsyncIterator[BotHarness]:
    """The bot built while INFO is logged, as in production (Bolt's loggers take the root
    level when the app is built)."""
    caplog.set_level(logging.INFO)
    yield await make_bot(slack=fake_slack, database_url=sqlite_url)


def _port(bot: BotHarness) -> int:
    return int(bot.url.rsplit(":", 1)[1])


def _signed(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> dict[str, str]:
    base = b"v0:" + timestamp.encode("utf-8", "surrogateescape") + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": f"v0={digest}"}


async def _post(
    bot: BotHarness,
    body: bytes,
    headers: dict[str, str],
    content_type: str = "application/x-www-form-urlencoded",
) -> Outcome:
    head = request_head(
        "POST",
        "/slack/events",
        content_length=len(body),
        headers={"Content-Type": content_type, "Connection": "close", **headers},
    )
    return await send_raw(_port(bot), head + body, give_up=20)


def _command_body(text: str) -> bytes:
    return urlencode(
        {
            "command": "/start-interview",
            "text": text,
            "team_id": "T0TEAM",
            "user_id": "U0CANDIDATE",
            "channel_id": "D0CANDIDATE",
            "response_url": "http://127.0.0.1:9/none",
            "trigger_id": "1.2.3",
        }
    ).encode()


def _no_trouble_logged(caplog: pytest.LogCaptureFixture) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR and not _gc_noise(r)], (
        caplog.text[-2000:]
    )
    assert "Traceback" not in caplog.text


def _gc_noise(record: logging.LogRecord) -> bool:
    # asyncio reports other tests' unclosed sessions whenever the collector finds them.
    return record.name == "asyncio" and str(record.msg).startswith("Unclosed")


# Item: bodies that fail verification never reach the log ---------------------------------


@pytest.mark.parametrize(
    "forgery", ["wrong_secret", "stale", "garbage_signature", "missing", "forged_lines"]
)
async def test_a_refused_body_is_never_logged(
    logged_bot: BotHarness, caplog: pytest.LogCaptureFixture, forgery: str
) -> None:
    body = _command_body(f"easy {USER_TEXT}\n{FORGED_LINE}\r\n{FORGED_LINE}")
    now = int(time.time())
    headers = {
        "wrong_secret": lambda: _signed(body, str(now), "not-the-secret"),
        "stale": lambda: _signed(body, str(now - 6 * 60)),
        "garbage_signature": lambda: {
            "X-Slack-Request-Timestamp": str(now),
            "X-Slack-Signature": "v0=zz",
        },
        "missing": lambda: {},
        "forged_lines": lambda: _signed(body, str(now), "x"),
    }[forgery]()
    outcome = await _post(logged_bot, body, headers)
    assert outcome.status == 401
    assert USER_TEXT not in caplog.text and "FORGED" not in caplog.text
    assert all("\n" not in r.getMessage() for r in caplog.records)
    _no_trouble_logged(caplog)


async def test_megabyte_unsigned_posts_do_not_grow_the_log(
    logged_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    body = _command_body("x" * (1024 * 1024 - 400))
    for _ in range(5):
        outcome = await _post(
            logged_bot, body, {"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=1"}
        )
        assert outcome.status == 401
    assert len(caplog.text) < 2000, len(caplog.text)
    assert len(caplog.records) <= 2, caplog.text  # throttled: not a line per request


async def test_bolt_itself_logs_no_body_of_a_request_it_refuses(
    logged_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    # Behind the HTTP check, Bolt verifies again; what it refuses it must not log either.
    body = _command_body(f"easy {USER_TEXT}\n{FORGED_LINE}").decode()
    request = AsyncBoltRequest(
        body=body,
        headers={
            **signed_headers(body, "wrong"),
            "content-type": "application/x-www-form-urlencoded",
        },
    )
    response = await logged_bot.runtime.bolt.async_dispatch(request)
    assert response.status == 401
    assert USER_TEXT not in caplog.text and "FORGED" not in caplog.text


def test_the_log_format_keeps_request_text_on_one_line_and_short() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    log = logging.getLogger("test.one_line")
    log.addHandler(handler)
    log.propagate = False
    try:
        log.warning("file %r name %s", "x", f"a.py\n{FORGED_LINE}\r\x1b[2J")
        log.warning("text %s", "y" * (MAX_MESSAGE_CHARS * 5))
        try:
            raise ValueError(f"bad input\n{FORGED_LINE}")
        except ValueError:
            log.exception("step failed")
    finally:
        log.removeHandler(handler)
    lines = stream.getvalue().splitlines()
    # Every record starts a line with its level; nothing forged starts one.
    records = [line for line in lines if not line.startswith("  | ")]
    assert [line.split()[0] for line in records] == ["WARNING", "WARNING", "ERROR"]
    assert not any(line.startswith("2026-") for line in lines)
    assert "\x1b" not in stream.getvalue()
    assert max(len(line) for line in lines) < MAX_MESSAGE_CHARS + 200


# Item: malformed requests get a 4xx, never a 500 ------------------------------------------

NESTED = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    "timestamp",
    [
        "abc",
        "1.5",
        "",
        " 17",
        "١٢٣٤٥٦٧٨٩٠",
        "9" * 30,
        "1" * 5000,
        "-1",
        "+1700000000",
        "0x10",
        "1e9",
    ],
)
async def test_an_odd_timestamp_is_refused_with_401(
    logged_bot: BotHarness, caplog: pytest.LogCaptureFixture, timestamp: str
) -> None:
    body = _command_body("easy")
    outcome = await _post(logged_bot, body, _signed(body, timestamp))
    assert outcome.status == 401, outcome.raw[:300]
    _no_trouble_logged(caplog)


def _now() -> str:
    return str(int(time.time()))


CASES: dict[str, tuple[bytes, str, bool, set[int]]] = {
    # name: (body, content type, signed, statuses allowed)
    "nested json unsigned": (NESTED, "application/json", False, {401}),
    "nested json signed": (NESTED, "application/json", True, {400}),
    "nested interactivity payload": (
        b"payload=" + NESTED.replace(b"[", b"%5B").replace(b"]", b"%5D"),
        "application/x-www-form-urlencoded",
        True,
        {400},
    ),
    "empty body unsigned": (b"", "application/json", False, {401}),
    "empty body signed": (b"", "application/json", True, {400, 404}),
    "wrong content type unsigned": (b'{"type": "event_callback"}', "text/plain", False, {401}),
    "wrong content type signed": (b'{"type": "x"}', "image/png", True, {400, 404}),
    "invalid utf-8 unsigned": (
        b"text=\xff\xfe\xc0",
        "application/x-www-form-urlencoded",
        False,
        {401},
    ),
    "invalid utf-8 signed": (
        b"text=\xff\xfe\xc0",
        "application/x-www-form-urlencoded",
        True,
        {400},
    ),
    "huge number signed": (
        b'{"type": "event_callback", "event_time": ' + b"9" * 10_000 + b"}",
        "application/json",
        True,
        {400},
    ),
    "json list signed": (b"[1, 2, 3]", "application/json", True, {400}),
}


@pytest.mark.parametrize("case", sorted(CASES))
async def test_a_malformed_body_gets_a_4xx_without_a_traceback(
    logged_bot: BotHarness, caplog: pytest.LogCaptureFixture, case: str
) -> None:
    body, content_type, signed, allowed = CASES[case]
    headers = _signed(body, _now()) if signed else {}
    outcome = await _post(logged_bot, body, headers, content_type)
    assert outcome.status in allowed, outcome.raw[:300]
    _no_trouble_logged(caplog)
    # And the bot is fine afterwards.
    reply = await logged_bot.send.command("easy")
    assert reply.status == 200


async def test_a_non_ascii_signature_is_refused_with_401(
    logged_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    body = _command_body("easy")
    outcome = await _post(
        logged_bot,
        body,
        {"X-Slack-Request-Timestamp": _now(), "X-Slack-Signature": "v0=é" + "a" * 63},
    )
    assert outcome.status == 401, outcome.raw[:300]
    _no_trouble_logged(caplog)


async def test_a_genuine_request_still_goes_through(logged_bot: BotHarness) -> None:
    body = _command_body("easy")
    outcome = await _post(logged_bot, body, _signed(body, _now()))
    assert outcome.status == 200
    ssl_check = await _post(logged_bot, b"ssl_check=1&token=x", {})
    assert ssl_check.status == 200
