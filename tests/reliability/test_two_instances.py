"""Two bot instances on one PostgreSQL database: each event, timer and grading happens once.

Both instances are complete runtimes (their own engine, lease owner, connection pool and
HTTP port) sharing the database and Slack, as two processes behind a load balancer would.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import update

from sandbox.model_server import FakeModelServer
from sandbox.slack_double import TEAM_ID, SlackDouble
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.reliability.conftest import (
    Thread,
    assert_each_posted_once,
    bot_posts,
    click_start,
    fast_model_interviewer,
    interviews_of,
    messages_of,
    move_deadline_into_the_past,
    row_counts,
    start_interview,
)

USERS = [f"U0TWIN{n:03d}" for n in range(8)]


async def two_instances(
    launch: Any, slack: SlackDouble, pg_url: str, model: FakeModelServer | None = None
) -> tuple[BotHarness, BotHarness]:
    # One after the other: the first applies the migrations.
    first = await launch(
        slack=slack,
        database_url=pg_url,
        interviewer=fast_model_interviewer(model.base_url) if model else None,
    )
    second = await launch(
        slack=slack,
        database_url=pg_url,
        interviewer=fast_model_interviewer(model.base_url) if model else None,
    )
    assert first.runtime.engine.owner != second.runtime.engine.owner
    return first, second


async def settle_both(a: BotHarness, b: BotHarness) -> None:
    # Work one instance starts can make the other's sweep find nothing, and vice versa;
    # settle until neither has anything running.
    for _ in range(3):
        await asyncio.gather(a.settle(), b.settle())


async def test_an_event_delivered_to_both_instances_is_handled_once(
    launch: Any, fake_slack: SlackDouble, pg_url: str
) -> None:
    a, b = await two_instances(launch, fake_slack, pg_url)
    threads = [await start_interview(a if n % 2 else b, user=user) for n, user in enumerate(USERS)]
    before = {t.session_id: len(bot_posts(fake_slack, t)) for t in threads}

    async def deliver_to_both(thread: Thread, user: str, n: int) -> None:
        event = {
            "type": "message",
            "channel": thread.channel,
            "channel_type": "im",
            "user": user,
            "text": f"Question {n}: can values repeat?\n```python\nprint({n})\n```",
            "ts": f"1800000000.{n:06d}",
            "thread_ts": thread.thread_ts,
            "team": TEAM_ID,
        }
        replies = await asyncio.gather(
            a.send.event(event, event_id=f"EvTWIN{n:06d}"),
            b.send.event(event, event_id=f"EvTWIN{n:06d}", retry_num=1),
        )
        assert [r.status for r in replies] == [200, 200]

    await asyncio.gather(
        *(deliver_to_both(t, u, n) for n, (t, u) in enumerate(zip(threads, USERS, strict=True)))
    )
    await settle_both(a, b)

    counts = await row_counts(a.runtime.db)
    assert counts["code"] == len(USERS)
    for thread in threads:
        rows = await messages_of(a.runtime.db, thread.session_id)
        assert sum(1 for m in rows if m.role == "candidate") == 1
        assert sum(1 for m in rows if m.kind == "reply") == 1
        # Its code was run by one instance: one result, then the reply (and, when the
        # eight runs queued for the sandbox, a passing note of the place in the queue).
        assert sum(1 for m in rows if m.kind == "run_result") == 1
        posts = bot_posts(fake_slack, thread)[before[thread.session_id] :]
        assert len([p for p in posts if "Your code is queued" not in p["text"]]) == 2
    assert_each_posted_once(fake_slack)


async def test_a_deadline_due_on_both_instances_fires_once(
    launch: Any, fake_slack: SlackDouble, pg_url: str
) -> None:
    a, b = await two_instances(launch, fake_slack, pg_url)
    threads = [await start_interview(a, user=user) for user in USERS]
    for thread in threads:
        await move_deadline_into_the_past(a.runtime.db, thread.session_id)

    found = await asyncio.gather(
        a.runtime.engine.sweep(),
        b.runtime.engine.sweep(),
        a.runtime.engine.sweep(),
        b.runtime.engine.sweep(),
    )
    await settle_both(a, b)

    assert sum(found) >= len(USERS)  # every due interview was seen by someone
    for thread in threads:
        assert len(await interviews_of(a.runtime.db, thread.session_id)) == 1
        kinds = [m.kind for m in await messages_of(a.runtime.db, thread.session_id)]
        assert kinds.count("time_up") == 1
        assert kinds.count("scorecard") == 1
        assert kinds.count("completion_dm") == 1
    assert_each_posted_once(fake_slack)
    completions = [
        c
        for c in fake_slack.calls_to("chat.postMessage")
        if "you scored" in str(c.params.get("text"))
    ]
    assert len(completions) == len(USERS)


async def test_a_grading_claimed_by_both_instances_is_done_once(
    launch: Any, fake_slack: SlackDouble, fake_model: FakeModelServer, pg_url: str
) -> None:
    fake_model.latency = 0.05  # both instances are inside process() at the same time
    a, b = await two_instances(launch, fake_slack, pg_url, model=fake_model)
    threads = [await start_interview(a, user=user) for user in USERS[:4]]
    async with a.runtime.db.sessions() as s:
        await s.execute(
            update(InterviewSession)
            .where(InterviewSession.id.in_([t.session_id for t in threads]))
            .values(status="grading")
        )
        await s.commit()
    grading_requests_before = sum(1 for r in fake_model.requests if r.get("response_format"))

    await asyncio.gather(
        *(
            engine.process(thread.session_id)
            for thread in threads
            for engine in (a.runtime.engine, b.runtime.engine)
        )
    )
    await settle_both(a, b)

    grading_requests = sum(1 for r in fake_model.requests if r.get("response_format"))
    assert grading_requests - grading_requests_before == len(threads)
    for thread in threads:
        assert len(await interviews_of(a.runtime.db, thread.session_id)) == 1
    assert (await row_counts(b.runtime.db))["interviews"] == len(threads)
    assert_each_posted_once(fake_slack)


async def test_a_double_click_on_two_instances_starts_one_interview(
    launch: Any, fake_slack: SlackDouble, pg_url: str
) -> None:
    a, b = await two_instances(launch, fake_slack, pg_url)
    statuses = await asyncio.gather(*(click_start(bot) for bot in (a, b, a, b, a, b)))
    await settle_both(a, b)

    assert list(statuses) == [200] * 6
    assert (await row_counts(a.runtime.db))["sessions"] == 1
    roots = [c for c in fake_slack.calls_to("chat.postMessage") if not c.params.get("thread_ts")]
    assert len(roots) == 1
    assert_each_posted_once(fake_slack)
