"""The interview's Messenger in Slack: renders engine output with the block builders and
sends it with the Web API."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.interview.domain import HomePage
from bot.interview.outbox import (
    Apology,
    CompletionDm,
    EndedNote,
    FileRejected,
    GradingNote,
    Opening,
    Placement,
    ProblemPost,
    Reply,
    RetryNotice,
    RunResultPost,
    Scorecard,
    StepSkipped,
    TimeUp,
    TimeWarning,
)
from bot.interview.ports import DownloadFailed, Outgoing, Posted, SessionRef
from bot.interview.run_record import RunRecord
from bot.interview.timing import time_left_phrase
from handlers.blocks import home, interview, run_result, start_card
from handlers.blocks.text import as_utc, escape_mrkdwn
from handlers.file_download import DownloadLimits, fetch_file_bytes, origin_of
from handlers.slack_client import slack_error, slack_retry_handlers

logger = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "interview_bot_message"
# Slack's own file host; files elsewhere never get the bot token.
SLACK_FILE_HOSTS = frozenset({"files.slack.com"})
REJECTED_BLOCKS_ERRORS = frozenset(
    {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "msg_blocks_too_long"}
)


def home_url(team_id: str, api_app_id: str | None) -> str:
    """Deep link to the app's Home tab."""
    if not api_app_id:
        return f"slack://open?team={team_id}"
    return f"slack://app?team={team_id}&id={api_app_id}&tab=home"


class SlackMessenger:
    """Implements the interview's Messenger port on top of an AsyncWebClient."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        http: aiohttp.ClientSession,
        download_limits: DownloadLimits | None = None,
    ) -> None:
        self.client = client
        self.http = http
        self.download_limits = download_limits or DownloadLimits()
        # The bot token goes to Slack's file host over HTTPS, or to the configured API's own
        # origin (scheme, host and port: a local Slack in tests), and nowhere else.
        self._file_origins: set[tuple[str, str, int | None]] = {
            ("https", host, 443) for host in SLACK_FILE_HOSTS
        }
        self._file_origins.add(origin_of(client.base_url))

    async def post(self, session: SessionRef, item: Outgoing) -> Posted:
        text, blocks = render(session, item)
        # The notification text is mrkdwn too and may quote the model or the candidate:
        # escaped, it can never mention anyone (<!channel>, <@U…>).
        text = escape_mrkdwn(text)
        metadata = {"event_type": METADATA_EVENT_TYPE, "event_payload": {"marker": item.marker}}
        placement = item.item.placement
        if placement is Placement.DM:
            # Posting to the user id lands in the app's DM with them.
            channel, thread_ts = session.user_id, None
        elif placement is Placement.TOP:
            channel, thread_ts = session.channel_id or session.user_id, None
        else:
            channel, thread_ts = session.channel_id or session.user_id, session.thread_ts
        try:
            response = await self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=text,
                blocks=blocks,
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            if slack_error(exc) not in REJECTED_BLOCKS_ERRORS:
                raise
            # Slack refused the layout: say it as plain text rather than not at all.
            logger.warning(
                "blocks of %s refused (%s); posting text",
                item.item.kind,
                slack_error(exc),
            )
            if isinstance(item.item, RunResultPost):
                # Its line is only the summary: the failing examples must not be lost.
                fallback = run_result.build_run_result_text(item.item)
            else:
                fallback = escape_mrkdwn(item.item.line) or text
            response = await self.client.chat_postMessage(
                channel=channel,
                thread_ts=thread_ts,
                text=fallback[:3900],
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
        return Posted(channel_id=str(response["channel"]), ts=str(response["ts"]))

    async def find_posted(self, session: SessionRef, item: Outgoing) -> Posted | None:
        """Look in the conversation for a message carrying this item's marker."""
        channel = session.channel_id
        if channel is None:
            opened = await self.client.conversations_open(users=session.user_id)
            channel = str(opened["channel"]["id"])
        if item.item.placement is not Placement.THREAD or not session.thread_ts:
            response = await self.client.conversations_history(
                channel=channel, limit=50, include_all_metadata=True
            )
        else:
            response = await self.client.conversations_replies(
                channel=channel, ts=session.thread_ts, limit=200, include_all_metadata=True
            )
        for message in response.get("messages") or []:
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("marker") == item.marker:
                return Posted(channel_id=channel, ts=str(message["ts"]))
        return None

    async def permalink(self, channel_id: str, ts: str) -> str | None:
        try:
            response = await self.client.chat_getPermalink(channel=channel_id, message_ts=ts)
        except SlackApiError as exc:
            logger.warning("chat.getPermalink failed: %s", slack_error(exc))
            return None
        link = response.get("permalink")
        return str(link) if link else None

    async def replace_start_card(self, response_url: str, permalink: str | None) -> None:
        webhook = AsyncWebhookClient(
            response_url, session=self.http, retry_handlers=slack_retry_handlers()
        )
        await webhook.send(
            text="Your interview has started — see your DM with me.",
            blocks=start_card.build_started_note(permalink=permalink),
            replace_original=True,
        )

    async def mark_problem_finished(
        self, session: SessionRef, overall: int, runs: RunRecord | None = None
    ) -> None:
        if not session.channel_id or not session.thread_ts:
            return
        await self.client.chat_update(
            channel=session.channel_id,
            ts=session.thread_ts,
            text=f"{session.problem.title} — finished, overall {overall}/100",
            blocks=_problem_message(
                session,
                finished_overall=overall,
                best_tests=runs.best_label() if runs is not None else None,
            ),
        )

    async def show_best_run(self, session: SessionRef, runs: RunRecord) -> None:
        if not session.channel_id or not session.thread_ts:
            return
        await self.client.chat_update(
            channel=session.channel_id,
            ts=session.thread_ts,
            text=escape_mrkdwn(f"Your interview: {session.problem.title}"),
            blocks=_problem_message(session, best_tests=runs.best_label()),
        )

    async def post_note(self, session: SessionRef, text: str) -> None:
        if not session.thread_ts:
            return
        await self.client.chat_postMessage(
            channel=session.channel_id or session.user_id,
            thread_ts=session.thread_ts,
            text=escape_mrkdwn(text),
            unfurl_links=False,
            unfurl_media=False,
        )

    async def download(self, file: dict[str, Any]) -> bytes:
        url = str(file.get("url_private_download") or file.get("url_private") or "")
        if not url or origin_of(url) not in self._file_origins:
            raise DownloadFailed("Slack did not give me a download link for it")
        size = file.get("size")
        return await fetch_file_bytes(
            self.http,
            url,
            token=str(self.client.token),
            limits=self.download_limits,
            declared_size=size if isinstance(size, int) else None,
        )

    async def publish_home(self, team_id: str, page: HomePage) -> None:
        await self.client.views_publish(user_id=page.user_id, view=home.build_home_view(page))


def render(
    session: SessionRef, item: Outgoing, *, now: datetime | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """Notification text and blocks for a queued message (`now`: when it is posted)."""
    match item.item:
        case ProblemPost():
            return f"Your interview: {session.problem.title}", _problem_message(session)
        case Opening(text) | Reply(text):
            return _notification(text), interview.build_interviewer_message(text)
        case TimeWarning(seconds_left):
            # Said as it is when posted: a post held up (Slack slow or down) promises no time
            # that has gone meanwhile.
            left = (as_utc(session.deadline_at) - (now or datetime.now(UTC))).total_seconds()
            seconds = min(seconds_left, max(1, round(left)))
            return (
                f"{time_left_phrase(seconds)} left in your interview",
                interview.build_time_warning(seconds_left=seconds),
            )
        case RetryNotice(text):
            return text, interview.build_retry_notice()
        case Apology(text):
            return text, interview.build_interviewer_unavailable()
        case FileRejected(filename, reason) as rejected:
            return rejected.line, interview.build_file_rejected(filename=filename, reason=reason)
        case EndedNote(text):
            return text, interview.build_interview_ended_note(overall=None)
        case Scorecard() as card if item.grade is not None:
            return (
                card.line,
                interview.build_score_card(
                    grade=item.grade,
                    problem_title=session.problem.title,
                    difficulty=session.difficulty,
                    duration_seconds=item.duration_seconds or 0,
                ),
            )
        case CompletionDm(overall) as done:
            return (
                done.line,
                interview.build_completion_dm(
                    overall=overall,
                    problem_title=session.problem.title,
                    home_url=home_url(session.team_id, session.api_app_id),
                ),
            )
        case Scorecard() as card:
            # Its history record is gone: the score said plainly.
            return card.line, interview.build_interviewer_message(card.line)
        case TimeUp(text) | GradingNote(text) | StepSkipped(text):
            return text, interview.build_interviewer_message(text)
        case RunResultPost() as run:
            return run.line, run_result.build_run_result(session_id=session.id, result=run)


def _problem_message(
    session: SessionRef, *, finished_overall: int | None = None, best_tests: str | None = None
) -> list[dict[str, Any]]:
    """The thread's parent message of `session`, as first posted or as updated later."""
    return interview.build_problem_message(
        session_id=session.id,
        problem=session.problem,
        time_limit_minutes=session.time_limit_minutes,
        deadline_at=session.deadline_at,
        offline=session.offline,
        finished_overall=finished_overall,
        best_tests=best_tests,
    )


def _notification(text: str) -> str:
    first = text.strip().splitlines()[0] if text.strip() else "New message from your interviewer"
    return first[:150]
