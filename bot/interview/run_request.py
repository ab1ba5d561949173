"""`run` typed in the thread: re-run the latest code, optionally as a named language.

`run` alone, or `run <language>` (the answer to "which language is this?"). Anything else
that starts with "run" ("run time is O(n)") is an ordinary turn for the interviewer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.execution.detect import RUNNABLE, detect_language

RUN_WORD = "run"
# Languages the candidate may name that the bot cannot run: answered plainly, not ignored.
_OTHER_LANGUAGES = frozenset(
    {"java", "typescript", "go", "rust", "c", "ruby", "kotlin", "swift", "csharp", "php", "scala"}
)


@dataclass(frozen=True)
class RunRequest:
    # The language the candidate named; None: as detected from the code.
    language: str | None = None


def parse_run_request(text: str) -> RunRequest | None:
    """The run request `text` is, or None when it is not one."""
    words = text.strip().strip("`").strip().rstrip(".!").lower().split()
    if not words or words[0] != RUN_WORD or len(words) > 2:
        return None
    if len(words) == 1:
        return RunRequest()
    language = detect_language(fence=words[1]).language
    if language is None or (language not in RUNNABLE and language not in _OTHER_LANGUAGES):
        return None
    return RunRequest(language)
