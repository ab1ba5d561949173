"""One runner definition per language: what to bind, how to compile, what to start.

Adding a language is one class here plus its harness under ``harness/``. A definition turns
candidate code into a ``Program`` (the sandboxed command whose stdin is the test payload),
compiling it first in its own sandbox when the language needs that.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import ClassVar

from bot.execution.entry_point import EntryPoint
from bot.execution.sandbox import Bind, Limits, Sandbox, SandboxOutcome, slot_uid

# The packaged harness; sandboxes bind a staged copy of it (`harness_dir`).
HARNESS_SOURCE = str(files("bot.execution").joinpath("harness"))
HARNESS_MOUNT = "/harness"


@functools.cache
def harness_dir() -> str:
    """A copy of the harness every sandbox uid can reach, made once per process.

    As root, bwrap runs as a per-slot uid that cannot traverse a checkout in a private
    directory (a 0700 `mktemp -d`, a home directory): binding the packaged files from there
    fails, and every run would crash."""
    staged = tempfile.mkdtemp(prefix="interview-bot-harness-")
    for name in os.listdir(HARNESS_SOURCE):
        shutil.copy(os.path.join(HARNESS_SOURCE, name), os.path.join(staged, name))
        os.chmod(os.path.join(staged, name), 0o644)
    os.chmod(staged, 0o755)
    atexit.register(shutil.rmtree, staged, ignore_errors=True)
    return staged


@dataclass(frozen=True)
class Program:
    """A prepared submission: run ``argv`` with these binds; stdin carries the tests."""

    argv: tuple[str, ...]
    binds: tuple[Bind, ...]
    # Interpreted languages read the source from the payload; compiled ones have it built in.
    wants_source: bool
    memory_bytes: int
    compile_seconds: float = 0.0
    cached: bool = False


@dataclass(frozen=True)
class CompileFailed:
    message: str
    compile_seconds: float


class LanguageRunner(ABC):
    """How to run one language's code in the sandbox."""

    id: ClassVar[str]
    display_name: ClassVar[str]
    # Virtual memory bound of the running program (runtimes reserve differently).
    memory_bytes: ClassVar[int] = 512 << 20

    @abstractmethod
    def missing(self) -> str | None:
        """None when the toolchain is installed, else what is missing."""

    @abstractmethod
    async def prepare(
        self, code: str, entry: EntryPoint, *, sandbox: Sandbox, slot: int
    ) -> Program | CompileFailed:
        """Turn code into a runnable Program (compiling, for compiled languages)."""


def _interpreter(*candidates: str) -> str | None:
    for candidate in candidates:
        path = shutil.which(candidate, path="/usr/bin:/usr/local/bin")
        if path is not None:
            return os.path.realpath(path)
    return None


class PythonRunner(LanguageRunner):
    id = "python"
    display_name = "Python"

    def __init__(self) -> None:
        self.binary = _interpreter("python3")

    def missing(self) -> str | None:
        return None if self.binary else "python3 is not installed"

    async def prepare(
        self, code: str, entry: EntryPoint, *, sandbox: Sandbox, slot: int
    ) -> Program | CompileFailed:
        assert self.binary is not None
        # /usr/bin/python3.11 -> /usr/lib/python3.11: the standard library, nothing else.
        prefix = os.path.dirname(os.path.dirname(self.binary))
        stdlib = os.path.join(prefix, "lib", os.path.basename(self.binary))
        return Program(
            argv=(self.binary, "-I", "-S", "-B", f"{HARNESS_MOUNT}/harness.py"),
            binds=(
                Bind(self.binary, self.binary),
                Bind(stdlib, stdlib),
                Bind(harness_dir(), HARNESS_MOUNT),
            ),
            wants_source=True,
            memory_bytes=self.memory_bytes,
        )


class JavaScriptRunner(LanguageRunner):
    id = "javascript"
    display_name = "JavaScript (Node.js)"
    # V8 reserves a large code range up front; the heap itself is capped by a flag.
    memory_bytes = 2048 << 20

    def __init__(self) -> None:
        self.binary = _interpreter("node", "nodejs")

    def missing(self) -> str | None:
        return None if self.binary else "node is not installed"

    async def prepare(
        self, code: str, entry: EntryPoint, *, sandbox: Sandbox, slot: int
    ) -> Program | CompileFailed:
        assert self.binary is not None
        return Program(
            argv=(
                self.binary,
                "--max-old-space-size=256",
                "--stack-size=8000",
                f"{HARNESS_MOUNT}/harness.js",
            ),
            binds=(Bind(self.binary, self.binary), Bind(harness_dir(), HARNESS_MOUNT)),
            wants_source=True,
            memory_bytes=self.memory_bytes,
        )


@dataclass
class CppRunner(LanguageRunner):
    """C++17 with g++: the code and a generated main are compiled in a sandbox, then run.

    The harness header and the standard library are precompiled once (a PCH in the cache
    directory), and binaries are kept by the hash of their source, so running the same code
    again skips the compiler.
    """

    id: ClassVar[str] = "cpp"
    display_name: ClassVar[str] = "C++ (g++, C++17)"
    cache_dir: Path = field(
        default_factory=lambda: Path(tempfile.gettempdir()) / f"interview-bot-cpp-{os.getuid()}"
    )
    max_cached: int = 256
    compile_limits: Limits = Limits(
        wall_seconds=30.0,
        cpu_seconds=30,
        memory_bytes=2048 << 20,
        processes=32,
        file_bytes=256 << 20,
        open_files=256,
        output_bytes=64 << 10,
    )
    # -O0: the tests are small, and it compiles in about half the time of -O1.
    flags: tuple[str, ...] = ("-std=c++17", "-O0", "-pipe", "-w")
    _pch_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False)
    _pch_ready: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.compiler = _interpreter("g++")

    def missing(self) -> str | None:
        return None if self.compiler else "g++ is not installed"

    async def prepare(
        self, code: str, entry: EntryPoint, *, sandbox: Sandbox, slot: int
    ) -> Program | CompileFailed:
        from bot.execution.cpp import generate_source

        source = generate_source(code, entry)
        digest = hashlib.sha256(
            "\0".join((*self.flags, source, _harness_version())).encode()
        ).hexdigest()[:32]
        _prepare_cache_dir(self.cache_dir)
        binary = self.cache_dir / f"{digest}.bin"
        run_binds = (Bind(str(binary), "/sandbox/solution"),)
        if binary.exists():
            os.utime(binary)  # most recently used, for eviction
            return Program(
                ("/sandbox/solution",),
                run_binds,
                wants_source=False,
                memory_bytes=self.memory_bytes,
                cached=True,
            )
        # The first build's harness precompile (4-9 s) is compile time too, not run time.
        started = time.perf_counter()
        await self._ensure_pch(sandbox, slot)
        outcome, out_dir = await self._compile(source, sandbox, slot)
        seconds = time.perf_counter() - started
        try:
            built = out_dir / "solution"
            if outcome.timed_out:
                return CompileFailed("compilation took too long", seconds)
            if outcome.returncode != 0 or not _regular_file(built):
                return CompileFailed(_compile_message(outcome.stderr), seconds)
            os.replace(built, binary)
            _own(binary, 0o755)
        finally:
            shutil.rmtree(out_dir, ignore_errors=True)
        self._evict()
        return Program(
            ("/sandbox/solution",),
            run_binds,
            wants_source=False,
            memory_bytes=self.memory_bytes,
            compile_seconds=seconds,
        )

    async def _compile(
        self, source: str, sandbox: Sandbox, slot: int
    ) -> tuple[SandboxOutcome, Path]:
        assert self.compiler is not None
        out_dir = Path(tempfile.mkdtemp(prefix="build-", dir=self.cache_dir))
        uid = slot_uid(slot)
        if uid is not None:
            os.chown(out_dir, uid, uid)
        if self._pch_ready:
            prelude, runtime = "/pch/prelude.hpp", ["-x", "none", "/pch/runtime.o"]
        else:
            prelude, runtime = f"{HARNESS_MOUNT}/prelude.hpp", [f"{HARNESS_MOUNT}/runtime.cpp"]
        argv = [
            self.compiler,
            *self.flags,
            "-I",
            f"{HARNESS_MOUNT}",
            "-include",
            prelude,
            "-x",
            "c++",
            "-",
            *runtime,
            "-o",
            "/out/solution",
        ]
        binds = [
            Bind("/usr", "/usr"),
            Bind(harness_dir(), HARNESS_MOUNT),
            Bind(str(out_dir), "/out", writable=True),
        ]
        if self._pch_ready:
            binds.append(Bind(str(self._pch_dir()), "/pch"))
        outcome = await sandbox.run(
            argv, stdin=source.encode(), binds=binds, limits=self.compile_limits, slot=slot
        )
        return outcome, out_dir

    async def _ensure_pch(self, sandbox: Sandbox, slot: int) -> None:
        """Precompile the harness prelude once; without it compiles are slower, not wrong."""
        # Checked each time: a process of another harness version on this host may have
        # installed its own and removed this one.
        if self._pch_ready and self._pch_dir().is_dir():
            return
        async with self._pch_lock:
            if self._pch_ready and self._pch_dir().is_dir():
                return
            pch_dir = self._pch_dir()
            # Installed whole by one rename, so a directory that exists is complete.
            if not pch_dir.is_dir():
                await self._build_pch(sandbox, slot, pch_dir)
            self._pch_ready = pch_dir.is_dir()

    def _pch_dir(self) -> Path:
        # A PCH built with other flags is silently ignored by g++, so the flags name it too;
        # each version has its own directory, never rewritten while another process uses it.
        key = hashlib.sha256("\0".join((*self.flags, _harness_version())).encode())
        return self.cache_dir / f"pch-{key.hexdigest()[:16]}"

    async def _build_pch(self, sandbox: Sandbox, slot: int, pch_dir: Path) -> None:
        assert self.compiler is not None
        out_dir = Path(tempfile.mkdtemp(prefix="build-pch-", dir=self.cache_dir))
        uid = slot_uid(slot)
        if uid is not None:
            os.chown(out_dir, uid, uid)
        for name in ("prelude.hpp", "runtime.cpp"):
            shutil.copy(Path(HARNESS_SOURCE) / name, out_dir / name)
            os.chmod(out_dir / name, 0o644)
        binds = [Bind("/usr", "/usr"), Bind(str(out_dir), "/out", writable=True)]
        built = True
        # The precompiled header, then the harness functions every program links against.
        for argv in (
            ["-x", "c++-header", "/out/prelude.hpp", "-o", "/out/prelude.hpp.gch"],
            ["-include", "/out/prelude.hpp", "-c", "/out/runtime.cpp", "-o", "/out/runtime.o"],
        ):
            outcome = await sandbox.run(
                [self.compiler, *self.flags, *argv],
                binds=binds,
                limits=self.compile_limits,
                slot=slot,
            )
            built = built and outcome.returncode == 0
        _install_pch(out_dir, pch_dir, built=built)

    def _evict(self) -> None:
        binaries = sorted(self.cache_dir.glob("*.bin"), key=lambda p: p.stat().st_mtime)
        for stale in binaries[: max(0, len(binaries) - self.max_cached)]:
            stale.unlink(missing_ok=True)


def _regular_file(path: Path) -> bool:
    # Only a file the linker wrote is cached and later bound: never a planted symlink.
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def _own(path: Path, mode: int) -> None:
    # Built by the sandbox's uid, kept as the bot's: sandboxes only ever read them.
    os.chown(path, os.getuid(), os.getgid())
    os.chmod(path, mode)


def _install_pch(out_dir: Path, pch_dir: Path, *, built: bool) -> None:
    if not built or not all((out_dir / n).exists() for n in ("prelude.hpp.gch", "runtime.o")):
        shutil.rmtree(out_dir, ignore_errors=True)
        return
    for path in out_dir.iterdir():
        _own(path, 0o644)
    _own(out_dir, 0o755)
    try:
        os.rename(out_dir, pch_dir)
    except OSError:
        # Another process on this host installed the same version first: use theirs.
        shutil.rmtree(out_dir, ignore_errors=True)
        if not pch_dir.is_dir():
            raise
        return
    # Earlier versions (and the unversioned "pch" of older releases), 100 MB each.
    for stale in pch_dir.parent.glob("pch*"):
        if stale != pch_dir and stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)


def _prepare_cache_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    # Binaries found here get run: the directory must be the bot's own, not planted by others.
    if path.stat().st_uid != os.geteuid() or path.is_symlink():
        raise PermissionError(f"{path} is not owned by this user; set another C++ cache_dir")
    # The sandbox's unprivileged uid reads binaries and writes builds below it.
    os.chmod(path, 0o755)


@functools.cache
def _harness_version() -> str:
    digest = hashlib.sha256()
    for name in ("prelude.hpp", "runtime.cpp", "cpp.py"):
        path = Path(__file__).parent / name if name.endswith(".py") else Path(HARNESS_SOURCE) / name
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_DIRECTORIES = re.compile(r"(?:/[\w.+-]+)+/(?=[\w.+-]+:\d+)")


def _compile_message(stderr: bytes) -> str:
    """The compiler's first errors, candidate's lines first, without sandbox paths."""
    lines = [_DIRECTORIES.sub("", line) for line in stderr.decode("utf-8", "replace").splitlines()]
    errors = [line for line in lines if ": error:" in line]
    errors.sort(key=lambda line: not line.startswith("solution.cpp:"))
    return "\n".join(errors[:8] or lines[-8:]).strip() or "compilation failed"


def default_runners() -> dict[str, LanguageRunner]:
    """One runner per supported language, keyed by language id."""
    runners: list[LanguageRunner] = [PythonRunner(), JavaScriptRunner(), CppRunner()]
    return {runner.id: runner for runner in runners}
