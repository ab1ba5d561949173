"""A problem's tests as the runner sees them, and how a returned value is judged.

The problem's examples are the visible tests (the candidate has seen them in the statement);
stored test cases that are not examples are hidden: counted, never shown.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bot.execution.entry_point import EntryPoint


class ShownExample(Protocol):
    """An example of the statement: its input names the parameters (``nums = [2, 7]``)."""

    @property
    def input(self) -> str: ...

    @property
    def output(self) -> str: ...


class StoredTest(Protocol):
    """A test case: its input is the arguments in order (``[2, 7], 9``)."""

    @property
    def input(self) -> str: ...

    @property
    def expected(self) -> str: ...


class RunnableProblem(Protocol):
    """What the runner reads of a problem; the interview's Problem is one, so the runner
    never imports the interview."""

    @property
    def id(self) -> str: ...

    @property
    def examples(self) -> Sequence[ShownExample]: ...

    @property
    def test_cases(self) -> Sequence[StoredTest]: ...

    @property
    def entry_point(self) -> EntryPoint | None: ...


class CaseError(ValueError):
    """A problem's example or test case cannot be turned into a call."""


@dataclass(frozen=True)
class Case:
    index: int
    # A function's positional arguments; for a class, (operations, argument lists).
    args: tuple[Any, ...]
    expected: Any
    visible: bool
    # How the input reads in the problem statement (named for examples).
    shown_input: str


def problem_cases(problem: RunnableProblem) -> tuple[Case, ...]:
    """Visible examples first, then the hidden test cases that are not examples."""
    entry = problem.entry_point
    if entry is None:
        raise CaseError(f"{problem.id} declares no entry point")
    names = (
        ["operations", "arguments"]
        if entry.kind == "class"
        else [param.name for param in entry.params]
    )
    cases: list[Case] = []
    seen: set[str] = set()
    for example in problem.examples:
        args = _named_arguments(example.input, names, problem.id)
        expected = _literal(example.output, f"{problem.id}: example output")
        seen.add(_key(args))
        cases.append(Case(len(cases), args, expected, True, example.input))
    for test in problem.test_cases:
        args = _positional_arguments(test.input, problem.id)
        if len(args) != len(names):
            raise CaseError(f"{problem.id}: test {test.input!r} has {len(args)} arguments")
        if _key(args) in seen:
            continue
        seen.add(_key(args))
        expected = _literal(test.expected, f"{problem.id}: test expected value")
        cases.append(Case(len(cases), args, expected, False, test.input))
    return tuple(cases)


def matches(expected: Any, actual: Any, entry: EntryPoint) -> bool:
    """Whether ``actual`` is a correct answer for ``expected`` under the entry's compare mode."""
    if entry.compare == "unordered" and isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return False
        remaining = list(actual)
        for item in expected:
            found = next((i for i, a in enumerate(remaining) if _equal(item, a, entry)), None)
            if found is None:
                return False
            remaining.pop(found)
        return True
    return _equal(expected, actual, entry)


def _equal(expected: Any, actual: Any, entry: EntryPoint) -> bool:
    # bool is an int in Python and JSON keeps them apart: true is never 1.
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        if entry.compare == "float":
            if math.isnan(expected) or math.isnan(actual):
                return math.isnan(expected) and math.isnan(actual)
            return math.isclose(expected, actual, rel_tol=entry.tolerance, abs_tol=entry.tolerance)
        return expected == actual
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            _equal(e, a, entry) for e, a in zip(expected, actual, strict=True)
        )
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            _equal(expected[k], actual[k], entry) for k in expected
        )
    return type(expected) is type(actual) and bool(expected == actual)


def _key(args: tuple[Any, ...]) -> str:
    return json.dumps(args, sort_keys=True)


def _literal(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseError(f"{where} {text!r} is not JSON: {exc}") from None


def _positional_arguments(text: str, problem_id: str) -> tuple[Any, ...]:
    value = _literal(f"[{text}]", f"{problem_id}: test input")
    return tuple(value)


_DECODER = json.JSONDecoder()


def _named_arguments(text: str, names: list[str], problem_id: str) -> tuple[Any, ...]:
    """Parse ``a = 1, b = [2]`` in the order of ``names``."""
    values = []
    position = 0
    for index, name in enumerate(names):
        match = re.compile(rf"\s*{re.escape(name)}\s*=\s*").match(text, position)
        if match is None:
            raise CaseError(f"{problem_id}: example input {text!r} does not name {name!r}")
        try:
            value, position = _DECODER.raw_decode(text, match.end())
        except json.JSONDecodeError as exc:
            raise CaseError(f"{problem_id}: example value of {name!r}: {exc}") from None
        values.append(value)
        separator = re.compile(r"\s*,\s*" if index < len(names) - 1 else r"\s*$")
        after = separator.match(text, position)
        if after is None:
            raise CaseError(f"{problem_id}: example input {text!r} has more than {names}")
        position = after.end()
    return tuple(values)
