"""The rubric's feedback: what a grade tells the candidate they did well and should do next.

Strengths are the three or four most telling behaviours present (weighted, so a working
solution outranks a question asked); the improvements are the most important gaps,
always at least one concrete next step. Both are read from the interview's evidence only,
and name nothing the candidate has not seen (the shortest public example at most).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.interview.domain import Difficulty, TurnContext
from bot.interview.evidence.code import CodeEvidence
from bot.interview.evidence.interview import InterviewEvidence

MAX_STRENGTHS = 4
MAX_IMPROVEMENTS = 3


def strengths_shown(ev: InterviewEvidence, entry: str | None) -> tuple[str, ...]:
    """The most telling things the candidate did, at most ``MAX_STRENGTHS``."""
    return _top(_strengths(ev, entry), MAX_STRENGTHS)


def improvements_shown(
    ev: InterviewEvidence, entry: str | None, ctx: TurnContext
) -> tuple[str, ...]:
    """The most important gaps, at most ``MAX_IMPROVEMENTS``; never empty."""
    return _top(_improvements(ev, entry, ctx), MAX_IMPROVEMENTS)


def named_entry(entry: str | None) -> str:
    """The entry point as the feedback names it."""
    return f"`{entry}`" if entry else "the function the statement asks for"


@dataclass(frozen=True)
class _Point:
    weight: int  # how telling it is: the highest are shown first
    text: str


def _display(term: str) -> str:
    return "O(" + term[2:-1].replace("nlogn", "n log n").replace("logn", "log n") + ")"


def _example_input(ctx: TurnContext) -> str | None:
    # The shortest public example: concrete, and nothing the candidate has not seen.
    examples = sorted(ctx.problem.examples, key=lambda example: len(example.input))
    return examples[0].input if examples else None


def _strengths(ev: InterviewEvidence, entry: str | None) -> list[_Point]:
    code = ev.code
    points: list[_Point] = []
    runs = ev.runs
    if ev.passes_every_test:
        points.append(_Point(32, f"Your final code passes all {runs.final_total} tests."))
    elif ev.working_code and code is not None:
        name = f"`{entry}`" if entry and code.defines_entry_point else "code"
        if ev.pass_rate is None:
            points.append(_Point(30, f"Wrote {name} that does what the statement asks."))
        else:
            passed = f"{runs.final_passed}/{runs.final_total}"
            points.append(_Point(20, f"Wrote {name} that passes {passed} of the tests."))
    if ev.reached_optimal_time:
        if ev.optimal_from_the_start and not ev.hint_requests:
            points.append(_Point(28, "Went straight for the best time bound for this problem."))
        elif ev.optimal_from_the_start:
            points.append(_Point(24, "Reached the best time bound for this problem."))
        else:
            points.append(_Point(26, "Improved a slower first idea to the best time bound."))
    if ev.reported_fix and ev.working_code:
        points.append(_Point(14, "Found and fixed a bug in your own code."))
    if ev.stated_approach:
        before = " before writing code" if code is not None else ""
        points.append(_Point(18, f"Explained the approach{before}."))
    if ev.clarifying_questions:
        many = ev.clarifying_questions > 1
        questions = (
            f"{ev.clarifying_questions} clarifying questions" if many else "a clarifying question"
        )
        points.append(_Point(12 + 3 * min(ev.clarifying_questions, 3), f"Asked {questions}."))
    if ev.traced_example:
        points.append(_Point(16, "Traced a concrete example step by step."))
    if ev.discussed_tests:
        points.append(_Point(13, "Reasoned about edge cases out loud."))
    if code is not None and code.checks_edge_cases and not code.is_stub:
        points.append(_Point(11, "Guarded the edge cases in the code."))
    if ev.discussed_tradeoffs:
        points.append(_Point(10, "Weighed trade-offs and alternatives."))
    if ev.discussed_space and ev.time_terms:
        points.append(_Point(8, "Gave the space cost as well as the time."))
    if code is not None and code.has_tests:
        points.append(_Point(8, "Wrote tests alongside the code."))
    if ev.hint_requests and ev.working_code:
        points.append(_Point(9, "Used the hints to reach a working solution."))
    if code is not None and code.has_comments and not code.is_stub:
        points.append(_Point(4, "Commented the code where it helps."))
    return points


def _improvements(ev: InterviewEvidence, entry: str | None, ctx: TurnContext) -> list[_Point]:
    found = [
        _code_gap(ev.code, named_entry(entry)),
        _tests_gap(ev),
        _Point(90, "Let the work speak: asking for a score earns nothing.")
        if ev.manipulation_attempts
        else None,
        _complexity_gap(ev),
        *_habit_gaps(ev, _example_input(ctx)),
        _Point(1, f"Next, try {_HARDER[ctx.problem.difficulty]} at the same pace."),
    ]
    return [point for point in found if point is not None]


_HARDER = {
    Difficulty.EASY: "a medium problem",
    Difficulty.MEDIUM: "a hard problem",
    Difficulty.HARD: "this problem in a second language",
}


def _code_gap(code: CodeEvidence | None, named: str) -> _Point | None:
    """The code's first gap: none sent, another problem's, a stub, or misnamed."""
    if code is None:
        return _Point(
            100,
            "Write code, even a slow or partial solution: send it as a snippet or a fenced "
            "block before you finish.",
        )
    if code.misses_the_problem:
        return _Point(98, f"Solve the problem asked: define {named} as the statement says.")
    if code.is_stub:
        return _Point(96, f"Fill in {named}; a slow but correct version beats an empty one.")
    if code.defines_entry_point is False:
        return _Point(80, f"Call your solution {named}, as the statement asks.")
    return None


def _tests_gap(ev: InterviewEvidence) -> _Point | None:
    """Tests the final code fails, or the language that was never given."""
    code, runs = ev.code, ev.runs
    if code is not None and not code.is_stub and ev.pass_rate is not None:
        if ev.passes_every_test:
            return None
        failed = (runs.final_total or 0) - (runs.final_passed or 0)
        return _Point(
            94,
            f"Make your code pass the tests it fails ({failed} of {runs.final_total}): "
            "check it on the edge cases the constraints allow, not just the examples.",
        )
    if ev.never_ran:
        return _Point(92, "Say which language your code is in, so it can run against the tests.")
    return None


def _complexity_gap(ev: InterviewEvidence) -> _Point | None:
    """A bound claimed faster than possible, slower than the best, or none at all."""
    if ev.claimed_faster_than_possible:
        return _Point(66, "Check your complexity claim by counting the work each step does.")
    if ev.time_terms and not ev.reached_optimal_time:
        return _Point(
            70,
            f"Look for an approach faster than {_display(ev.time_terms[-1])}: find the work "
            "that repeats and keep it in a data structure.",
        )
    if not ev.time_terms:
        return _Point(60, "State the time and space complexity of your approach.")
    return None


def _habit_gaps(ev: InterviewEvidence, example: str | None) -> list[_Point]:
    """The interviewing habits the candidate did not show, each with its weight."""
    code = ev.code
    wrote_code = code is not None and not code.is_stub
    if wrote_code and example:
        trace = f"Trace your code on `{example}` before you send it."
    else:
        trace = "Walk through a small example by hand to check your idea."
    rules = (
        (
            not ev.stated_approach,
            58,
            "Talk through your approach in a few sentences before coding.",
        ),
        (
            ev.hint_requests >= 2,
            52,
            "Before asking for a hint, write the brute force and look for its repeated work.",
        ),
        (not ev.traced_example, 50, trace),
        (
            not ev.clarifying_questions,
            45,
            "Open with a clarifying question, such as whether the input can be empty.",
        ),
        (ev.reported_fix, 40, "Run your code on the examples before sending it."),
        (
            code is not None
            and not code.is_stub
            and not code.checks_edge_cases
            and not ev.discussed_tests,
            35,
            "Say what your code does with empty or minimal input.",
        ),
        (
            bool(ev.time_terms) and not ev.space_terms,
            30,
            "Give the space cost too, not just the time.",
        ),
        (
            not ev.discussed_tradeoffs,
            25,
            "Compare one alternative and say what you trade for speed.",
        ),
        (
            code is not None and not code.has_tests and not code.is_stub,
            15,
            "Add a few asserts for the examples and an edge case.",
        ),
    )
    return [_Point(weight, text) for applies, weight, text in rules if applies]


def _top(points: list[_Point], limit: int) -> tuple[str, ...]:
    ranked = sorted(points, key=lambda point: -point.weight)  # stable: ties keep their order
    return tuple(point.text for point in ranked[:limit])


def verdict(overall: int, title: str) -> str:
    """The summary's first sentence, from the overall score."""
    if overall >= 80:
        return f"Strong interview on {title}."
    if overall >= 60:
        return f"Good interview on {title}, with a few gaps."
    if overall >= 40:
        return f"A partial attempt at {title}."
    return f"An early-stage attempt at {title}."


def next_step(improvement: str) -> str:
    """The summary's second sentence: the first improvement as a next step."""
    return f"Next step: {improvement[0].lower()}{improvement[1:]}"
