"""Every file the READMEs name exists: a renamed or deleted module fails here, not in a
newcomer's head."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
READMES = ("README.md", "bench/README.md", "sandbox/README.md")
# Where the code lives; a bare `name.py` must be one of these packages' modules.
PACKAGES = ("bot", "handlers", "storage", "sandbox", "bench", "tests")

FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")
# `dir/sub/file.ext` or `dir/sub/`: a path, unlike `views.publish/open`, `<UTC time>` or
# `./name` (a file made at run time in the working directory).
PATH = re.compile(r"^[\w-][\w.-]*(?:/[\w.-]+)*(?:\.(?:py|md|json|ya?ml|js|css|png|txt|toml)|/)$")
MODULE = re.compile(r"(?<![\w/.-])([\w/]+\.py)\b")


def mentioned_paths(text: str) -> tuple[set[str], set[str]]:
    """(paths in inline code and link targets, `.py` names in code blocks such as layout
    trees, where a name sits under a parent drawn lines above)."""
    prose = FENCE.sub("", text)
    found = {
        token
        for token in CODE.findall(prose)
        if PATH.match(token) and ("/" in token or token.endswith(".py"))
    }
    found |= {
        target.split("#")[0]
        for target in LINK.findall(prose)
        if not re.match(r"^[a-z]+:", target) and not target.startswith("#")
    }
    return found, set(MODULE.findall("\n".join(FENCE.findall(text))))


def exists(path: str, readme: Path) -> bool:
    """At the root or beside the README; a bare module name anywhere in the code."""
    if (ROOT / path).exists() or (readme.parent / path).exists():
        return True
    return "/" not in path and path.endswith(".py") and drawn_somewhere(path)


def drawn_somewhere(path: str) -> bool:
    """Some file of the code ends with `path` (`blocks/ids.py`: handlers/blocks/ids.py)."""
    return any(
        str(found).endswith("/" + path)
        for package in PACKAGES
        for found in (ROOT / package).rglob(Path(path).name)
    )


@pytest.mark.parametrize("name", READMES)
def test_every_path_a_readme_names_exists(name: str) -> None:
    readme = ROOT / name
    named, drawn = mentioned_paths(readme.read_text())
    missing = sorted(p for p in named if not exists(p, readme))
    missing += sorted(p for p in drawn if not exists(p, readme) and not drawn_somewhere(p))
    assert not missing, f"{name} names what is not there: {missing}"


def test_the_check_sees_paths_in_code_links_and_layout_blocks() -> None:
    text = (
        "See `storage/gone.py`, [`x`](bot/nowhere.py) and `views.publish/open`.\n"
        "```\nbot/\n  tasks.py   scheduling\n```\n"
    )
    assert mentioned_paths(text) == ({"storage/gone.py", "bot/nowhere.py"}, {"tasks.py"})
    readme = ROOT / "README.md"
    assert not exists("storage/gone.py", readme)
    assert not exists("tasks.py", readme)
    assert exists("bench/load.py", readme)
    assert exists("slack_double.py", readme)
    assert drawn_somewhere("blocks/ids.py")
    assert not drawn_somewhere("blocks/gone.py")
