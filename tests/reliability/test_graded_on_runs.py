"""The whole chain through the real Bolt app, the Slack double, the model double and the real
bubblewrap sandbox: the candidate's code runs, its result is in the transcript, the
interviewer hears it before answering, and the grade (model or offline) is held to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.interview.outbox import RunResultPost
from bot.interview.prompts import RECORD_END, RECORD_START
from sandbox.model_server import FakeModelServer
from sandbox.slack_double import SlackDouble
from storage.models import Interview, InterviewSession
from tests.conftest import BotHarness
from tests.reliability.conftest import (
    Thread,
    interviews_of,
    launch_model_bot,
    messages_of,
    say,
    start_interview,
    wait_for,
)

SOLUTIONS = Path(__file__).parents[1] / "execution" / "solutions"
PLAN = "I'd go through the input once and keep what I have seen so far in a hash map."


def _grade(scores: int) -> dict[str, Any]:
    return {
        "overall": scores,
        "communication": scores,
        "problem_solving": scores,
        "code_quality": scores,
        "summary": "Graded.",
        "strengths": ["Something."],
        "improvements": ["Something else."],
    }


async def _code(bot: BotHarness, thread: Thread, kind: str) -> str:
    async with bot.runtime.db.sessions() as s:
        row = await s.get(InterviewSession, thread.session_id)
    assert row is not None
    return (SOLUTIONS / row.problem_id / f"{kind}.py").read_text()


async def _run_then_finish(
    bot: BotHarness, thread: Thread, kind: str
) -> tuple[RunResultPost, Interview]:
    """Send the approach and the reference code of ``kind``, then finish; the run result and
    the interview's history record."""
    await say(bot, thread, PLAN)
    await bot.settle()
    await say(bot, thread, f"Here is my code:\n```python\n{await _code(bot, thread, kind)}\n```")
    await bot.settle()
    rows = await messages_of(bot.runtime.db, thread.session_id)
    [run] = [RunResultPost.from_payload(m.payload or {}) for m in rows if m.kind == "run_result"]
    await say(bot, thread, "done")

    async def graded() -> list[Interview]:
        await bot.settle()
        return await interviews_of(bot.runtime.db, thread.session_id)

    [record] = await wait_for(graded)
    return run, record


async def test_a_generous_model_cannot_lift_code_that_fails_its_tests(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    async with FakeModelServer(default_grade=_grade(95)) as model:
        bot = await launch_model_bot(launch, fake_slack, model, sqlite_url)
        thread = await start_interview(bot)
        run, record = await _run_then_finish(bot, thread, "broken")
        requests = list(model.requests)

    assert run.ran and 0 <= run.passed < run.total
    ceiling = round(25 + 75 * run.passed / run.total)
    assert record.graded_by == "model"
    assert record.problem_solving_score <= ceiling and record.code_quality_score <= ceiling
    assert (record.tests_passed, record.tests_total) == (run.passed, run.total)
    # The interviewer heard the run before answering the code, as data in a user message.
    reply_to_code = next(r for r in requests if "```python" in json.dumps(r["messages"]))
    last = reply_to_code["messages"][-1]
    assert last["role"] == "user" and last["content"].startswith("[What running the")
    assert f"{run.passed}/{run.total}" in last["content"]
    # The grader was told the tests and got the run in its record.
    [grading] = [r for r in requests if r.get("response_format")]
    system, user = (m["content"] for m in grading["messages"])
    assert f"the final submission passes {run.passed}/{run.total}" in system
    quoted = json.loads(user.split(RECORD_START)[1].split(RECORD_END)[0])
    assert quoted["tests"]["latest_run"]["passed"] == run.passed


async def test_a_stingy_model_cannot_fail_code_that_passes_every_test(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    async with FakeModelServer(default_grade=_grade(5)) as model:
        bot = await launch_model_bot(launch, fake_slack, model, sqlite_url)
        thread = await start_interview(bot)
        run, record = await _run_then_finish(bot, thread, "solution")

    assert run.ran and run.passed == run.total
    assert record.problem_solving_score >= 60 and record.code_quality_score >= 60
    assert (record.best_tests_passed, record.best_tests_total) == (run.total, run.total)


async def test_the_offline_interviewer_asks_about_the_run_and_grades_on_it(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    run, record = await _run_then_finish(bot, thread, "broken")

    rows = await messages_of(bot.runtime.db, thread.session_id)
    at = next(i for i, m in enumerate(rows) if m.kind == "run_result")
    answer = rows[at + 1]
    assert answer.kind == "reply" and answer.slack_ts is not None
    assert f"{run.passed} of {run.total} tests pass." in answer.text or "hidden" in answer.text
    assert answer.text.rstrip().endswith("?")
    ceiling = round(25 + 75 * run.passed / run.total)
    assert record.graded_by == "offline"
    assert record.problem_solving_score <= ceiling and record.code_quality_score <= ceiling
