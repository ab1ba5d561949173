"""Hostile submissions are stopped and reported as such, and see nothing of the host.

Each test sends Python code through the real runner and sandbox. The function under test is
the problem's entry point; where the code probes the host it returns what it found, which the
result shows as the visible examples' actual value.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.execution import sandbox
from bot.execution.runner import CodeRunner, RunResult, RunStatus, Submission
from bot.execution.sandbox import MAX_SLOTS, Limits, slot_uid
from bot.interview.domain import Problem
from bot.interview.problem_bank import ProblemBank

WALL = 2.0
# Generous: a stopped run ends within the wall clock plus sandbox start and teardown.
STOPPED_WITHIN = WALL + 6.0


@pytest.fixture
def problem() -> Problem:
    found = ProblemBank.default().get("corridor-toll-steps")
    assert found is not None
    return found


@pytest.fixture
async def runner() -> AsyncIterator[CodeRunner]:
    runner = CodeRunner(slots=2, limits=Limits(wall_seconds=WALL, cpu_seconds=1))
    reason = await runner.unavailable_reason()
    assert reason is None, reason
    yield runner
    # Killed processes take a moment to die; none may survive.
    deadline = time.monotonic() + 1
    while _sandbox_processes() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert _sandbox_processes() == [], "a sandboxed process outlived its run"


def _sandbox_processes() -> list[int]:
    """Pids of processes, zombies included, running as one of this process's sandbox uids
    (when the bot runs as root)."""
    first = slot_uid(0)
    if first is None:
        return []
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        uid = int(fields.get("Uid", "0").split()[0])
        if first <= uid < first + MAX_SLOTS:
            pids.append(int(entry.name))
    return pids


async def run(runner: CodeRunner, problem: Problem, body: str) -> tuple[RunResult, float]:
    code = "def min_toll(tolls):\n" + "".join(f"    {line}\n" for line in body.splitlines())
    started = time.perf_counter()
    result = await runner.run(problem, Submission("python", code))
    return result, time.perf_counter() - started


def returned(result: RunResult) -> object:
    """What the code returned for the first visible example."""
    assert result.visible_failures, result
    actual = result.visible_failures[0].actual
    assert actual is not None, result.visible_failures[0]
    return json.loads(actual)


async def test_an_infinite_loop_is_stopped_as_a_time_limit(
    runner: CodeRunner, problem: Problem
) -> None:
    result, seconds = await run(runner, problem, "while True:\n    pass")
    assert result.status is RunStatus.TIMEOUT
    assert result.passed == 0
    assert result.visible_failures[0].error == "time limit exceeded"
    assert "time limit exceeded" in result.summary()
    assert seconds < STOPPED_WITHIN


async def test_sleeping_past_the_wall_clock_is_stopped(
    runner: CodeRunner, problem: Problem
) -> None:
    # Sleeping uses no CPU, so only the wall clock can stop it.
    result, seconds = await run(runner, problem, "import time\ntime.sleep(60)")
    assert result.status is RunStatus.TIMEOUT
    assert WALL <= seconds < STOPPED_WITHIN


async def test_a_fork_bomb_hits_the_process_limit_and_leaves_nothing_behind(
    runner: CodeRunner, problem: Problem
) -> None:
    body = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass"
    result, seconds = await run(runner, problem, body)
    assert result.status is RunStatus.TIMEOUT
    assert result.passed == 0
    assert seconds < STOPPED_WITHIN
    # The runner fixture checks that no process of the sandbox survived.


async def test_forking_until_it_fails_reports_the_error(
    runner: CodeRunner, problem: Problem
) -> None:
    result, _ = await run(runner, problem, "import os\nwhile True:\n    os.fork()")
    assert not result.all_passed
    errors = [failure.error or "" for failure in result.visible_failures]
    assert result.status is RunStatus.TIMEOUT or any(
        "Resource temporarily unavailable" in error for error in errors
    ), result


async def test_a_memory_hog_is_stopped_as_a_memory_limit(
    runner: CodeRunner, problem: Problem
) -> None:
    result, seconds = await run(runner, problem, "hog = bytearray(4 << 30)\nreturn len(hog)")
    assert result.status is RunStatus.MEMORY_LIMIT
    assert "memory limit exceeded" in (result.visible_failures[0].error or "")
    assert seconds < STOPPED_WITHIN


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "hog = bytearray(4 << 30)\n"),
        ("javascript", "const all = [];\nfor (;;) all.push(Buffer.alloc(1 << 28));\n"),
    ],
    ids=["python", "javascript"],
)
async def test_a_memory_hog_while_the_code_loads_is_a_memory_limit_not_a_compile_error(
    runner: CodeRunner, problem: Problem, language: str, code: str
) -> None:
    # Top-level code runs as the harness loads it: running out of memory there is the
    # memory limit, not code that "did not compile".
    result = await runner.run(problem, Submission(language, code))
    assert result.status is RunStatus.MEMORY_LIMIT, result
    assert "memory limit exceeded" in result.summary()
    assert "did not compile" not in result.summary()


async def test_a_hundred_megabytes_of_output_is_cut_off(
    runner: CodeRunner, problem: Problem
) -> None:
    body = "import sys\nfor _ in range(100):\n    sys.stdout.write('x' * 1_000_000)\nreturn 0"
    result, seconds = await run(runner, problem, body)
    assert result.status is RunStatus.OUTPUT_LIMIT
    assert "output limit exceeded" in result.summary()
    assert len(result.output) <= 2000
    assert seconds < STOPPED_WITHIN


async def test_no_network_connection_reaches_the_host(runner: CodeRunner, problem: Problem) -> None:
    connections: list[str] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(str(writer.get_extra_info("peername")))
        writer.close()

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    body = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"
        "    return 'connected'\n"
        "except OSError as exc:\n"
        "    return type(exc).__name__ + ': ' + str(exc)"
    )
    async with server:
        result, _ = await run(runner, problem, body)
    found = returned(result)
    assert isinstance(found, str)
    assert found != "connected"
    assert "unreachable" in found or "refused" in found, found
    assert connections == []


async def test_the_host_files_environment_and_database_are_invisible(
    runner: CodeRunner, problem: Problem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "xoxb-sandbox-must-not-see-this"
    monkeypatch.setenv("SLACK_BOT_TOKEN", secret)
    database = tmp_path / "interview_bot.db"
    database.write_text(f"pretend database holding {secret}")
    body = f"""import os
seen = {{"env": dict(os.environ)}}
for path in [{str(database)!r}, "/proc/1/environ", "/proc/self/environ", "/etc/passwd",
             {str(Path.cwd() / "pyproject.toml")!r}, "/root", "/home"]:
    try:
        with open(path, "rb") as handle:
            seen[path] = handle.read().decode("utf-8", "replace")
    except OSError as exc:
        seen[path] = type(exc).__name__
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            with open(f"/proc/{{pid}}/environ", "rb") as handle:
                seen["environ " + pid] = handle.read().decode("utf-8", "replace")
        except OSError as exc:
            seen["environ " + pid] = type(exc).__name__
return seen"""
    result, _ = await run(runner, problem, body)
    seen = returned(result)
    assert isinstance(seen, dict)
    assert secret not in json.dumps(seen)
    assert set(seen["env"]) <= {"PATH", "HOME", "LANG", "PWD"}
    assert seen[str(database)] == "FileNotFoundError"
    assert seen["/etc/passwd"] == "FileNotFoundError"
    assert seen[str(Path.cwd() / "pyproject.toml")] == "FileNotFoundError"
    # Only the sandbox's own process is visible, and it holds the sandbox's environment.
    assert [key for key in seen if key.startswith("environ ")] == ["environ 1"]


async def test_nothing_outside_the_work_directory_is_writable(
    runner: CodeRunner, problem: Problem, tmp_path: Path
) -> None:
    host_file = tmp_path / "written-by-sandbox"
    body = f"""import os
outcome = {{}}
for path in ["/tmp/ok", "/escape", "/usr/escape", "/harness/escape", "/proc/escape",
             {str(host_file)!r}]:
    try:
        with open(path, "w") as handle:
            handle.write("x")
        outcome[path] = "written"
    except OSError as exc:
        outcome[path] = type(exc).__name__
return outcome"""
    result, _ = await run(runner, problem, body)
    outcome = returned(result)
    assert isinstance(outcome, dict)
    assert outcome.pop("/tmp/ok") == "written"
    assert all(value != "written" for value in outcome.values()), outcome
    assert not host_file.exists()


async def test_signalling_the_parent_or_the_bot_reaches_nothing(
    runner: CodeRunner, problem: Problem
) -> None:
    bot_pid = os.getpid()
    body = f"""import os, signal
outcome = {{"parent": os.getppid()}}
try:
    os.kill({bot_pid}, signal.SIGKILL)
    outcome["bot"] = "sent"
except OSError as exc:
    outcome["bot"] = type(exc).__name__
try:
    os.kill(-1, signal.SIGKILL)
    outcome["everyone"] = "sent"
except OSError as exc:
    outcome["everyone"] = type(exc).__name__
return outcome"""
    result, _ = await run(runner, problem, body)
    outcome = returned(result)
    assert isinstance(outcome, dict)
    # In its own PID namespace the code has no parent, and the bot's pid is nobody's.
    assert outcome["parent"] == 0
    assert outcome["bot"] == "ProcessLookupError"
    # Killing "everyone" it can see reached no one else; the run was reported in full.
    assert result.status is RunStatus.OK
    assert result.passed == 0 and result.total == len(runner.cases(problem))


async def test_candidate_code_runs_at_a_lower_cpu_priority_than_the_bot(
    runner: CodeRunner, problem: Problem
) -> None:
    # With every slot busy on every core, the bot's acks still get the CPU first.
    result, _ = await run(runner, problem, "import os\nreturn os.getpriority(os.PRIO_PROCESS, 0)")
    bot = os.getpriority(os.PRIO_PROCESS, 0)
    assert returned(result) == min(19, bot + runner.limits.nice) > bot


async def test_the_event_loop_keeps_ticking_while_hostile_runs_execute(
    runner: CodeRunner, problem: Problem
) -> None:
    ticks: list[float] = []
    stop = asyncio.Event()

    async def ticker() -> None:
        while not stop.is_set():
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    bodies = [
        "while True:\n    pass",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        "import time\ntime.sleep(60)",
    ]
    results = await asyncio.gather(*(run(runner, problem, body) for body in bodies))
    stop.set()
    await ticking
    assert all(result.status is RunStatus.TIMEOUT for result, _ in results)
    gaps = [later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False)]
    # Three runs through two slots take two wall clocks; the loop ticked all along.
    assert len(ticks) > 2 * WALL / 0.01 / 4
    assert max(gaps) < 0.5, max(gaps)


HOSTILE = {
    ("javascript", "loop"): "function min_toll(t) { for (;;) {} }",
    ("javascript", "memory"): (
        # Buffers reach the address-space limit in a few allocations whatever the load.
        "function min_toll(t) { const all = []; for (;;) all.push(Buffer.alloc(1 << 28)); }"
    ),
    ("javascript", "fork"): (
        "const { execFileSync } = require('child_process');\n"
        "function min_toll(t) { for (;;) { try { execFileSync('/proc/self/exe', ['-e', '1']); }"
        " catch (e) {} } }"
    ),
    ("cpp", "loop"): "int min_toll(vector<int> t) { volatile long x = 0; for (;;) x++; }",
    ("cpp", "memory"): (
        "int min_toll(vector<int> t) {\n"
        "    vector<char*> all;\n"
        "    for (;;) all.push_back(new char[1 << 26]);\n"
        "}"
    ),
    ("cpp", "fork"): ("#include <unistd.h>\nint min_toll(vector<int> t) { for (;;) fork(); }"),
}
EXPECTED = {"loop": RunStatus.TIMEOUT, "memory": RunStatus.MEMORY_LIMIT, "fork": RunStatus.TIMEOUT}


@pytest.mark.parametrize(("language", "attack"), list(HOSTILE))
async def test_every_language_is_contained_the_same_way(
    runner: CodeRunner, problem: Problem, language: str, attack: str
) -> None:
    started = time.perf_counter()
    result = await runner.run(problem, Submission(language, HOSTILE[(language, attack)]))
    # Compiling has limits of its own (CppRunner.compile_limits); the first C++ build on a
    # host also precompiles the harness, 4-9 s under load, which once pushed this past
    # STOPPED_WITHIN while it was not counted as compile time. Only the run is bounded here.
    run_seconds = time.perf_counter() - started - result.compile_seconds
    assert result.status is EXPECTED[attack], result
    assert result.passed == 0
    assert run_seconds < STOPPED_WITHIN


# Run by a user without root, as the bot runs on most hosts: every sandbox then runs as that
# one uid, whose process count the kernel keeps across all of them.
NON_ROOT_BOMB = """
import asyncio, json, os, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bwrap_sandbox import Bind, Limits, Sandbox

PY = os.path.realpath("/usr/bin/python3")
LIB = os.path.join("/usr/lib", os.path.basename(PY))
BINDS = [Bind(PY, PY), Bind(LIB, LIB)]
BOMB = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass"
# Forks and starts a thread, as runtimes do (Node starts threads); reports what failed.
VICTIM = '''import os, sys, threading, time
failed = []
until = time.monotonic() + float(sys.argv[1])
while True:
    try:
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        threading.Thread(target=lambda: None).start()
    except (OSError, RuntimeError) as exc:
        failed.append(str(exc))
    if time.monotonic() > until:
        break
    time.sleep(0.05)
print(len(failed), failed[:1])
'''


def mine() -> int:
    count = 0
    for pid in os.listdir("/proc"):
        try:
            count += pid.isdigit() and os.stat("/proc/" + pid).st_uid == os.getuid()
        except OSError:
            pass
    return count


async def main() -> None:
    box = Sandbox()
    limits = Limits(wall_seconds=6.0, cpu_seconds=5)

    async def run(code: str, *args: str):
        return await box.run([PY, "-I", "-S", "-c", code, *args], binds=BINDS, limits=limits)

    bomb = asyncio.ensure_future(run(BOMB))
    running = asyncio.ensure_future(run(VICTIM, "3"))
    # Start the next run once the bomb has forked all it can.
    counts = [mine()]
    while len(counts) < 8 or counts[-1] != counts[-8]:
        await asyncio.sleep(0.05)
        counts.append(mine())
    started = await run(VICTIM, "0")
    outcomes = {"bomb": await bomb, "running": await running, "started": started}
    print(json.dumps({"peak": max(counts), **{
        name: [o.returncode, o.timed_out, o.stdout.decode(), o.stderr.decode()[-300:]]
        for name, o in outcomes.items()
    }}))


asyncio.run(main())
"""


@pytest.mark.skipif(
    not sandbox._namespaced_nproc(), reason="before Linux 5.14 a uid has one process count"
)
async def test_without_root_a_fork_bomb_starves_no_other_run() -> None:
    """As one uid, sandboxes share that uid's process count; each run's own user namespace
    has a limit of its own, so a fork bomb stops at it and other runs still fork."""
    with tempfile.TemporaryDirectory(prefix="non-root-") as scratch:
        os.chmod(scratch, 0o755)  # readable by the unprivileged user below
        script = Path(scratch) / "bomb.py"
        script.write_text(NON_ROOT_BOMB)
        (Path(scratch) / "bwrap_sandbox.py").write_text(Path(sandbox.__file__).read_text())
        if os.geteuid() == 0:
            # The system interpreter: the test's own may sit where nobody can read it.
            argv = [
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "/usr/bin/python3",
            ]
        else:
            argv = [sys.executable]
        done = await asyncio.to_thread(
            subprocess.run, [*argv, str(script)], capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["bomb"][1] is True, report  # stopped by the wall clock
    # A bomb is held near the run's own limit (64), far below the uid's whole (1,536).
    assert report["peak"] < 200, report
    for name in ("running", "started"):
        returncode, _, stdout, stderr = report[name]
        assert returncode == 0 and stdout.startswith("0 "), (name, stdout, stderr)
