"""Run a submission against its problem's tests: ``await runner.run(problem, submission)``."""

from __future__ import annotations

import dataclasses
import json
import secrets
import signal
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.execution.cases import Case, CaseError, RunnableProblem, matches, problem_cases
from bot.execution.detect import detect_language
from bot.execution.entry_point import EntryPoint
from bot.execution.languages import CompileFailed, LanguageRunner, default_runners
from bot.execution.pool import QueueNotice, RunPool
from bot.execution.sandbox import Limits, Sandbox, SandboxOutcome


class RunStatus(StrEnum):
    # Every test ran (each passed or failed on its own).
    OK = "ok"
    # The code did not build or load: syntax error, compile error, no such function.
    COMPILE_ERROR = "compile_error"
    TIMEOUT = "timeout"
    MEMORY_LIMIT = "memory_limit"
    OUTPUT_LIMIT = "output_limit"
    # The program died before reporting every test (a signal, an exit call).
    CRASHED = "crashed"
    UNAVAILABLE = "unavailable"
    UNSUPPORTED_LANGUAGE = "unsupported_language"


@dataclass(frozen=True)
class Submission:
    language: str
    code: str


@dataclass(frozen=True)
class TestFailure:
    """A failed visible test: what went in, what was expected, what came back."""

    index: int
    input: str
    expected: str
    actual: str | None
    error: str | None = None
    trace: str | None = None


@dataclass(frozen=True)
class RunResult:
    status: RunStatus
    language: str
    passed: int
    total: int
    # Failures of the examples the candidate has seen; hidden tests are only counted.
    visible_failures: tuple[TestFailure, ...] = ()
    hidden_failed: int = 0
    # Sandbox time of the test run (start-up included); compile and queue are separate.
    seconds: float = 0.0
    compile_seconds: float = 0.0
    queued_seconds: float = 0.0
    # Compile errors, the reason code cannot run, or what stopped the run.
    message: str = ""
    # The tail of what the code printed itself.
    output: str = ""

    @property
    def all_passed(self) -> bool:
        return self.status is RunStatus.OK and self.total > 0 and self.passed == self.total

    def summary(self) -> str:
        """One line for the thread, e.g. ``5/7 tests passed · 38 ms``."""
        if self.status in (RunStatus.UNAVAILABLE, RunStatus.UNSUPPORTED_LANGUAGE):
            return self.message
        if self.status is RunStatus.COMPILE_ERROR:
            return f"0/{self.total} tests passed · did not compile"
        line = f"{self.passed}/{self.total} tests passed · {round(self.seconds * 1000)} ms"
        extra = {
            RunStatus.TIMEOUT: "time limit exceeded",
            RunStatus.MEMORY_LIMIT: "memory limit exceeded",
            RunStatus.OUTPUT_LIMIT: "output limit exceeded",
            RunStatus.CRASHED: "crashed",
        }.get(self.status)
        return f"{line} · {extra}" if extra else line


class CodeRunner:
    """Runs submissions in the sandbox through a bounded pool; never runs code outside it."""

    def __init__(
        self,
        *,
        slots: int = 2,
        sandbox: Sandbox | None = None,
        limits: Limits | None = None,
        runners: dict[str, LanguageRunner] | None = None,
    ) -> None:
        self.sandbox = sandbox or Sandbox()
        self.limits = limits or Limits()
        self.pool = RunPool(slots)
        self.runners = runners if runners is not None else default_runners()
        self._cases: dict[str, tuple[Case, ...]] = {}

    async def unavailable_reason(self) -> str | None:
        """None when code can run here; else why not, to tell the candidate."""
        reason = await self.sandbox.unavailable_reason()
        if reason is not None:
            return f"code execution is unavailable on this server: {reason}"
        return None

    async def available(self) -> bool:
        return await self.unavailable_reason() is None

    def languages(self) -> tuple[str, ...]:
        """Ids of the languages whose toolchain is installed here."""
        return tuple(key for key, runner in self.runners.items() if runner.missing() is None)

    def cases(self, problem: RunnableProblem) -> tuple[Case, ...]:
        cases = self._cases.get(problem.id)
        if cases is None:
            cases = self._cases[problem.id] = problem_cases(problem)
        return cases

    async def run(
        self,
        problem: RunnableProblem,
        submission: Submission,
        *,
        on_queued: QueueNotice | None = None,
    ) -> RunResult:
        """Run ``submission`` against every test of ``problem``."""
        # "py", "node", "c++"... name the languages the runners know by their ids.
        language = detect_language(fence=submission.language).language or submission.language
        reason = await self.unavailable_reason()
        if reason is not None:
            return RunResult(RunStatus.UNAVAILABLE, language, 0, 0, message=reason)
        runner = self.runners.get(language)
        if runner is None or runner.missing() is not None:
            names = ", ".join(r.display_name for r in self.runners.values() if not r.missing())
            return RunResult(
                RunStatus.UNSUPPORTED_LANGUAGE,
                language,
                0,
                0,
                message=f"I can run {names}; not {language}.",
            )
        entry = problem.entry_point
        try:
            cases = self.cases(problem)
        except CaseError as exc:
            return RunResult(RunStatus.UNAVAILABLE, language, 0, 0, message=str(exc))
        assert entry is not None
        asked = time.perf_counter()
        async with self.pool.slot(on_queued) as slot:
            queued = time.perf_counter() - asked
            try:
                program = await runner.prepare(
                    submission.code, entry, sandbox=self.sandbox, slot=slot
                )
            except OSError as exc:
                message = f"code execution is unavailable on this server: {exc}"
                return RunResult(RunStatus.UNAVAILABLE, language, 0, len(cases), message=message)
            if isinstance(program, CompileFailed):
                return RunResult(
                    RunStatus.COMPILE_ERROR,
                    language,
                    0,
                    len(cases),
                    compile_seconds=program.compile_seconds,
                    queued_seconds=queued,
                    message=program.message,
                )
            token = secrets.token_hex(16)
            payload: dict[str, Any] = {
                "token": token,
                "kind": entry.kind,
                "name": entry.name,
                "tests": [list(case.args) for case in cases],
            }
            if program.wants_source:
                payload["code"] = submission.code
            outcome = await self.sandbox.run(
                program.argv,
                stdin=json.dumps(payload, ensure_ascii=False).encode(),
                binds=program.binds,
                limits=dataclasses.replace(self.limits, memory_bytes=program.memory_bytes),
                slot=slot,
            )
        judged = _judge(language, cases, entry, outcome, token)
        return dataclasses.replace(
            judged, compile_seconds=program.compile_seconds, queued_seconds=queued
        )


_MEMORY_MARKERS = (
    "MemoryError",
    "std::bad_alloc",
    "heap out of memory",
    "Allocation failed",
    "Array buffer allocation failed",
)


def _judge(
    language: str,
    cases: tuple[Case, ...],
    entry: EntryPoint,
    outcome: SandboxOutcome,
    token: str,
) -> RunResult:
    records, load_error, done = _records(outcome.stdout, token)
    output = outcome.stderr.decode("utf-8", "replace")[-2000:]
    total = len(cases)
    if load_error is not None:
        message = str(load_error.get("load_error", ""))
        if load_error.get("trace"):
            message = f"{message}\n{load_error['trace']}"
        # Top-level code runs while loading: out of memory there is the limit, not a bug.
        out_of_memory = any(marker in message for marker in _MEMORY_MARKERS)
        return RunResult(
            RunStatus.MEMORY_LIMIT if out_of_memory else RunStatus.COMPILE_ERROR,
            language,
            0,
            total,
            seconds=outcome.seconds,
            message=message,
            output=output,
        )

    stopped = _stop_reason(outcome, done, output)
    passed = 0
    hidden_failed = 0
    failures: list[TestFailure] = []
    memory = False
    first_missing = True
    for case in cases:
        record = records.get(case.index)
        actual: str | None = None
        error: str | None = None
        trace: str | None = None
        if record is None:
            error = stopped if first_missing else f"not run ({stopped})"
            first_missing = False
        elif "error" in record:
            error = str(record["error"])
            trace = str(record.get("trace") or "") or None
            memory = memory or any(marker in error for marker in _MEMORY_MARKERS)
        elif matches(case.expected, record["ok"], entry):
            passed += 1
            continue
        else:
            actual = json.dumps(record["ok"])
        if case.visible:
            failures.append(
                TestFailure(
                    case.index, case.shown_input, json.dumps(case.expected), actual, error, trace
                )
            )
        else:
            hidden_failed += 1

    # Running out of memory comes first: the time lost to it is a consequence.
    if memory or any(marker in output for marker in _MEMORY_MARKERS):
        status = RunStatus.MEMORY_LIMIT
    elif outcome.timed_out or _cpu_exhausted(outcome):
        status = RunStatus.TIMEOUT
    elif outcome.output_exceeded:
        status = RunStatus.OUTPUT_LIMIT
    elif not done:
        status = RunStatus.CRASHED
    else:
        status = RunStatus.OK
    return RunResult(
        status,
        language,
        passed,
        total,
        visible_failures=tuple(failures),
        hidden_failed=hidden_failed,
        seconds=outcome.seconds,
        message="" if status is RunStatus.OK else stopped,
        output=output,
    )


def _records(stdout: bytes, token: str) -> tuple[dict[int, dict[str, Any]], Any, bool]:
    """Results by test index, the load error if any, and whether the harness finished."""
    records: dict[int, dict[str, Any]] = {}
    load_error: Any = None
    done = False
    marker = token + " "
    for raw in stdout.decode("utf-8", "replace").splitlines():
        # Candidate code cannot forge a line without the run's token.
        at = raw.find(marker)
        if at < 0:
            continue
        try:
            record = json.loads(raw[at + len(marker) :])
        except ValueError:
            continue
        if not isinstance(record, dict):
            continue
        if "load_error" in record:
            load_error = record
        elif record.get("done") is True:
            done = True
        elif isinstance(record.get("t"), int) and ("ok" in record or "error" in record):
            records.setdefault(record["t"], record)
    return records, load_error, done


def _cpu_exhausted(outcome: SandboxOutcome) -> bool:
    return outcome.signal in (signal.SIGXCPU, signal.SIGKILL) and not outcome.output_exceeded


def _stop_reason(outcome: SandboxOutcome, done: bool, output: str) -> str:
    if outcome.timed_out or _cpu_exhausted(outcome):
        return "time limit exceeded"
    if outcome.output_exceeded:
        return "output limit exceeded"
    if any(marker in output for marker in _MEMORY_MARKERS):
        return "memory limit exceeded"
    if done:
        return ""
    if outcome.signal is not None:
        name = signal.Signals(outcome.signal).name if outcome.signal < 65 else str(outcome.signal)
        return f"crashed ({name})"
    return f"the program exited (status {outcome.returncode}) before finishing the tests"
