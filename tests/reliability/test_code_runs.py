"""Candidate code run inside the interview, through the real Bolt app, the Slack double and
the real bubblewrap sandbox: every submission gets its result in the thread before the
interviewer answers, `run` and Run again re-run it, a language that cannot be told is asked
for, one the bot cannot run is answered plainly, a server without the sandbox says so once
and never runs code, and a run cut short by a crash is run again with one result posted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.execution import CodeRunner, RunResult, Submission
from bot.execution.cases import RunnableProblem
from bot.execution.pool import QueueNotice
from bot.execution.sandbox import Sandbox
from bot.interview.worker import EngineTuning
from handlers.blocks import ids
from sandbox.slack_double import SlackDouble
from storage.models import Message
from tests.conftest import start_bot, stop_bot
from tests.reliability.conftest import (
    FAST_TUNING,
    Thread,
    assert_each_posted_once,
    bot_posts,
    fenced,
    interviews_of,
    kinds,
    messages_of,
    results_of,
    say,
    say_and_settle,
    source,
    start_interview,
    wait_for,
)

OTHER_USER = "U0SOMEONE2"


class CountingRunner(CodeRunner):
    """The real runner, counting the submissions it was asked to run."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.submissions: list[Submission] = []

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        self.submissions.append(submission)
        return await super().run(problem, submission, on_queued=on_queued)


class DiesAfterRunning(CountingRunner):
    """Runs the code for real, then never returns: the process "dies" between the run and
    the write of its result."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ran = asyncio.Event()

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        await super().run(problem, submission, on_queued=on_queued)
        self.ran.set()
        await asyncio.Event().wait()
        raise AssertionError("unreachable")


class SlowToStart(CountingRunner):
    """A run that takes longer than a lease: the code waits for its sandbox slot."""

    def __init__(self, delay: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.delay = delay

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        await asyncio.sleep(self.delay)
        return await super().run(problem, submission, on_queued=on_queued)


class AlwaysFails(CountingRunner):
    """A runner broken on the bot's side: every run raises."""

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        self.submissions.append(submission)
        raise RuntimeError("the runner is broken")


def thread_texts(slack: SlackDouble, thread: Thread) -> list[str]:
    return [str(m.get("text")) for m in bot_posts(slack, thread)]


async def test_a_fenced_solution_is_run_and_its_result_comes_before_the_reply(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    await say_and_settle(bot, thread, fenced(await source(bot, thread)))

    [(row, result)] = await results_of(bot, thread)
    assert result.status == "ok" and result.language == "python"
    assert result.total > 0 and result.passed == result.total
    assert f"{result.total}/{result.total} tests passed" in row.text
    # Posted, and in the thread before the interviewer's answer to the same message.
    assert row.slack_ts is not None
    said = await kinds(bot, thread)
    assert said[-2:] == ["run_result", "reply"]
    posted = thread_texts(fake_slack, thread)
    at = next(i for i, t in enumerate(posted) if "tests passed" in t)
    assert at == len(posted) - 2
    assert_each_posted_once(fake_slack)


async def test_a_snippet_is_run_by_its_filetype_and_failures_are_reported(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    broken = (await source(bot, thread, "broken")).encode()
    # A plain-text name: the snippet's filetype alone says it is Python.
    file = fake_slack.add_file("F0BROKEN1", broken, name="attempt", filetype="python")
    reply = await bot.send.dm("", channel=thread.channel, thread_ts=thread.thread_ts, files=[file])
    assert reply.status == 200
    await bot.settle()

    [(row, result)] = await results_of(bot, thread)
    assert result.language == "python" and result.total > 0
    assert result.passed < result.total
    assert result.failures or result.hidden_failed or result.status != "ok"
    assert row.slack_ts is not None
    assert (await kinds(bot, thread))[-2:] == ["run_result", "reply"]


async def test_run_alone_runs_the_latest_code_again_and_the_interviewer_stays_silent(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    await say_and_settle(bot, thread, fenced(await source(bot, thread)))
    before = await kinds(bot, thread)

    await say_and_settle(bot, thread, "run")

    after = await kinds(bot, thread)
    assert after[len(before) :] == ["run_request", "run_result"]
    first, second = await results_of(bot, thread)
    assert second[1].code_id == first[1].code_id
    assert second[1].request_id == next(
        m.id
        for m in await messages_of(bot.runtime.db, thread.session_id)
        if m.kind == "run_request"
    )
    assert second[1].passed == second[1].total > 0
    assert second[0].slack_ts is not None
    assert_each_posted_once(fake_slack)


async def test_run_again_button_reruns_for_the_candidate_only(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    await say_and_settle(bot, thread, fenced(await source(bot, thread)))
    [(row, _)] = await results_of(bot, thread)
    container = {
        "type": "message",
        "message_ts": row.slack_ts,
        "channel_id": thread.channel,
        "thread_ts": thread.thread_ts,
    }

    clicked = await bot.send.action(
        ids.RUN_AGAIN, value=str(thread.session_id), container=container
    )
    await bot.settle()
    assert clicked.status == 200
    assert len(await results_of(bot, thread)) == 2
    assert (await kinds(bot, thread))[-2:] == ["run_request", "run_result"]

    # Someone else's click runs nothing and is told why, privately.
    other = await bot.send.action(
        ids.RUN_AGAIN, value=str(thread.session_id), container=container, user=OTHER_USER
    )
    await bot.settle()
    assert other.status == 200
    assert len(await results_of(bot, thread)) == 2
    [refused] = [
        c for c in fake_slack.calls_to("chat.postEphemeral") if c.params["user"] == OTHER_USER
    ]
    assert "Only the candidate" in refused.params["text"]


async def test_code_whose_language_cannot_be_told_is_asked_about_then_run_as_named(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    await say_and_settle(bot, thread, fenced(await source(bot, thread), tag=""))

    [(row, asked)] = await results_of(bot, thread)
    assert asked.status == "unknown_language" and not asked.ran
    assert "run python" in row.text and row.slack_ts is not None

    await say_and_settle(bot, thread, "run python")
    [_, (_, ran)] = await results_of(bot, thread)
    assert ran.code_id == asked.code_id
    assert ran.language == "python" and ran.passed == ran.total > 0


async def test_a_language_the_bot_cannot_run_is_answered_plainly_and_still_reviewed(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    runner = CountingRunner()
    bot = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=runner)
    thread = await start_interview(bot)
    java = "class Solution {\n  int answer() { return 42; }\n}"
    await say_and_settle(bot, thread, fenced(java, tag="java"))

    [(row, result)] = await results_of(bot, thread)
    assert result.status == "unsupported_language" and not result.ran
    assert "not java" in row.text and "review" in row.text
    # The interviewer still answers the code.
    assert (await kinds(bot, thread))[-2:] == ["run_result", "reply"]


async def test_without_the_sandbox_execution_is_said_unavailable_once_and_no_code_runs(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    runner = CountingRunner(sandbox=Sandbox(bwrap="/nonexistent/bin/bwrap"))
    bot = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=runner)
    thread = await start_interview(bot)
    code = await source(bot, thread)
    await say_and_settle(bot, thread, fenced(code))
    await say_and_settle(bot, thread, fenced(code + "\n# second try"))

    # Each submission was tried; the notice is in the thread once.
    [(row, result), (_, again)] = await results_of(bot, thread)
    assert result.status == again.status == "unavailable"
    assert row.text.startswith("Code execution is unavailable on this server (")
    assert row.text.endswith("the interview goes on without it.")
    said = [t for t in thread_texts(fake_slack, thread) if t.startswith("Code execution")]
    assert len(said) == 1
    assert runner.submissions == []
    # Both submissions were answered by the interviewer all the same.
    assert (await kinds(bot, thread)).count("reply") == 2


async def test_code_sent_after_execution_was_unavailable_runs_once_the_sandbox_works(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    """A server restarted with a working sandbox runs the interview's next submission."""
    broken = CountingRunner(sandbox=Sandbox(bwrap="/nonexistent/bin/bwrap"))
    first = await start_bot(
        slack=fake_slack, database_url=sqlite_url, tuning=FAST_TUNING, code_runner=broken
    )
    try:
        thread = await start_interview(first)
        code = await source(first, thread)
        await say_and_settle(first, thread, fenced(code))
        [(_, unavailable)] = await results_of(first, thread)
        assert unavailable.status == "unavailable"
    finally:
        await stop_bot(first)

    working = CountingRunner()
    second = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=working)
    await say_and_settle(second, thread, fenced(code + "\n# after the restart"))

    [_, (row, ran)] = await results_of(second, thread)
    assert ran.ran and ran.passed == ran.total > 0
    assert row.slack_ts is not None and f"{ran.total}/{ran.total} tests passed" in row.text
    assert len(working.submissions) == 1 and broken.submissions == []
    assert (await kinds(second, thread))[-2:] == ["run_result", "reply"]


async def test_a_busy_pool_tells_the_candidate_their_place_then_runs(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    runner = CodeRunner(slots=1)
    bot = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=runner)
    thread = await start_interview(bot)
    code = await source(bot, thread)
    async with runner.pool.slot():  # someone else's run holds the only slot
        await say(bot, thread, fenced(code))
        await wait_for(
            lambda: any("Your code is queued" in t for t in thread_texts(fake_slack, thread))
        )
        assert await results_of(bot, thread) == []
    await bot.settle()
    [(_, result)] = await results_of(bot, thread)
    assert result.passed == result.total > 0


async def test_the_interview_record_keeps_the_final_and_the_best_result(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    await say_and_settle(bot, thread, fenced(await source(bot, thread)))
    await say_and_settle(bot, thread, fenced(await source(bot, thread, "broken")))
    [(_, best), (_, final)] = await results_of(bot, thread)
    assert best.passed == best.total and final.passed < final.total

    await say_and_settle(bot, thread, "done")
    [record] = await interviews_of(bot.runtime.db, thread.session_id)
    assert (record.tests_passed, record.tests_total) == (final.passed, final.total)
    assert (record.best_tests_passed, record.best_tests_total) == (best.passed, best.total)


async def test_a_run_cut_short_by_a_crash_runs_again_and_posts_one_result(
    any_db_url: str, fake_slack: SlackDouble, launch: Callable[..., Any]
) -> None:
    tuning = EngineTuning(lease_seconds=1, retry_backoff_seconds=0.05)
    dying = DiesAfterRunning()
    first = await launch(
        slack=fake_slack, database_url=any_db_url, tuning=tuning, code_runner=dying
    )
    thread = await start_interview(first)
    await say(first, thread, fenced(await source(first, thread)))
    await asyncio.wait_for(dying.ran.wait(), 30)
    # The process dies: its work stops where it is, its lease is not given back.
    await first.runtime.tasks.cancel_all()
    assert await results_of(first, thread) == []

    survivor = CountingRunner()
    second = await launch(
        slack=fake_slack,
        database_url=any_db_url,
        tuning=tuning,
        code_runner=survivor,
        start_jobs=True,
    )

    async def answered() -> bool:
        return (await kinds(second, thread))[-2:] == ["run_result", "reply"] and all(
            m.slack_ts for m in await messages_of(second.runtime.db, thread.session_id)
        )

    await wait_for(answered, 30)
    await second.settle()
    [(row, result)] = await results_of(second, thread)
    assert result.passed == result.total > 0 and row.slack_ts is not None
    assert len(dying.submissions) == 1 and len(survivor.submissions) == 1
    assert_each_posted_once(fake_slack)


async def test_a_redelivered_run_is_stored_and_answered_once(
    any_db_url: str, fake_slack: SlackDouble, launch: Callable[..., Any]
) -> None:
    runner = CountingRunner()
    bot = await launch(slack=fake_slack, database_url=any_db_url, code_runner=runner)
    thread = await start_interview(bot)
    await say_and_settle(bot, thread, fenced(await source(bot, thread)))

    ts = "1700000000.424242"
    replies = await asyncio.gather(
        *(
            bot.send.dm("run", channel=thread.channel, thread_ts=thread.thread_ts, ts=ts)
            for _ in range(3)
        )
    )
    await bot.settle()

    assert [r.status for r in replies] == [200, 200, 200]
    assert (await kinds(bot, thread)).count("run_request") == 1
    assert len(await results_of(bot, thread)) == 2
    assert len(runner.submissions) == 2
    assert_each_posted_once(fake_slack)
    async with bot.runtime.db.sessions() as s:
        stored = (await s.execute(select(Message).where(Message.slack_ts == ts))).scalars().all()
    assert [m.kind for m in stored] == ["run_request"]


async def test_a_run_longer_than_the_lease_keeps_it_and_runs_once(
    any_db_url: str, fake_slack: SlackDouble, launch: Callable[..., Any]
) -> None:
    """The worker renews the leases of the sessions it is working on, so another instance
    sweeping meanwhile does not take the session and run the code a second time."""
    # Renewed every second (a third of the lease, at least 1 s), so it never lapses.
    tuning = EngineTuning(lease_seconds=1.5, retry_backoff_seconds=0.05)
    slow = SlowToStart(3.0)
    first = await launch(
        slack=fake_slack,
        database_url=any_db_url,
        tuning=tuning,
        code_runner=slow,
        start_jobs=True,
    )
    thread = await start_interview(first)
    other = CountingRunner()
    await launch(
        slack=fake_slack,
        database_url=any_db_url,
        tuning=tuning,
        code_runner=other,
        start_jobs=True,
    )
    await say(first, thread, fenced(await source(first, thread)))

    async def answered() -> bool:
        return (await kinds(first, thread))[-2:] == ["run_result", "reply"]

    await wait_for(answered, 30)
    assert len(slow.submissions) == 1 and other.submissions == []
    [(_, result)] = await results_of(first, thread)
    assert result.passed == result.total > 0


async def test_a_run_that_keeps_failing_is_settled_as_not_run_and_the_interview_goes_on(
    sqlite_url: str, fake_slack: SlackDouble, launch: Callable[..., Any]
) -> None:
    broken = AlwaysFails()
    tuning = EngineTuning(
        lease_seconds=30,
        retry_backoff_seconds=0.01,
        max_retry_backoff_seconds=0.02,
        max_step_failures=2,
    )
    bot = await launch(
        slack=fake_slack,
        database_url=sqlite_url,
        tuning=tuning,
        code_runner=broken,
        start_jobs=True,
    )
    thread = await start_interview(bot)
    await say(bot, thread, fenced(await source(bot, thread)))

    async def answered() -> bool:
        return (await kinds(bot, thread))[-2:] == ["run_result", "reply"]

    await wait_for(answered, 30)
    [(row, result)] = await results_of(bot, thread)
    assert result.status == "run_failed" and not result.ran
    assert row.text.startswith("I could not run this code")
    # Tried until the failures allowed ran out, then never again.
    tries = len(broken.submissions)
    assert tries == tuning.max_step_failures + 1
    await asyncio.sleep(0.3)
    assert len(broken.submissions) == tries
