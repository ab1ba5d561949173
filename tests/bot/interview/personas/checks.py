"""Checks every interviewer message of a thread must pass, whoever the candidate is."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from bot.interview.conversation import sentences_of
from bot.interview.domain import Problem

LEAK_NGRAM = 5
_WORDS = re.compile(r"[a-z0-9]+")
_FENCE = "```"
_FENCED_BLOCK = re.compile(r"```.*?```", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_QUOTED = re.compile(r'"[^"\n]*"')
# Doubled or clashing punctuation outside code: "letters..", "order.;", "Booked?.", ",,".
_DOUBLED_PUNCTUATION = re.compile(r"(?<!\.)\.\.(?!\.)|[!?][.;:,]|\.[;:,!?]|[;:,][.;:,!?]")
_REPEATED_WORD = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_ACKNOWLEDGEMENTS = frozenset(
    {"thanks", "okay", "ok", "got", "noted", "right", "understood", "sure", "good", "great"}
)
PRAISE = re.compile(
    r"\b(nice|great|well done|looks (good|correct|right)|good (job|work|code)|excellent|"
    r"perfect|correct solution|that'?s correct|works (well|correctly))\b",
    re.IGNORECASE,
)


def _ngrams(text: str, n: int = LEAK_NGRAM) -> set[tuple[str, ...]]:
    words = _WORDS.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def public_text(problem: Problem) -> str:
    """What the candidate sees anyway: statement, examples and constraints."""
    parts = [problem.title, problem.statement, *problem.constraints]
    for example in problem.examples:
        parts += [example.input, example.output, example.explanation or ""]
    return "\n".join(parts)


def hidden_ngrams(problem: Problem) -> set[tuple[str, ...]]:
    """Word 5-grams of the hidden grading notes that the public text does not contain."""
    hidden: set[tuple[str, ...]] = set()
    for note in problem.grading_notes:
        hidden |= _ngrams(note)
    return hidden - _ngrams(public_text(problem))


def complexity_phrases(problem: Problem) -> list[str]:
    """The expected complexity and each of its parts ("O(n log n) time", "O(1) extra space")."""
    whole = problem.optimal_complexity
    parts = [part.strip() for part in re.split(r",|;", whole) if part.strip()]
    return [_squash(p) for p in [whole, *parts] if _squash(p) not in _squash(public_text(problem))]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


def leaks(problem: Problem, message: str) -> list[str]:
    """Hidden-note 5-grams or expected-complexity phrases found in ``message``."""
    found = [" ".join(gram) for gram in sorted(_ngrams(message) & hidden_ngrams(problem))]
    squashed = _squash(message)
    found += [phrase for phrase in complexity_phrases(problem) if phrase in squashed]
    return found


def prose(message: str) -> str:
    """The message without code blocks, inline code and quotations of the problem."""
    return _QUOTED.sub('"q"', _INLINE_CODE.sub("`c`", _FENCED_BLOCK.sub("\n", message)))


def punctuation_problems(message: str) -> list[str]:
    """Doubled punctuation, repeated words and stutters ("Thanks. Thanks, noted.")."""
    text = prose(message)
    problems = [m.group(0) for m in _DOUBLED_PUNCTUATION.finditer(text)]
    problems += [m.group(0) for m in _REPEATED_WORD.finditer(text)]
    sentences = sentences_of(text)
    for first, second in zip(sentences, sentences[1:], strict=False):
        a = _WORDS.findall(first.lower())[:1]
        b = _WORDS.findall(second.lower())[:1]
        if a and a == b and a[0] in _ACKNOWLEDGEMENTS:
            problems.append(f"{first} {second}")
    return problems


def fences_balanced(message: str) -> bool:
    """Every ``` opens or closes a block on its own line, and they pair up."""
    if message.count(_FENCE) % 2:
        return False
    for line in message.splitlines():
        if (
            _FENCE in line
            and not line.strip().startswith(_FENCE)
            and not line.rstrip().endswith(_FENCE)
        ):
            return False
    return True


def questions_asked(message: str) -> int:
    """Question marks outside code and quotations: one intent asks at most one question."""
    return prose(message).count("?")


def repeated_sentences(messages: Sequence[str]) -> list[str]:
    """Sentences the interviewer said more than once in the thread."""
    counts = Counter(
        " ".join(sentence.lower().split()) for text in messages for sentence in sentences_of(text)
    )
    return [sentence for sentence, count in counts.items() if count > 1]


def thread_problems(problem: Problem, messages: Iterable[str]) -> list[str]:
    """Everything wrong with a thread's interviewer messages, as readable lines."""
    messages = list(messages)
    found: list[str] = []
    for index, message in enumerate(messages):
        for leak in leaks(problem, message):
            found.append(f"message {index} leaks hidden text: {leak!r}")
        for problem_text in punctuation_problems(message):
            found.append(f"message {index} punctuation: {problem_text!r}")
        if not fences_balanced(message):
            found.append(f"message {index} has an unbalanced ``` fence")
        if questions_asked(message.replace(problem.title, "the problem")) > 1:
            found.append(f"message {index} asks more than one question: {message!r}")
    for sentence in repeated_sentences(messages):
        found.append(f"sentence said twice: {sentence!r}")
    return found
