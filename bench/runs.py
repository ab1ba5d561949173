"""Code runs: runs per second and p50/p99 latency (queue included) per language at 1, 4 and
16 concurrent submissions, through the real sandbox and a pool of RUN_SLOTS slots; and what
the C++ compile step costs.

Runs happen in this process, as they would in the bot: the pool keeps the machine from being
swamped and the latency a candidate waits includes their time in the queue.
`python -m bench --only runs` runs this part alone.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.execution.languages import CppRunner, default_runners
from bot.execution.runner import CodeRunner, RunResult, Submission
from bot.interview.problem_bank import ProblemBank

PROBLEM_ID = "corridor-toll-steps"
# Correct solutions of PROBLEM_ID (tests/execution/solutions/ holds every problem's).
SOLUTIONS = {
    "python": """def min_toll(tolls):
    a = b = 0
    for toll in tolls:
        a, b = b, min(a, b) + toll
    return min(a, b)
""",
    "javascript": """function min_toll(tolls) {
  let a = 0, b = 0;
  for (const toll of tolls) [a, b] = [b, Math.min(a, b) + toll];
  return Math.min(a, b);
}
""",
    "cpp": """#include <bits/stdc++.h>
using namespace std;

int min_toll(vector<int>& tolls) {
    int a = 0, b = 0;
    for (int toll : tolls) {
        int c = min(a, b) + toll;
        a = b;
        b = c;
    }
    return min(a, b);
}
""",
}
LEVELS = (1, 4, 16)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


async def _level(
    runner: CodeRunner, language: str, code: str, concurrency: int, rounds: int
) -> dict[str, Any]:
    problem = ProblemBank.default().get(PROBLEM_ID)
    assert problem is not None
    latencies: list[float] = []
    failures = 0

    async def submitter() -> None:
        nonlocal failures
        for _ in range(rounds):
            started = time.perf_counter()
            result: RunResult = await runner.run(problem, Submission(language, code))
            latencies.append(time.perf_counter() - started)
            failures += not result.all_passed

    cpu_before = _children_cpu()
    began = time.perf_counter()
    await asyncio.gather(*(submitter() for _ in range(concurrency)))
    elapsed = time.perf_counter() - began
    cpu = _children_cpu() - cpu_before
    return {
        "concurrency": concurrency,
        "runs": len(latencies),
        "failed": failures,
        "runs_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(_percentile(latencies, 0.99) * 1000, 1),
        # CPU time of the sandboxes per run: what a run costs whatever else the machine does.
        "cpu_ms_per_run": round(cpu / len(latencies) * 1000, 1),
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def _compile_cost(runner: CodeRunner, samples: int) -> dict[str, Any]:
    """Cold compiles (a fresh cache; each source differs by a comment), one at a time."""
    problem = ProblemBank.default().get(PROBLEM_ID)
    assert problem is not None
    code = SOLUTIONS["cpp"]
    seconds: list[float] = []
    cpu: list[float] = []
    for sample in range(samples):
        before = _children_cpu()
        result = await runner.run(problem, Submission("cpp", f"// sample {sample}\n{code}"))
        cpu.append(_children_cpu() - before)
        assert result.all_passed, result
        seconds.append(result.compile_seconds)
    return {
        "samples": samples,
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        # Compiler CPU (plus the one test run, ~20 ms): the cost on an idle machine.
        "cpu_ms_p50": round(statistics.median(cpu) * 1000, 1),
    }


async def measure_runs(*, quick: bool = False, slots: int | None = None) -> dict[str, Any]:
    """Every language at every level, after one warm-up run each (the C++ one builds the
    precompiled harness and caches the binary, so its levels measure running, not compiling)."""
    slots = slots or Settings().run_slots
    with tempfile.TemporaryDirectory(prefix="bench-runs-") as cache:
        runners = default_runners()
        runners["cpp"] = CppRunner(cache_dir=Path(cache))
        runner = CodeRunner(slots=slots, runners=runners)
        reason = await runner.unavailable_reason()
        if reason is not None:
            return {"unavailable": reason}
        problem = ProblemBank.default().get(PROBLEM_ID)
        assert problem is not None
        report: dict[str, Any] = {"slots": slots, "problem": PROBLEM_ID, "languages": {}}
        started = time.perf_counter()
        cpp = SOLUTIONS["cpp"]
        warm = await runner.run(problem, Submission("cpp", f"// warm-up\n{cpp}"))
        report["cpp_harness_build_s"] = round(time.perf_counter() - started, 1)
        report["cpp_warmup_status"] = str(warm.status)
        report["cpp_compile"] = await _compile_cost(runner, 3 if quick else 8)
        for language, code in SOLUTIONS.items():
            await runner.run(problem, Submission(language, code))
            levels = []
            for concurrency in LEVELS:
                rounds = max(2, (8 if quick else 24) // concurrency)
                levels.append(await _level(runner, language, code, concurrency, rounds))
                print(f"  runs {language} x{concurrency}: {levels[-1]}", flush=True)
            report["languages"][language] = levels
    return report


def render_runs(report: dict[str, Any]) -> str:
    if "unavailable" in report:
        return f"Code runs: {report['unavailable']}"
    lines = [
        f"Code runs ({report['problem']}, whole test suite per run; pool of {report['slots']} "
        "slots; latency includes the queue)",
        f"{'language':<12}{'concurrent':>11}{'runs/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'CPU ms/run':>12}{'failed':>8}",
    ]
    for language, levels in report["languages"].items():
        for row in levels:
            lines.append(
                f"{language:<12}{row['concurrency']:>11}{row['runs_per_s']:>9}"
                f"{row['p50_ms']:>9}{row['p99_ms']:>9}{row['cpu_ms_per_run']:>12}{row['failed']:>8}"
            )
    compile_cost = report["cpp_compile"]
    lines.append(
        f"C++ compile step (cold, one at a time): p50 {compile_cost['p50_ms']} ms, "
        f"max {compile_cost['max_ms']} ms over {compile_cost['samples']}, CPU p50 "
        f"{compile_cost['cpu_ms_p50']} ms; precompiled harness built once in "
        f"{report['cpp_harness_build_s']} s"
    )
    return "\n".join(lines)


def main() -> None:
    report = asyncio.run(measure_runs())
    print(render_runs(report))


if __name__ == "__main__":
    main()
