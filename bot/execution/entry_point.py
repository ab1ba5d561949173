"""How a problem's tests call candidate code: the runner's contract with a problem.

Problems declare it (bot/interview/problem_bank.py reads it from their YAML); the runner,
the harnesses and the starter signatures read it. It lives here, beside the runner, so the
runner needs nothing from the interview and the interview imports the runner one way only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    name: str
    # In the language-neutral notation of bot/execution/types.py, e.g. "list<int>".
    type: str


@dataclass(frozen=True)
class Method:
    name: str
    params: tuple[Parameter, ...]
    returns: str


@dataclass(frozen=True)
class EntryPoint:
    """What candidate code must define so the problem's tests can call it.

    A "function" is called once per test with the test's arguments. A "class" is built with
    ``params`` and driven by the test's sequence of method calls (design problems).
    """

    kind: str
    name: str
    params: tuple[Parameter, ...]
    returns: str = "void"
    methods: tuple[Method, ...] = ()
    # "exact", "unordered" (a returned list in any order) or "float" (numbers within tolerance).
    compare: str = "exact"
    tolerance: float = 1e-6
