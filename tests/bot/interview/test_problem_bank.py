"""The problem bank: the packaged problem files, the loader and how a problem is chosen.

The test cases and examples of every problem are run against small reference solutions below,
which proves the data shown to candidates and used for grading is correct.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import json
from collections import Counter, OrderedDict, defaultdict, deque
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.interview import problem_bank as problem_bank_module
from bot.interview.domain import Difficulty, Example, Problem
from bot.interview.domain import TestCase as ProblemTestCase
from bot.interview.problem_bank import (
    TOPICS,
    ProblemBank,
    ProblemBankError,
    load_problems,
    normalize_topic,
)

PACKAGE_DIR = Path(problem_bank_module.__file__).parent
PROBLEMS_DIR = PACKAGE_DIR / "problems"
SCHEMA_PATH = PACKAGE_DIR / "problem.schema.json"
PROBLEM_FILES = sorted(PROBLEMS_DIR.glob("*.yaml"))
REQUIRED_TOPICS = (
    "arrays",
    "strings",
    "hashing",
    "two-pointers",
    "trees",
    "graphs",
    "dynamic-programming",
    "intervals",
    "design",
)


# --- reference solutions -------------------------------------------------------------------


@dataclasses.dataclass
class TreeNode:
    value: int
    left: TreeNode | None = None
    right: TreeNode | None = None


def build_tree(values: Sequence[int | None]) -> TreeNode | None:
    """Build a binary tree from its level-order list, where None marks a missing child."""
    if not values or values[0] is None:
        return None
    root = TreeNode(values[0])
    queue = deque([root])
    index = 1
    while queue and index < len(values):
        node = queue.popleft()
        for side in ("left", "right"):
            if index < len(values) and values[index] is not None:
                child = TreeNode(values[index])  # type: ignore[arg-type]
                setattr(node, side, child)
                queue.append(child)
            index += 1
    return root


def tree_nodes(root: TreeNode | None) -> list[TreeNode]:
    nodes, stack = [], [root]
    while stack:
        node = stack.pop()
        if node is not None:
            nodes.append(node)
            stack.extend((node.left, node.right))
    return nodes


def run_design(cls: type) -> Callable[[list[str], list[list[Any]]], list[Any]]:
    """Replay a design problem's operations against a reference class."""

    def replay(operations: list[str], arguments: list[list[Any]]) -> list[Any]:
        assert operations[0] == cls.__name__
        instance = cls(*arguments[0])
        return [None] + [
            getattr(instance, name)(*args)
            for name, args in zip(operations[1:], arguments[1:], strict=True)
        ]

    return replay


class GarageGate:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.inside: set[str] = set()

    def enter(self, plate: str) -> bool:
        if plate in self.inside or len(self.inside) >= self.capacity:
            return False
        self.inside.add(plate)
        return True

    def leave(self, plate: str) -> bool:
        if plate not in self.inside:
            return False
        self.inside.remove(plate)
        return True

    def occupied(self) -> int:
        return len(self.inside)


class DocumentCache:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.entries: OrderedDict[int, int] = OrderedDict()

    def lookup(self, doc_id: int) -> int:
        if doc_id not in self.entries:
            return -1
        self.entries.move_to_end(doc_id)
        return self.entries[doc_id]

    def store(self, doc_id: int, version: int) -> None:
        self.entries[doc_id] = version
        self.entries.move_to_end(doc_id)
        if len(self.entries) > self.capacity:
            self.entries.popitem(last=False)


class LatencyTracker:
    """Sorted-list reference; the grading notes expect heaps, but this is obviously right."""

    def __init__(self) -> None:
        self.readings: list[int] = []

    def record(self, ms: int) -> None:
        bisect.insort(self.readings, ms)

    def discard(self, ms: int) -> bool:
        index = bisect.bisect_left(self.readings, ms)
        if index == len(self.readings) or self.readings[index] != ms:
            return False
        del self.readings[index]
        return True

    def median(self) -> float:
        middle = len(self.readings) // 2
        if len(self.readings) % 2:
            return float(self.readings[middle])
        return (self.readings[middle - 1] + self.readings[middle]) / 2


def first_solo_sender(senders: list[str]) -> str:
    counts = Counter(senders)
    return next((name for name in senders if counts[name] == 1), "")


def is_near_palindrome(code: str) -> bool:
    chars = [c.lower() for c in code if c != "-"]

    def symmetric(lo: int, hi: int) -> bool:
        return all(chars[lo + i] == chars[hi - i] for i in range((hi - lo + 1) // 2))

    lo, hi = 0, len(chars) - 1
    while lo < hi and chars[lo] == chars[hi]:
        lo, hi = lo + 1, hi - 1
    return lo >= hi or symmetric(lo + 1, hi) or symmetric(lo, hi - 1)


def has_exact_pair(weights: list[int], capacity: int) -> bool:
    lo, hi = 0, len(weights) - 1
    while lo < hi:
        total = weights[lo] + weights[hi]
        if total == capacity:
            return True
        if total < capacity:
            lo += 1
        else:
            hi -= 1
    return False


def leaf_total(root: list[int | None]) -> int:
    return sum(
        node.value
        for node in tree_nodes(build_tree(root))
        if node.left is None and node.right is None
    )


def has_conflict(bookings: list[list[int]]) -> bool:
    ordered = sorted(bookings)
    return any(later[0] < earlier[1] for earlier, later in pairwise(ordered))


def connected(n: int, tracks: list[list[int]], a: int, b: int) -> bool:
    neighbours: dict[int, list[int]] = defaultdict(list)
    for x, y in tracks:
        neighbours[x].append(y)
        neighbours[y].append(x)
    seen, queue = {a}, deque([a])
    while queue:
        station = queue.popleft()
        for nxt in neighbours[station]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return b in seen


def min_toll(tolls: list[int]) -> int:
    # Cheapest cost to stand on the previous two positions; the start platform is free.
    two_back, one_back = float("inf"), 0.0
    for toll in tolls:
        two_back, one_back = one_back, toll + min(one_back, two_back)
    return int(min(one_back, two_back))


def platforms_needed(trains: list[list[int]]) -> int:
    # Arrivals sort before departures in the same minute because occupancy is inclusive.
    events = sorted([(arrive, 0) for arrive, _ in trains] + [(depart, 1) for _, depart in trains])
    present = best = 0
    for _, kind in events:
        present += 1 if kind == 0 else -1
        best = max(best, present)
    return best


def longest_run(belt: str, k: int) -> int:
    counts: Counter[str] = Counter()
    left = best = 0
    for right, letter in enumerate(belt):
        counts[letter] += 1
        while len(counts) > k:
            counts[belt[left]] -= 1
            if counts[belt[left]] == 0:
                del counts[belt[left]]
            left += 1
        best = max(best, right - left + 1)
    return best


def anagram_pairs(labels: list[str]) -> int:
    groups = Counter("".join(sorted(label)) for label in labels)
    return sum(size * (size - 1) // 2 for size in groups.values())


def count_windows(changes: list[int], target: int) -> int:
    seen = Counter({0: 1})
    total = windows = 0
    for change in changes:
        total += change
        windows += seen[total - target]
        seen[total] += 1
    return windows


def lowest_shared_manager(root: list[int | None], a: int, b: int) -> int:
    parents: dict[int, int | None] = {}
    tree = build_tree(root)
    assert tree is not None
    parents[tree.value] = None
    for node in tree_nodes(tree):
        for child in (node.left, node.right):
            if child is not None:
                parents[child.value] = node.value
    ancestors: set[int] = set()
    walker: int | None = a
    while walker is not None:
        ancestors.add(walker)
        walker = parents[walker]
    walker = b
    while walker not in ancestors:
        walker = parents[walker]  # type: ignore[index]
    assert walker is not None
    return walker


def deploy_waves(n: int, depends: list[list[int]]) -> int:
    pending = [0] * n
    dependants: dict[int, list[int]] = defaultdict(list)
    for service, dependency in depends:
        pending[service] += 1
        dependants[dependency].append(service)
    wave = [s for s in range(n) if pending[s] == 0]
    waves = deployed = 0
    while wave:
        waves += 1
        deployed += len(wave)
        next_wave = []
        for service in wave:
            for dependant in dependants[service]:
                pending[dependant] -= 1
                if pending[dependant] == 0:
                    next_wave.append(dependant)
        wave = next_wave
    return waves if deployed == n else -1


def can_split(tag: str, words: list[str]) -> bool:
    known = set(words)
    can = [True] + [False] * len(tag)
    for end in range(1, len(tag) + 1):
        can[end] = any(can[start] and tag[start:end] in known for start in range(end))
    return can[-1]


def shortest_window(belt: str, manifest: str) -> str:
    missing = Counter(manifest)
    missing_total = len(manifest)
    best = (len(belt) + 1, 0)
    left = 0
    for right, code in enumerate(belt):
        if missing[code] > 0:
            missing_total -= 1
        missing[code] -= 1
        while missing_total == 0:
            if right - left + 1 < best[0]:
                best = (right - left + 1, left)
            missing[belt[left]] += 1
            if missing[belt[left]] > 0:
                missing_total += 1
            left += 1
    length, start = best
    return "" if length > len(belt) else belt[start : start + length]


def cheapest_journey(n: int, routes: list[list[int]], start: int, end: int, max_rides: int) -> int:
    best = [float("inf")] * n
    best[start] = 0
    for _ in range(max_rides):
        previous = best[:]
        for origin, destination, fare in routes:
            best[destination] = min(best[destination], previous[origin] + fare)
    return -1 if best[end] == float("inf") else int(best[end])


def trapped_water(heights: list[int]) -> int:
    lo, hi = 0, len(heights) - 1
    left_max = right_max = water = 0
    while lo < hi:
        if heights[lo] < heights[hi]:
            left_max = max(left_max, heights[lo])
            water += left_max - heights[lo]
            lo += 1
        else:
            right_max = max(right_max, heights[hi])
            water += right_max - heights[hi]
            hi -= 1
    return water


def edit_cost(typed: str, intended: str, insert_cost: int, delete_cost: int, replace: int) -> int:
    previous = [j * insert_cost for j in range(len(intended) + 1)]
    for i, source in enumerate(typed, start=1):
        current = [i * delete_cost]
        for j, target in enumerate(intended, start=1):
            current.append(
                min(
                    previous[j] + delete_cost,
                    current[j - 1] + insert_cost,
                    previous[j - 1] + (0 if source == target else replace),
                )
            )
        previous = current
    return previous[-1]


def best_route(root: list[int | None]) -> int:
    best = -(10**18)

    def downward_gain(node: TreeNode | None) -> int:
        nonlocal best
        if node is None:
            return 0
        left = max(downward_gain(node.left), 0)
        right = max(downward_gain(node.right), 0)
        best = max(best, node.value + left + right)
        return node.value + max(left, right)

    downward_gain(build_tree(root))
    return best


def max_pay(gigs: list[list[int]]) -> int:
    ordered = sorted(gigs, key=lambda gig: gig[1])
    ends = [gig[1] for gig in ordered]
    best = [0]
    for index, (start, _, pay) in enumerate(ordered):
        compatible = bisect.bisect_right(ends, start, hi=index)
        best.append(max(best[-1], best[compatible] + pay))
    return best[-1]


def min_steps(grid: list[list[int]], k: int) -> int:
    rows, cols = len(grid), len(grid[0])
    start = (0, 0, k)
    seen = {start}
    queue = deque([(start, 0)])
    while queue:
        (row, col, left), steps = queue.popleft()
        if (row, col) == (rows - 1, cols - 1):
            return steps
        for d_row, d_col in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            r, c = row + d_row, col + d_col
            if 0 <= r < rows and 0 <= c < cols:
                state = (r, c, left - grid[r][c])
                if state[2] >= 0 and state not in seen:
                    seen.add(state)
                    queue.append((state, steps + 1))
    return -1


REFERENCE_SOLUTIONS: dict[str, Callable[..., Any]] = {
    "parking-garage-gate": run_design(GarageGate),
    "first-solo-sender": first_solo_sender,
    "ticket-code-palindrome": is_near_palindrome,
    "parcel-pair-capacity": has_exact_pair,
    "sensor-tree-leaf-total": leaf_total,
    "double-booked-room": has_conflict,
    "rail-stations-connected": connected,
    "corridor-toll-steps": min_toll,
    "platforms-for-timetable": platforms_needed,
    "longest-k-variety-run": longest_run,
    "scrambled-label-pairs": anagram_pairs,
    "net-change-windows": count_windows,
    "lowest-shared-manager": lowest_shared_manager,
    "deploy-waves": deploy_waves,
    "hashtag-splitting": can_split,
    "recent-documents-cache": run_design(DocumentCache),
    "shortest-manifest-window": shortest_window,
    "cheapest-bus-journey": cheapest_journey,
    "rooftop-rain-pools": trapped_water,
    "autocorrect-edit-cost": edit_cost,
    "best-pipeline-route": best_route,
    "freelance-gig-planner": max_pay,
    "latency-median-tracker": run_design(LatencyTracker),
    "crate-breaking-robot": min_steps,
}


def positional_arguments(text: str) -> list[Any]:
    """Arguments of a test case: comma-separated JSON literals."""
    arguments = json.loads(f"[{text}]")
    assert isinstance(arguments, list)
    return arguments


def named_arguments(text: str) -> list[Any]:
    """Arguments of an example (`name = <json>, ...`), in the order they are written."""
    source = f"call({text})"
    call = ast.parse(source, mode="eval").body
    assert isinstance(call, ast.Call)
    assert not call.args, f"example input must name every argument: {text}"
    values = []
    for keyword in call.keywords:
        segment = ast.get_source_segment(source, keyword.value)
        assert segment is not None
        values.append(json.loads(segment))
    return values


# --- the packaged problem files ------------------------------------------------------------


@pytest.fixture(scope="module")
def problems() -> tuple[Problem, ...]:
    return load_problems()


@pytest.fixture(scope="module")
def bank(problems: tuple[Problem, ...]) -> ProblemBank:
    return ProblemBank(problems)


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", PROBLEM_FILES, ids=lambda path: path.stem)
def test_problem_file_matches_the_schema(path: Path) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert document["id"] == path.stem


def test_schema_rejects_what_the_loader_rejects(tmp_path: Path) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    document = yaml.safe_load(PROBLEM_FILES[0].read_text(encoding="utf-8"))
    for broken in (
        {**document, "difficulty": "expert"},
        {**document, "topics": ["recursion"]},
        {**document, "hints": ["only one"]},
        {**document, "extra": "field"},
        {key: value for key, value in document.items() if key != "test_cases"},
    ):
        assert not validator.is_valid(broken)


def test_ids_match_file_stems_and_are_unique(problems: tuple[Problem, ...]) -> None:
    ids = [problem.id for problem in problems]
    assert sorted(ids) == sorted(path.stem for path in PROBLEM_FILES)
    assert len(set(ids)) == len(ids)


def test_bank_has_at_least_eight_problems_per_difficulty(problems: tuple[Problem, ...]) -> None:
    per_difficulty = Counter(problem.difficulty for problem in problems)
    assert all(per_difficulty[difficulty] >= 8 for difficulty in Difficulty)


def test_every_topic_is_covered_and_each_difficulty_mixes_topics(
    problems: tuple[Problem, ...],
) -> None:
    assert set(TOPICS) == set(REQUIRED_TOPICS)
    per_topic = Counter(topic for problem in problems for topic in problem.topics)
    assert {topic: per_topic[topic] >= 2 for topic in REQUIRED_TOPICS} == dict.fromkeys(
        REQUIRED_TOPICS, True
    )
    for difficulty in Difficulty:
        topics = {t for p in problems if p.difficulty == difficulty for t in p.topics}
        assert len(topics) >= 6, f"{difficulty} covers too few topics: {sorted(topics)}"


def test_loader_returns_frozen_dataclasses_holding_tuples(problems: tuple[Problem, ...]) -> None:
    assert [problem.id for problem in problems] == sorted(problem.id for problem in problems)
    for problem in problems:
        assert isinstance(problem, Problem)
        assert isinstance(problem.difficulty, Difficulty)
        for field in ("topics", "examples", "constraints", "hints", "grading_notes"):
            assert isinstance(getattr(problem, field), tuple), (problem.id, field)
        assert all(isinstance(example, Example) for example in problem.examples)
        assert all(isinstance(case, ProblemTestCase) for case in problem.test_cases)
        assert isinstance(problem.test_cases, tuple)
        assert problem.optimal_complexity.startswith("O(")
        assert len(problem.title) <= 60
    with pytest.raises(dataclasses.FrozenInstanceError):
        problems[0].title = "changed"  # type: ignore[misc]


def test_every_problem_has_a_reference_solution(problems: tuple[Problem, ...]) -> None:
    assert set(REFERENCE_SOLUTIONS) == {problem.id for problem in problems}


@pytest.mark.parametrize("problem_id", sorted(REFERENCE_SOLUTIONS))
def test_test_cases_agree_with_the_reference_solution(bank: ProblemBank, problem_id: str) -> None:
    problem = bank.get(problem_id)
    assert problem is not None
    solve = REFERENCE_SOLUTIONS[problem_id]
    for case in problem.test_cases:
        expected = json.loads(case.expected)
        assert solve(*positional_arguments(case.input)) == expected, case.input


@pytest.mark.parametrize("problem_id", sorted(REFERENCE_SOLUTIONS))
def test_examples_agree_with_the_reference_solution(bank: ProblemBank, problem_id: str) -> None:
    problem = bank.get(problem_id)
    assert problem is not None
    solve = REFERENCE_SOLUTIONS[problem_id]
    for example in problem.examples:
        expected = json.loads(example.output)
        assert solve(*named_arguments(example.input)) == expected, example.input


def test_default_bank_loads_the_packaged_files_once() -> None:
    first, second = ProblemBank.default(), ProblemBank.default()
    assert first.problems is second.problems
    assert len(first) == len(PROBLEM_FILES)


# --- lookups and topics --------------------------------------------------------------------


def test_get_finds_problems_by_id(bank: ProblemBank) -> None:
    problem = bank.get("deploy-waves")
    assert problem is not None
    assert problem.difficulty is Difficulty.MEDIUM
    assert bank.get("no-such-problem") is None


def test_topics_are_sorted_and_complete(bank: ProblemBank) -> None:
    assert bank.topics() == tuple(sorted(REQUIRED_TOPICS))


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("dp", "dynamic-programming"),
        ("DP", "dynamic-programming"),
        ("Dynamic Programming", "dynamic-programming"),
        ("dynamic_programming", "dynamic-programming"),
        ("graph", "graphs"),
        ("Graphs", "graphs"),
        ("tree", "trees"),
        ("two pointers", "two-pointers"),
        ("two-pointer", "two-pointers"),
        ("hash", "hashing"),
        ("hashmap", "hashing"),
        ("string", "strings"),
        ("array", "arrays"),
        ("interval", "intervals"),
        ("  design ", "design"),
    ],
)
def test_normalize_topic_accepts_tags_and_aliases(text: str, topic: str) -> None:
    assert normalize_topic(text) == topic


@pytest.mark.parametrize("text", ["", "   ", "recursion", "hard", "trees and graphs"])
def test_normalize_topic_rejects_unknown_text(text: str) -> None:
    assert normalize_topic(text) is None


# --- choosing a problem --------------------------------------------------------------------


def candidates(bank: ProblemBank, difficulty: Difficulty, topic: str | None) -> set[str]:
    return {
        p.id
        for p in bank.problems
        if p.difficulty == difficulty and (topic is None or topic in p.topics)
    }


@pytest.mark.parametrize("difficulty", list(Difficulty))
def test_choose_respects_difficulty(bank: ProblemBank, difficulty: Difficulty) -> None:
    chosen = {
        bank.choose(difficulty=difficulty, topic=None, done_ids=(), seed=seed).id
        for seed in range(50)
    }
    assert chosen == candidates(bank, difficulty, None)


@pytest.mark.parametrize("difficulty", list(Difficulty))
@pytest.mark.parametrize("topic", REQUIRED_TOPICS)
def test_choose_respects_topic_when_it_exists_at_that_difficulty(
    bank: ProblemBank, difficulty: Difficulty, topic: str
) -> None:
    expected = candidates(bank, difficulty, topic) or candidates(bank, difficulty, None)
    chosen = {
        bank.choose(difficulty=difficulty, topic=topic, done_ids=(), seed=seed).id
        for seed in range(20)
    }
    assert chosen == expected


def test_choose_accepts_topic_aliases(bank: ProblemBank) -> None:
    problem = bank.choose(difficulty=Difficulty.HARD, topic="Tree", done_ids=(), seed=3)
    assert problem.difficulty is Difficulty.HARD
    assert "trees" in problem.topics
    problem = bank.choose(difficulty=Difficulty.MEDIUM, topic="dp", done_ids=(), seed=0)
    assert "dynamic-programming" in problem.topics


def test_choose_prefers_problems_not_done(bank: ProblemBank) -> None:
    easy = sorted(candidates(bank, Difficulty.EASY, None))
    done = set(easy[:-1])
    for seed in range(10):
        chosen = bank.choose(difficulty=Difficulty.EASY, topic=None, done_ids=done, seed=seed)
        assert chosen.id == easy[-1]


def test_choose_prefers_undone_problems_within_the_topic(bank: ProblemBank) -> None:
    hashing = sorted(candidates(bank, Difficulty.MEDIUM, "hashing"))
    assert len(hashing) >= 2
    for seed in range(10):
        chosen = bank.choose(
            difficulty=Difficulty.MEDIUM, topic="hashing", done_ids={hashing[0]}, seed=seed
        )
        assert chosen.id in hashing[1:]


def test_choose_repeats_a_problem_when_all_are_done(bank: ProblemBank) -> None:
    hard = candidates(bank, Difficulty.HARD, None)
    chosen = {
        bank.choose(difficulty=Difficulty.HARD, topic=None, done_ids=hard, seed=seed).id
        for seed in range(20)
    }
    assert chosen == hard


def test_choose_repeats_the_requested_topic_rather_than_switching(bank: ProblemBank) -> None:
    trees = candidates(bank, Difficulty.EASY, "trees")
    chosen = bank.choose(difficulty=Difficulty.EASY, topic="trees", done_ids=trees, seed=5)
    assert chosen.id in trees


def synthetic_problem(problem_id: str, difficulty: Difficulty, topics: tuple[str, ...]) -> Problem:
    template = load_problems()[0]
    return dataclasses.replace(template, id=problem_id, difficulty=difficulty, topics=topics)


def test_choose_falls_back_to_the_difficulty_when_the_topic_has_no_problem_there() -> None:
    bank = ProblemBank(
        [
            synthetic_problem("easy-trees", Difficulty.EASY, ("trees",)),
            synthetic_problem("easy-arrays", Difficulty.EASY, ("arrays",)),
            synthetic_problem("hard-graphs", Difficulty.HARD, ("graphs",)),
        ]
    )
    chosen = {
        bank.choose(difficulty=Difficulty.EASY, topic="graphs", done_ids=(), seed=seed).id
        for seed in range(6)
    }
    # The only graphs problem is hard: the difficulty wins over the topic.
    assert chosen == {"easy-trees", "easy-arrays"}
    chosen = {
        bank.choose(difficulty=Difficulty.EASY, topic="no-such-topic", done_ids=(), seed=seed).id
        for seed in range(6)
    }
    assert chosen == {"easy-trees", "easy-arrays"}


def test_choose_is_deterministic_per_seed(bank: ProblemBank) -> None:
    for seed in (0, 1, 7, 12345, -3):
        picks = {
            bank.choose(difficulty=Difficulty.MEDIUM, topic="strings", done_ids={"x"}, seed=seed).id
            for _ in range(5)
        }
        assert len(picks) == 1
    reloaded = ProblemBank(list(reversed(load_problems())))
    for seed in range(10):
        assert reloaded.choose(
            difficulty=Difficulty.HARD, topic=None, done_ids=(), seed=seed
        ) == bank.choose(difficulty=Difficulty.HARD, topic=None, done_ids=(), seed=seed)


def test_choose_without_problems_at_the_difficulty_raises() -> None:
    bank = ProblemBank([synthetic_problem("only-easy", Difficulty.EASY, ("arrays",))])
    with pytest.raises(ProblemBankError, match="hard"):
        bank.choose(difficulty=Difficulty.HARD, topic=None, done_ids=(), seed=0)


def test_bank_rejects_duplicate_ids() -> None:
    problem = synthetic_problem("twice", Difficulty.EASY, ("arrays",))
    with pytest.raises(ProblemBankError, match="unique"):
        ProblemBank([problem, problem])


# --- malformed files -----------------------------------------------------------------------


def valid_document() -> dict[str, Any]:
    document = yaml.safe_load((PROBLEMS_DIR / "deploy-waves.yaml").read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def test_load_problems_reads_a_given_directory(tmp_path: Path) -> None:
    document = {**valid_document(), "id": "copied-problem"}
    (tmp_path / "copied-problem.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a problem", encoding="utf-8")
    loaded = load_problems(tmp_path)
    assert [problem.id for problem in loaded] == ["copied-problem"]
    assert loaded[0].examples[0].explanation is not None


def broken(**changes: Any) -> str:
    document = valid_document()
    for key, value in changes.items():
        if value is None:
            del document[key]
        else:
            document[key] = value
    return yaml.safe_dump(document)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (broken(test_cases=None), "test_cases"),
        (broken(difficulty="expert"), "difficulty"),
        (broken(topics=["recursion"]), "recursion"),
        (broken(topics=["graphs", "graphs"]), "repeat"),
        (broken(topics=[]), "topics"),
        (broken(hints=["just one"]), "hints"),
        (broken(title="x" * 61), "title"),
        (broken(id="Not_A_Slug"), "id"),
        (broken(id="another-id"), "file name"),
        (broken(extra_field="surprise"), "extra_field"),
        (broken(examples=[{"input": "n = 1, depends = []", "output": "1"}]), "examples"),
        (broken(statement=""), "statement"),
        (broken(test_cases=[{"input": "1, []", "expected": 1}] * 4), "quote"),
        (broken(examples=[{"input": "a", "result": "b"}] * 2), "result"),
        ("id: [unclosed\n", "cannot read"),
        ("- just\n- a list\n", "mapping"),
    ],
)
def test_malformed_file_raises_naming_the_file(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "deploy-waves.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ProblemBankError, match="deploy-waves.yaml") as raised:
        load_problems(tmp_path)
    assert message in str(raised.value)
