"""What counts as a line of the candidate's code: the lines their editor numbers."""

from __future__ import annotations

import pytest

from bot.interview.code import line_count

# The browser journey's snippet: eleven lines, one of them blank, ending in a newline.
JOURNEY_SNIPPET = '''def max_pay(gigs):
    """Best total pay of non-overlapping gigs: sort by end, binary search, DP."""
    import bisect

    gigs = sorted(gigs, key=lambda gig: gig[1])
    ends = [end for _, end, _ in gigs]
    best = [0] * (len(gigs) + 1)
    for i, (start, end, pay) in enumerate(gigs, 1):
        j = bisect.bisect_right(ends, start, 0, i - 1)
        best[i] = max(best[i - 1], best[j] + pay)
    return best[-1]
'''


@pytest.mark.parametrize(
    ("content", "lines"),
    [
        (JOURNEY_SNIPPET, 11),
        (JOURNEY_SNIPPET.rstrip("\n"), 11),  # the last line without its newline
        ("\n\n" + JOURNEY_SNIPPET + "\n\n\n", 11),  # blank lines around it add none
        (JOURNEY_SNIPPET.replace("\n", "\r\n"), 11),
        ("a = 1\n\n\n\nb = 2", 5),  # blank lines inside are lines of the code
        ("a = 1\n   \t\nb = 2\n", 3),  # so is one holding only spaces
        ("x = 1", 1),
        ("", 0),
        ("\n \n\t\n", 0),
    ],
)
def test_lines_are_counted_as_the_editor_numbers_them(content: str, lines: int) -> None:
    assert line_count(content) == lines
