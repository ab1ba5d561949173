"""The small language-neutral type notation of problem entry points.

``int``, ``float``, ``string``, ``bool``, ``void`` (methods only), ``list<T>``,
``map<string,T>`` and ``T?`` (may be null), e.g. ``list<list<int>>`` or ``list<int?>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SCALARS = frozenset({"int", "float", "string", "bool", "void"})
_TOKEN = re.compile(r"\s*(list|map|int|float|string|bool|void|<|>|,|\?)")


class TypeSyntaxError(ValueError):
    """A type string does not follow the notation."""


@dataclass(frozen=True)
class TypeSpec:
    """A parsed type: ``name`` is a scalar, ``list`` or ``map``; ``args`` its element types."""

    name: str
    args: tuple[TypeSpec, ...] = ()
    nullable: bool = False

    def __str__(self) -> str:
        inner = f"<{','.join(str(arg) for arg in self.args)}>" if self.args else ""
        return f"{self.name}{inner}{'?' if self.nullable else ''}"

    def has_float(self) -> bool:
        return self.name == "float" or any(arg.has_float() for arg in self.args)


def parse_type(text: str) -> TypeSpec:
    """Parse ``text``; raises TypeSyntaxError naming what is wrong."""
    tokens: list[str] = []
    position = 0
    stripped = text.strip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None:
            raise TypeSyntaxError(f"unexpected {stripped[position:]!r} in type {text!r}")
        tokens.append(match.group(1))
        position = match.end()
    spec, rest = _parse(tokens, text)
    if rest:
        raise TypeSyntaxError(f"unexpected {''.join(rest)!r} after type in {text!r}")
    return spec


def _parse(tokens: list[str], text: str) -> tuple[TypeSpec, list[str]]:
    if not tokens:
        raise TypeSyntaxError(f"type {text!r} is incomplete")
    head, rest = tokens[0], tokens[1:]
    if head in SCALARS:
        spec = TypeSpec(head)
    elif head in {"list", "map"}:
        if not rest or rest[0] != "<":
            raise TypeSyntaxError(f"{head} needs <...> in {text!r}")
        args: list[TypeSpec] = []
        rest = rest[1:]
        while True:
            arg, rest = _parse(rest, text)
            if arg.name == "void":
                raise TypeSyntaxError(f"void cannot be an element type in {text!r}")
            args.append(arg)
            if rest[:1] == [","]:
                rest = rest[1:]
                continue
            if rest[:1] == [">"]:
                rest = rest[1:]
                break
            raise TypeSyntaxError(f"expected , or > in {text!r}")
        if head == "list" and len(args) != 1:
            raise TypeSyntaxError(f"list takes one element type in {text!r}")
        if head == "map" and (len(args) != 2 or args[0] != TypeSpec("string")):
            raise TypeSyntaxError(f"map takes string keys and one value type in {text!r}")
        spec = TypeSpec(head, tuple(args))
    else:
        raise TypeSyntaxError(f"unexpected {head!r} in type {text!r}")
    if rest[:1] == ["?"]:
        if spec.name == "void":
            raise TypeSyntaxError(f"void cannot be nullable in {text!r}")
        spec = TypeSpec(spec.name, spec.args, nullable=True)
        rest = rest[1:]
    return spec, rest
