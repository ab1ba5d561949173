"""The conversation state the offline interviewer derives from a transcript."""

from __future__ import annotations

import time

import pytest

from bot.interview.conversation import (
    answer_from_problem,
    complexity_claims,
    growth_degree,
    read_conversation,
)
from bot.interview.domain import CodeSnapshot, Phase, Role
from bot.interview.evidence.words import complexity_terms
from bot.interview.offline import OfflineInterviewer
from bot.interview.problem_bank import ProblemBank
from tests.bot.interview.samples import context

BANK = ProblemBank.default()


@pytest.mark.parametrize(
    ("term", "degree"),
    [
        ("o(1)", 0),
        ("o(logn)", 0.5),
        ("o(n)", 1),
        ("o(nlogn)", 1.5),
        ("o(n^2)", 2),
        ("o(n*m)", 2),
        ("o(n+m)", 1),
        ("o(max_rides*m)", 2),
        ("o(rows*cols*k)", 3),
        ("o(2^n)", 99),
    ],
)
def test_growth_degree_orders_bounds(term: str, degree: float) -> None:
    assert growth_degree(term) == degree


def test_time_and_space_bounds_are_told_apart() -> None:
    times, spaces = complexity_claims("That is O(n log n) time, and O(1) extra space.")
    assert times == ["o(nlogn)"] and spaces == ["o(1)"]
    times, spaces = complexity_claims("Linear time with constant memory.")
    assert times == ["o(n)"] and spaces == ["o(1)"]


@pytest.mark.parametrize("bound", ["O(n³)", "O(n × m)", "O(n log(n))", "O(n**2)", "O(1)"])
def test_a_bound_is_read_as_the_grader_reads_it(bound: str) -> None:
    # One reading of a bound: what the interviewer asks about is what the grade counts.
    times, _ = complexity_claims(f"It runs in {bound} time.")
    assert times == list(complexity_terms(bound))


def test_a_bound_in_lower_case_or_a_bare_constant_still_counts_in_chat() -> None:
    assert complexity_claims("o(n) time, constant space") == (["o(n)"], ["o(1)"])


def test_questions_are_answered_from_the_problem_lines() -> None:
    room = BANK.get("double-booked-room")
    assert room is not None
    sorted_answer = answer_from_problem(room, "Is the input sorted?")
    assert sorted_answer.statement == ("The bookings are in no particular order.",)
    empty = answer_from_problem(room, "Can the list of bookings be empty?")
    assert "0 <= len(bookings) <= 10^5" in empty.constraints
    colour = answer_from_problem(room, "What's your favourite colour?")
    assert colour.constraints == () and colour.statement == ()


def test_hint_requests_are_requests_not_mentions() -> None:
    asks = read_conversation(context([(Role.CANDIDATE, "Could I have another hint?")]))
    mentions = read_conversation(
        context([(Role.CANDIDATE, "I relied on the hints; I'd review prefix sums.")])
    )
    assert asks.hint_requested and not mentions.hint_requested
    assert asks.questions_asked == 0  # a hint request is not a clarifying question


def test_bounds_are_judged_against_the_expected_one_internally() -> None:
    slow = read_conversation(context([(Role.CANDIDATE, "Every pair, so O(n^2) time.")]))
    fast = read_conversation(context([(Role.CANDIDATE, "A hash map, O(n) time, O(n) space.")]))
    assert slow.time_bound == "o(n^2)" and slow.time_bound_optimal is False
    assert fast.time_bound_optimal is True and fast.space_stated


def test_code_that_does_not_use_the_stated_technique_is_asked_about() -> None:
    nested = CodeSnapshot(
        "python",
        None,
        "def two_sum(nums, target):\n    for i in range(len(nums)):\n"
        "        for j in range(i + 1, len(nums)):\n"
        "            if nums[i] + nums[j] == target:\n                return [i, j]\n",
    )
    ctx = context(
        [
            (Role.CANDIDATE, "I'd use a hash map from value to index: O(n) time, O(n) space."),
            (Role.INTERVIEWER, "Sounds like a plan."),
            (Role.CANDIDATE, "Here it is."),
        ],
        phase=Phase.CODE,
        code=nested,
        new_code=True,
    )
    state = read_conversation(ctx)
    assert state.techniques_missing == ("a hash map",)
    assert state.code is not None and state.code.nested_pair_loops


async def test_the_state_is_rebuilt_from_the_transcript_alone() -> None:
    # Two interviewer objects, no shared memory: the same transcript, the same reply.
    ctx = context(
        [
            (Role.CANDIDATE, "Can the array be empty?"),
            (Role.INTERVIEWER, "The constraints say `2 <= len(nums) <= 10^4`."),
            (Role.CANDIDATE, "I'm stuck, any hint?"),
        ]
    )
    first = await OfflineInterviewer().reply(ctx)
    second = await OfflineInterviewer().reply(ctx)
    assert first == second
    assert first.text.startswith("*Hint 1 of 2:*")


@pytest.mark.parametrize(
    "text",
    ["hint " * 20000, "O(" * 50000, "a " * 50000, "not sure " * 12000, "give me " * 12000],
    ids=["hints", "big-o", "words", "unsure", "give-me"],
)
async def test_a_huge_message_is_answered_without_stalling(text: str) -> None:
    # A guard against patterns that backtrack across a 100 KB paste (linear takes ~50 ms).
    code = CodeSnapshot("python", None, ("for i in range(n):\n    " * 5000))
    ctx = context([(Role.CANDIDATE, text)], code=code, new_code=True, phase=Phase.CODE)
    started = time.perf_counter()
    reply = await OfflineInterviewer().reply(ctx)
    assert reply.text
    assert time.perf_counter() - started < 2.0


def test_a_question_states_no_approach_but_a_proposal_does() -> None:
    asked = read_conversation(context([(Role.CANDIDATE, "Is the input sorted?")]))
    proposed = read_conversation(
        context([(Role.CANDIDATE, "Could I sort the numbers and use two pointers?")])
    )
    assert not asked.approach_stated and asked.questions_asked == 1
    assert proposed.approach_stated and proposed.questions_asked == 0


async def test_a_clarifying_candidate_gets_no_unasked_for_hint() -> None:
    conversation: list[tuple[Role, str]] = []
    interviewer = OfflineInterviewer()
    for question in (
        "Can the array be empty?",
        "Are the values sorted?",
        "Can numbers repeat?",
        "Is there always an answer?",
        "How big can the numbers get?",
    ):
        conversation.append((Role.CANDIDATE, question))
        reply = await interviewer.reply(context(conversation))
        assert "Hint" not in reply.text, reply.text
        conversation.append((Role.INTERVIEWER, reply.text))
