"""The running bot: database, Slack client, interviewer, engine, Bolt app and timers."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot import jobs
from bot.admission import RequestPriority, TaskTracker, in_request
from bot.app import build_bolt_app, build_web_app
from bot.config import Settings
from bot.execution import CodeRunner
from bot.interview.domain import Interviewer
from bot.interview.engine import InterviewEngine
from bot.interview.llm_interviewer import ModelInterviewer, model_client
from bot.interview.offline import OfflineInterviewer
from bot.interview.problem_bank import ProblemBank
from bot.interview.worker import EngineTuning
from bot.web_server import ServerLimits
from handlers.context import Services
from handlers.file_download import DownloadLimits
from handlers.slack_client import build_web_client
from handlers.slack_messenger import SlackMessenger
from storage.db import Database, migrate, writers_at_once
from storage.store import interview_store

logger = logging.getLogger(__name__)


def build_interviewer(settings: Settings) -> Interviewer:
    """The model-backed interviewer when a key is set, else the offline one."""
    if settings.openai_api_key is None:
        return OfflineInterviewer()
    client = model_client(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        timeout=settings.model_timeout_seconds,
    )
    return ModelInterviewer(
        client,
        settings.interview_model,
        reply_deadline=settings.model_reply_deadline_seconds,
        grade_deadline=settings.grade_deadline_seconds,
    )


@dataclass
class BotRuntime:
    settings: Settings
    db: Database
    http: aiohttp.ClientSession
    client: AsyncWebClient
    engine: InterviewEngine
    tasks: TaskTracker
    bolt: AsyncApp
    web_app: web.Application
    scheduler: AsyncIOScheduler | None = None
    socket_handler: AsyncSocketModeHandler | None = None

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        apply_migrations: bool = True,
        tuning: EngineTuning | None = None,
        interviewer: Interviewer | None = None,
        code_runner: CodeRunner | None = None,
    ) -> BotRuntime:
        """Wire everything; applies migrations first unless told not to."""
        if not settings.slack_bot_token:
            raise ValueError("SLACK_BOT_TOKEN is required")
        if apply_migrations:
            await migrate(settings.database_url)
        # Requests from Slack go to the database first, and what an ack confirms is flushed
        # while background bookkeeping need not wait for the disk.
        priority = RequestPriority(capacity=writers_at_once(settings.database_url))
        db = Database(settings.database_url, admission=priority.admitted, durable=in_request)
        http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=200, ttl_dns_cache=300),
            timeout=aiohttp.ClientTimeout(total=60),
        )
        client = build_web_client(
            token=settings.slack_bot_token, base_url=settings.slack_api_url, session=http
        )
        tasks = TaskTracker()
        bank = ProblemBank.default()
        # One per process: its pool bounds the sandboxes running at once, whoever asks.
        code_runner = code_runner or CodeRunner(slots=settings.run_slots)
        engine = InterviewEngine(
            store_for=functools.partial(interview_store, db),
            bank=bank,
            interviewer=interviewer or build_interviewer(settings),
            messenger=SlackMessenger(
                client=client,
                http=http,
                download_limits=DownloadLimits(timeout_seconds=settings.download_timeout_seconds),
            ),
            time_limit_minutes=settings.interview_time_limit_minutes,
            tasks=tasks,
            tuning=tuning
            or EngineTuning(lease_seconds=settings.lease_seconds, work_slots=settings.work_slots),
            priority=priority,
            runner=code_runner,
        )
        services = Services(
            engine=engine,
            tasks=tasks,
            time_limit_minutes=settings.interview_time_limit_minutes,
            offline=engine.offline,
            topics=bank.topics(),
            priority=priority,
        )
        bolt = build_bolt_app(
            client=client,
            signing_secret=settings.slack_signing_secret,
            services=services,
            socket_mode=settings.socket_mode,
        )
        web_app = build_web_app(
            bolt,
            db,
            priority,
            signing_secret=None if settings.socket_mode else settings.slack_signing_secret,
            limits=ServerLimits.from_settings(settings),
        )
        return cls(settings, db, http, client, engine, tasks, bolt, web_app)

    async def start(self) -> None:
        """Start the timers and pick up whatever was left when the process last stopped."""
        self.scheduler = jobs.start_scheduler(self.engine, self.settings.sweep_interval_seconds)
        await self.log_code_execution()
        await jobs.recover(self.engine)

    async def log_code_execution(self) -> None:
        """Say once whether candidate code can run here, and if not why (it is never run
        outside the sandbox: the interviews go on without it)."""
        runner = self.engine.executor.runner
        reason = await runner.unavailable_reason()
        if reason is not None:
            logger.warning("%s; interviews go on without running code", reason)
            return
        languages = ", ".join(runner.languages()) or "none"
        logger.info(
            "code execution is available: sandboxed, %d at once (%s)", runner.pool.size, languages
        )

    async def connect_socket_mode(self) -> None:
        """Receive Slack's requests over Socket Mode (SLACK_APP_TOKEN) instead of HTTP."""
        if not self.settings.slack_app_token:
            raise ValueError("SLACK_APP_TOKEN is required for Socket Mode")
        self.socket_handler = AsyncSocketModeHandler(self.bolt, self.settings.slack_app_token)
        await self.socket_handler.connect_async()  # type: ignore[no-untyped-call]

    async def close(self, *, drain_timeout: float = 10.0) -> None:
        if self.socket_handler is not None:
            await self.socket_handler.close_async()  # type: ignore[no-untyped-call]
            self.socket_handler = None
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
            self.scheduler = None
        try:
            await self.tasks.drain(wait_seconds=drain_timeout)
        except TimeoutError:
            logger.warning("stopping with %d background tasks unfinished", self.tasks.pending)
            await self.tasks.cancel_all()
        try:
            await self.engine.release_all_leases()
        except Exception:
            logger.warning("could not release leases; they expire on their own")
        await self.engine.interviewer.aclose()
        await self.http.close()
        await self.db.close()
