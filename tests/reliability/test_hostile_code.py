"""Hostile code through the real Bolt app, the Slack double and the real bubblewrap sandbox.

One candidate sends, one after another, an infinite loop, a fork bomb, 100 MB of output, code
reading the bot's database and every environment it can see, code writing outside its work
directory, a memory hog, a sleep past the wall clock, a connection to a server on the host and
signals at the bot: each is stopped and reported as such, nothing of the host reaches Slack or
the transcript, and meanwhile another candidate's turns, slash command and run are answered.
Code shared as a plain uploaded file (not a snippet, not fenced) is run by its file name's
language, and a file whose language cannot be told is asked about.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.execution import CodeRunner, RunResult, Submission
from bot.execution.cases import RunnableProblem
from bot.execution.pool import QueueNotice
from bot.execution.sandbox import WORK_DIR, Limits
from bot.interview.domain import Problem
from bot.interview.problem_bank import ProblemBank
from sandbox.slack_double import BOT_TOKEN, SIGNING_SECRET, SlackDouble
from storage.models import InterviewSession
from tests.conftest import BotHarness
from tests.execution.test_containment import _sandbox_processes
from tests.reliability.conftest import (
    SOLUTIONS,
    Thread,
    assert_each_posted_once,
    bot_posts,
    fenced,
    kinds,
    messages_of,
    results_of,
    say,
    start_interview,
    unanswered,
    wait_for,
)

HONEST = "U0HONEST01"
# In the bot's environment, as a deployment's secrets are; none may reach Slack.
MARKER_ENV = "INTERVIEW_BOT_HOST_MARKER"
MARKER = "host-marker-5c1e9a-never-in-slack"
SECRETS = (MARKER, SIGNING_SECRET, BOT_TOKEN)
# The first bytes of every SQLite file: the bot's database read back would carry them.
SQLITE_HEADER = "SQLite format 3"
# Short, so the loop and the fork bomb stop soon; the honest solution runs well within it.
LIMITS = Limits(wall_seconds=2.0, cpu_seconds=1)
# A file in the sandbox's work directory, the one place it may write.
INSIDE = f"{WORK_DIR}/inside"


class StartedRunner(CodeRunner):
    """The real runner; `started` is set once it was asked to run anything."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.started = asyncio.Event()

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        self.started.set()
        return await super().run(problem, submission, on_queued=on_queued)


async def problem_of(bot: BotHarness, thread: Thread) -> Problem:
    async with bot.runtime.db.sessions() as s:
        row = await s.get(InterviewSession, thread.session_id)
    assert row is not None
    problem = ProblemBank.default().get(row.problem_id)
    assert problem is not None and problem.entry_point is not None
    return problem


def answering_with_found(problem: Problem) -> str:
    """The problem's entry point, answering every call with FOUND: what the code found is then
    each failing example's actual value, which the thread shows."""
    entry = problem.entry_point
    assert entry is not None
    if entry.kind == "class":
        return (
            f"class {entry.name}:\n"
            "    def __init__(self, *args, **kwargs):\n"
            "        pass\n\n"
            "    def __getattr__(self, name):\n"
            "        return lambda *args, **kwargs: FOUND\n"
        )
    return f"def {entry.name}(*args, **kwargs):\n    return FOUND\n"


INFINITE_LOOP = "while True:\n    pass\n"
FORK_BOMB = (
    "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
)
HUNDRED_MB_OF_OUTPUT = "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 1_000_000)\n"
MEMORY_HOG = "hog = bytearray(4 << 30)\n"
# Sleeping uses no CPU: only the wall clock stops it.
SLEEPING = "import time\ntime.sleep(60)\n"


def connecting_to(port: int) -> str:
    """Opens a connection to the host's 127.0.0.1:`port` and returns how it went."""
    return f"""import json, socket
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=1).close()
    outcome = "connected"
except OSError as exc:
    outcome = type(exc).__name__ + ": " + str(exc)
FOUND = "probe " + json.dumps(outcome)
"""


def signalling(bot_pid: int) -> str:
    """Kills the bot's process by its pid, then everyone it can see, and returns how it went."""
    return f"""import json, os, signal
outcome = {{"parent": os.getppid()}}
for name, pid in (("bot", {bot_pid}), ("everyone", -1)):
    try:
        os.kill(pid, signal.SIGKILL)
        outcome[name] = "sent"
    except OSError as exc:
        outcome[name] = type(exc).__name__
FOUND = "probe " + json.dumps(outcome)
"""


def reading_the_host(database: Path) -> str:
    """Reads the bot's database file and every environment it can see, prints what it read
    and returns it (the database's first bytes first, then any variable named like a secret,
    so that a leak fits in the value the thread shows)."""
    return f"""import json, os, sys
def first_bytes(path):
    try:
        with open(path, "rb") as handle:
            return repr(handle.read(20))
    except OSError as exc:
        return type(exc).__name__
def secret_like(entries):
    keys = ("SLACK", "SECRET", "TOKEN", "MARKER", "DATABASE")
    return [e for e in entries if any(k in e.split("=", 1)[0].upper() for k in keys)]
def environ_of(path):
    try:
        with open(path, "rb") as handle:
            entries = handle.read().decode("utf-8", "replace").split("\\0")
    except OSError as exc:
        return type(exc).__name__
    return secret_like(entries) or str(len(entries)) + " entries"
FOUND = "probe " + json.dumps({{
    "db": first_bytes({str(database)!r}),
    "env": secret_like(k + "=" + v for k, v in os.environ.items()) or sorted(os.environ),
    "pid1": environ_of("/proc/1/environ"),
    "self": environ_of("/proc/self/environ"),
}})
print(FOUND)
print(FOUND, file=sys.stderr)
"""


def writing_outside(targets: list[Path]) -> str:
    """Writes into its work directory and to each of `targets` and returns how each went."""
    paths = [INSIDE, *map(str, targets)]
    return f"""import json
outcome = {{}}
for path in {paths!r}:
    try:
        with open(path, "w") as handle:
            handle.write("written by candidate code")
        outcome[path] = "written"
    except OSError as exc:
        outcome[path] = type(exc).__name__
FOUND = "probe " + json.dumps(outcome)
"""


async def healthz(bot: BotHarness) -> int:
    timeout = aiohttp.ClientTimeout(total=10)
    async with bot.http.get(f"{bot.url}/healthz", timeout=timeout) as response:
        return response.status


def everything_sent_to_slack(slack: SlackDouble) -> str:
    """Every Web API call the bot made, with all its parameters (texts, blocks, views)."""
    return json.dumps([[call.method, call.params] for call in slack.api.calls], default=str)


def assert_nothing_of_the_host(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret of the host got out: {secret}"
    assert SQLITE_HEADER not in text, "bytes of the bot's database got out"


# What each attack's result says stopped it: its status and the words the thread shows.
STOPPED_BY = {
    "infinite loop": ("timeout", "time limit exceeded"),
    "fork bomb": ("timeout", "time limit exceeded"),
    "100 MB of output": ("output_limit", "output limit exceeded"),
    "reading the host": ("ok", "tests passed"),
    "writing outside": ("ok", "tests passed"),
    "memory hog": ("memory_limit", "memory limit exceeded"),
    "sleeping": ("timeout", "time limit exceeded"),
    "network": ("ok", "tests passed"),
    "signalling the bot": ("ok", "tests passed"),
}
# Attacks whose code answers the tests with what it found (the probe's findings).
PROBES = ("reading the host", "writing outside", "network", "signalling the bot")


async def test_hostile_code_is_stopped_and_reported_while_another_candidate_is_answered(
    launch: Callable[..., Any],
    fake_slack: SlackDouble,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The bot's process holds its secrets in its environment, as a deployment's does.
    monkeypatch.setenv(MARKER_ENV, MARKER)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    database = tmp_path / "interview_bot.db"
    runner = StartedRunner(slots=2, limits=LIMITS)
    bot = await launch(
        slack=fake_slack, database_url=f"sqlite+aiosqlite:///{database}", code_runner=runner
    )
    assert SQLITE_HEADER.encode() in database.read_bytes()[:16]
    hostile = await start_interview(bot)
    honest = await start_interview(bot, user=HONEST)
    problem = await problem_of(bot, hostile)
    # A server on the host, for the code to try to reach.
    connections: list[object] = []

    async def accept(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer.get_extra_info("peername"))
        writer.close()

    listening = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    # Where a writable host would take the writes: beside the bot's database, and the root.
    outside = [tmp_path / "escaped", Path("/escaped-by-candidate-code")]
    attacks = [
        ("infinite loop", INFINITE_LOOP),
        ("fork bomb", FORK_BOMB),
        ("100 MB of output", HUNDRED_MB_OF_OUTPUT),
        ("reading the host", reading_the_host(database) + answering_with_found(problem)),
        ("writing outside", writing_outside(outside) + answering_with_found(problem)),
        ("memory hog", MEMORY_HOG),
        ("sleeping", SLEEPING),
        ("network", connecting_to(port) + answering_with_found(problem)),
        ("signalling the bot", signalling(os.getpid()) + answering_with_found(problem)),
    ]
    health: list[int] = []
    assert not any(path.exists() for path in outside)

    async def attack() -> None:
        # One after another: each is sent once the previous one's result is in.
        for n, (_, code) in enumerate(attacks, start=1):
            await say(bot, hostile, fenced(code))
            await wait_for(partial(_results_at_least, bot, hostile, n), 60)
            health.append(await healthz(bot))

    async def interview() -> None:
        # Starts once the first attack is running.
        await asyncio.wait_for(runner.started.wait(), 60)
        for turn in (
            "I would keep a running best and scan the input once.",
            "Edge cases: an empty input and a single element.",
        ):
            await say_as_honest(bot, honest, turn)
            await wait_for(lambda: _all_answered(bot, honest), 30)
        command = await bot.send.command("easy", user=HONEST)
        assert command.status == 200
        assert "Ready for a mock interview?" in command.text
        solution = (SOLUTIONS / (await problem_of(bot, honest)).id / "solution.py").read_text()
        await say_as_honest(bot, honest, fenced(solution))
        await wait_for(lambda: _results_at_least(bot, honest, 1), 60)
        await wait_for(lambda: _all_answered(bot, honest), 30)
        health.append(await healthz(bot))

    async with listening:
        await asyncio.gather(attack(), interview())
    await bot.settle(timeout=60)

    # Each attack is reported, in order, as what stopped it, in the thread as in the transcript.
    reported = await results_of(bot, hostile)
    assert len(reported) == len(attacks)
    by_name = {name: result for (name, _), (_, result) in zip(attacks, reported, strict=True)}
    posted = {m["ts"]: str(m.get("text")) for m in bot_posts(fake_slack, hostile)}
    for (name, _), (row, result) in zip(attacks, reported, strict=True):
        status, words = STOPPED_BY[name]
        assert result.status == status, (name, result)
        assert result.passed == 0 < result.total, (name, result)
        assert words in result.summary and words in posted[row.slack_ts or ""], name
    for name in PROBES:
        failure = by_name[name].failures[0]
        assert (failure.actual or "").startswith('"probe '), (name, failure)

    # What the probes saw: no database, no secret in any environment, nothing written.
    # With the environment passed in, `env` lists the secrets; with the host's files bound, `db`
    # holds "SQLite format 3" (each also fails assert_nothing_of_the_host below).
    read = json.loads(json.loads(by_name["reading the host"].failures[0].actual or "")[6:])
    assert read["db"] == "FileNotFoundError", read
    assert not any("=" in entry for entry in read["env"]), read
    # A str is a count of entries or an error: no variable named like a secret was seen.
    assert isinstance(read["pid1"], str) and isinstance(read["self"], str), read
    wrote = json.loads(json.loads(by_name["writing outside"].failures[0].actual or "")[6:])
    assert wrote.pop(INSIDE) == "written"
    assert set(wrote.values()) <= {"FileNotFoundError", "PermissionError", "OSError"}, wrote
    assert [path for path in outside if path.exists()] == []
    reached = json.loads(json.loads(by_name["network"].failures[0].actual or "")[6:])
    assert reached != "connected" and connections == [], reached
    # In its own PID namespace the code has no parent and the bot's pid is nobody's; this
    # process (the bot) is alive to assert it.
    signalled = json.loads(json.loads(by_name["signalling the bot"].failures[0].actual or "")[6:])
    assert signalled["parent"] == 0 and signalled["bot"] == "ProcessLookupError", signalled

    # Nothing of the host in anything posted to Slack, nor kept in the transcript.
    sent = everything_sent_to_slack(fake_slack)
    assert "probe " in sent  # the probes' findings were posted: the channel works
    assert_nothing_of_the_host(sent)
    stored = await messages_of(bot.runtime.db, hostile.session_id)
    assert_nothing_of_the_host(json.dumps([[m.text, m.payload] for m in stored], default=str))

    # The honest candidate: every turn answered, their run reported n/n and posted.
    [(row, ran)] = await results_of(bot, honest)
    assert ran.status == "ok" and ran.passed == ran.total > 0
    assert row.slack_ts is not None and f"{ran.total}/{ran.total} tests passed" in row.text
    said = await kinds(bot, honest)
    assert said.count("reply") == 3 and said[-2:] == ["run_result", "reply"]
    assert unanswered(await messages_of(bot.runtime.db, honest.session_id)) == []
    # ... while the hostile series still ran (it holds two wall clocks' worth of stopped runs).
    assert row.id < reported[-1][0].id
    # The hostile candidate's messages were answered too: the interview went on.
    assert unanswered(stored) == []
    assert health and set(health) == {200}
    assert await healthz(bot) == 200
    assert_each_posted_once(fake_slack)
    # No process of the fork bomb outlived its run.
    await wait_for(lambda: _sandbox_processes() == [], 5)


async def say_as_honest(bot: BotHarness, thread: Thread, text: str) -> None:
    reply = await bot.send.dm(text, channel=thread.channel, thread_ts=thread.thread_ts, user=HONEST)
    assert reply.status == 200


async def _results_at_least(bot: BotHarness, thread: Thread, count: int) -> bool:
    return len(await results_of(bot, thread)) >= count


async def _all_answered(bot: BotHarness, thread: Thread) -> bool:
    rows = await messages_of(bot.runtime.db, thread.session_id)
    return unanswered(rows) == []


# Code shared as a plain uploaded file --------------------------------------------------------


def uploaded(slack: SlackDouble, file_id: str, content: str, name: str) -> dict[str, Any]:
    """A file uploaded as it is (not a snippet): Slack calls its filetype "text"."""
    return slack.add_file(
        file_id, content.encode(), name=name, filetype="text", mimetype="text/plain", mode="hosted"
    )


@pytest.mark.parametrize(
    ("name", "language"), [("solution.py", "python"), ("solution.js", "javascript")]
)
async def test_a_plain_code_file_is_run_by_its_file_names_language(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str, name: str, language: str
) -> None:
    bot = await launch(slack=fake_slack, database_url=sqlite_url)
    thread = await start_interview(bot)
    problem = await problem_of(bot, thread)
    code = (SOLUTIONS / problem.id / name).read_text()
    file = uploaded(fake_slack, "F0PLAIN1", code, name)
    reply = await bot.send.dm("", channel=thread.channel, thread_ts=thread.thread_ts, files=[file])
    assert reply.status == 200
    await bot.settle()

    [(row, result)] = await results_of(bot, thread)
    assert result.language == language, result
    assert result.status == "ok" and result.passed == result.total > 0
    assert row.slack_ts is not None and f"{result.total}/{result.total} tests passed" in row.text
    assert (await kinds(bot, thread))[-2:] == ["run_result", "reply"]


async def test_a_text_file_whose_language_cannot_be_told_is_asked_about(
    launch: Callable[..., Any], fake_slack: SlackDouble, sqlite_url: str
) -> None:
    runner = StartedRunner()
    bot = await launch(slack=fake_slack, database_url=sqlite_url, code_runner=runner)
    thread = await start_interview(bot)
    code = (SOLUTIONS / (await problem_of(bot, thread)).id / "solution.py").read_text()
    file = uploaded(fake_slack, "F0NOTES1", code, "notes.txt")
    reply = await bot.send.dm("", channel=thread.channel, thread_ts=thread.thread_ts, files=[file])
    assert reply.status == 200
    await bot.settle()

    [(row, asked)] = await results_of(bot, thread)
    assert asked.status == "unknown_language" and not asked.ran
    assert "run python" in row.text and row.slack_ts is not None
    # Not guessed: nothing was run until the candidate named the language.
    assert not runner.started.is_set()

    await say(bot, thread, "run python")
    await bot.settle()
    [_, (_, ran)] = await results_of(bot, thread)
    assert ran.code_id == asked.code_id
    assert ran.language == "python" and ran.passed == ran.total > 0
