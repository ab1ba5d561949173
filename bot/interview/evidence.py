"""What an interview proves: the candidate's words and code read as evidence.

Both graders read an interview only through this module: the heuristic rubric scores the
evidence, and the same caps (``grading.apply_evidence_caps``) hold every grade to it, so a
model talked into 100s by the candidate cannot outscore what the code and transcript show.

Everything here is linear in the size of its input. Candidate code can be 100 KB of
anything (one-word lines, unbalanced backticks, lone surrogates) and is read on the event
loop, so no pattern may backtrack across lines: code is tokenised by one ``finditer`` pass
whose every match consumes what it looks at, brackets are paired once with a stack, scans
ahead from a token are bounded, and every quantifier that could meet a long run of the
same character is bounded or excludes what follows it. Code is read up to its first
``MAX_CODE_READ_CHARS`` characters (what the grading model is shown), messages up to
``MAX_READ_CHARS``.

Reading the candidate's words
-----------------------------
* A *manipulation attempt* is a sentence that tries to steer the grader ("ignore previous
  instructions", "you are now", "system:", "give me 100", "I deserve full marks",
  "rate this 95/100"). It is removed before anything else is read and earns nothing.
* A *clarifying question* is a question about the problem; "Any questions?", "Is that
  clear?" and questions of two words or fewer are not, and neither is a hint request
  ("Can I get a hint?", "I'm stuck, any clue?"). Hint requests are counted on their own.
* An *approach* is a statement (not a question) of six words or more that names a
  technique and says what to do ("sort ... and compare ..."). A sentence naming four or
  more unrelated techniques is keyword salad and does not count.
* Complexities are read in order with their kind (time or space) from the words next to
  them, so "first O(n^2), then O(n log n)" is visible to the grader.

Reading the code
----------------
Python is parsed with ``ast``; other languages (and Python that does not parse) go
through one tokeniser that drops comments and strings and matches braces. The reader
finds the functions and classes defined, whether the entry point the statement asks
for is among them, whether the code is a stub (every body that matters is ``pass``,
``...``, a constant ``return``, a lone ``raise``/``throw`` or nothing), loop nesting,
edge-case checks, comments and tests.

What running the code did
------------------------
``InterviewEvidence.runs`` is the interview's ``RunRecord`` (tests passed / total of the
final submission and of the best one, read from the run results in the transcript):
``pass_rate`` is the final submission's share of tests passed, ``best_pass_rate`` the best
one's. Once code has reached its tests they are the main evidence of correctness; code
whose language was never given never ran (``never_ran``) and proves nothing.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.interview.domain import CodeSnapshot, Problem, Role, TurnContext
from bot.interview.outbox import UNKNOWN_LANGUAGE, RunFailure, RunResultPost
from bot.interview.run_record import RunRecord

# A candidate message is read up to this many characters (code up to MAX_CODE_READ_CHARS).
# Reading is linear; the cap only bounds how long one grade can hold the event loop.
MAX_READ_CHARS = 50_000
# Sentences longer than this are cut before the sentence patterns look at them.
MAX_SENTENCE_CHARS = 2_000

# --- Reading what the candidate said -------------------------------------------------

_FENCE = "```"

_MANIPULATION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}?"
    r"\b(instructions?|prompts?|rules|rubric|guidelines|criteria)\b"
    r"|\b(system prompt|you are now|new instructions|developer mode|jailbreak|act as (the|a|an) "
    r"(grader|admin|system)|pretend (to be|you are))\b"
    r"|^[ \t*_>`]{0,6}(system|assistant|developer|grader|admin)[ \t]{0,3}:"
    r"|\b(score|grade|marks|rating)\b[ \t]{0,3}(:|=|of|is|as)?[ \t]{0,3}\d{2,3}\b"
    r"|\b(grade|score|rate|mark)[ \t]+(this|me|it|my [a-z]+)[ \t]+(as[ \t]+|at[ \t]+|a[ \t]+)?"
    r"\d{2,3}\b"
    r"|\b\d{1,3}[ \t]{0,3}(/[ \t]{0,3}100|out of 100)\b"
    r"|\b(give|award|assign|grant)[ \t]+(me|us|the candidate|this candidate|this|it)\b"
    r"[^.!?\n]{0,40}?\b(\d{2,3}|full|perfect|top|max(imum)?|high(est)?|best)\b"
    r"|\b(deserve|deserves|earned|want|expect|need)\b[^.!?\n]{0,30}?"
    r"\b(a 100|an? \d{2,3}|full (marks|score|points)|perfect score|top (score|marks|grade)|"
    r"high(est)? (score|grade|marks)|strong hire)\b"
    r"|\b(full|perfect|top|maximum|max) (marks|score|grade)\b"
    r"|\bstrong hire\b",
    re.IGNORECASE | re.MULTILINE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?\n])\s+")
_HINT_REQUEST = re.compile(
    r"\b(hint|hints|clue|nudge|stuck|no idea|not sure (how|where|what)|"
    r"(don'?t|do not) (know|see) (how|where|what)|help me|can you help|i'?m lost|"
    r"what'?s the trick|tell me the (answer|solution|approach)|give me the (answer|solution))\b",
    re.IGNORECASE,
)
_GAVE_UP = re.compile(
    r"\b(i give up|giving up|i can'?t (do|solve|code|finish|write)|i cannot (do|solve|code|"
    r"finish|write)|(don'?t|do not) think i can|not able to (code|solve|finish|write)|"
    r"no time to (code|write))\b",
    re.IGNORECASE,
)
# Questions that ask nothing about the problem.
_RHETORICAL = re.compile(
    r"(any (other )?questions?( for me)?|(is )?(that|this|it) clear|clear|"
    r"(does )?(that|this|it) make sense|makes sense|ok(ay)?|right|got it|you see|agreed|"
    r"sounds? good|correct|yes|no|is that (ok|okay|fine|right|correct)|strong hire,? right|"
    r"(can|may) i (start|begin|code)( now)?|ready)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z0-9_']+")

# Techniques: one kind each, so "hash map and a dict" is one technique, not two.
_TECHNIQUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "hashing",
            r"\b(hash ?(map|table|set)|hashmap|hashset|dict(ionary)?|counter|"
            r"(a|the) (set|map)|lookup table|count(s|ing)? (of|per|each|every))\b",
        ),
        ("sorting", r"\bsort(ed|ing|s)?\b"),
        ("two pointers", r"\btwo[- ]pointers?\b|\b(left|right) pointer\b"),
        ("sliding window", r"\b(sliding|moving) window\b|\bwindow\b"),
        ("binary search", r"\bbinary search\b|\bbisect\b"),
        ("stack", r"\bstack\b"),
        ("queue", r"\b(queue|deque)\b"),
        ("heap", r"\b(heap|priority queue|min-?heap|max-?heap)\b"),
        ("graph search", r"\b(dfs|bfs|depth[- ]first|breadth[- ]first|traversal|traverse)\b"),
        ("recursion", r"\brecurs(ion|ive|ively|e)\b"),
        (
            "dynamic programming",
            r"\b(dynamic programming|dp|memo(ize|ise|ization|isation)?|"
            r"tabulation)\b",
        ),
        ("greedy", r"\bgreedy\b"),
        ("brute force", r"\bbrute[- ]force\b|\b(every|each|all) pairs?\b|\bnested loops?\b"),
        ("prefix sums", r"\b(prefix|running|cumulative) (sums?|totals?)\b"),
        ("union-find", r"\b(union[- ]find|disjoint set)\b"),
        ("trie", r"\btrie\b"),
        ("tree", r"\b(binary (search )?tree|bst|segment tree)\b"),
        ("linked list", r"\b(doubly )?linked list\b"),
        (
            "scan",
            r"\b(one|single|two|a) pass(es)?\b|\b(iterate|iterating|scan|walk|loop) "
            r"(over|through)\b",
        ),
    )
)
_ACTION = re.compile(
    r"\b(compar|count|sort|walk|keep|store|track|check|add|sum|return|iterat|scan|loop|push|"
    r"pop|mov|visit|build|look|insert|remov|mark|record|find|updat|shrink|expand|grow|slid|"
    r"split|merge|pick|choos|tak|skip|subtract|group|advanc|increment|decrement|travers|"
    r"recurs|memoi|cach|fill|comput|calculat|process|maintain|go|goes|run|stop|start|"
    r"extend|drop|swap|reach|match|collect|replac|evict)\w{0,8}\b",
    re.IGNORECASE,
)
# Technique names that hold a verb ("union-find" finds nothing by being named).
_NAMES_WITH_VERBS = re.compile(
    r"\bunion[- ]find\b|\blookup table\b|\bmemo(ization|isation)\b", re.I
)
# One search tells most sentences apart from the ones worth the per-kind searches.
_ANY_TECHNIQUE = re.compile("|".join(f"(?:{p.pattern})" for _, p in _TECHNIQUES), re.I)
# Four or more unrelated techniques in one sentence is a list of buzzwords, not a plan.
SALAD_TECHNIQUES = 4
MIN_APPROACH_WORDS = 6

_BIG_O = re.compile(
    r"\bO\s{0,3}\(\s{0,3}([^()\n]{1,30}?(?:\([^()\n]{0,20}\)[^()\n]{0,10})?)\s{0,3}\)"
)
_COMPLEXITY_WORDS = (
    (re.compile(r"\bn\s{0,3}log\s{0,3}n\b|\blinearithmic\b", re.IGNORECASE), "o(nlogn)"),
    (re.compile(r"\blinear\b", re.IGNORECASE), "o(n)"),
    (re.compile(r"\bquadratic\b", re.IGNORECASE), "o(n^2)"),
    (re.compile(r"\bcubic\b", re.IGNORECASE), "o(n^3)"),
    (re.compile(r"\blogarithmic\b", re.IGNORECASE), "o(logn)"),
    (re.compile(r"\bconstant (time|space|memory|extra)\b", re.IGNORECASE), "o(1)"),
    (re.compile(r"\bexponential\b", re.IGNORECASE), "o(2^n)"),
)
_SPACE_AFTER = re.compile(r"\s{0,3}(extra |auxiliary |additional )?(space|memory)\b", re.I)
_SPACE_BEFORE = re.compile(
    r"\b(space|memory)( complexity)?( is| of| would be| stays)?:?\s{0,3}$", re.I
)
_TESTING = re.compile(
    r"\b(tests?|testing|tested|edge[- ]cases?|corner[- ]cases?|empty|null|nil|none|"
    r"duplicates?|negatives?|overflow|single (element|node|item)|one (element|node|item)|"
    r"dry[- ]run|trace|traced|walk(ing)? through)\b",
    re.IGNORECASE,
)
# A traced example names concrete values and what comes out.
_TRACE = re.compile(
    r"(\d|\[|\")[^.!?\n]{0,80}?\b(returns?|gives?|yields?|outputs?|expected|matches|"
    r"so it|result is|answer is)\b"
    r"|\b(returns?|gives?|yields?)\b[^.!?\n]{0,40}?(\d|\btrue\b|\bfalse\b|\")",
    re.IGNORECASE,
)
_TRADEOFFS = re.compile(
    r"\b(trade[- ]?offs?|trad(e|ed|ing) [^.!?\n]{0,30}?\bfor\b|instead|alternative(ly|s)?|"
    r"versus|vs|at the cost of|faster|slower|cheaper|improve|optimi[sz]e|could also|"
    r"another way|the downside)\b",
    re.IGNORECASE,
)
_FIX_REPORT = re.compile(
    r"\b(bug|bugs|buggy|fix|fixed|fixes|oops|mistake|typo|off[- ]by[- ]one|i forgot|"
    r"i missed|was wrong|wrong (result|answer|output))\b",
    re.IGNORECASE,
)

# Rough order of growth, to compare a named bound with the expected one.
GROWTH_RANK = {
    "o(1)": 0,
    "o(logn)": 1,
    "o(n)": 2,
    "o(nlogn)": 3,
    "o(n^2)": 4,
    "o(n^3)": 5,
    "o(2^n)": 6,
    "o(n!)": 7,
}


def split_fences(text: str) -> tuple[str, list[str]]:
    """The prose of ``text`` and the bodies of its ``` fences (an unclosed fence runs to the end).

    A scan with ``str.find``: linear however many backticks the text holds.
    """
    prose: list[str] = []
    code: list[str] = []
    position = 0
    while True:
        start = text.find(_FENCE, position)
        if start == -1:
            prose.append(text[position:])
            break
        prose.append(text[position:start])
        end = text.find(_FENCE, start + len(_FENCE))
        if end == -1:
            code.append(text[start + len(_FENCE) :])
            break
        code.append(text[start + len(_FENCE) : end])
        prose.append(" ")
        position = end + len(_FENCE)
    return "".join(prose), code


def sentences_in(text: str) -> list[str]:
    """Sentences of ``text`` (split after ``.``, ``!``, ``?`` and line ends), each bounded."""
    return [
        sentence.strip()[:MAX_SENTENCE_CHARS]
        for sentence in _SENTENCE_END.split(text[:MAX_READ_CHARS])
        if sentence.strip()
    ]


def is_manipulation(sentence: str) -> bool:
    """True when the sentence tries to steer the grader or override its instructions."""
    return bool(_MANIPULATION.search(sentence[:MAX_SENTENCE_CHARS]))


def without_score_steering(text: str) -> str:
    """``text`` without the sentences that try to steer the grade or override instructions."""
    return " ".join(s for s in _SENTENCE_END.split(text[:MAX_READ_CHARS]) if not is_manipulation(s))


def prose_of(text: str) -> str:
    """The candidate's words: fenced code and score-steering sentences removed."""
    return without_score_steering(split_fences(text)[0])


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def techniques_in(text: str) -> tuple[str, ...]:
    """The kinds of technique ``text`` names, in a fixed order."""
    if not _ANY_TECHNIQUE.search(text):
        return ()
    return tuple(kind for kind, pattern in _TECHNIQUES if pattern.search(text))


def describes_approach(text: str) -> bool:
    """True when some statement in ``text`` explains a plan rather than listing buzzwords."""
    return any(_is_approach(sentence, techniques_in(sentence)) for sentence in sentences_in(text))


def _is_approach(sentence: str, kinds: tuple[str, ...]) -> bool:
    # A plan says what to do with the input: a technique and an action, not a list of names.
    if not 0 < len(kinds) < SALAD_TECHNIQUES or sentence.rstrip().endswith("?"):
        return False
    if len(_words(sentence)) < MIN_APPROACH_WORDS:
        return False
    return _ACTION.search(_NAMES_WITH_VERBS.sub(" ", sentence)) is not None


def is_keyword_salad(sentence: str) -> bool:
    """True when one sentence strings four or more unrelated techniques together."""
    return len(techniques_in(sentence)) >= SALAD_TECHNIQUES


def _normalise_term(inner: str) -> str:
    inner = inner.lower().replace("**", "^").replace("²", "^2").replace("³", "^3")
    inner = re.sub(r"log\s{0,3}\(\s{0,3}(\w{1,10})\s{0,3}\)", r"log\1", inner)
    inner = re.sub(r"[\s*·×]", "", inner)
    return f"o({inner})"


@dataclass(frozen=True)
class NamedComplexity:
    term: str  # normalised, e.g. "o(nlogn)"
    kind: str  # "time" or "space"


def named_complexities(text: str) -> tuple[NamedComplexity, ...]:
    """Every bound ``text`` names, in order, with whether it is about time or space."""
    found: list[tuple[int, NamedComplexity]] = []
    text = text[:MAX_READ_CHARS]
    covered: set[int] = set()  # starts of words inside an O(...) already read
    for match in _BIG_O.finditer(text):
        after = text[match.end() : match.end() + 30]
        before = text[max(0, match.start() - 30) : match.start()]
        space = bool(_SPACE_AFTER.match(after) or _SPACE_BEFORE.search(before))
        term = _normalise_term(match.group(1))
        found.append((match.start(), NamedComplexity(term, "space" if space else "time")))
        covered.update(range(match.start(), match.end()))
    for pattern, term in _COMPLEXITY_WORDS:
        for match in pattern.finditer(text):
            if match.start() in covered:
                continue
            after = text[match.end() : match.end() + 30]
            space = bool(_SPACE_AFTER.match(after)) or "space" in match.group(0).lower()
            found.append((match.start(), NamedComplexity(term, "space" if space else "time")))
    found.sort(key=lambda item: item[0])
    return tuple(named for _, named in found)


def complexity_terms(text: str) -> tuple[str, ...]:
    """Big-O terms named in ``text``, normalised (``"O(n log n)"`` → ``"o(nlogn)"``), once each."""
    return tuple(dict.fromkeys(named.term for named in named_complexities(text)))


def discusses_testing(text: str) -> bool:
    """True when the text talks about tests or edge cases."""
    return bool(_TESTING.search(text[:MAX_READ_CHARS]))


def discusses_tradeoffs(text: str) -> bool:
    """True when the text weighs alternatives."""
    return bool(_TRADEOFFS.search(text[:MAX_READ_CHARS]))


def is_hint_request(sentence: str) -> bool:
    """True when the sentence asks for a hint or says the candidate is stuck."""
    return bool(_HINT_REQUEST.search(sentence[:MAX_SENTENCE_CHARS]))


def is_clarifying_question(sentence: str) -> bool:
    """True for a question about the problem (not rhetorical, not a hint request)."""
    sentence = sentence.strip()[:MAX_SENTENCE_CHARS]
    if not sentence.endswith("?") or is_manipulation(sentence) or is_hint_request(sentence):
        return False
    words = _words(sentence)
    if len(words) <= 2:
        return False
    bare = " ".join(sentence.strip(" ?.!,").lower().split())
    return not _RHETORICAL.fullmatch(bare)


# --- Reading the code ---------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "id", "num", "str", "op", "comment"
    text: str


# One token per match, each consuming all it looks at: a block comment, triple-quoted string
# or template literal runs to its closer or to the end of the input, so nothing is rescanned.
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>//[^\n]*|#[^\n]*|/\*[\s\S]*?(?:\*/|\Z))"
    r"|(?P<str>\"\"\"[\s\S]*?(?:\"\"\"|\Z)|'''[\s\S]*?(?:'''|\Z)|`[^`]*`?"
    r"|\"(?:[^\"\\\n]|\\.)*\"?|'(?:[^'\\\n]|\\.)*'?)"
    r"|(?P<num>\d[\w.]*)"
    r"|(?P<id>[A-Za-z_$][\w$]*)"
    r"|(?P<op>=>|->|::|==|!=|<=|>=|&&|\|\||\.\.\.|\+=|-=|.)",
    re.DOTALL,
)
# Code is read up to this many characters, the same part the grading model is shown.
MAX_CODE_READ_CHARS = 30_000


def _cut_code(source: str) -> str:
    if len(source) <= MAX_CODE_READ_CHARS:
        return source
    cut = source.rfind("\n", 0, MAX_CODE_READ_CHARS)
    return source[: cut if cut > 0 else MAX_CODE_READ_CHARS]


def tokenize(source: str) -> list[_Token]:
    """Identifiers, numbers, strings, comments and operators of C-like or Python code.

    One left-to-right pass over at most ``MAX_CODE_READ_CHARS`` characters; every match
    consumes what it looks at, so the cost is linear in the length of ``source``.
    """
    return [
        _Token(match.lastgroup or "op", match.group())
        for match in _TOKEN.finditer(_cut_code(source))
        if match.lastgroup != "space"
    ]


@dataclass(frozen=True)
class DefinedFunction:
    """A function, method or class the code defines, and whether its body does any work."""

    name: str
    kind: str  # "function" or "class"
    stub: bool
    # For a class: its methods; empty for functions.
    methods: tuple[DefinedFunction, ...] = ()


@dataclass(frozen=True)
class CodeEvidence:
    """What a code submission shows, read without running it."""

    language: str
    # Lines holding code, blank ones not counted (the rubric's count; what the candidate is
    # told is code.line_count).
    nonblank_lines: int
    definitions: tuple[DefinedFunction, ...]
    defines_function: bool
    # None when the problem names no entry point; otherwise whether the code defines it.
    defines_entry_point: bool | None
    # The code uses the entry point's parameter names or the statement's identifiers: an
    # attempt at this problem even when the entry point is misnamed.
    on_problem: bool
    # The id of another problem of the bank whose entry point this code defines instead.
    other_problem: str | None
    is_stub: bool
    stub_reason: str
    has_loop: bool
    loop_depth: int
    recursive: bool
    checks_edge_cases: bool
    returns_value: bool
    has_comments: bool
    has_tests: bool
    parsed: bool  # Python that ``ast`` parsed

    @property
    def misses_the_problem(self) -> bool:
        """Code that does not define the entry point and is no attempt at it either: code for
        another problem, or prose or fragments without a single function."""
        return self.defines_entry_point is False and (
            not self.on_problem or not self.definitions or self.other_problem is not None
        )


def _norm(name: str) -> str:
    # has_conflict, hasConflict and HasConflict name the same thing across languages.
    return name.replace("_", "").lower()


_STATEMENT_ENTRY = re.compile(
    r"\b(?:Write|Implement)\b[^`\n]{0,40}?`([A-Za-z_]\w{0,60})", re.IGNORECASE
)
_BACKTICKED = re.compile(r"`([A-Za-z_]\w{0,60})")


def entry_point_names(problem: Problem) -> tuple[str, ...]:
    """The function or class the statement asks for, then a class's method names.

    The problem's declared ``entry_point`` wins; without one the name is read from the
    statement ("Write `has_conflict(bookings)`", "Implement a class `GarageGate`").
    """
    declared = getattr(problem, "entry_point", None)
    name = getattr(declared, "name", None)
    if isinstance(name, str) and name.strip():
        methods = tuple(method.name for method in getattr(declared, "methods", ()) if method.name)
        return (name.strip(), *methods)
    match = _STATEMENT_ENTRY.search(problem.statement)
    return (match.group(1),) if match else ()


def _problem_identifiers(problem: Problem) -> set[str]:
    """Names only an attempt at this problem would use: the entry point, its methods and
    parameters (or, when none is declared, the identifiers the statement quotes)."""
    names = {_norm(name) for name in entry_point_names(problem)}
    declared = getattr(problem, "entry_point", None)
    if declared is None:
        names |= {_norm(found) for found in _BACKTICKED.findall(problem.statement)}
    else:
        for param in getattr(declared, "params", ()) or ():
            names.add(_norm(param.name))
        for method in getattr(declared, "methods", ()) or ():
            names.update(_norm(param.name) for param in method.params)
    # Short names (`n`, `k`, `ms`) say nothing about which problem this is.
    return {name for name in names if len(name) > 2}


@lru_cache(maxsize=1)
def _bank_entry_points() -> dict[str, str]:
    from bot.interview.problem_bank import ProblemBank  # the bank imports models only

    try:
        problems = ProblemBank.default().problems
    except Exception:  # a broken bank must not stop grading
        return {}
    entries: dict[str, str] = {}
    for problem in problems:
        names = entry_point_names(problem)
        if names:
            entries.setdefault(_norm(names[0]), problem.id)
    return entries


# --- Python, through ast ---

_CONSTANT_CALLS = frozenset({"list", "dict", "set", "tuple", "str", "int", "float", "bool"})


def _is_constant_expr(node: ast.expr | None, params: frozenset[str]) -> bool:
    stack: list[ast.expr | None] = [node]
    while stack:
        item = stack.pop()
        if item is None or isinstance(item, ast.Constant):
            continue
        if isinstance(item, ast.Name):
            if item.id in params or item.id in {"True", "False", "None"}:
                continue
            return False
        if isinstance(item, ast.UnaryOp):
            stack.append(item.operand)
        elif isinstance(item, ast.List | ast.Tuple | ast.Set):
            stack.extend(item.elts)
        elif isinstance(item, ast.Dict):
            stack.extend(key for key in item.keys)
            stack.extend(item.values)
        elif (
            isinstance(item, ast.Call)
            and isinstance(item.func, ast.Name)
            and item.func.id in _CONSTANT_CALLS
            and not item.keywords
        ):
            stack.extend(item.args)
        else:
            return False
    return True


def _python_body_is_stub(body: list[ast.stmt], params: frozenset[str]) -> bool:
    statements = list(body)
    if (
        statements
        and isinstance(statements[0], ast.Expr)
        and isinstance(statements[0].value, ast.Constant)
        and isinstance(statements[0].value.value, str)
    ):
        statements = statements[1:]  # the docstring
    for statement in statements:
        if isinstance(statement, ast.Pass | ast.Raise):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue  # `...` or a stray string
        if isinstance(statement, ast.Return) and _is_constant_expr(statement.value, params):
            continue
        return False
    return True


def _python_params(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> frozenset[str]:
    arguments = node.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    names = {arg.arg for arg in every}
    if arguments.vararg:
        names.add(arguments.vararg.arg)
    if arguments.kwarg:
        names.add(arguments.kwarg.arg)
    return frozenset(names)


def _python_function(node: ast.FunctionDef | ast.AsyncFunctionDef) -> DefinedFunction:
    return DefinedFunction(
        node.name, "function", _python_body_is_stub(node.body, _python_params(node))
    )


_EMPTY_LITERALS = (0, 1, 2, "", None)


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _guards_edge_case(test: ast.expr) -> bool:
    """`not x`, `x is None`, `len(x) < 2`, `n == 0`: a check for empty or minimal input."""
    for part in ast.walk(test):
        if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not):
            return True
        if isinstance(part, ast.Compare) and any(
            isinstance(side, ast.Constant) and side.value in _EMPTY_LITERALS
            for side in [part.left, *part.comparators]
        ):
            return True
        if isinstance(part, ast.Call) and isinstance(part.func, ast.Name) and part.func.id == "len":
            return True
    return False


@dataclass
class _PythonFacts:
    definitions: list[DefinedFunction]
    loop_depth: int = 0
    recursive: bool = False
    checks_edge_cases: bool = False
    returns_value: bool = False
    has_tests: bool = False
    has_docstring: bool = False


def _python_facts(tree: ast.Module) -> _PythonFacts:
    """Everything read from a Python module, in one walk of its tree."""
    facts = _PythonFacts(definitions=[])
    # Node, loop depth, names of the enclosing functions.
    stack: list[tuple[ast.AST, int, frozenset[str]]] = [(tree, 0, frozenset())]
    while stack:
        node, depth, enclosing = stack.pop()
        if isinstance(node, ast.For | ast.AsyncFor | ast.While | ast.comprehension):
            depth += 1
            facts.loop_depth = max(facts.loop_depth, depth)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            facts.definitions.append(_python_function(node))
            facts.has_docstring = facts.has_docstring or bool(
                node.body and _is_docstring(node.body[0])
            )
            facts.has_tests = facts.has_tests or node.name.startswith("test")
            depth, enclosing = 0, enclosing | {node.name}  # a helper's loops count on their own
        elif isinstance(node, ast.ClassDef):
            methods = tuple(
                _python_function(item)
                for item in node.body
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef)
            )
            working = [m for m in methods if m.name != "__init__"]
            facts.definitions.append(
                DefinedFunction(node.name, "class", all(m.stub for m in working), methods)
            )
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            lam = node.value
            stub = _is_constant_expr(lam.body, _python_params(lam))
            facts.definitions.extend(
                DefinedFunction(target.id, "function", stub)
                for target in node.targets
                if isinstance(target, ast.Name)
            )
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            facts.recursive = facts.recursive or called in enclosing
        elif isinstance(node, ast.Raise | ast.Try):
            facts.checks_edge_cases = True
        elif isinstance(node, ast.If | ast.IfExp) and not facts.checks_edge_cases:
            facts.checks_edge_cases = _guards_edge_case(node.test)
        elif isinstance(node, ast.Return):
            facts.returns_value = facts.returns_value or node.value is not None
        elif isinstance(node, ast.Yield | ast.YieldFrom):
            facts.returns_value = True
        elif isinstance(node, ast.Assert):
            facts.has_tests = True
        if isinstance(node, ast.Module) and node.body and _is_docstring(node.body[0]):
            facts.has_docstring = True
        stack.extend((child, depth, enclosing) for child in ast.iter_child_nodes(node))
    return facts


def _parse_python(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# --- Other languages (and Python that does not parse), through tokens ---

_NOT_FUNCTIONS = frozenset(
    {
        "if", "for", "while", "switch", "catch", "return", "sizeof", "synchronized", "with",
        "foreach", "using", "lock", "new", "else", "elif", "match", "when", "typeof", "await",
        "assert", "print", "println", "delete", "throw", "raise", "in", "not", "and", "or",
        "super", "this", "self", "do", "try", "until", "unless", "defer", "go", "select",
    }
)  # fmt: skip
_DEF_KEYWORDS = frozenset({"function", "func", "fn", "fun", "def", "sub"})
_CLASS_KEYWORDS = frozenset({"class", "struct", "interface", "object", "record"})
_LOOP_KEYWORDS = frozenset({"for", "while", "do", "foreach", "loop", "until"})
_ITERATION_CALLS = frozenset(
    {
        "forEach", "map", "reduce", "filter", "each", "flatMap", "some", "every", "find",
        "findIndex", "stream", "fold", "iter", "for_each", "any", "all", "anyMatch", "allMatch",
    }
)  # fmt: skip
_CONSTANT_WORDS = frozenset(
    {
        "true", "false", "True", "False", "None", "null", "nil", "undefined", "nullptr",
        "NULL", "NaN", "nan", "Infinity", "inf", "Ok", "Some", "vec", "Vec", "List", "of",
        "emptyList", "emptyMap", "Collections", "Map", "Set", "Array", "std", "vector",
        "string", "int", "long", "double", "float", "bool", "boolean", "String", "Integer",
        "Long", "Double", "Boolean", "HashMap", "ArrayList", "HashSet", "new", "make",
    }
)  # fmt: skip
_CONSTANT_OPS = frozenset({"[", "]", "{", "}", "(", ")", "-", "+", ",", "<", ">", "::", ".", "!"})
_PANIC_MACROS = frozenset({"todo", "unimplemented", "unreachable", "panic"})
_STUB_STARTERS = frozenset({"pass", "...", ";", "todo", "TODO"})
_EDGE_WORDS = frozenset(
    {
        "not", "None", "null", "nil", "undefined", "nullptr", "empty", "isEmpty", "is_empty",
        "length", "size", "len", "count", "Length", "Count",
    }
)  # fmt: skip


def _bracket_pairs(tokens: list[_Token]) -> dict[int, int]:
    """For every (, [ and { its closing token's index (the last index when it never closes).

    One pass with a stack per bracket kind, so a lookup is O(1) and unbalanced input costs
    no rescans.
    """
    closers = {")": "(", "]": "[", "}": "{"}
    stacks: dict[str, list[int]] = {"(": [], "[": [], "{": []}
    pairs: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind != "op":
            continue
        if token.text in stacks:
            stacks[token.text].append(index)
        elif token.text in closers and stacks[closers[token.text]]:
            pairs[stacks[closers[token.text]].pop()] = index
    last = len(tokens) - 1
    for stack in stacks.values():
        for index in stack:
            pairs[index] = last
    return pairs


def _body_is_stub(body: list[_Token], params: frozenset[str]) -> bool:
    """A body that does no work: nothing, pass/..., TODO, a constant return, a lone throw.

    Stops at the first token that does work, so a real body costs almost nothing.
    """
    if len(body) > _STUB_SCAN_LIMIT:
        return False
    significant = [t for t in body if t.kind != "comment"]
    if significant and significant[0].kind == "str":
        significant = significant[1:]  # a docstring
    index = 0
    while index < len(significant):
        token = significant[index]
        if token.text in {"raise", "throw"} or (
            token.text in _PANIC_MACROS
            and index + 1 < len(significant)
            and significant[index + 1].text == "!"
        ):
            return True  # everything after a lone throw (or Rust's todo!()) is unreachable
        if token.text in _STUB_STARTERS:
            index += 1
        elif token.text == "return":
            index += 1
            while index < len(significant):
                value = significant[index]
                if value.text in {";", "return", "pass"}:
                    break
                if not _is_constant_token(value, params):
                    return False
                index += 1
        else:
            # A body that is only a value (Rust's `{ false }`) returns a constant too.
            return all(_is_constant_token(t, params) for t in significant[index:])
    return True


def _is_constant_token(token: _Token, params: frozenset[str]) -> bool:
    return (
        token.kind in {"num", "str"}
        or (token.kind == "id" and (token.text in _CONSTANT_WORDS or token.text in params))
        or (token.kind == "op" and token.text in _CONSTANT_OPS)
    )


_GUARD_COMPARISONS = frozenset({"==", "===", "!=", "<=", "<", ">"})
# A guard condition is short: `if (!xs || xs.length < 2)`.
_CONDITION_LIMIT = 16
# A stub is short: a body of more tokens than this does something.
_STUB_SCAN_LIMIT = 400
# Between a parameter list and its body: return types, qualifiers, throws clauses.
_QUALIFIER_LIMIT = 24
# An arrow function's expression body or an `if` condition is read this far at most.
_EXPRESSION_LIMIT = 60


@dataclass
class _TokenReading:
    definitions: list[DefinedFunction]
    loop_depth: int
    has_loop: bool
    recursive: bool
    checks_edge_cases: bool
    returns_value: bool
    has_tests: bool


class _TokenReader:
    """Functions, classes, loops and checks of brace-delimited code, in one pass."""

    def __init__(self, tokens: list[_Token]) -> None:
        self.code = [t for t in tokens if t.kind != "comment"]
        self.pairs = _bracket_pairs(self.code)

    def close_of(self, index: int) -> int:
        return self.pairs.get(index, len(self.code) - 1)

    def text(self, index: int) -> str:
        return self.code[index].text if 0 <= index < len(self.code) else ""

    def read(self) -> _TokenReading:
        code = self.code
        count = len(code)
        definitions: list[DefinedFunction] = []
        # Open class bodies: name, closing index, methods found inside.
        classes: list[tuple[str, int, list[DefinedFunction]]] = []
        loop_stack: list[int] = []  # per open brace: how many loops it is the body of
        loops_open = pending_loops = deepest = parens = 0
        has_loop = edge = returns = tests = False
        calls: dict[str, int] = {}
        for index, token in enumerate(code):
            text = token.text
            previous, following = self.text(index - 1), self.text(index + 1)
            while classes and index > classes[-1][1]:
                definitions.append(_class_definition(*classes.pop()))
            if token.kind == "op":
                if text == "{":
                    loop_stack.append(pending_loops)
                    loops_open += pending_loops
                    pending_loops = 0
                elif text == "}" and loop_stack:
                    loops_open -= loop_stack.pop()
                elif text == "(":
                    parens += 1
                elif text == ")":
                    parens = max(0, parens - 1)
                elif text == ";" and parens == 0:
                    pending_loops = 0  # a loop without braces ended with its statement
                continue
            if token.kind != "id":
                continue
            if following == "(":
                calls[text] = calls.get(text, 0) + 1
            if text in _LOOP_KEYWORDS and not (text == "while" and previous == "}"):
                has_loop = True
                pending_loops += 1
                deepest = max(deepest, loops_open + pending_loops)
            elif text in _ITERATION_CALLS and previous == "." and following == "(":
                has_loop = True
            elif text in {"return", "yield"} and following not in {";", "}", ""}:
                returns = True
            elif text in {"throw", "raise"}:
                edge = True
            elif text == "if":
                edge = edge or self.edge_condition(index)
            elif text in {"assert", "assertEquals", "assertTrue", "expect", "describe"} or (
                text in {"it", "test"} and following == "("
            ):
                tests = True
            if text in _CLASS_KEYWORDS and index + 1 < count and code[index + 1].kind == "id":
                brace = index + 2
                while brace < min(count, index + 30) and code[brace].text not in {"{", ";"}:
                    brace += 1
                if brace < count and code[brace].text == "{":
                    classes.append((code[index + 1].text, self.close_of(brace), []))
            found = self.function_at(index, previous)
            if found is not None:
                if classes and index < classes[-1][1]:
                    classes[-1][2].append(found)
                definitions.append(found)
        while classes:
            definitions.append(_class_definition(*classes.pop()))
        # A function called somewhere besides its definition: recursion or a helper.
        recursive = any(calls.get(d.name, 0) >= 2 for d in definitions if d.kind == "function")
        return _TokenReading(definitions, deepest, has_loop, recursive, edge, returns, tests)

    def edge_condition(self, index: int) -> bool:
        code = self.code
        start = index + 1
        if self.text(start) == "(":
            end = min(self.close_of(start), start + _CONDITION_LIMIT)
        else:
            end = start
            while end < min(len(code), start + _CONDITION_LIMIT) and code[end].text not in {
                ":",
                "{",
            }:
                end += 1
        condition = code[start:end]
        for position, token in enumerate(condition):
            if token.text in _EDGE_WORDS or token.text == "!":
                return True
            # `x == 0`, `n <= 1`, `0 == len`: a guard on an empty or minimal input.
            if token.kind == "num" and token.text in {"0", "1"}:
                before = condition[position - 1].text if position else ""
                after = condition[position + 1].text if position + 1 < len(condition) else ""
                if before in _GUARD_COMPARISONS or after in _GUARD_COMPARISONS:
                    return True
        return False

    def function_at(self, index: int, previous: str) -> DefinedFunction | None:
        """The function defined at ``code[index]``, if one is."""
        code = self.code
        count = len(code)
        token = code[index]
        if token.text in _DEF_KEYWORDS:
            cursor = index + 1
            if self.text(cursor) == "*":
                cursor += 1
            if cursor >= count or code[cursor].kind != "id":
                return None
            name = code[cursor].text
            cursor += 1
            if self.text(cursor) == "<":  # generics: fn name<T>(
                limit = min(count, cursor + _QUALIFIER_LIMIT)
                while cursor < limit and code[cursor].text != ">":
                    cursor += 1
                cursor += 1
            if self.text(cursor) != "(":
                return None
            return self.finish(name, cursor, arrow_required=False)
        if (
            token.kind != "id"
            or token.text in _NOT_FUNCTIONS
            or previous in {".", "new", "->"}
            or previous in _DEF_KEYWORDS
            or index + 1 >= count
        ):
            return None
        after = code[index + 1].text
        if after == "(":
            return self.finish(token.text, index + 1, arrow_required=False)
        if after not in {"=", ":"}:
            return None
        # const name = (a, b) => ..., name = function (...) {...}, name: (x) => ...
        cursor = index + 2
        if self.text(cursor) == "async":
            cursor += 1
        if self.text(cursor) == "function":
            cursor += 1
            if cursor < count and code[cursor].kind == "id":
                cursor += 1
            if self.text(cursor) == "(":
                return self.finish(token.text, cursor, arrow_required=False)
            return None
        if self.text(cursor) == "(":
            return self.finish(token.text, cursor, arrow_required=True)
        if cursor < count and code[cursor].kind == "id" and self.text(cursor + 1) == "=>":
            return self.arrow(token.text, cursor + 1, frozenset({code[cursor].text}))
        return None

    def params(self, paren: int, close: int) -> frozenset[str]:
        # Only read once a body follows, so a call costs O(1) here.
        window = self.code[paren + 1 : min(close, paren + 1 + _EXPRESSION_LIMIT)]
        return frozenset(t.text for t in window if t.kind == "id")

    def finish(self, name: str, paren: int, *, arrow_required: bool) -> DefinedFunction | None:
        code = self.code
        count = len(code)
        close = self.close_of(paren)
        cursor = close + 1
        if self.text(cursor) == "=>":
            return self.arrow(name, cursor, self.params(paren, close))
        if arrow_required:
            return None
        limit = min(count, cursor + _QUALIFIER_LIMIT)
        while cursor < limit and code[cursor].text not in {"{", ";", "=", "(", ")", "}", "=>"}:
            if code[cursor].kind in {"str", "num"}:
                return None
            cursor += 1
        if self.text(cursor) != "{":
            return None
        body = code[cursor + 1 : min(self.close_of(cursor), cursor + 1 + _STUB_SCAN_LIMIT + 1)]
        return DefinedFunction(name, "function", _body_is_stub(body, self.params(paren, close)))

    def arrow(self, name: str, arrow: int, params: frozenset[str]) -> DefinedFunction:
        code = self.code
        start = arrow + 1
        if self.text(start) == "{":
            end = min(self.close_of(start), start + 1 + _STUB_SCAN_LIMIT + 1)
            return DefinedFunction(name, "function", _body_is_stub(code[start + 1 : end], params))
        # An expression body runs to the end of its statement.
        end = start
        limit = min(len(code), start + _EXPRESSION_LIMIT)
        while end < limit:
            text = code[end].text
            if text in {"(", "[", "{"}:
                end = self.close_of(end)
            elif text in {")", "]", "}", ";", ","}:
                break
            end += 1
        body = [_Token("id", "return"), *code[start : min(end, limit)]]
        return DefinedFunction(name, "function", _body_is_stub(body, params))


def _class_definition(name: str, _close: int, methods: list[DefinedFunction]) -> DefinedFunction:
    constructors = {_norm(name), "constructor", "init", "new"}
    working = [m for m in methods if _norm(m.name) not in constructors]
    return DefinedFunction(name, "class", all(m.stub for m in working), tuple(methods))


_PY_DEF_LINE = re.compile(r"[ \t]*(?:async[ \t]+)?(def|class)[ \t]+([A-Za-z_]\w{0,80})")


def _python_by_lines(source: str) -> list[DefinedFunction]:
    """Python that ``ast`` refused (a typo, a missing colon): functions by indentation."""
    lines = _cut_code(source).split("\n")
    definitions: list[DefinedFunction] = []
    for number, line in enumerate(lines):
        match = _PY_DEF_LINE.match(line)
        if not match or match.group(1) != "def":
            continue
        indent = len(line) - len(line.lstrip())
        body_lines: list[str] = []
        for later in lines[number + 1 :]:
            if later.strip() and len(later) - len(later.lstrip()) <= indent:
                break
            body_lines.append(later)
        header_tokens = tokenize(line)
        body = tokenize("\n".join(body_lines))
        params = frozenset(t.text for t in header_tokens[2:] if t.kind == "id")
        definitions.append(DefinedFunction(match.group(2), "function", _body_is_stub(body, params)))
    return definitions


# --- Putting it together ---

_PYTHON_NAMES = frozenset({"python", "py", "python3"})
_UNKNOWN_LANGUAGES = frozenset({"", "text", "plain", "plaintext", "txt", "unknown", "code"})


def _guess_language(tokens: list[_Token], source: str) -> str:
    texts = [t.text for t in tokens if t.kind == "id"]
    seen = set(texts)
    if "def" in seen and ":" in source:
        return "python"
    if "#include" in source:
        return "c++"
    if "func" in seen:
        return "go"
    if "fn" in seen:
        return "rust"
    if "public" in seen or "private" in seen:
        return "java"
    if "function" in seen or "const" in seen or "=>" in {t.text for t in tokens}:
        return "javascript"
    return "code"


def _stub_reason(definitions: list[DefinedFunction], entry: DefinedFunction | None) -> str:
    if entry is not None:
        if entry.kind == "class":
            return f"the methods of `{entry.name}` do no work yet"
        return f"the body of `{entry.name}` does no work yet"
    if definitions:
        return "its functions do no work yet"
    return "it holds no statements that do work"


def read_code(code: CodeSnapshot, problem: Problem | None = None) -> CodeEvidence:
    """Read a submission's structure, its stubs and the entry point it defines."""
    source = _cut_code(code.content)
    tokens = tokenize(source)
    language = code.language.strip().lower()
    if language in _UNKNOWN_LANGUAGES:
        language = _guess_language(tokens, source)
    tree = _parse_python(source) if language in _PYTHON_NAMES else None
    definitions: list[DefinedFunction]
    if tree is not None:
        facts = _python_facts(tree)
        definitions = facts.definitions
        loop_depth = facts.loop_depth
        has_loop = loop_depth > 0 or any(
            t.kind == "id" and t.text in {"map", "filter", "reduce", "sum", "any", "all"}
            for t in tokens
        )
        recursive, edge = facts.recursive, facts.checks_edge_cases
        returns, tests = facts.returns_value, facts.has_tests
        docstring = facts.has_docstring
        statements = [
            node for node in tree.body if not isinstance(node, ast.Import | ast.ImportFrom)
        ]
        top_level_stub = _python_body_is_stub(statements, frozenset())
    else:
        reading = _TokenReader(tokens).read()
        definitions = reading.definitions
        if language in _PYTHON_NAMES:
            definitions = _python_by_lines(source) + [d for d in definitions if d.kind == "class"]
        loop_depth, has_loop = reading.loop_depth, reading.has_loop
        recursive, edge = reading.recursive, reading.checks_edge_cases
        returns, tests = reading.returns_value, reading.has_tests
        top_level_stub = _body_is_stub(tokens, frozenset())
        docstring = False
    entry_names = entry_point_names(problem) if problem is not None else ()
    entry: DefinedFunction | None = None
    defines_entry: bool | None = None
    if entry_names:
        wanted = _norm(entry_names[0])
        entry = next((d for d in definitions if _norm(d.name) == wanted), None)
        defines_entry = entry is not None
    identifiers = {_norm(t.text) for t in tokens if t.kind == "id"}
    on_problem = bool(problem is not None and identifiers & _problem_identifiers(problem))
    other_problem: str | None = None
    if defines_entry is False:
        bank = _bank_entry_points()
        other_problem = next(
            (
                bank[_norm(d.name)]
                for d in definitions
                if _norm(d.name) in bank and (problem is None or bank[_norm(d.name)] != problem.id)
            ),
            None,
        )
    if entry is not None:
        stub = entry.stub
    elif definitions:
        stub = all(d.stub for d in definitions)
    else:
        stub = top_level_stub
    return CodeEvidence(
        language=language,
        nonblank_lines=sum(1 for line in source.splitlines() if line.strip()),
        definitions=tuple(definitions),
        defines_function=bool(definitions),
        defines_entry_point=defines_entry,
        on_problem=on_problem,
        other_problem=other_problem,
        is_stub=stub,
        stub_reason=_stub_reason(definitions, entry) if stub else "",
        has_loop=has_loop or recursive,
        loop_depth=loop_depth,
        recursive=recursive,
        checks_edge_cases=edge,
        returns_value=returns,
        has_comments=docstring or any(t.kind == "comment" for t in tokens),
        has_tests=tests,
        parsed=tree is not None,
    )


# --- The whole interview ------------------------------------------------------------


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


def gather_evidence(ctx: TurnContext) -> InterviewEvidence:
    """Read the transcript, the latest code and what running it did into evidence."""
    manipulation = 0
    messages = words = hints = long = 0
    clarifying: set[str] = set()
    approach = salad = gave_up = fix = False
    prose_parts: list[str] = []
    for text in _candidate_texts(ctx):
        prose, fenced = split_fences(text)
        for body in fenced:  # comments in code can carry an injection too
            manipulation += sum(1 for s in sentences_in(body) if is_manipulation(s))
        kept: list[str] = []
        asked_for_hint = salad_here = False
        for sentence in sentences_in(prose):
            if is_manipulation(sentence):
                manipulation += 1
                continue
            kept.append(sentence)
            if is_hint_request(sentence):
                asked_for_hint = True
            elif is_clarifying_question(sentence):
                clarifying.add(" ".join(sentence.lower().split()))
            if _GAVE_UP.search(sentence):
                gave_up = True
            kinds = techniques_in(sentence)
            approach = approach or _is_approach(sentence, kinds)
            if len(kinds) >= SALAD_TECHNIQUES:
                salad = salad_here = True
            if _FIX_REPORT.search(sentence):
                fix = True
        hints += asked_for_hint
        said = " ".join(kept)
        count = len(_words(said))
        if count:
            messages += 1
            words += count
            if count >= 25 and not salad_here:
                long += 1
        prose_parts.append(said)
    said = "\n".join(prose_parts)
    named = named_complexities(said)
    time_terms = tuple(n.term for n in named if n.kind == "time")
    space_terms = tuple(n.term for n in named if n.kind == "space")
    optimal = _optimal_time(ctx.problem)
    if optimal is None:
        reached = from_start = bool(time_terms)
        too_fast = False
    else:
        reached = optimal in time_terms
        from_start = bool(time_terms) and _no_slower(time_terms[0], optimal)
        # Only a bound faster than possible that is the candidate's whole claim: naming a
        # faster alternative next to the expected bound is a fair trade-off to discuss.
        best = _rank(optimal)
        ranks = [rank for rank in map(_rank, time_terms) if rank is not None]
        too_fast = not reached and best is not None and any(rank < best for rank in ranks)
    latest = ctx.latest_code
    has_code = latest is not None and bool(latest.content.strip())
    code = read_code(latest, ctx.problem) if has_code and latest is not None else None
    return InterviewEvidence(
        candidate_messages=messages,
        candidate_words=words,
        clarifying_questions=len(clarifying),
        hint_requests=hints,
        manipulation_attempts=manipulation,
        gave_up=gave_up,
        long_explanations=long,
        stated_approach=approach,
        keyword_salad=salad,
        time_terms=time_terms,
        space_terms=space_terms,
        optimal_time=optimal,
        reached_optimal_time=reached,
        optimal_from_the_start=from_start and not too_fast,
        claimed_faster_than_possible=too_fast,
        discussed_tests=discusses_testing(said),
        traced_example=bool(_TRACE.search(said)),
        discussed_tradeoffs=discusses_tradeoffs(said),
        reported_fix=fix,
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
