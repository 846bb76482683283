"""The end-of-run summary of `screener batch` on stderr: counts only, never an applicant's answers."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from screener.batch import OUTCOMES, BatchSummary, band_labels


def render_summary(console: Console, summary: BatchSummary) -> None:
    """Rows and error rows, each pathway's outcome counts, and the distribution of the CRS score."""
    console.print(f"{summary.rows} rows screened, {summary.error_rows} with errors (see the error column)")
    console.print("Outcomes per pathway:")
    table = Table()
    table.add_column("pathway")
    for outcome in OUTCOMES:
        table.add_column(outcome, justify="right")
    for pathway in summary.pathways:
        counts = summary.outcomes.get(pathway, {})
        table.add_row(pathway, *(str(counts.get(outcome, 0)) for outcome in OUTCOMES))
    console.print(table)
    if summary.score is not None:
        console.print(f"{summary.score} distribution:")
        bands = Table()
        bands.add_column("range")
        bands.add_column("rows", justify="right")
        for label in [*band_labels(), "unknown"]:
            bands.add_row(label, str(summary.bands.get(label, 0)))
        console.print(bands)
