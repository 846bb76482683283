"""The end-of-run summary of `screener batch` on stderr: counts only, never an applicant's answers."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from screener.batch import OUTCOMES, BatchSummary, band_labels
from screener.i18n import N_, _, format_number, ngettext

SHOWN_ROWS = 20  # error rows named by number on stderr (the --summary page lists more, with names)
OUTCOME_NAMES = {"eligible": N_("eligible"), "ineligible": N_("ineligible"), "incomplete": N_("incomplete")}


def render_summary(console: Console, summary: BatchSummary) -> None:
    """Rows (people: blank rows are said apart), screened and error rows, counted as the --summary page
    counts them; each pathway's outcome counts, and the distribution of the CRS score."""
    console.print(ngettext("{rows} row: {screened} screened, {errors} with errors (see the error column)",
                           "{rows} rows: {screened} screened, {errors} with errors (see the error column)",
                           summary.rows).format(rows=format_number(summary.rows),
                                                screened=format_number(summary.rows - summary.error_rows),
                                                errors=format_number(summary.error_rows)))
    if summary.not_screened:  # by number only here (names stay in the files): who to follow up
        numbers = [format_number(row) for row, _cells, _reason in summary.not_screened[:SHOWN_ROWS]]
        more = "…" if summary.error_rows > len(numbers) else ""
        console.print(ngettext("Not screened, so no letter: row {rows}{more}; follow it up (its error cell says why)",
                               "Not screened, so no letters: rows {rows}{more}; follow them up (their error cells "
                               "say why)", summary.error_rows).format(rows=", ".join(numbers), more=more))
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
