"""The acks-while-runs-are-queued bench: its candidates' code is correct, and it recognises the
run results and queue notes the bot really posts."""

from __future__ import annotations

import asyncio

from bench.queued_runs import RunWatch, slow_solution
from bot.execution.runner import CodeRunner, Submission
from bot.interview.executor import queued_text, run_result_post
from bot.interview.problem_bank import ProblemBank
from handlers.blocks.run_result import build_run_result
from handlers.blocks.text import escape_mrkdwn
from sandbox.web_api import Call


async def test_every_problems_slow_solution_passes_all_its_tests() -> None:
    runner = CodeRunner(slots=2)
    assert await runner.unavailable_reason() is None
    problems = ProblemBank.default().problems
    results = await asyncio.gather(
        *(runner.run(p, Submission("python", slow_solution(p.id, 0.02))) for p in problems)
    )
    failed = [p.id for p, result in zip(problems, results, strict=True) if not result.all_passed]
    assert failed == []
    # Slow by the CPU it burns: no run can take less.
    assert min(result.seconds for result in results) >= 0.02


async def test_run_results_and_queue_notes_are_recognised_as_the_bot_posts_them() -> None:
    problem = ProblemBank.default().get("corridor-toll-steps")
    assert problem is not None
    runner = CodeRunner(slots=1)
    right, wrong = await asyncio.gather(
        runner.run(problem, Submission("python", slow_solution(problem.id, 0.01))),
        runner.run(problem, Submission("python", "def min_toll(tolls):\n    return 0\n")),
    )
    watch = RunWatch()
    thread = {"channel": "D0CANDIDATE", "thread_ts": "1700000000.000100"}
    for result in (right, wrong):
        post = run_result_post(result, code_id=1, request_id=0)
        blocks = build_run_result(session_id=1, result=post)
        watch.on_call(
            Call("chat.postMessage", {**thread, "text": post.line, "blocks": blocks}, None)
        )
    for place in (2, 1):
        note = escape_mrkdwn(queued_text(place))
        watch.on_call(Call("chat.postMessage", {**thread, "text": note}, None))
    # Neither a post outside the thread nor an interviewer's reply is a result.
    watch.on_call(
        Call("chat.postMessage", {"channel": "D0CANDIDATE", "text": "6/6 tests passed"}, None)
    )
    watch.on_call(Call("chat.postMessage", {**thread, "text": "Walk me through it."}, None))

    key = (thread["channel"], thread["thread_ts"])
    assert watch.counts == {key: [(6, 6), (2, 6)]}
    assert len(watch.results[key]) == 2
    assert watch.notes == {key: 2}
