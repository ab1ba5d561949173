"""Brace-delimited code (and Python that does not parse) read from its tokens.

One pass over the tokens finds the functions and classes defined, loops and their
nesting, edge-case checks, return values and tests; brackets are paired once with a
stack and every scan ahead from a token is bounded, so the cost is linear.
"""

from __future__ import annotations

from bot.interview.evidence.structure import CodeStructure, DefinedFunction, name_key
from bot.interview.evidence.tokens import Token


def read_brace_code(tokens: list[Token]) -> CodeStructure:
    """What the tokens of a submission define and do, read in one pass."""
    return _TokenReader(tokens).read()


_NOT_FUNCTIONS = frozenset(
    {
        "if", "for", "while", "switch", "catch", "return", "sizeof", "synchronized", "with",
        "foreach", "using", "lock", "new", "else", "elif", "match", "when", "typeof", "await",
        "assert", "print", "println", "delete", "throw", "raise", "in", "not", "and", "or",
        "super", "this", "self", "do", "try", "until", "unless", "defer", "go", "select",
    }
)  # fmt: skip
_DEF_KEYWORDS = frozenset({"function", "func", "fn", "fun", "def", "sub"})
_CLASS_KEYWORDS = frozenset({"class", "struct", "interface", "object", "record"})
_LOOP_KEYWORDS = frozenset({"for", "while", "do", "foreach", "loop", "until"})
_ITERATION_CALLS = frozenset(
    {
        "forEach", "map", "reduce", "filter", "each", "flatMap", "some", "every", "find",
        "findIndex", "stream", "fold", "iter", "for_each", "any", "all", "anyMatch", "allMatch",
    }
)  # fmt: skip
_CONSTANT_WORDS = frozenset(
    {
        "true", "false", "True", "False", "None", "null", "nil", "undefined", "nullptr",
        "NULL", "NaN", "nan", "Infinity", "inf", "Ok", "Some", "vec", "Vec", "List", "of",
        "emptyList", "emptyMap", "Collections", "Map", "Set", "Array", "std", "vector",
        "string", "int", "long", "double", "float", "bool", "boolean", "String", "Integer",
        "Long", "Double", "Boolean", "HashMap", "ArrayList", "HashSet", "new", "make",
    }
)  # fmt: skip
_CONSTANT_OPS = frozenset({"[", "]", "{", "}", "(", ")", "-", "+", ",", "<", ">", "::", ".", "!"})
_PANIC_MACROS = frozenset({"todo", "unimplemented", "unreachable", "panic"})
_STUB_STARTERS = frozenset({"pass", "...", ";", "todo", "TODO"})
_EDGE_WORDS = frozenset(
    {
        "not", "None", "null", "nil", "undefined", "nullptr", "empty", "isEmpty", "is_empty",
        "length", "size", "len", "count", "Length", "Count",
    }
)  # fmt: skip


def _bracket_pairs(tokens: list[Token]) -> dict[int, int]:
    """For every (, [ and { its closing token's index (the last index when it never closes).

    One pass with a stack per bracket kind, so a lookup is O(1) and unbalanced input costs
    no rescans.
    """
    closers = {")": "(", "]": "[", "}": "{"}
    stacks: dict[str, list[int]] = {"(": [], "[": [], "{": []}
    pairs: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind != "op":
            continue
        if token.text in stacks:
            stacks[token.text].append(index)
        elif token.text in closers and stacks[closers[token.text]]:
            pairs[stacks[closers[token.text]].pop()] = index
    last = len(tokens) - 1
    for stack in stacks.values():
        for index in stack:
            pairs[index] = last
    return pairs


def body_is_stub(body: list[Token], params: frozenset[str]) -> bool:
    """A body that does no work: nothing, pass/..., TODO, a constant return, a lone throw.

    Stops at the first token that does work, so a real body costs almost nothing.
    """
    if len(body) > _STUB_SCAN_LIMIT:
        return False
    significant = [t for t in body if t.kind != "comment"]
    if significant and significant[0].kind == "str":
        significant = significant[1:]  # a docstring
    index = 0
    while index < len(significant):
        token = significant[index]
        if token.text in {"raise", "throw"} or (
            token.text in _PANIC_MACROS
            and index + 1 < len(significant)
            and significant[index + 1].text == "!"
        ):
            return True  # everything after a lone throw (or Rust's todo!()) is unreachable
        if token.text in _STUB_STARTERS:
            index += 1
        elif token.text == "return":
            index += 1
            while index < len(significant):
                value = significant[index]
                if value.text in {";", "return", "pass"}:
                    break
                if not _is_constant_token(value, params):
                    return False
                index += 1
        else:
            # A body that is only a value (Rust's `{ false }`) returns a constant too.
            return all(_is_constant_token(t, params) for t in significant[index:])
    return True


def _is_constant_token(token: Token, params: frozenset[str]) -> bool:
    return (
        token.kind in {"num", "str"}
        or (token.kind == "id" and (token.text in _CONSTANT_WORDS or token.text in params))
        or (token.kind == "op" and token.text in _CONSTANT_OPS)
    )


_GUARD_COMPARISONS = frozenset({"==", "===", "!=", "<=", "<", ">"})
# A guard condition is short: `if (!xs || xs.length < 2)`.
_CONDITION_LIMIT = 16
# A stub is short: a body of more tokens than this does something.
_STUB_SCAN_LIMIT = 400
# Between a parameter list and its body: return types, qualifiers, throws clauses.
_QUALIFIER_LIMIT = 24
# An arrow function's expression body or an `if` condition is read this far at most.
_EXPRESSION_LIMIT = 60


class _LoopNesting:
    """How deep loops nest, followed token by token through braces and statements."""

    def __init__(self) -> None:
        self.per_brace: list[int] = []  # per open brace: how many loops it is the body of
        self.open = 0  # loops whose braced body is open
        self.pending = 0  # loops whose body has not opened yet
        self.parens = 0
        self.deepest = 0

    def on_op(self, text: str) -> None:
        if text == "{":
            self.per_brace.append(self.pending)
            self.open += self.pending
            self.pending = 0
        elif text == "}" and self.per_brace:
            self.open -= self.per_brace.pop()
        elif text == "(":
            self.parens += 1
        elif text == ")":
            self.parens = max(0, self.parens - 1)
        elif text == ";" and self.parens == 0:
            self.pending = 0  # a loop without braces ended with its statement

    def on_loop(self) -> None:
        self.pending += 1
        self.deepest = max(self.deepest, self.open + self.pending)


class _TokenReader:
    """Functions, classes, loops and checks of brace-delimited code, in one pass."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.code = [t for t in tokens if t.kind != "comment"]
        self.pairs = _bracket_pairs(self.code)

    def close_of(self, index: int) -> int:
        return self.pairs.get(index, len(self.code) - 1)

    def text(self, index: int) -> str:
        return self.code[index].text if 0 <= index < len(self.code) else ""

    def read(self) -> CodeStructure:
        code = self.code
        definitions: list[DefinedFunction] = []
        # Open class bodies: name, closing index, methods found inside.
        classes: list[tuple[str, int, list[DefinedFunction]]] = []
        nesting = _LoopNesting()
        has_loop = edge = returns = tests = False
        calls: dict[str, int] = {}
        for index, token in enumerate(code):
            text = token.text
            previous, following = self.text(index - 1), self.text(index + 1)
            while classes and index > classes[-1][1]:
                definitions.append(_class_definition(*classes.pop()))
            if token.kind == "op":
                nesting.on_op(text)
                continue
            if token.kind != "id":
                continue
            if following == "(":
                calls[text] = calls.get(text, 0) + 1
            if text in _LOOP_KEYWORDS and not (text == "while" and previous == "}"):
                has_loop = True
                nesting.on_loop()
            elif text in _ITERATION_CALLS and previous == "." and following == "(":
                has_loop = True
            elif text in {"return", "yield"} and following not in {";", "}", ""}:
                returns = True
            elif text in {"throw", "raise"}:
                edge = True
            elif text == "if":
                edge = edge or self.edge_condition(index)
            elif text in {"assert", "assertEquals", "assertTrue", "expect", "describe"} or (
                text in {"it", "test"} and following == "("
            ):
                tests = True
            opened = self.class_at(index)
            if opened is not None:
                classes.append(opened)
            found = self.function_at(index, previous)
            if found is not None:
                if classes and index < classes[-1][1]:
                    classes[-1][2].append(found)
                definitions.append(found)
        while classes:
            definitions.append(_class_definition(*classes.pop()))
        # A function called somewhere besides its definition: recursion or a helper.
        recursive = any(calls.get(d.name, 0) >= 2 for d in definitions if d.kind == "function")
        return CodeStructure(
            definitions=tuple(definitions),
            loop_depth=nesting.deepest,
            has_loop=has_loop,
            recursive=recursive,
            checks_edge_cases=edge,
            returns_value=returns,
            has_tests=tests,
            has_docstring=False,
            top_level_stub=body_is_stub(self.tokens, frozenset()),
        )

    def class_at(self, index: int) -> tuple[str, int, list[DefinedFunction]] | None:
        """The class opened at ``code[index]`` (name, index of its closing brace), if one is."""
        code = self.code
        count = len(code)
        if code[index].text not in _CLASS_KEYWORDS or index + 1 >= count:
            return None
        if code[index + 1].kind != "id":
            return None
        brace = index + 2
        while brace < min(count, index + 30) and code[brace].text not in {"{", ";"}:
            brace += 1
        if brace < count and code[brace].text == "{":
            return (code[index + 1].text, self.close_of(brace), [])
        return None

    def edge_condition(self, index: int) -> bool:
        code = self.code
        start = index + 1
        if self.text(start) == "(":
            end = min(self.close_of(start), start + _CONDITION_LIMIT)
        else:
            end = start
            while end < min(len(code), start + _CONDITION_LIMIT) and code[end].text not in {
                ":",
                "{",
            }:
                end += 1
        condition = code[start:end]
        for position, token in enumerate(condition):
            if token.text in _EDGE_WORDS or token.text == "!":
                return True
            # `x == 0`, `n <= 1`, `0 == len`: a guard on an empty or minimal input.
            if token.kind == "num" and token.text in {"0", "1"}:
                before = condition[position - 1].text if position else ""
                after = condition[position + 1].text if position + 1 < len(condition) else ""
                if before in _GUARD_COMPARISONS or after in _GUARD_COMPARISONS:
                    return True
        return False

    def function_at(self, index: int, previous: str) -> DefinedFunction | None:
        """The function defined at ``code[index]``, if one is."""
        code = self.code
        count = len(code)
        token = code[index]
        if token.text in _DEF_KEYWORDS:
            cursor = index + 1
            if self.text(cursor) == "*":
                cursor += 1
            if cursor >= count or code[cursor].kind != "id":
                return None
            name = code[cursor].text
            cursor += 1
            if self.text(cursor) == "<":  # generics: fn name<T>(
                limit = min(count, cursor + _QUALIFIER_LIMIT)
                while cursor < limit and code[cursor].text != ">":
                    cursor += 1
                cursor += 1
            if self.text(cursor) != "(":
                return None
            return self.finish(name, cursor, arrow_required=False)
        if (
            token.kind != "id"
            or token.text in _NOT_FUNCTIONS
            or previous in {".", "new", "->"}
            or previous in _DEF_KEYWORDS
            or index + 1 >= count
        ):
            return None
        after = code[index + 1].text
        if after == "(":
            return self.finish(token.text, index + 1, arrow_required=False)
        if after not in {"=", ":"}:
            return None
        # const name = (a, b) => ..., name = function (...) {...}, name: (x) => ...
        cursor = index + 2
        if self.text(cursor) == "async":
            cursor += 1
        if self.text(cursor) == "function":
            cursor += 1
            if cursor < count and code[cursor].kind == "id":
                cursor += 1
            if self.text(cursor) == "(":
                return self.finish(token.text, cursor, arrow_required=False)
            return None
        if self.text(cursor) == "(":
            return self.finish(token.text, cursor, arrow_required=True)
        if cursor < count and code[cursor].kind == "id" and self.text(cursor + 1) == "=>":
            return self.arrow(token.text, cursor + 1, frozenset({code[cursor].text}))
        return None

    def params(self, paren: int, close: int) -> frozenset[str]:
        # Only read once a body follows, so a call costs O(1) here.
        window = self.code[paren + 1 : min(close, paren + 1 + _EXPRESSION_LIMIT)]
        return frozenset(t.text for t in window if t.kind == "id")

    def finish(self, name: str, paren: int, *, arrow_required: bool) -> DefinedFunction | None:
        code = self.code
        count = len(code)
        close = self.close_of(paren)
        cursor = close + 1
        if self.text(cursor) == "=>":
            return self.arrow(name, cursor, self.params(paren, close))
        if arrow_required:
            return None
        limit = min(count, cursor + _QUALIFIER_LIMIT)
        while cursor < limit and code[cursor].text not in {"{", ";", "=", "(", ")", "}", "=>"}:
            if code[cursor].kind in {"str", "num"}:
                return None
            cursor += 1
        if self.text(cursor) != "{":
            return None
        body = code[cursor + 1 : min(self.close_of(cursor), cursor + 1 + _STUB_SCAN_LIMIT + 1)]
        return DefinedFunction(name, "function", body_is_stub(body, self.params(paren, close)))

    def arrow(self, name: str, arrow: int, params: frozenset[str]) -> DefinedFunction:
        code = self.code
        start = arrow + 1
        if self.text(start) == "{":
            end = min(self.close_of(start), start + 1 + _STUB_SCAN_LIMIT + 1)
            return DefinedFunction(name, "function", body_is_stub(code[start + 1 : end], params))
        # An expression body runs to the end of its statement.
        end = start
        limit = min(len(code), start + _EXPRESSION_LIMIT)
        while end < limit:
            text = code[end].text
            if text in {"(", "[", "{"}:
                end = self.close_of(end)
            elif text in {")", "]", "}", ";", ","}:
                break
            end += 1
        body = [Token("id", "return"), *code[start : min(end, limit)]]
        return DefinedFunction(name, "function", body_is_stub(body, params))


def _class_definition(name: str, _close: int, methods: list[DefinedFunction]) -> DefinedFunction:
    constructors = {name_key(name), "constructor", "init", "new"}
    working = [m for m in methods if name_key(m.name) not in constructors]
    return DefinedFunction(name, "class", all(m.stub for m in working), tuple(methods))
