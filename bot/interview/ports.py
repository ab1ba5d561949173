"""Slack out, as the interview sees it: the `Messenger` port handlers/slack_messenger.py
implements, and the plain values that cross it. The interview never imports Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.interview.domain import Difficulty, Grade, HomePage, Problem, SessionStatus
from bot.interview.outbox import OutboxItem
from bot.interview.run_record import RunRecord


def post_marker(session_id: int, message_id: int) -> str:
    """The mark a queued message carries in Slack, to find it again after a crash."""
    return f"ib-{session_id}-{message_id}"


@dataclass(frozen=True)
class SessionRef:
    """The session a posted message belongs to."""

    id: int
    team_id: str
    user_id: str
    api_app_id: str | None
    channel_id: str | None
    thread_ts: str | None
    permalink: str | None
    problem: Problem
    difficulty: Difficulty
    status: SessionStatus
    started_at: datetime
    deadline_at: datetime
    time_limit_minutes: int
    offline: bool


@dataclass(frozen=True)
class Outgoing:
    """A queued bot message. `marker` is attached to the Slack message to find it again."""

    message_id: int
    item: OutboxItem
    marker: str
    grade: Grade | None = None
    duration_seconds: int | None = None


@dataclass(frozen=True)
class Posted:
    channel_id: str
    ts: str


class DownloadFailed(Exception):
    """The file could not be fetched from Slack; the message says why, for the candidate."""


class Messenger(Protocol):
    """Posts and updates the interview's Slack messages, fetches its files, publishes Home:
    implemented in handlers/, injected so the interview never imports Slack."""

    async def post(self, session: SessionRef, item: Outgoing) -> Posted: ...

    async def find_posted(self, session: SessionRef, item: Outgoing) -> Posted | None: ...

    async def permalink(self, channel_id: str, ts: str) -> str | None: ...

    async def replace_start_card(self, response_url: str, permalink: str | None) -> None: ...

    async def mark_problem_finished(
        self, session: SessionRef, overall: int, runs: RunRecord | None = None
    ) -> None: ...

    async def show_best_run(self, session: SessionRef, runs: RunRecord) -> None:
        """Show the best run so far on the problem message, which keeps its Finish button
        (during the interview only: mark_problem_finished is the final word)."""

    async def post_note(self, session: SessionRef, text: str) -> None:
        """A passing note in the interview's thread, outside the outbox (never retried)."""

    async def download(self, file: dict[str, Any]) -> bytes: ...

    async def publish_home(self, team_id: str, page: HomePage) -> None: ...
