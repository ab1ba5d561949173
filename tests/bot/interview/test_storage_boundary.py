"""The domain reaches storage only through its port: storage imports bot.interview, never
the other way (the runtime wires the store in)."""

from __future__ import annotations

import ast
from pathlib import Path

INTERVIEW = Path(__file__).resolve().parents[3] / "bot" / "interview"


def storage_imports(source: str) -> set[str]:
    """The storage modules `source` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        found |= {m for m in modules if m == "storage" or m.startswith("storage.")}
    return found


def test_the_interview_package_imports_nothing_from_storage() -> None:
    files = list(INTERVIEW.rglob("*.py"))
    assert len(files) > 10
    found = {
        f"{path.relative_to(INTERVIEW)}: {module}"
        for path in files
        for module in storage_imports(path.read_text())
    }
    assert found == set()


def test_each_way_of_importing_storage_is_caught() -> None:
    source = "import storage.db\nfrom storage import store\nfrom storage.models import X\n"
    assert storage_imports(source) == {"storage.db", "storage", "storage.models"}
    assert storage_imports("from bot.interview.store import InterviewStore\n") == set()
