"""The offline interviewer: a deterministic, rule-based interviewer for when no model is set.

It follows the same phases as the model (``phases.next_phase``), asks for clarifying
questions, the approach, its complexity, the code, test cases and a wrap-up, reacts to
what the candidate just said (questions, big-O claims, "I'm stuck", new code) and grades
with the heuristic rubric of ``grading``. The same context always gives the same words.
"""

from __future__ import annotations

import re
import zlib

from bot.interview.grading import (
    CodeEvidence,
    asks_question,
    complexity_terms,
    describes_approach,
    heuristic_grade,
    mentions_complexity,
    prose_of,
    read_code,
)
from bot.interview.models import (
    CodeSnapshot,
    Grade,
    InterviewerReply,
    Phase,
    RetryNotice,
    Role,
    TurnContext,
)
from bot.interview.phases import next_phase

OFFLINE_GRADER = "offline"

_STUCK = re.compile(
    r"\b(hint|hints|stuck|not sure|no idea|don'?t know|clue|help me|i'?m lost)\b",
    re.IGNORECASE,
)
_HINT_MARK = "*Hint "
_PROBE_MARK = "One more probe:"

# Rough order of growth, to tell whether a claimed bound beats the expected one.
_GROWTH_RANK = {
    "o(1)": 0,
    "o(logn)": 1,
    "o(n)": 2,
    "o(nlogn)": 3,
    "o(n^2)": 4,
    "o(n^3)": 5,
    "o(2^n)": 6,
    "o(n!)": 7,
}

_ACKNOWLEDGEMENTS = ("Got it.", "Okay.", "Thanks.", "Understood.", "Right.")

FINISH_HOW = "type `done` or press *Finish interview*"
SEND_CODE_HOW = "a Slack snippet (or text file) or a fenced ``` block"


def _display_term(term: str) -> str:
    return "O(" + term[2:-1].replace("logn", "log n").replace("nlog n", "n log n") + ")"


class OfflineInterviewer:
    """Rule-based interviewer used when no AI model is configured."""

    offline = True

    async def opening(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply:
        """Greet the candidate, say this is the offline mode and how the interview works."""
        problem = ctx.problem
        text = (
            "Hi! I'm the *offline interviewer*: no AI model is configured for this app, so I "
            "follow a fixed script and score you with a documented rubric.\n"
            f"Your problem is *{problem.title}* ({problem.difficulty.value}); it's in the "
            f"message at the top of this thread. You have {ctx.time_limit_minutes} minutes.\n"
            "• Ask clarifying questions first, then walk me through your approach and its "
            "time and space complexity.\n"
            f"• Send code as {SEND_CODE_HOW}.\n"
            f"• To finish, {FINISH_HOW}.\n"
            "What would you like to clarify before you start?"
        )
        return InterviewerReply(text=text, phase=next_phase(ctx))

    async def reply(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply:
        """React to the candidate's pending messages and ask the next question of the phase."""
        phase = next_phase(ctx)
        said = "\n".join(
            prose_of(entry.text) for entry in ctx.pending if entry.role is Role.CANDIDATE
        )
        parts: list[str] = []
        if _STUCK.search(said):
            parts.append(_next_hint(ctx))
        elif ctx.new_code and ctx.latest_code is not None:
            parts.append(_review(ctx.latest_code))
        elif complexity_terms(said):
            parts.append(_complexity_feedback(ctx, said))
        elif asks_question(said) and phase in (Phase.CLARIFY, Phase.APPROACH):
            parts.append(_answer_question(ctx))
        question = _phase_question(ctx, phase)
        if not parts and said.strip():
            # Nothing specific to react to: a short acknowledgement keeps it conversational.
            return InterviewerReply(text=f"{_acknowledgement(ctx)} {question}", phase=phase)
        return InterviewerReply(text="\n".join([*parts, question]), phase=phase)

    async def grade(self, ctx: TurnContext, *, on_retry: RetryNotice | None = None) -> Grade:
        """Grade with the heuristic rubric (``graded_by="offline"``)."""
        return heuristic_grade(ctx, graded_by=OFFLINE_GRADER)

    async def aclose(self) -> None:
        return None


def _turn(ctx: TurnContext) -> int:
    return sum(1 for entry in ctx.transcript if entry.role is Role.INTERVIEWER)


def _acknowledgement(ctx: TurnContext) -> str:
    # Varies with the problem and the turn, never with chance: replies stay reproducible.
    seed = zlib.crc32(ctx.problem.id.encode()) + _turn(ctx)
    return _ACKNOWLEDGEMENTS[seed % len(_ACKNOWLEDGEMENTS)]


def _next_hint(ctx: TurnContext) -> str:
    hints = ctx.problem.hints
    given = sum(
        1 for entry in ctx.transcript if entry.role is Role.INTERVIEWER and _HINT_MARK in entry.text
    )
    if given < len(hints):
        return f"{_HINT_MARK}{given + 1} of {len(hints)}:* {hints[given]}"
    return (
        "That's all the hints I have. Try the simplest correct (brute-force) solution "
        "first, then look for the work it repeats."
    )


def _review(code: CodeSnapshot) -> str:
    evidence = read_code(code)
    where = f", `{code.filename}`" if code.filename else ""
    plural = "" if evidence.lines == 1 else "s"
    lines = [f"Thanks, I got your {evidence.language} code ({evidence.lines} line{plural}{where})."]
    lines.extend(_review_notes(evidence)[:2])
    return "\n".join(lines)


def _review_notes(evidence: CodeEvidence) -> list[str]:
    notes: list[str] = []
    if not evidence.checks_edge_cases:
        notes.append(
            "• I don't see a check for empty or minimal input. What happens with an empty input?"
        )
    if not evidence.has_loop:
        notes.append("• I don't see a loop. How does it visit the whole input?")
    if not evidence.defines_function:
        notes.append("• Consider wrapping it in a function with clear inputs and outputs.")
    if not evidence.returns_value:
        notes.append("• It doesn't seem to return a value. Is that intended?")
    if not notes:
        notes.append("• It's structured as a function with a loop and edge-case checks. Nice.")
    return notes


def _complexity_feedback(ctx: TurnContext, said: str) -> str:
    claimed = complexity_terms(said)[0]
    expected = complexity_terms(ctx.problem.optimal_complexity)
    shown = _display_term(claimed)
    if not expected or claimed not in _GROWTH_RANK or expected[0] not in _GROWTH_RANK:
        return f"Noted: {shown}. Why does that bound hold?"
    if claimed == expected[0]:
        return f"{shown} time is what I'd aim for here."
    if _GROWTH_RANK[claimed] > _GROWTH_RANK[expected[0]]:
        return f"{shown} works, but can you do better on time? Look for work that repeats."
    return f"{shown} is very fast. Are you sure every input can be handled that quickly?"


def _answer_question(ctx: TurnContext) -> str:
    constraints = ctx.problem.constraints
    answer = (
        "Good question. In offline mode I can't answer free-form questions, so state the "
        "assumption you'd make and carry on."
    )
    if constraints:
        answer += " The constraints may settle it: " + "; ".join(constraints[:3]) + "."
    return answer


def _candidate_said_before(ctx: TurnContext) -> str:
    return "\n".join(
        prose_of(entry.text) for entry in ctx.transcript if entry.role is Role.CANDIDATE
    )


def _probe_from_notes(ctx: TurnContext) -> str:
    notes = ctx.problem.grading_notes
    if not notes:
        return "Which edge cases would you test, and what should each return?"
    probes_so_far = sum(
        1
        for entry in ctx.transcript
        if entry.role is Role.INTERVIEWER and _PROBE_MARK in entry.text
    )
    note = notes[probes_so_far % len(notes)].rstrip(".")
    return f"{_PROBE_MARK} _{note}_. Does your solution do that? Explain why or why not."


def _phase_question(ctx: TurnContext, phase: Phase) -> str:
    everything = _candidate_said_before(ctx)
    if phase is Phase.CLARIFY:
        return (
            "Any other questions about the input, edge cases or constraints? When you're "
            "ready, walk me through your approach."
        )
    if phase is Phase.APPROACH:
        if not describes_approach(everything):
            return "How would you approach it? Talk me through the idea before any code."
        return "What are the time and space complexity of that approach?"
    if phase is Phase.CODE:
        if ctx.phase is not Phase.CODE:
            return f"Sounds like a plan. Go ahead and code it, and send it as {SEND_CODE_HOW}."
        if not mentions_complexity(everything):
            return (
                "While you code: what time and space complexity do you expect? "
                f"Send the code as {SEND_CODE_HOW} when ready."
            )
        return f"I haven't received code yet. Send it as {SEND_CODE_HOW} when you're ready."
    if phase is Phase.TEST:
        if ctx.new_code:
            example = ctx.problem.examples[0] if ctx.problem.examples else None
            if example is not None:
                return (
                    f"Walk me through it on `{example.input}` (expected `{example.output}`): "
                    "what does each step produce? Then tell me which edge cases you'd test."
                )
            return (
                "Walk me through it on a small example, then tell me which edge cases you'd test."
            )
        return _probe_from_notes(ctx)
    minutes = max(0, ctx.minutes_left)
    if ctx.phase is Phase.WRAP_UP:
        return f"Thanks, noted. Whenever you're ready for your score, {FINISH_HOW}."
    time_note = f" (about {minutes} min left)" if minutes <= 5 else ""
    return (
        f"Let's wrap up{time_note}. What trade-offs did you make, and what would you improve "
        f"with more time? When you're ready for your score, {FINISH_HOW}."
    )
