"""Failures of others: the model and Slack time out, rate-limit, fail and send nonsense.

The candidate sees a short "retrying" note and then the answer, or an apology after the last
retry, while their message stays pending and is answered once the model is back. Slack's
429s and 5xx are retried by slack_sdk's retry handlers and a message is posted once.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from sandbox.model_server import (
    DEFAULT_GRADE,
    Behaviour,
    Delay,
    Empty,
    FakeModelServer,
    GradeReply,
    Malformed,
    Reply,
    Status,
)
from sandbox.slack_double import USER_ID, SlackDouble
from tests.reliability.conftest import (
    RecordedSlackWaits,
    RecordedSleeps,
    assert_each_posted_once,
    bot_posts,
    fast_model_interviewer,
    interviews_of,
    launch_model_bot,
    messages_of,
    row_counts,
    say,
    start_interview,
    texts,
    unanswered,
    wait_for,
)

RETRYING = "retrying"
SORRY = "unavailable"


@pytest.mark.parametrize(
    ("failure", "expected_wait"),
    [
        (Status(429, headers={"Retry-After": "3"}), 3.0),
        (Status(500), 0.5),
        (Status(503), 0.5),
        (Delay(1.5, Reply("too late")), 0.5),  # longer than the client's timeout
        (Empty(), 0.5),
    ],
    ids=["429_retry_after", "500", "503", "timeout", "empty_reply"],
)
async def test_a_failed_model_call_shows_the_retrying_note_then_the_answer(
    launch: Any,
    fake_slack: SlackDouble,
    fake_model: FakeModelServer,
    sqlite_url: str,
    failure: Behaviour,
    expected_wait: float,
) -> None:
    sleeps = RecordedSleeps()
    bot = await launch(
        slack=fake_slack,
        database_url=sqlite_url,
        interviewer=fast_model_interviewer(fake_model.base_url, timeout=0.5, sleeps=sleeps),
    )
    thread = await start_interview(bot)
    fake_model.enqueue(failure, Reply("Good question: the list can be empty."))

    await say(bot, thread, "Can the list be empty?")
    await bot.settle()

    after_opening = texts(fake_slack, thread)[1:]
    assert len(after_opening) == 2
    assert RETRYING in after_opening[0]
    assert after_opening[1] == "Good question: the list can be empty."
    assert sleeps.delays == [expected_wait]  # Retry-After honoured, else the back-off
    assert not unanswered(await messages_of(bot.runtime.db, thread.session_id))
    assert_each_posted_once(fake_slack)


class SwitchableModel:
    """A model endpoint on a fixed port that can be down (connection refused) or up."""

    def __init__(self, upstream: FakeModelServer) -> None:
        self.upstream = upstream
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def up(self) -> None:
        if self._runner is not None:
            return

        async def forward(request: web.Request) -> web.Response:
            async with (
                aiohttp.ClientSession() as http,
                http.post(
                    f"{self.upstream.base_url}/chat/completions",
                    data=await request.read(),
                    headers={"Content-Type": "application/json"},
                ) as response,
            ):
                return web.Response(
                    status=response.status,
                    body=await response.read(),
                    content_type=response.content_type,
                )

        app = web.Application()
        app.router.add_post("/v1/chat/completions", forward)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def down(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@pytest.fixture
async def switchable_model(fake_model: FakeModelServer) -> AsyncIterator[SwitchableModel]:
    model = SwitchableModel(fake_model)
    try:
        yield model
    finally:
        await model.down()


@pytest.mark.parametrize("outage", ["server_errors", "connection_refused"])
async def test_after_the_last_retry_an_apology_and_the_message_is_answered_later(
    launch: Any,
    fake_slack: SlackDouble,
    fake_model: FakeModelServer,
    switchable_model: SwitchableModel,
    sqlite_url: str,
    outage: str,
) -> None:
    await switchable_model.up()
    bot = await launch(
        slack=fake_slack,
        database_url=sqlite_url,
        interviewer=fast_model_interviewer(switchable_model.base_url),
    )
    thread = await start_interview(bot)
    if outage == "server_errors":
        fake_model.enqueue(Status(500), Status(502), Status(500))
    else:
        await switchable_model.down()

    await say(bot, thread, "Should I handle negative numbers?")
    await bot.settle()

    posted = texts(fake_slack, thread)[1:]
    assert len(posted) == 2
    assert RETRYING in posted[0] and SORRY in posted[1]
    pending = unanswered(await messages_of(bot.runtime.db, thread.session_id))
    assert [m.text for m in pending] == ["Should I handle negative numbers?"]

    # The model is back: the sweep answers the saved message, without a second apology.
    await switchable_model.up()
    fake_model.enqueue(Reply("Yes, negatives can appear."))
    await bot.runtime.start()
    await wait_for(lambda: len(texts(fake_slack, thread)) == 4)
    await bot.settle()

    assert texts(fake_slack, thread)[-1] == "Yes, negatives can appear."
    assert not unanswered(await messages_of(bot.runtime.db, thread.session_id))
    assert sum(SORRY in t for t in texts(fake_slack, thread)) == 1
    assert_each_posted_once(fake_slack)


GOOD_GRADE = {**DEFAULT_GRADE, "overall": 64, "summary": "Graded by the model, second try."}


@pytest.mark.parametrize(
    ("answers", "graded_by"),
    [
        ([GradeReply({**DEFAULT_GRADE, "overall": 150}), GradeReply(GOOD_GRADE)], "model"),
        ([Malformed("Sure! Here is the grade: great job"), GradeReply(GOOD_GRADE)], "model"),
        ([Malformed("not json"), GradeReply({**DEFAULT_GRADE, "code_quality": -5})], "fallback"),
        ([GradeReply({"overall": "95"}), Malformed("{")], "fallback"),
        ([Status(500), Status(500), Status(500)], "fallback"),
    ],
    ids=[
        "out_of_range_then_valid",
        "prose_then_valid",
        "twice_malformed",
        "wrong_types",
        "unavailable",
    ],
)
async def test_bad_grading_output_is_retried_once_then_graded_by_the_rubric(
    launch: Any,
    fake_slack: SlackDouble,
    fake_model: FakeModelServer,
    sqlite_url: str,
    answers: list[Behaviour],
    graded_by: str,
) -> None:
    bot = await launch_model_bot(launch, fake_slack, fake_model, sqlite_url)
    thread = await start_interview(bot)
    await say(bot, thread, "I'd use a hash map: one pass, O(n) time.\n```python\nprint(1)\n```")
    await bot.settle()
    fake_model.enqueue(*answers)

    await say(bot, thread, "done")
    await bot.settle()

    rows = await interviews_of(bot.runtime.db, thread.session_id)
    assert len(rows) == 1
    assert rows[0].graded_by == graded_by
    scores = (
        rows[0].overall_score,
        rows[0].communication_score,
        rows[0].problem_solving_score,
        rows[0].code_quality_score,
    )
    assert all(0 <= s <= 100 for s in scores)
    if graded_by == "model":
        # `print(1)` defines nothing the statement asks for: the cap says so first.
        assert rows[0].feedback.endswith(GOOD_GRADE["summary"])
    assert fake_model.pending_behaviours == 0
    assert any("Interview complete" in t for t in texts(fake_slack, thread))


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_slack_rate_limits_and_server_errors_are_retried_and_posted_once(
    launch: Any,
    fake_slack: SlackDouble,
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
    status: int,
) -> None:
    waits = RecordedSlackWaits(monkeypatch)
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    fake_slack.fail("chat.postMessage", status, times=2, retry_after=7 if status == 429 else None)

    await say(bot, thread, "Can the list be empty?")
    await bot.settle()

    assert len(bot_posts(fake_slack, thread)) == 2  # the opening and this answer
    assert len(fake_slack.calls_to("chat.postMessage")) == 2 + 3  # two refused, one taken
    assert len(waits.waits) == 2
    if status == 429:
        assert all(7 <= w < 8 for w in waits.waits)  # Retry-After plus jitter under a second
    assert not unanswered(await messages_of(bot.runtime.db, thread.session_id))
    assert_each_posted_once(fake_slack)


async def test_a_post_that_keeps_failing_is_retried_later_not_dropped(
    launch: Any, fake_slack: SlackDouble, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    RecordedSlackWaits(monkeypatch)
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    # More failures than slack_sdk retries: the engine gives up for now and backs off.
    fake_slack.fail("chat.postMessage", 503, times=5)

    await say(bot, thread, "Can the list be empty?")
    await bot.settle()
    assert len(bot_posts(fake_slack, thread)) == 1
    pending = [m for m in await messages_of(bot.runtime.db, thread.session_id) if m.kind == "reply"]
    assert len(pending) == 1 and pending[0].slack_ts is None and pending[0].post_attempts == 1

    await bot.runtime.start()
    await wait_for(lambda: len(bot_posts(fake_slack, thread)) == 2)
    await bot.settle()
    assert_each_posted_once(fake_slack)
    assert not unanswered(await messages_of(bot.runtime.db, thread.session_id))


@pytest.mark.parametrize(
    ("served", "reason"),
    [
        ("login_page", "web page"),
        ("missing", "no longer exists"),
    ],
)
async def test_a_file_that_cannot_be_downloaded_gets_a_clear_reply(
    launch: Any, fake_slack: SlackDouble, sqlite_url: str, served: str, reason: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    page = b"<!DOCTYPE html>\n<html><head><title>Slack</title></head><body>Sign in</body></html>"
    file = fake_slack.add_file("F0BROKEN", page, name="solution.py", mimetype="text/html")
    if served == "missing":
        del fake_slack.files["F0BROKEN"]

    reply = await bot.send.dm("", channel=thread.channel, thread_ts=thread.thread_ts, files=[file])
    await bot.settle()

    assert reply.status == 200
    posted = texts(fake_slack, thread)
    notice = [t for t in posted if "solution.py" in t]
    assert len(notice) == 1 and reason in notice[0]
    assert (await row_counts(bot.runtime.db))["code"] == 0
    assert not unanswered(await messages_of(bot.runtime.db, thread.session_id))


async def test_file_shared_events_are_acked_and_ignored(
    launch: Any, fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    before = await row_counts(bot.runtime.db)
    for kind in ("file_shared", "file_created"):
        reply = await bot.send.event(
            {
                "type": kind,
                "file_id": "F0SHARED",
                "user_id": USER_ID,
                "file": {"id": "F0SHARED"},
                "channel_id": "D0CANDIDATE",
                "event_ts": "1800000000.000100",
            }
        )
        assert reply.status == 200
    await bot.settle()

    assert await row_counts(bot.runtime.db) == before
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
