"""Soak: many interviews over real `interview-bot run` processes killed with SIGKILL at random.

    python bench/soak.py [--kills 200] [--lanes 2] [--candidates 3] [--seed 1] [--minutes 20]

Each lane runs one bot process on its own SQLite database, with a fake Slack Web API and a
fake model (0.3 s a call) served from this process. Simulated candidates click Start, write
in their interview threads, share code as fenced blocks and snippets, and finish with
`done` or the Finish button. Events are delivered like Slack delivers them: one that is not
acked (the bot is down, or slower than 3 s) is sent again with the same `event_id` and
`X-Slack-Retry-Num`. Meanwhile the lane kills its bot at random moments — at a random time,
right after an ack, during a model call, or while Slack is answering a post the bot has not
recorded yet — and starts it again on the same database.

At the end, with the bot running undisturbed, every candidate message that was acked must be
stored once and answered once, every queued bot message posted to Slack exactly once and every
finished interview recorded once. The script prints the number of lost and duplicated
messages and exits with status 1 unless both are 0.

Slack stops retrying an event after three retries; the soak keeps delivering until the bot
acks, so the figures measure the bot, not Slack's patience.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import logging
import os
import random
import socket
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script (`python bench/soak.py`)
    sys.path.insert(0, str(ROOT))

from bot.interview.outbox import ANSWERING_KINDS  # noqa: E402
from handlers.blocks import ids  # noqa: E402
from sandbox.bot_requests import BotRequest, BotRequests, post  # noqa: E402
from sandbox.model_server import FakeModelServer  # noqa: E402
from sandbox.slack_double import (  # noqa: E402
    BOT_TOKEN,
    IDENTITY,
    SIGNING_SECRET,
    Call,
    SlackDouble,
)

START_ACTION = ids.START_INTERVIEW
FINISH_ACTION = ids.FINISH_INTERVIEW
MODEL_KEY = "sk-soak-fake-model-key-000000"
# Bot messages that close a candidate's turn: the interviewer's words, or the notice that a
# turn which kept failing was skipped (as an SQL list).
ANSWERING = "(" + ", ".join(f"'{kind}'" for kind in sorted(ANSWERING_KINDS)) + ")"
# What Slack allows before it counts a delivery as failed and retries it.
SLACK_ACK_TIMEOUT = 3.0

_ids = itertools.count(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bot_command() -> list[str]:
    """`interview-bot run` from the virtualenv this Python belongs to."""
    script = Path(sys.executable).parent / "interview-bot"
    if script.exists():
        return [str(script), "run"]
    return [sys.executable, "-m", "bot", "run"]


# The bot process --------------------------------------------------------------------------


@dataclass
class BotProcess:
    """One `interview-bot run`; killed with SIGKILL and started again on the same database."""

    database_url: str
    slack_api_url: str
    workdir: Path
    model_base_url: str | None = None
    port: int = field(default_factory=free_port)
    lease_seconds: float = 2.0
    sweep_interval_seconds: float = 0.2
    extra_env: dict[str, str] = field(default_factory=dict)
    starts: int = 0
    kills: int = 0
    process: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bot-{self.port}.log"

    def environment(self) -> dict[str, str]:
        inherited = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("SLACK_", "OPENAI_", "DATABASE_", "INTERVIEW_", "LEASE_"))
        }
        env = {
            **inherited,
            "PYTHONPATH": str(ROOT),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack_api_url,
            "DATABASE_URL": self.database_url,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "SWEEP_INTERVAL_SECONDS": str(self.sweep_interval_seconds),
            "LEASE_SECONDS": str(self.lease_seconds),
            "LOG_LEVEL": "INFO",
        }
        if self.model_base_url:
            env |= {
                "OPENAI_API_KEY": MODEL_KEY,
                "OPENAI_BASE_URL": self.model_base_url,
                "INTERVIEW_MODEL": "fake-model",
                "MODEL_TIMEOUT_SECONDS": "10",
            }
        return env | self.extra_env

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    async def start(self, within: float = 60.0) -> None:
        """Start the process and wait (at most `within` seconds) until /healthz answers."""
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *bot_command(),
                cwd=self.workdir,
                env=self.environment(),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.starts += 1
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while time.monotonic() < deadline:
                if not self.running:
                    raise RuntimeError(f"the bot exited while starting:\n{self.log_tail()}")
                with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise RuntimeError(f"the bot did not become healthy:\n{self.log_tail()}")

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, whatever was in flight is cut."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
            self.kills += 1

    async def stop(self, grace: float = 20.0) -> None:
        """SIGTERM and wait (in-flight work finishes); SIGKILL if it lingers past `grace`."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            await self.kill()

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])


# Slack's side of the conversation ------------------------------------------------------------


class SlackDeliveries:
    """Delivers events and clicks to the bot like Slack: signed, retried until acked."""

    def __init__(self, url: str, *, give_up_after: float = 120.0) -> None:
        self.url = url
        self.give_up_after = give_up_after
        self.http = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=SLACK_ACK_TIMEOUT),
            connector=aiohttp.TCPConnector(force_close=True),
        )
        self.deliveries = 0
        self.retries = 0
        self.on_ack: list[Callable[[], None]] = []
        self.requests = BotRequests(IDENTITY)

    async def close(self) -> None:
        await self.http.close()

    async def _post(self, request: BotRequest) -> int | None:
        try:
            answer = await post(self.http, self.url, request, signing_secret=SIGNING_SECRET)
        except (aiohttp.ClientError, OSError, TimeoutError):
            return None
        return answer.status

    async def event(self, request: BotRequest) -> int:
        """Deliver an Events API request until acked with 200; returns the retries it took."""
        deadline = time.monotonic() + self.give_up_after
        for attempt in itertools.count():
            self.deliveries += 1
            retry = request.retried(attempt, "http_error") if attempt else request
            status = await self._post(retry)
            if status == 200:
                self.retries += attempt
                for callback in list(self.on_ack):
                    callback()
                return attempt
            if time.monotonic() > deadline:
                raise RuntimeError(f"event never acked (last status {status})")
            await asyncio.sleep(0.2)
        raise AssertionError("unreachable")

    async def click(self, action_id: str, *, user: str, value: str) -> None:
        """A button click; Slack does not retry these, the candidate clicks again instead."""
        deadline = time.monotonic() + self.give_up_after
        container = {"type": "message", "message_ts": "1.1", "channel_id": "C0SOAK"}
        while True:
            request = self.requests.block_actions(
                self.requests.button(action_id, value=value), user=user, container=container
            )
            self.deliveries += 1
            status = await self._post(request)
            if status == 200:
                for callback in list(self.on_ack):
                    callback()
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"click never acked (last status {status})")
            await asyncio.sleep(0.3)


def dm_channel(user: str) -> str:
    return "D" + user[1:]


def marker_of(message: dict[str, Any]) -> str | None:
    payload = (message.get("metadata") or {}).get("event_payload") or {}
    marker = payload.get("marker")
    return str(marker) if marker else None


# Candidates ---------------------------------------------------------------------------------

TURNS = (
    "Can the input be empty? Are the values all distinct?",
    "I would sort first, then sweep once with two pointers: O(n log n) time, O(1) space.",
    "```python\ndef solve(items):\n    items = sorted(items)\n    return items[:1]\n```",
    "A hash map would make it O(n) time at the cost of O(n) extra space.",
    "Testing: empty input, one element, duplicates and negative values all work.",
)
SNIPPET = (
    b"def solve(items):\n    seen = {}\n    for i, x in enumerate(items):\n        seen[x] = i\n"
)


@dataclass
class Ledger:
    """What the candidates of a lane sent and Slack saw acked."""

    acked_ts: set[str] = field(default_factory=set)
    finish_words: set[str] = field(default_factory=set)
    interviews_started: int = 0
    interviews_finished: int = 0
    slow_turns: int = 0


class Candidate:
    """A person in a DM with the bot, doing interviews one after another."""

    def __init__(
        self,
        user: str,
        slack: SlackDouble,
        deliveries: SlackDeliveries,
        ledger: Ledger,
        rng: random.Random,
        db_path: Path,
    ) -> None:
        self.user = user
        self.channel = dm_channel(user)
        self.slack = slack
        self.deliveries = deliveries
        self.ledger = ledger
        self.rng = rng
        self.db_path = db_path
        self.known_threads: set[str] = set()

    def _bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.slack.messages.get(self.channel, []) if m.get("bot_id")]

    def _thread_replies(self, thread_ts: str) -> int:
        return sum(
            1
            for m in self._bot_messages()
            if m.get("thread_ts") == thread_ts
            and str(m.get("text", "")).startswith("Interviewer reply")
        )

    def _unanswered(self, thread_ts: str) -> int:
        """Messages of this thread no posted reply (or skip notice) has answered yet.

        Read from the database: in Slack a reply to the previous message can arrive after
        the next one was sent, and the candidate could not tell it from an answer.
        """
        return int(
            _query(
                self.db_path,
                "SELECT count(*) FROM messages m JOIN interview_sessions s ON s.id = m.session_id "
                "WHERE s.thread_ts = ? AND m.role = 'candidate' AND NOT m.deleted AND m.id > "
                "COALESCE((SELECT max(r.answers_through) FROM messages r WHERE r.session_id = s.id"
                f" AND r.kind IN {ANSWERING} AND r.slack_ts IS NOT NULL), 0)",
                (thread_ts,),
            )[0][0]
        )

    def _completions(self) -> int:
        return sum(1 for m in self._bot_messages() if "you scored" in str(m.get("text", "")))

    async def _wait(self, predicate: Callable[[], bool], within: float) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if predicate():
                return True
            await asyncio.sleep(0.05)
        return False

    async def _say(
        self, thread_ts: str, text: str, files: list[dict[str, Any]] | None = None
    ) -> None:
        ts = f"{int(time.time())}.{next(_ids):06d}"
        message = self.deliveries.requests.message(
            text, user=self.user, channel=self.channel, ts=ts, thread_ts=thread_ts, files=files
        )
        await self.deliveries.event(message)
        self.ledger.acked_ts.add(ts)
        if text.strip().lower() == "done":
            self.ledger.finish_words.add(ts)

    async def begin(self) -> str:
        """Click Start and return the new interview's thread."""
        await self.deliveries.click(START_ACTION, user=self.user, value='{"difficulty": "easy"}')
        self.ledger.interviews_started += 1

        def new_thread() -> str | None:
            for m in self._bot_messages():
                if (
                    m.get("thread_ts") in (None, m["ts"])
                    and str(m.get("text", "")).startswith("Your interview")
                    and m["ts"] not in self.known_threads
                ):
                    return str(m["ts"])
            return None

        if not await self._wait(lambda: new_thread() is not None, 90):
            raise RuntimeError(f"{self.user}: the interview thread never appeared")
        thread_ts = new_thread()
        assert thread_ts is not None
        self.known_threads.add(thread_ts)
        return thread_ts

    async def finish(self, thread_ts: str, *, within: float = 90) -> bool:
        """End the interview with `done` or the Finish button; True once the score is posted."""
        done_before = self._completions()
        if self.rng.random() < 0.5:
            await self._say(thread_ts, "done")
        else:
            session_id = self._session_of(thread_ts)
            await self.deliveries.click(FINISH_ACTION, user=self.user, value=session_id)
        finished = await self._wait(lambda: self._completions() > done_before, within)
        self.ledger.interviews_finished += 1
        return finished

    async def interview(self) -> None:
        """One interview from the Start click to the score."""
        thread_ts = await self.begin()
        if self.rng.random() < 0.3:
            # Quick to type: writes before the interviewer's opening is there.
            await self._say(thread_ts, self.rng.choice(TURNS))
        await self._wait(lambda: self._thread_replies(thread_ts) >= 1, 60)
        for turn in range(self.rng.randint(2, 4)):
            if turn == 1 and self.rng.random() < 0.4:
                file = self.slack.add_file(
                    f"F{next(_ids):07d}", SNIPPET, name="solution.py", filetype="python"
                )
                await self._say(thread_ts, "", files=[file])
            else:
                await self._say(thread_ts, self.rng.choice(TURNS))
                if self.rng.random() < 0.2:
                    # Two messages in a row: one reply may answer both.
                    await self._say(thread_ts, self.rng.choice(TURNS))
            await asyncio.sleep(self.rng.uniform(0.0, 0.4))
            if not await self._wait(lambda: self._unanswered(thread_ts) == 0, 60):
                self.ledger.slow_turns += 1
        if not await self.finish(thread_ts):
            self.ledger.slow_turns += 1

    def _session_of(self, thread_ts: str) -> str:
        for m in self._bot_messages():
            if m["ts"] == thread_ts:
                for block in m.get("blocks") or []:
                    for element in block.get("elements") or []:
                        if element.get("action_id") == FINISH_ACTION:
                            return str(element.get("value"))
        return ""


# A lane: one bot, its fakes, its candidates and its killer -------------------------------


@dataclass
class LaneReport:
    kills: int = 0
    kill_modes: Counter[str] = field(default_factory=Counter)
    acked_messages: int = 0
    interviews: int = 0
    lost: dict[str, int] = field(default_factory=dict)
    duplicated: dict[str, int] = field(default_factory=dict)
    slow_turns: int = 0
    retried_deliveries: int = 0
    errors_logged: int = 0
    # Replies that told the candidate they were not in an interview (there should be none).
    pointers: int = 0


class Killer:
    """Kills the bot at chosen moments and starts it again."""

    MODES = ("random", "random", "after_ack", "during_model_call", "post_not_recorded")

    def __init__(
        self,
        bot: BotProcess,
        slack: SlackDouble,
        model: FakeModelServer,
        deliveries: SlackDeliveries,
        rng: random.Random,
        kills: int,
        max_uptime: float,
    ) -> None:
        self.bot = bot
        self.slack = slack
        self.model = model
        self.deliveries = deliveries
        self.rng = rng
        self.target = kills
        self.max_uptime = max_uptime
        self.modes: Counter[str] = Counter()
        self.finished = asyncio.Event()
        self._armed: str | None = None
        self._moment = asyncio.Event()
        slack.hooks.append(self._on_slack_call)
        deliveries.on_ack.append(self._on_ack)

    def _on_slack_call(self, call: Call) -> None:
        if self._armed == "post_not_recorded" and call.method == "chat.postMessage":
            # Slack answers this post late; the bot dies before it can record the ts.
            self.slack.latency = 0.6
            self._armed = None
            self._moment.set()

    def _on_ack(self) -> None:
        if self._armed == "after_ack":
            self._armed = None
            self._moment.set()

    async def _wait_for_model_call(self, within: float) -> None:
        seen = len(self.model.requests)
        for _ in range(max(1, int(within / 0.01))):
            if len(self.model.requests) != seen:
                break
            await asyncio.sleep(0.01)
        # Somewhere inside the model's latency.
        await asyncio.sleep(self.rng.uniform(0.0, 0.2))

    async def run(self) -> None:
        try:
            while self.bot.kills < self.target:
                mode = self.rng.choice(self.MODES)
                uptime = self.rng.uniform(0.3, self.max_uptime)
                if mode == "random":
                    await asyncio.sleep(uptime)
                elif mode == "during_model_call":
                    await self._wait_for_model_call(uptime)
                else:
                    self._moment.clear()
                    self._armed = mode
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._moment.wait(), uptime)
                    self._armed = None
                await self.bot.kill()
                self.slack.latency = 0.0
                self.modes[mode] += 1
                await self.bot.start()
        finally:
            self.finished.set()


async def run_lane(
    index: int,
    *,
    workdir: Path,
    kills: int,
    candidates: int,
    seed: int,
    max_uptime: float = 3.0,
    time_budget: float = 1200.0,
) -> LaneReport:
    """One bot process under fire; returns what was lost and what was duplicated."""
    rng = random.Random(seed * 1000 + index)
    lane_dir = workdir / f"lane{index}"
    lane_dir.mkdir(parents=True, exist_ok=True)
    db_path = lane_dir / "interview_bot.db"
    model = FakeModelServer(latency=0.3)
    await model.start()
    slack = SlackDouble()
    await slack.start()
    bot = BotProcess(
        database_url=f"sqlite+aiosqlite:///{db_path}",
        slack_api_url=slack.api_url,
        model_base_url=model.base_url,
        workdir=lane_dir,
    )
    deliveries = SlackDeliveries(bot.events_url, give_up_after=time_budget)
    ledger = Ledger()
    report = LaneReport()
    try:
        await bot.start()
        killer = Killer(bot, slack, model, deliveries, rng, kills, max_uptime)
        people = [
            Candidate(
                f"U0SOAK{index}{n:03d}",
                slack,
                deliveries,
                ledger,
                random.Random(rng.random()),
                db_path,
            )
            for n in range(candidates)
        ]

        async def keep_interviewing(person: Candidate) -> None:
            while not killer.finished.is_set():
                await person.interview()

        killing = asyncio.create_task(killer.run())
        await asyncio.wait_for(
            asyncio.gather(killing, *(keep_interviewing(p) for p in people)), time_budget
        )
        await settle(db_path, within=120)
        await bot.stop()
        report = check_lane(db_path, slack, ledger)
        report.kills = bot.kills
        report.kill_modes = killer.modes
        report.retried_deliveries = deliveries.retries
        log = bot.log_text()
        report.errors_logged = sum(1 for line in log.splitlines() if " ERROR " in line)
    finally:
        await bot.kill()
        await deliveries.close()
        await slack.stop()
        await model.stop()
    return report


def _query(db_path: Path, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return list(connection.execute(sql, args).fetchall())
    finally:
        connection.close()


async def settle(db_path: Path, within: float) -> None:
    """Wait until nothing is left to do: no open interview, nothing unposted."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        open_sessions = _query(
            db_path, "SELECT count(*) FROM interview_sessions WHERE status IN ('active','grading')"
        )[0][0]
        unposted = _query(
            db_path,
            "SELECT count(*) FROM messages WHERE role != 'candidate' AND slack_ts IS NULL",
        )[0][0]
        if open_sessions == 0 and unposted == 0:
            return
        await asyncio.sleep(0.2)


def check_lane(db_path: Path, slack: SlackDouble, ledger: Ledger) -> LaneReport:
    """Compare what Slack acked and what Slack shows with what the database holds."""
    report = LaneReport()
    candidate_rows = _query(
        db_path,
        "SELECT id, session_id, slack_ts, text FROM messages WHERE role = 'candidate'",
    )
    stored_ts = Counter(row[2] for row in candidate_rows)
    replies = _query(
        db_path,
        "SELECT session_id, answers_through FROM messages "
        f"WHERE kind IN {ANSWERING} AND slack_ts IS NOT NULL",
    )
    answered_through: dict[int, int] = {}
    for session_id, through in replies:
        answered_through[session_id] = max(answered_through.get(session_id, 0), through or 0)
    recorded = {row[0] for row in _query(db_path, "SELECT session_id FROM interviews")}
    lost_unanswered = 0
    for message_id, session_id, slack_ts, text in candidate_rows:
        if slack_ts in ledger.finish_words or text.strip().lower() == "done":
            continue
        if message_id > answered_through.get(session_id, 0):
            lost_unanswered += 1
    sessions = _query(db_path, "SELECT id, status FROM interview_sessions")
    posted_markers = Counter(
        marker
        for channel in slack.messages.values()
        for message in channel
        if (marker := marker_of(message)) is not None
    )
    unmarked_bot_posts = sum(
        1
        for channel in slack.messages.values()
        for message in channel
        if message.get("bot_id") and marker_of(message) is None
    )
    report.lost = {
        "acked_but_not_stored": sum(1 for ts in ledger.acked_ts if ts not in stored_ts),
        "stored_but_never_answered": lost_unanswered,
        "bot_messages_never_posted": _query(
            db_path, "SELECT count(*) FROM messages WHERE role != 'candidate' AND slack_ts IS NULL"
        )[0][0],
        "finished_without_history_record": sum(1 for sid, _ in sessions if sid not in recorded),
    }
    report.pointers = unmarked_bot_posts
    report.duplicated = {
        "candidate_rows": sum(n - 1 for n in stored_ts.values() if n > 1),
        "posted_twice_to_slack": sum(n - 1 for n in posted_markers.values() if n > 1),
        "replies_per_turn": _query(
            db_path,
            "SELECT count(*) - count(DISTINCT session_id || ':' || answers_through) "
            "FROM messages WHERE kind IN ('opening', 'reply')",
        )[0][0],
        "history_records": _query(
            db_path, "SELECT count(*) - count(DISTINCT session_id) FROM interviews"
        )[0][0],
        "code_submissions": _query(
            db_path,
            "SELECT count(*) - count(DISTINCT session_id || ':' || slack_file_id) "
            "FROM code_submissions WHERE slack_file_id IS NOT NULL",
        )[0][0],
    }
    report.acked_messages = len(ledger.acked_ts)
    report.interviews = len(sessions)
    report.slow_turns = ledger.slow_turns
    return report


# The whole run ------------------------------------------------------------------------------


@dataclass
class SoakReport:
    lanes: list[LaneReport]
    seconds: float

    @property
    def kills(self) -> int:
        return sum(lane.kills for lane in self.lanes)

    @property
    def lost(self) -> int:
        return sum(sum(lane.lost.values()) for lane in self.lanes)

    @property
    def duplicated(self) -> int:
        return sum(sum(lane.duplicated.values()) for lane in self.lanes)

    def lines(self) -> list[str]:
        modes: Counter[str] = Counter()
        lost: Counter[str] = Counter()
        duplicated: Counter[str] = Counter()
        for lane in self.lanes:
            modes.update(lane.kill_modes)
            lost.update(lane.lost)
            duplicated.update(lane.duplicated)
        return [
            f"soak: {len(self.lanes)} bot processes, {self.seconds:.0f} s",
            f"kills (SIGKILL): {self.kills}  "
            + ", ".join(f"{mode} {n}" for mode, n in sorted(modes.items())),
            f"interviews: {sum(lane.interviews for lane in self.lanes)}  "
            f"candidate messages acked: {sum(lane.acked_messages for lane in self.lanes)}  "
            f"Slack redeliveries: {sum(lane.retried_deliveries for lane in self.lanes)}",
            "lost: " + ", ".join(f"{k} {v}" for k, v in sorted(lost.items())),
            "duplicated: " + ", ".join(f"{k} {v}" for k, v in sorted(duplicated.items())),
            f"turns slower than 60 s: {sum(lane.slow_turns for lane in self.lanes)}  "
            f"pointers sent: {sum(lane.pointers for lane in self.lanes)}  "
            f"ERROR lines logged: {sum(lane.errors_logged for lane in self.lanes)}",
            f"LOST {self.lost}  DUPLICATED {self.duplicated}",
        ]


async def run_soak(
    *,
    kills: int,
    lanes: int = 2,
    candidates: int = 3,
    seed: int = 1,
    workdir: Path | None = None,
    max_uptime: float = 3.0,
    time_budget: float = 1200.0,
) -> SoakReport:
    """Run the lanes side by side; `kills` is shared out between them."""
    started = time.monotonic()
    per_lane = [kills // lanes + (1 if i < kills % lanes else 0) for i in range(lanes)]
    with contextlib.ExitStack() as stack:
        if workdir is None:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="soak-")))
        reports = await asyncio.gather(
            *(
                run_lane(
                    i,
                    workdir=workdir,
                    kills=per_lane[i],
                    candidates=candidates,
                    seed=seed,
                    max_uptime=max_uptime,
                    time_budget=time_budget,
                )
                for i in range(lanes)
            )
        )
    return SoakReport(list(reports), time.monotonic() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs in total (default 200)")
    parser.add_argument("--lanes", type=int, default=2, help="bot processes side by side")
    parser.add_argument("--candidates", type=int, default=3, help="candidates per bot")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=20, help="give up after this long")
    parser.add_argument("--keep", type=Path, default=None, help="keep databases and logs here")
    args = parser.parse_args(argv)
    # The fakes see connections cut by every kill; that is the point, not news.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    report = asyncio.run(
        run_soak(
            kills=args.kills,
            lanes=args.lanes,
            candidates=args.candidates,
            seed=args.seed,
            workdir=args.keep,
            time_budget=args.minutes * 60,
        )
    )
    for line in report.lines():
        print(line)
    return 0 if report.lost == 0 and report.duplicated == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
