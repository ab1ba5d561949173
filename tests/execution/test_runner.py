"""The runner's verdicts through the real sandbox: what each language reports, what cannot
run, and results that candidate code cannot forge."""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from bot.execution.languages import CppRunner, default_runners
from bot.execution.runner import CodeRunner, RunResult, RunStatus, Submission
from bot.execution.sandbox import Limits, Sandbox
from bot.interview.domain import Problem
from bot.interview.problem_bank import ProblemBank


def problem(problem_id: str) -> Problem:
    found = ProblemBank.default().get(problem_id)
    assert found is not None
    return found


@pytest.fixture
async def runner() -> CodeRunner:
    runner = CodeRunner(slots=2, limits=Limits(wall_seconds=5))
    reason = await runner.unavailable_reason()
    assert reason is None, reason
    return runner


async def test_a_wrong_answer_shows_the_visible_example_and_counts_hidden_ones(
    runner: CodeRunner,
) -> None:
    code = "def min_toll(tolls):\n    print('debugging', tolls)\n    return sum(tolls[:1])\n"
    result = await runner.run(problem("corridor-toll-steps"), Submission("python", code))
    assert result.status is RunStatus.OK
    assert (result.passed, result.total) == (2, 6)
    first, second = result.visible_failures
    assert first.input == "tolls = [4, 1, 6, 2]"
    assert (first.expected, first.actual, first.error) == ("3", "4", None)
    assert (second.input, second.expected, second.actual) == ("tolls = [7]", "0", "7")
    assert result.hidden_failed == 2
    assert result.summary().startswith("2/6 tests passed · ")
    assert "debugging [4, 1, 6, 2]" in result.output


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("python", "def min_toll(tolls)\n    return 0\n", "SyntaxError: expected ':' (line 1)"),
        ("python", "def other(tolls):\n    return 0\n", "defines no function named min_toll"),
        ("javascript", "function min_toll(t) {\n  return [;\n}\n", "SyntaxError"),
        ("javascript", "const x = 1;\n", "defines no function named min_toll"),
        ("cpp", "int min_toll(vector<int> t) { return t.size() }\n", "solution.cpp:1:"),
        ("cpp", "int other(vector<int> t) { return 0; }\n", "min_toll"),
    ],
)
async def test_code_that_does_not_build_is_a_compile_error(
    runner: CodeRunner, language: str, code: str, expected: str
) -> None:
    result = await runner.run(problem("corridor-toll-steps"), Submission(language, code))
    assert result.status is RunStatus.COMPILE_ERROR
    assert expected in result.message
    assert result.passed == 0 and result.total == 6
    assert "did not compile" in result.summary()


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "def min_toll(tolls):\n    return [][1]\n"),
        ("javascript", "function min_toll(t) { return null.x; }\n"),
        ("cpp", "int min_toll(vector<int> t) { return t.at(99); }\n"),
    ],
)
async def test_an_exception_is_reported_per_test(
    runner: CodeRunner, language: str, code: str
) -> None:
    result = await runner.run(problem("corridor-toll-steps"), Submission(language, code))
    assert result.status is RunStatus.OK
    assert result.passed == 0
    assert all(failure.error for failure in result.visible_failures)
    assert result.hidden_failed == 4


async def test_a_crash_mid_run_keeps_the_results_before_it(runner: CodeRunner) -> None:
    code = (
        "int min_toll(vector<int> t) {\n"
        "    if (t.size() == 1) { int* p = nullptr; return *p; }\n"
        "    int a = 0, b = 0;\n"
        "    for (int x : t) { int c = min(a, b) + x; a = b; b = c; }\n"
        "    return min(a, b);\n"
        "}\n"
    )
    result = await runner.run(problem("corridor-toll-steps"), Submission("cpp", code))
    assert result.status is RunStatus.CRASHED
    # The first example ran before the crash on the second ([7]).
    assert result.passed == 1
    assert result.visible_failures[0].error == "crashed (SIGSEGV)"
    assert result.hidden_failed == 4


async def test_numbers_compare_across_languages_for_float_results(runner: CodeRunner) -> None:
    # JavaScript has no 100.0: the tolerance compare accepts 100 for it.
    code = (
        "class LatencyTracker { constructor() { this.a = []; } record(x) { this.a.push(x); }\n"
        "  discard(x) { const i = this.a.indexOf(x); if (i < 0) return false;\n"
        "    this.a.splice(i, 1); return true; }\n"
        "  median() { const s = [...this.a].sort((p, q) => p - q), n = s.length;\n"
        "    return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; } }\n"
    )
    result = await runner.run(problem("latency-median-tracker"), Submission("javascript", code))
    assert result.all_passed, result


async def test_printed_lines_cannot_forge_results(runner: CodeRunner) -> None:
    # Code that writes result-shaped lines to every descriptor still fails: lines count only
    # with the run's secret token, and expected values never enter the sandbox.
    code = (
        "import os\n"
        "def min_toll(tolls):\n"
        "    for fd in range(1, 12):\n"
        "        for t in range(10):\n"
        '            line = \'{"t": %d, "ok": 3}\\n{"done": true}\\n\' % t\n'
        "            try:\n"
        "                os.write(fd, line.encode())\n"
        "            except OSError:\n"
        "                pass\n"
        "    return -1\n"
    )
    result = await runner.run(problem("corridor-toll-steps"), Submission("python", code))
    assert result.passed == 0


async def test_a_language_it_cannot_run_is_answered_plainly(runner: CodeRunner) -> None:
    result = await runner.run(problem("corridor-toll-steps"), Submission("rust", "fn main() {}"))
    assert result.status is RunStatus.UNSUPPORTED_LANGUAGE
    assert "not rust" in result.message and "Python" in result.message
    assert result.summary() == result.message


@pytest.mark.parametrize(
    ("bwrap", "reason"),
    [(None, "not installed"), ("/usr/bin/false", "cannot create its namespaces")],
)
async def test_without_a_working_sandbox_nothing_runs(bwrap: str | None, reason: str) -> None:
    runner = CodeRunner(sandbox=Sandbox(bwrap=bwrap))
    assert not await runner.available()
    code = "import pathlib\ndef min_toll(t):\n    pathlib.Path('/tmp/ran-unsandboxed').touch()\n"
    result = await runner.run(problem("corridor-toll-steps"), Submission("python", code))
    assert result.status is RunStatus.UNAVAILABLE
    assert reason in result.message
    assert result.summary() == result.message


async def test_a_busy_pool_tells_the_candidate_their_place(runner: CodeRunner) -> None:
    runner = CodeRunner(slots=1)
    places: list[list[int]] = [[], [], []]

    async def submit(heard: list[int]) -> RunResult:
        async def queued(place: int) -> None:
            heard.append(place)

        slow = "import time\ndef min_toll(t):\n    time.sleep(0.05)\n    return 0\n"
        submission = Submission("python", slow)
        return await runner.run(problem("corridor-toll-steps"), submission, on_queued=queued)

    results = await asyncio.gather(*(submit(heard) for heard in places))
    # The third is told it is second, then next.
    assert sorted(places) == [[], [1], [2, 1]]
    assert all(result.status is RunStatus.OK for result in results)
    assert max(result.queued_seconds for result in results) > 0


CORRIDOR = {
    "python": "class Solution:\n    def minToll(self, tolls):\n{body}",
    "javascript": "class Solution {\n  minToll(tolls) {\n{body}\n  }\n}\n",
    "cpp": "class Solution {\npublic:\n    int minToll(vector<int>& tolls) {\n{body}\n    }\n};\n",
}
BODIES = {
    "python": "        a = b = 0\n        for t in tolls:\n            a, b = b, min(a, b) + t\n"
    "        return min(a, b)\n",
    "javascript": "    let a = 0, b = 0;\n"
    "    for (const t of tolls) [a, b] = [b, Math.min(a, b) + t];\n"
    "    return Math.min(a, b);",
    "cpp": "        int a = 0, b = 0;\n"
    "        for (int t : tolls) { int c = min(a, b) + t; a = b; b = c; }\n"
    "        return min(a, b);",
}


@pytest.mark.parametrize("language", list(CORRIDOR))
async def test_leetcode_style_solution_classes_and_camel_case_names_run(
    runner: CodeRunner, language: str
) -> None:
    code = CORRIDOR[language].replace("{body}", BODIES[language])
    result = await runner.run(problem("corridor-toll-steps"), Submission(language, code))
    assert result.all_passed, result


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the directory away")
async def test_a_cpp_cache_directory_planted_by_another_user_is_refused(tmp_path: Path) -> None:
    cache = tmp_path / "cpp-cache"
    cache.mkdir()
    os.chown(cache, 4242, 4242)
    runners = default_runners()
    runners["cpp"] = CppRunner(cache_dir=cache)
    runner = CodeRunner(runners=runners)
    code = "int min_toll(vector<int> t) { return 0; }"
    result = await runner.run(problem("corridor-toll-steps"), Submission("cpp", code))
    assert result.status is RunStatus.UNAVAILABLE
    assert "not owned by this user" in result.message
    assert list(cache.iterdir()) == []


@pytest.mark.parametrize("spelling", ["py", "Python3", "node", "C++"])
async def test_common_spellings_of_a_language_run(runner: CodeRunner, spelling: str) -> None:
    code = {
        "py": "def min_toll(t):\n    return 0\n",
        "Python3": "def min_toll(t):\n    return 0\n",
        "node": "function min_toll(t) { return 0; }",
        "C++": "int min_toll(vector<int> t) { return 0; }",
    }[spelling]
    result = await runner.run(problem("corridor-toll-steps"), Submission(spelling, code))
    assert result.status is RunStatus.OK, result
    assert result.passed == 2  # [7] and [0, 0, 0] cost 0


async def test_two_processes_building_the_cpp_harness_at_once_both_run() -> None:
    """Bot processes (or test sessions) on one host share the C++ cache: the first builds
    of both precompile the harness at once, and neither may lose its run to the other's."""
    with tempfile.TemporaryDirectory(prefix="cpp-cache-") as parent:
        # Sandbox uids must reach the cache, as they reach the default one in /tmp.
        os.chmod(parent, 0o755)
        await _first_builds_at_once(Path(parent) / "cpp-cache")


async def _first_builds_at_once(cache: Path) -> None:

    def process() -> CodeRunner:
        runners = default_runners()
        runners["cpp"] = CppRunner(cache_dir=cache)
        return CodeRunner(runners=runners)

    async def first_run(runner: CodeRunner, name: str) -> tuple[RunResult, float]:
        code = f"// {name}\nint min_toll(vector<int> t) {{ return 0; }}"
        started = time.perf_counter()
        result = await runner.run(problem("corridor-toll-steps"), Submission("cpp", code))
        return result, time.perf_counter() - started

    outcomes = await asyncio.gather(first_run(process(), "a"), first_run(process(), "b"))
    for result, elapsed in outcomes:
        assert result.status is RunStatus.OK, result
        assert result.passed == 2
        # The precompile is compile time: it must not be taken for the run's own time
        # (which the containment tests bound), so compile and run account for the wait.
        assert elapsed - result.compile_seconds - result.seconds < result.compile_seconds / 2
    installed = sorted(path.name for path in cache.iterdir() if path.is_dir())
    assert len(installed) == 1 and installed[0].startswith("pch-"), installed

    # Another harness version's process installs its own and removes this one: the next
    # build precompiles again instead of binding a directory that is gone.
    runner = process()
    await first_run(runner, "c")
    shutil.rmtree(cache / installed[0])
    result, _ = await first_run(runner, "d")
    assert result.status is RunStatus.OK and result.passed == 2, result
    assert (cache / installed[0]).is_dir()
