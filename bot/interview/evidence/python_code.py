"""Python read through ``ast`` (and, when it does not parse, its functions by indentation).

One walk of the tree finds the functions, classes and lambdas defined and whether each
body does any work, loop nesting, recursion, edge-case checks, return values, docstrings
and tests.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from bot.interview.evidence.brace_code import body_is_stub, read_brace_code
from bot.interview.evidence.structure import CodeStructure, DefinedFunction
from bot.interview.evidence.tokens import Token, cut_code, tokenize

# Calls that make Python loop without a `for`.
_ITERATING_NAMES = frozenset({"map", "filter", "reduce", "sum", "any", "all"})


def parse_python(source: str) -> ast.Module | None:
    """The module's tree, or None when ``source`` is not Python that parses."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def read_python(tree: ast.Module, tokens: list[Token]) -> CodeStructure:
    """What a parsed Python submission defines and does (``tokens`` are its tokens)."""
    facts = _python_facts(tree)
    statements = [node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)]
    return CodeStructure(
        definitions=tuple(facts.definitions),
        loop_depth=facts.loop_depth,
        has_loop=facts.loop_depth > 0
        or any(t.kind == "id" and t.text in _ITERATING_NAMES for t in tokens),
        recursive=facts.recursive,
        checks_edge_cases=facts.checks_edge_cases,
        returns_value=facts.returns_value,
        has_tests=facts.has_tests,
        has_docstring=facts.has_docstring,
        top_level_stub=_python_body_is_stub(statements, frozenset()),
    )


def read_unparsed_python(source: str, tokens: list[Token]) -> CodeStructure:
    """Python that ``ast`` refused: read from its tokens, its functions by indentation."""
    reading = read_brace_code(tokens)
    classes = tuple(d for d in reading.definitions if d.kind == "class")
    return replace(reading, definitions=(*_python_by_lines(source), *classes))


_CONSTANT_CALLS = frozenset({"list", "dict", "set", "tuple", "str", "int", "float", "bool"})


def _is_constant_expr(node: ast.expr | None, params: frozenset[str]) -> bool:
    stack: list[ast.expr | None] = [node]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, ast.Constant):
            continue
        if isinstance(item, ast.Name):
            if item.id in params or item.id in {"True", "False", "None"}:
                continue
            return False
        if isinstance(item, ast.UnaryOp):
            stack.append(item.operand)
        elif isinstance(item, ast.List | ast.Tuple | ast.Set):
            stack.extend(item.elts)
        elif isinstance(item, ast.Dict):
            stack.extend(key for key in item.keys)
            stack.extend(item.values)
        elif (
            isinstance(item, ast.Call)
            and isinstance(item.func, ast.Name)
            and item.func.id in _CONSTANT_CALLS
            and not item.keywords
        ):
            stack.extend(item.args)
        else:
            return False
    return True


def _python_body_is_stub(body: list[ast.stmt], params: frozenset[str]) -> bool:
    statements = list(body)
    if (
        statements
        and isinstance(statements[0], ast.Expr)
        and isinstance(statements[0].value, ast.Constant)
        and isinstance(statements[0].value.value, str)
    ):
        statements = statements[1:]  # the docstring
    for statement in statements:
        if isinstance(statement, ast.Pass | ast.Raise):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # `...` or a stray string
        if isinstance(statement, ast.Return) and _is_constant_expr(statement.value, params):
            continue
        return False
    return True


def _python_params(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    arguments = node.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    names = {arg.arg for arg in every}
    if arguments.vararg:
        names.add(arguments.vararg.arg)
    if arguments.kwarg:
        names.add(arguments.kwarg.arg)
    return frozenset(names)


def _python_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> DefinedFunction:
    return DefinedFunction(
        node.name, "function", _python_body_is_stub(node.body, _python_params(node))
    )


_EMPTY_LITERALS = (0, 1, 2, "", None)


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _guards_edge_case(test: ast.expr) -> bool:
    """`not x`, `x is None`, `len(x) < 2`, `n == 0`: a check for empty or minimal input."""
    for part in ast.walk(test):
        if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
            return True
        if isinstance(part, ast.Compare) and any(
            isinstance(side, ast.Constant) and side.value in _EMPTY_LITERALS
            for side in [part.left, *part.comparators]
        ):
            return True
        if isinstance(part, ast.Call) and isinstance(part.func, ast.Name) and part.func.id == "len":
            return True
    return False


@dataclass
class _PythonFacts:
    definitions: list[DefinedFunction]
    loop_depth: int = 0
    recursive: bool = False
    checks_edge_cases: bool = False
    returns_value: bool = False
    has_tests: bool = False
    has_docstring: bool = False


def _python_facts(tree: ast.Module) -> _PythonFacts:
    """Everything read from a Python module, in one walk of its tree."""
    facts = _PythonFacts(definitions=[])
    # Node, loop depth, names of the enclosing functions.
    stack: list[tuple[ast.AST, int, frozenset[str]]] = [(tree, 0, frozenset())]
    while stack:
        node, depth, enclosing = stack.pop()
        if isinstance(node, ast.For | ast.AsyncFor | ast.While | ast.comprehension):
            depth += 1
            facts.loop_depth = max(facts.loop_depth, depth)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            facts.definitions.append(_python_function(node))
            facts.has_docstring = facts.has_docstring or bool(
                node.body and _is_docstring(node.body[0])
            )
            facts.has_tests = facts.has_tests or node.name.startswith("test")
            depth, enclosing = 0, enclosing | {node.name}  # a helper's loops count on their own
        elif isinstance(node, ast.ClassDef):
            methods = tuple(
                _python_function(item)
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
            working = [m for m in methods if m.name != "__init__"]
            facts.definitions.append(
                DefinedFunction(node.name, "class", all(m.stub for m in working), methods)
            )
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            lam = node.value
            stub = _is_constant_expr(lam.body, _python_params(lam))
            facts.definitions.extend(
                DefinedFunction(target.id, "function", stub)
                for target in node.targets
                if isinstance(target, ast.Name)
            )
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            facts.recursive = facts.recursive or called in enclosing
        elif isinstance(node, ast.Raise | ast.Try):
            facts.checks_edge_cases = True
        elif isinstance(node, ast.If | ast.IfExp) and not facts.checks_edge_cases:
            facts.checks_edge_cases = _guards_edge_case(node.test)
        elif isinstance(node, ast.Return):
            facts.returns_value = facts.returns_value or node.value is not None
        elif isinstance(node, ast.Yield | ast.YieldFrom):
            facts.returns_value = True
        elif isinstance(node, ast.Assert):
            facts.has_tests = True
        if isinstance(node, ast.Module) and node.body and _is_docstring(node.body[0]):
            facts.has_docstring = True
        stack.extend((child, depth, enclosing) for child in ast.iter_child_nodes(node))
    return facts


_PY_DEF_LINE = re.compile(r"[ \t]*(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w{0,80})")


def _python_by_lines(source: str) -> list[DefinedFunction]:
    """Python that ``ast`` refused (a typo, a missing colon): functions by indentation."""
    lines = cut_code(source).split("\n")
    definitions: list[DefinedFunction] = []
    for number, line in enumerate(lines):
        match = _PY_DEF_LINE.match(line)
        if not match or match.group(1) != "def":
            continue
        indent = len(line) - len(line.lstrip())
        body_lines: list[str] = []
        for later in lines[number + 1 :]:
            if later.strip() and len(later) - len(later.lstrip()) <= indent:
                break
            body_lines.append(later)
        header_tokens = tokenize(line)
        body = tokenize("\n".join(body_lines))
        params = frozenset(t.text for t in header_tokens[2:] if t.kind == "id")
        definitions.append(DefinedFunction(match.group(2), "function", body_is_stub(body, params)))
    return definitions
