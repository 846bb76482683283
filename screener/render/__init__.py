"""Turning reports and errors into what people read: rich on terminals, plain when piped.

rich breaks lines at a no-break space (Textualize/rich#3545: its word pattern is `\\s*\\S+\\s*`, and `\\s`
matches U+00A0), so `15 263 $`, `1 200` and `« mot »` could be split across lines. Every renderer is in
this package, so the pattern is replaced here, once, before anything is wrapped: only breakable
whitespace separates words.
"""

from __future__ import annotations

import re

import rich._wrap

from screener.i18n import NO_BREAK

rich._wrap.re_word = re.compile(rf"[^\S{NO_BREAK}]*[\S{NO_BREAK}]+[^\S{NO_BREAK}]*")
