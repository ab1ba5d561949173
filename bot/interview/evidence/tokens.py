"""Candidate code as tokens: one linear pass that drops nothing a reader needs.

Python that parses is read through ``ast`` (``python_code``); everything else (other
languages, Python that does not parse) is read from these tokens (``brace_code``).
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    kind: str  # "id", "num", "str", "op", "comment"
    text: str


# One token per match, each consuming all it looks at: a block comment, triple-quoted string
# or template literal runs to its closer or to the end of the input, so nothing is rescanned.
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>//[^\n]*|#[^\n]*|/\*[\s\S]*?(?:\*/|\Z))"
    r"|(?P<str>\"\"\"[\s\S]*?(?:\"\"\"|\Z)|'''[\s\S]*?(?:'''|\Z)|`[^`]*`?"
    r"|\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?)"
    r"|(?P<num>\d[\w.]*)"
    r"|(?P<id>[A-Za-z_$][\w$]*)"
    r"|(?P<op>=>|->|::|==|!=|<=|>=|&&|\|\||\.\.\.|\+=|-=|.)",
    re.DOTALL,
)
# Code is read up to this many characters, the same part the grading model is shown.
MAX_CODE_READ_CHARS = 30_000


def cut_code(source: str) -> str:
    """``source`` up to ``MAX_CODE_READ_CHARS``, cut at the last line end before the limit."""
    if len(source) <= MAX_CODE_READ_CHARS:
        return source
    cut = source.rfind("\n", 0, MAX_CODE_READ_CHARS)
    return source[: cut if cut > 0 else MAX_CODE_READ_CHARS]


def tokenize(source: str) -> list[Token]:
    """Identifiers, numbers, strings, comments and operators of C-like or Python code.

    One left-to-right pass over at most ``MAX_CODE_READ_CHARS`` characters; every match
    consumes what it looks at, so the cost is linear in the length of ``source``.
    """
    return [
        Token(match.lastgroup or "op", match.group())
        for match in _TOKEN.finditer(cut_code(source))
        if match.lastgroup != "space"
    ]
