"""Grades of the persona interviews against a senior interviewer's ranking.

Each persona of ``tests/bot/interview/personas`` is played through the offline interviewer on
every problem it has material for, then graded twice: by the offline rubric, and by the
model grader against a fake model that returns the same generous grade for everyone (so
only the evidence caps can tell the interviews apart). Both rankings must follow the
senior interviewer's: Spearman's rank correlation of at least 0.8 on every problem.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest

from bot.interview.domain import Grade
from bot.interview.grading import heuristic_grade
from bot.interview.llm_interviewer import ModelInterviewer, model_client
from bot.interview.problem_bank import ProblemBank
from sandbox.model_server import FakeModelServer
from tests.bot.interview.personas import PERSONAS, play, senior_ranking
from tests.bot.interview.personas.checks import leaks

MIN_SPEARMAN = 0.8
BANK = ProblemBank.default()
PROBLEMS = sorted({problem for persona in PERSONAS.values() for problem in persona.scripts})
# What a lenient model says about every interview, whatever happened in it.
GENEROUS = {
    "overall": 95,
    "communication": 95,
    "problem_solving": 95,
    "code_quality": 95,
    "summary": "Excellent interview.",
    "strengths": ["Great work."],
    "improvements": ["Keep practising."],
}
# Interviews with no working solution of the problem asked, weakest last.
NO_SOLUTION = ("prose-no-code", "unrelated-code", "talks-grade-up")
# Interviews that end with working code for the problem.
SOLVED = ("strong", "asks-constraints", "brute-then-improved", "buggy-then-fixed")


def _ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks, ties sharing their average rank."""
    order = sorted(range(len(values)), key=lambda index: values[index])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    """Spearman's rank correlation (Pearson's on the ranks, so ties are handled)."""
    rx, ry = _ranks(xs), _ranks(ys)
    mean_x, mean_y = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mean_x) * (b - mean_y) for a, b in zip(rx, ry, strict=True))
    var_x = sum((a - mean_x) ** 2 for a in rx)
    var_y = sum((b - mean_y) ** 2 for b in ry)
    return cov / (var_x * var_y) ** 0.5


def test_spearman_matches_known_values() -> None:
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    assert spearman([1, 2, 3], [5, 5, 9]) == pytest.approx(0.866, abs=1e-3)


@pytest.fixture
async def model_server() -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer(default_grade=GENEROUS) as server:
        yield server


async def _grades(problem_id: str, *, model: FakeModelServer | None) -> dict[str, Grade]:
    grades: dict[str, Grade] = {}
    client = (
        model_client(api_key="test-key", base_url=model.base_url, timeout=5)
        if model is not None
        else None
    )
    try:
        for name in senior_ranking():
            if problem_id not in PERSONAS[name].scripts:
                continue
            ctx = (await play(name, problem_id)).final_context
            if client is None:
                grades[name] = heuristic_grade(ctx, graded_by="offline")
            else:
                grades[name] = await ModelInterviewer(client, "test-model").grade(ctx)
    finally:
        if client is not None:
            await client.close()
    return grades


def _table(grades: dict[str, Grade]) -> str:
    return "\n".join(
        f"{PERSONAS[name].senior_rank}. {name}: {grade.overall} (c {grade.communication}, "
        f"p {grade.problem_solving}, q {grade.code_quality})"
        for name, grade in grades.items()
    )


def _correlation(grades: dict[str, Grade]) -> float:
    names = list(grades)
    # Rank 1 is the best interview: negate so that a higher score lines up with it.
    return spearman(
        [-PERSONAS[name].senior_rank for name in names], [grades[n].overall for n in names]
    )


@pytest.mark.parametrize("problem_id", PROBLEMS)
async def test_offline_grades_follow_the_senior_ranking(problem_id: str) -> None:
    grades = await _grades(problem_id, model=None)

    assert len(grades) >= 6, "too few personas play this problem to rank"
    assert _correlation(grades) >= MIN_SPEARMAN, _table(grades)
    overall = {name: grade.overall for name, grade in grades.items()}
    # The order a senior interviewer would defend in a debrief.
    assert overall["strong"] > overall["brute-then-improved"], _table(grades)
    assert overall["strong"] >= overall["buggy-then-fixed"], _table(grades)
    solved = [overall[name] for name in SOLVED if name in overall]
    assert min(solved) > overall["stuck-asks-hints"] > overall["prose-no-code"], _table(grades)
    assert overall["prose-no-code"] > overall["unrelated-code"] > overall["talks-grade-up"], _table(
        grades
    )
    assert grades["talks-grade-up"].problem_solving <= 30, _table(grades)
    assert grades["prose-no-code"].code_quality == 0, _table(grades)


@pytest.mark.parametrize("problem_id", PROBLEMS)
async def test_a_generous_model_is_ranked_by_the_evidence_caps(
    problem_id: str, model_server: FakeModelServer
) -> None:
    grades = await _grades(problem_id, model=model_server)

    assert all(grade.graded_by == "model" for grade in grades.values())
    assert _correlation(grades) >= MIN_SPEARMAN, _table(grades)
    best_without_solution = max(grades[name].overall for name in NO_SOLUTION)
    for name in (*SOLVED, "stuck-asks-hints"):
        assert grades[name].overall > best_without_solution, _table(grades)
    assert grades["prose-no-code"].problem_solving <= 40, _table(grades)
    assert grades["unrelated-code"].problem_solving <= 30, _table(grades)
    talk = grades["talks-grade-up"]
    assert talk.communication <= 40 and talk.code_quality <= 15, _table(grades)
    assert talk.overall == min(grade.overall for grade in grades.values()), _table(grades)


async def test_the_ranking_over_all_problems_follows_the_senior_ranking() -> None:
    totals: dict[str, list[int]] = {name: [] for name in PERSONAS}
    for problem_id in PROBLEMS:
        for name, grade in (await _grades(problem_id, model=None)).items():
            totals[name].append(grade.overall)
    names = [name for name in senior_ranking() if totals[name]]
    means = [sum(totals[name]) / len(totals[name]) for name in names]

    correlation = spearman([-PERSONAS[name].senior_rank for name in names], means)

    assert correlation >= 0.9, dict(zip(names, means, strict=True))


@pytest.mark.parametrize("problem_id", PROBLEMS)
async def test_offline_feedback_leaks_nothing_and_always_has_a_next_step(problem_id: str) -> None:
    grades = await _grades(problem_id, model=None)
    problem = BANK.get(problem_id)
    assert problem is not None

    for name, grade in grades.items():
        feedback = " ".join((grade.summary, *grade.strengths, *grade.improvements))
        assert not leaks(problem, feedback), (name, feedback)
        assert grade.improvements and "Next step:" in grade.summary, name
        if name == "prose-no-code":
            assert "in the code" not in feedback and "your code" not in feedback
    # Strengths are picked per interview, not one fixed list for every good run.
    good = {grades[name].strengths for name in (*SOLVED, "stuck-asks-hints")}
    assert len(good) >= 3
