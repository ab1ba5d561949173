"""What an interview proves: the candidate's words and code read as evidence.

Both graders read an interview only through this package: the heuristic rubric scores the
evidence, and the same caps (``grading.apply_evidence_caps``) hold every grade to it, so a
model talked into 100s by the candidate cannot outscore what the code and transcript show.

* ``words``: the candidate's words (manipulation attempts, questions, hint requests,
  approaches, named bounds);
* ``tokens``, ``python_code``, ``brace_code``, ``structure``: reading code, Python through
  ``ast`` and every other language through one tokeniser;
* ``code``: one submission as evidence (stubs, the entry point, another problem's code);
* ``interview``: the whole interview (``gather_evidence``), runs included.

Everything here is linear in the size of its input. Candidate code can be 100 KB of
anything (one-word lines, unbalanced backticks, lone surrogates) and is read on the event
loop, so no pattern may backtrack across lines: code is tokenised by one ``finditer`` pass
whose every match consumes what it looks at, brackets are paired once with a stack, scans
ahead from a token are bounded, and every quantifier that could meet a long run of the
same character is bounded or excludes what follows it. Code is read up to its first
``MAX_CODE_READ_CHARS`` characters (what the grading model is shown), messages up to
``words.MAX_READ_CHARS``.
"""
