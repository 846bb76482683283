"""The end-of-run summary of `screener batch` on stderr: counts only, never an applicant's answers."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from screener.batch import OUTCOMES, BatchSummary, band_labels
from screener.i18n import N_, _, format_number, ngettext

OUTCOME_NAMES = {"eligible": N_("eligible"), "ineligible": N_("ineligible"), "incomplete": N_("incomplete")}


def render_summary(console: Console, summary: BatchSummary) -> None:
    """Rows (people: blank rows are said apart), screened and error rows, counted as the --summary page
    counts them; each pathway's outcome counts, and the distribution of the CRS score."""
    console.print(ngettext("{rows} row: {screened} screened, {errors} with errors (see the error column)",
                           "{rows} rows: {screened} screened, {errors} with errors (see the error column)",
                           summary.rows).format(rows=format_number(summary.rows),
                                                screened=format_number(summary.rows - summary.error_rows),
                                                errors=format_number(summary.error_rows)))
    if summary.blank_rows:
        console.print(ngettext("{count} blank row (every cell empty) kept as a row, not screened",
                               "{count} blank rows (every cell empty) kept as rows, not screened",
                               summary.blank_rows).format(count=format_number(summary.blank_rows)))
    console.print(_("Outcomes per pathway:"))
    table = Table()
    table.add_column(_("pathway"))
    for outcome in OUTCOMES:
        table.add_column(_(OUTCOME_NAMES[outcome]), justify="right")
    for pathway in summary.pathways:
        counts = summary.outcomes.get(pathway, {})
        table.add_row(pathway, *(format_number(counts.get(outcome, 0)) for outcome in OUTCOMES))
    console.print(table)
    if summary.score is not None:
        console.print(_("{score} distribution:").format(score=summary.score))
        bands = Table()
        bands.add_column(_("range"))
        bands.add_column(_("rows"), justify="right")
        for label in [*band_labels(), "unknown"]:
            bands.add_row(_(label) if label == "unknown" else label, format_number(summary.bands.get(label, 0)))
        console.print(bands)
