"""Every problem declares how its tests call candidate code; malformed declarations are
rejected with the field named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.execution.types import TypeSpec, TypeSyntaxError, parse_type
from bot.interview.problem_bank import ProblemBankError, load_problems

PROBLEMS_DIR = Path(__file__).parents[2] / "bot" / "interview" / "problems"
FUNCTION_FILE = PROBLEMS_DIR / "corridor-toll-steps.yaml"
CLASS_FILE = PROBLEMS_DIR / "parking-garage-gate.yaml"


def test_every_problem_declares_its_entry_point() -> None:
    for problem in load_problems():
        entry = problem.entry_point
        assert entry is not None, problem.id
        assert entry.name in problem.statement, problem.id
        if "design" in problem.topics:
            assert entry.kind == "class" and entry.methods, problem.id
        else:
            assert entry.kind == "function" and entry.returns != "void", problem.id


def test_a_class_entry_point_lists_its_methods() -> None:
    [problem] = [p for p in load_problems() if p.id == "latency-median-tracker"]
    entry = problem.entry_point
    assert entry is not None
    assert [(m.name, m.returns) for m in entry.methods] == [
        ("record", "void"),
        ("discard", "bool"),
        ("median", "float"),
    ]
    assert entry.compare == "float"


def _with_entry_point(tmp_path: Path, source: Path, block: str) -> Path:
    text = source.read_text()
    head = text[: text.index("entry_point:")]
    (tmp_path / source.name).write_text(head + block)
    return tmp_path


@pytest.mark.parametrize(
    ("source", "block", "message"),
    [
        (FUNCTION_FILE, "entry_point: min_toll\n", "entry_point must be a mapping"),
        (
            FUNCTION_FILE,
            "entry_point:\n  kind: method\n  name: min_toll\n  params: []\n  returns: int\n",
            "kind must be function or class",
        ),
        (
            FUNCTION_FILE,
            "entry_point:\n  kind: function\n  name: min toll\n  params: []\n  returns: int\n",
            "must be an identifier",
        ),
        (
            FUNCTION_FILE,
            "entry_point:\n  kind: function\n  name: min_toll\n"
            "  params: [{tolls: array<int>}]\n  returns: int\n",
            "unexpected 'array<int>'",
        ),
        (
            FUNCTION_FILE,
            "entry_point:\n  kind: function\n  name: min_toll\n  params: [{tolls: list<int>}]\n"
            "  returns: void\n",
            "returns cannot be void",
        ),
        (
            FUNCTION_FILE,
            "entry_point:\n  kind: function\n  name: min_toll\n  params: [{tolls: list<int>}]\n"
            "  returns: int\n  compare: fuzzy\n",
            "compare must be one of",
        ),
        (
            FUNCTION_FILE,
            "entry_point:\n  kind: function\n  name: min_toll\n"
            "  params: [{a: int}, {a: int}]\n  returns: int\n",
            "must not repeat a name",
        ),
        (
            CLASS_FILE,
            "entry_point:\n  kind: class\n  name: GarageGate\n  params: []\n",
            "methods must be a non-empty list",
        ),
        (
            CLASS_FILE,
            "entry_point:\n  kind: class\n  name: GarageGate\n  params: []\n  returns: int\n"
            "  methods:\n    - {name: enter, params: [], returns: bool}\n",
            "returns is only for kind: function",
        ),
    ],
)
def test_a_malformed_entry_point_is_rejected(
    tmp_path: Path, source: Path, block: str, message: str
) -> None:
    directory = _with_entry_point(tmp_path, source, block)
    with pytest.raises(ProblemBankError, match=message):
        load_problems(directory)


def test_a_problem_without_an_entry_point_still_loads(tmp_path: Path) -> None:
    text = FUNCTION_FILE.read_text()
    (tmp_path / FUNCTION_FILE.name).write_text(text[: text.index("entry_point:")])
    [problem] = load_problems(tmp_path)
    assert problem.entry_point is None


@pytest.mark.parametrize(
    ("text", "spec"),
    [
        ("int", TypeSpec("int")),
        ("list<list<int>>", TypeSpec("list", (TypeSpec("list", (TypeSpec("int"),)),))),
        ("list<int?>", TypeSpec("list", (TypeSpec("int", nullable=True),))),
        ("map<string, float>", TypeSpec("map", (TypeSpec("string"), TypeSpec("float")))),
    ],
)
def test_types_parse(text: str, spec: TypeSpec) -> None:
    assert parse_type(text) == spec
    assert parse_type(str(spec)) == spec


@pytest.mark.parametrize(
    "text", ["", "list", "list<>", "list<int", "map<int,int>", "list<void>", "void?", "int int"]
)
def test_malformed_types_are_rejected(text: str) -> None:
    with pytest.raises(TypeSyntaxError):
        parse_type(text)
