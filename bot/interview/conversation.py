"""What an interview conversation has established so far, read from the transcript alone.

The offline interviewer keeps no memory between turns: everything it knows is derived here
from the stored transcript (the candidate's words, its own earlier messages) and the latest
code, so a restarted bot carries on exactly where it was. Candidate side: questions asked,
hint requests, the approach and the time and space bounds stated (and, internally only,
whether the time bound matches the problem's expected one), code submitted and what it
shows, "I give up", "I can't code it in time", a reported bug, attempts to talk the grade
up. Interviewer side: which asks were already made, hints given, and every sentence
already said (so no sentence is ever said twice).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.interview.code import line_count
from bot.interview.domain import CodeSnapshot, Problem, Role, TurnContext
from bot.interview.evidence.code import entry_point_name
from bot.interview.evidence.code import read_code as read_code_evidence
from bot.interview.evidence.words import (
    BIG_O,
    COMPLEXITY_WORDS,
    is_clarifying_question,
    is_manipulation,
    normalise_term,
)

_FENCED = re.compile(r"```.*?(?:```|$)", re.DOTALL)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")

# --- Reading the candidate's words ---------------------------------------------------

# A request, not a mention: "can I get a hint?", "another hint please", "I'm stuck".
_HINT_REQUEST = re.compile(
    r"\b(hint|hints|clue|nudge)\b[^.!?\n]{0,80}\?"
    r"|\b(give me|can i (get|have)|could i (get|have)|may i have|need|want|another|one more|"
    r"any)\s+(a |an |another |more |one more )?(hint|hints|clue|nudge)\b"
    r"|\b(hint|clue),? please\b"
    r"|\b(i'?m|i am|still|totally|completely|a bit) stuck\b|\bstuck (on|again|here)\b"
    r"|\bno idea\b|\bhelp me\b|\bi'?m lost\b|\bwhere (do|should) i (even )?start\b"
    r"|\b(don'?t|do not) know (how|where|what)\b",
    re.IGNORECASE,
)
# "Not sure" before any code is a call for help; later it answers a question.
_UNSURE = re.compile(r"\bnot sure\b(?![^.?!\n]{0,200}\?)", re.IGNORECASE)
_GIVE_UP = re.compile(
    r"\b(i give up|giving up|i quit|i'?ll stop here|i'?m stopping here|"
    r"i (can'?t|cannot) solve (it|this)|i surrender)\b",
    re.IGNORECASE,
)
_CANNOT_CODE = re.compile(
    r"\b(can'?t|cannot|won'?t be able to|not able to|unable to|don'?t think i (can|could|will))"
    r"\b[^.!?\n]{0,40}\b(code|write|implement|finish|type)\b"
    r"|\b(no|not enough) time (left )?to (code|write|implement|finish)\b",
    re.IGNORECASE,
)
_BUG_REPORT = re.compile(
    r"\b(bugs?|buggy|off[- ]by[- ]one|mistakes?|typo|oops|incorrect|broken|"
    r"(is|was|it'?s|that'?s) wrong|gives the wrong|returns the wrong|fails?)\b",
    re.IGNORECASE,
)
_READY_TO_CODE = re.compile(
    r"\b(let me|let's|i'?ll|i will|i'?m going to|going to|start(ing)? to|ready to)\s+"
    r"(code|coding|write|implement|type)\b|\bstart(ing)? coding\b|\bcode it (up|now)\b",
    re.IGNORECASE,
)
# Sentences that try to steer the grade instead of doing the work.
_GRADE_TALK = re.compile(
    r"\b(ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(instructions?|prompts?|rules|rubric)\b"
    r"|\b(system prompt|you are now|new instructions|developer mode)\b"
    r"|\b(score|grade|rating|rate|marks?|points)\b[^.!?\n]{0,40}\b(\d{2,3}|full|perfect|top|max)"
    r"|\b\d{1,3}\s*(/\s*100|out of 100)"
    r"|\b(give|award)\s+(me|us)\b[^.!?\n]{0,40}\b(\d{2,3}|full|perfect|top|high(est)?|an? a\b)"
    r"|\b(i|this|it) deserves?\b|\bhire me\b|\bstrong hire\b|\bpass me\b|\bfull marks\b",
    re.IGNORECASE,
)
_APPROACH = re.compile(
    r"\b(approach|idea|plan|algorithm|strategy|iterate|iterating|traverse|scan|loop|"
    r"hash ?(map|table|set)|hashmap|hashset|dict(ionary)?|counter|(a|the) (set|map)|lookup|"
    r"sort(ed|ing)?|two[- ]pointers?|sliding window|window|binary search|stack|queue|heap|"
    r"priority queue|dfs|bfs|depth[- ]first|breadth[- ]first|recurs(ion|ive|ively)|"
    r"dynamic programming|dp|memo(ize|ise|ization|isation)?|greedy|brute[- ]force|"
    r"prefix sums?|running (sum|total|count)|union[- ]find|every pair|each pair|"
    r"nested loops?|pass(es)? over|one pass|single pass|neighbou?rs?|compare)\b",
    re.IGNORECASE,
)
_SPACE_WORD = re.compile(r"\b(space|memory|extra storage|storage)\b", re.IGNORECASE)
# The grader's reading of a bound, in any case: in chat "o(n)" means O(n).
_BIG_O = re.compile(BIG_O.pattern, re.IGNORECASE)
# The grader's words for bounds, but a bare "constant" answers "and the space?" in chat.
_COMPLEXITY_WORDS = tuple(
    (re.compile(r"\bconstant\b", re.IGNORECASE) if term == "o(1)" else pattern, term)
    for pattern, term in COMPLEXITY_WORDS
)
# Words of a question that ask about the input rather than about the interview.
_INPUT_QUESTION = re.compile(
    r"\b(input|inputs|array|list|lists|string|strings|empty|negative|negatives|sorted|order|"
    r"duplicates?|repeat(ed|s)?|unique|distinct|same|size|length|long|large|big|many|"
    r"max(imum)?|min(imum)?|range|values?|null|none|missing|zero|case|letters?|characters?|"
    r"digits?|unicode|ascii|always|guaranteed|exist|exists|valid|overflow|integers?|ints?|"
    r"numbers?|fit|bounds?|limits?|n|k|equal|touch|touching|overlap|inclusive|exclusive)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9_]+")
_STOPWORDS_TEXT = (
    "a an the is are be can could will would should do does did i we you it its of to in "
    "on for and or with what how if there any that this than then as at by from so may "
    "might each per my our your me about"
)
_STOPWORDS = frozenset(_STOPWORDS_TEXT.split())


def prose_of(text: str) -> str:
    """The candidate's words with fenced code removed."""
    return _FENCED.sub(" ", text)


def sentences_of(text: str) -> list[str]:
    """The sentences of a text, stripped, without empty ones."""
    return [s.strip() for s in _SENTENCE_SPLIT.split(text) if s.strip()]


def complexity_claims(text: str) -> tuple[list[str], list[str]]:
    """Big-O terms named in ``text``, normalised, as (time terms, space terms)."""
    time_terms: list[str] = []
    space_terms: list[str] = []
    for clause in re.split(r"[,;]|\band\b|\bwith\b|\bbut\b", text):
        bucket = space_terms if _SPACE_WORD.search(clause) else time_terms
        bucket.extend(normalise_term(match.group(1)) for match in _BIG_O.finditer(clause))
        if not _BIG_O.search(clause):
            for pattern, term in _COMPLEXITY_WORDS:
                if pattern.search(clause):
                    bucket.append(term)
                    break
    return time_terms, space_terms


def growth_degree(term: str) -> float | None:
    """A rough polynomial degree of a normalised big-O term: n → 1, n log n → 1.5, n*m → 2.

    Sums take their largest part; ``max(..)``/``min(..)``/``len(..)`` count as one variable.
    None when the term cannot be read.
    """
    inner = term.removeprefix("o(").removesuffix(")")
    if not inner:
        return None
    if "!" in inner:
        return 100.0
    if re.search(r"\d\^[a-z]", inner):
        return 99.0
    inner = re.sub(r"(min|max|len)\([^()]*\)", "n", inner)
    degrees: list[float] = []
    for summand in inner.split("+"):
        logs = len(re.findall(r"log\w*", summand))
        rest = re.sub(r"log\w*", "", summand)
        degree = 0.5 * logs
        for factor in filter(None, re.split(r"[*×.]", rest)):
            power = re.fullmatch(r"([a-z_]+)\^(\d+)", factor)
            if power:
                degree += int(power.group(2))
            elif re.fullmatch(r"\d+", factor):
                continue
            elif re.fullmatch(r"[a-z_]+", factor):
                # "nm" is n*m; a word such as "capacity" is one variable.
                degree += len(factor) if len(factor) <= 2 else 1
            else:
                return None
        degrees.append(degree)
    return max(degrees) if degrees else None


def expected_time_degree(problem: Problem) -> float | None:
    """The degree of the problem's expected time bound (internal; never shown)."""
    time_terms, _ = complexity_claims(problem.optimal_complexity)
    return growth_degree(time_terms[0]) if time_terms else None


# Techniques a candidate names, and what code that uses them shows (any one marker).
TECHNIQUES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {
    "sorting": (
        re.compile(r"\bsort(ed|ing|s)?\b", re.IGNORECASE),
        re.compile(r"sort|heapq|bisect|TreeMap|SortedList", re.IGNORECASE),
    ),
    "a hash map": (
        re.compile(
            r"\bhash ?(map|table|set)s?\b|\bhashmap\b|\bdict(ionary)?\b|\bcounter\b|"
            r"\b(a|the) (set|map)\b|\bcounts? map\b",
            re.IGNORECASE,
        ),
        re.compile(
            r"\{\s*\}|\{[^{}\n]*:[^{}\n]*\}|\bdict\b|\bset\(|Counter|defaultdict|"
            r"\bMap\b|HashMap|HashSet|unordered_map|unordered_set|new Map|new Set"
        ),
    ),
    "a heap": (
        re.compile(r"\b(heap|priority queue)s?\b", re.IGNORECASE),
        re.compile(r"heap|PriorityQueue|priority_queue", re.IGNORECASE),
    ),
    "a queue (BFS)": (
        re.compile(r"\b(bfs|breadth[- ]first)\b", re.IGNORECASE),
        re.compile(r"queue|deque|popleft|shift\(", re.IGNORECASE),
    ),
}


def techniques_named(text: str) -> tuple[str, ...]:
    """The techniques of ``TECHNIQUES`` that ``text`` names, in a fixed order."""
    return tuple(name for name, (said, _) in TECHNIQUES.items() if said.search(text))


def code_shows(technique: str, content: str) -> bool:
    """True when the code shows a marker of the technique."""
    return bool(TECHNIQUES[technique][1].search(content))


# --- Reading code without running it ------------------------------------------------

_STUB_LINE = re.compile(
    r"^(pass|\.\.\.|return( (true|false|none|null|nil|0|-1|\[\]|\{\}|\"\"|''|\d+))?;?|"
    r"raise notimplementederror.*|throw .*|//.*|#.*|todo.*|\}|\{)$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(
    r"^(def|class|function|func|fn|public|private|static|int|bool|boolean|void|var|let|"
    r"const|import|from|package|@)\b|^\w[\w<>\[\], ]*\s+\w+\s*\(.*\)\s*\{?$"
)
_FOR_LOOP = re.compile(r"^(\s*)for\b(.*)$")
_LOOP = re.compile(r"^(\s*)(for|while)\b")


@dataclass(frozen=True)
class CodeReading:
    """What a code submission shows, read without running it."""

    lines: int  # as the candidate's editor numbers them (code.line_count)
    is_stub: bool
    names_entry_point: bool | None  # None when the statement names no function
    nested_pair_loops: bool  # a loop over the input inside another: quadratic work
    has_loop: bool


def asks_for_a_function(problem: Problem) -> bool:
    """True when the problem's code is one function (not a class driven by operations)."""
    if problem.entry_point is not None:
        return problem.entry_point.kind == "function"
    name = entry_point_name(problem)
    return name is not None and name[:1].islower()


def read_code(code: CodeSnapshot, problem: Problem) -> CodeReading:
    """Read a submission: stub or real, the function the statement names, nested loops.

    Stubs and the entry point are read by the grader's own reader (``evidence``), so the
    interviewer never says something about the code that the grade contradicts.
    """
    evidence = read_code_evidence(code, problem)
    lines = [
        line[:MAX_CODE_LINE_CHARS]
        for line in code.content.splitlines()[:MAX_CODE_LINES]
        if line.strip()
    ]
    return CodeReading(
        lines=line_count(code.content),
        is_stub=evidence.is_stub,
        names_entry_point=evidence.defines_entry_point,
        nested_pair_loops=_nested_pair_loops(lines),
        has_loop=evidence.has_loop,
    )


def _nested_pair_loops(lines: list[str]) -> bool:
    # A `for` over a range or a collection inside another `for`: the classic all-pairs
    # loop. `while` loops (two pointers, window shrinking) are left alone: they are often
    # amortised linear.
    open_loops: list[tuple[int, str]] = []
    for line in lines:
        indent = len(line) - len(line.lstrip())
        open_loops = [(depth, it) for depth, it in open_loops if depth < indent]
        match = _FOR_LOOP.match(line)
        if not match:
            continue
        header = match.group(2)
        over_input = "range(" in header or "len(" in header or "length" in header
        literal = re.search(r"\bin\s*[\[(]\s*[-\d(]", header)
        if open_loops and over_input and not literal:
            return True
        if open_loops and not literal:
            outer_source = open_loops[-1][1]
            source = re.search(r"\bin\s+(\w+)", header)
            if source and outer_source and source.group(1) == outer_source:
                return True
        source = re.search(r"\bin\s+(\w+)\s*:?\s*$", header)
        open_loops.append((indent, source.group(1) if source else ""))
    return False


# --- The state ---------------------------------------------------------------------


@dataclass(frozen=True)
class Conversation:
    """Everything the offline interviewer needs to decide its next reply."""

    problem: Problem
    # What the candidate said in this turn (prose only).
    said_now: str
    # Candidate side, over the whole interview.
    questions_asked: int
    approach_stated: bool
    time_bound: str | None  # the latest time bound stated, normalised ("o(n)")
    space_stated: bool
    time_bound_optimal: bool | None  # internal only: never said in the thread
    gave_up: bool
    cannot_code: bool
    outline_given: bool
    code_submissions: int
    code: CodeReading | None
    # Techniques of the latest approach the code shows no sign of (empty when it does).
    techniques_missing: tuple[str, ...]
    # This turn.
    new_code: bool
    hint_requested: bool
    bug_reported: bool
    grade_talk: bool
    ready_to_code: bool
    questions_now: tuple[str, ...]
    time_bound_now: str | None
    approach_now: bool
    # Interviewer side.
    interviewer_messages: tuple[str, ...]
    spoken: frozenset[str]
    hints_given: int

    def asked(self, text: str) -> bool:
        """True when the interviewer already said every sentence of ``text``."""
        parts = sentences_of(text)
        return bool(parts) and all(_normal(part) in self.spoken for part in parts)

    def asked_any(self, sentences: Iterable[str]) -> bool:
        return any(self.asked(sentence) for sentence in sentences)

    def times_asked(self, sentences: Iterable[str]) -> int:
        return sum(1 for sentence in sentences if self.asked(sentence))


def _normal(sentence: str) -> str:
    return " ".join(sentence.split()).strip().lower()


def spoken_sentences(messages: Iterable[str]) -> frozenset[str]:
    """Every sentence of the given messages, normalised for comparison."""
    return frozenset(_normal(s) for text in messages for s in sentences_of(text))


HINT_MARK = "*Hint "


# A chat message is read for intent from its first characters only: it keeps every
# pattern here cheap on a 100 KB paste, and nobody's point starts after 4,000 characters.
MAX_READ_CHARS = 4000
# The code is read from its first lines only, each cut short, for the same reason.
MAX_CODE_LINES = 2000
MAX_CODE_LINE_CHARS = 300


@dataclass(frozen=True)
class MessageFacts:
    """What one candidate message says, with score-steering sentences removed."""

    prose: str
    questions: tuple[str, ...]
    approach: bool
    times: tuple[str, ...]
    spaces: tuple[str, ...]
    techniques: tuple[str, ...]
    gives_up: bool
    cannot_code: bool
    hint_request: bool
    unsure: bool
    bug_report: bool
    grade_talk: bool
    ready_to_code: bool
    words: int


_PROPOSAL = re.compile(
    r"^\W*(so,? )?(could|can|should|shall|may|would it work if|what if|how about) (i|we)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def read_message(text: str) -> MessageFacts:
    """Read one candidate message (cached: a transcript is re-read every turn)."""
    prose = prose_of(text)[:MAX_READ_CHARS]
    sentences = sentences_of(prose)
    # Sentences asking to be graded a certain way earn nothing, not even an approach; the
    # grader's own reading of them (``evidence``) counts too, so both agree.
    steering = [s for s in sentences if _GRADE_TALK.search(s) or is_manipulation(s)]
    honest_sentences = [s for s in sentences if s not in steering]
    # What the candidate claims: statements, and proposals ("Could I sort them first?");
    # "Is the input sorted?" asks about the input and states no approach.
    proposals = [s for s in honest_sentences if _is_question(s) and _PROPOSAL.match(s)]
    claims = " ".join(s for s in honest_sentences if not _is_question(s) or s in proposals)
    times, spaces = complexity_claims(claims)
    return MessageFacts(
        prose=prose,
        # Questions as the grader counts them: "Is that clear?" and hint requests are not.
        questions=tuple(
            s
            for s in honest_sentences
            if _is_question(s) and is_clarifying_question(s) and s not in proposals
        ),
        approach=bool(_APPROACH.search(claims)),
        times=tuple(times),
        spaces=tuple(spaces),
        techniques=techniques_named(claims),
        gives_up=bool(_GIVE_UP.search(prose)),
        cannot_code=bool(_CANNOT_CODE.search(prose)),
        hint_request=bool(_HINT_REQUEST.search(prose)) and not _GIVE_UP.search(prose),
        unsure=bool(_UNSURE.search(prose)),
        bug_report=bool(_BUG_REPORT.search(prose)),
        grade_talk=bool(steering),
        ready_to_code=bool(_READY_TO_CODE.search(prose)),
        words=len(prose.split()),
    )


def read_conversation(ctx: TurnContext) -> Conversation:
    """Derive the conversation state from a turn context (transcript, latest code)."""
    problem = ctx.problem
    entries = [e for e in ctx.transcript if e.role is Role.CANDIDATE]
    facts = [read_message(e.text) for e in entries]
    now = [read_message(e.text) for e in ctx.pending if e.role is Role.CANDIDATE]
    interviewer = tuple(e.text for e in ctx.transcript if e.role is Role.INTERVIEWER)

    time_bound: str | None = None
    named: tuple[str, ...] = ()
    for fact in facts:
        time_bound = fact.times[-1] if fact.times else time_bound
        # The approach the latest code should implement: the last one naming a technique.
        named = fact.techniques or named
    cannot_code_at = next((i for i, f in enumerate(facts) if f.cannot_code), None)
    outline_given = cannot_code_at is not None and any(
        f.words >= 12 and not f.cannot_code for f in facts[cannot_code_at + 1 :]
    )
    times_now = [t for f in now for t in f.times]
    return Conversation(
        problem=problem,
        said_now="\n".join(f.prose for f in now),
        questions_asked=sum(len(f.questions) for f in facts),
        approach_stated=any(f.approach for f in facts),
        time_bound=time_bound,
        space_stated=any(f.spaces for f in facts),
        time_bound_optimal=_is_optimal(time_bound, problem),
        gave_up=any(f.gives_up for f in facts),
        cannot_code=cannot_code_at is not None,
        outline_given=outline_given,
        code_submissions=ctx.code_submissions,
        code=read_code(ctx.latest_code, problem) if ctx.latest_code is not None else None,
        techniques_missing=_techniques_missing(named, ctx.latest_code),
        new_code=ctx.new_code and ctx.latest_code is not None,
        hint_requested=any(
            f.hint_request or (f.unsure and ctx.latest_code is None and not f.gives_up) for f in now
        ),
        bug_reported=any(f.bug_report for f in now),
        grade_talk=any(f.grade_talk for f in now),
        ready_to_code=any(f.ready_to_code for f in now),
        questions_now=tuple(q for f in now for q in f.questions),
        time_bound_now=times_now[-1] if times_now else None,
        approach_now=any(f.approach for f in now),
        interviewer_messages=interviewer,
        spoken=spoken_sentences(interviewer),
        hints_given=sum(1 for text in interviewer if HINT_MARK in text),
    )


def _is_optimal(time_bound: str | None, problem: Problem) -> bool | None:
    """Whether the stated bound is as good as the problem's; None when either is unreadable."""
    expected = expected_time_degree(problem)
    if time_bound is None or expected is None:
        return None
    claimed = growth_degree(time_bound)
    return None if claimed is None else claimed <= expected


def _techniques_missing(named: tuple[str, ...], code: CodeSnapshot | None) -> tuple[str, ...]:
    """The techniques named when the code shows none of them; empty when it shows one."""
    if code is None or not named:
        return ()
    content = code.content[: MAX_CODE_LINES * MAX_CODE_LINE_CHARS]
    return () if any(code_shows(name, content) for name in named) else named


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") and not _HINT_REQUEST.search(sentence)


def is_input_question(question: str) -> bool:
    """True when a question asks about the input or the constraints."""
    return bool(_INPUT_QUESTION.search(question))


def gives_up(text: str) -> bool:
    return bool(_GIVE_UP.search(text))


def cannot_code(text: str) -> bool:
    return bool(_CANNOT_CODE.search(text))


def ready_to_code(text: str) -> bool:
    return bool(_READY_TO_CODE.search(text))


def describes_approach(text: str) -> bool:
    return bool(_APPROACH.search(text))


_EDGE_TALK = re.compile(
    r"\b(tests?|testing|tested|edge[- ]cases?|corner[- ]cases?|empty|null|nil|"
    r"duplicates?|negatives?|overflow|single element|one element|dry[- ]run)\b",
    re.IGNORECASE,
)


def discusses_edge_cases(text: str) -> bool:
    """True when the text talks about tests or edge cases (not just what the code returns)."""
    return bool(_EDGE_TALK.search(text[:MAX_READ_CHARS]))


def names_complexity(text: str) -> bool:
    times, spaces = complexity_claims(text)
    return bool(times or spaces) or bool(
        re.search(r"\b(complexity|big[- ]o|runtime)\b", text, re.IGNORECASE)
    )


# --- Answering questions from the problem's own data --------------------------------

_TOPICS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    # (words in the question, words in a line that answers it)
    (
        re.compile(
            r"\b(empty|zero|size|length|long|large|largest|big|biggest|many|max|maximum|min|"
            r"minimum|smallest|most|least|up to|n)\b"
        ),
        re.compile(
            r"len\(|between|\bnodes?\b|\bcalls?\b|<=\s*\w*\s*\bn\b|\bn\s*<=|10\^|empty|<=\s*\d"
        ),
    ),
    (
        re.compile(r"\b(negative|negatives|range|values?|overflow|integers?|numbers?|zero|big)\b"),
        re.compile(r"(?:^|[\s\[(,=<])-\d|<=\s*-?\d|value|\bints?\b|integers?"),
    ),
    (re.compile(r"\b(sorted|order|ordered)\b"), re.compile(r"\bsort|\border")),
    (
        re.compile(r"\b(duplicates?|repeat(ed|s)?|unique|distinct|same|equal|twice)\b"),
        re.compile(r"unique|distinct|twice|duplicate|repeat|equal|\bsame\b"),
    ),
    (
        re.compile(r"\b(case|letters?|characters?|unicode|ascii|digits?|upper|lower|uppercase)\b"),
        re.compile(r"letters|lowercase|uppercase|ascii|digits|characters|case"),
    ),
    (
        re.compile(r"\b(always|guaranteed|exist|exists|valid|both|present)\b"),
        re.compile(r"exists?|always|guarantee|\bboth\b|never|\bvalid\b"),
    ),
    (
        re.compile(r"\b(touch|touching|overlap|inclusive|exclusive|ends?|starts?|conflict)\b"),
        re.compile(r"up to but not|includ|exactly when|same minute|ends? at|starts? at|touch"),
    ),
)


@dataclass(frozen=True)
class Answer:
    """Lines of the problem that answer a question: constraint lines and statement sentences."""

    constraints: tuple[str, ...]
    statement: tuple[str, ...]


def _stems(text: str) -> set[str]:
    return {
        word[:-1] if len(word) > 3 and word.endswith("s") else word
        for word in _WORD.findall(text.lower())
        if word not in _STOPWORDS and len(word) >= 3
    }


def answer_from_problem(problem: Problem, question: str) -> Answer:
    """The problem's own lines that answer ``question``; empty when none does.

    Constraint lines and statement sentences are scored together: 3 points per topic the
    question asks about and the line speaks to (size, values, order, duplicates, letters,
    guarantees, touching ends), 1 per shared word. The best-scoring lines (3 points or
    more) are the answer.
    """
    q = question.lower()
    q_words = _stems(q)

    def score(line: str) -> int:
        low = line.lower()
        total = sum(3 for asks, answers in _TOPICS if asks.search(q) and answers.search(low))
        return total + len(q_words & _stems(low))

    scored = [(score(line), 0, index, line) for index, line in enumerate(problem.constraints)]
    scored += [
        (score(line), 1, index, line) for index, line in enumerate(sentences_of(problem.statement))
    ]
    top = max((points for points, *_ in scored), default=0)
    if top < 3:
        return Answer(constraints=(), statement=())
    # Near the best, both sources are quoted: the constraint line and the sentence.
    close = sorted(
        (item for item in scored if item[0] >= max(3, top - 1)),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    constraints = tuple(line for _, kind, _, line in close if kind == 0)[:2]
    statement = tuple(line for _, kind, _, line in close if kind == 1)[:1]
    return Answer(constraints=constraints, statement=statement)
