"""A problem's examples are its visible tests; results are judged by the entry's compare mode."""

from __future__ import annotations

import dataclasses

import pytest

from bot.execution.cases import CaseError, matches, problem_cases
from bot.execution.entry_point import EntryPoint, Parameter
from bot.interview.domain import Example
from bot.interview.domain import TestCase as StoredTest
from bot.interview.problem_bank import ProblemBank

EXACT = EntryPoint("function", "f", (Parameter("x", "int"),), returns="int")
FLOAT = dataclasses.replace(EXACT, compare="float", tolerance=1e-6)
UNORDERED = dataclasses.replace(EXACT, compare="unordered")


def test_every_problem_has_visible_and_hidden_tests() -> None:
    for problem in ProblemBank.default().problems:
        cases = problem_cases(problem)
        visible = [case for case in cases if case.visible]
        assert len(visible) == len(problem.examples), problem.id
        assert any(not case.visible for case in cases), problem.id
        # Visible first; no test appears twice.
        assert [case.visible for case in cases] == sorted(
            (case.visible for case in cases), reverse=True
        )
        assert len({repr(case.args) for case in cases}) == len(cases)


def test_examples_are_read_by_parameter_name_and_tests_positionally() -> None:
    problem = ProblemBank.default().get("autocorrect-edit-cost")
    assert problem is not None
    cases = problem_cases(problem)
    assert cases[0].args == ("flaw", "lawn", 1, 1, 1)
    assert cases[0].expected == 2 and cases[0].visible
    assert cases[0].shown_input.startswith('typed = "flaw"')
    # The tests repeating the examples are not counted twice.
    assert len(cases) == len(problem.test_cases)


def test_a_design_problem_example_becomes_operations_and_arguments() -> None:
    problem = ProblemBank.default().get("parking-garage-gate")
    assert problem is not None
    cases = problem_cases(problem)
    operations, arguments = cases[0].args
    assert operations[0] == "GarageGate" and arguments[0] == [2]
    # Its examples are not among its stored tests, so they add to them.
    assert len(cases) == len(problem.test_cases) + len(problem.examples)


def test_an_example_that_does_not_name_the_parameters_is_an_error() -> None:
    problem = ProblemBank.default().get("corridor-toll-steps")
    assert problem is not None
    broken = dataclasses.replace(
        problem, examples=(Example(input="costs = [1, 2]", output="1"), *problem.examples[1:])
    )
    with pytest.raises(CaseError, match="does not name 'tolls'"):
        problem_cases(broken)
    extra = dataclasses.replace(problem, test_cases=(StoredTest(input="[1], 2", expected="1"),))
    with pytest.raises(CaseError, match="2 arguments"):
        problem_cases(extra)


@pytest.mark.parametrize(
    ("expected", "actual", "entry", "verdict"),
    [
        (3, 3, EXACT, True),
        (3, 3.0, EXACT, True),
        (3, 4, EXACT, False),
        (True, 1, EXACT, False),
        (1, True, EXACT, False),
        (False, False, EXACT, True),
        ("li", "li", EXACT, True),
        ("", None, EXACT, False),
        ([1, [2, 3]], [1, [2, 3]], EXACT, True),
        ([1, 2], [2, 1], EXACT, False),
        ([1, 2], [2, 1], UNORDERED, True),
        ([1, 1, 2], [1, 2, 2], UNORDERED, False),
        ([[1, 2], [3]], [[3], [1, 2]], UNORDERED, True),
        (2.5, 2.5000000001, FLOAT, True),
        (2.5, 2.51, FLOAT, False),
        (2.5, 2.5000000001, EXACT, False),
        ([None, 100.0, True], [None, 100, True], FLOAT, True),
        ([None, 100.0, True], [None, 100, 1], FLOAT, False),
        ({"a": 1}, {"a": 1}, EXACT, True),
        ({"a": 1}, {"a": 1, "b": 2}, EXACT, False),
    ],
)
def test_results_compare_by_the_entry_mode(
    expected: object, actual: object, entry: EntryPoint, verdict: bool
) -> None:
    assert matches(expected, actual, entry) is verdict
