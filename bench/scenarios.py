"""The measurements: ack latency, per-turn overhead, capacity and the Home tab."""

from __future__ import annotations

import asyncio
import itertools
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import aliased

from bench.load import (
    Percentiles,
    Sender,
    difficulty_select,
    open_loop,
    slash_command,
    start_click,
    summarise,
)
from bench.observer import SlackObserver, dm_channel
from bench.processes import ManagedProcess
from bot.interview.outbox import Kind
from sandbox.bot_requests import BotRequest, BotRequests
from sandbox.slack_double import TEAM_ID
from storage.db import Database
from storage.models import Interview, InterviewSession, Message

ACK_KINDS = ("slash_command", "block_actions_select", "block_actions_start", "message_im")

CANDIDATE_LINES = (
    "Can the input be empty, and can values repeat?",
    "I would use a hash map from value to index: one pass, O(n) time, O(n) space.",
    "For each value I check whether its complement is already in the map.",
    "Edge cases: empty input, a single value, duplicates, negative numbers.",
    "I think the solution is complete; it handles every case we discussed.",
)

INTERVIEWER_LINE = "Good. What is the time and space complexity, and which edge cases worry you?"

_users = itertools.count(1)


def new_user(prefix: str) -> str:
    """A user id nobody in this run has used (one active interview per user)."""
    return f"U{prefix}{next(_users):07d}"


@dataclass(frozen=True)
class Thread:
    user: str
    channel: str
    thread_ts: str


@dataclass
class BenchConfig:
    quick: bool = False
    rates: tuple[int, ...] = (50, 100, 200)
    level_seconds: float = 2.0
    model_latency: float = 2.0
    slack_latency: float = 0.05
    turn_interviews: int = 40
    turns_per_interview: int = 10
    capacity_steps: tuple[int, ...] = (250, 500, 1000, 2000, 3000, 4000)
    # Each live interview writes once per `capacity_pace` s on average (a candidate reads,
    # thinks and types code between messages); a step lasts `capacity_step_seconds`.
    capacity_pace: float = 60.0
    capacity_step_seconds: float = 12.0
    # Turns each live interview has already had: mid-interview, the transcript is not empty.
    capacity_history: int = 8
    # A turn answered later than this (model latency included) counts as a failed step.
    turn_deadline: float = 10.0
    turn_timeout: float = 30.0
    home_interviews: int = 1000
    home_samples: int = 30
    seed: int = 7


@dataclass
class Context:
    """What every scenario shares: the fake Slack, its observer and the request builders."""

    config: BenchConfig
    observer: SlackObserver
    requests: BotRequests
    rng: random.Random = field(default_factory=lambda: random.Random(7))


# Starting interviews ---------------------------------------------------------------------


async def start_interviews(
    ctx: Context, sender: Sender, *, count: int, rate: float, prefix: str, within: float
) -> tuple[list[Thread], list[float]]:
    """Click Start Interview for `count` new users at `rate`; returns the threads that opened."""
    users = [new_user(prefix) for _ in range(count)]
    for user in users:
        ctx.observer.watch_interview(dm_channel(user))
    clicks = [start_click(ctx.requests, user=user) for user in users]
    sent = await open_loop(sender, clicks, rate=rate, count=count, max_seconds=count / rate + 5)
    channels = [dm_channel(u) for u in users]
    await ctx.observer.wait_threads(channels, within=within)
    threads = [
        Thread(u, c, ctx.observer.threads[c])
        for u, c in zip(users, channels, strict=True)
        if c in ctx.observer.threads
    ]
    return threads, [s.latency for s in sent if s.latency is not None and s.status == 200]


def synthetic_threads(ctx: Context, count: int, prefix: str) -> list[Thread]:
    """DM threads for the baseline, which keeps no interviews: any thread gets a reply."""
    threads = []
    for _ in range(count):
        user = new_user(prefix)
        threads.append(Thread(user, dm_channel(user), ctx.requests.next_ts()))
    return threads


# 1. Ack latency ----------------------------------------------------------------------------


async def ack_latency(
    ctx: Context,
    process: ManagedProcess,
    *,
    baseline: bool,
    prefix: str,
) -> dict[str, dict[str, Any]]:
    """Every ack kind at every rate: {kind: {rate: percentiles}}."""
    cfg = ctx.config
    results: dict[str, dict[str, Any]] = {kind: {} for kind in ACK_KINDS}
    pool: list[Thread] = []
    async with Sender(f"{process.url}/slack/events", secret=_secret()) as sender:
        # Warm both ends (imports, connection pools, Bolt's auth.test) before measuring.
        await open_loop(sender, _commands(ctx, 20, prefix), rate=50, count=20, max_seconds=5)
        for kind in ACK_KINDS:
            for rate in cfg.rates:
                count = int(rate * cfg.level_seconds)
                threads: list[Thread] = []
                users: list[str] = []
                requests: list[BotRequest]
                if kind == "slash_command":
                    requests = _commands(ctx, count, prefix)
                elif kind == "block_actions_select":
                    requests = [
                        difficulty_select(ctx.requests, user=new_user(prefix)) for _ in range(count)
                    ]
                elif kind == "block_actions_start":
                    users = [new_user(prefix) for _ in range(count)]
                    if not baseline:
                        for user in users:
                            ctx.observer.watch_interview(dm_channel(user))
                    requests = [start_click(ctx.requests, user=u) for u in users]
                else:
                    if baseline:
                        pool = synthetic_threads(ctx, count, prefix)
                    threads = [pool[i % len(pool)] for i in range(count)] if pool else []
                    requests = [
                        ctx.requests.message(
                            CANDIDATE_LINES[i % len(CANDIDATE_LINES)],
                            user=t.user,
                            channel=t.channel,
                            thread_ts=t.thread_ts,
                        )
                        for i, t in enumerate(threads)
                    ]
                cpu_before = process.cpu_seconds()
                started = time.monotonic()
                sent = await open_loop(
                    sender, requests, rate=rate, count=len(requests), max_seconds=cfg.level_seconds
                )
                sent_at = {
                    (t.channel, t.thread_ts): s.started for t, s in zip(threads, sent, strict=False)
                }
                summary = summarise(sent, offered_rate=rate).as_dict()
                # Let the work these requests caused finish, so the next level starts clean.
                settle_started = time.monotonic()
                if kind == "block_actions_start" and not baseline:
                    opened = await ctx.observer.wait_threads(
                        [dm_channel(u) for u in users], within=120
                    )
                    summary["interviews_opened"] = opened
                    pool += [
                        Thread(u, dm_channel(u), ctx.observer.threads[dm_channel(u)])
                        for u in users
                        if dm_channel(u) in ctx.observer.threads
                    ]
                elif kind == "message_im":
                    answered = await ctx.observer.wait_answered(sent_at, within=120)
                    summary["threads_answered"] = f"{answered}/{len(sent_at)}"
                await wait_idle(process)
                summary["settle_s"] = round(time.monotonic() - settle_started, 2)
                summary["bot_cpu_s"] = round(process.cpu_seconds() - cpu_before, 2)
                summary["wall_s"] = round(time.monotonic() - started, 2)
                results[kind][str(rate)] = summary
                _progress(f"{process.name} ack {kind} @{rate}/s", summary)
    return results


async def wait_idle(process: ManagedProcess, *, within: float = 90.0) -> None:
    """Wait until the process has (almost) stopped using CPU: its queued work is done."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = process.cpu_seconds()
        await asyncio.sleep(0.4)
        if process.cpu_seconds() - before < 0.02:
            return


def _commands(ctx: Context, count: int, prefix: str) -> list[BotRequest]:
    return [slash_command(ctx.requests, user=new_user(prefix)) for _ in range(count)]


def _secret() -> str:
    from sandbox.slack_double import SIGNING_SECRET

    return SIGNING_SECRET


# 2. Per-turn overhead ------------------------------------------------------------------------


async def per_turn_overhead(
    ctx: Context, process: ManagedProcess, *, baseline: bool, prefix: str
) -> dict[str, Any]:
    """Candidate message sent -> reply's chat.postMessage arrives, minus the model latency."""
    cfg = ctx.config
    async with Sender(f"{process.url}/slack/events", secret=_secret()) as sender:
        if baseline:
            threads = synthetic_threads(ctx, cfg.turn_interviews, prefix)
        else:
            threads, _ = await start_interviews(
                ctx, sender, count=cfg.turn_interviews, rate=20, prefix=prefix, within=60
            )
        overheads: list[float] = []
        lost = 0

        async def candidate(thread: Thread, index: int) -> None:
            nonlocal lost
            await asyncio.sleep(index * 0.1)  # spread the interviews out
            for turn in range(cfg.turns_per_interview):
                reply = ctx.observer.expect_reply(thread.channel, thread.thread_ts)
                request = ctx.requests.message(
                    CANDIDATE_LINES[turn % len(CANDIDATE_LINES)],
                    user=thread.user,
                    channel=thread.channel,
                    thread_ts=thread.thread_ts,
                )
                sent_at = time.monotonic()
                await sender.send(request)
                try:
                    arrived = await asyncio.wait_for(reply, cfg.turn_timeout)
                except TimeoutError:
                    lost += 1
                    continue
                overheads.append(arrived - sent_at - cfg.model_latency)
                await asyncio.sleep(0.3)

        await asyncio.gather(*(candidate(t, i) for i, t in enumerate(threads)))
    summary = Percentiles.of(overheads, lost=lost, interviews=len(threads)).as_dict()
    _progress(f"{process.name} per-turn overhead", summary)
    return summary


# 3. Capacity ---------------------------------------------------------------------------------


async def seed_live_interviews(
    database_url: str, *, users: list[str], exchanges: int = 0
) -> list[Thread]:
    """Interviews in progress: the opening posted and `exchanges` answered candidate turns.

    Written straight into the database (as a restarted process finds them): starting
    thousands through Slack would take longer than the whole benchmark may. Starting through
    Slack is measured by the block_actions runs and the per-turn run.
    """
    from bot.interview.problem_bank import ProblemBank

    problems = ProblemBank.default().problems
    now = datetime.now(UTC)
    ts_base = int(time.time()) - 600
    candidate = aliased(Message)
    threads = [
        Thread(user, dm_channel(user), f"{ts_base}.{index:06d}") for index, user in enumerate(users)
    ]
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            rows = [
                {
                    "team_id": TEAM_ID,
                    "user_id": t.user,
                    "api_app_id": "A0TEST001",
                    "channel_id": t.channel,
                    "thread_ts": t.thread_ts,
                    "problem_id": problems[index % len(problems)].id,
                    "difficulty": problems[index % len(problems)].difficulty.value,
                    "status": "active",
                    "phase": "clarify",
                    "time_limit_minutes": 45,
                    "started_at": now,
                    "deadline_at": now + timedelta(minutes=45),
                    "warning_at": now + timedelta(minutes=40),
                    # Nothing is due until the warning: the state after a finished opening.
                    "wake_at": now + timedelta(minutes=40),
                    "work_seq": 1,
                    "failed_attempts": 0,
                }
                for index, t in enumerate(threads)
            ]
            result = await session.execute(
                insert(InterviewSession).returning(InterviewSession.id), rows
            )
            ids = [int(i) for i in result.scalars().all()]
            messages: list[dict[str, Any]] = []
            for index, (session_id, t) in enumerate(zip(ids, threads, strict=True)):
                common = {
                    "session_id": session_id,
                    "files_done": True,
                    "edited": False,
                    "deleted": False,
                    "post_attempts": 1,
                    "created_at": now,
                    "posted_at": now,
                }
                messages.append(
                    {
                        **common,
                        "role": "system",
                        "kind": Kind.PROBLEM,
                        "text": "problem",
                        "dedupe_key": "problem",
                        "slack_ts": t.thread_ts,
                    }
                )
                messages.append(
                    {
                        **common,
                        "role": "interviewer",
                        "kind": Kind.OPENING,
                        "text": "Hi! Walk me through how you would approach this problem.",
                        "dedupe_key": "opening:0",
                        "answers_through": 0,
                        "slack_ts": f"{ts_base + 1}.{index:06d}",
                    }
                )
            for turn in range(exchanges):
                for session_id in ids:
                    for role, kind, text in (
                        ("candidate", Kind.CANDIDATE, CANDIDATE_LINES[turn % len(CANDIDATE_LINES)]),
                        ("interviewer", Kind.REPLY, INTERVIEWER_LINE),
                    ):
                        messages.append(
                            {
                                "session_id": session_id,
                                "role": role,
                                "kind": kind,
                                "text": text,
                                "dedupe_key": None if role == "candidate" else f"seed:{turn}",
                                "slack_ts": f"{ts_base + 2 + 2 * turn + (role != 'candidate')}"
                                f".{len(messages):07d}",
                                "files_done": True,
                                "edited": False,
                                "deleted": False,
                                "post_attempts": 0 if role == "candidate" else 1,
                                "created_at": now,
                                "posted_at": now,
                            }
                        )
            await session.execute(insert(Message), messages)
            if exchanges:
                # Every seeded reply answers the turns before it: nothing is pending.
                await session.execute(
                    update(Message)
                    .where(Message.session_id.in_(ids), Message.kind == Kind.REPLY)
                    .values(
                        answers_through=select(func.max(candidate.id))
                        .where(
                            candidate.session_id == Message.session_id,
                            candidate.role == "candidate",
                        )
                        .scalar_subquery()
                    )
                )
            await session.commit()
    finally:
        await db.close()
    return threads


async def capacity(
    ctx: Context, process: ManagedProcess, *, database_url: str, prefix: str
) -> dict[str, Any]:
    """Step up the number of live interviews until turns are lost (or late, or memory runs out).

    In every step each interview writes at the configured pace (one message per
    `capacity_pace` seconds on average), for `capacity_step_seconds`: the offered turn rate
    is interviews / pace, and every one of those turns must be answered.
    """
    cfg = ctx.config
    steps: list[dict[str, Any]] = []
    carried = 0
    broke_at: int | None = None
    threads: list[Thread] = []
    async with Sender(f"{process.url}/slack/events", secret=_secret(), timeout=30) as sender:
        for target in cfg.capacity_steps:
            users = [new_user(prefix) for _ in range(target - len(threads))]
            threads += await seed_live_interviews(
                database_url, users=users, exchanges=cfg.capacity_history
            )
            process.reset_peak()
            errors_before = process.error_lines()
            cpu_before = process.cpu_seconds()
            started = time.monotonic()
            step: dict[str, Any] = {"interviews": target}
            turn_times, sent, lost = await _paced_turns(ctx, sender, threads)
            step["turns"] = sent
            step["offered_turns_per_s"] = round(target / cfg.capacity_pace, 1)
            step["lost"] = lost
            step["turn_time"] = Percentiles.of(turn_times).as_dict()
            step["peak_rss_mb"] = round(process.peak_rss / 2**20, 1)
            step["bot_cpu_per_turn_ms"] = round(
                1000 * (process.cpu_seconds() - cpu_before) / max(1, sent), 1
            )
            step["errors_logged"] = process.error_lines() - errors_before
            step["wall_s"] = round(time.monotonic() - started, 2)
            p99 = step["turn_time"]["p99_ms"]
            step["ok"] = bool(
                process.alive()
                and lost == 0
                and step["errors_logged"] == 0
                and p99 is not None
                and p99 <= 1000 * cfg.turn_deadline
            )
            steps.append(step)
            _progress(f"{process.name} capacity {target}", step)
            if not step["ok"]:
                broke_at = target
                break
            carried = target
    return {
        "carried": carried,
        "broke_at": broke_at,
        "sustained_turns_per_s": max(
            (s["offered_turns_per_s"] for s in steps if s["ok"]), default=None
        ),
        "peak_rss_mb": max((s["peak_rss_mb"] for s in steps), default=None),
        "peak_rss_mb_at_carried": next(
            (s["peak_rss_mb"] for s in steps if s["interviews"] == carried), None
        ),
        "pace_s": cfg.capacity_pace,
        "step_s": cfg.capacity_step_seconds,
        "turn_deadline_s": cfg.turn_deadline,
        "steps": steps,
    }


async def _paced_turns(
    ctx: Context, sender: Sender, threads: list[Thread]
) -> tuple[list[float], int, int]:
    """Each interview writes with probability step/pace, at a random moment of the step."""
    cfg = ctx.config
    share = min(1.0, cfg.capacity_step_seconds / cfg.capacity_pace)
    writers = [t for t in threads if ctx.rng.random() < share]
    times: list[float] = []
    lost = 0
    start = time.monotonic()

    async def candidate(thread: Thread) -> None:
        nonlocal lost
        due = start + ctx.rng.uniform(0, cfg.capacity_step_seconds)
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        reply = ctx.observer.expect_reply(thread.channel, thread.thread_ts)
        sent_at = time.monotonic()
        result = await sender.send(
            ctx.requests.message(
                CANDIDATE_LINES[ctx.rng.randrange(len(CANDIDATE_LINES))],
                user=thread.user,
                channel=thread.channel,
                thread_ts=thread.thread_ts,
            )
        )
        if result.status != 200:
            lost += 1
            return
        try:
            arrived = await asyncio.wait_for(reply, cfg.turn_timeout)
        except TimeoutError:
            lost += 1
            return
        times.append(arrived - sent_at)

    await asyncio.gather(*(candidate(t) for t in writers))
    return times, len(writers), lost


# 4. Home tab ---------------------------------------------------------------------------------


async def seed_history(database_url: str, *, user: str, count: int) -> None:
    """`count` completed interviews for one user, written straight into the database."""
    db = Database(database_url)
    try:
        now = datetime.now(UTC)
        session_rows = []
        for index in range(count):
            started = now - timedelta(days=count - index, minutes=45)
            session_rows.append(
                {
                    "team_id": TEAM_ID,
                    "user_id": user,
                    "problem_id": "two-sum",
                    "difficulty": "medium",
                    "status": "completed",
                    "phase": "wrap_up",
                    "time_limit_minutes": 45,
                    "started_at": started,
                    "deadline_at": started + timedelta(minutes=45),
                    "warning_at": started + timedelta(minutes=40),
                    "completed_at": started + timedelta(minutes=40),
                    "work_seq": 0,
                    "failed_attempts": 0,
                }
            )
        async with db.sessions() as session:
            result = await session.execute(
                insert(InterviewSession).returning(InterviewSession.id), session_rows
            )
            ids = [int(i) for i in result.scalars().all()]
            await session.commit()
        rows = []
        for index, session_id in enumerate(ids):
            started = now - timedelta(days=count - index, minutes=45)
            score = 40 + (index * 37) % 60
            rows.append(
                {
                    "session_id": session_id,
                    "team_id": TEAM_ID,
                    "user_id": user,
                    "problem_id": "two-sum",
                    "problem_title": f"Practice problem {index + 1}",
                    "problem_description": "Find two numbers that add up to a target. " * 5,
                    "difficulty": ("easy", "medium", "hard")[index % 3],
                    "started_at": started,
                    "completed_at": started + timedelta(minutes=40),
                    "duration_seconds": 2400,
                    "overall_score": score,
                    "communication_score": min(100, score + 5),
                    "problem_solving_score": max(0, score - 5),
                    "code_quality_score": score,
                    "feedback": "Clear reasoning; test edge cases earlier.",
                    "strengths": ["Asked clarifying questions"],
                    "improvements": ["Test before finishing"],
                    "graded_by": "model",
                    "status": "completed",
                }
            )
        await insert_interview_rows(db, rows)
    finally:
        await db.close()


async def insert_interview_rows(db: Database, rows: list[dict[str, Any]]) -> None:
    """Completed interviews in one multi-row INSERT: the bot writes them one at a time."""
    async with db.engine.begin() as conn:
        await conn.execute(insert(Interview), rows)


async def home_tab(
    ctx: Context, process: ManagedProcess, *, database_url: str, prefix: str
) -> dict[str, Any]:
    """app_home_opened -> views.publish arrival, for a user with many completed interviews."""
    cfg = ctx.config
    user = new_user(prefix)
    await seed_history(database_url, user=user, count=cfg.home_interviews)
    times: list[float] = []
    lost = 0
    async with Sender(f"{process.url}/slack/events", secret=_secret()) as sender:
        for index in range(cfg.home_samples + 3):
            published = ctx.observer.expect_home(user)
            sent_at = time.monotonic()
            await sender.send(ctx.requests.home_opened(user=user))
            try:
                arrived = await asyncio.wait_for(published, 10)
            except TimeoutError:
                lost += 1
                continue
            if index >= 3:  # the first few warm caches and connections
                times.append(arrived - sent_at)
            await asyncio.sleep(0.02)
    summary = Percentiles.of(times, interviews=cfg.home_interviews, lost=lost).as_dict()
    _progress(f"{process.name} home", summary)
    return summary


def _progress(label: str, data: dict[str, Any]) -> None:
    brief = {k: v for k, v in data.items() if not isinstance(v, dict)}
    print(f"  · {label}: {brief}", flush=True)
