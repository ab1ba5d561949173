"""`python -m bench [--quick]`: measure Interview Bot against a bare Bolt bot (see README)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from bench import processes
from bench.observer import SlackObserver
from bench.processes import ManagedProcess
from bench.queued_runs import QueuedRunsConfig, acks_while_runs_queue, render_queued_runs
from bench.report import add_ratios, machine, render_table, verdicts, write_results
from bench.runs import measure_runs, render_runs
from bench.scenarios import (
    BenchConfig,
    Context,
    ack_latency,
    capacity,
    home_tab,
    per_turn_overhead,
)
from sandbox.bot_requests import BotRequests
from sandbox.slack_double import IDENTITY, SlackDouble

QUICK: dict[str, Any] = {
    "level_seconds": 1.0,
    "turn_interviews": 10,
    "turns_per_interview": 3,
    "capacity_steps": (250, 500, 1000),
    "capacity_step_seconds": 6.0,
    "home_samples": 10,
}


def parse_args(argv: list[str] | None) -> tuple[BenchConfig, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller run (about 3 minutes)")
    parser.add_argument(
        "--databases",
        default="sqlite,postgresql",
        help="comma-separated: sqlite, postgresql (default both; PostgreSQL is skipped "
        "with a note when 127.0.0.1:5432 does not answer)",
    )
    parser.add_argument(
        "--only",
        default="ack,turn,home,capacity,runs",
        help="which parts to run (runs: acks while runs are queued in a bot process, then runs "
        "in this process; queued: only the former)",
    )
    parser.add_argument(
        "--run-submissions",
        type=int,
        default=None,
        help="code submissions sent at once while acks are measured (16; --quick 8)",
    )
    parser.add_argument("--model-latency", type=float, default=2.0, help="seconds (default 2)")
    parser.add_argument(
        "--slack-latency", type=float, default=0.05, help="seconds per Web API call (0.05)"
    )
    parser.add_argument("--rates", default="50,100,200", help="requests/s for the ack runs")
    parser.add_argument("--steps", default=None, help="capacity steps, e.g. 250,500,1000")
    parser.add_argument(
        "--pace", type=float, default=None, help="capacity: seconds between a candidate's messages"
    )
    parser.add_argument(
        "--history", type=int, default=None, help="capacity: turns already answered per interview"
    )
    parser.add_argument(
        "--no-docs", action="store_true", help="do not copy the chart to docs/bench-latency.png"
    )
    args = parser.parse_args(argv)
    config = BenchConfig(quick=args.quick)
    if args.quick:
        config = dataclasses.replace(config, **QUICK)
    config.model_latency = args.model_latency
    config.slack_latency = args.slack_latency
    config.rates = tuple(int(r) for r in args.rates.split(","))
    if args.steps:
        config.capacity_steps = tuple(int(s) for s in args.steps.split(","))
    if args.pace:
        config.capacity_pace = args.pace
    if args.history is not None:
        config.capacity_history = args.history
    return config, args


@contextlib.asynccontextmanager
async def database(kind: str, workdir: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        async with processes.sqlite_database(workdir) as url:
            yield url
    else:
        async with processes.postgres_database() as url:
            yield url


async def run(config: BenchConfig, args: argparse.Namespace) -> dict[str, Any]:
    parts = set(args.only.split(","))
    kinds = [k for k in args.databases.split(",") if k]
    results: dict[str, Any] = {
        "machine": machine(),
        "config": dataclasses.asdict(config),
        "baseline": {},
        "targets": {},
        "notes": [],
    }
    if "postgresql" in kinds:
        if await processes.postgres_available():
            results["machine"]["postgresql"] = await _postgres_version()
        else:
            kinds.remove("postgresql")
            results["notes"].append("PostgreSQL at 127.0.0.1:5432 did not answer: skipped")
            print("PostgreSQL at 127.0.0.1:5432 did not answer: skipping it", flush=True)
    began = time.monotonic()
    for kind in kinds:
        results["targets"][kind] = {}
    with processes.scratch_dir() as tmp:
        workdir = Path(tmp)
        async with SlackDouble(latency=config.slack_latency) as slack:
            # The bench reads calls through the observer's hooks; a list of every call of the
            # run would only grow the harness's heap and its collector's pauses.
            slack.calls = processes.Discard()
            ctx = Context(
                config=config,
                observer=SlackObserver(slack),
                requests=BotRequests(IDENTITY, response_url=slack.response_url("card")),
            )
            model, model_url = await processes.start_model(
                workdir=workdir, latency=config.model_latency
            )

            @contextlib.asynccontextmanager
            async def bot_on(
                kind: str, name: str, *, rss: bool = True
            ) -> AsyncIterator[tuple[ManagedProcess, str]]:
                async with database(kind, workdir) as url:
                    bot = await processes.start_bot(
                        workdir=workdir,
                        slack_api_url=slack.api_url,
                        model_base_url=model_url,
                        database_url=url,
                        name=name,
                    )
                    try:
                        yield bot, url
                    finally:
                        target = results["targets"][kind]
                        if rss:  # capacity reports its own per step
                            target["peak_rss_mb"] = max(
                                target.get("peak_rss_mb", 0.0), round(bot.peak_rss / 2**20, 1)
                            )
                        target["errors_logged"] = target.get("errors_logged", 0) + (
                            bot.error_lines()
                        )
                        await bot.stop()
                        forget_posted(slack)

            @contextlib.asynccontextmanager
            async def baseline_on() -> AsyncIterator[ManagedProcess]:
                base = await processes.start_baseline(
                    workdir=workdir, slack_api_url=slack.api_url, model_base_url=model_url
                )
                try:
                    yield base
                finally:
                    results["baseline"]["peak_rss_mb"] = max(
                        results["baseline"].get("peak_rss_mb", 0.0),
                        round(base.peak_rss / 2**20, 1),
                    )
                    await base.stop()
                    forget_posted(slack)

            try:
                # One measure at a time for the baseline and both databases, each on a fresh
                # process and database, so no figure is taken in a harness still busy with
                # (or grown by) an earlier, heavier part.
                measures = (
                    ("turn", "per_turn", "per-turn overhead", per_turn_overhead),
                    ("ack", "ack", "ack latency", ack_latency),
                )
                for part, key, title, measure in measures:
                    if part not in parts:
                        continue
                    print(title, flush=True)
                    async with baseline_on() as base:
                        results["baseline"][key] = await measure(
                            ctx, base, baseline=True, prefix="B"
                        )
                    for kind in kinds:
                        async with bot_on(kind, f"bot-{kind}") as (bot, _url):
                            results["targets"][kind][key] = await measure(
                                ctx, bot, baseline=False, prefix=_prefix(kind, part[0])
                            )
                if "home" in parts:
                    print("Home tab", flush=True)
                    for kind in kinds:
                        async with bot_on(kind, f"bot-{kind}") as (bot, url):
                            results["targets"][kind]["home"] = await home_tab(
                                ctx, bot, database_url=url, prefix=_prefix(kind, "h")
                            )
                if "capacity" in parts:
                    for kind in kinds:
                        print(f"capacity on {kind}", flush=True)
                        async with bot_on(kind, f"bot-{kind}-capacity", rss=False) as (bot, url):
                            results["targets"][kind]["capacity"] = await capacity(
                                ctx, bot, database_url=url, prefix=_prefix(kind, "c")
                            )
                if parts & {"runs", "queued"}:
                    queued = QueuedRunsConfig.of_run(
                        quick=config.quick, submissions=args.run_submissions
                    )
                    for kind in kinds:
                        print(f"acks while code runs are queued, {kind}", flush=True)
                        async with bot_on(kind, f"bot-{kind}-runs") as (bot, url):
                            results["targets"][kind]["queued_runs"] = await acks_while_runs_queue(
                                ctx,
                                bot,
                                slack=slack,
                                database_url=url,
                                prefix=_prefix(kind, "r"),
                                config=queued,
                            )
            finally:
                await model.stop()
    if "runs" in parts:
        # After the Slack-facing parts, so sandboxes never share the machine with them.
        print("code runs", flush=True)
        results["runs"] = await measure_runs(quick=config.quick)
    results["duration_s"] = round(time.monotonic() - began, 1)
    add_ratios(results)
    results["verdicts"] = verdicts(results)
    return results


def _prefix(kind: str, part: str) -> str:
    """User ids unique per database and part: S/P, then the part's letter."""
    return ("S" if kind == "sqlite" else "P") + part.upper()


def forget_posted(slack: SlackDouble) -> None:
    """Drop what the fake Slack keeps of a finished process's posts and card updates."""
    slack.forget_messages()
    slack.responses.clear()


async def _postgres_version() -> str:
    import asyncpg

    conn = await asyncpg.connect(processes.PG_ADMIN_DSN)
    try:
        version = str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()
    return f"PostgreSQL {version.split()[0]}"


def main(argv: list[str] | None = None) -> int:
    config, args = parse_args(argv)
    results = asyncio.run(run(config, args))
    print(render_table(results), flush=True)
    queued = {k: t["queued_runs"] for k, t in results["targets"].items() if "queued_runs" in t}
    if queued:
        print("\n" + render_queued_runs(queued), flush=True)
    if "runs" in results:
        print("\n" + render_runs(results["runs"]), flush=True)
    path, chart = write_results(results, update_docs=not args.no_docs)
    print(f"\nresults: {path}" + (f"\nchart:   {chart}" if chart else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
