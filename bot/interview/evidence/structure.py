"""What a code reader finds: the definitions, loops and checks of one submission.

Both readers (``python_code`` through ``ast``, ``brace_code`` through tokens) return a
``CodeStructure``; ``code.read_code`` turns it into the submission's evidence.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefinedFunction:
    """A function, method or class the code defines, and whether its body does any work."""

    name: str
    kind: str  # "function" or "class"
    stub: bool
    # For a class: its methods; empty for functions.
    methods: tuple[DefinedFunction, ...] = ()


@dataclass(frozen=True)
class CodeStructure:
    """The facts one reader reads from a submission, before the problem is looked at."""

    definitions: tuple[DefinedFunction, ...]
    loop_depth: int
    has_loop: bool
    recursive: bool
    checks_edge_cases: bool
    returns_value: bool
    has_tests: bool
    has_docstring: bool
    # Without definitions: whether the top-level statements do no work either.
    top_level_stub: bool


def name_key(name: str) -> str:
    """The form names are compared in across languages."""
    # has_conflict, hasConflict and HasConflict name the same thing across languages.
    return name.replace("_", "").lower()
