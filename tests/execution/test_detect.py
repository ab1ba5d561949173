"""The language of a submission comes from what the candidate said, or is "cannot tell"."""

from __future__ import annotations

import pytest

from bot.execution.detect import CANNOT_TELL, detect_language


@pytest.mark.parametrize(
    ("fence", "filetype", "filename", "language", "source"),
    [
        ("python", None, None, "python", "fence"),
        ("py", None, None, "python", "fence"),
        ("js", None, None, "javascript", "fence"),
        ("node", None, None, "javascript", "fence"),
        ("C++", None, None, "cpp", "fence"),
        (None, "cpp", None, "cpp", "filetype"),
        (None, "javascript", "solution.py", "javascript", "filetype"),
        (None, "text", "solution.py", "python", "filename"),
        (None, None, "Solution.CPP", "cpp", "filename"),
        (None, "auto", "main.js", "javascript", "filename"),
        ("python", "javascript", "x.cpp", "python", "fence"),
        (None, None, "Main.java", "java", "filename"),
        ("go", None, None, "go", "fence"),
    ],
)
def test_the_most_explicit_signal_names_the_language(
    fence: str | None, filetype: str | None, filename: str | None, language: str, source: str
) -> None:
    detected = detect_language(fence=fence, filetype=filetype, filename=filename)
    assert (detected.language, detected.source) == (language, source)
    assert not detected.cannot_tell


@pytest.mark.parametrize(
    ("fence", "filetype", "filename"),
    [
        (None, None, None),
        ("", "text", "notes.txt"),
        ("plaintext", "auto", "solution"),
        (None, "binary", "README.md"),
    ],
)
def test_without_a_signal_it_cannot_tell(
    fence: str | None, filetype: str | None, filename: str | None
) -> None:
    detected = detect_language(fence=fence, filetype=filetype, filename=filename)
    assert detected == CANNOT_TELL
    assert detected.cannot_tell and not detected.runnable


def test_runnable_languages_are_the_runners() -> None:
    assert detect_language(fence="python").runnable
    assert detect_language(filename="a.js").runnable
    assert detect_language(filetype="cpp").runnable
    assert not detect_language(filename="Main.java").runnable
