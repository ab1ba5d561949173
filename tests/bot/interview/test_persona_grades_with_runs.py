"""The persona interviews again, with every code submission run in the sandbox as the engine
does: the grades that now read the tests passed still follow the senior interviewer's
ranking (Spearman's rank correlation of at least 0.8 on every problem, for the offline
rubric and for a model that gives everyone the same generous grade)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.execution import CodeRunner
from bot.interview.domain import Grade, TurnContext
from bot.interview.grading import heuristic_grade
from bot.interview.llm_interviewer import ModelInterviewer, model_client
from sandbox.model_server import FakeModelServer
from tests.bot.interview.personas import PERSONAS, play, senior_ranking
from tests.bot.interview.personas.checks import leaks
from tests.bot.interview.test_persona_grades import (
    BANK,
    GENEROUS,
    MIN_SPEARMAN,
    NO_SOLUTION,
    PROBLEMS,
    SOLVED,
    spearman,
)

pytestmark = pytest.mark.timeout(300)


async def _played() -> dict[str, dict[str, TurnContext]]:
    runner = CodeRunner(slots=2)
    reason = await runner.unavailable_reason()
    if reason is not None:
        pytest.skip(f"the bubblewrap sandbox cannot start here: {reason}")
    names = [(problem, name) for problem in PROBLEMS for name in senior_ranking()]
    names = [(problem, name) for problem, name in names if problem in PERSONAS[name].scripts]
    played = await asyncio.gather(*(play(name, problem, runner=runner) for problem, name in names))
    contexts: dict[str, dict[str, TurnContext]] = {problem: {} for problem in PROBLEMS}
    for (problem, name), transcript in zip(names, played, strict=True):
        contexts[problem][name] = transcript.final_context
    return contexts


@pytest.fixture(scope="module")
def played() -> dict[str, dict[str, TurnContext]]:
    return asyncio.run(_played())


def _correlation(grades: dict[str, Grade]) -> float:
    names = list(grades)
    return spearman(
        [-PERSONAS[name].senior_rank for name in names], [grades[n].overall for n in names]
    )


def _table(grades: dict[str, Grade], contexts: dict[str, TurnContext]) -> str:
    return "\n".join(
        f"{PERSONAS[name].senior_rank}. {name}: {grade.overall} (p {grade.problem_solving}, "
        f"q {grade.code_quality}) tests {contexts[name].runs.final_passed}/"
        f"{contexts[name].runs.final_total}"
        for name, grade in grades.items()
    )


def test_every_solved_persona_s_final_code_passes_its_tests(
    played: dict[str, dict[str, TurnContext]],
) -> None:
    for problem, contexts in played.items():
        for name in SOLVED:
            runs = contexts[name].runs
            assert runs.ran and runs.final_passed == runs.final_total, (problem, name, runs)
        assert not contexts["prose-no-code"].runs.ran


@pytest.mark.parametrize("problem_id", PROBLEMS)
def test_offline_grades_with_runs_follow_the_senior_ranking(
    problem_id: str, played: dict[str, dict[str, TurnContext]]
) -> None:
    contexts = played[problem_id]
    grades = {name: heuristic_grade(ctx, graded_by="offline") for name, ctx in contexts.items()}
    table = _table(grades, contexts)

    assert _correlation(grades) >= MIN_SPEARMAN, table
    overall = {name: grade.overall for name, grade in grades.items()}
    assert overall["strong"] > overall["brute-then-improved"], table
    solved = [overall[name] for name in SOLVED]
    assert min(solved) > overall["stuck-asks-hints"] > overall["prose-no-code"], table
    assert max(overall[name] for name in NO_SOLUTION) < overall["stuck-asks-hints"], table
    problem = BANK.get(problem_id)
    assert problem is not None
    for name, grade in grades.items():
        feedback = " ".join((grade.summary, *grade.strengths, *grade.improvements))
        assert not leaks(problem, feedback), (name, feedback)


@pytest.fixture
async def generous_model() -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer(default_grade=GENEROUS) as server:
        yield server


@pytest.mark.parametrize("problem_id", PROBLEMS)
async def test_a_generous_model_with_runs_is_ranked_by_the_evidence(
    problem_id: str,
    played: dict[str, dict[str, TurnContext]],
    generous_model: FakeModelServer,
) -> None:
    contexts = played[problem_id]
    client = model_client(api_key="test-key", base_url=generous_model.base_url, timeout=5)
    try:
        grader = ModelInterviewer(client, "test-model")
        grades = {name: await grader.grade(ctx) for name, ctx in contexts.items()}
    finally:
        await client.close()
    table = _table(grades, contexts)

    assert _correlation(grades) >= MIN_SPEARMAN, table
    best_without_solution = max(grades[name].overall for name in NO_SOLUTION)
    for name in (*SOLVED, "stuck-asks-hints"):
        assert grades[name].overall > best_without_solution, table
    # Code that passes none of the tests is held at the pass-rate cap whatever the model says.
    for name, ctx in contexts.items():
        if ctx.runs.ran and ctx.runs.best_passed == 0:
            assert grades[name].problem_solving <= 25 and grades[name].code_quality <= 25, table
