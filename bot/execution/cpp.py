"""The C++ translation unit for one submission: the candidate's code, then a generated main().

Arguments are converted to whatever types the candidate's function declares (int or long long,
vector or const vector&...), so the problem's language-neutral types need no C++ spelling.
"""

from __future__ import annotations

import re

from bot.execution.entry_point import EntryPoint, Method


def generate_source(code: str, entry: EntryPoint) -> str:
    """The program for ``code``: candidate code first (its lines keep their numbers)."""
    runner = _class_runner(entry, code) if entry.kind == "class" else _function_runner(entry, code)
    return "\n".join(
        (
            # As on the usual judges: the standard library is included and its names visible.
            "using namespace std;",
            # A main() of the candidate's own is kept out of the way of the harness's.
            "#define main ib_candidate_main",
            '#line 1 "solution.cpp"',
            code,
            "#undef main",
            '#line 1 "harness.cpp"',
            runner,
            "int main() { return ib_harness::run_tests(ib_run_one); }",
            "",
        )
    )


def _arguments(count: int, args: str) -> str:
    return ", ".join(
        f"ib_harness::Arg{{&ib_harness::argument({args}, {index})}}" for index in range(count)
    )


def _spelling(name: str, code: str) -> str:
    """The name as the code spells it: as declared, or in camelCase (minToll for min_toll)."""
    camel = re.sub(r"_([a-z0-9])", lambda match: match.group(1).upper(), name)
    declared = re.search(rf"\b{name}\s*\(", code)
    if camel != name and not declared and re.search(rf"\b{camel}\s*\(", code):
        return camel
    return name


def _function_runner(entry: EntryPoint, code: str) -> str:
    name = _spelling(entry.name, code)
    # LeetCode style: the function is a method of class Solution.
    if re.search(r"\b(?:class|struct)\s+Solution\b", code):
        name = f"Solution().{name}"
    call = f"{name}({_arguments(len(entry.params), 'args')})"
    return (
        "static std::string ib_run_one(const ib_harness::Json& args) {\n"
        f"    return ib_harness::call([&]() {{ return {call}; }});\n"
        "}"
    )


def _method_branch(method: Method, code: str) -> str:
    name = _spelling(method.name, code)
    call = f"instance->{name}({_arguments(len(method.params), 'args')})"
    return (
        f'        if (name == "{method.name}") {{\n'
        f"            out += ib_harness::call([&]() {{ return {call}; }});\n"
        "            continue;\n"
        "        }"
    )


def _class_runner(entry: EntryPoint, code: str) -> str:
    branches = "\n".join(_method_branch(method, code) for method in entry.methods)
    construct = _arguments(len(entry.params), "args")
    return f"""static std::string ib_run_one(const ib_harness::Json& test) {{
    const ib_harness::Json& operations = ib_harness::argument(test, 0);
    const ib_harness::Json& calls = ib_harness::argument(test, 1);
    std::unique_ptr<{entry.name}> instance;
    {{
        const ib_harness::Json& args = ib_harness::argument(calls, 0);
        instance.reset(new {entry.name}({construct}));
    }}
    std::string out = "[null";
    for (size_t index = 1; index < operations.items.size(); ++index) {{
        const std::string& name = operations.items[index].text;
        const ib_harness::Json& args = ib_harness::argument(calls, index);
        out += ", ";
{branches}
        throw std::invalid_argument("{entry.name} has no method " + name);
    }}
    return out + "]";
}}"""
