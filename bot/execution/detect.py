"""Which language a submission is in, from what the candidate told us, never from guessing.

The signals, most explicit first: the fence's tag (```python), the Slack snippet's filetype,
the file name's extension. When none names a language the answer is "cannot tell", so the bot
asks instead of running code as the wrong language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

# Language ids the runner knows (see languages.default_runners).
RUNNABLE = frozenset({"python", "javascript", "cpp"})

# The usual spellings of language names in fence tags and Slack filetypes.
_LANGUAGE_ALIASES = {
    "py": "python",
    "python3": "python",
    "js": "javascript",
    "ts": "typescript",
    "c++": "cpp",
    "cxx": "cpp",
    "golang": "go",
    "rs": "rust",
    "rb": "ruby",
    "kt": "kotlin",
    "cs": "csharp",
    "c#": "csharp",
    "sh": "shell",
    "bash": "shell",
    "plaintext": "text",
    "plain_text": "text",
    "": "text",
}
# Slack filetypes and fence tags that say nothing about the language.
_SILENT = frozenset({"", "text", "plain", "plaintext", "plain_text", "auto", "binary", "markdown"})
# More spellings of the runnable languages, for deciding what to run.
_RUN_ALIASES = {
    "node": "javascript",
    "nodejs": "javascript",
    "mjs": "javascript",
    "cjs": "javascript",
    "jsx": "javascript",
    "c++": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "python2": "python",
    "py3": "python",
}
_EXTENSIONS = {
    ".py": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".cxx": "cpp",
    ".hpp": "cpp",
    ".h": "c",
    ".c": "c",
    ".ts": "typescript",
    ".java": "java",
    ".go": "go",
    ".rs": "rust",
    ".rb": "ruby",
    ".kt": "kotlin",
    ".swift": "swift",
    ".cs": "csharp",
    ".php": "php",
    ".scala": "scala",
}


@dataclass(frozen=True)
class DetectedLanguage:
    # None when no signal names a language: ask the candidate.
    language: str | None
    # "fence", "filetype" or "filename": where the answer came from.
    source: str | None = None

    @property
    def cannot_tell(self) -> bool:
        return self.language is None

    @property
    def runnable(self) -> bool:
        return self.language in RUNNABLE


CANNOT_TELL = DetectedLanguage(None)


def detect_language(
    *, fence: str | None = None, filetype: str | None = None, filename: str | None = None
) -> DetectedLanguage:
    """The submission's language from its fence tag, snippet filetype or file name."""
    for source, value in (("fence", fence), ("filetype", filetype)):
        language = _named(value)
        if language is not None:
            return DetectedLanguage(language, source)
    if filename:
        language = _EXTENSIONS.get(PurePosixPath(filename.strip()).suffix.lower())
        if language is not None:
            return DetectedLanguage(language, "filename")
    return CANNOT_TELL


def _named(value: str | None) -> str | None:
    key = (value or "").strip().lower()
    if key in _SILENT:
        return None
    return _RUN_ALIASES.get(key) or normalize_language(key)


def normalize_language(name: str | None) -> str:
    """A fence tag or filetype as one language id ("py": "python"); "text" when empty."""
    key = (name or "").strip().lower()
    return _LANGUAGE_ALIASES.get(key, key or "text")
