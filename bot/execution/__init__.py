"""Running candidate code against a problem's tests, only ever inside a bubblewrap sandbox.

The engine's entry points: ``CodeRunner`` (``await runner.run(problem, Submission(...))``,
``await runner.available()``), ``detect_language`` and ``starter``.
"""

from bot.execution.detect import DetectedLanguage, detect_language
from bot.execution.runner import CodeRunner, RunResult, RunStatus, Submission, TestFailure
from bot.execution.signatures import starter

__all__ = [
    "CodeRunner",
    "DetectedLanguage",
    "RunResult",
    "RunStatus",
    "Submission",
    "TestFailure",
    "detect_language",
    "starter",
]
