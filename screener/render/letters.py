"""`screener batch --letters DIR`: one plain-language verdict per readable row, the text of `check --report`.

Each letter is the Markdown (or HTML page) that `screener.render.report_file` writes for one person,
so a paralegal sends exactly what the applicant would see. Files are named `00012-Zoe-Lefevre.md`:
the row number (unique, sorts in input order) and the naming column(s) (`batch.letter_columns`: the
`--id` columns, else the ones headed like a name or an id, never email, phone or notes) folded to safe
ASCII, case kept (file `K2` is not `k2`), at most 24 characters a cell and 60 in all, never a path; a
cell a spreadsheet would run as a formula is left out. The row number keeps two names that differ only
in case apart on a case-insensitive file system (Windows, macOS): `00001-K2.md`, `00002-k2.md`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from screener.csvio import is_formula
from screener.errors import ScreenerError
from screener.files import atomic_write, cannot_write
from screener.i18n import _
from screener.render.report_file import html_page, markdown
from screener.render.verdict import Context
from screener.rulebook import Rulebook


def safe_name(text: str, width: int = 60) -> str:
    """Text as a file-name part: ASCII letters (case kept), digits and '-', never '.', '/' or empty."""
    folded = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in folded if not unicodedata.combining(char))
    slug = re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")
    return slug[:width].strip("-")


class LetterWriter:
    """Writes one verdict file per readable row into `folder`.

    Each letter holds one person's answers and verdict: it is owner-only (0600), and a folder created
    here is too (0700; its missing parents get the usual permissions). An existing folder is left as it is:
    its permissions are the firm's choice.
    """

    def __init__(self, folder: Path, rulebook: Rulebook, as_of: dt.date, html: bool = False) -> None:
        if folder.exists() and not folder.is_dir():
            raise ScreenerError(_("--letters: {folder} is not a folder").format(folder=folder), exit_code=2)
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # the mode is the folder's, not its parents'
        except OSError as error:
            raise cannot_write("--letters", folder, error) from None
        self.folder, self.rulebook, self.as_of, self.html = folder, rulebook, as_of, html
        self.count = 0

    def __call__(self, row: int, answers: Mapping[str, str | None], ids: list[str | None]) -> None:
        report = self.rulebook.evaluate(dict(answers), as_of=self.as_of)
        typed = self.rulebook.read_answers({k: v for k, v in answers.items() if v}, allow_unknown_fields=True)
        text = markdown(report, None, Context(self.rulebook.questions, typed))
        if self.html:
            text = html_page(text)
        name = safe_name("-".join(part for part in (safe_name(cell or "", 24) for cell in ids
                                                     if not is_formula(cell or "")) if part))
        path = self.folder / (f"{row:05d}-{name}" if name else f"{row:05d}")
        with atomic_write(path.with_name(path.name + (".html" if self.html else ".md")),
                          option="--letters") as out:
            out.write(text.encode("utf-8"))
        self.count += 1
