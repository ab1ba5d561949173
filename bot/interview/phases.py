"""How the model interviewer's interview moves through its phases: clarify → approach →
code → test → wrap_up.

The model interviewer persists ``next_phase`` with each reply; the offline interviewer
decides its phase from its conversation state instead (``offline.decide``) and shares only
the wrap-up threshold and the order. The phase never goes backwards. Rules, applied to
the candidate messages not answered yet (``ctx.pending``):

* few minutes left (``wrap_up_threshold_minutes``) → wrap_up;
* code arrived (``ctx.new_code`` or any submission) → at least test;
* clarify: an approach *and* a complexity in the same turn → code; an approach, a
  complexity or 3+ candidate messages in total → approach;
* approach: complexity talk or "let me code it" → code; 6+ candidate messages → code;
* before code with half the time gone → code (so there is time to write it);
* test: talk about tests or edge cases → wrap_up;
* "I give up" → wrap_up.
"""

from __future__ import annotations

import re

from bot.interview.conversation import (
    describes_approach,
    discusses_edge_cases,
    gives_up,
    names_complexity,
    prose_of,
)
from bot.interview.domain import Phase, Role, TurnContext

PHASE_ORDER: tuple[Phase, ...] = (
    Phase.CLARIFY,
    Phase.APPROACH,
    Phase.CODE,
    Phase.TEST,
    Phase.WRAP_UP,
)

# Enough questions asked: nudge the candidate on to the approach.
CLARIFY_MAX_CANDIDATE_MESSAGES = 3
# Enough talk about the approach: time to write code.
APPROACH_MAX_CANDIDATE_MESSAGES = 6

_READY_TO_CODE = re.compile(
    r"\b(let me|let's|i'll|i will|i'm going to|going to|start(ing)? to|ready to)\s+"
    r"(code|coding|write|implement|type)\b|\bstart(ing)? coding\b",
    re.IGNORECASE,
)


def wrap_up_threshold_minutes(time_limit_minutes: int) -> int:
    """Minutes left at which the interview moves to wrap-up: 5, or less for short limits."""
    return max(1, min(5, time_limit_minutes // 5))


def _later(current: Phase, candidate: Phase) -> Phase:
    return max(current, candidate, key=PHASE_ORDER.index)


def next_phase(ctx: TurnContext) -> Phase:
    """The phase the interview is in after the interviewer answers ``ctx``.

    Deterministic and monotonic: the result is never earlier than ``ctx.phase``.
    """
    phase = ctx.phase
    if ctx.minutes_left <= wrap_up_threshold_minutes(ctx.time_limit_minutes):
        return Phase.WRAP_UP
    said = "\n".join(prose_of(entry.text) for entry in ctx.pending if entry.role is Role.CANDIDATE)
    if gives_up(said):
        return Phase.WRAP_UP
    has_code = ctx.new_code or ctx.code_submissions > 0
    if has_code and PHASE_ORDER.index(phase) < PHASE_ORDER.index(Phase.TEST):
        # Fresh code is reviewed in the test phase before anything else happens.
        return Phase.TEST
    candidate_messages = sum(1 for entry in ctx.transcript if entry.role is Role.CANDIDATE)
    approach = describes_approach(said)
    complexity = names_complexity(said)

    if phase is Phase.CLARIFY:
        if approach and complexity:
            phase = Phase.CODE
        elif approach or complexity or candidate_messages >= CLARIFY_MAX_CANDIDATE_MESSAGES:
            phase = Phase.APPROACH
    elif phase is Phase.APPROACH:
        if (
            complexity
            or _READY_TO_CODE.search(said)
            or candidate_messages >= APPROACH_MAX_CANDIDATE_MESSAGES
        ):
            phase = Phase.CODE
    elif phase is Phase.TEST and said and not ctx.new_code and discusses_edge_cases(said):
        phase = Phase.WRAP_UP

    half_time_gone = ctx.minutes_left * 2 <= ctx.time_limit_minutes
    if half_time_gone and PHASE_ORDER.index(phase) < PHASE_ORDER.index(Phase.CODE):
        phase = Phase.CODE
    return _later(ctx.phase, phase)
