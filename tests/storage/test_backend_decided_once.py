"""Which database it is gets decided once: the store factory picks the backend and the
Database's constructor tunes its engine. Nowhere else in storage/ may a function ask."""

from __future__ import annotations

import ast
from pathlib import Path

STORAGE = Path(__file__).resolve().parents[2] / "storage"
DIALECT_NAMES = {"sqlite", "postgresql", "postgres"}
# (file relative to storage/, qualified function) where the question is asked.
ALLOWED = {("store.py", "interview_store"), ("db.py", "Database.__init__")}


def _asks_which_database(node: ast.AST) -> bool:
    match node:
        case ast.Attribute(attr="is_sqlite"):
            return True
        case ast.Attribute(value=ast.Attribute(attr="dialect"), attr="name"):
            return True
        case ast.Call(func=ast.Name(id="_dialect") | ast.Attribute(attr="_dialect")):
            return True
        case ast.Compare(left=left, comparators=comparators):
            return any(
                isinstance(side, ast.Constant) and side.value in DIALECT_NAMES
                for side in (left, *comparators)
            )
        case ast.Call(func=ast.Attribute(attr="startswith"), args=[ast.Constant(value=str(v))]):
            return any(v.startswith(name) for name in DIALECT_NAMES)
    return False


def dialect_questions(source: str, filename: str) -> list[str]:
    """Where `source` asks which database it runs on, outside the allowed functions."""
    found: list[str] = []

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                inner = [*scope, child.name]
            if _asks_which_database(child) and (filename, ".".join(scope)) not in ALLOWED:
                line = getattr(child, "lineno", 0)
                found.append(f"{filename}:{line} in {'.'.join(scope) or 'module'}")
            visit(child, inner)

    visit(ast.parse(source), [])
    return found


def test_no_function_in_storage_asks_which_database_it_is() -> None:
    files = [p for p in STORAGE.rglob("*.py") if "migrations" not in p.parts]
    assert len(files) > 10
    found = [
        hit
        for path in files
        for hit in dialect_questions(path.read_text(), str(path.relative_to(STORAGE)))
    ]
    assert found == []


def test_the_scan_finds_each_way_of_asking() -> None:
    asking = """
async def mark(db, conn, url):
    if db.is_sqlite: ...
    a = _dialect(db)
    b = "postgresql" if conn.dialect.name == "postgresql" else "sqlite"
    c = url.startswith("sqlite")
"""
    assert len(dialect_questions(asking, "repository.py")) == 5
    allowed = "def interview_store(db, leases):\n    if db.is_sqlite: ...\n"
    assert dialect_questions(allowed, "store.py") == []
    assert dialect_questions(allowed, "sessions.py") == ["sessions.py:2 in interview_store"]
