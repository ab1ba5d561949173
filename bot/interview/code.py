"""Recognising code in what the candidate sends: fenced blocks and shared files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.execution.detect import normalize_language

MAX_CODE_BYTES = 100 * 1024

FENCE = "```"
# A word right after the opening fence is a language only when a newline follows it. Matched
# on the fence's first line only, so a long unbroken run costs one scan of that line.
_LANGUAGE_LINE = re.compile(r"([A-Za-z0-9_+#.-]{1,40})[ \t]*\n")

_EXTENSIONS = {
    ".py": "python",
    ".js": "javascript",
    ".ts": "typescript",
    ".java": "java",
    ".go": "go",
    ".rs": "rust",
    ".c": "c",
    ".h": "c",
    ".cpp": "cpp",
    ".cc": "cpp",
    ".hpp": "cpp",
    ".cs": "csharp",
    ".rb": "ruby",
    ".kt": "kotlin",
    ".swift": "swift",
    ".php": "php",
    ".scala": "scala",
    ".sql": "sql",
    ".sh": "shell",
    ".txt": "text",
    ".md": "markdown",
}
# Slack filetypes that are text even when the mimetype says otherwise.
_TEXT_FILETYPES = set(_EXTENSIONS.values()) | {
    "text",
    "javascript",
    "python",
    "csharp",
    "cpp",
    "shell",
    "markdown",
    "json",
    "yaml",
}


@dataclass(frozen=True)
class FencedCode:
    language: str
    content: str


@dataclass(frozen=True)
class FileCode:
    language: str
    filename: str | None
    content: str


@dataclass(frozen=True)
class FileRejected:
    filename: str
    reason: str


def line_count(content: str) -> int:
    """The code's lines as the candidate's editor numbers them: from the first line holding
    anything to the last, blank lines between included. A final line end, and blank lines
    around the code (a fence's, a paste's), add none."""
    filled = [number for number, line in enumerate(content.splitlines()) if line.strip()]
    return filled[-1] - filled[0] + 1 if filled else 0


def extract_fenced_code(text: str) -> list[FencedCode]:
    """Every ``` fenced block with content, in order (an unclosed fence is not a block).

    Scanned with ``str.find`` from fence to fence: linear in the length of ``text`` however
    many lines or backticks it holds.
    """
    blocks = []
    text = text or ""
    position = 0
    while True:
        start = text.find(FENCE, position)
        if start == -1:
            break
        body_start = start + len(FENCE)
        end = text.find(FENCE, body_start)
        if end == -1:
            break
        language = ""
        header = _LANGUAGE_LINE.match(text, body_start, end)
        if header:
            language, body_start = header.group(1), header.end()
        content = text[body_start:end]
        position = end + len(FENCE)
        if not content.strip():
            continue
        blocks.append(
            FencedCode(language=normalize_language(language), content=content.strip("\n"))
        )
    return blocks


def language_of_file(file: dict[str, object]) -> str:
    filetype = str(file.get("filetype") or "")
    if filetype and filetype not in {"binary", "auto"}:
        return normalize_language(filetype)
    suffix = PurePosixPath(str(file.get("name") or "")).suffix.lower()
    return _EXTENSIONS.get(suffix, "text")


def check_file_metadata(file: dict[str, object]) -> FileRejected | None:
    """Reject before downloading what cannot be code: too large, empty, or clearly binary."""
    name = str(file.get("name") or file.get("title") or "file")
    size = file.get("size")
    if isinstance(size, int):
        if size > MAX_CODE_BYTES:
            return FileRejected(name, f"it is {size // 1024} KB; code files can be at most 100 KB")
        if size == 0:
            return FileRejected(name, "it is empty")
    mimetype = str(file.get("mimetype") or "")
    filetype = str(file.get("filetype") or "")
    textual = (
        mimetype.startswith("text/")
        or mimetype in {"application/json", "application/javascript", "application/x-sh"}
        or filetype in _TEXT_FILETYPES
        or file.get("mode") == "snippet"
    )
    if not textual:
        return FileRejected(name, "it is not a text file (send code as a snippet or a text file)")
    return None


def decode_file(file: dict[str, object], content: bytes) -> FileCode | FileRejected:
    """Turn downloaded bytes into code, or say why not."""
    name = str(file.get("name") or file.get("title") or "file")
    if len(content) > MAX_CODE_BYTES:
        return FileRejected(
            name, f"it is {len(content) // 1024} KB; code files can be at most 100 KB"
        )
    if b"\x00" in content:
        return FileRejected(name, "it looks binary, not text")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return FileRejected(name, "it is not UTF-8 text")
    if not text.strip():
        return FileRejected(name, "it is empty")
    head = text.lstrip()[:200].lower()
    if (head.startswith("<!doctype html") or head.startswith("<html")) and file.get(
        "filetype"
    ) != "html":
        # Slack serves its login page instead of the file when the token is not accepted.
        return FileRejected(name, "I could not download it from Slack (got a web page instead)")
    return FileCode(language=language_of_file(file), filename=name, content=text)
