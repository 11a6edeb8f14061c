"""Exit codes, in one place: 0 success, 1 a check or stage failed, 2 bad input."""

OK = 0
FAILED = 1
BAD_INPUT = 2
