"""The offline interviewer: a deterministic, rule-based interviewer for when no model is set.

Each reply is decided from the conversation state (``conversation.read_conversation``),
which is derived from the stored transcript alone, so a restart changes nothing. A reply
is at most a short reaction (an answer from the problem's own data, a note on the code, a
hint) and exactly one ask; no sentence is ever said twice in a thread. The interview moves
clarify → approach → complexity → code → test (trace example 1, one edge case, one probe)
→ wrap-up, and the test phase always ends. When new code has run against the tests, the
run leads: a failing example is named (input, expected, actual) and asked about; when every
test passes the interviewer moves on to complexity and edge cases; code that could not run
is reviewed by reading and never said to have run. Nothing from the problem's hidden grading
notes, its expected complexity or its hidden tests is ever written: probes come from the
problem's ``probes`` and its examples. It grades with the heuristic rubric of ``grading``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.interview.conversation import (
    HINT_MARK,
    CodeReading,
    Conversation,
    answer_from_problem,
    asks_for_a_function,
    is_input_question,
    read_conversation,
    sentences_of,
)
from bot.interview.domain import (
    Grade,
    InterviewerReply,
    Phase,
    Problem,
    RetryNotice,
    TurnContext,
)
from bot.interview.evidence.code import entry_point_name
from bot.interview.evidence.interview import shown_failures
from bot.interview.grading import heuristic_grade
from bot.interview.outbox import RunFailure, RunResultPost
from bot.interview.phases import PHASE_ORDER, wrap_up_threshold_minutes

OFFLINE_GRADER = "offline"

FINISH_HOW = "type `done` or press *Finish interview*"
# Three backticks written out in prose would open a code block in Slack.
SEND_CODE_HOW = "a Slack snippet (or a text file) or a code block (wrap it in three backticks)"

# How many asks the test phase makes about one piece of code before the wrap-up.
TEST_ASKS = 3
# Nudges for code before the interviewer asks for an outline in words instead.
CODE_NUDGES = 3


@dataclass(frozen=True)
class _Reply:
    reactions: tuple[str, ...]
    ask: str
    phase: Phase

    def text(self) -> str:
        return "\n".join(part for part in (*self.reactions, self.ask) if part)


_React = Callable[[str], None]
_Build = Callable[[str, Phase], _Reply]


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
            f"message at the top of this thread. You have {ctx.time_limit_minutes} "
            f"minute{'' if ctx.time_limit_minutes == 1 else 's'}.\n"
            "• Ask clarifying questions first, then walk me through your approach and its "
            "time and space complexity.\n"
            f"• Send code as {SEND_CODE_HOW}.\n"
            f"• To finish, {FINISH_HOW}.\n"
            "What would you like to clarify before you start?"
        )
        return InterviewerReply(text=text, phase=Phase.CLARIFY)

    async def reply(
        self, ctx: TurnContext, *, on_retry: RetryNotice | None = None
    ) -> InterviewerReply:
        """React to the candidate's pending messages with one reply of one intent."""
        decided = decide(ctx)
        return InterviewerReply(text=decided.text(), phase=decided.phase)

    async def grade(self, ctx: TurnContext, *, on_retry: RetryNotice | None = None) -> Grade:
        """Grade with the heuristic rubric (``graded_by="offline"``)."""
        return heuristic_grade(ctx, graded_by=OFFLINE_GRADER)

    async def aclose(self) -> None:
        return None


# --- What the interviewer says ----------------------------------------------------------
# Every ask comes in variants; the first one not yet said in the thread is used, so no
# sentence repeats. Lists are tuples of whole messages-parts built from sentences.

ASK_APPROACH = (
    "How would you approach it? Talk me through the idea before any code.",
    "What's the first idea that comes to mind, even a slow one?",
    "Describe the steps your solution would take, in plain words.",
)
ASK_COMPLEXITY = (
    "What are the time and space complexity of that approach?",
    "How does the running time grow with the input, and how much extra memory does it use?",
)
ASK_SPACE = (
    "And how much extra space does it use?",
    "What about memory: how much extra space do you need?",
)
ASK_BETTER = (
    "That bound works, but can you do better on time? Look for work that repeats.",
    "Is there a way to avoid some of that repeated work?",
)
ASK_CODE = (
    f"Sounds like a plan. Go ahead and code it, and send it as {SEND_CODE_HOW}.",
    "Take your time; send the code when it's ready.",
    "How is the code coming along? Send what you have, even if it's incomplete.",
    "If you're stuck on a detail, describe it and I'll help; otherwise send what you have.",
)
ASK_OUTLINE = (
    "That's fine. Then outline the code in plain words or pseudocode: what does each step do?",
    "No problem. Describe the code you would write, step by step, in plain words.",
)
ASK_TRACE_OUTLINE = (
    "Thanks. Trace that outline on example 1: what does each step produce?",
    "Which edge cases would your outline need to handle?",
)
ASK_FIX = (
    "Which input shows the bug, and what would you change to fix it?",
    "Send the corrected code when it's ready, and tell me which case it fixes.",
    "Take your time with the fix; send the new version when you have it.",
)
ASK_AFTER_HINT = (
    "How would that change your approach?",
    "What would you try with that in mind?",
    "Where does that leave your idea?",
)
ASK_FILL_STUB = (
    "This code doesn't do any work yet: the body only returns a constant or passes. "
    "Which part of the logic are you unsure how to write?",
    "The function body still does no work. Write out the main loop, even roughly, and send it.",
)
ASK_CARRY_ON = (
    "Carry on when you're ready.",
    "Back to you.",
    "Go on whenever you like.",
)
ASK_ANYTHING_ELSE = (
    "Anything else to clarify, or shall we hear your approach?",
    "Any other question before your approach?",
)
ASK_NESTED = (
    "I see a loop inside a loop over the input here. How much work does that do for a "
    "large input, compared with the bound you stated?",
)
ASK_WRAP_UP = (
    "Let's wrap up. What trade-offs did you make, and what would you improve with more "
    f"time? When you're ready for your score, {FINISH_HOW}.",
)
ASK_GAVE_UP = (
    "What blocked you, and what would you try next with more time? When you're ready for "
    f"your score, {FINISH_HOW}.",
)
CLOSING = (
    f"Thanks, noted. Whenever you're ready for your score, {FINISH_HOW}.",
    f"Understood. You can {FINISH_HOW} whenever you like.",
    "Noted, that goes into the transcript for grading.",
    "Got it. I have nothing more to ask; the score comes when you finish.",
)
REACT_GRADE_TALK = (
    "The score comes only from the work in this thread (questions, approach, code and tests), "
    "so asking for a score doesn't change it.",
    "As before, only the work itself is scored.",
)
REACT_GAVE_UP = "That's okay, and thanks for saying so."
REACT_NO_ANSWER = (
    "I can't answer that from the problem's statement and constraints, which is all I have "
    "in offline mode. State the assumption you'd make and carry on.",
    "That one isn't settled by the problem's text either, so go with a stated assumption.",
)
REACT_NOT_INPUT = (
    "I can't answer that in offline mode; I only answer questions the problem's text settles.",
    "That's not something I can answer in offline mode.",
)
REACT_NO_MORE_HINTS = (
    "That's all the hints I have. Try the simplest correct solution first, then look for "
    "the work it repeats."
)


def _fresh(c: Conversation, variants: Sequence[str], taken: set[str] | None = None) -> str:
    """The first variant with no sentence said before (in the thread or in this reply)."""
    for variant in variants:
        parts = sentences_of(variant)
        if not c.asked_any(parts) and not (taken and any(p.lower() in taken for p in parts)):
            return variant
    return ""


# Edge cases asked about in words: the stored test cases are the hidden tests, so their
# inputs are never quoted.
ASK_EDGE_CASES = (
    "What does your code do on the smallest input the constraints allow?",
    "Which input would make your code do the most work, and how much work is that?",
    "Which edge case would you add as a test of your own, and what should it return?",
)


def _edge_case_asks(problem: Problem) -> tuple[str, ...]:
    """One edge-case question per hidden test beyond the examples, at most three."""
    if not asks_for_a_function(problem):
        return ()  # design problems are driven by operations, not one input
    # Examples name their arguments ("nums = [1], k = 2"); test inputs are positional.
    example_inputs = {
        " ".join(re.sub(r"\b[A-Za-z_]\w*\s*=\s*", "", e.input).split()) for e in problem.examples
    }
    hidden = [c for c in problem.test_cases if " ".join(c.input.split()) not in example_inputs]
    return ASK_EDGE_CASES[: len(hidden)]


def _trace_asks(problem: Problem) -> tuple[str, ...]:
    asks = []
    for number, example in enumerate(problem.examples[:2], start=1):
        asks.append(
            f"Walk me through your code on example {number} (`{example.input}`): what does "
            "each step produce, and what does it return?"
        )
    asks.append("Walk me through your code on a small input of your own, step by step.")
    return tuple(asks)


def _hint(c: Conversation) -> tuple[str, str]:
    """(the hint, the ask after it); past the last hint, a general nudge."""
    hints = c.problem.hints
    if c.hints_given < len(hints):
        hint = f"{HINT_MARK}{c.hints_given + 1} of {len(hints)}:* {hints[c.hints_given]}"
        ask = "" if "?" in hint else _fresh(c, ASK_AFTER_HINT)
        return hint, ask
    if not c.asked(REACT_NO_MORE_HINTS):
        return REACT_NO_MORE_HINTS, ""
    return "", ""


def _quote(line: str) -> str:
    line = line.strip().rstrip(".;")
    return f"`{line}`" if "`" not in line else f'"{line}"'


REACT_ANSWERED_BEFORE = (
    "I answered that above in this thread.",
    "That one is answered earlier in the thread.",
)


def _answers(c: Conversation, taken: set[str]) -> list[str]:
    """Answers to this turn's questions, quoting the problem's own lines, said once each."""
    said: list[str] = []
    quoted_now: set[str] = set()
    not_input = repeated = 0
    unanswered: list[str] = []
    for question in c.questions_now[:3]:
        answer = answer_from_problem(c.problem, question)
        lines = [(line, True) for line in answer.constraints]
        lines += [(line, False) for line in answer.statement]
        if not lines:
            if is_input_question(question):
                unanswered.append(question)
            else:
                not_input += 1
            continue
        forms = []
        for line, is_constraint in lines:
            if line in quoted_now:
                continue
            quoted_now.add(line)
            if is_constraint:
                first = f"The constraints say {_quote(line)}."
                again = f"As the constraints say, {_quote(line)}."
            else:
                first = f'The statement says: "{line}"'
                again = f'As the statement says: "{line}"'
            forms.append((first, again))
        # A line quoted earlier in the thread is repeated only when nothing new answers.
        fresh = [first for first, again in forms if not _quoted_before(c, first, again)]
        repeats = [again for first, again in forms if first not in fresh and not c.asked(again)]
        said.extend(_join_constraint_quotes(fresh) or repeats[:1])
        if forms and not fresh and not repeats:
            repeated += 1
    if unanswered:
        said.append(_fresh(c, REACT_NO_ANSWER, taken) or _cannot_answer(c, unanswered[0]))
    elif not_input and not said:
        said.append(_fresh(c, REACT_NOT_INPUT, taken))
    if repeated and not said:
        said.append(_fresh(c, REACT_ANSWERED_BEFORE, taken))
    return [s for s in said if s]


def _cannot_answer(c: Conversation, question: str) -> str:
    """Said plainly, once per question, after the general wording has been used."""
    shown = " ".join(question.replace('"', "'").split())
    if len(shown) <= 120:
        sentence = f"I can't answer \"{shown}\" from the problem's text either."
        if not c.asked(sentence):
            return sentence
    return _fresh(c, REACT_ANSWERED_BEFORE)


def _quoted_before(c: Conversation, first: str, again: str) -> bool:
    # The quoted line may have been said inside a joined "The constraints say a and b."
    quote = first.removeprefix("The constraints say ").removesuffix(".")
    lead = "the constraints say "
    joined = any(lead in s and quote.lower() in s for s in c.spoken)
    return c.asked(first) or c.asked(again) or joined


def _join_constraint_quotes(sentences: list[str]) -> list[str]:
    """Several constraint quotes of one reply read as one sentence."""
    lead = "The constraints say "
    quotes = [s.removeprefix(lead).removesuffix(".") for s in sentences if s.startswith(lead)]
    if len(quotes) < 2:
        return sentences
    others = [s for s in sentences if not s.startswith(lead)]
    return [f"{lead}{' and '.join(quotes)}.", *others]


def _phase_of(c: Conversation, ctx: TurnContext, wants: Phase) -> Phase:
    return max(ctx.phase, wants, key=PHASE_ORDER.index)


def decide(ctx: TurnContext) -> _Reply:
    """The reply to the pending candidate messages: reactions and one ask."""
    c = read_conversation(ctx)
    taken: set[str] = set()
    reactions: list[str] = []

    def react(text: str) -> None:
        if text:
            reactions.append(text)
            taken.update(s.lower() for s in sentences_of(text))

    def reply(ask: str, phase: Phase) -> _Reply:
        if not ask and not reactions:
            # Nothing left to ask in this phase: the interview moves on to the wrap-up.
            ask, phase = _fresh(c, ASK_WRAP_UP) or _closing(c), Phase.WRAP_UP
        return _Reply(tuple(reactions), ask, _phase_of(c, ctx, phase))

    # Reactions that come before any ask: grade talk and questions are answered always.
    if c.grade_talk:
        react(_fresh(c, REACT_GRADE_TALK))
    for answer in _answers(c, taken):
        react(answer)
    ending = _ending(c, ctx, react, reply, reacted=bool(reactions))
    if ending is not None:
        return ending
    if c.hint_requested and not c.new_code:
        hint, ask = _hint(c)
        react(hint)
        if ask or hint:
            return reply(ask, Phase.APPROACH if c.code is None else Phase.TEST)

    # A turn of questions only gets answers, not a new demand.
    only_questions = (
        c.questions_now
        and not (c.approach_now or c.time_bound_now or c.new_code or c.bug_reported)
        and not c.ready_to_code
    )
    if only_questions and reactions and c.approach_stated:
        carry_on = _fresh(c, ASK_CARRY_ON)
        if carry_on:
            return reply(carry_on, ctx.phase)

    if c.code is not None:
        return _test_phase(c, ctx, react, reply)
    half_time_gone = ctx.minutes_left * 2 <= ctx.time_limit_minutes
    return _before_code(c, react, reply, half_time_gone=half_time_gone)


def _ending(
    c: Conversation, ctx: TurnContext, react: _React, reply: _Build, *, reacted: bool
) -> _Reply | None:
    """The reply once the interview is ending (given up, in the wrap-up or out of time);
    None while it is not."""
    in_wrap_up = ctx.phase is Phase.WRAP_UP or c.asked_any(ASK_WRAP_UP + ASK_GAVE_UP)
    late = ctx.minutes_left <= wrap_up_threshold_minutes(ctx.time_limit_minutes)
    if c.gave_up and not in_wrap_up:
        react(REACT_GAVE_UP if not c.asked(REACT_GAVE_UP) else "")
        return reply(_fresh(c, ASK_GAVE_UP) or _fresh(c, ASK_WRAP_UP), Phase.WRAP_UP)
    if (in_wrap_up or late) and c.code is not None and (c.new_code or c.bug_reported):
        # A bug found or fixed at the end still gets a question about the fix.
        return _test_phase(c, ctx, react, reply)
    if in_wrap_up:
        return reply("" if reacted else _closing(c), Phase.WRAP_UP)
    if late:
        ask = _fresh(c, ASK_WRAP_UP)
        if ask:
            react(f"We have about {max(0, ctx.minutes_left)} min left.")
        return reply(ask or _closing(c), Phase.WRAP_UP)
    return None


def _closing(c: Conversation) -> str:
    line = _fresh(c, CLOSING)
    if line:
        return line
    # Every closing line is used: a sentence that names how many messages there are.
    return f"Noted; that's {len(c.interviewer_messages) + 1} replies from me so far."


REACT_HALF_TIME = "About half the time is gone, so it's a good moment to start coding."


def _before_code(
    c: Conversation, react: _React, reply: _Build, *, half_time_gone: bool = False
) -> _Reply:
    if c.cannot_code:
        if not c.outline_given:
            return reply(_fresh(c, ASK_OUTLINE) or _fresh(c, ASK_TRACE_OUTLINE), Phase.CODE)
        ask = _fresh(c, ASK_TRACE_OUTLINE)
        return reply(ask or _fresh(c, ASK_WRAP_UP), Phase.TEST if ask else Phase.WRAP_UP)
    if not c.approach_stated:
        if c.questions_now:
            # Still clarifying: answers, then a nudge, never a hint nobody asked for.
            ask = _fresh(c, ASK_ANYTHING_ELSE) or _fresh(c, ASK_CARRY_ON) or _fresh(c, ASK_APPROACH)
            return reply(ask, Phase.CLARIFY)
        ask = _fresh(c, ASK_APPROACH)
        if ask:
            return reply(ask, Phase.APPROACH)
        # Three asks for an approach without one: hints are the next help, then wrap-up.
        hint, after = _hint(c)
        react(hint)
        return reply(after, Phase.APPROACH)
    if half_time_gone and not c.asked_any(ASK_CODE) and not c.asked(REACT_HALF_TIME):
        # Bounds can be discussed later; without code there is little to test.
        react(REACT_HALF_TIME)
        return reply(_fresh(c, ASK_CODE), Phase.CODE)
    if c.time_bound is None and not c.ready_to_code:
        ask = _fresh(c, ASK_COMPLEXITY)
        if ask:
            return reply(ask, Phase.APPROACH)
    if c.time_bound_now is not None and c.time_bound_optimal is False:
        ask = _fresh(c, ASK_BETTER)
        if ask:
            return reply(ask, Phase.APPROACH)
    if c.time_bound is not None and not c.space_stated and not c.ready_to_code:
        ask = _fresh(c, ASK_SPACE)
        if ask and not c.asked_any(ASK_SPACE):
            return reply(ask, Phase.APPROACH)
    nudges = c.times_asked(ASK_CODE)
    if nudges >= CODE_NUDGES:
        return reply(_fresh(c, ASK_OUTLINE) or _fresh(c, ASK_WRAP_UP), Phase.CODE)
    return reply(_fresh(c, ASK_CODE), Phase.CODE)


def _code_note(c: Conversation) -> str:
    code = c.code
    if code is None:
        return ""
    plural = "" if code.lines == 1 else "s"
    version = f" (version {c.code_submissions})" if c.code_submissions > 1 else ""
    return f"I have your code{version}, {code.lines} line{plural}."


# A failing example's value is quoted up to this many characters.
MAX_QUOTED_VALUE_CHARS = 120

ASK_ABOUT_FAILURE = (
    "Why does it give that on this input, and what would you change?",
    "What is different about this input, and where does the code go wrong on it?",
    "Trace the code on that input: where does the result first go wrong?",
)
ASK_ABOUT_ERROR = (
    "What in the code leads to that on this input?",
    "Which line gets there on this input, and why?",
)
ASK_HIDDEN_FAILURES = (
    "Thinking of the edge cases the constraints allow, which inputs could your code still "
    "get wrong?",
    "What kind of input have you not handled yet? Walk me through one.",
)
ASK_STOPPED = {
    "compile_error": "What keeps it from loading, and how would you fix it?",
    "timeout": "Which part of the code does more work than it needs to?",
    "memory_limit": "What in the code uses that much memory?",
    "output_limit": "What in the code prints so much?",
    "crashed": "What could make the program stop before finishing the tests?",
}
STOPPED_WHY = {
    "compile_error": "didn't load, so no test ran",
    "timeout": "ran out of time",
    "memory_limit": "ran out of memory",
    "output_limit": "printed more than the output limit",
    "crashed": "stopped before finishing the tests",
}


def _inline(value: str) -> str:
    """A value as inline code, cut short; quoted instead when it holds a backtick."""
    value = " ".join(value.split())
    if len(value) > MAX_QUOTED_VALUE_CHARS:
        value = value[: MAX_QUOTED_VALUE_CHARS - 1] + "…"
    return f"`{value}`" if "`" not in value else f'"{value}"'


def _error_line(error: str) -> str:
    # A traceback's last line names the error; the rest is the way there.
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    return lines[-1] if lines else error


def _failure_reaction(c: Conversation, failure: RunFailure) -> str:
    number = failure.index + 1
    if failure.error:
        got = f"it stops with {_inline(_error_line(failure.error))}"
    else:
        got = f"it returns {_inline(failure.actual or 'nothing')}"
    sentence = (
        f"On example {number} ({_inline(failure.input)}) {got}, but "
        f"{_inline(failure.expected)} is expected."
    )
    # The same failure after a resubmission: said again, in other words.
    return (
        sentence
        if not c.asked(sentence)
        else f"It still fails example {number}: {sentence[0].lower()}{sentence[1:]}"
    )


def _run_ask(c: Conversation, run: RunResultPost, react: _React) -> tuple[str, Phase]:
    """React to what running the new code did; the question it raises ("" when none) and
    the phase it is asked in."""
    if run.passed >= run.total:
        react(_fresh(c, (f"All {run.total} tests pass.", f"All {run.total} tests pass again.")))
        ask = ""
        if c.time_bound is None:
            ask = _fresh(c, ASK_COMPLEXITY)
        elif c.time_bound_optimal is False:
            ask = _fresh(c, ASK_BETTER)
        ask = ask or _fresh(c, (*_edge_case_asks(c.problem), *c.problem.probes))
        if ask:
            return ask, Phase.TEST
        # Nothing left to test: straight on to the wrap-up.
        return _fresh(c, ASK_WRAP_UP) or _closing(c), Phase.WRAP_UP
    failures = shown_failures(c.problem, run)
    if failures:
        failure = failures[0]
        react(_fresh(c, (f"{run.passed} of {run.total} tests pass.", f"Now {run.passed} pass.")))
        react(_failure_reaction(c, failure))
        return _fresh(c, ASK_ABOUT_ERROR if failure.error else ASK_ABOUT_FAILURE), Phase.TEST
    if run.status in ASK_STOPPED:
        why = f"The code {STOPPED_WHY[run.status]}"
        react(_fresh(c, (f"{why} ({run.passed} of {run.total} tests pass).", f"{why} again.")))
        ask = ASK_STOPPED[run.status]
        return (ask if not c.asked(ask) else _fresh(c, ASK_ABOUT_ERROR)), Phase.TEST
    hidden = run.total - run.passed
    react(
        _fresh(
            c,
            (
                f"The examples pass, but {hidden} of the {run.total} tests fail; those are "
                "hidden tests, so I can only count them.",
                f"Now {hidden} hidden tests fail.",
            ),
        )
    )
    return _fresh(c, ASK_HIDDEN_FAILURES), Phase.TEST


def _all_tests_pass(ctx: TurnContext) -> bool:
    run = ctx.latest_run
    return run is not None and run.ran and run.passed >= run.total


def _test_phase(c: Conversation, ctx: TurnContext, react: _React, reply: _Build) -> _Reply:
    code = c.code
    assert code is not None
    if c.new_code:
        asked = _new_code_ask(c, code, ctx.latest_run, react)
        if asked is not None:
            return reply(*asked)
    elif c.bug_reported:
        ask = _fix_ask(c)
        if ask:
            return reply(ask, Phase.TEST)
    if c.time_bound_optimal is False and code.nested_pair_loops:
        ask = _fresh(c, ASK_BETTER)
        if ask:
            return reply(ask, Phase.TEST)
    ask = _next_test_ask(c, code, ctx)
    if ask:
        return reply(ask, Phase.TEST)
    return reply(_fresh(c, ASK_WRAP_UP) or _closing(c), Phase.WRAP_UP)


def _new_code_ask(
    c: Conversation, code: CodeReading, run: RunResultPost | None, react: _React
) -> tuple[str, Phase] | None:
    """The first question new code raises (its note said first), or None when none does."""
    react(_code_note(c))
    if code.is_stub:
        ask = _fresh(c, ASK_FILL_STUB)
        if ask:
            return ask, Phase.TEST
    if code.names_entry_point is False:
        ask = _missing_entry_point_ask(c)
        if ask:
            return ask, Phase.TEST
    if run is not None and run.ran and not code.is_stub:
        # What the code did outweighs anything read from it. Code that could not run
        # goes on to be reviewed by reading, and nothing says it ran.
        ask, phase = _run_ask(c, run, react)
        if ask:
            return ask, phase
    # Code is never praised: without running it, a trace is what shows whether it works.
    ask = _approach_not_in_code_ask(c) or _nested_loops_ask(c) or _fresh(c, _trace_asks(c.problem))
    return (ask, Phase.TEST) if ask else None


def _missing_entry_point_ask(c: Conversation) -> str:
    name = entry_point_name(c.problem)
    ask = (
        f"The statement asks for `{name}`, and I don't see it in this code. "
        "Is this the code for this problem?"
    )
    if not c.asked(ask):
        return ask
    if not c.asked(f"I still don't see `{name}` defined."):
        return (
            f"I still don't see `{name}` defined. Send the code for *{c.problem.title}* "
            "when you have it."
        )
    return ""


def _approach_not_in_code_ask(c: Conversation) -> str:
    if not c.techniques_missing:
        return ""
    named = " or ".join(c.techniques_missing)
    ask = (
        f"You described an approach with {named}, and I don't see it in this code. "
        "Which approach does this code take?"
    )
    return "" if c.asked(ask) else ask


def _nested_loops_ask(c: Conversation) -> str:
    code = c.code
    quadratic_for_a_faster_bound = (
        code is not None
        and code.nested_pair_loops
        and c.time_bound is not None
        and c.time_bound_optimal is not False
        and c.time_bound in ("o(n)", "o(1)", "o(logn)", "o(nlogn)")
    )
    return _fresh(c, ASK_NESTED) if quadratic_for_a_faster_bound else ""


def _fix_ask(c: Conversation) -> str:
    # A report that already names the cause is asked for the fix, not the cause again.
    explained = re.search(
        r"\b(instead of|should (be|have)|forgot|missing|because|off by one)\b",
        c.said_now,
        re.IGNORECASE,
    )
    return _fresh(c, ASK_FIX[1:] if explained else ASK_FIX)


def _next_test_ask(c: Conversation, code: CodeReading, ctx: TurnContext) -> str:
    """A trace, an edge case or a probe, while the test phase's budget of asks lasts."""
    problem = c.problem
    # Questions about the code's own behaviour make no sense of code for another problem.
    cases = _edge_case_asks(problem) if code.names_entry_point is not False else ()
    # Code that passes every test needs no trace to show what it does.
    traces = () if _all_tests_pass(ctx) else _trace_asks(problem)[:1]
    test_asks = (*traces, *cases[:1], *problem.probes[:1])
    asked_so_far = c.times_asked((*_trace_asks(problem), *cases, *problem.probes))
    budget = TEST_ASKS + max(0, c.code_submissions - 1)
    if asked_so_far >= budget:
        return ""
    return _fresh(c, test_asks) or _fresh(c, (*cases[1:], *problem.probes[1:]))
