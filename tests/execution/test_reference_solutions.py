"""Every problem's reference solutions pass all its tests in every language, through the real
sandbox; the deliberately broken ones fail. All runs go through one pool, in parallel."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.execution.cases import problem_cases
from bot.execution.runner import CodeRunner, RunResult, RunStatus, Submission
from bot.interview.problem_bank import ProblemBank

SOLUTIONS = Path(__file__).parent / "solutions"
EXTENSIONS = {"python": "py", "javascript": "js", "cpp": "cpp"}
PROBLEMS = ProblemBank.default().problems
KINDS = ("solution", "broken")

# Building the C++ harness once and compiling 48 programs takes a while on two cores.
pytestmark = pytest.mark.timeout(900)


def source(problem_id: str, language: str, kind: str) -> Path:
    return SOLUTIONS / problem_id / f"{kind}.{EXTENSIONS[language]}"


async def _run_all() -> dict[tuple[str, str, str], RunResult]:
    runner = CodeRunner(slots=2)
    reason = await runner.unavailable_reason()
    assert reason is None, reason

    async def one(problem_index: int, language: str, kind: str) -> RunResult:
        problem = PROBLEMS[problem_index]
        code = source(problem.id, language, kind).read_text()
        return await runner.run(problem, Submission(language, code))

    keys = [
        (index, language, kind)
        for language in EXTENSIONS
        for index in range(len(PROBLEMS))
        for kind in KINDS
    ]
    results = await asyncio.gather(*(one(*key) for key in keys))
    return {
        (PROBLEMS[index].id, language, kind): result
        for (index, language, kind), result in zip(keys, results, strict=True)
    }


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str, str], RunResult]:
    return asyncio.run(_run_all())


def test_every_problem_has_every_solution_file() -> None:
    missing = [
        str(source(problem.id, language, kind))
        for problem in PROBLEMS
        for language in EXTENSIONS
        for kind in KINDS
        if not source(problem.id, language, kind).exists()
    ]
    assert missing == []


def _describe(result: RunResult) -> str:
    failures = [
        f"{f.input} -> expected {f.expected}, got {f.actual} {f.error or ''}"
        for f in result.visible_failures
    ]
    return f"{result.summary()} {result.message}\n" + "\n".join(failures)


@pytest.mark.parametrize("language", list(EXTENSIONS))
@pytest.mark.parametrize("problem_id", [problem.id for problem in PROBLEMS])
def test_reference_solution_passes_every_test(
    results: dict[tuple[str, str, str], RunResult], problem_id: str, language: str
) -> None:
    result = results[(problem_id, language, "solution")]
    assert result.status is RunStatus.OK, _describe(result)
    problem = ProblemBank.default().get(problem_id)
    assert problem is not None
    assert result.total == len(problem_cases(problem))
    assert result.passed == result.total, _describe(result)
    assert result.all_passed


@pytest.mark.parametrize("language", list(EXTENSIONS))
@pytest.mark.parametrize("problem_id", [problem.id for problem in PROBLEMS])
def test_broken_solution_fails_some_test(
    results: dict[tuple[str, str, str], RunResult], problem_id: str, language: str
) -> None:
    result = results[(problem_id, language, "broken")]
    # It runs (the break is a wrong answer, not a crash) and is caught by the tests.
    assert result.status is RunStatus.OK, _describe(result)
    assert 0 <= result.passed < result.total
    assert not result.all_passed
    assert len(result.visible_failures) + result.hidden_failed == result.total - result.passed
