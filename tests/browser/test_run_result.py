"""Code sent in the interview thread is run in the sandbox and its result shown there, with a
Run again button that works from the page: Chromium, the real bot, bubblewrap."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from bot.interview.problem_bank import ProblemBank
from sandbox import RunningSandbox
from tests.browser.conftest import screenshot
from tests.browser.test_sandbox_journey import (
    WAIT_MS,
    open_interview_thread,
    send,
    start_from_command,
)

SOLUTIONS = Path(__file__).resolve().parents[1] / "execution" / "solutions"
# Every hard problem's broken Python solution fails a visible example and a hidden test.
PROBLEMS = {problem.title: problem for problem in ProblemBank.default().problems}


def fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


async def test_code_in_the_thread_is_run_and_run_again_runs_it_again(
    page: Any, running: RunningSandbox
) -> None:
    await start_from_command(page, "/start-interview hard")
    thread = await open_interview_thread(page)
    title = (await thread.locator(".bk-header").first.inner_text()).strip()
    problem = PROBLEMS[title]

    await send(
        page, "#thread-composer-slot", fenced((SOLUTIONS / problem.id / "broken.py").read_text())
    )
    results = thread.locator(".message.author-bot").filter(
        has=page.get_by_role("button", name="Run again")
    )
    await expect(results).to_have_count(1, timeout=WAIT_MS)
    first = results.first
    await expect(first).to_contain_text(re.compile(r"\d+/\d+ tests passed · \d+ ms"))
    await expect(first).to_contain_text(re.compile(r"Example \d+ failed"))
    await expect(first).to_contain_text("Expected:")
    await expect(first).to_contain_text(re.compile(r"\d+ hidden tests? failed"))
    # The interviewer answers the code after its result, having seen it.
    interviewer_after = first.locator("xpath=following-sibling::*[contains(@class, 'author-bot')]")
    await expect(interviewer_after.first).to_be_visible(timeout=WAIT_MS)
    await first.evaluate("node => node.scrollIntoView({block: 'start'})")
    await screenshot(page, "10-run-result")

    await first.get_by_role("button", name="Run again").click()
    await expect(results).to_have_count(2, timeout=WAIT_MS)
    await expect(results.last).to_contain_text(re.compile(r"\d+/\d+ tests passed"))

    await send(
        page, "#thread-composer-slot", fenced((SOLUTIONS / problem.id / "solution.py").read_text())
    )
    await expect(results).to_have_count(3, timeout=WAIT_MS)
    passed = re.compile(r"(\d+)/\1 tests passed")
    await expect(results.last).to_contain_text(passed)
    await expect(results.last).not_to_contain_text("failed")
    total = re.search(r"(\d+)/\1 tests passed", await results.last.inner_text())
    assert total is not None
    # The problem message shows the best run so far, its Finish button still there.
    problem_message = page.locator("#message-list .message").filter(
        has=page.locator(".thread-summary")
    )
    await expect(problem_message).to_contain_text(
        f"Best run so far: tests {total.group(1)}/{total.group(1)}", timeout=WAIT_MS
    )

    # Finishing puts the best run beside the score on the problem message.
    await thread.get_by_role("button", name="Finish interview").click()
    await page.get_by_role("alertdialog").get_by_role("button", name="Finish").click()
    await expect(thread).to_contain_text("Interview complete", timeout=WAIT_MS)
    await expect(problem_message).not_to_contain_text("Best run so far")
    await expect(problem_message).to_contain_text(
        f"best run: tests {total.group(1)}/{total.group(1)}", timeout=WAIT_MS
    )

    # Home's history row carries the best run too.
    await page.click("#tab-home")
    entry = page.locator("#home-view .bk-section").filter(
        has=page.get_by_role("button", name="View feedback")
    )
    await expect(entry).to_contain_text(f"tests {total.group(1)}/{total.group(1)}", timeout=WAIT_MS)
