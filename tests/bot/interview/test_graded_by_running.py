"""Scripted candidates whose code really runs: through the bubblewrap sandbox against the
problem's tests, the run result put in the interview as a run_result message would be, then
graded. On the same problem a working brute force outscores a stub and a refusal, an optimal
tested solution outscores the brute force, and code that only looks right (the reference
solutions' deliberately broken twins, told with the optimal words) is found out by its tests.

Optimal and broken code are the reference solutions of tests/execution/solutions/; brute
forces and stubs are in tests/bot/interview/candidates/.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.execution.runner import CodeRunner, RunResult, Submission
from bot.interview.domain import CodeSnapshot, Grade, Phase, Problem, Role, TurnContext
from bot.interview.grading import heuristic_grade
from bot.interview.llm_interviewer import ModelInterviewer, model_client
from bot.interview.offline import OfflineInterviewer
from bot.interview.outbox import RunFailure, RunResultPost
from bot.interview.problem_bank import ProblemBank
from bot.interview.run_record import RunRecord
from sandbox.model_server import FakeModelServer
from tests.bot.interview.samples import context

HERE = Path(__file__).parent
REFERENCE = HERE.parent.parent / "execution" / "solutions"
CANDIDATES = HERE / "candidates"
BANK = ProblemBank.default()
# A model that likes everyone: only the evidence caps can tell the interviews apart.
GENEROUS = {
    "overall": 95,
    "communication": 95,
    "problem_solving": 95,
    "code_quality": 95,
    "summary": "Excellent interview.",
    "strengths": ["Great work."],
    "improvements": ["Keep practising."],
}
REFUSAL = "I don't think I can code it in time, sorry."

pytestmark = pytest.mark.timeout(300)


@dataclass(frozen=True)
class Script:
    """What a candidate says on one problem, besides the code."""

    clarify: str
    optimal_plan: str
    optimal_bound: str
    brute_plan: str
    brute_bound: str


SCRIPTS = {
    "double-booked-room": Script(
        "Can the list be empty, and does a meeting ending at 600 clash with one starting at 600?",
        "I'd sort the bookings by start time and compare each booking with the previous one: "
        "if it starts before the previous one ends, two meetings need the room at once.",
        "Sorting makes it O(n log n) time and O(1) extra space.",
        "I'd compare every pair of bookings and check whether the two overlap.",
        "That is O(n^2) time and O(1) extra space.",
    ),
    "first-solo-sender": Script(
        "Can the log be empty, and are names case-sensitive?",
        "I'd count the messages of each sender in a hash map, then walk the log in order and "
        "return the first name whose count is one.",
        "That is O(n) time and O(n) space for the counts.",
        "For each message I'd count how often its sender appears in the whole log and return "
        "the first sender counted once.",
        "That is O(n^2) time and O(1) extra space.",
    ),
    "net-change-windows": Script(
        "Can the changes be negative, and can the list be empty?",
        "I'd keep running totals and a hash map counting each total seen so far, and for "
        "every day add how many earlier totals equal the current total minus the target.",
        "That is O(n) time and O(n) space.",
        "I'd try every start day and extend the run one day at a time, counting the runs "
        "whose sum equals the target.",
        "That is O(n^2) time and O(1) extra space.",
    ),
    "parcel-pair-capacity": Script(
        "Can the list be empty, and can the same parcel be used twice?",
        "Since the weights are sorted I'd use two pointers from both ends: move the left one "
        "up when the sum is too small and the right one down when it is too big.",
        "That is O(n) time and O(1) space.",
        "I'd check every pair of different parcels and compare their sum with the capacity.",
        "That is O(n^2) time and O(1) extra space.",
    ),
}
# Candidate → (the words they say, the code they send or None).
KINDS = ("optimal", "brute", "looks_right", "stub", "refusal")


def _problem(problem_id: str) -> Problem:
    problem = BANK.get(problem_id)
    assert problem is not None
    return problem


def _code(problem_id: str, kind: str) -> str | None:
    path = {
        "optimal": REFERENCE / problem_id / "solution.py",
        "looks_right": REFERENCE / problem_id / "broken.py",
        "brute": CANDIDATES / problem_id / "brute.py",
        "stub": CANDIDATES / problem_id / "stub.py",
    }.get(kind)
    return path.read_text() if path is not None else None


def _words(script: Script, kind: str) -> list[str]:
    if kind == "brute":
        return [script.clarify, script.brute_plan, script.brute_bound]
    said = [script.clarify, script.optimal_plan, script.optimal_bound]
    return [*said, REFUSAL] if kind == "refusal" else said


def run_post(result: RunResult) -> RunResultPost:
    """The run result message the engine queues for a run of code submission 1."""
    return RunResultPost(
        code_id=1,
        request_id=0,
        status=result.status.value,
        language=result.language,
        passed=result.passed,
        total=result.total,
        summary=result.summary(),
        failures=tuple(
            RunFailure(f.index, f.input, f.expected, f.actual, f.error)
            for f in result.visible_failures
        ),
        hidden_failed=result.hidden_failed,
    )


@dataclass(frozen=True)
class Interview:
    problem: Problem
    kind: str
    read: TurnContext  # the interview as the graders saw it before code ran
    run: RunResultPost | None

    @property
    def graded(self) -> TurnContext:
        """The interview with its run result in it, as turn_context reads it."""
        if self.run is None:
            return self.read
        record = RunRecord(self.run.passed, self.run.total, self.run.passed, self.run.total)
        return replace(self.read, latest_run=self.run, runs=record)


async def _interviews() -> dict[tuple[str, str], Interview]:
    runner = CodeRunner(slots=2)
    reason = await runner.unavailable_reason()
    if reason is not None:
        pytest.skip(f"the bubblewrap sandbox cannot start here: {reason}")

    async def one(problem_id: str, kind: str) -> Interview:
        problem = _problem(problem_id)
        code = _code(problem_id, kind)
        conversation = [(Role.CANDIDATE, text) for text in _words(SCRIPTS[problem_id], kind)]
        snapshot = None
        run = None
        if code is not None:
            conversation.append((Role.CANDIDATE, f"Here is my code:\n```python\n{code}```"))
            snapshot = CodeSnapshot("python", None, code)
            run = run_post(await runner.run(problem, Submission("python", code)))
        read = context(conversation, problem=problem, code=snapshot, phase=Phase.TEST)
        return Interview(problem, kind, read, run)

    keys = [(problem_id, kind) for problem_id in SCRIPTS for kind in KINDS]
    done = await asyncio.gather(*(one(*key) for key in keys))
    return dict(zip(keys, done, strict=True))


@pytest.fixture(scope="module")
def interviews() -> dict[tuple[str, str], Interview]:
    return asyncio.run(_interviews())


def _table(grades: dict[str, Grade], interviews: dict[str, Interview]) -> str:
    def ran(kind: str) -> str:
        run = interviews[kind].run
        return run.summary if run is not None else "no code"

    return "\n".join(
        f"{kind}: {grade.overall} (p {grade.problem_solving}, q {grade.code_quality}) {ran(kind)}"
        for kind, grade in grades.items()
    )


def test_the_scripted_code_really_ran_and_did_what_it_is_for(
    interviews: dict[tuple[str, str], Interview],
) -> None:
    for problem_id in SCRIPTS:
        runs = {kind: interviews[(problem_id, kind)].run for kind in KINDS}
        optimal, brute, looks_right, stub = (
            runs["optimal"], runs["brute"], runs["looks_right"], runs["stub"]
        )  # fmt: skip
        assert runs["refusal"] is None
        assert optimal is not None and brute is not None and looks_right is not None
        assert stub is not None
        for run in (optimal, brute, looks_right, stub):
            assert run.status == "ok" and run.total >= 6, run
        assert optimal.passed == optimal.total and brute.passed == brute.total, problem_id
        assert 0 < looks_right.total - looks_right.passed < looks_right.total, problem_id
        # A stub's constant answer can be right by luck, never on every test.
        assert stub.passed < stub.total, problem_id


@pytest.mark.parametrize("problem_id", list(SCRIPTS))
async def test_offline_grades_order_the_candidates_by_what_their_code_did(
    problem_id: str, interviews: dict[tuple[str, str], Interview]
) -> None:
    mine = {kind: interviews[(problem_id, kind)] for kind in KINDS}
    grader = OfflineInterviewer()
    grades = {kind: await grader.grade(interview.graded) for kind, interview in mine.items()}
    overall = {kind: grade.overall for kind, grade in grades.items()}
    table = _table(grades, mine)

    assert overall["optimal"] > overall["brute"] > overall["stub"], table
    assert overall["brute"] > overall["refusal"], table
    # Same words and code that reads as right: only the tests tell them apart.
    assert overall["optimal"] > overall["looks_right"], table
    read = {
        kind: heuristic_grade(mine[kind].read, graded_by="offline").overall
        for kind in ("optimal", "looks_right")
    }
    gap_read = read["optimal"] - read["looks_right"]
    assert overall["optimal"] - overall["looks_right"] > max(gap_read, 0), (read, table)
    assert "Your final code passes all" in " ".join(grades["optimal"].strengths), table


@pytest.fixture
async def generous_model() -> AsyncIterator[FakeModelServer]:
    async with FakeModelServer(default_grade=GENEROUS) as server:
        yield server


@pytest.mark.parametrize("problem_id", list(SCRIPTS))
async def test_a_generous_model_is_held_to_what_the_code_did(
    problem_id: str,
    interviews: dict[tuple[str, str], Interview],
    generous_model: FakeModelServer,
) -> None:
    mine = {kind: interviews[(problem_id, kind)] for kind in KINDS}
    client = model_client(api_key="test-key", base_url=generous_model.base_url, timeout=5)
    try:
        grader = ModelInterviewer(client, "test-model")
        grades = {kind: await grader.grade(interview.graded) for kind, interview in mine.items()}
    finally:
        await client.close()
    overall = {kind: grade.overall for kind, grade in grades.items()}
    table = _table(grades, mine)

    assert all(grade.graded_by == "model" for grade in grades.values())
    for weaker in ("stub", "refusal"):
        assert overall["brute"] > overall[weaker], table
    brute, broken = grades["brute"], grades["looks_right"]
    assert brute.problem_solving > broken.problem_solving, table
    assert brute.code_quality > broken.code_quality, table
    looks_right = mine["looks_right"].run
    assert looks_right is not None
    ceiling = 25 + 75 * looks_right.passed / looks_right.total
    assert grades["looks_right"].code_quality <= round(ceiling), table
    assert grades["stub"].problem_solving <= 30 and grades["stub"].code_quality <= 15, table
