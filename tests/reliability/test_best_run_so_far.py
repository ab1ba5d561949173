"""The problem message shows the best run so far while the interview goes on, through the
real Bolt app, the Slack double and the real sandbox: a run that beats every earlier one
updates it (keeping the Finish button), a run that does not leaves it alone, a failing update
does not hold the interview up, and the finished message is always the last word."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from bot.execution import CodeRunner, RunResult, Submission
from bot.execution.cases import RunnableProblem
from bot.execution.pool import QueueNotice
from bot.interview.outbox import RunResultPost
from handlers.blocks import ids
from handlers.blocks.interview import BEST_SO_FAR_PREFIX
from sandbox.slack_double import Call, SlackDouble
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.reliability.conftest import (
    Thread,
    fenced,
    kinds,
    messages_of,
    results_of,
    say,
    source,
    start_interview,
    wait_for,
)


def problem_updates(slack: SlackDouble, thread: Thread) -> list[Call]:
    """chat.update calls on the interview's problem message, oldest first."""
    return [
        c
        for c in slack.calls_to("chat.update")
        if c.params.get("channel") == thread.channel and c.params.get("ts") == thread.thread_ts
    ]


def blocks_of(call: Call) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def best_so_far(call: Call) -> str | None:
    """The best-so-far line an update put on the problem message (None: not one)."""
    for block in blocks_of(call):
        for element in block.get("elements", []):
            text = str(element.get("text", ""))
            if text.startswith(BEST_SO_FAR_PREFIX):
                return text.removeprefix(BEST_SO_FAR_PREFIX)
    return None


def has_finish_button(call: Call) -> bool:
    return any(
        e.get("action_id") == ids.FINISH_INTERVIEW
        for b in blocks_of(call)
        for e in b.get("elements", [])
    )


class GatedRunner(CodeRunner):
    """The real runner, holding each run until the test opens the gate."""

    def __init__(self) -> None:
        super().__init__()
        self.started = asyncio.Event()
        self.gate = asyncio.Event()

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        self.started.set()
        await self.gate.wait()
        return await super().run(problem, submission, on_queued=on_queued)


async def status_of(bot: BotHarness, thread: Thread, status: str) -> bool:
    async with bot.runtime.db.sessions() as s:
        row = await s.get(InterviewSession, thread.session_id)
        return row is not None and row.status == status


def problem_message(slack: SlackDouble, thread: Thread) -> dict[str, Any]:
    return next(m for m in slack.messages[thread.channel] if m["ts"] == thread.thread_ts)


async def run(bot: BotHarness, thread: Thread, kind: str) -> RunResultPost:
    """Send a reference solution ("solution" or "broken") and return its run's result."""
    await say(bot, thread, fenced(await source(bot, thread, kind)))
    await bot.settle()
    _, result = (await results_of(bot, thread))[-1]
    assert result.ran, result
    return result


async def test_a_passing_run_shows_on_the_problem_message_and_a_worse_one_does_not(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    assert problem_updates(fake_slack, thread) == []

    passing = await run(bot, thread, "solution")
    assert passing.passed == passing.total > 0
    [update] = problem_updates(fake_slack, thread)
    assert best_so_far(update) == f"tests {passing.total}/{passing.total}"
    # The problem stays as it was, Finish button included.
    assert has_finish_button(update)
    shown = problem_message(fake_slack, thread)
    assert BEST_SO_FAR_PREFIX + f"tests {passing.total}/{passing.total}" in json.dumps(shown)

    worse = await run(bot, thread, "broken")
    assert worse.passed < worse.total
    assert len(problem_updates(fake_slack, thread)) == 1
    # The interview went on as usual: the broken code's result, then the interviewer.
    assert (await kinds(bot, thread))[-2:] == ["run_result", "reply"]


async def test_a_better_run_replaces_the_best_so_far(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)

    first = await run(bot, thread, "broken")
    assert first.passed < first.total
    # The first run that ran is the best so far, whatever it passed.
    [shown_first] = problem_updates(fake_slack, thread)
    assert best_so_far(shown_first) == f"tests {first.passed}/{first.total}"

    better = await run(bot, thread, "solution")
    assert better.passed == better.total
    [_, shown_better] = problem_updates(fake_slack, thread)
    assert best_so_far(shown_better) == f"tests {better.total}/{better.total}"
    assert has_finish_button(shown_better)

    # Running the same passing code again ties the best: nothing to update.
    await say(bot, thread, "run")
    await bot.settle()
    assert len(await results_of(bot, thread)) == 3
    assert len(problem_updates(fake_slack, thread)) == 2


async def test_a_failing_update_does_not_hold_the_interview_up(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    fake_slack.fail("chat.update", 200, body={"ok": False, "error": "message_not_found"})

    passing = await run(bot, thread, "solution")
    # Tried once, not retried; the result and the interviewer's answer are posted all the same.
    [failed] = problem_updates(fake_slack, thread)
    assert best_so_far(failed) == f"tests {passing.total}/{passing.total}"
    assert BEST_SO_FAR_PREFIX not in json.dumps(problem_message(fake_slack, thread))
    assert (await kinds(bot, thread))[-2:] == ["run_result", "reply"]
    assert all(m.slack_ts for m in await messages_of(bot.runtime.db, thread.session_id))

    # The interview goes on and ends as usual, the finished message showing the best run.
    await say(bot, thread, "done")
    await bot.settle()
    last = problem_updates(fake_slack, thread)[-1]
    assert best_so_far(last) is None and not has_finish_button(last)
    assert f"best run: tests {passing.total}/{passing.total}" in json.dumps(blocks_of(last))
    assert len(problem_updates(fake_slack, thread)) == 2


async def test_a_run_posted_after_done_is_shown_only_on_the_finished_message(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    """`done` while the code runs: its result is posted once the interview is grading, so
    no best-so-far line is shown; the finished message, the last update, shows the run."""
    runner = GatedRunner()
    bot = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=runner)
    thread = await start_interview(bot)
    await say(bot, thread, fenced(await source(bot, thread)))
    await wait_for(runner.started.is_set, 30)
    await say(bot, thread, "done")
    await wait_for(lambda: status_of(bot, thread, "grading"))
    runner.gate.set()

    async def finished() -> bool:
        await bot.settle()
        return "scorecard" in await kinds(bot, thread)

    await wait_for(finished, 30)
    [(_, result)] = await results_of(bot, thread)
    assert result.passed == result.total > 0
    [update] = problem_updates(fake_slack, thread)
    assert best_so_far(update) is None and not has_finish_button(update)
    assert f"best run: tests {result.total}/{result.total}" in json.dumps(blocks_of(update))
