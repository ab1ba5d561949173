"""Grading: the model's JSON grade, the heuristic rubric and the evidence caps.

Scores are integers 0-100. ``overall`` is the weighted mean
``0.3 * communication + 0.4 * problem_solving + 0.3 * code_quality`` rounded half up
(the heuristic rubric) or, for a model grade, the model's own overall kept within 10
points of the weighted mean of its capped dimensions.

Both graders read the interview through ``bot.interview.evidence`` and both are held to
the same caps after their scores are produced, so the two can never disagree about what
the candidate did. The candidate's own words never raise a score: a sentence that tries
to steer the grade is removed before anything is read and caps communication.

Heuristic rubric (the offline interviewer's grade and the fallback when the model fails)
------------------------------------------------------------------------------------------
Credit is per behaviour, once: saying "hash map" ten times is worth what saying it once is.
Communication (0-100):
  * 3 points per message with something to say, at most 15;
  * 10 per distinct clarifying question, at most 20 ("Any questions?", "Is that clear?"
    and hint requests are not clarifying questions);
  * 20 for explaining an approach (a statement naming a technique; keyword salad of four
    or more techniques in one sentence does not count);
  * 10 for stating a complexity (not one faster than the problem allows);
  * 10 for one message of 25 words or more that is not keyword salad;
  * 10 for talking about tests or edge cases, 5 more for tracing a concrete example;
  * 10 for weighing trade-offs or alternatives.
Problem solving (0-100):
  * 10 for asking a clarifying question;
  * 15 for explaining an approach;
  * 10 for stating a time complexity (not one faster than the problem allows);
  * 15 for reaching the problem's expected time bound, 5 more for stating it first;
  * 5 for stating the space complexity;
  * 20 for code that defines what the statement asks for and does some work (once it
    has run, it must also pass at least one test);
  * 15 × the best submission's pass rate, once code has reached its tests;
  * 10 for reasoning about edge cases (aloud or in the code);
  * 5 for trade-offs; 5 for needing no bug fix after submitting;
  * minus 5 per message asking for a hint, at most 15.
Code quality (0-100; 0 when no code was submitted), read from the latest submission:
  * 20 for defining the entry point the statement names (10 when the problem names
    none and the code defines a function, 5 for a function of another name);
  * 20 for a body that does work (not a stub);
  * 10 for a loop or recursion; 10 for returning a value;
  * 10 for an explicit edge-case check (empty/None checks, length guards, raising);
  * 10 for loops nested no deeper than the expected bound needs (one level for O(n) or
    O(n log n), two for O(n^2));
  * 5 each for 3+ and 6+ non-blank lines, comments, and test code (asserts, tests);
  * 15 × the final submission's pass rate, once code has reached its tests.
There is no bonus for revising code. Strengths are the three or four most telling
behaviours present (weighted, so a working solution outranks a question asked); the
improvements are the most important gaps, always at least one concrete next step
(``bot.interview.feedback``).

Evidence caps (applied after the score, to both graders)
--------------------------------------------------------
  * no code → code_quality ≤ 10 and problem_solving ≤ 40;
  * stub code (every body that matters is pass, ..., a constant return or a lone raise)
    → code_quality ≤ 15 and problem_solving ≤ 30;
  * code that does not define what the statement asks for and is no attempt at it
    (another problem's code, prose in a fence) → code_quality ≤ 20 and problem_solving ≤ 30;
    the right code under another name → code_quality ≤ 60 and problem_solving ≤ 70;
  * a manipulation attempt → communication ≤ 40, and a model grade is held within 10
    points of the heuristic grade on every dimension (the model may have obeyed it);
  * keyword salad and no approach explained → communication ≤ 50;
  * fewer than 20 words from the candidate → communication ≤ 30;
  * once code has reached the problem's tests, the share passed is the main evidence:
    problem_solving ≤ 25 + 75 × the best submission's pass rate and ≥ 60 × it, and
    code_quality ≤ 25 + 75 × the final submission's pass rate and ≥ 60 × it (so code
    that passes every test keeps at least 60, and code that passes none gets at most 25);
    a stub (a constant answer can pass some tests by luck) gets the caps, not the floors;
  * code that never ran because its language was never given proves nothing:
    problem_solving and code_quality ≤ 55 (below what passing code is held to);
  * ``overall`` stays within 10 points of the weighted mean of the capped dimensions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.interview.domain import Grade, TurnContext
from bot.interview.evidence.code import CodeEvidence, entry_point_name
from bot.interview.evidence.interview import InterviewEvidence, gather_evidence
from bot.interview.evidence.words import GROWTH_RANK
from bot.interview.feedback import (
    improvements_shown,
    named_entry,
    next_step,
    strengths_shown,
    verdict,
)

WEIGHT_COMMUNICATION = 0.3
WEIGHT_PROBLEM_SOLVING = 0.4
WEIGHT_CODE_QUALITY = 0.3

MAX_SUMMARY_CHARS = 600
MAX_FEEDBACK_ITEMS = 6
MAX_FEEDBACK_ITEM_CHARS = 200

# Below this many words from the candidate, communication cannot be judged as more than weak.
MIN_WORDS_FOR_COMMUNICATION = 20
NO_CODE_MAX_CODE_QUALITY = 10
NO_CODE_MAX_PROBLEM_SOLVING = 40
STUB_MAX_CODE_QUALITY = 15
STUB_MAX_PROBLEM_SOLVING = 30
OFF_PROBLEM_MAX_CODE_QUALITY = 20
OFF_PROBLEM_MAX_PROBLEM_SOLVING = 30
MISNAMED_MAX_CODE_QUALITY = 60
MISNAMED_MAX_PROBLEM_SOLVING = 70
MANIPULATION_MAX_COMMUNICATION = 40
SALAD_MAX_COMMUNICATION = 50
# After a manipulation attempt a model grade may exceed the heuristic grade by this much.
MANIPULATION_MODEL_MARGIN = 10
FEW_WORDS_MAX_COMMUNICATION = 30
# Once code has reached its tests, a dimension is held to [FLOOR × rate, BASE + (100 -
# BASE) × rate]: passing every test keeps 60 ("a working solution"), passing none caps at 25.
PASS_RATE_CAP_BASE = 25
PASS_RATE_FLOOR = 60
# Code whose language was never given cannot score as if it had passed (the floor above).
NEVER_RAN_MAX_PROBLEM_SOLVING = 55
NEVER_RAN_MAX_CODE_QUALITY = 55
# Rubric points for the share of tests passed (problem solving: best; code quality: final).
TESTS_POINTS = 15
OVERALL_MAX_ABOVE_WEIGHTED_MEAN = 10
OVERALL_MAX_BELOW_WEIGHTED_MEAN = 10

_SCORE = {"type": "integer", "minimum": 0, "maximum": 100}
_FEEDBACK_LIST = {"type": "array", "items": {"type": "string"}, "maxItems": MAX_FEEDBACK_ITEMS}

GRADE_JSON_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "overall": {**_SCORE, "description": "Overall interview score, 0-100."},
        "communication": {**_SCORE, "description": "Clarity, questions, explanation."},
        "problem_solving": {**_SCORE, "description": "Approach, complexity, correctness."},
        "code_quality": {**_SCORE, "description": "Correct, readable, handles edge cases."},
        "summary": {"type": "string", "description": "1-2 sentences to the candidate."},
        "strengths": {**_FEEDBACK_LIST, "description": "Short concrete strengths."},
        "improvements": {**_FEEDBACK_LIST, "description": "Short concrete improvements."},
    },
    "required": [
        "overall",
        "communication",
        "problem_solving",
        "code_quality",
        "summary",
        "strengths",
        "improvements",
    ],
    "additionalProperties": False,
}


class GradeParseError(ValueError):
    """The model's grade is not JSON of the expected shape or its values are out of range."""


Score = Annotated[int, Field(strict=True, ge=0, le=100)]


class _ModelGrade(BaseModel):
    # Unknown keys are ignored: they cannot change a score, so they are no reason to retry.
    model_config = ConfigDict(extra="ignore")

    overall: Score
    communication: Score
    problem_solving: Score
    code_quality: Score
    summary: str = Field(strict=True)
    strengths: list[Annotated[str, Field(strict=True)]]
    improvements: list[Annotated[str, Field(strict=True)]]

    @field_validator("summary")
    @classmethod
    def _summary_not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("summary is empty")
        return _shorten(value, MAX_SUMMARY_CHARS)

    @field_validator("strengths", "improvements")
    @classmethod
    def _short_items(cls, items: list[str]) -> list[str]:
        cleaned = [" ".join(item.split()) for item in items]
        kept = [_shorten(item, MAX_FEEDBACK_ITEM_CHARS) for item in cleaned if item]
        return kept[:MAX_FEEDBACK_ITEMS]


_JSON_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(?P<body>.*)\n```$", re.DOTALL)


def parse_grade(raw: str) -> Grade:
    """Parse and validate the model's JSON grade.

    Scores must be JSON integers in 0..100 (no floats, strings or booleans) and the
    summary must not be blank; long texts are trimmed and feedback lists are cut to
    six items. A JSON object wrapped in a ``` fence (common with local models) is
    accepted. Anything else raises ``GradeParseError``.
    """
    text = raw.strip()
    fenced = _JSON_FENCE.match(text)
    if fenced:
        text = fenced.group("body").strip()
    try:
        parsed = _ModelGrade.model_validate_json(text)
    except ValidationError as err:
        raise GradeParseError(f"invalid grade: {err.error_count()} problem(s): {err}") from err
    return Grade(
        overall=parsed.overall,
        communication=parsed.communication,
        problem_solving=parsed.problem_solving,
        code_quality=parsed.code_quality,
        summary=parsed.summary,
        strengths=tuple(parsed.strengths),
        improvements=tuple(parsed.improvements),
        graded_by="model",
    )


# --- The heuristic rubric -----------------------------------------------------------


def _clamp(score: float) -> int:
    return max(0, min(100, int(score + 0.5)))


def weighted_overall(communication: int, problem_solving: int, code_quality: int) -> int:
    """0.3 communication + 0.4 problem solving + 0.3 code quality, rounded half up."""
    return _clamp(
        WEIGHT_COMMUNICATION * communication
        + WEIGHT_PROBLEM_SOLVING * problem_solving
        + WEIGHT_CODE_QUALITY * code_quality
    )


def _loop_allowance(optimal_time: str | None) -> int | None:
    """How deep loops may nest for the expected bound, or None when it cannot be told."""
    if optimal_time is None:
        return None
    rank = GROWTH_RANK.get(optimal_time)
    if rank is None:
        return None
    if rank <= GROWTH_RANK["o(nlogn)"]:
        return 1
    if rank == GROWTH_RANK["o(n^2)"]:
        return 2
    return None


def _tests_points(rate: float | None) -> int:
    return 0 if rate is None else round(TESTS_POINTS * rate)


def _communication(ev: InterviewEvidence) -> int:
    return _clamp(
        min(15, 3 * ev.candidate_messages)
        + min(20, 10 * ev.clarifying_questions)
        + (20 if ev.stated_approach else 0)
        + (10 if ev.time_terms and not ev.claimed_faster_than_possible else 0)
        + (10 if ev.long_explanations else 0)
        + (10 if ev.discussed_tests else 0)
        + (5 if ev.traced_example else 0)
        + (10 if ev.discussed_tradeoffs else 0)
    )


def _problem_solving(ev: InterviewEvidence) -> int:
    code = ev.code
    return _clamp(
        (10 if ev.clarifying_questions else 0)
        + (15 if ev.stated_approach else 0)
        + (10 if ev.time_terms and not ev.claimed_faster_than_possible else 0)
        + (15 if ev.reached_optimal_time else 0)
        + (5 if ev.reached_optimal_time and ev.optimal_from_the_start else 0)
        + (5 if ev.discussed_space else 0)
        + (20 if ev.working_code else 0)
        + (10 if ev.discussed_tests or (code is not None and code.checks_edge_cases) else 0)
        + (5 if ev.discussed_tradeoffs else 0)
        + (5 if ev.working_code and not ev.reported_fix else 0)
        + _tests_points(ev.best_pass_rate)
        - min(15, 5 * ev.hint_requests)
    )


def _code_quality(ev: InterviewEvidence) -> int:
    code = ev.code
    if code is None:
        return 0
    if code.defines_entry_point:
        entry = 20
    elif code.defines_entry_point is None:
        entry = 10 if code.defines_function else 0
    else:
        entry = 5 if code.defines_function else 0
    allowance = _loop_allowance(ev.optimal_time)
    nesting_ok = allowance is None or code.loop_depth <= allowance
    does_work = not code.is_stub
    return _clamp(
        entry
        + (20 if does_work else 0)
        + (10 if code.has_loop and does_work else 0)
        + (10 if code.returns_value and does_work else 0)
        + (10 if code.checks_edge_cases and does_work else 0)
        + (10 if nesting_ok and code.has_loop and does_work else 0)
        + (5 if code.nonblank_lines >= 3 else 0)
        + (5 if code.nonblank_lines >= 6 else 0)
        + (5 if code.has_comments else 0)
        + (5 if code.has_tests else 0)
        + _tests_points(ev.pass_rate)
    )


# --- The same caps for both graders -------------------------------------------------


@dataclass(frozen=True)
class Scores:
    communication: int
    problem_solving: int
    code_quality: int


@dataclass(frozen=True)
class Cap:
    """A limit the evidence puts on the scores, and why (shown to the candidate)."""

    reason: str
    communication: int = 100
    problem_solving: int = 100
    code_quality: int = 100
    # Floors: evidence that the code works keeps a score up whatever a model says.
    min_problem_solving: int = 0
    min_code_quality: int = 0


# Said when the candidate asked for a score, by the rubric's cap and by the model's.
SCORE_ASKING_REASON = "Asking for a score earns nothing and counts against communication."


def evidence_caps(ev: InterviewEvidence, entry: str | None) -> list[Cap]:
    """Every cap the evidence of an interview puts on its scores, most important first."""
    found = [_reading_cap(ev.code, named_entry(entry)), _tests_cap(ev), *_words_caps(ev)]
    return [cap for cap in found if cap is not None]


def _reading_cap(code: CodeEvidence | None, named: str) -> Cap | None:
    """What reading the code shows: none, not this problem's, a stub, or misnamed."""
    if code is None:
        return Cap(
            "No code was submitted.",
            problem_solving=NO_CODE_MAX_PROBLEM_SOLVING,
            code_quality=NO_CODE_MAX_CODE_QUALITY,
        )
    if code.misses_the_problem:
        where = f" (it defines {code.other_problem}'s function)" if code.other_problem else ""
        return Cap(
            f"The code does not define {named}: it is not a solution to this problem{where}.",
            problem_solving=OFF_PROBLEM_MAX_PROBLEM_SOLVING,
            code_quality=OFF_PROBLEM_MAX_CODE_QUALITY,
        )
    if code.is_stub:
        return Cap(
            f"The code is a stub: {code.stub_reason}.",
            problem_solving=STUB_MAX_PROBLEM_SOLVING,
            code_quality=STUB_MAX_CODE_QUALITY,
        )
    if code.defines_entry_point is False:
        return Cap(
            f"The code does not define {named} as the statement asks.",
            problem_solving=MISNAMED_MAX_PROBLEM_SOLVING,
            code_quality=MISNAMED_MAX_CODE_QUALITY,
        )
    return None


def _tests_cap(ev: InterviewEvidence) -> Cap | None:
    """What running the code shows: the share of tests passed, or that it never ran."""
    final, best, code = ev.pass_rate, ev.best_pass_rate, ev.code
    if final is not None and best is not None and code is not None:
        # Problem solving is what the candidate reached during the interview: the best
        # submission. Code quality is the code handed in, the one the rubric reads: the
        # final submission. After the reading caps, so tests outweigh a reading; but a stub
        # whose constant answer passes some tests by luck earns no floor.
        floors = not code.is_stub
        return Cap(
            _tests_reason(ev),
            problem_solving=_pass_ceiling(best),
            code_quality=_pass_ceiling(final),
            min_problem_solving=_pass_floor(best) if floors else 0,
            min_code_quality=_pass_floor(final) if floors else 0,
        )
    if ev.never_ran:
        return Cap(
            "Your code never ran (its language was never given), so nothing shows it works.",
            problem_solving=NEVER_RAN_MAX_PROBLEM_SOLVING,
            code_quality=NEVER_RAN_MAX_CODE_QUALITY,
        )
    return None


def _words_caps(ev: InterviewEvidence) -> list[Cap]:
    """What the candidate's words show: score steering, keyword salad, too few words."""
    rules = (
        (ev.manipulation_attempts > 0, SCORE_ASKING_REASON, MANIPULATION_MAX_COMMUNICATION),
        (
            ev.keyword_salad and not ev.stated_approach,
            "Naming techniques is not explaining a plan.",
            SALAD_MAX_COMMUNICATION,
        ),
        (
            ev.candidate_words < MIN_WORDS_FOR_COMMUNICATION,
            "Too few words to show your thinking.",
            FEW_WORDS_MAX_COMMUNICATION,
        ),
    )
    return [Cap(reason, communication=limit) for applies, reason, limit in rules if applies]


def _pass_ceiling(rate: float) -> int:
    rate = max(0.0, min(1.0, rate))
    return _clamp(PASS_RATE_CAP_BASE + (100 - PASS_RATE_CAP_BASE) * rate)


def _pass_floor(rate: float) -> int:
    return _clamp(PASS_RATE_FLOOR * max(0.0, min(1.0, rate)))


def _tests_reason(ev: InterviewEvidence) -> str:
    runs = ev.runs
    reason = f"Your final code passes {runs.final_passed}/{runs.final_total} of the tests"
    if (runs.best_passed, runs.best_total) != (runs.final_passed, runs.final_total):
        reason += f" (your best passed {runs.best_passed}/{runs.best_total})"
    return reason + "."


def hold_to_evidence(scores: Scores, caps: list[Cap]) -> tuple[Scores, list[str]]:
    """Apply caps and floors; also the reasons of the caps that changed a score."""
    communication, problem_solving, code_quality = (
        _clamp(scores.communication),
        _clamp(scores.problem_solving),
        _clamp(scores.code_quality),
    )
    binding: list[str] = []
    for cap in caps:
        lowered = (
            communication > cap.communication
            or problem_solving > cap.problem_solving
            or code_quality > cap.code_quality
        )
        raised = problem_solving < cap.min_problem_solving or code_quality < cap.min_code_quality
        communication = min(communication, cap.communication)
        problem_solving = max(min(problem_solving, cap.problem_solving), cap.min_problem_solving)
        code_quality = max(min(code_quality, cap.code_quality), cap.min_code_quality)
        if lowered or raised:
            binding.append(cap.reason)
    return Scores(communication, problem_solving, code_quality), binding


def _overall_within_band(overall: int, scores: Scores) -> int:
    mean = weighted_overall(scores.communication, scores.problem_solving, scores.code_quality)
    low = mean - OVERALL_MAX_BELOW_WEIGHTED_MEAN
    return _clamp(max(low, min(_clamp(overall), mean + OVERALL_MAX_ABOVE_WEIGHTED_MEAN)))


def heuristic_grade(
    ctx: TurnContext, *, graded_by: str, evidence: InterviewEvidence | None = None
) -> Grade:
    """Grade an interview with the documented rubric (see the module docstring).

    Deterministic: the same transcript and code always give the same grade. Text that
    tries to steer the grade is ignored and caps communication.
    """
    ev = evidence or gather_evidence(ctx)
    entry = entry_point_name(ctx.problem)
    raw = Scores(_communication(ev), _problem_solving(ev), _code_quality(ev))
    scores, _ = hold_to_evidence(raw, evidence_caps(ev, entry))
    overall = weighted_overall(scores.communication, scores.problem_solving, scores.code_quality)
    strengths = strengths_shown(ev, entry)
    improvements = improvements_shown(ev, entry, ctx)
    return Grade(
        overall=overall,
        communication=scores.communication,
        problem_solving=scores.problem_solving,
        code_quality=scores.code_quality,
        summary=f"{verdict(overall, ctx.problem.title)} {next_step(improvements[0])}",
        strengths=strengths,
        improvements=improvements,
        graded_by=graded_by,
    )


def apply_evidence_caps(
    grade: Grade, ctx: TurnContext, *, evidence: InterviewEvidence | None = None
) -> Grade:
    """Hold a model grade to what the candidate actually did (see the module docstring).

    A prompt injection can make a model return 100s; it cannot make code or words appear.
    When a cap lowers a score, the summary says why and the first improvement is the
    evidence's own next step; after a manipulation attempt the feedback is the rubric's,
    since the model's words may be the candidate's. ``evidence`` is read from ``ctx``
    unless given (a caller that ran the code passes evidence carrying its pass rate).
    """
    ev = evidence or gather_evidence(ctx)
    entry = entry_point_name(ctx.problem)
    caps = evidence_caps(ev, entry)
    fair = heuristic_grade(ctx, graded_by=grade.graded_by, evidence=ev)
    if ev.manipulation_attempts:
        margin = MANIPULATION_MODEL_MARGIN
        caps.append(
            Cap(
                SCORE_ASKING_REASON,
                communication=fair.communication + margin,
                problem_solving=fair.problem_solving + margin,
                code_quality=fair.code_quality + margin,
            )
        )
    model_scores = Scores(grade.communication, grade.problem_solving, grade.code_quality)
    scores, binding = hold_to_evidence(model_scores, caps)
    overall = _overall_within_band(grade.overall, scores)
    capped = replace(
        grade,
        overall=overall,
        communication=scores.communication,
        problem_solving=scores.problem_solving,
        code_quality=scores.code_quality,
    )
    if ev.manipulation_attempts:
        return replace(
            capped,
            summary=f"{verdict(overall, ctx.problem.title)} {next_step(fair.improvements[0])}",
            strengths=fair.strengths,
            improvements=fair.improvements,
        )
    if not binding:
        return capped
    summary = _shorten(f"{binding[0]} {grade.summary}", MAX_SUMMARY_CHARS)
    first = fair.improvements[0]
    improvements = (first, *(item for item in grade.improvements if item != first))
    return replace(capped, summary=summary, improvements=improvements[:MAX_FEEDBACK_ITEMS])


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
