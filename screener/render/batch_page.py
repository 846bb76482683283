"""`screener batch --summary FILE`: the run's summary as a page a partner opens (HTML), or Markdown (`.md`).

Built from the `BatchSummary` counted while the batch was written (nothing is re-read) and the rulebook's
own texts: counts, and the rows that could not be screened named by row number, the columns that name a person
and the reason (a field and what it expects); never an applicant's answers. The HTML page is self-contained:
inline CSS, the score distribution as inline SVG, no scripts, no fonts, no links to load; a Content-Security-Policy
forbids loading anything. Every text is escaped (rule texts and file names are data, never markup).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path

from screener.batch import MENTIONED, NO_BEST, OUTCOMES, BatchSummary, band_labels
from screener.columnar import BEST, FLAGS, LEADS, MISSING, UNDECIDED, WARNINGS
from screener.errors import ScreenerError
from screener.files import atomic_write
from screener.i18n import N_, _, current, format_date, format_number, ngettext
from screener.render.batch_summary import OUTCOME_NAMES
from screener.render.report_file import md
from screener.rulebook import Rulebook

TOP_MISSING = 15  # the most common missing answers shown
TITLE = N_("Batch screening summary")


@dataclass
class Table:
    """One section's table: a caption, column names and rows of text (numbers already formatted)."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    note: str | None = None


@dataclass
class Page:
    """What the summary says, before it is written as HTML or Markdown (one meaning, two formats)."""

    facts: list[tuple[str, str]]
    review_due: list[str]
    warnings: list[str]
    tables: list[Table]
    bands: list[tuple[str, int]]  # the score distribution, low band first, `unknown` last
    score_title: str | None
    disclaimer: str
    not_screened: Table | None = None  # the error rows to follow up, first on the page


def summary_page(summary: BatchSummary, rulebook: Rulebook, as_of: dt.date, source: str) -> Page:
    """The summary's sections, in the order a partner reads them: totals, outcomes, best route, scores, gaps."""
    readable = summary.rows - summary.error_rows
    facts = [(_("Input"), source), (_("Rows"), format_number(summary.rows)), (_("Screened"), format_number(readable)),
             (_("Error rows (see their error cell)"), format_number(summary.error_rows)),
             *([(_("Blank rows (every cell empty, not screened)"), format_number(summary.blank_rows))]
               if summary.blank_rows else []),
             (_("Rows with an admissibility flag"), format_number(summary.flagged_rows)),
             (_("Rows whose admissibility is not settled (an unanswered question could raise a flag)"),
              format_number(summary.undecided_rows)),
             (_("Rules"), _("{title} ({id}), version {version}").format(
                 title=rulebook.info.title, id=rulebook.info.id, version=rulebook.version)),
             (_("Rules as of"), format_date(as_of))]
    pathways = rulebook.pathways
    outcome_columns = [_(OUTCOME_NAMES[o]).capitalize() for o in OUTCOMES]
    tables = [Table(_("Outcomes per pathway"), [_("Pathway"), _("Id"), *outcome_columns],
                    [[pathways[p].title if p in pathways else p, p,
                      *(format_number(summary.outcomes.get(p, {}).get(o, 0)) for o in OUTCOMES)]
                     for p in summary.pathways],
                    numeric={2, 3, 4})]
    best = summary.mentions.get(BEST, {})
    tables.append(Table(_("Best pathway per row"), [_("Pathway"), _("Id"), _("Rows")],
                        [[pathways[p].title if p in pathways else _("No pathway open yet"), p, format_number(n)]
                         for p, n in _most_common(best)], numeric={2},
                        note=_("The most realistic open pathway of each screened row; "
                               "'{none}': none is eligible on the answers given.").format(none=NO_BEST)))
    questions = rulebook.questions
    missing = _most_common(summary.mentions.get(MISSING, {}))
    note = _("Answers that would decide a row's incomplete pathways; asking them settles the most rows first.")
    if len(missing) > TOP_MISSING:
        note += " " + _("{count} more not shown.").format(count=format_number(len(missing) - TOP_MISSING))
    tables.append(Table(_("Most common missing answers"), [_("Question"), _("Field"), _("Rows")],
                        [[questions[q].prompt if q in questions else q, q, format_number(n)]
                         for q, n in missing[:TOP_MISSING]],
                        numeric={2}, note=note))
    tables.append(_flags_table(summary, rulebook))
    named = {LEADS: (_("Leads (routes worth exploring, no legal test)"),
                     {i: lead.title for i, lead in rulebook.leads.items()}),
             WARNINGS: (_("Answer warnings (answers to check)"),
                        {i: w.title or i.replace("_", " ") for i, w in rulebook.answer_warnings.items()})}
    for column in MENTIONED:
        if column in named:
            caption, titles = named[column]
            counts = _most_common(summary.mentions.get(column, {}))
            tables.append(Table(caption, [_("Title"), _("Id"), _("Rows")],
                                [[titles.get(i, i), i, format_number(n)] for i, n in counts],
                                numeric={2}))
    bands = [(label, summary.bands.get(label, 0)) for label in [*band_labels(), "unknown"]]
    bands = bands if summary.score else []
    score_title = None
    if summary.score is not None:
        score = rulebook.scores.get(summary.score)
        score_title = f"{score.title if score else summary.score} ({summary.score})"
    return Page(facts, rulebook.stale(as_of), list(summary.warnings), tables, bands, score_title,
                rulebook.info.disclaimer, _not_screened_table(summary))


def _not_screened_table(summary: BatchSummary) -> Table | None:
    """The rows that could not be screened, to follow up: they have no outcomes and get no letter, so the
    page names them (row, the columns that name a person, the reason: field and what it expects)."""
    if not summary.error_rows:
        return None
    note = ngettext("This row was not screened: it has no outcomes and gets no letter. Follow it up: fix the "
                    "answer its reason names (the field and what it expects), or ask the person, and run again.",
                    "These {count} rows were not screened: they have no outcomes and get no letter. Follow them "
                    "up: fix the answers each reason names (the field and what it expects), or ask the person, "
                    "and run again.", summary.error_rows).format(count=format_number(summary.error_rows))
    note += " " + _("Row 1 is the first row under the header (a spreadsheet's row 2), as in the letters' names.")
    hidden = summary.error_rows - len(summary.not_screened)
    if hidden > 0:
        note += " " + _("{count} more not shown: see the error column of the output.").format(
            count=format_number(hidden))
    return Table(_("Rows not screened: to follow up"), [_("Row"), *(header for _column, header in summary.naming),
                                                         _("Reason")],
                 [[format_number(row), *cells, reason] for row, cells, reason in summary.not_screened],
                 numeric={0}, note=note)


def _flags_table(summary: BatchSummary, rulebook: Rulebook) -> Table:
    """Per flag, the rows that raise it and, apart, the rows that leave it open (unknown is not no: an
    intake without the history questions must never read as "no flags")."""
    raised = summary.mentions.get(FLAGS, {})
    open_rows = summary.mentions.get(UNDECIDED, {})
    ids = sorted({*raised, *open_rows}, key=lambda i: (-raised.get(i, 0), -open_rows.get(i, 0), i))
    titles = {i: flag.title for i, flag in rulebook.flags.items()}
    note = None
    if open_rows:
        note = _("'{column}': rows that do not answer a question the flag reads, so it may still apply; "
                 "ask it before advising.").format(column=_("Not settled (rows)"))
    return Table(_("Admissibility flags"), [_("Title"), _("Id"), _("Raised (rows)"), _("Not settled (rows)")],
                 [[titles.get(i, i), i, format_number(raised.get(i, 0)), format_number(open_rows.get(i, 0))]
                  for i in ids], numeric={2, 3}, note=note)


REVIEW_DUE = N_("Rules due for review")
WARNINGS_HEADING = N_("Warnings")
NONE = N_("none")
OUT_OF_DATE = N_("Outcomes that depend on these may be out of date: check them before advising.")


def _band(label: str) -> str:
    """A score band as shown: the ranges are numbers; the band of rows without a score is a word."""
    return _("unknown") if label == "unknown" else label


def _most_common(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


# ------------------------------------------------------------------------------------------ HTML

_CSS = ("body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;"
        "color:#111}table{border-collapse:collapse;margin:.5rem 0 1.5rem}caption{text-align:left;font-weight:600;"
        "padding:.3rem 0}td,th{border:1px solid #999;padding:.2rem .6rem;text-align:left}td.n,th.n{text-align:right}"
        ".warn{background:#fff4d6;border-left:4px solid #c80;padding:.5rem 1rem}.note{color:#444;font-size:.9em}"
        "svg text{font-family:system-ui,sans-serif;font-size:12px}dl{display:grid;grid-template-columns:auto 1fr;"
        "gap:.1rem 1rem}dt{font-weight:600}dd{margin:0}")


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def to_html(page: Page) -> str:
    title = _(TITLE)
    out = ["<!DOCTYPE html>", f'<html lang="{current()}"><head><meta charset="utf-8">',
           '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">',
           f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_e(title)}</h1>", "<dl>"]
    out += [f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in page.facts]
    out.append("</dl>")
    if page.not_screened is not None:
        out.append(f'<section class="warn" id="not-screened">{_html_table(page.not_screened)}</section>')
    if page.review_due:
        out.append(f'<section class="warn" id="review-due"><h2>{_e(_(REVIEW_DUE))}</h2><ul>')
        out += [f"<li>{_e(line)}</li>" for line in page.review_due]
        out.append(f"</ul><p>{_e(_(OUT_OF_DATE))}</p></section>")
    if page.warnings:
        out.append(f'<section class="warn" id="warnings"><h2>{_e(_(WARNINGS_HEADING))}</h2><ul>')
        out += [f"<li>{_e(line)}</li>" for line in page.warnings]
        out.append("</ul></section>")
    tables = list(page.tables)
    out.append(_html_table(tables.pop(0)))
    out.append(_html_table(tables.pop(0)))
    if page.score_title is not None:
        distribution = _("{score}: distribution").format(score=page.score_title)
        out.append(f'<h2 id="distribution">{_e(distribution)}</h2>')
        out.append(bar_chart(page.bands, page.score_title))
        out.append(_html_table(Table(_("{score} per range").format(score=page.score_title), [_("Range"), _("Rows")],
                                     [[_band(label), format_number(n)] for label, n in page.bands], numeric={1},
                                     note=_("'{unknown}': a screened row whose score depends on an unanswered "
                                            "question.").format(unknown=_("unknown")))))
    out += [_html_table(table) for table in tables]
    out.append(f'<p class="note" id="disclaimer">{_e(page.disclaimer)}</p></body></html>')
    return "\n".join(out) + "\n"


def _html_table(table: Table) -> str:
    def cell(tag: str, index: int, text: str) -> str:
        kind = ' class="n"' if index in table.numeric else ""
        return f"<{tag}{kind}>{_e(text)}</{tag}>"

    out = [f"<table><caption>{_e(table.caption)}</caption>",
           "<thead><tr>" + "".join(cell("th", i, name) for i, name in enumerate(table.columns)) + "</tr></thead>",
           "<tbody>"]
    if not table.rows:
        out.append(f'<tr><td colspan="{len(table.columns)}">{_e(_(NONE))}</td></tr>')
    out += ["<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>" for row in table.rows]
    out.append("</tbody></table>")
    if table.note:
        out.append(f'<p class="note">{_e(table.note)}</p>')
    return "\n".join(out)


def bar_chart(bands: list[tuple[str, int]], title: str, width: int = 640, height: int = 240) -> str:
    """A bar per band, as inline SVG: each bar's height is its share of the largest band, with its count."""
    top, bottom, side = 24, 40, 8
    slot = (width - 2 * side) / max(len(bands), 1)
    largest = max((n for _, n in bands), default=0)
    per_range = _("{score} per range").format(score=title)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}"><title>{_e(per_range)}</title>',
           f'<line x1="{side}" y1="{height - bottom}" x2="{width - side}" y2="{height - bottom}" stroke="#333"/>']
    for index, (label, count) in enumerate(bands):
        bar = 0.0 if largest == 0 else (height - top - bottom) * count / largest
        x = side + index * slot
        y = height - bottom - bar
        colour = "#999" if label == "unknown" else "#2b6cb0"
        tip = ngettext("{range}: {count} row", "{range}: {count} rows", count).format(range=_band(label),
                                                                                     count=format_number(count))
        out.append(f'<g class="bar" data-range="{_e(label)}" data-rows="{count}">'
                   f'<title>{_e(tip)}</title>'
                   f'<rect x="{x + 4:.1f}" y="{y:.1f}" width="{slot - 8:.1f}" height="{bar:.1f}" fill="{colour}"/>'
                   f'<text x="{x + slot / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle">{format_number(count)}</text>'
                   f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 16:.1f}" text-anchor="middle">'
                   f"{_e(_band(label))}</text></g>")
    out.append("</svg>")
    return "".join(out)


# -------------------------------------------------------------------------------------- Markdown


def to_markdown(page: Page) -> str:
    out = [f"# {_(TITLE)}", ""]
    out += [f"- **{md(name)}**: {md(value)}" for name, value in page.facts] + [""]
    if page.not_screened is not None:
        out += _md_table(page.not_screened)
    if page.review_due:
        out += ["## " + _(REVIEW_DUE), ""] + [f"- {md(line)}" for line in page.review_due]
        out += ["", _(OUT_OF_DATE), ""]
    if page.warnings:
        out += ["## " + _(WARNINGS_HEADING), ""] + [f"- {md(line)}" for line in page.warnings] + [""]
    tables = list(page.tables)
    out += _md_table(tables.pop(0)) + _md_table(tables.pop(0))
    if page.score_title is not None:
        largest = max((n for _, n in page.bands), default=0)
        out += _md_table(Table(_("{score}: distribution").format(score=page.score_title), [_("Range"), _("Rows"), ""],
                               [[_band(label), format_number(n), "█" * (0 if largest == 0 else round(30 * n / largest))]
                                for label, n in page.bands], numeric={1}))
    for table in tables:
        out += _md_table(table)
    out += [f"*{md(page.disclaimer)}*", ""]
    return "\n".join(out)


def _md_table(table: Table) -> list[str]:
    out = [f"## {md(table.caption)}", ""]
    if not table.rows:
        return [*out, _("None."), ""]
    out.append("| " + " | ".join(md(name) for name in table.columns) + " |")
    out.append("|" + "|".join("---:" if i in table.numeric else "---" for i in range(len(table.columns))) + "|")
    out += ["| " + " | ".join(md(text) for text in row) + " |" for row in table.rows]
    out.append("")
    if table.note:
        out += [md(table.note), ""]
    return out


def write_summary(path: str, summary: BatchSummary, rulebook: Rulebook, as_of: dt.date, source: str) -> None:
    """The page to `path` (HTML; Markdown when it ends in .md), atomically; `-`, devices and FIFOs streamed to."""
    page = summary_page(summary, rulebook, as_of, source)
    markdown = Path(path).suffix.lower() in (".md", ".markdown")
    data = (to_markdown(page) if markdown else to_html(page)).encode("utf-8")
    try:
        with atomic_write(path, option="--summary") as out:  # names error rows: owner-only
            out.write(data)
    except OSError as exc:
        raise ScreenerError(_("--summary: cannot write {file} ({reason})").format(file=path, reason=exc.strerror),
                            exit_code=1) from None
