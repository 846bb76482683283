"""The intake contract as a firm needs it: which columns, which answers, and a map for forms as they are.

Everything here is generated from the rulebook, so the template a firm builds its form from, the map
it edits, and `docs/intake.md` (the contract shipped with the project) never drift from the rules:

- `template_files`: a CSV header, a data dictionary (Markdown and CSV: id, question, type, allowed
  values with their labels, which pathways and scores read it) and a ready `intake-map.yaml`;
- `intake_doc`: docs/intake.md (a test keeps the committed file equal to it);
- `IntakeMap` / `load_intake_map`: a firm's map from its column headers and answer labels to field ids
  and values (`screener batch --map`), checked against the rulebook before any row is read;
- `header_fields`: the headers that need no map: a field id, a field's label or its question text,
  compared as `labels.label_key` (case, accents, punctuation and spacing ignored).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from screener.errors import ScreenerError
from screener.i18n import N_, _, format_number, one_line
from screener.labels import label_key
from screener.model import Question
from screener.rulebook import Rulebook
from screener.suggest import did_you_mean

MAP_NAME = "intake-map.yaml"
MAX_MAP_BYTES = 1_000_000
TEMPLATE_FILES = ("intake-header.csv", "intake-dictionary.md", "intake-dictionary.csv", MAP_NAME)


# ---------------------------------------------------------------------------------- headers


def header_fields(rulebook: Rulebook) -> dict[str, str]:
    """label_key of a header -> the field it names without a map: its id, its label or its question, in
    any language of the rulebook (a form built from the French dictionary is read by an English batch too).

    A label or question text two fields share names neither (only the id does).
    """
    found, shared = _header_index(rulebook)
    for key in shared:
        del found[key]
    found.update({label_key(qid): qid for qid in rulebook.questions})  # ids always win
    return found


def shared_headers(rulebook: Rulebook) -> dict[str, list[str]]:
    """label_key of a label or question text two or more fields share ("What was your listening score on
    that test?": the English and the French test) -> those fields, so a column named so is reported, not
    dropped in silence. A field id is never shared."""
    _found, shared = _header_index(rulebook)
    ids = {label_key(qid) for qid in rulebook.questions}
    return {key: fields for key, fields in shared.items() if key not in ids}


def _header_index(rulebook: Rulebook) -> tuple[dict[str, str], dict[str, list[str]]]:
    """label_key of every label and question text -> its field, and the keys two fields share -> fields."""
    found: dict[str, str] = {}
    shared: dict[str, list[str]] = {}
    for qid, text in _header_texts(rulebook):
        key = label_key(text)
        if not key:
            continue
        if key in found and found[key] != qid:
            fields = shared.setdefault(key, [found[key]])
            if qid not in fields:
                fields.append(qid)
        found[key] = qid
    return found, shared


def _header_texts(rulebook: Rulebook) -> Iterator[tuple[str, str]]:
    """(field id, label or question text) in English, then in every other language of the rulebook."""
    english = rulebook.english or rulebook
    for qid, question in english.questions.items():
        yield qid, question.label or ""
        yield qid, question.prompt
    for translation in english.translations.values():
        for qid in english.questions:
            yield qid, translation.get("questions", qid, "label") or ""
            yield qid, translation.get("questions", qid, "prompt") or ""


def form_titles(rulebook: Rulebook) -> dict[str, str]:
    """Field id -> a header that names it without a map: its question text, or its label where two
    fields ask the same question ("What was your reading score on that test?"), else its id.

    The data dictionary's question column and the template map's headers: a form built from either has
    a column title of its own for every field, so it is read whatever the order of its columns."""
    wanted = header_fields(rulebook)
    titles: dict[str, str] = {}
    for qid, question in rulebook.questions.items():
        candidates = [one_line(question.prompt), question.short_label, qid]
        titles[qid] = next(text for text in candidates if wanted.get(label_key(text)) == qid)
    return titles


# ---------------------------------------------------------------------------------- the map


@dataclass
class IntakeMap:
    """A firm's form, mapped: header -> field id, and per field, answer as written -> screener's value."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    positions: dict[tuple[str, ...], str] = field(default_factory=dict)  # file:line:col of each entry

    def value_keys(self) -> dict[str, dict[str, str]]:
        """field id -> label_key(answer) -> value (how cells are looked up)."""
        return {qid: {label_key(text): value for text, value in answers.items()}
                for qid, answers in self.values.items()}

    def translations(self, cells: Mapping[str, str]) -> dict[str, dict[str, str]]:
        """Input column (`cells`: field id -> column) -> label_key(answer) -> value, for `batch.translated`."""
        return {cells[qid]: keys for qid, keys in self.value_keys().items() if qid in cells}


def load_intake_map(path: str, option: str = "--map") -> IntakeMap:
    """Read `intake-map.yaml`: `columns:` and `values:` sections, or the older flat `Header: field_id`.

    Every problem is one line with the file:line:col it is at.
    """
    from screener.source import DuplicateKeyError, LocatedDict, YamlSyntaxError, load_yaml_text

    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_MAP_BYTES + 1)
    except FileNotFoundError:
        raise ScreenerError(_("{option}: {path}: no such file").format(option=option, path=path),
                            exit_code=2) from None
    except OSError as error:
        raise ScreenerError(f"{option}: {path}: {error.strerror or _('cannot be read')}", exit_code=2) from None
    if len(raw) > MAX_MAP_BYTES:
        raise ScreenerError(_("{option}: {path}: too large to be a map (over 1 MB)").format(option=option, path=path),
                            exit_code=2)
    try:
        data = load_yaml_text(raw.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        raise ScreenerError(_("{option}: {path}: not UTF-8 text").format(option=option, path=path),
                            exit_code=2) from None
    except (YamlSyntaxError, DuplicateKeyError) as error:
        raise ScreenerError(f"{option}: {error.position}: {error}", exit_code=2) from None

    def fail(where: object, message: str) -> ScreenerError:
        return ScreenerError(f"{option}: {where}: {message}", exit_code=2)

    if not isinstance(data, LocatedDict) or not data:
        raise fail(getattr(data, "position", f"{path}:1:1"), _("must map header names to field ids, like "
                   "`Age: age` (or have `columns:` and `values:` sections)"))
    flat = not set(data) <= {"columns", "values"}  # the older `--columns` form: headers only
    columns = data if flat else data.get("columns") or LocatedDict()
    values = LocatedDict() if flat else data.get("values") or LocatedDict()
    found = IntakeMap()
    if not isinstance(columns, LocatedDict):
        raise fail(data.value_positions.get("columns"),
                   _("`columns:` maps header names to field ids, like `Age: age`"))
    for header, qid in columns.items():
        if not isinstance(header, str) or not isinstance(qid, str):
            where = columns.value_positions.get(header) or columns.key_positions.get(header) or columns.position
            raise fail(where, _("each entry maps a header name to a field id, like `Age: age`"))
        found.columns[header] = qid
        found.positions[("columns", header)] = str(columns.value_positions.get(header, columns.position))
        found.positions[("header", header)] = str(columns.key_positions.get(header, columns.position))
    if not isinstance(values, LocatedDict):
        raise fail(data.value_positions.get("values"), _("`values:` maps field ids to {{your answer: value}}"))
    for qid, answers in values.items():
        answers = answers if answers is not None else LocatedDict()
        if not isinstance(answers, LocatedDict):
            raise fail(values.value_positions.get(qid) or values.position,
                       _("under `values:`, each field id maps your answers to values, like "
                         "`marital_status: {{Célibataire: single}}`"))
        found.positions[("values", qid)] = str(values.key_positions.get(qid, values.position))
        found.values[str(qid)] = {}
        for text, value in answers.items():
            if isinstance(value, dict | list):
                raise fail(answers.value_positions.get(text) or answers.position,
                           _("each answer maps to one value, like `Célibataire: single`"))
            found.values[str(qid)][str(text)] = "" if value is None else scalar_text(value)  # null: unknown
            found.positions[("values", qid, str(text))] = str(answers.value_positions.get(text, answers.position))
    return found


def scalar_text(value: object) -> str:
    """A YAML scalar (a map's value, an answer file's answer) as an intake cell: a yes/no as yes or no, anything
    else as written."""
    if isinstance(value, bool):  # `true`/`false` in YAML
        return "yes" if value else "no"
    return str(value)


def check_map(intake_map: IntakeMap, *rulebooks: Rulebook, option: str = "--map") -> None:
    """Every field id exists and every mapped value is an answer the rulebook accepts; all problems at once,
    each with the file:line:col it is at. With several rulebooks (`rules diff`), a field one of them has
    is a field, and its values must suit every rulebook that has it."""
    from screener.answers import Unsure, coerce, is_blank

    problems: list[str] = []
    fields = {qid: None for book in rulebooks for qid in book.questions}

    def add(key: tuple[str, ...], message: str) -> None:
        where = intake_map.positions.get(key)
        line = f"{where}: {message}" if where else message
        if line not in problems:
            problems.append(line)

    for header, qid in intake_map.columns.items():
        if qid not in fields:
            add(("columns", header), _("'{id}' is not a field of the rulebook").format(id=qid)
                + did_you_mean(qid, fields))
    for qid, answers in intake_map.values.items():
        if qid not in fields:
            add(("values", qid), _("'{id}' is not a field of the rulebook").format(id=qid)
                + did_you_mean(qid, fields))
            continue
        for question in (book.questions[qid] for book in rulebooks if qid in book.questions):
            for text, value in answers.items():
                if is_blank(value):
                    continue  # `null` (or ""): that answer is unknown
                try:
                    coerce(question, value)
                except Unsure:
                    continue  # "not sure", "unknown", "?": unknown too
                except ValueError as error:
                    add(("values", qid, text), f"values: {qid}: '{text}' -> '{value}': {error}")
    if len(problems) == 1:
        raise ScreenerError(f"{option}: {problems[0]}", exit_code=2)
    if problems:
        raise ScreenerError(_("{option}: {count} problems in the map").format(option=option, count=len(problems)),
                            details=problems, exit_code=2)


# ---------------------------------------------------------------------------------- dictionary


@dataclass(frozen=True)
class Entry:
    """One field of the data dictionary."""

    id: str
    topic: str
    question: str
    type: str
    allowed: str
    used_by: str


def allowed_values(question: Question) -> str:
    """What a cell may hold, in words of the active language, with each choice's label (from the rulebook
    in that language); the values themselves are the same in every language."""
    if question.type == "yes_no":
        return _("yes / no (also y, n, true, false, 1, 0)")
    if question.type == "choice":
        return "; ".join(f"{c.value} = {c.label}" if c.label else c.value for c in question.choices or [])
    if question.type == "date":
        return _("a date, YYYY-MM-DD")
    low = "" if question.min is None else format_number(question.min, grouping=False)
    high = "" if question.max is None else format_number(question.max, grouping=False)
    span = (_(" {low}–{high}") if low and high else _(" from {low}") if low else _(" up to {high}") if high
            else "").format(low=low, high=high)
    if question.type == "money":
        return _("Canadian dollars{span} (25000, 25,000 or $25,000)").format(span=span)
    if question.type == "number":
        return _("a number{span} (6.5)").format(span=span)
    return _("a whole number{span}").format(span=span)


def users(rulebook: Rulebook) -> dict[str, list[str]]:
    """Question id -> the pathways, scores and admissibility flags whose rules read it (directly or
    through derived values)."""
    graph = rulebook.graph
    found: dict[str, list[str]] = {qid: [] for qid in rulebook.questions}
    for pid, pathway in rulebook.rules.pathways.items():
        read: set[str] = set()
        for requirement in pathway.requirements:
            read |= graph.questions_of_node(requirement.condition.node)
        for qid in read:
            found.setdefault(qid, []).append(pid)
    for sid in rulebook.scores:
        for qid in graph.questions_of([sid]):
            found.setdefault(qid, []).append(sid)
    for fid, flag in rulebook.rules.flags.items():
        for qid in graph.questions_of_node(flag.condition.node):
            found.setdefault(qid, []).append(_("flag {id}").format(id=fid))
    return found


def dictionary(rulebook: Rulebook) -> list[Entry]:
    """Every field, in interview order."""
    topics = {topic.id: topic.title for topic in rulebook.topics}
    used = users(rulebook)
    titles = form_titles(rulebook)  # a question two fields share gives way to their labels
    return [Entry(question.id, topics.get(question.topic, question.topic), titles[question.id],
                  question.type, allowed_values(question), ", ".join(used.get(question.id, [])) or "—")
            for question in rulebook.question_order()]


def dictionary_header() -> list[str]:
    """The dictionary's column names, in the active language (the id column is `id` in every language)."""
    return ["id", _("topic"), _("question"), _("type"), _("allowed values"), _("used by")]


def dictionary_markdown(rulebook: Rulebook) -> str:
    names = dictionary_header()
    del names[1]  # no topic column: the Markdown table is short enough to read whole
    lines = ["| " + " | ".join(names) + " |", "|---|---|---|---|---|"]
    for entry in dictionary(rulebook):
        cells = [f"`{entry.id}`", entry.question, entry.type, entry.allowed, entry.used_by]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def dictionary_csv(rulebook: Rulebook) -> str:
    from screener.csvio import escape_formula

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(dictionary_header())
    for entry in dictionary(rulebook):
        writer.writerow([escape_formula(cell) for cell in
                         (entry.id, entry.topic, entry.question, entry.type, entry.allowed, entry.used_by)])
    return buffer.getvalue()


def header_csv(rulebook: Rulebook) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow([q.id for q in rulebook.question_order()])
    return buffer.getvalue()


def _yaml_text(text: str) -> str:
    return '"' + one_line(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def map_template(rulebook: Rulebook) -> str:
    """A working `intake-map.yaml`: each field's question text as its header; edit the left sides.

    The comments and the question texts are in the rulebook's language; the keys, field ids and values
    are the same in every language (a map works with `batch` in any language)."""
    intro = _("How your intake form maps onto the fields of the rulebook '{id}' (version {version}).").format(
        id=rulebook.info.id, version=rulebook.info.version)
    usage = _("Use it with:  {command}").format(
        command=f"screener batch responses.csv --map {MAP_NAME} -o screened.csv")
    guide = _("columns: your column header -> field id. Replace each question text below with your form's\n"
              "  header for that field (case, accents and punctuation do not matter). A header that is the\n"
              "  field id, its label or its question text needs no line; delete the lines you do not use.\n"
              "values: per field, an answer as your form writes it -> the value screener expects. The\n"
              "  rulebook's own labels ('Single (never married, ...)', 'British Columbia', 'Québec') and\n"
              "  yes/no words need no line: add only your form's own wording. An answer mapped to null\n"
              "  (\"Prefer not to say\": null) is unknown, as are 'not sure', 'N/A' and '?' without a line.")
    lines = [f"# {intro}", f"# {usage}", "#", *(f"# {line}" for line in guide.splitlines()), "columns:"]
    titles = form_titles(rulebook)
    for question in rulebook.question_order():
        lines.append(f"  {_yaml_text(titles[question.id])}: {question.id}")
    lines.append("values:")
    for question in rulebook.question_order():
        if question.type != "choice":
            continue
        lines.append(f"  {question.id}:")
        lines.append("    # " + _("\"your form's answer\": one of {values}").format(
            values=", ".join(question.choice_values)))
    lines.append("")
    return "\n".join(lines)


def template_files(rulebook: Rulebook) -> dict[str, str]:
    """File name -> content, for `screener intake template DIR` (in the rulebook's language)."""
    title = _("Intake data dictionary ({title}, rules version {version})").format(
        title=rulebook.info.title, version=rulebook.info.version)
    return {
        "intake-header.csv": header_csv(rulebook),
        "intake-dictionary.md": f"# {title}\n\n" + dictionary_markdown(rulebook),
        "intake-dictionary.csv": dictionary_csv(rulebook),
        MAP_NAME: map_template(rulebook),
    }


# ---------------------------------------------------------------------------------- docs/intake.md


def intake_doc(rulebook: Rulebook) -> str:
    """docs/intake.md: the intake contract of a rulebook, for the firms that build forms on it (in the active
    language; the committed docs/intake.md is the English)."""
    from screener.csvio import BLANK_ROW

    pathways = ", ".join(f"`{pid}`" for pid in rulebook.pathways)
    scores = ", ".join(f"`{sid}`" for sid in rulebook.scores)
    text = "".join(_(part) for part in DOC)
    return text.format(title=rulebook.info.title, version=rulebook.info.version, pathways=pathways, scores=scores,
                       dictionary=dictionary_markdown(rulebook), blank=_(BLANK_ROW)).rstrip() + "\n"


# The contract in parts (one catalog entry each, so a translator edits a section, not the whole page);
# `{{`/`}}` are literal braces of the JSON examples, kept in every language.
DOC = (
    N_("""\
# The intake contract

<!-- Generated from the rulebook by `screener intake doc -o docs/intake.md`; a test keeps it current. -->

What a law firm's intake file must hold for `screener batch`, and what comes back. This is the
public interface of the default rulebook ({title}, rules version {version}): field ids, pathway ids,
outcomes, output columns and the JSON report are never renamed.

`screener intake template FOLDER` writes the same dictionary as files to build a form from: a CSV
header (`intake-header.csv`), the dictionary as Markdown and CSV, and a ready map (`intake-map.yaml`).
With `--lang fr` (or `SCREENER_LANG=fr`, or a French locale) the dictionary's questions, choice labels,
headings and descriptions and the map's comments and headers are in French; the field ids, choice values,
type names, the CSV header and the map's keys are the same in both languages.

"""),
    N_("""\
## The input

- One row per person, one column per field below, in any order. Extra columns (names, emails, phone
  numbers, file numbers) are kept and passed through untouched.
- A header matches a field when it is the field id, the field's label or its question text, in English
  or French, ignoring case, accents, punctuation and spacing (`English CLB Reading`, `How old are you
  today?`, `Quel âge avez-vous aujourd'hui?`). Other headers are named in a map (`--map
  intake-map.yaml`, `columns:` section). A question two fields share (`What was your listening score
  on that test?`, English and French) is read as the score of the test in the column to its left
  (`english_test`, `french_test`, or a score column already read), the four scores in any order;
  with anything else to its left it is not read, and a warning says so. The dictionary below and the
  template's map give those fields titles of their own (`English listening score`): a form built from
  them is read with no map, whatever the order of its columns.
- Answers: the values below, or the labels the interview shows in English or French (`Single (never
  married, ...)`, `British Columbia`, `Colombie-Britannique`, `Québec`), ignoring case and accents. A
  form's own wording is named in the map (`values:` section). An empty cell is *unknown*, never "no": a
  pathway that depends on it is `incomplete`. So is a cell that says "I don't know" (`not sure`, `unsure`,
  `don't know`, `I don't know`, `unknown`, `N/A`, `?`, `pas sûr`, `je ne sais pas`, the words the
  interview takes): it is the question's own `unsure` choice where it has one, else unknown, and the
  run's warnings count such cells per field. In the map, an answer mapped to `null` (`"Prefer not to
  say": null`) is unknown too. Amounts may name the currency (`CAD 40000`, `40,000 CAD`, `C$40,000`) and
  a number of years its unit (`34 years`, `34 ans`, for a question counted in years).
- A cell with an answer that cannot be read (`€20.000`, `maybe`, an age of `thirty`) makes its row an
  error row: the `error` cell names each such field and what it expects (never the value), and the row
  gets no outcomes and no letter (a verdict that silently dropped an answer the person gave could be
  wrong about them); the summary lists these rows to follow up. Fix the cell, or map that answer, and run
  again.
- Files: CSV in UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252/Latin-1 (Excel's plain
  "CSV"), detected (`--encoding` forces one); separated by `,`, `;` or tab (detected, or named by
  Excel's first line `sep=;`); or an `.xlsx`
  workbook (the sheet in view when saved, or `--sheet`; needs `pip install 'screener[xlsx]'`). A file that is not text
  in its encoding is refused whole, with advice, never turned into half error rows. A row with fewer
  cells than the header (Excel and Google Sheets leave a row's empty cells out at its end) has the
  missing ones empty; a row with more is an error row, its `error` cell naming its row (as the summary
  counts them: 1 = the first row under the header) and its line in the file (`row 4, line 5 of the file:
  5 cells, expected 4 (the header's)`).

"""),
    N_("""\
## The output

One output row per input row, in input order: every input column, then one column per pathway
({pathways}) holding `eligible`, `ineligible` or `incomplete`, then the scores ({scores}; empty when
they depend on an unknown answer), then `flags` (`;`-separated admissibility flag ids),
`best_pathway`, `best_pathway_title`, `leads`, `missing` (the answers that would decide the
`incomplete` pathways, most decisive first), `warnings`, and `error` last (empty unless the row
could not be read; such a row keeps all its input columns). In a CSV, cells a spreadsheet would run
as formulas get a leading `'`; a workbook's cells are strings, which never run, written as they are.
`--results-first` puts the results (and `error`) right after the
columns that say who the row is (`--id COLUMN`, repeatable; default: every column that is not a
field), and the answers after them. `--letters DIR` writes one plain-language verdict per readable row
(Markdown, or HTML with `--letters-html`; the text of `screener check --report`), named by the row
number and the `--id` column(s), else the columns headed like a name or an id (`Name`, `Client ID`,
`Nom`, `Dossier`; never email, phone, address or notes), cut short and folded to safe ASCII.

The output is UTF-8, starting with the BOM Excel on Windows needs when the input came from Excel (a
BOM, Windows-1252 or UTF-16, or a workbook; `--excel`/`--no-excel` decide, and standard output gets none
unasked), or a workbook when `-o` ends in `.xlsx`. A workbook's formula with no saved value (a file a
program wrote and Excel never saved) keeps its text, is unknown as an answer, and is warned about with its
row and column. It is written atomically (an interrupted run leaves no half file) and owner-only
(0600), as are the `--summary` page and the letters (a `--letters` folder it creates is 0700): they hold
names and answers. A device, a pipe or `-` is written to as it is, its permissions untouched. An output
or `--summary` that is the input file (by any name: a link too) is refused: the intake is never lost. An
input screened before (it has the columns `best_pathway` and `error`) gets this run's results in place
of its old result columns, with a warning (the input file keeps them); a firm's own column named like a
result column, in a file never screened (`flags`), is kept as `flags (input)`: no two columns share a name.

Exit codes: 0 every row was screened; 1 some rows are error rows (the output is still complete:
see their `error` cell); 2 the input, the map or an option cannot be used (nothing is written).

`--summary FILE` also writes the run's summary for a partner: a self-contained HTML page (Markdown
when FILE ends in `.md`) with the rows, screened rows and error rows, the outcomes per pathway, the best
pathway per row, the CRS distribution as a chart, the most common missing answers (with their questions),
the admissibility flags counted (the rows that raise each flag and, apart, the rows that leave it open
because a question it reads is unanswered: unknown is not no), the leads and answer warnings counted, the
run's warnings, the rules' version and date, any rules past their review date, and the disclaimer.
First, the error rows to follow up: they have no outcomes and get no letter, so the page lists each by row
number (1 = the first row under the header), the columns that name the person (as letters are named;
never email, phone or notes) and the reason (each field and what it expects); stderr lists their row
numbers. Never an applicant's answers; no scripts, nothing loaded from the network.
It is written even when some rows are error rows (exit 1).
A shorter summary always goes to stderr.

"""),
    N_("""\
A blank row (every cell empty: an empty row of a workbook, or a line of separators only, `,,,`, which is
how Excel saves an empty row as CSV) keeps its place, so the output's rows line up with the input's, but
it is nobody: its result cells are empty and its `error` cell says `{blank}`. It gets no letter, is not
counted as a person or an error row in the summary (which says how many rows were blank) and does not
make the exit code 1. Blank rows after the last row that is not blank (a sheet's formatting running past
the data) are left out, as empty lines of a CSV are.

"""),
    N_("""\
## JSON lines (`--format jsonl`)

One JSON object per line, UTF-8. The first line is a header record, written once:

```json
{{"type": "header", "rulebook": {{"id": "canada", "title": "...", "version": "2026.11", "as_of": "2026-11-25"}},
 "disclaimer": "...", "review_due": ["..."], "warnings": ["..."],
 "input": ["Name", "Email", "age", "..."], "id": ["Name", "Email"], "fields": ["goal", "age", "..."],
 "pathways": {{"express_entry_fsw": {{"title": "...", "requirements": ["not_already_citizen", "..."]}}}},
 "scores": {{"crs_score": "..."}}, "flags": {{"criminality": "..."}}, "leads": {{"...": "..."}},
 "answer_warnings": {{"...": "..."}}}}
```

(`review_due`: rules past their review date on that day, and a first line when that day is before the
rulebook's `covers_from` or after its `review_by`; `warnings`: the run's own, e.g. fields not in
the input; `input`: the input's columns as keys, a repeated or blank header made unique as
`Name (column 7)`; `id`: the columns that say who a row is, `--id` or every column that is not a field;
`pathways`, `scores`, `flags`, `leads` and `answer_warnings` give each id's title.) Then one record per
input row, in input order:

```json
{{"type": "row", "row": 1, "id": {{"Name": "Zoë Lefèvre", "Email": "zoe@example.fr"}},
 "input": {{"Name": "Zoë Lefèvre", "Email": "zoe@example.fr", "age": "29", "...": "..."}},
 "rulebook": {{"version": "2026.11", "as_of": "2026-11-25"}},
 "pathways": {{"express_entry_fsw": {{"outcome": "eligible",
   "requirements": [{{"id": "language", "status": "met", "text": "...", "actual": 9, "needed": 7,
                     "reference": "IRPR s.75(2)(d)"}}, "..."], "next_steps": ["..."]}}, "...": {{}}}},
 "scores": {{"crs_score": 429, "fsw_points": 68}}, "flags": [], "leads": ["provincial_streams"],
 "warnings": [], "best_pathway": "express_entry_fsw", "missing": [], "error": null}}
```

`row` is the data row's number (1 = the first row under the header); `id` and `input` hold the cells
as read (non-empty ones; no spreadsheet escaping: JSON is not run as a formula), so a record joins back
to the intake. The report keys (`rulebook`, `pathways`, `scores`, `flags`, `leads`, `warnings`,
`best_pathway`) mean what they mean in `screener check --json`, with ids in place of the titles that
are the same for everyone (those are in the header); each requirement has the keys of the intake
contract (`id`, `status`: `met`, `failed` or `unknown`, `text`, `actual`, `needed`, `reference`), a score
that cannot be computed is `null`. A row that cannot be read has `error` (the reason)
and no report keys. `--full` writes instead, with no header record, the complete report of
`screener check --json` on every line, plus `row`, `id` and `input`.

That complete report also has `flags_undecided`: the ids of the admissibility flags whose condition
still depends on an unanswered question. Unknown is not no: an empty `flags` is an all-clear only when
`flags_undecided` is empty too. The compact record above does not carry it; use `--full` when a file
must tell an unsettled admissibility from a clear one.

"""),
    N_("## The fields\n\n"),
    "{dictionary}",
)
