"""What the whole interview proves: the candidate's words, the latest code and its runs.

``InterviewEvidence.runs`` is the interview's ``RunRecord`` (tests passed / total of the
final submission and of the best one, read from the run results in the transcript):
``pass_rate`` is the final submission's share of tests passed, ``best_pass_rate`` the best
one's. Once code has reached its tests they are the main evidence of correctness; code
whose language was never given never ran (``never_ran``) and proves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from bot.interview.domain import Problem, Role, TurnContext
from bot.interview.evidence.code import CodeEvidence, read_code
from bot.interview.evidence.words import (
    GROWTH_RANK,
    MAX_READ_CHARS,
    SALAD_TECHNIQUES,
    complexity_terms,
    discusses_testing,
    discusses_tradeoffs,
    is_approach,
    is_clarifying_question,
    is_giving_up,
    is_hint_request,
    is_manipulation,
    named_complexities,
    reports_a_fix,
    sentences_in,
    split_fences,
    techniques_in,
    traces_an_example,
    words_in,
)
from bot.interview.outbox import UNKNOWN_LANGUAGE, RunFailure, RunResultPost
from bot.interview.run_record import RunRecord

# A message of this many words (keyword salad aside) is a long explanation.
LONG_EXPLANATION_WORDS = 25


@dataclass(frozen=True)
class InterviewEvidence:
    """What the candidate did during the interview, manipulation attempts set aside."""

    candidate_messages: int
    candidate_words: int
    clarifying_questions: int
    hint_requests: int
    manipulation_attempts: int
    gave_up: bool
    long_explanations: int
    stated_approach: bool
    keyword_salad: bool
    # Bounds the candidate named, in order; their kind from the words around them.
    time_terms: tuple[str, ...]
    space_terms: tuple[str, ...]
    optimal_time: str | None  # the problem's expected time bound, normalised
    reached_optimal_time: bool
    optimal_from_the_start: bool
    claimed_faster_than_possible: bool
    discussed_tests: bool
    traced_example: bool
    discussed_tradeoffs: bool
    reported_fix: bool
    code_submissions: int
    code: CodeEvidence | None
    # Tests passed / total of the final and the best submission that reached its tests.
    runs: RunRecord = RunRecord()
    # The latest code could not run because its language was never given.
    never_ran: bool = False

    @property
    def discussed_space(self) -> bool:
        return bool(self.space_terms)

    @property
    def has_code(self) -> bool:
        return self.code is not None

    @property
    def pass_rate(self) -> float | None:
        """Share of the tests the final submission passes (0.0-1.0); None when none ran."""
        return self.runs.final_rate if self.code is not None else None

    @property
    def best_pass_rate(self) -> float | None:
        """Share of the tests the best submission passes; None when none ran."""
        return self.runs.best_rate if self.code is not None else None

    @property
    def passes_every_test(self) -> bool:
        rate = self.pass_rate
        return rate is not None and rate >= 1.0

    @property
    def working_code(self) -> bool:
        """Code that defines what the statement asks for and does some work; once it has
        run, it must also pass a test (reading is no proof against the tests)."""
        code = self.code
        reads_as_working = (
            code is not None and not code.is_stub and code.defines_entry_point is not False
        )
        rate = self.pass_rate
        return reads_as_working and (rate is None or rate > 0)


def shown_failures(problem: Problem, run: RunResultPost) -> tuple[RunFailure, ...]:
    """The run's failing examples the candidate has seen in the statement. A failure whose
    input is not an example's is never passed on, so a hidden test's input cannot reach the
    thread or a model even if a run result carried one."""
    examples = {" ".join(example.input.split()) for example in problem.examples}
    return tuple(f for f in run.failures if " ".join(f.input.split()) in examples)


def _candidate_texts(ctx: TurnContext) -> Iterator[str]:
    for entry in ctx.transcript:
        if entry.role is Role.CANDIDATE:
            yield entry.text[:MAX_READ_CHARS]


def _rank(term: str) -> int | None:
    return GROWTH_RANK.get(term)


def _optimal_time(problem: Problem) -> str | None:
    for named in named_complexities(problem.optimal_complexity):
        if named.kind == "time":
            return named.term
    terms = complexity_terms(problem.optimal_complexity)
    return terms[0] if terms else None


def _no_slower(term: str, optimal: str) -> bool:
    if term == optimal:
        return True
    mine, best = _rank(term), _rank(optimal)
    return mine is not None and best is not None and mine <= best


@dataclass
class _WordsRead:
    """What the candidate's messages say, counted over the whole interview."""

    messages: int = 0
    words: int = 0
    hints: int = 0
    long: int = 0
    manipulation: int = 0
    clarifying: set[str] = field(default_factory=set)
    approach: bool = False
    salad: bool = False
    gave_up: bool = False
    fix: bool = False
    # The candidate's words, manipulation attempts removed: one entry per message.
    prose: list[str] = field(default_factory=list)

    def read_message(self, text: str) -> None:
        prose, fenced = split_fences(text)
        for body in fenced:  # comments in code can carry an injection too
            self.manipulation += sum(1 for s in sentences_in(body) if is_manipulation(s))
        kept: list[str] = []
        asked_for_hint = salad_here = False
        for sentence in sentences_in(prose):
            if is_manipulation(sentence):
                self.manipulation += 1
                continue
            kept.append(sentence)
            if is_hint_request(sentence):
                asked_for_hint = True
            elif is_clarifying_question(sentence):
                self.clarifying.add(" ".join(sentence.lower().split()))
            self.gave_up = self.gave_up or is_giving_up(sentence)
            kinds = techniques_in(sentence)
            self.approach = self.approach or is_approach(sentence, kinds)
            if len(kinds) >= SALAD_TECHNIQUES:
                self.salad = salad_here = True
            self.fix = self.fix or reports_a_fix(sentence)
        self.hints += asked_for_hint
        said = " ".join(kept)
        count = len(words_in(said))
        if count:
            self.messages += 1
            self.words += count
            if count >= LONG_EXPLANATION_WORDS and not salad_here:
                self.long += 1
        self.prose.append(said)


def _read_words(texts: Iterable[str]) -> _WordsRead:
    read = _WordsRead()
    for text in texts:
        read.read_message(text)
    return read


@dataclass(frozen=True)
class _TimeBounds:
    """The candidate's time bounds against the problem's expected one."""

    optimal: str | None
    reached: bool
    from_the_start: bool
    too_fast: bool


def _time_bounds(time_terms: tuple[str, ...], problem: Problem) -> _TimeBounds:
    optimal = _optimal_time(problem)
    if optimal is None:
        return _TimeBounds(None, bool(time_terms), bool(time_terms), False)
    reached = optimal in time_terms
    from_start = bool(time_terms) and _no_slower(time_terms[0], optimal)
    # Only a bound faster than possible that is the candidate's whole claim: naming a
    # faster alternative next to the expected bound is a fair trade-off to discuss.
    best = _rank(optimal)
    ranks = [rank for rank in map(_rank, time_terms) if rank is not None]
    too_fast = not reached and best is not None and any(rank < best for rank in ranks)
    return _TimeBounds(optimal, reached, from_start and not too_fast, too_fast)


def gather_evidence(ctx: TurnContext) -> InterviewEvidence:
    """Read the transcript, the latest code and what running it did into evidence."""
    words = _read_words(_candidate_texts(ctx))
    said = "\n".join(words.prose)
    named = named_complexities(said)
    time_terms = tuple(n.term for n in named if n.kind == "time")
    bounds = _time_bounds(time_terms, ctx.problem)
    latest = ctx.latest_code
    has_code = latest is not None and bool(latest.content.strip())
    code = read_code(latest, ctx.problem) if has_code and latest is not None else None
    return InterviewEvidence(
        candidate_messages=words.messages,
        candidate_words=words.words,
        clarifying_questions=len(words.clarifying),
        hint_requests=words.hints,
        manipulation_attempts=words.manipulation,
        gave_up=words.gave_up,
        long_explanations=words.long,
        stated_approach=words.approach,
        keyword_salad=words.salad,
        time_terms=time_terms,
        space_terms=tuple(n.term for n in named if n.kind == "space"),
        optimal_time=bounds.optimal,
        reached_optimal_time=bounds.reached,
        optimal_from_the_start=bounds.from_the_start,
        claimed_faster_than_possible=bounds.too_fast,
        discussed_tests=discusses_testing(said),
        traced_example=traces_an_example(said),
        discussed_tradeoffs=discusses_tradeoffs(said),
        reported_fix=words.fix,
        code_submissions=max(ctx.code_submissions, 1 if has_code else 0),
        code=code,
        runs=ctx.runs,
        never_ran=(
            code is not None
            and not ctx.runs.ran
            and ctx.latest_run is not None
            and ctx.latest_run.status == UNKNOWN_LANGUAGE
        ),
    )
