"""A person tries Interview Bot in the sandbox with Chromium: the whole journey and its
error paths, through the real bot, the real Bolt request handling and the real database.
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from sandbox import RunningSandbox
from tests.browser.conftest import screenshot

WAIT_MS = 15_000
CODE = '''def max_pay(gigs):
    """Best total pay of non-overlapping gigs: sort by end, binary search, DP."""
    import bisect

    gigs = sorted(gigs, key=lambda gig: gig[1])
    ends = [end for _, end, _ in gigs]
    best = [0] * (len(gigs) + 1)
    for i, (start, end, pay) in enumerate(gigs, 1):
        j = bisect.bisect_right(ends, start, 0, i - 1)
        best[i] = max(best[i - 1], best[j] + pay)
    return best[-1]
'''


async def send(page: Any, slot: str, text: str) -> None:
    box = page.locator(f"{slot} textarea")
    await box.fill(text)
    await box.press("Enter")


async def start_from_command(page: Any, command: str) -> None:
    """Runs the slash command in the DM and presses Start on the start card it shows."""
    await page.click("#tab-messages")
    await send(page, "#main-composer-slot", command)
    card = page.locator("#message-list .message.ephemeral").filter(has_text="Mock interview")
    await expect(card.last).to_be_visible(timeout=WAIT_MS)
    await card.last.get_by_role("button", name="Start Interview").click()


async def open_interview_thread(page: Any) -> Any:
    summary = page.locator("#message-list .thread-summary").last
    await expect(summary).to_be_visible(timeout=WAIT_MS)
    await summary.click()
    thread = page.locator("#thread-list")
    await expect(thread).to_contain_text("offline interviewer", timeout=WAIT_MS)
    return thread


async def create_snippet(page: Any, *, title: str, content: str) -> None:
    await page.click("#thread-composer-slot .attach-button")
    await page.get_by_role("menuitem", name="Create a text snippet").click()
    dialog = page.get_by_role("dialog", name="Create a text snippet")
    await dialog.get_by_label("Title").fill(title)
    await dialog.get_by_label("Type").select_option("python")
    await dialog.get_by_label("Content").fill(content)


async def test_full_journey_from_home_to_score_card(page: Any, running: RunningSandbox) -> None:
    home = page.locator("#home-view")
    await expect(home).to_contain_text("My Interviews", timeout=WAIT_MS)
    await expect(home).to_contain_text("You haven't finished an interview yet")
    await screenshot(page, "01-home")

    # Home's Start Interview posts the start card into the DM.
    await home.get_by_role("button", name="Start Interview").click()
    await page.click("#tab-messages")
    card = page.locator("#message-list .message").filter(has_text="How you're scored").last
    await expect(card).to_be_visible(timeout=WAIT_MS)
    await card.locator("select.bk-select").select_option("hard")
    await screenshot(page, "02-start-card")
    await card.get_by_role("button", name="Start Interview").click()

    messages = page.locator("#message-list")
    await expect(messages).to_contain_text("Your interview has started", timeout=WAIT_MS)
    problem = messages.locator(".message").filter(has=page.locator(".thread-summary"))
    await expect(problem).to_have_count(1, timeout=WAIT_MS)
    await expect(problem.locator(".bk-context").first).to_contain_text("Hard")
    problem_title = (await problem.locator(".bk-header").first.inner_text()).strip()

    thread = await open_interview_thread(page)
    bot_replies = thread.locator(".message.author-bot")
    await expect(bot_replies).to_have_count(2)  # the problem and the opening message

    await send(
        page,
        "#thread-composer-slot",
        "Can gigs have equal start and end hours? I'd sort by end time and use DP with "
        "binary search, O(n log n) time and O(n) space.",
    )
    await expect(thread.locator(".message.author-person")).to_have_count(1)
    await expect(bot_replies).to_have_count(3, timeout=WAIT_MS)

    await create_snippet(page, title="solution.py", content=CODE)
    await screenshot(page, "03-snippet")
    await page.get_by_role("button", name="Create Snippet").click()
    await expect(thread.locator(".file-card")).to_contain_text("solution.py")
    # The snippet is run against the problem's tests, then the interviewer answers it.
    await expect(bot_replies).to_have_count(5, timeout=WAIT_MS)
    await expect(bot_replies.nth(3)).to_contain_text("tests passed")
    await screenshot(page, "04-interview-thread")

    await thread.get_by_role("button", name="Finish interview").click()
    confirm = page.get_by_role("alertdialog")
    await expect(confirm).to_contain_text("Finish the interview?")
    await confirm.get_by_role("button", name="Finish").click()
    await expect(thread).to_contain_text("Interview complete", timeout=WAIT_MS)
    await expect(thread).to_contain_text("Overall:")
    score_card = thread.locator(".message").filter(has_text="Overall:")
    await score_card.evaluate("node => node.scrollIntoView({block: 'start'})")
    await screenshot(page, "05-score-card")

    dm_note = messages.locator(".message").filter(has_text="you scored")
    await expect(dm_note).to_have_count(1, timeout=WAIT_MS)
    await expect(problem.locator(".bk-context").first).to_contain_text("Hard")

    # The DM's button is a slack://app?…&tab=home link: it opens the Home tab.
    await dm_note.get_by_role("button", name="Open my interviews").click()
    await expect(home).to_contain_text("Your profile", timeout=WAIT_MS)
    await expect(home).to_contain_text("Interviews completed")
    entry = home.locator(".bk-section").filter(has=page.get_by_role("button", name="View feedback"))
    await expect(entry).to_have_count(1)
    await expect(entry).to_contain_text(problem_title)
    await expect(entry).to_contain_text("Overall")
    await screenshot(page, "06-home-history")

    await entry.get_by_role("button", name="View feedback").click()
    modal = page.get_by_role("dialog", name="Interview feedback")
    await expect(modal).to_be_visible(timeout=WAIT_MS)
    await expect(modal).to_contain_text("Communication")
    await screenshot(page, "07-feedback-modal")
    await modal.get_by_role("button", name="Close").last.click()
    await expect(modal).to_have_count(0)


async def test_starting_twice_shows_the_active_interview(
    page: Any, running: RunningSandbox
) -> None:
    await start_from_command(page, "/start-interview easy")
    messages = page.locator("#message-list")
    await expect(messages).to_contain_text("Your interview has started", timeout=WAIT_MS)

    await start_from_command(page, "/start-interview hard")
    await expect(messages).to_contain_text(
        "You already have an interview in progress", timeout=WAIT_MS
    )
    await expect(messages.locator(".thread-summary")).to_have_count(1)
    await screenshot(page, "08-already-in-progress")

    # Its button is the thread's permalink, which opens the thread beside the DM.
    note = messages.locator(".message").filter(has_text="You already have an interview")
    await note.get_by_role("button", name="Open the interview").click()
    await expect(page.locator("#thread-pane")).to_be_visible()
    await expect(page.locator("#thread-list")).to_contain_text("offline interviewer")
    assert "/archives/D0SANDBOX/p" in page.url


async def test_oversize_snippet_gets_a_clear_reply(page: Any, running: RunningSandbox) -> None:
    await start_from_command(page, "/start-interview medium")
    thread = await open_interview_thread(page)
    # 110 KB of code: over the 100 KB a submission may have.
    big = "\n".join(f"value_{n} = {n}  # {'x' * 80}" for n in range(1_200))
    assert len(big.encode()) > 100 * 1024
    await create_snippet(page, title="huge.py", content=big)
    await page.get_by_role("button", name="Create Snippet").click()
    reply = thread.locator(".message.author-bot").filter(has_text="couldn't use")
    await expect(reply).to_have_count(1, timeout=WAIT_MS)
    await expect(reply).to_contain_text("huge.py")
    await screenshot(page, "09-oversize-snippet")
