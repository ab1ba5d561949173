"""The problem bank: interview problems kept as YAML data files, and how one is chosen.

Each file in ``bot/interview/problems/`` describes one problem; ``problem.schema.json`` next to
this module is the contract for those files. The loader checks the same rules itself so the
application does not need a JSON Schema library at runtime.

Test case format: ``input`` holds the function's arguments as comma-separated JSON literals
(parse with ``json.loads("[" + input + "]")``) and ``expected`` holds the result as one JSON
literal. For design problems the arguments are a list of operation names (the first one is the
constructor) and a list of argument lists; the result is the list of return values, with
``null`` for the constructor and for methods that return nothing.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, ClassVar

import yaml

from bot.execution.entry_point import EntryPoint, Method, Parameter
from bot.execution.types import TypeSyntaxError, parse_type
from bot.interview.domain import Difficulty, Example, Problem, TestCase

TOPICS: tuple[str, ...] = (
    "arrays",
    "design",
    "dynamic-programming",
    "graphs",
    "hashing",
    "intervals",
    "strings",
    "trees",
    "two-pointers",
)

# Spellings people type in `/start-interview medium dp`; keys are already lowercased and use
# single spaces, see normalize_topic.
TOPIC_ALIASES: Mapping[str, str] = {
    "array": "arrays",
    "string": "strings",
    "hash": "hashing",
    "hashmap": "hashing",
    "hash map": "hashing",
    "hashmaps": "hashing",
    "hash maps": "hashing",
    "hash table": "hashing",
    "hash tables": "hashing",
    "hashtable": "hashing",
    "two pointer": "two-pointers",
    "two pointers": "two-pointers",
    "2 pointers": "two-pointers",
    "tree": "trees",
    "binary tree": "trees",
    "binary trees": "trees",
    "graph": "graphs",
    "dp": "dynamic-programming",
    "dynamic programming": "dynamic-programming",
    "interval": "intervals",
    "system design": "design",
    "object oriented design": "design",
}

_REQUIRED_KEYS = frozenset(
    {
        "id",
        "title",
        "difficulty",
        "topics",
        "statement",
        "examples",
        "constraints",
        "hints",
        "grading_notes",
        "optimal_complexity",
        "test_cases",
    }
)
# Optional fields: a file without them still loads.
_OPTIONAL_KEYS = frozenset({"probes", "entry_point"})
_ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_TITLE_LENGTH = 60


class ProblemBankError(Exception):
    """A problem file is malformed, or the bank cannot satisfy a request."""


def normalize_topic(text: str) -> str | None:
    """Return the canonical topic tag for ``text`` (a tag or a common alias), else None."""
    words = re.sub(r"[\s_-]+", " ", text.strip().lower()).strip()
    if not words:
        return None
    hyphenated = words.replace(" ", "-")
    if hyphenated in TOPICS:
        return hyphenated
    return TOPIC_ALIASES.get(words)


def load_problems(directory: Path | None = None) -> tuple[Problem, ...]:
    """Load and validate every ``*.yaml`` problem file, sorted by id.

    ``directory`` defaults to the problems packaged with the bot. Raises ProblemBankError,
    naming the offending file, when a file is malformed or its id differs from its name.
    """
    source: Traversable = (
        directory if directory is not None else files("bot.interview").joinpath("problems")
    )
    entries = sorted(
        (entry for entry in source.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    # Each id must equal its file name, so ids within one directory are unique.
    return tuple(
        sorted((_load_problem_file(entry) for entry in entries), key=lambda problem: problem.id)
    )


class ProblemBank:
    """An immutable set of problems with lookup and the choice of an interview's problem."""

    _default: ClassVar[ProblemBank | None] = None

    def __init__(self, problems: Sequence[Problem]) -> None:
        self._problems = tuple(sorted(problems, key=lambda problem: problem.id))
        self._by_id = {problem.id: problem for problem in self._problems}
        if len(self._by_id) != len(self._problems):
            raise ProblemBankError("problem ids must be unique")

    @classmethod
    def default(cls) -> ProblemBank:
        """The bank of problems packaged with the bot; built once per process."""
        bank = cls._default
        if bank is None:
            bank = cls._default = cls(load_problems())
        return bank

    @property
    def problems(self) -> tuple[Problem, ...]:
        """All problems, sorted by id."""
        return self._problems

    def __len__(self) -> int:
        return len(self._problems)

    def get(self, problem_id: str) -> Problem | None:
        """The problem with this id, or None."""
        return self._by_id.get(problem_id)

    def topics(self) -> tuple[str, ...]:
        """Every topic tag used by at least one problem, sorted."""
        return tuple(sorted({topic for problem in self._problems for topic in problem.topics}))

    def choose(
        self,
        *,
        difficulty: Difficulty,
        topic: str | None,
        done_ids: Collection[str],
        seed: int,
    ) -> Problem:
        """Pick the problem for a new interview.

        Candidates are the problems at ``difficulty`` tagged with ``topic`` (a tag or an alias);
        when the topic is unknown or has no problem at that difficulty, all problems at that
        difficulty. Among the candidates, those not in ``done_ids`` are preferred; when the
        user has done them all, they repeat. The pick is deterministic: candidates sorted by
        id, index ``seed % len(candidates)``.
        """
        at_difficulty = [p for p in self._problems if p.difficulty == difficulty]
        if not at_difficulty:
            raise ProblemBankError(f"no problems at difficulty {difficulty!s}")
        candidates = at_difficulty
        tag = normalize_topic(topic) if topic else None
        if tag is not None:
            # An explicitly requested topic outranks novelty: repeat a problem on that topic
            # rather than switch the candidate to another topic.
            candidates = [p for p in at_difficulty if tag in p.topics] or at_difficulty
        not_done = [p for p in candidates if p.id not in done_ids]
        pool = not_done or candidates
        return pool[seed % len(pool)]


def _load_problem_file(entry: Traversable) -> Problem:
    name = entry.name
    try:
        data = yaml.safe_load(entry.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ProblemBankError(f"{name}: cannot read problem file: {exc}") from exc
    try:
        problem = _parse_problem(data)
    except _InvalidField as exc:
        raise ProblemBankError(f"{name}: {exc}") from None
    stem = name.removesuffix(".yaml")
    if problem.id != stem:
        raise ProblemBankError(f"{name}: id {problem.id!r} must equal the file name {stem!r}")
    return problem


class _InvalidField(Exception):
    """One field of a problem file breaks the schema; the message names the field."""


def _parse_problem(data: object) -> Problem:
    if not isinstance(data, dict):
        raise _InvalidField("the file must hold a mapping of problem fields")
    missing = sorted(_REQUIRED_KEYS - data.keys())
    if missing:
        raise _InvalidField(f"missing field(s): {', '.join(map(str, missing))}")
    unknown = sorted(str(key) for key in data.keys() - _REQUIRED_KEYS - _OPTIONAL_KEYS)
    if unknown:
        raise _InvalidField(f"unknown field(s): {', '.join(unknown)}")

    problem_id = _text(data, "id")
    if not _ID_PATTERN.match(problem_id):
        raise _InvalidField(f"id {problem_id!r} must be a lowercase kebab-case slug")
    title = _text(data, "title")
    if len(title) > _MAX_TITLE_LENGTH:
        raise _InvalidField(f"title is longer than {_MAX_TITLE_LENGTH} characters")
    difficulty_text = _text(data, "difficulty")
    try:
        difficulty = Difficulty(difficulty_text)
    except ValueError:
        raise _InvalidField(f"difficulty {difficulty_text!r} is not easy, medium or hard") from None

    topics = _texts(data, "topics", min_items=1, max_items=3)
    for topic in topics:
        if topic not in TOPICS:
            raise _InvalidField(f"topic {topic!r} is not one of {', '.join(TOPICS)}")
    if len(set(topics)) != len(topics):
        raise _InvalidField("topics must not repeat")

    examples = tuple(
        Example(
            input=_text(item, "input", where=f"examples[{index}]"),
            output=_text(item, "output", where=f"examples[{index}]"),
            explanation=(
                _text(item, "explanation", where=f"examples[{index}]")
                if "explanation" in item
                else None
            ),
        )
        for index, item in enumerate(
            _mappings(data, "examples", min_items=2, keys={"input", "output", "explanation"})
        )
    )
    test_cases = tuple(
        TestCase(
            input=_text(item, "input", where=f"test_cases[{index}]"),
            expected=_text(item, "expected", where=f"test_cases[{index}]"),
        )
        for index, item in enumerate(
            _mappings(data, "test_cases", min_items=4, keys={"input", "expected"})
        )
    )
    return Problem(
        id=problem_id,
        title=title,
        difficulty=difficulty,
        topics=topics,
        statement=_text(data, "statement"),
        examples=examples,
        constraints=_texts(data, "constraints", min_items=1),
        hints=_texts(data, "hints", min_items=2, max_items=4),
        grading_notes=_texts(data, "grading_notes", min_items=3, max_items=6),
        test_cases=test_cases,
        optimal_complexity=_text(data, "optimal_complexity"),
        probes=_texts(data, "probes", min_items=1, max_items=6) if "probes" in data else (),
        entry_point=_entry_point(data["entry_point"]) if "entry_point" in data else None,
    )


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_COMPARE_MODES = frozenset({"exact", "unordered", "float"})


def _entry_point(value: object) -> EntryPoint:
    where = "entry_point"
    if not isinstance(value, dict):
        raise _InvalidField(f"{where} must be a mapping")
    unknown = sorted(
        str(key)
        for key in value.keys()
        - {"kind", "name", "params", "returns", "methods", "compare", "tolerance"}
    )
    if unknown:
        raise _InvalidField(f"{where} has unknown field(s): {', '.join(unknown)}")
    kind = _text(value, "kind", where=where)
    if kind not in {"function", "class"}:
        raise _InvalidField(f"{where}.kind must be function or class")
    name = _identifier(value, "name", where)
    params = _parameters(value.get("params"), f"{where}.params")
    compare = _text(value, "compare", where=where) if "compare" in value else "exact"
    if compare not in _COMPARE_MODES:
        raise _InvalidField(f"{where}.compare must be one of {', '.join(sorted(_COMPARE_MODES))}")
    tolerance = value.get("tolerance", 1e-6)
    if not isinstance(tolerance, int | float) or isinstance(tolerance, bool) or tolerance < 0:
        raise _InvalidField(f"{where}.tolerance must be a non-negative number")
    if kind == "function":
        if "methods" in value:
            raise _InvalidField(f"{where}.methods is only for kind: class")
        returns = _type(value, "returns", where, allow_void=False)
        return EntryPoint(
            kind, name, params, returns=returns, compare=compare, tolerance=float(tolerance)
        )
    if "returns" in value:
        raise _InvalidField(f"{where}.returns is only for kind: function (methods have their own)")
    raw_methods = value.get("methods")
    if not isinstance(raw_methods, list) or not raw_methods:
        raise _InvalidField(f"{where}.methods must be a non-empty list")
    methods = []
    for index, item in enumerate(raw_methods):
        at = f"{where}.methods[{index}]"
        if not isinstance(item, dict) or set(item) - {"name", "params", "returns"}:
            raise _InvalidField(f"{at} must be a mapping of name, params and returns")
        methods.append(
            Method(
                name=_identifier(item, "name", at),
                params=_parameters(item.get("params"), f"{at}.params"),
                returns=_type(item, "returns", at, allow_void=True),
            )
        )
    if len({method.name for method in methods}) != len(methods):
        raise _InvalidField(f"{where}.methods must not repeat a name")
    return EntryPoint(
        kind, name, params, methods=tuple(methods), compare=compare, tolerance=float(tolerance)
    )


def _identifier(data: Mapping[Any, Any], key: str, where: str) -> str:
    text = _text(data, key, where=where)
    if not _IDENTIFIER.match(text):
        raise _InvalidField(f"{where}.{key} {text!r} must be an identifier")
    return text


def _type(data: Mapping[Any, Any], key: str, where: str, *, allow_void: bool) -> str:
    text = _text(data, key, where=where)
    try:
        spec = parse_type(text)
    except TypeSyntaxError as exc:
        raise _InvalidField(f"{where}.{key}: {exc}") from None
    if spec.name == "void" and not allow_void:
        raise _InvalidField(f"{where}.{key} cannot be void")
    return str(spec)


def _parameters(value: object, where: str) -> tuple[Parameter, ...]:
    # Each parameter is a one-key mapping `name: type`, so the list keeps their order.
    if not isinstance(value, list):
        raise _InvalidField(f"{where} must be a list of `name: type` entries")
    params = []
    for index, item in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(item, dict) or len(item) != 1:
            raise _InvalidField(f"{at} must be one `name: type` entry")
        ((name, type_text),) = item.items()
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise _InvalidField(f"{at} name {name!r} must be an identifier")
        params.append(Parameter(name, _type({"type": type_text}, "type", at, allow_void=False)))
    if len({param.name for param in params}) != len(params):
        raise _InvalidField(f"{where} must not repeat a name")
    return tuple(params)


def _text(data: Mapping[Any, Any], key: str, *, where: str = "") -> str:
    field = f"{where}.{key}" if where else key
    if key not in data:
        raise _InvalidField(f"{field} is required")
    return _string(data[key], field)


def _string(value: object, field: str) -> str:
    # YAML turns unquoted `true` or `3` into bool/int; the schema wants the literal as text.
    if not isinstance(value, str):
        raise _InvalidField(f"{field} must be a string (quote it), got {type(value).__name__}")
    if not value.strip():
        raise _InvalidField(f"{field} must not be empty")
    return value.strip()


def _items(
    data: Mapping[Any, Any], key: str, *, min_items: int, max_items: int | None
) -> list[Any]:
    value = data[key]
    if not isinstance(value, list):
        raise _InvalidField(f"{key} must be a list")
    if len(value) < min_items:
        raise _InvalidField(f"{key} needs at least {min_items} item(s), has {len(value)}")
    if max_items is not None and len(value) > max_items:
        raise _InvalidField(f"{key} allows at most {max_items} item(s), has {len(value)}")
    return value


def _texts(
    data: Mapping[Any, Any], key: str, *, min_items: int, max_items: int | None = None
) -> tuple[str, ...]:
    items = _items(data, key, min_items=min_items, max_items=max_items)
    return tuple(_string(item, f"{key}[{index}]") for index, item in enumerate(items))


def _mappings(
    data: Mapping[Any, Any], key: str, *, min_items: int, keys: set[str]
) -> list[Mapping[Any, Any]]:
    items = _items(data, key, min_items=min_items, max_items=None)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _InvalidField(f"{key}[{index}] must be a mapping")
        unknown = sorted(str(name) for name in item.keys() - keys)
        if unknown:
            raise _InvalidField(f"{key}[{index}] has unknown field(s): {', '.join(unknown)}")
    return items
