"""One bubblewrap sandbox run: the command line, the rlimits, the wall clock and bounded output.

Candidate code only ever runs through ``Sandbox.run``: no network, new PID/IPC/UTS/user
namespaces, read-only binds of what the program needs, a small tmpfs as work directory, an
unprivileged uid, rlimits, and a kill of the whole sandbox when the wall clock runs out or the
output grows past its bound. There is no unsandboxed fallback: when bubblewrap is missing or
cannot create its namespaces, ``Sandbox.unavailable_reason`` says why and nothing runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import shutil
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

# Host uids for sandboxes when the bot runs as root: one per pool slot of each bot process, so
# RLIMIT_NPROC (which the kernel counts per uid) bounds each run on its own and a fork bomb
# starves only its own slot, not another run or another bot process on the host.
SLOT_UID_BASE = 1_000_000
MAX_SLOTS = 64
# The uid/gid the code sees inside its user namespace ("nobody").
INNER_ID = 65534
WORK_DIR = "/tmp"
# Where the sandbox sees prlimit, which sets the run's own process limit and execs the program.
INNER_PRLIMIT = "/usr/bin/prlimit"
# Libraries every dynamically linked program here needs (merged-/usr Debian layout).
BASE_BINDS: tuple[str, ...] = ("/usr/lib/x86_64-linux-gnu", "/usr/lib64")


@dataclass(frozen=True)
class Limits:
    """Resource bounds of one sandbox run."""

    wall_seconds: float = 5.0
    cpu_seconds: int = 4
    memory_bytes: int = 512 << 20
    processes: int = 64
    file_bytes: int = 16 << 20
    open_files: int = 64
    # Per stream; a run that prints more is stopped and reported as such.
    output_bytes: int = 1 << 20
    tmpfs_bytes: int = 32 << 20
    # CPU priority below the bot's (added to its nice value): with as many busy slots as
    # cores, the bot still acks Slack first (the bench's acks while runs are queued).
    nice: int = 10


@dataclass(frozen=True)
class Bind:
    """A host path made visible inside the sandbox (read-only unless ``writable``)."""

    source: str
    target: str
    writable: bool = False


@dataclass(frozen=True)
class SandboxOutcome:
    returncode: int | None
    # The signal that ended the program, when one did (SIGKILL after a timeout, SIGSEGV...).
    signal: int | None
    stdout: bytes
    # The last ``output_bytes`` of stderr (tracebacks end there).
    stderr: bytes
    timed_out: bool
    output_exceeded: bool
    seconds: float


@dataclass
class Sandbox:
    """Runs programs under bubblewrap; ``unavailable_reason()`` is None when it can."""

    bwrap: str | None = field(default_factory=lambda: shutil.which("bwrap"))
    # util-linux's prlimit sets the rlimits and execs bwrap: no Python runs between fork and
    # exec (a preexec_fn can deadlock a process that has threads).
    prlimit: str | None = field(default_factory=lambda: shutil.which("prlimit"))
    # coreutils' nice, exec'd between them the same way.
    nice: str | None = field(default_factory=lambda: shutil.which("nice"))
    _probe_task: asyncio.Task[str | None] | None = field(default=None, init=False)

    def command(
        self,
        argv: Sequence[str],
        *,
        binds: Sequence[Bind] = (),
        env: dict[str, str] | None = None,
        limits: Limits = Limits(),  # noqa: B008 - frozen, so sharing the default is safe
        slot: int = 0,
    ) -> list[str]:
        """The command line that runs ``argv`` inside the sandbox, rlimits set."""
        if self.bwrap is None or self.prlimit is None:
            raise RuntimeError("bubblewrap or prlimit is not installed")
        command = _rlimits(self.prlimit, limits, slot)
        if self.nice is not None and limits.nice:
            command += [self.nice, "-n", str(limits.nice)]
        command += [
            self.bwrap,
            "--unshare-all",
            "--unshare-user",
            "--disable-userns",
            "--uid",
            str(INNER_ID),
            "--gid",
            str(INNER_ID),
            "--hostname",
            "sandbox",
            "--die-with-parent",
            "--new-session",
            # No reaper process inside: bwrap's reaper would outlive bwrap as a zombie for
            # the host's init to collect, and count against the slot's process limit meanwhile.
            "--as-pid-1",
            "--cap-drop",
            "ALL",
            "--clearenv",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--symlink",
            "usr/lib",
            "/lib",
            "--symlink",
            "usr/lib64",
            "/lib64",
            "--symlink",
            "usr/bin",
            "/bin",
        ]
        for path in BASE_BINDS:
            command += ["--ro-bind", path, path]
        if _namespaced_nproc():
            # Lowers the process limit inside the sandbox's own user namespace (see _rlimits).
            command += ["--ro-bind", self.prlimit, INNER_PRLIMIT]
        command += ["--size", str(limits.tmpfs_bytes), "--tmpfs", WORK_DIR]
        for bind in binds:
            command += ["--bind" if bind.writable else "--ro-bind", bind.source, bind.target]
        for key, value in {"PATH": "/usr/bin", "HOME": WORK_DIR, "LANG": "C.UTF-8"}.items():
            command += ["--setenv", key, value]
        for key, value in (env or {}).items():
            command += ["--setenv", key, value]
        # The root is bwrap's own tmpfs; nothing outside the work directory is writable.
        command += ["--remount-ro", "/", "--chdir", WORK_DIR, "--"]
        if _namespaced_nproc():
            return [*command, INNER_PRLIMIT, f"--nproc={limits.processes}", "--", *argv]
        return [*command, *argv]

    async def run(
        self,
        argv: Sequence[str],
        *,
        stdin: bytes = b"",
        binds: Sequence[Bind] = (),
        env: dict[str, str] | None = None,
        limits: Limits = Limits(),  # noqa: B008
        slot: int = 0,
    ) -> SandboxOutcome:
        """Run ``argv`` in the sandbox to completion, the wall clock or the output bound."""
        command = self.command(argv, binds=binds, env=env, limits=limits, slot=slot)
        uid = slot_uid(slot)
        started = time.perf_counter()
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            # bwrap sees none of the bot's environment (so neither does /proc/1/environ inside).
            env={"PATH": "/usr/bin:/bin"},
            start_new_session=True,
            user=uid,
            group=uid,
            extra_groups=[] if uid is not None else None,
        )
        assert process.stdin and process.stdout and process.stderr
        exceeded = asyncio.Event()
        stdout_task = asyncio.create_task(
            _read_bounded(process.stdout, limits.output_bytes, exceeded, keep_tail=False)
        )
        stderr_task = asyncio.create_task(
            _read_bounded(process.stderr, limits.output_bytes, exceeded, keep_tail=True)
        )
        feed_task = asyncio.create_task(_feed(process.stdin, stdin))
        wait_task = asyncio.create_task(process.wait())
        exceeded_task = asyncio.create_task(exceeded.wait())
        timed_out = False
        try:
            done, _ = await asyncio.wait(
                {wait_task, exceeded_task},
                timeout=limits.wall_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
            if not done:
                timed_out = True
            if timed_out or exceeded.is_set():
                await _stop(process)
            await wait_task
            # The pipes close once every process of the sandbox is gone.
            stdout, _ = await stdout_task
            stderr, _ = await stderr_task
        finally:
            # Also on cancellation: nothing of the run outlives it.
            if process.returncode is None:
                await _stop(process)
            for task in (stdout_task, stderr_task, feed_task, wait_task, exceeded_task):
                task.cancel()
        seconds = time.perf_counter() - started
        code = process.returncode
        return SandboxOutcome(
            returncode=code if code is not None and code >= 0 else None,
            signal=-code if code is not None and code < 0 else _signal_of(code),
            stdout=stdout,
            stderr=stderr,
            timed_out=timed_out,
            output_exceeded=exceeded.is_set() and not timed_out,
            seconds=seconds,
        )

    async def unavailable_reason(self) -> str | None:
        """None when sandboxed runs work here; otherwise why not (checked once)."""
        # One probe however many runs ask at once (per event loop: a task belongs to one).
        task = self._probe_task
        if task is None or task.get_loop() is not asyncio.get_running_loop():
            task = self._probe_task = asyncio.ensure_future(self._probe())
        return await asyncio.shield(task)

    async def _probe(self) -> str | None:
        if self.bwrap is None:
            return "bubblewrap (bwrap) is not installed"
        if self.prlimit is None:
            return "prlimit (util-linux) is not installed"
        true = shutil.which("true", path="/usr/bin")
        if true is None:
            return "/usr/bin/true is missing"
        try:
            outcome = await self.run(
                [true], binds=[Bind(true, true)], limits=Limits(wall_seconds=10)
            )
        except OSError as exc:
            return f"bubblewrap cannot start: {exc}"
        if outcome.returncode != 0:
            detail = outcome.stderr.decode("utf-8", "replace").strip()[-300:]
            return f"bubblewrap cannot create its namespaces here: {detail or outcome}"
        return None


def slot_uid(slot: int) -> int | None:
    """The host uid a sandbox in ``slot`` runs as; None keeps the bot's own (non-root) uid."""
    if not 0 <= slot < MAX_SLOTS:
        raise ValueError(f"slot {slot} is not below {MAX_SLOTS}")
    if os.geteuid() != 0:
        return None
    return SLOT_UID_BASE + (os.getpid() % 1_000_000) * MAX_SLOTS + slot


def _rlimits(prlimit: str, limits: Limits, slot: int) -> list[str]:
    # The kernel counts processes per user namespace as well as per host uid, and checks a
    # fork against both: the inner prlimit (``command``) bounds each sandbox's own namespace,
    # so a fork bomb in one run never starves another run's forks, even where every sandbox
    # runs as the bot's own uid (no root, no per-slot uids). This outer limit, which bwrap's
    # namespace keeps as the cap on that uid's total, stays a backstop for the whole host.
    processes = limits.processes if slot_uid(slot) is not None else limits.processes * 16 + 512
    return [
        prlimit,
        f"--cpu={limits.cpu_seconds}:{limits.cpu_seconds + 1}",
        f"--as={limits.memory_bytes}",
        f"--nproc={processes}",
        f"--fsize={limits.file_bytes}",
        f"--nofile={limits.open_files}",
        "--core=0",
        "--",
    ]


@functools.cache
def _namespaced_nproc() -> bool:
    """Whether the kernel counts processes per user namespace (Linux 5.14 and later); before,
    an inner limit would count every process of the uid, the bot's own threads included."""
    numbers = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return numbers is not None and (int(numbers[1]), int(numbers[2])) >= (5, 14)


async def _stop(process: asyncio.subprocess.Process) -> None:
    """Kill the sandbox, innermost first, so bwrap reaps its child and no zombie is left for
    the host's init (until reaped it would count against the slot's process limit)."""
    for child in _children(process.pid):
        # The program is its namespace's pid 1: the kernel kills every process inside with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(child, signal.SIGKILL)
    try:
        await asyncio.wait_for(asyncio.shield(process.wait()), timeout=1.0)
    except TimeoutError:
        _kill_group(process.pid)
        with contextlib.suppress(ProcessLookupError):
            await process.wait()


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as listing:  # procfs: never blocks
            return [int(child) for child in listing.read().split()]
    except (OSError, ValueError):
        return []


def _kill_group(pid: int) -> None:
    # bwrap leads its own session; killing it takes the PID namespace (--die-with-parent).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _signal_of(code: int | None) -> int | None:
    # bwrap reports a program killed by signal N as exit status 128 + N.
    if code is not None and 128 < code < 128 + 65:
        return code - 128
    return None


async def _feed(stream: asyncio.StreamWriter, data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        stream.write(data)
        await stream.drain()
        stream.close()
        await stream.wait_closed()


async def _read_bounded(
    stream: asyncio.StreamReader, limit: int, exceeded: asyncio.Event, *, keep_tail: bool
) -> tuple[bytes, int]:
    """Read to EOF keeping at most ``limit`` bytes; set ``exceeded`` when there were more."""
    kept = bytearray()
    total = 0
    while chunk := await stream.read(65536):
        total += len(chunk)
        kept += chunk
        if len(kept) > limit:
            if keep_tail:
                del kept[:-limit]
            else:
                del kept[limit:]
        if total > limit and not exceeded.is_set():
            exceeded.set()
    return bytes(kept), total
