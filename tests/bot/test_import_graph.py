"""The packages import each other one way: no cycle between bot/execution, bot/interview,
handlers/, storage/, sandbox/ and the bot's top-level modules. The runner imports nothing of
the interview (the interview's Problem is a RunnableProblem to it)."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage", "sandbox")


def unit(module: str) -> str:
    """The part of the code a module belongs to: bot's subpackages and top-level modules each
    count on their own (bot.interview, bot.execution, bot.runtime), the others whole."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "bot" and len(parts) > 1 else parts[0]


def imported_modules(source: str) -> set[str]:
    """Every module of the code `source` imports, at the top or inside a function; `from a
    import b` counts as a.b when b is a module or package of its own."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            folder = ROOT.joinpath(*node.module.split("."))
            found |= {
                f"{node.module}.{alias.name}"
                for alias in node.names
                if (folder / f"{alias.name}.py").exists() or (folder / alias.name).is_dir()
            }
    return {module for module in found if module.split(".")[0] in PACKAGES}


def package_graph() -> dict[str, set[str]]:
    """Unit -> the units it imports (the bare `bot` package, which holds nothing, left out)."""
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            importer = unit(module.removesuffix(".__init__"))
            targets = {unit(m) for m in imported_modules(path.read_text())} - {importer, "bot"}
            graph.setdefault(importer, set()).update(targets)
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """One cycle per back edge a depth-first walk meets, as the path that closes it."""
    found: list[list[str]] = []
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                found.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found


def test_the_runner_imports_nothing_from_the_rest_of_the_bot() -> None:
    files = list((ROOT / "bot" / "execution").rglob("*.py"))
    assert len(files) > 5
    outside = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in files
        for module in imported_modules(path.read_text())
        if not module.startswith("bot.execution")
    }
    assert outside == set()


def test_the_packages_import_each_other_without_a_cycle() -> None:
    graph = package_graph()
    # The scan sees the imports that are meant to be there.
    assert {"bot.execution", "bot.admission"} <= graph["bot.interview"]
    assert "bot.interview" in graph["storage"] and "bot.interview" in graph["handlers"]
    assert cycles(graph) == []


def test_a_cycle_is_found_however_long() -> None:
    assert cycles({"a": {"b"}, "b": {"a"}}) == [["a", "b", "a"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []


def test_each_way_of_importing_is_seen() -> None:
    source = (
        "import bot.interview.domain\n"
        "from bot.interview import code\n"
        "from storage.models import Message\n"
        "def later():\n"
        "    from handlers.blocks import ids\n"
        "import json\nfrom slack_sdk import WebClient\nfrom . import sibling\n"
    )
    assert imported_modules(source) == {
        "bot.interview.domain",
        "bot.interview",
        "bot.interview.code",
        "storage.models",
        "handlers.blocks",
        "handlers.blocks.ids",
    }
    assert unit("bot.interview.code") == "bot.interview"
    assert unit("bot.runtime") == "bot.runtime"
    assert unit("storage.sqlite.engine") == "storage"
