"""The sandbox with the real bot, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from sandbox import RunningSandbox, Sandbox, running_sandbox

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
# Every run keeps its screenshots under tests/artifacts/; `make screenshots` also refreshes
# the README's copies in docs/screenshots/.
SCREENSHOTS = ROOT / "tests" / "artifacts" / "screenshots"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"


@pytest.fixture(autouse=True)
def _needs_chromium() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI; `make test` installs it with apt-get")
        pytest.skip("Chromium is not installed at /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[RunningSandbox]:
    """The sandbox on a free port, with the bot on the offline interviewer and a fresh SQLite."""
    async with running_sandbox(
        port=0,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        settings_overrides={"openai_api_key": None, "interview_time_limit_minutes": 45},
        sandbox=Sandbox(person_name="ada"),
    ) as sandbox:
        yield sandbox


@pytest.fixture
async def page(running: RunningSandbox) -> AsyncIterator[Any]:
    """A Chromium page on the sandbox, already showing the Home tab."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(running.url)
        yield page
        await browser.close()
        assert not errors, f"the page raised: {errors}"


async def screenshot(page: Any, name: str) -> None:
    """Saves a screenshot of what the person sees as <name>.png."""
    targets = [SCREENSHOTS]
    if os.environ.get("UPDATE_SCREENSHOTS"):
        targets.append(README_SCREENSHOTS)
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(folder / f"{name}.png"))
