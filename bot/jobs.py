"""APScheduler jobs: the sweep that drives timers and recovery, reading due work from the DB."""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.interview.engine import InterviewEngine

logger = logging.getLogger(__name__)


async def sweep(engine: InterviewEngine) -> None:
    """Deadlines, warnings, unanswered turns, stuck grading: whatever the database says is due."""
    try:
        await engine.sweep()
    except Exception:
        logger.exception("sweep failed; the next one retries")


async def renew_leases(engine: InterviewEngine) -> None:
    try:
        await engine.renew_leases()
    except Exception:
        logger.exception("lease renewal failed")


async def forget_old_deliveries(engine: InterviewEngine) -> None:
    # Slack retries within minutes; a week of keys is plenty.
    await engine.store.forget_events(older_than=engine.clock() - timedelta(days=7))


async def recover(engine: InterviewEngine) -> None:
    """At start-up: everything due (including work a killed process left) is picked up."""
    found = await engine.sweep()
    if found:
        logger.info("resuming %d interviews with pending work", found)


def start_scheduler(engine: InterviewEngine, interval_seconds: float) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    common = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 30}
    scheduler.add_job(sweep, "interval", seconds=interval_seconds, args=[engine], **common)
    scheduler.add_job(
        renew_leases,
        "interval",
        seconds=max(1.0, engine.tuning.lease_seconds / 3),
        args=[engine],
        **common,
    )
    scheduler.add_job(forget_old_deliveries, "interval", hours=6, args=[engine], **common)
    scheduler.start()
    return scheduler
