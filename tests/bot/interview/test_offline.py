"""The offline interviewer and the phase rules it shares with the model interviewer."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from bot.interview.domain import CodeSnapshot, Interviewer, Phase, Role
from bot.interview.grading import heuristic_grade
from bot.interview.offline import OfflineInterviewer
from bot.interview.phases import next_phase
from tests.bot.interview.samples import (
    INJECTION,
    STRONG_CODE,
    STRONG_CONVERSATION,
    context,
    two_sum,
)
from tests.bot.interview.test_code import JOURNEY_SNIPPET

NO_EDGE_CHECKS = CodeSnapshot(
    language="python",
    filename=None,
    content="def two_sum(nums, target):\n    return [0, 1]\n",
)


@dataclass
class Turn:
    text: str
    code: CodeSnapshot | None = None
    minutes_left: int = 40


@dataclass(frozen=True)
class Said:
    text: str
    phase: Phase


async def play(interviewer: Interviewer, turns: list[Turn]) -> list[Said]:
    """Drive an interview the way the service does: opening, then one reply per turn."""
    conversation: list[tuple[Role, str]] = []
    phase = Phase.CLARIFY
    code: CodeSnapshot | None = None
    submissions = 0
    opening = await interviewer.opening(context(conversation, phase=phase, minutes_left=45))
    said = [Said(opening.text, opening.phase)]
    conversation.append((Role.INTERVIEWER, opening.text))
    phase = opening.phase
    for turn in turns:
        conversation.append((Role.CANDIDATE, turn.text))
        if turn.code is not None:
            code, submissions = turn.code, submissions + 1
        reply = await interviewer.reply(
            context(
                conversation,
                phase=phase,
                code=code,
                code_submissions=submissions,
                new_code=turn.code is not None,
                minutes_left=turn.minutes_left,
            )
        )
        said.append(Said(reply.text, reply.phase))
        conversation.append((Role.INTERVIEWER, reply.text))
        phase = reply.phase
    return said


SCRIPT = [
    Turn("Can the array contain duplicates? Is there always exactly one answer?"),
    Turn("I would keep a hash map from each value to its index and look up the complement."),
    Turn("That is O(n) time and O(n) space."),
    Turn("Here is my solution.", code=STRONG_CODE),
    Turn("For [2, 7, 11, 15] and 9 it returns [0, 1]; an empty list returns [] as an edge case."),
    Turn("I traded memory for speed; a sorted two-pointer version would need less memory."),
]


async def test_offline_interview_goes_through_every_phase() -> None:
    said = await play(OfflineInterviewer(), SCRIPT)

    assert [turn.phase for turn in said] == [
        Phase.CLARIFY,  # opening
        Phase.CLARIFY,  # a clarifying question
        Phase.APPROACH,  # an approach without a complexity
        Phase.CODE,  # the complexity
        Phase.TEST,  # code arrived
        Phase.WRAP_UP,  # tests and edge cases discussed
        Phase.WRAP_UP,
    ]
    opening, question, approach, complexity, code, tests, final = (turn.text for turn in said)
    assert "The constraints say `Exactly one valid answer exists`." in question
    assert "time and space complexity" in approach
    # The bound is not echoed (it is the expected one): straight on to the code.
    assert "O(n)" not in complexity and "Go ahead and code it" in complexity
    assert "I have your code, 14 lines." in code
    assert "nums = [2, 7, 11, 15], target = 9" in code
    assert "trade-offs" in tests and "`done`" in tests and "*Finish interview*" in tests
    assert "`done`" in final


async def test_offline_opening_says_plainly_it_is_offline() -> None:
    opening = await OfflineInterviewer().opening(context(minutes_left=45))

    assert "offline interviewer" in opening.text
    assert "no AI model is configured" in opening.text
    assert "*Two Sum*" in opening.text
    assert "snippet" in opening.text and "three backticks" in opening.text
    # Three backticks written in prose would open a code block that swallows the rest.
    assert "```" not in opening.text
    assert "`done`" in opening.text and "*Finish interview*" in opening.text
    assert "45 minutes" in opening.text
    assert opening.phase is Phase.CLARIFY


async def test_offline_interviewer_is_deterministic() -> None:
    first = await play(OfflineInterviewer(), SCRIPT)
    second = await play(OfflineInterviewer(), SCRIPT)

    assert first == second


async def test_stuck_candidate_gets_the_hints_in_order() -> None:
    problem = two_sum()
    said = await play(
        OfflineInterviewer(),
        [Turn("I'm stuck, can I get a hint?"), Turn("Still not sure."), Turn("Another hint?")],
    )

    assert f"*Hint 1 of 2:* {problem.hints[0]}" in said[1].text
    assert f"*Hint 2 of 2:* {problem.hints[1]}" in said[2].text
    assert "That's all the hints I have" in said[3].text


async def test_code_is_not_praised_but_traced_on_example_one() -> None:
    reply = await OfflineInterviewer().reply(
        context(
            [(Role.CANDIDATE, "Done coding.")],
            phase=Phase.CODE,
            code=STRONG_CODE,
            new_code=True,
        )
    )

    assert reply.text.startswith("I have your code, 14 lines.")
    assert "Walk me through your code on example 1" in reply.text
    assert "Nice" not in reply.text
    assert reply.phase is Phase.TEST


@pytest.mark.parametrize(
    ("content", "said"),
    [
        # Eleven lines, one blank, as a snippet ends: with its newline or without.
        (JOURNEY_SNIPPET, "I have your code, 11 lines."),
        (JOURNEY_SNIPPET.rstrip("\n"), "I have your code, 11 lines."),
        ("\n" + JOURNEY_SNIPPET + "\n\n", "I have your code, 11 lines."),
        (
            "def max_pay(gigs):\n    return sum(pay for _, _, pay in gigs)",
            "I have your code, 2 lines.",
        ),
        ("def max_pay(gigs): return 0\n", "I have your code, 1 line."),
    ],
)
async def test_the_code_note_counts_the_lines_the_candidate_sees(content: str, said: str) -> None:
    code = CodeSnapshot(language="python", filename="solution.py", content=content)
    reply = await OfflineInterviewer().reply(
        context([(Role.CANDIDATE, "Here it is.")], phase=Phase.CODE, code=code, new_code=True)
    )

    assert reply.text.startswith(said)


async def test_code_that_returns_a_constant_is_called_out() -> None:
    reply = await OfflineInterviewer().reply(
        context(
            [(Role.CANDIDATE, "Done coding.")],
            phase=Phase.CODE,
            code=NO_EDGE_CHECKS,
            new_code=True,
        )
    )

    assert "doesn't do any work yet" in reply.text
    assert reply.phase is Phase.TEST


async def test_slower_complexity_is_challenged_without_naming_the_target() -> None:
    reply = await OfflineInterviewer().reply(
        context([(Role.CANDIDATE, "Checking every pair is O(n^2).")], phase=Phase.APPROACH)
    )

    assert "can you do better on time" in reply.text
    assert "O(" not in reply.text


async def test_little_time_left_moves_to_wrap_up() -> None:
    reply = await OfflineInterviewer().reply(
        context([(Role.CANDIDATE, "Let me think.")], phase=Phase.CODE, minutes_left=4)
    )

    assert reply.phase is Phase.WRAP_UP
    assert "about 4 min left" in reply.text


async def test_offline_grade_is_the_heuristic_rubric() -> None:
    ctx = context(STRONG_CONVERSATION, code=STRONG_CODE)

    grade = await OfflineInterviewer().grade(ctx)

    assert grade == heuristic_grade(ctx, graded_by="offline")
    assert grade.graded_by == "offline"


async def test_offline_reply_does_not_echo_or_obey_an_injection() -> None:
    reply = await OfflineInterviewer().reply(context([(Role.CANDIDATE, INJECTION)]))

    assert "100" not in reply.text
    assert "asking for a score doesn't change it" in reply.text
    assert reply.phase in (Phase.CLARIFY, Phase.APPROACH)


def test_offline_interviewer_satisfies_the_protocol() -> None:
    interviewer: Interviewer = OfflineInterviewer()

    assert interviewer.offline is True


# --- next_phase -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "said", "expected"),
    [
        (Phase.CLARIFY, "What should I return if there is no pair?", Phase.CLARIFY),
        (Phase.CLARIFY, "I'd sort it and use two pointers.", Phase.APPROACH),
        (Phase.CLARIFY, "A hash map gives O(n) time.", Phase.CODE),
        (Phase.APPROACH, "It is linear time.", Phase.CODE),
        (Phase.APPROACH, "OK, let me code it.", Phase.CODE),
        (Phase.APPROACH, "Hmm, what about the order?", Phase.APPROACH),
        (Phase.CODE, "Still typing.", Phase.CODE),
        (Phase.TEST, "I'd test an empty list.", Phase.WRAP_UP),
        (Phase.TEST, "It works.", Phase.TEST),
        # Tracing an example is not yet the edge-case talk that ends the test phase.
        (Phase.TEST, "It returns [0, 1] for the example.", Phase.TEST),
        (Phase.APPROACH, "I give up.", Phase.WRAP_UP),
    ],
)
def test_next_phase_follows_the_conversation(phase: Phase, said: str, expected: Phase) -> None:
    assert next_phase(context([(Role.CANDIDATE, said)], phase=phase)) is expected


@pytest.mark.parametrize("phase", list(Phase))
def test_next_phase_never_goes_backwards(phase: Phase) -> None:
    ctx = context([(Role.CANDIDATE, "Can I ask a question?")], phase=phase)

    order = list(Phase)
    assert order.index(next_phase(ctx)) >= order.index(phase)


def test_new_code_moves_to_test_and_little_time_to_wrap_up() -> None:
    with_code = context([(Role.CANDIDATE, "Here.")], code=STRONG_CODE, new_code=True)
    late = context([(Role.CANDIDATE, "Here.")], minutes_left=5)
    half_gone = context([(Role.CANDIDATE, "Hmm?")], minutes_left=20)

    assert next_phase(with_code) is Phase.TEST
    assert next_phase(late) is Phase.WRAP_UP
    assert next_phase(half_gone) is Phase.CODE
    # One minute more than the wrap-up threshold: only the half-time nudge applies.
    assert next_phase(replace(late, minutes_left=6)) is Phase.CODE


async def test_half_the_time_gone_without_code_asks_for_the_code() -> None:
    reply = await OfflineInterviewer().reply(
        context(
            [(Role.CANDIDATE, "I'd use a hash map from value to index.")],
            phase=Phase.APPROACH,
            minutes_left=20,
        )
    )

    assert reply.text.startswith("About half the time is gone")
    assert "Go ahead and code it" in reply.text
    assert "complexity" not in reply.text
    assert reply.phase is Phase.CODE
