"""Grading: the model's JSON grade, the heuristic rubric and the evidence caps.

Scores are integers 0-100. ``overall`` is always the weighted mean
``0.3 * communication + 0.4 * problem_solving + 0.3 * code_quality`` rounded half up
(the heuristic rubric) or, for a model grade, the model's own overall capped by evidence.

Reading the evidence
--------------------
Only what the candidate actually did counts. Before any signal is read, every sentence of
the candidate that tries to steer the grade is removed: sentences asking to ignore or
override instructions ("ignore previous instructions ...") and sentences that name a
score ("give me 100", "score: 100", "rate this 95/100"). They earn nothing, not even
words towards communication. Fenced code blocks inside messages are not counted as words.

Heuristic rubric (the offline interviewer's grade and the fallback when the model fails)
------------------------------------------------------------------------------------------
Communication (0-100):
  * 1 point per 5 words the candidate wrote, at most 30;
  * 3 points per candidate message, at most 15;
  * 10 points per message that asks a question, at most 20;
  * 15 for explaining an approach (algorithm or data-structure vocabulary);
  * 10 for at least one message of 25 words or more (a structured explanation);
  * 10 for discussing trade-offs or alternatives.
Problem solving (0-100):
  * 15 for asking at least one clarifying question;
  * 20 for stating an approach;
  * 10 for naming a complexity (big-O or "linear", "quadratic", ...);
  * 10 when a named complexity matches the time term of the problem's
    ``optimal_complexity`` (any named complexity counts when the problem states none);
  * 5 for discussing space complexity;
  * 20 for submitting code;
  * 10 for discussing tests or edge cases;
  * 10 for discussing trade-offs or alternatives.
Code quality (0-100; 0 when no code was submitted), read from the latest submission:
  * 20 for submitting code;
  * 10 for 5 or more non-blank lines, 5 more for 10 or more;
  * 15 for defining a function or method;
  * 10 for a loop or iteration;
  * 15 for an edge-case check (empty/None/null checks, length guards, raising errors);
  * 10 for returning a value;
  * 5 for comments;
  * 5 for test code (asserts, test functions);
  * 5 for revising the code (two or more submissions).
Each dimension is clamped to 0..100. Strengths list the signals present and improvements
the signals missing (at most 4 each, in the order above); the summary is two sentences:
a verdict from the overall band (80+ strong, 60+ good, 40+ partial, below 40 early-stage)
and the most important next step.

Evidence caps (applied to every model grade)
--------------------------------------------
A model can be talked into a high score; the evidence cannot. ``apply_evidence_caps``:
  * no code submitted → ``code_quality`` at most 10 and ``problem_solving`` at most 40;
  * fewer than 20 words from the candidate (after removing score-steering sentences)
    → ``communication`` at most 30;
  * ``overall`` is at most the weighted mean of the capped dimensions + 10.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.interview.models import CodeSnapshot, Grade, Role, TurnContext

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
FEW_WORDS_MAX_COMMUNICATION = 30
OVERALL_MAX_ABOVE_WEIGHTED_MEAN = 10

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


def grade_as_json(grade: Grade) -> str:
    """Serialise a grade with the keys of ``GRADE_JSON_SCHEMA`` (round-trips ``parse_grade``)."""
    return json.dumps(
        {
            "overall": grade.overall,
            "communication": grade.communication,
            "problem_solving": grade.problem_solving,
            "code_quality": grade.code_quality,
            "summary": grade.summary,
            "strengths": list(grade.strengths),
            "improvements": list(grade.improvements),
        }
    )


# --- Reading what the candidate said -------------------------------------------------

_STEERING = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(instructions?|prompts?|rules|rubric)\b"
    r"|\b(system prompt|you are now|new instructions|developer mode)\b"
    r"|\b(score|scores|scoring|grade|grades|grading|rating|rate|marks?|points)\b[^.!?\n]{0,40}"
    r"\b\d{2,3}\b"
    r"|\b\d{1,3}\s*(/\s*100|out of 100|points\b|marks\b)"
    r"|\b(give|award|assign)\s+(me|us|the candidate|this candidate)\b[^.!?\n]{0,40}"
    r"\b(\d{2,3}|full|perfect|top|max(imum)?|high(est)?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")
_FENCED_BLOCK = re.compile(r"```.*?(```|$)", re.DOTALL)

_APPROACH = re.compile(
    r"\b(approach|idea|plan|algorithm|strategy|iterate|iterating|traverse|scan|"
    r"hash ?(map|table|set)|hashmap|hashset|dict(ionary)?|(a|the) (set|map)|lookup|"
    r"sort(ed|ing)?|two[- ]pointers?|sliding window|binary search|stack|queue|heap|"
    r"priority queue|dfs|bfs|depth[- ]first|breadth[- ]first|recurs(ion|ive|ively)|"
    r"dynamic programming|dp|memo(ize|ise|ization|isation)?|greedy|brute[- ]force|"
    r"prefix sums?|union[- ]find|graph|linked list|pointer)\b",
    re.IGNORECASE,
)
_BIG_O = re.compile(
    r"\bO\s*\(\s*([^()\n]{1,30}?(?:\([^()\n]*\)[^()\n]{0,10})?)\s*\)", re.IGNORECASE
)
_COMPLEXITY_WORDS = (
    (re.compile(r"\bn\s*log\s*n\b|\blinearithmic\b", re.IGNORECASE), "o(nlogn)"),
    (re.compile(r"\blinear\b", re.IGNORECASE), "o(n)"),
    (re.compile(r"\bquadratic\b", re.IGNORECASE), "o(n^2)"),
    (re.compile(r"\bcubic\b", re.IGNORECASE), "o(n^3)"),
    (re.compile(r"\blogarithmic\b", re.IGNORECASE), "o(logn)"),
    (re.compile(r"\bconstant (time|space|memory|extra)\b", re.IGNORECASE), "o(1)"),
    (re.compile(r"\bexponential\b", re.IGNORECASE), "o(2^n)"),
)
_COMPLEXITY_TALK = re.compile(r"\b(complexity|big[- ]o|runtime|run time)\b", re.IGNORECASE)
_SPACE_TALK = re.compile(r"\b(space|memory|extra storage)\b", re.IGNORECASE)
_TESTING = re.compile(
    r"\b(tests?|testing|tested|edge[- ]cases?|corner[- ]cases?|empty|null|nil|"
    r"duplicates?|negatives?|overflow|single element|one element|dry[- ]run|trace)\b",
    re.IGNORECASE,
)
_TRADEOFFS = re.compile(
    r"\b(trade[- ]?offs?|instead|alternative(ly|s)?|versus|vs|brute[- ]force|"
    r"at the cost of|faster|slower|cheaper|improve|optimi[sz]e)\b",
    re.IGNORECASE,
)


def without_score_steering(text: str) -> str:
    """Drop the sentences of ``text`` that try to steer the grade or override instructions."""
    sentences = _SENTENCE_END.split(text)
    return " ".join(sentence for sentence in sentences if not _STEERING.search(sentence))


def prose_of(text: str) -> str:
    """The candidate's words: score-steering sentences and fenced code removed."""
    return without_score_steering(_FENCED_BLOCK.sub(" ", text))


def asks_question(text: str) -> bool:
    """True when the text asks something."""
    return "?" in text


def describes_approach(text: str) -> bool:
    """True when the text uses algorithm or data-structure vocabulary."""
    return bool(_APPROACH.search(text))


def complexity_terms(text: str) -> tuple[str, ...]:
    """Big-O terms named in ``text``, normalised (``"O(n log n)"`` → ``"o(nlogn)"``)."""
    terms: list[str] = []
    for match in _BIG_O.finditer(text):
        inner = match.group(1).lower().replace("**", "^").replace("²", "^2").replace("³", "^3")
        inner = re.sub(r"log\s*\(\s*(\w+)\s*\)", r"log\1", inner)
        inner = re.sub(r"[\s*·]", "", inner)
        terms.append(f"o({inner})")
    for pattern, term in _COMPLEXITY_WORDS:
        if pattern.search(text):
            terms.append(term)
    return tuple(dict.fromkeys(terms))


def mentions_complexity(text: str) -> bool:
    """True when the text talks about time or space complexity."""
    return bool(complexity_terms(text)) or bool(_COMPLEXITY_TALK.search(text))


def discusses_testing(text: str) -> bool:
    """True when the text talks about tests or edge cases."""
    return bool(_TESTING.search(text))


def discusses_tradeoffs(text: str) -> bool:
    """True when the text weighs alternatives."""
    return bool(_TRADEOFFS.search(text))


# --- Reading the code ---------------------------------------------------------------

_FUNCTION = re.compile(
    r"^\s*(async\s+)?(def|function|func|fn|fun|sub)\s+\w+"
    r"|=>|\bfunction\s*\("
    r"|^\s*(public|private|protected|static|internal)\b[\w\s<>\[\],?]*\s\w+\s*\("
    r"|^\s*[\w:<>\[\]*&]+\s+\**\w+\s*\([^;]*\)\s*(const\s*)?\{",
    re.MULTILINE,
)
_LOOP = re.compile(
    r"\b(for|while|foreach|forEach|loop|until|map|reduce|filter|each|range|enumerate)\b"
)
_EDGE_CHECK = re.compile(
    r"\bif\s+not\b|\bif\s*\(?\s*!\s*\w"
    r"|\blen\(\s*\w+\s*\)\s*(==|<=?)\s*[012]\b|\.(length|size\(\)|count)\s*(===?|<=?)\s*[012]\b"
    r"|\b(is|is not|==|===|!=|!==)\s*(None|null|nil|undefined)\b"
    r"|\b(isEmpty|is_empty|empty)\s*\(|\braise\b|\bthrow\b|\bif\s*\(?\s*\w+\s*(==|<=?)\s*0\b"
)
_RETURN = re.compile(r"\b(return|yield)\b")
_COMMENT = re.compile(r"(^|\s)(#(?!include)|//|--)\s*\S|/\*|\"\"\"|'''", re.MULTILINE)
_TEST_CODE = re.compile(r"\bassert\w*\b|\bdef test_\w+|\b(describe|it|test|expect)\s*\(")
_LANGUAGE_GUESSES = (
    (re.compile(r"^\s*def \w+\(.*\)\s*(->.*)?:\s*$", re.MULTILINE), "python"),
    (re.compile(r"^\s*func \w+\(", re.MULTILINE), "go"),
    (re.compile(r"^\s*(pub\s+)?fn \w+", re.MULTILINE), "rust"),
    (re.compile(r"#include\s*<"), "c++"),
    (re.compile(r"\bpublic\s+(static\s+)?\w[\w<>\[\]]*\s+\w+\s*\("), "java"),
    (re.compile(r"\bfunction\b|\bconst \w+\s*=|=>"), "javascript"),
)


@dataclass(frozen=True)
class CodeEvidence:
    """What a code submission shows, read with language-agnostic patterns."""

    language: str
    lines: int
    defines_function: bool
    has_loop: bool
    checks_edge_cases: bool
    returns_value: bool
    has_comments: bool
    has_tests: bool


def read_code(code: CodeSnapshot) -> CodeEvidence:
    """Read structure signals from a code submission."""
    content = code.content
    language = code.language.strip().lower()
    if language in ("", "text", "plain", "plaintext", "txt", "unknown"):
        language = next(
            (name for pattern, name in _LANGUAGE_GUESSES if pattern.search(content)), "code"
        )
    return CodeEvidence(
        language=language,
        lines=sum(1 for line in content.splitlines() if line.strip()),
        defines_function=bool(_FUNCTION.search(content)),
        has_loop=bool(_LOOP.search(content)),
        checks_edge_cases=bool(_EDGE_CHECK.search(content)),
        returns_value=bool(_RETURN.search(content)),
        has_comments=bool(_COMMENT.search(content)),
        has_tests=bool(_TEST_CODE.search(content)),
    )


@dataclass(frozen=True)
class InterviewEvidence:
    """What the candidate did during the interview, with score-steering text removed."""

    candidate_messages: int
    candidate_words: int
    questions: int
    long_explanations: int
    stated_approach: bool
    named_complexity: bool
    matched_optimal_time: bool
    discussed_space: bool
    discussed_tests: bool
    discussed_tradeoffs: bool
    code_submissions: int
    code: CodeEvidence | None


def gather_evidence(ctx: TurnContext) -> InterviewEvidence:
    """Read the transcript and latest code of an interview into evidence."""
    prose = [prose_of(entry.text) for entry in ctx.transcript if entry.role is Role.CANDIDATE]
    said = "\n".join(prose)
    named = complexity_terms(said)
    optimal = complexity_terms(ctx.problem.optimal_complexity)
    # Without a stated optimum, naming any bound is the best evidence there is.
    matched = optimal[0] in named if optimal else bool(named)
    has_code = ctx.latest_code is not None and bool(ctx.latest_code.content.strip())
    return InterviewEvidence(
        candidate_messages=sum(1 for text in prose if text.strip()),
        candidate_words=sum(len(text.split()) for text in prose),
        questions=sum(1 for text in prose if asks_question(text)),
        long_explanations=sum(1 for text in prose if len(text.split()) >= 25),
        stated_approach=describes_approach(said),
        named_complexity=mentions_complexity(said),
        matched_optimal_time=matched,
        discussed_space=mentions_complexity(said) and bool(_SPACE_TALK.search(said)),
        discussed_tests=discusses_testing(said),
        discussed_tradeoffs=discusses_tradeoffs(said),
        code_submissions=max(ctx.code_submissions, 1 if has_code else 0),
        code=read_code(ctx.latest_code) if has_code and ctx.latest_code else None,
    )


# --- The heuristic rubric -----------------------------------------------------------


@dataclass(frozen=True)
class _Signal:
    present: bool
    strength: str
    improvement: str


def _clamp(score: float) -> int:
    return max(0, min(100, int(score + 0.5)))


def weighted_overall(communication: int, problem_solving: int, code_quality: int) -> int:
    """0.3 communication + 0.4 problem solving + 0.3 code quality, rounded half up."""
    return _clamp(
        WEIGHT_COMMUNICATION * communication
        + WEIGHT_PROBLEM_SOLVING * problem_solving
        + WEIGHT_CODE_QUALITY * code_quality
    )


def _communication(ev: InterviewEvidence) -> int:
    return _clamp(
        min(30, ev.candidate_words // 5)
        + min(15, 3 * ev.candidate_messages)
        + min(20, 10 * ev.questions)
        + (15 if ev.stated_approach else 0)
        + (10 if ev.long_explanations else 0)
        + (10 if ev.discussed_tradeoffs else 0)
    )


def _problem_solving(ev: InterviewEvidence) -> int:
    return _clamp(
        (15 if ev.questions else 0)
        + (20 if ev.stated_approach else 0)
        + (10 if ev.named_complexity else 0)
        + (10 if ev.matched_optimal_time else 0)
        + (5 if ev.discussed_space else 0)
        + (20 if ev.code_submissions else 0)
        + (10 if ev.discussed_tests else 0)
        + (10 if ev.discussed_tradeoffs else 0)
    )


def _code_quality(ev: InterviewEvidence) -> int:
    code = ev.code
    if code is None:
        return 0
    return _clamp(
        20
        + (10 if code.lines >= 5 else 0)
        + (5 if code.lines >= 10 else 0)
        + (15 if code.defines_function else 0)
        + (10 if code.has_loop else 0)
        + (15 if code.checks_edge_cases else 0)
        + (10 if code.returns_value else 0)
        + (5 if code.has_comments else 0)
        + (5 if code.has_tests else 0)
        + (5 if ev.code_submissions >= 2 else 0)
    )


def _signals(ev: InterviewEvidence) -> list[_Signal]:
    code = ev.code
    return [
        _Signal(
            ev.questions > 0,
            "Asked clarifying questions before diving in.",
            "Start by asking clarifying questions about inputs and constraints.",
        ),
        _Signal(
            ev.stated_approach,
            "Explained the approach before coding.",
            "Talk through your approach before writing code.",
        ),
        _Signal(
            ev.named_complexity and ev.matched_optimal_time,
            "Named the time complexity of an optimal solution.",
            "State the time and space complexity and aim for the optimal bound.",
        ),
        _Signal(
            code is not None,
            "Submitted code for review.",
            "Submit code as a snippet or a fenced ``` block, even if it is incomplete.",
        ),
        _Signal(
            code is not None and code.checks_edge_cases,
            "Handled edge cases in the code.",
            "Guard against edge cases such as empty or minimal input in the code.",
        ),
        _Signal(
            ev.discussed_tests,
            "Discussed tests and edge cases.",
            "Walk through test cases, including edge cases, before finishing.",
        ),
        _Signal(
            ev.discussed_tradeoffs,
            "Weighed trade-offs and alternatives.",
            "Compare alternatives and explain the trade-offs you are making.",
        ),
        _Signal(
            ev.long_explanations > 0,
            "Gave clear, structured explanations.",
            "Explain your reasoning in full sentences as you go.",
        ),
    ]


def heuristic_grade(ctx: TurnContext, *, graded_by: str) -> Grade:
    """Grade an interview with the documented rubric (see the module docstring).

    Deterministic: the same transcript and code always give the same grade. Text that
    tries to steer the grade is ignored.
    """
    ev = gather_evidence(ctx)
    communication = _communication(ev)
    problem_solving = _problem_solving(ev)
    code_quality = _code_quality(ev)
    overall = weighted_overall(communication, problem_solving, code_quality)
    signals = _signals(ev)
    strengths = tuple(signal.strength for signal in signals if signal.present)[:4]
    improvements = tuple(signal.improvement for signal in signals if not signal.present)[:4]
    if overall >= 80:
        verdict = f"Strong interview on {ctx.problem.title}."
    elif overall >= 60:
        verdict = f"Good interview on {ctx.problem.title}, with a few gaps."
    elif overall >= 40:
        verdict = f"A partial attempt at {ctx.problem.title}."
    else:
        verdict = f"An early-stage attempt at {ctx.problem.title}."
    next_step = (
        f"Next step: {improvements[0][0].lower()}{improvements[0][1:]}"
        if improvements
        else "Keep practising at this level or try a harder problem."
    )
    return Grade(
        overall=overall,
        communication=communication,
        problem_solving=problem_solving,
        code_quality=code_quality,
        summary=f"{verdict} {next_step}",
        strengths=strengths,
        improvements=improvements,
        graded_by=graded_by,
    )


def apply_evidence_caps(grade: Grade, ctx: TurnContext) -> Grade:
    """Cap a model grade by what the candidate actually did (see the module docstring).

    A prompt injection can make a model return 100s; it cannot make code or words appear.
    """
    ev = gather_evidence(ctx)
    communication = _clamp(grade.communication)
    problem_solving = _clamp(grade.problem_solving)
    code_quality = _clamp(grade.code_quality)
    if ev.code_submissions == 0:
        code_quality = min(code_quality, NO_CODE_MAX_CODE_QUALITY)
        problem_solving = min(problem_solving, NO_CODE_MAX_PROBLEM_SOLVING)
    if ev.candidate_words < MIN_WORDS_FOR_COMMUNICATION:
        communication = min(communication, FEW_WORDS_MAX_COMMUNICATION)
    ceiling = weighted_overall(communication, problem_solving, code_quality)
    overall = min(_clamp(grade.overall), ceiling + OVERALL_MAX_ABOVE_WEIGHTED_MEAN)
    return replace(
        grade,
        overall=_clamp(overall),
        communication=communication,
        problem_solving=problem_solving,
        code_quality=code_quality,
    )


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
