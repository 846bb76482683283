"""French as screener shows it, for expectations written by hand in tests.

Canadian French puts a space before ":" (Bureau de la traduction), and screener makes it a no-break space
(U+00A0) so that a wrapped line never starts with the colon. Expectations are easier to read written with
an ordinary space; `nb` turns each " :" of such an expectation into the no-break form screener prints.
"""

from __future__ import annotations

NBSP = "\u00a0"
COLON = NBSP + ":"  # a French colon as screener writes it


def nb(text: str) -> str:
    """`text` with each " :" written as screener writes it (a no-break space before the colon)."""
    return text.replace(" :", COLON)
