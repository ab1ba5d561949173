"""What the candidate's code must define, spelled in their language, from the entry point.

The tests call the function or class the problem declares; a candidate writing C++ also needs
the parameter types (a tree's level-order list is ``vector<optional<int>>``). ``starter``
gives an empty definition with the right names and types, to show with the problem.
"""

from __future__ import annotations

from bot.execution.entry_point import EntryPoint, Parameter
from bot.execution.types import TypeSpec, parse_type

_PYTHON = {"int": "int", "float": "float", "string": "str", "bool": "bool", "void": "None"}
_JAVASCRIPT = {"int": "number", "float": "number", "string": "string", "bool": "boolean"}
_CPP = {"int": "int", "float": "double", "string": "string", "bool": "bool", "void": "void"}


def python_type(spec: TypeSpec) -> str:
    if spec.name == "list":
        text = f"list[{python_type(spec.args[0])}]"
    elif spec.name == "map":
        text = f"dict[str, {python_type(spec.args[1])}]"
    else:
        text = _PYTHON[spec.name]
    return f"{text} | None" if spec.nullable else text


def javascript_type(spec: TypeSpec) -> str:
    if spec.name == "list":
        inner = javascript_type(spec.args[0])
        text = f"({inner})[]" if "|" in inner else f"{inner}[]"
    elif spec.name == "map":
        text = f"Object<string, {javascript_type(spec.args[1])}>"
    else:
        text = _JAVASCRIPT.get(spec.name, "undefined")
    return f"{text} | null" if spec.nullable else text


def cpp_type(spec: TypeSpec) -> str:
    if spec.name == "list":
        text = f"vector<{cpp_type(spec.args[0])}>"
    elif spec.name == "map":
        text = f"unordered_map<string, {cpp_type(spec.args[1])}>"
    else:
        text = _CPP[spec.name]
    return f"optional<{text}>" if spec.nullable else text


def _cpp_parameter(param: Parameter) -> str:
    spec = parse_type(param.type)
    text = cpp_type(spec)
    # Containers and strings by const reference, as judges write them.
    if spec.name in {"list", "map", "string"} or spec.nullable:
        return f"const {text}& {param.name}"
    return f"{text} {param.name}"


def starter(entry: EntryPoint, language: str) -> str:
    """An empty definition of the entry point in ``language`` (python, javascript or cpp)."""
    if language == "python":
        return _python(entry)
    if language == "javascript":
        return _javascript(entry)
    if language == "cpp":
        return _cpp(entry)
    raise ValueError(f"no starter for {language}")


def _python_signature(name: str, params: tuple[Parameter, ...], returns: str, self: bool) -> str:
    args = [f"{p.name}: {python_type(parse_type(p.type))}" for p in params]
    if self:
        args.insert(0, "self")
    return f"def {name}({', '.join(args)}) -> {python_type(parse_type(returns))}:"


def _python(entry: EntryPoint) -> str:
    if entry.kind == "function":
        return _python_signature(entry.name, entry.params, entry.returns, False) + "\n    ...\n"
    lines = [f"class {entry.name}:"]
    lines.append("    " + _python_signature("__init__", entry.params, "void", True))
    lines.append("        ...")
    for method in entry.methods:
        lines.append("")
        lines.append("    " + _python_signature(method.name, method.params, method.returns, True))
        lines.append("        ...")
    return "\n".join(lines) + "\n"


def _jsdoc(params: tuple[Parameter, ...], returns: str, indent: str) -> list[str]:
    lines = [f"{indent}/**"]
    for p in params:
        lines.append(f"{indent} * @param {{{javascript_type(parse_type(p.type))}}} {p.name}")
    if returns != "void":
        lines.append(f"{indent} * @returns {{{javascript_type(parse_type(returns))}}}")
    lines.append(f"{indent} */")
    return lines


def _javascript(entry: EntryPoint) -> str:
    names = ", ".join(p.name for p in entry.params)
    if entry.kind == "function":
        lines = _jsdoc(entry.params, entry.returns, "")
        lines.append(f"function {entry.name}({names}) {{\n}}")
        return "\n".join(lines) + "\n"
    lines = [f"class {entry.name} {{", *_jsdoc(entry.params, "void", "  ")]
    lines.append(f"  constructor({names}) {{\n  }}")
    for method in entry.methods:
        lines.append("")
        lines.extend(_jsdoc(method.params, method.returns, "  "))
        lines.append(f"  {method.name}({', '.join(p.name for p in method.params)}) {{\n  }}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _cpp_signature(name: str, params: tuple[Parameter, ...], returns: str | None) -> str:
    args = ", ".join(_cpp_parameter(p) for p in params)
    prefix = "" if returns is None else cpp_type(parse_type(returns)) + " "
    return f"{prefix}{name}({args})"


def _cpp_body(returns: str) -> str:
    return " {\n}" if returns == "void" else " {\n    return {};\n}"


def _cpp(entry: EntryPoint) -> str:
    if entry.kind == "function":
        return _cpp_signature(entry.name, entry.params, entry.returns) + _cpp_body(entry.returns)
    lines = [f"class {entry.name} {{", "public:"]
    lines.append(f"    {_cpp_signature(entry.name, entry.params, None)} {{\n    }}")
    for method in entry.methods:
        body = _cpp_body(method.returns).replace("\n", "\n    ")
        lines.append(f"\n    {_cpp_signature(method.name, method.params, method.returns)}{body}")
    lines.append("};")
    return "\n".join(lines) + "\n"
