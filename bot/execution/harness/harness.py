"""Runs inside the sandbox: load solution code, call it for each test, print each result.

stdin is one JSON object: token, kind ("function" or "class"), name, code, tests (each test's
arguments; for a class, [operations, argument lists]). Each result is one line on the original
stdout, "<token> <json>"; the candidate's own prints go to stderr. Expected values never enter
the sandbox: the host compares.

Start-up time is most of a run, so this imports nothing heavy: the payload (JSON written by
the host) is read as a Python literal and results are encoded by hand.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

FILENAME = "solution.py"
_LINES: list[str] = []
_LITERALS: dict[str, Any] = {"null": None, "true": True, "false": False, "__builtins__": {}}
_LITERALS.update(Infinity=float("inf"), NaN=float("nan"))


def main() -> None:
    payload = eval(sys.stdin.buffer.read().decode("utf-8"), dict(_LITERALS))
    token = payload["token"]
    results = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # print() in candidate code lands on stderr, never among the results
    harness_pid = os.getpid()

    def emit(record: dict[str, Any]) -> None:
        if os.getpid() != harness_pid:
            os._exit(0)  # a forked child of candidate code must not report results
        results.write(token + " " + _json(record) + "\n")
        results.flush()

    sys.setrecursionlimit(20000)
    module = type(sys)("solution")
    module.__file__ = FILENAME
    sys.modules["solution"] = module
    source = payload["code"]
    _LINES.extend(source.splitlines(keepends=True))
    try:
        code = compile(source, FILENAME, "exec")
    except SyntaxError as exc:
        emit({"load_error": f"{type(exc).__name__}: {exc.msg} (line {exc.lineno})"})
        return
    try:
        exec(code, module.__dict__)
    except BaseException as exc:  # any failure while loading is reported
        emit({"load_error": _describe(exc), "trace": _trace(exc)})
        return
    target = _find(module, payload["name"], payload["kind"])
    if target is None:
        what = "class" if payload["kind"] == "class" else "function"
        emit({"load_error": f"{FILENAME} defines no {what} named {payload['name']}"})
        return

    for index, args in enumerate(payload["tests"]):
        try:
            if payload["kind"] == "class":
                value = _drive(target, args[0], args[1])
            else:
                value = target(*args)
            text = _json(value)
        except BaseException as exc:
            if os.getpid() != harness_pid:
                os._exit(0)
            emit({"t": index, "error": _describe(exc), "trace": _trace(exc)})
            continue
        if os.getpid() != harness_pid:
            os._exit(0)
        results.write(f'{token} {{"t": {index}, "ok": {text}}}\n')
        results.flush()
    emit({"done": True})


def _find(module: Any, name: str, kind: str) -> Any:
    parts = name.split("_")
    camel = parts[0] + "".join(part[:1].upper() + part[1:] for part in parts[1:])
    for spelling in (name, camel):
        target = getattr(module, spelling, None)
        if target is not None:
            return target
    # LeetCode style: the function as a method of class Solution.
    solution = getattr(module, "Solution", None)
    if kind == "function" and isinstance(solution, type):
        for spelling in (name, camel):
            if hasattr(solution, spelling):
                return getattr(solution(), spelling)
    return None


def _drive(cls: Any, operations: list[str], arguments: list[list[Any]]) -> list[Any]:
    instance = cls(*arguments[0])
    returned = [None]
    for operation, args in zip(operations[1:], arguments[1:], strict=True):
        method = getattr(instance, operation, None)
        if method is None:
            raise AttributeError(f"{type(instance).__name__} has no method {operation}")
        returned.append(method(*args))
    return returned


_ESCAPES = {i: f"\\u{i:04x}" for i in range(32)}
_ESCAPES.update({ord('"'): '\\"', ord("\\"): "\\\\", 10: "\\n", 13: "\\r", 9: "\\t"})


def _json(value: Any) -> str:
    """JSON for a returned value: what json.dumps gives, without importing json."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return repr(float(value))
    if isinstance(value, str):
        return '"' + value.translate(_ESCAPES) + '"'
    if isinstance(value, dict):
        items = (f"{_json(str(k))}: {_json(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, (set, frozenset)):
        try:
            value = sorted(value)
        except TypeError:
            value = list(value)
    if isinstance(value, (list, tuple)) or (
        hasattr(value, "__iter__") and not isinstance(value, (str, bytes))
    ):
        return "[" + ", ".join(_json(item) for item in value) + "]"
    raise TypeError(f"returned a {type(value).__name__}, which is not a plain value")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return "RecursionError: maximum recursion depth exceeded"
    if isinstance(exc, MemoryError):
        return "MemoryError: memory limit exceeded"
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _trace(exc: BaseException) -> str:
    import traceback  # only on failure: it is slow to import

    # Only the candidate's frames: the harness is not theirs to debug.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == FILENAME]
    lines = []
    for frame in frames[-4:]:
        number = frame.lineno or 0
        text = _LINES[number - 1].strip() if 0 < number <= len(_LINES) else ""
        lines.append(f"line {number}, in {frame.name}: {text}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
