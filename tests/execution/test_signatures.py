"""The starter definition of every problem, in every language, is what the tests call: it
builds and runs (failing the tests, being empty) through the real sandbox."""

from __future__ import annotations

import asyncio

import pytest

from bot.execution.runner import CodeRunner, RunResult, RunStatus, Submission
from bot.execution.signatures import starter
from bot.interview.problem_bank import ProblemBank

PROBLEMS = ProblemBank.default().problems
LANGUAGES = ("python", "javascript", "cpp")
pytestmark = pytest.mark.timeout(600)


def test_starters_spell_the_types_for_each_language() -> None:
    bank = ProblemBank.default()
    tree = bank.get("lowest-shared-manager")
    assert tree is not None and tree.entry_point is not None
    assert starter(tree.entry_point, "cpp").startswith(
        "int lowest_shared_manager(const vector<optional<int>>& root, int a, int b) {"
    )
    assert starter(tree.entry_point, "python").startswith(
        "def lowest_shared_manager(root: list[int | None], a: int, b: int) -> int:"
    )
    assert "@param {(number | null)[]} root" in starter(tree.entry_point, "javascript")
    design = bank.get("latency-median-tracker")
    assert design is not None and design.entry_point is not None
    python = starter(design.entry_point, "python")
    assert "class LatencyTracker:" in python
    assert "def record(self, ms: int) -> None:" in python
    assert "double median() {" in starter(design.entry_point, "cpp")
    with pytest.raises(ValueError):
        starter(design.entry_point, "cobol")


async def _run_all() -> dict[tuple[str, str], RunResult]:
    runner = CodeRunner(slots=2)

    async def one(index: int, language: str) -> RunResult:
        problem = PROBLEMS[index]
        assert problem.entry_point is not None
        code = starter(problem.entry_point, language)
        return await runner.run(problem, Submission(language, code))

    keys = [(index, language) for language in LANGUAGES for index in range(len(PROBLEMS))]
    results = await asyncio.gather(*(one(*key) for key in keys))
    return {
        (PROBLEMS[index].id, language): result
        for (index, language), result in zip(keys, results, strict=True)
    }


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], RunResult]:
    return asyncio.run(_run_all())


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("problem_id", [problem.id for problem in PROBLEMS])
def test_every_starter_builds_and_runs(
    results: dict[tuple[str, str], RunResult], problem_id: str, language: str
) -> None:
    result = results[(problem_id, language)]
    assert result.status is RunStatus.OK, f"{result.summary()} {result.message}"
    assert not result.all_passed
