"""The one-screen summary `screener rules validate` prints for a rulebook that loaded cleanly."""

from __future__ import annotations

from rich import box
from rich.table import Table

from screener.i18n import _
from screener.rulebook import Rulebook


def pathway_summary(rulebook: Rulebook) -> Table:
    """One line per pathway: id, requirements in the rulebook, title (wrapped within its column)."""
    widest = max((len(pathway_id) for pathway_id in rulebook.pathways), default=7)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column(_("pathway"), no_wrap=True, min_width=widest)
    table.add_column(_("requirements"), justify="right", no_wrap=True)
    table.add_column(_("title"))
    for pathway in rulebook.pathways.values():
        table.add_row(pathway.id, str(len(pathway.requirements)), pathway.title)
    return table
