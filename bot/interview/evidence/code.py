"""A code submission read as evidence, without running it.

The reader finds the functions and classes defined, whether the entry point the
statement asks for is among them, whether the code is a stub (every body that matters
is ``pass``, ``...``, a constant ``return``, a lone ``raise``/``throw`` or nothing), loop
nesting, edge-case checks, comments and tests. Python is parsed with ``ast``; other
languages (and Python that does not parse) go through one tokeniser that drops comments
and strings and matches braces. Code is read up to its first ``MAX_CODE_READ_CHARS``
characters (what the grading model is shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.interview.domain import CodeSnapshot, Problem
from bot.interview.evidence.brace_code import read_brace_code
from bot.interview.evidence.python_code import parse_python, read_python, read_unparsed_python
from bot.interview.evidence.structure import CodeStructure, DefinedFunction, name_key
from bot.interview.evidence.tokens import Token, cut_code, tokenize


@dataclass(frozen=True)
class CodeEvidence:
    """What a code submission shows, read without running it."""

    language: str
    # Lines holding code, blank ones not counted (the rubric's count; what the candidate is
    # told is code.line_count).
    nonblank_lines: int
    definitions: tuple[DefinedFunction, ...]
    defines_function: bool
    # None when the problem names no entry point; otherwise whether the code defines it.
    defines_entry_point: bool | None
    # The code uses the entry point's parameter names or the statement's identifiers: an
    # attempt at this problem even when the entry point is misnamed.
    on_problem: bool
    # The id of another problem of the bank whose entry point this code defines instead.
    other_problem: str | None
    is_stub: bool
    stub_reason: str
    has_loop: bool
    loop_depth: int
    recursive: bool
    checks_edge_cases: bool
    returns_value: bool
    has_comments: bool
    has_tests: bool
    parsed: bool  # Python that ``ast`` parsed

    @property
    def misses_the_problem(self) -> bool:
        """Code that does not define the entry point and is no attempt at it either: code for
        another problem, or prose or fragments without a single function."""
        return self.defines_entry_point is False and (
            not self.on_problem or not self.definitions or self.other_problem is not None
        )


_STATEMENT_ENTRY = re.compile(
    r"\b(?:Write|Implement)\b[^`\n]{0,40}?`([A-Za-z_]\w{0,60})", re.IGNORECASE
)
_BACKTICKED = re.compile(r"`([A-Za-z_]\w{0,60})")


def entry_point_names(problem: Problem) -> tuple[str, ...]:
    """The function or class the statement asks for, then a class's method names.

    The problem's declared ``entry_point`` wins; without one the name is read from the
    statement ("Write `has_conflict(bookings)`", "Implement a class `GarageGate`").
    """
    declared = getattr(problem, "entry_point", None)
    name = getattr(declared, "name", None)
    if isinstance(name, str) and name.strip():
        methods = tuple(method.name for method in getattr(declared, "methods", ()) if method.name)
        return (name.strip(), *methods)
    match = _STATEMENT_ENTRY.search(problem.statement)
    return (match.group(1),) if match else ()


def entry_point_name(problem: Problem) -> str | None:
    """The function or class the statement asks for, e.g. ``edit_cost``; None when unnamed."""
    names = entry_point_names(problem)
    return names[0] if names else None


def _problem_identifiers(problem: Problem) -> set[str]:
    """Names only an attempt at this problem would use: the entry point, its methods and
    parameters (or, when none is declared, the identifiers the statement quotes)."""
    names = {name_key(name) for name in entry_point_names(problem)}
    declared = getattr(problem, "entry_point", None)
    if declared is None:
        names |= {name_key(found) for found in _BACKTICKED.findall(problem.statement)}
    else:
        for param in getattr(declared, "params", ()) or ():
            names.add(name_key(param.name))
        for method in getattr(declared, "methods", ()) or ():
            names.update(name_key(param.name) for param in method.params)
    # Short names (`n`, `k`, `ms`) say nothing about which problem this is.
    return {name for name in names if len(name) > 2}


@lru_cache(maxsize=1)
def _bank_entry_points() -> dict[str, str]:
    from bot.interview.problem_bank import ProblemBank  # the bank imports models only

    try:
        problems = ProblemBank.default().problems
    except Exception:  # a broken bank must not stop grading
        return {}
    entries: dict[str, str] = {}
    for problem in problems:
        names = entry_point_names(problem)
        if names:
            entries.setdefault(name_key(names[0]), problem.id)
    return entries


_PYTHON_NAMES = frozenset({"python", "py", "python3"})
_UNKNOWN_LANGUAGES = frozenset({"", "text", "plain", "plaintext", "txt", "unknown", "code"})


def _guess_language(tokens: list[Token], source: str) -> str:
    texts = [t.text for t in tokens if t.kind == "id"]
    seen = set(texts)
    if "def" in seen and ":" in source:
        return "python"
    if "#include" in source:
        return "c++"
    if "func" in seen:
        return "go"
    if "fn" in seen:
        return "rust"
    if "public" in seen or "private" in seen:
        return "java"
    if "function" in seen or "const" in seen or "=>" in {t.text for t in tokens}:
        return "javascript"
    return "code"


def _stub_reason(definitions: tuple[DefinedFunction, ...], entry: DefinedFunction | None) -> str:
    if entry is not None:
        if entry.kind == "class":
            return f"the methods of `{entry.name}` do no work yet"
        return f"the body of `{entry.name}` does no work yet"
    if definitions:
        return "its functions do no work yet"
    return "it holds no statements that do work"


def _read_structure(language: str, source: str, tokens: list[Token]) -> tuple[CodeStructure, bool]:
    """The reader's facts, and whether ``ast`` parsed the code."""
    if language not in _PYTHON_NAMES:
        return read_brace_code(tokens), False
    tree = parse_python(source)
    if tree is None:
        return read_unparsed_python(source, tokens), False
    return read_python(tree, tokens), True


def _other_problem(definitions: tuple[DefinedFunction, ...], problem: Problem | None) -> str | None:
    """The id of another problem of the bank whose entry point the code defines."""
    bank = _bank_entry_points()
    for definition in definitions:
        owner = bank.get(name_key(definition.name))
        if owner is not None and (problem is None or owner != problem.id):
            return owner
    return None


def read_code(code: CodeSnapshot, problem: Problem | None = None) -> CodeEvidence:
    """Read a submission's structure, its stubs and the entry point it defines."""
    source = cut_code(code.content)
    tokens = tokenize(source)
    language = code.language.strip().lower()
    if language in _UNKNOWN_LANGUAGES:
        language = _guess_language(tokens, source)
    structure, parsed = _read_structure(language, source, tokens)
    definitions = structure.definitions
    wanted = entry_point_name(problem) if problem is not None else None
    entry: DefinedFunction | None = None
    defines_entry: bool | None = None
    if wanted is not None:
        entry = next((d for d in definitions if name_key(d.name) == name_key(wanted)), None)
        defines_entry = entry is not None
    identifiers = {name_key(t.text) for t in tokens if t.kind == "id"}
    if entry is not None:
        stub = entry.stub
    elif definitions:
        stub = all(d.stub for d in definitions)
    else:
        stub = structure.top_level_stub
    return CodeEvidence(
        language=language,
        nonblank_lines=sum(1 for line in source.splitlines() if line.strip()),
        definitions=definitions,
        defines_function=bool(definitions),
        defines_entry_point=defines_entry,
        on_problem=bool(problem is not None and identifiers & _problem_identifiers(problem)),
        other_problem=_other_problem(definitions, problem) if defines_entry is False else None,
        is_stub=stub,
        stub_reason=_stub_reason(definitions, entry) if stub else "",
        has_loop=structure.has_loop or structure.recursive,
        loop_depth=structure.loop_depth,
        recursive=structure.recursive,
        checks_edge_cases=structure.checks_edge_cases,
        returns_value=structure.returns_value,
        has_comments=structure.has_docstring or any(t.kind == "comment" for t in tokens),
        has_tests=structure.has_tests,
        parsed=parsed,
    )
