"""Acks while code runs are queued: a real bot process runs candidates' code with its run pool
full and a queue behind it, and meanwhile slash commands and plain turns are acked.

The same process is measured twice at the same modest rate: first with no code anywhere
("idle"), then right after `submissions` candidates each sent a correct but slow Python
solution (fenced, in their interview threads) at once. Each of those burns `cpu_seconds` of
CPU in its sandbox before the tests run, so the bot's RUN_SLOTS sandboxes keep the cores busy
and the rest wait in the queue for the whole window. That the pool was full and queued while
acks were measured is checked, not assumed: the bot's sandboxes are counted every 50 ms, and
the run results still to come when the window closed are counted.

`python -m bench --only runs` runs this and the in-process run figures (bench/runs.py).
"""

from __future__ import annotations

import asyncio
import json
import re
import statistics
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import psutil
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.load import Sender, open_loop, slash_command, summarise
from bench.processes import ROOT, ManagedProcess
from bench.scenarios import CANDIDATE_LINES, Context, Thread, new_user, start_interviews, wait_idle
from bot.config import Settings
from sandbox.bot_requests import BotRequest
from sandbox.slack_double import SIGNING_SECRET, Call, SlackDouble

SOLUTIONS = ROOT / "tests" / "execution" / "solutions"
# The ack target of the whole benchmark (README, "Against the targets").
ACK_P99_TARGET_MS = 50.0
KINDS = ("slash_command", "message_im")
RESULT = re.compile(r"(\d+)/(\d+) tests passed")
QUEUE_NOTE = "Your code is queued"
# A correct solution made slow on purpose: CPU spent before the tests, as a brute force
# would spend it, whatever the machine's speed.
SLOW_TAIL = """

# Slow on purpose (a benchmark's candidate): {seconds} s of CPU before the tests.
import time as _bench_time
_bench_until = _bench_time.process_time() + {seconds}
while _bench_time.process_time() < _bench_until:
    pass
"""


@dataclass(frozen=True)
class QueuedRunsConfig:
    # Code submissions sent at once; with RUN_SLOTS slots, submissions - slots wait.
    submissions: int = 16
    cpu_seconds: float = 1.0
    # Requests per second of each kind (slash commands, plain turns), and for how long.
    rate: float = 25.0
    window_seconds: float = 6.0
    # Interviews that only talk, for the plain turns.
    turn_threads: int = 8
    # The bot's pool size (RUN_SLOTS, which the bot process inherits).
    slots: int = field(default_factory=lambda: Settings().run_slots)

    @classmethod
    def of_run(cls, *, quick: bool, submissions: int | None = None) -> QueuedRunsConfig:
        if quick:
            config = cls(submissions=8, rate=20.0, window_seconds=3.0, turn_threads=4)
        else:
            config = cls()
        return config if submissions is None else replace(config, submissions=submissions)


def slow_solution(problem_id: str, cpu_seconds: float) -> str:
    """The problem's reference Python solution, slowed down by a CPU burn."""
    reference = (SOLUTIONS / problem_id / "solution.py").read_text()
    return reference.rstrip() + SLOW_TAIL.format(seconds=cpu_seconds)


def code_message(code: str) -> str:
    return f"Here is my solution, it passes the examples:\n```python\n{code}\n```"


class RunWatch:
    """When run results and queue notes arrive in each thread (hooked on the fake Slack)."""

    def __init__(self) -> None:
        self.results: dict[tuple[str, str], list[float]] = defaultdict(list)
        # (passed, total) of each result, in arrival order.
        self.counts: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        self.notes: dict[tuple[str, str], int] = defaultdict(int)

    def on_call(self, call: Call) -> None:
        if call.method != "chat.postMessage" or not call.params.get("thread_ts"):
            return
        key = (str(call.params.get("channel", "")), str(call.params["thread_ts"]))
        posted = json.dumps(call.params, ensure_ascii=False)
        if found := RESULT.search(posted):
            self.results[key].append(time.monotonic())
            self.counts[key].append((int(found[1]), int(found[2])))
        elif QUEUE_NOTE in posted:
            self.notes[key] += 1

    async def wait_results(self, keys: list[tuple[str, str]], within: float) -> int:
        deadline = time.monotonic() + within
        # Polled, like the observer's waits: the hook runs in the fake Slack's handler.
        while time.monotonic() < deadline and not all(self.results.get(k) for k in keys):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        return sum(1 for k in keys if self.results.get(k))


class SandboxCount:
    """Counts the bot's running sandboxes (its bwrap children) every `every` seconds."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.process = psutil.Process(pid)
        self.every = every
        self.samples: list[tuple[float, int]] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._sample())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _sample(self) -> None:
        while True:
            try:
                running = sum(1 for c in self.process.children() if c.name() == "bwrap")
            except psutil.Error:
                running = 0
            self.samples.append((time.monotonic(), running))
            await asyncio.sleep(self.every)

    def between(self, start: float, end: float) -> list[int]:
        return [count for at, count in self.samples if start <= at <= end]


async def problem_ids(database_url: str, users: list[str]) -> dict[str, str]:
    """Which problem each user's interview got (the bot picks it)."""
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT user_id, problem_id FROM interview_sessions WHERE status = 'active'")
            )
            found = {str(user): str(problem) for user, problem in rows}
    finally:
        await engine.dispose()
    return {user: found[user] for user in users if user in found}


async def _ack_window(
    ctx: Context, sender: Sender, threads: list[Thread], config: QueuedRunsConfig, prefix: str
) -> dict[str, Any]:
    """Slash commands and plain turns, each at `rate` for the window, sent open-loop."""
    count = int(config.rate * config.window_seconds)
    commands = [slash_command(ctx.requests, user=new_user(prefix)) for _ in range(count)]
    turns = []
    for index in range(count):
        thread = threads[index % len(threads)]
        turns.append(
            ctx.requests.message(
                CANDIDATE_LINES[index % len(CANDIDATE_LINES)],
                user=thread.user,
                channel=thread.channel,
                thread_ts=thread.thread_ts,
            )
        )
    sent = await asyncio.gather(
        *(
            open_loop(
                sender, requests, rate=config.rate, count=count, max_seconds=config.window_seconds
            )
            for requests in (commands, turns)
        )
    )
    return {
        kind: summarise(kind_sent, offered_rate=config.rate).as_dict()
        for kind, kind_sent in zip(KINDS, sent, strict=True)
    }


async def acks_while_runs_queue(
    ctx: Context,
    bot: ManagedProcess,
    *,
    slack: SlackDouble,
    database_url: str,
    prefix: str,
    config: QueuedRunsConfig,
) -> dict[str, Any]:
    """Ack latency of slash commands and plain turns, idle and while runs are queued."""
    watch = RunWatch()
    slack.hooks.append(watch.on_call)
    try:
        return await _measure(
            ctx, bot, watch, database_url=database_url, prefix=prefix, config=config
        )
    finally:
        slack.hooks.remove(watch.on_call)


async def _measure(
    ctx: Context,
    bot: ManagedProcess,
    watch: RunWatch,
    *,
    database_url: str,
    prefix: str,
    config: QueuedRunsConfig,
) -> dict[str, Any]:
    report: dict[str, Any] = {"config": asdict(config)}
    async with Sender(f"{bot.url}/slack/events", secret=SIGNING_SECRET) as sender:
        wanted = config.submissions + config.turn_threads
        threads, _ = await start_interviews(
            ctx, sender, count=wanted, rate=20, prefix=prefix, within=90
        )
        if len(threads) < wanted:
            return {**report, "error": f"only {len(threads)} of {wanted} interviews opened"}
        code_threads, talk_threads = threads[: config.submissions], threads[config.submissions :]
        problems = await problem_ids(database_url, [t.user for t in code_threads])
        await wait_idle(bot)

        report["idle"] = await _ack_window(ctx, sender, talk_threads, config, prefix)
        _progress(f"{bot.name} acks, no code running", report["idle"])
        await ctx.observer.wait_answered(
            {(t.channel, t.thread_ts): time.monotonic() for t in talk_threads}, within=60
        )
        await wait_idle(bot)

        sandboxes = SandboxCount(bot.pid)
        sandboxes.start()
        submissions: list[BotRequest] = [
            ctx.requests.message(
                code_message(slow_solution(problems[t.user], config.cpu_seconds)),
                user=t.user,
                channel=t.channel,
                thread_ts=t.thread_ts,
            )
            for t in code_threads
        ]
        code_sent = await asyncio.gather(*(sender.send(r) for r in submissions))
        # Every submission is stored (acked): from here the pool fills and the queue forms.
        window_start = time.monotonic()
        report["queued"] = await _ack_window(ctx, sender, talk_threads, config, prefix)
        window_end = time.monotonic()
        _progress(f"{bot.name} acks, runs queued", report["queued"])
        keys = [(t.channel, t.thread_ts) for t in code_threads]
        within = 60 + config.submissions * config.cpu_seconds * 4
        await watch.wait_results(keys, within=within)
        await sandboxes.stop()
        await wait_idle(bot)

    during = sandboxes.between(window_start, window_end)
    arrived = [min(watch.results[k]) for k in keys if watch.results.get(k)]
    waits = [
        at - sent.started
        for sent, key in zip(code_sent, keys, strict=True)
        for at in watch.results.get(key, [])[:1]
    ]
    report["runs"] = {
        "submitted": len(submissions),
        "code_acks": summarise(code_sent, offered_rate=0).as_dict(),
        "results_posted": len(arrived),
        # The slow solutions are correct: every result should say so.
        "results_all_passed": sum(
            1 for k in keys for passed, total in watch.counts.get(k, [])[:1] if passed == total
        ),
        # Results still to come when the window closed: those runs were queued or running
        # through all of it.
        "results_after_window": sum(1 for at in arrived if at > window_end),
        "result_wait_p50_s": round(statistics.median(waits), 2) if waits else None,
        "result_wait_max_s": round(max(waits), 2) if waits else None,
        "queue_notes": sum(watch.notes[k] for k in keys),
        "sandbox_samples": len(during),
        "pool_full_share": round(sum(1 for c in during if c >= config.slots) / len(during), 2)
        if during
        else None,
        "max_sandboxes": max(during, default=0),
    }
    report["ratio"] = {
        kind: {
            stat: _ratio(report["queued"][kind][stat], report["idle"][kind][stat])
            for stat in ("p50_ms", "p99_ms")
        }
        for kind in KINDS
    }
    report["target_p99_ms"] = ACK_P99_TARGET_MS
    report["met"] = all(
        (report["queued"][kind]["p99_ms"] or float("inf")) < ACK_P99_TARGET_MS
        and report["queued"][kind]["failed"] == 0
        for kind in KINDS
    )
    _progress(f"{bot.name} runs", report["runs"])
    return report


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return round(value / base, 2)


def _progress(label: str, data: dict[str, Any]) -> None:
    brief = {
        k: (v if not isinstance(v, dict) else {s: v.get(s) for s in ("p50_ms", "p99_ms")})
        for k, v in data.items()
    }
    print(f"  · {label}: {brief}", flush=True)


def render_queued_runs(by_database: dict[str, dict[str, Any]]) -> str:
    """The table for stdout: acks idle and while runs are queued, per database."""
    lines = ["Acks while code runs are queued (a real bot process; p50 / p99 ms)"]
    lines.append(
        f"{'database':<11}{'request':<15}{'idle':>15}{'runs queued':>15}{'x p50':>8}"
        f"{'x p99':>8}  target p99 < {ACK_P99_TARGET_MS:g} ms"
    )
    for database, report in by_database.items():
        if "error" in report:
            lines.append(f"{database:<11}{report['error']}")
            continue
        for kind in KINDS:
            idle, queued, ratio = report["idle"][kind], report["queued"][kind], report["ratio"]
            ok = (queued["p99_ms"] or float("inf")) < ACK_P99_TARGET_MS and not queued["failed"]
            failed = f" failed {queued['failed']}" if queued["failed"] else ""
            lines.append(
                f"{database:<11}{kind:<15}{_pair(idle):>15}{_pair(queued):>15}"
                f"{_x(ratio[kind]['p50_ms']):>8}{_x(ratio[kind]['p99_ms']):>8}  "
                f"{'✔' if ok else '✘'}{failed}"
            )
        runs, config = report["runs"], report["config"]
        lines.append(
            f"{'':<11}runs: {runs['submitted']} submissions of {config['cpu_seconds']:g} s CPU "
            f"each, {config['slots']} slots: pool full in {_share(runs['pool_full_share'])} of "
            f"the window's samples (max {runs['max_sandboxes']} sandboxes), "
            f"{runs['results_after_window']} results still to come when it closed"
        )
        lines.append(
            f"{'':<11}results: {runs['results_posted']} posted, {runs['results_all_passed']} "
            f"with every test passed; wait p50 {runs['result_wait_p50_s']} s, max "
            f"{runs['result_wait_max_s']} s (queue included); {runs['queue_notes']} queue notes"
        )
    return "\n".join(lines)


def _pair(row: dict[str, Any]) -> str:
    return f"{row['p50_ms']} / {row['p99_ms']}"


def _x(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{round(value * 100)}%"
