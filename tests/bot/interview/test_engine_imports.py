"""Names are imported from the module that defines them, not through the service."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ENGINE = ROOT / "bot" / "interview" / "engine.py"
SCANNED = ("bot", "handlers", "storage", "sandbox", "bench", "tests")


def defined_in(module: Path) -> set[str]:
    """Top-level classes, functions and assignments of a module."""
    names: set[str] = set()
    for node in ast.parse(module.read_text()).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def imports_from_engine(source: str) -> set[str]:
    return {
        alias.name
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module == "bot.interview.engine"
        for alias in node.names
    }


def test_nothing_is_imported_through_the_engine() -> None:
    own = defined_in(ENGINE)
    borrowed = {
        f"{path.relative_to(ROOT)}: {name}"
        for top in SCANNED
        for path in (ROOT / top).rglob("*.py")
        for name in imports_from_engine(path.read_text())
        if name not in own
    }
    assert not borrowed, "import these from the module that defines them"


def test_the_engine_does_not_re_export() -> None:
    assert "__all__" not in defined_in(ENGINE)


def test_a_re_export_is_caught() -> None:
    assert imports_from_engine("from bot.interview.engine import ANSWERING_KINDS, X") == {
        "ANSWERING_KINDS",
        "X",
    }
