"""The candidate's words read as evidence: sentences, questions, plans and named bounds.

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

Messages are read up to ``MAX_READ_CHARS``, sentences up to ``MAX_SENTENCE_CHARS``, and no
pattern may backtrack across lines (see the package's docstring).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A candidate message is read up to this many characters (code up to MAX_CODE_READ_CHARS).
# Reading is linear; the cap only bounds how long one grade can hold the event loop.
MAX_READ_CHARS = 50_000
# Sentences longer than this are cut before the sentence patterns look at them.
MAX_SENTENCE_CHARS = 2_000

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

# A bound as written, O(...): its inside is group 1.
BIG_O = re.compile(
    r"\bO\s{0,3}\(\s{0,3}([^()\n]{1,30}?(?:\([^()\n]{0,20}\)[^()\n]{0,10})?)\s{0,3}\)"
)
# Bounds said in words, in the order they are tried.
COMPLEXITY_WORDS = (
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


def words_in(text: str) -> list[str]:
    """The words of ``text`` (letters, digits, underscores and apostrophes)."""
    return _WORD.findall(text)


def techniques_in(text: str) -> tuple[str, ...]:
    """The kinds of technique ``text`` names, in a fixed order."""
    if not _ANY_TECHNIQUE.search(text):
        return ()
    return tuple(kind for kind, pattern in _TECHNIQUES if pattern.search(text))


def describes_approach(text: str) -> bool:
    """True when some statement in ``text`` explains a plan rather than listing buzzwords."""
    return any(is_approach(sentence, techniques_in(sentence)) for sentence in sentences_in(text))


def is_approach(sentence: str, kinds: tuple[str, ...]) -> bool:
    """True when ``sentence``, naming the techniques ``kinds``, states a plan.

    A plan says what to do with the input: a technique and an action, not a list of names.
    """
    if not 0 < len(kinds) < SALAD_TECHNIQUES or sentence.rstrip().endswith("?"):
        return False
    if len(words_in(sentence)) < MIN_APPROACH_WORDS:
        return False
    return _ACTION.search(_NAMES_WITH_VERBS.sub(" ", sentence)) is not None


def is_keyword_salad(sentence: str) -> bool:
    """True when one sentence strings four or more unrelated techniques together."""
    return len(techniques_in(sentence)) >= SALAD_TECHNIQUES


def normalise_term(inner: str) -> str:
    """The inside of a bound in one spelling: ``"n log(n)"`` → ``"o(nlogn)"``."""
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
    for match in BIG_O.finditer(text):
        after = text[match.end() : match.end() + 30]
        before = text[max(0, match.start() - 30) : match.start()]
        space = bool(_SPACE_AFTER.match(after) or _SPACE_BEFORE.search(before))
        term = normalise_term(match.group(1))
        found.append((match.start(), NamedComplexity(term, "space" if space else "time")))
        covered.update(range(match.start(), match.end()))
    for pattern, term in COMPLEXITY_WORDS:
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
    words = words_in(sentence)
    if len(words) <= 2:
        return False
    bare = " ".join(sentence.strip(" ?.!,").lower().split())
    return not _RHETORICAL.fullmatch(bare)


def is_giving_up(sentence: str) -> bool:
    """True when the sentence says the candidate gives up or cannot write the code."""
    return bool(_GAVE_UP.search(sentence))


def reports_a_fix(sentence: str) -> bool:
    """True when the sentence reports a bug, a mistake or a fix."""
    return bool(_FIX_REPORT.search(sentence))


def traces_an_example(text: str) -> bool:
    """True when the text runs concrete values through and says what comes out."""
    return bool(_TRACE.search(text))
