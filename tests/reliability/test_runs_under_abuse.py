"""Code runs as a hostile candidate would use them, through the real Bolt app, the Slack
double and the real bubblewrap sandbox: a flood of `run`s costs a run or two and every `run`
is answered, and a flood of infinite loops from one candidate does not push another
candidate's single run behind more than the run already holding the slot."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import AsyncIterator, Callable
from typing import Any

from bot.execution import CodeRunner, RunResult, Submission
from bot.execution.pool import QueueNotice, RunPool
from bot.execution.sandbox import Limits
from bot.interview.steps import Idle, next_step
from sandbox.slack_double import SlackDouble
from tests.reliability.conftest import (
    assert_each_posted_once,
    fenced,
    messages_of,
    results_of,
    say,
    source,
    start_interview,
    wait_for,
)

VICTIM = "U0VICTIM01"
FLOOD_RUNS = 4
# Whose run asks the pool for a slot (set by the runner for the pool to log).
RUN_OF: contextvars.ContextVar[str] = contextvars.ContextVar("RUN_OF", default="?")


class LoggedPool(RunPool):
    """The real FIFO pool, logging in order who asked for a slot, got one and gave it back."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.log: list[tuple[str, str]] = []

    @contextlib.asynccontextmanager
    async def slot(self, on_queued: QueueNotice | None = None) -> AsyncIterator[int]:
        who = RUN_OF.get()
        self.log.append(("asked", who))
        async with super().slot(on_queued) as index:
            self.log.append(("granted", who))
            try:
                yield index
            finally:
                self.log.append(("released", who))


class NamedRunner(CodeRunner):
    """The real runner; each run is named by its code's first line (`# name`)."""

    def __init__(self, *, slots: int, **kwargs: Any) -> None:
        super().__init__(slots=slots, **kwargs)
        self.pool: LoggedPool = LoggedPool(slots)
        self.submissions: list[Submission] = []

    async def run(
        self,
        problem: Any,  # whatever the runner takes as a problem
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        self.submissions.append(submission)
        first = submission.code.lstrip().splitlines()[0]
        token = RUN_OF.set(first.removeprefix("# ") if first.startswith("# ") else "?")
        try:
            return await super().run(problem, submission, on_queued=on_queued)
        finally:
            RUN_OF.reset(token)


async def test_ten_quick_runs_take_at_most_two_runs_and_every_run_is_answered(
    launch: Callable[..., Any], fake_slack: SlackDouble, any_db_url: str
) -> None:
    runner = NamedRunner(slots=1)
    bot = await launch(slack=fake_slack, database_url=any_db_url, code_runner=runner)
    thread = await start_interview(bot)
    await say(bot, thread, fenced(await source(bot, thread)))
    await bot.settle()
    [(_, first)] = await results_of(bot, thread)
    replies = [m.kind for m in await messages_of(bot.runtime.db, thread.session_id)].count("reply")

    # Another candidate's run holds the only slot while the `run`s come in, as they would
    # while a quick typist's first `run` is running.
    async with runner.pool.slot():
        for _ in range(10):
            await say(bot, thread, "run")
    await bot.settle()

    rows = await messages_of(bot.runtime.db, thread.session_id)
    requests = [m.id for m in rows if m.kind == "run_request"]
    assert len(requests) == 10
    reruns = [result for _, result in await results_of(bot, thread)][1:]
    assert 1 <= len(reruns) <= 2
    assert len(runner.submissions) == 1 + len(reruns)
    # Each answers the newest `run` of those waiting for it, and so every earlier one.
    assert reruns[-1].request_id == requests[-1]
    for request in requests:
        assert any(r.request_id >= request for r in reruns), request
    assert all(r.code_id == first.code_id and r.passed == r.total > 0 for r in reruns)
    # The interviewer stays silent, everything is posted once, nothing is left to do.
    assert [m.kind for m in rows].count("reply") == replies
    assert all(m.slack_ts for m in rows)
    assert_each_posted_once(fake_slack)
    state = await bot.runtime.engine.store.load_state(thread.session_id)
    assert state is not None and state.failed_attempts == 0
    assert next_step(state, state.started_at) == Idle()


def infinite_loop(n: int) -> str:
    return f"# flood-{n}\nwhile True:\n    pass"


async def test_a_flood_of_infinite_loops_does_not_starve_another_candidates_run(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    """With one sandbox slot, one candidate sends infinite loops as fast as they can while
    another sends one solution: that run gets the slot as soon as the loop holding it stops,
    before every loop still waiting."""
    runner = NamedRunner(slots=1, limits=Limits(wall_seconds=1.0, cpu_seconds=1))
    bot = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=runner)
    flooder = await start_interview(bot)
    victim = await start_interview(bot, user=VICTIM)
    code = "# victim\n" + await source(bot, victim)

    for n in range(1, FLOOD_RUNS + 1):
        await say(bot, flooder, fenced(infinite_loop(n)))
    await wait_for(lambda: ("granted", "flood-1") in runner.pool.log, 30)
    sent = await bot.send.dm(
        fenced(code), channel=victim.channel, thread_ts=victim.thread_ts, user=VICTIM
    )
    assert sent.status == 200
    await bot.settle(timeout=60)

    log = runner.pool.log
    asked = log.index(("asked", "victim"))
    granted = log.index(("granted", "victim"))
    holding = {
        who
        for event, who in log[:asked]
        if event == "granted" and ("released", who) not in log[:asked]
    }
    # Ahead of the victim: at most the run holding the slot when it asked, and no run that
    # asked after it.
    assert len(holding) <= runner.pool.size
    overtook = [who for event, who in log[asked:granted] if event == "granted"]
    assert overtook == []
    # The flood was not over: loops still waiting ran after the victim's run.
    after = [who for event, who in log[granted + 1 :] if event == "granted"]
    assert after and all(who.startswith("flood-") for who in after)
    assert sorted(w for e, w in log if e == "granted" and w != "victim") == [
        f"flood-{n}" for n in range(1, FLOOD_RUNS + 1)
    ]

    [(_, passed)] = await results_of(bot, victim)
    assert passed.passed == passed.total > 0
    looped = [result for _, result in await results_of(bot, flooder)]
    assert [r.status for r in looped] == ["timeout"] * FLOOD_RUNS
    assert_each_posted_once(fake_slack)
