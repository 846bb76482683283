"""JSON Schemas of the rulebook format, generated from `screener.model` so they never drift from it.

Editors use them to autocomplete keys and flag mistakes as a lawyer types (VS Code's YAML extension:
`"yaml.schemas": {"rulebook.schema.json": ["rules/**/*.yaml", "!rules/tests/**"]}`). The schema
checks shape only; `screener rules validate` also checks names, expressions, types and dates.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from screener.model import CaseFile, RuleFile

if TYPE_CHECKING:
    from screener.rulebook import Rulebook

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Hover text for keys that appear in many places (editors show it next to the key).
DESCRIPTIONS = {
    "effective_from": "First day this is in force (inclusive), YYYY-MM-DD.",
    "effective_until": "Last day this is in force (inclusive), YYYY-MM-DD.",
    "review_by": "Date by which this time-sensitive data must be checked again; screener warns after it.",
    "reference": "The legal citation, e.g. IRPR s.75(2)(d).",
    "source": "Where the rule is published (a URL).",
    "condition": "An expression that must be true, e.g. english_clb >= 7.",
    "advice": "Shown when the requirement fails; may contain {expression} placeholders.",
    "actual": "Expression shown as the person's value (default: left side of a comparison).",
    "needed": "The value shown as needed (default: right side of a comparison).",
    "relevant_if": "Ask this question only when this expression is true.",
    "rank": "Lower is a better option when several pathways are open.",
    "points": "Expression giving this line's points, e.g. crs_age(age, \"with_spouse\").",
    "expr": "An expression in screener's expression language.",
    "id": "lower_snake_case, unique across the rulebook.",
    "as_of": "The date the rules are applied on, YYYY-MM-DD.",
}


# Hover text for a key whose meaning depends on where it is ("Model.key"); these win over DESCRIPTIONS.
PLACED = {
    "Choice.value": "What is stored and compared in expressions, e.g. masters.",
    "Choice.label": "What the person sees for this choice (default: the value in words).",
    "Choice.aliases": "Other spellings accepted in answer files and CSV cells for this choice.",
    "Cutoffs.window_days": "How many days of recent rounds to show next to a score.",
    "Cutoffs.rounds": "Recent invitation rounds: date, type, cut-off score and invitations.",
    "Derived.text": "What this value means, in plain words (shown in explanations).",
    "Derived.versions": "Dated versions of the expression when the law changed; their dates must not overlap.",
    "Flag.severity": "How serious: serious (may block every pathway), warning, or info.",
    "Flag.title": "A short heading for the flag.",
    "Flag.text": "What the flag tells the person; may contain {expression} placeholders.",
    "Implied.when": "An expression over asked questions: when true, this question is not asked.",
    "Implied.value": "The answer this question has when `when` is true.",
    "NextStep.text": "What to do next, in plain words; may contain {expression} placeholders.",
    "NextStep.url": "Where to do it (a URL).",
    "NextStep.only_if": "Show this step only when this expression is true.",
    "Pathway.title": "The pathway's name as people know it.",
    "Pathway.kind": "What the pathway leads to: citizenship, permanent_residence, temporary_residence or protection.",
    "Pathway.summary": "One or two sentences saying who the pathway is for; or a list of dated wordings "
                       "({text, effective_from, effective_until}) when the law it describes changes.",
    "SummaryVersion.text": "The summary's wording while this version is in force.",
    "Pathway.goals": "The answers to the `goal` question this pathway serves (orders the interview).",
    "Pathway.scores": "Ids of the scores shown with this pathway.",
    "Pathway.requirements": "Every condition a person must meet; the pathway is open when all are met.",
    "Pathway.next_steps": "What to do once the pathway is open.",
    "Pathway.notes": "Extra remarks shown with the pathway.",
    "Question.type": "The kind of answer: yes_no, int (whole number), number (decimal), money, choice or date.",
    "Question.prompt": "The question as the person is asked it.",
    "Question.help": "Extra explanation shown under the question.",
    "Question.url": "An official page where the person can look the answer up, e.g. a list of professions to check "
                    "(a URL): shown with the help, and with the answer when the person skips it or is not sure.",
    "Question.topic": "The id of the topic (under `topics:`) this question is asked with.",
    "Question.min": "Smallest answer accepted.",
    "Question.max": "Largest answer accepted.",
    "Question.choices": "The possible answers of a choice question: values, or {value, label, aliases}.",
    "Question.step": "Answers must be whole multiples of this (0.5: half bands); default: any value.",
    "Question.scales": "The range the interview asks for once an earlier answer says which scale applies "
                       "(a test's own scores): each with when, min, max and step.",
    "Scale.when": "An expression over earlier answers: this scale applies when it is true.",
    "Question.prompts": "The question in other words once an earlier answer says they fit (a single person is not "
                        "asked about a partner): each with when and prompt; the first whose when holds is asked.",
    "AskedAs.when": "An expression over earlier answers: these words are asked when it is true.",
    "AskedAs.prompt": "The question as the person is asked it when `when` holds.",
    "Scale.min": "Smallest answer accepted on this scale.",
    "Scale.max": "Largest answer accepted on this scale.",
    "Scale.step": "Answers on this scale are whole multiples of this (0.5 for IELTS bands).",
    "Question.label": "A short name for summaries, e.g. English writing (CLB).",
    "Question.what_if": "true if a person can change this answer (used by what-if suggestions); a text "
                        "groups questions that change together.",
    "Question.implied": "An answer this question has without being asked, when a condition holds.",
    "Requirement.text": "The requirement in plain words, as the law says it; may contain {expression} placeholders.",
    "Cutoffs.categories": "Who may be invited in each type of round (category-based selection), with dates.",
    "RoundCategory.type": "The round type this category governs, written as the rounds write it.",
    "RoundCategory.condition": "What the answers must show to be in the category, e.g. french_min >= 7.",
    "RoundCategory.unchecked": "What the category also needs that the answers cannot show (the person is "
                               "then at best a maybe), in plain words.",
    "Round.date": "The day of the round, YYYY-MM-DD.",
    "Round.type": "The kind of round, e.g. general or French-language.",
    "Round.cutoff": "The lowest score invited.",
    "Round.invitations": "How many invitations were issued.",
    "RulebookInfo.title": "The rulebook's name.",
    "RulebookInfo.version": "The rulebook's version, in quotes (e.g. \"2026.11\").",
    "RulebookInfo.jurisdiction": "Whose law this is, e.g. Canada.",
    "RulebookInfo.disclaimer": "Shown with every result: this is a screening, not legal advice.",
    "Score.title": "The score's name.",
    "Score.max": "The most points the score can give.",
    "Score.groups": "Groups of lines with their own maximum (e.g. a section capped at 100).",
    "Score.lines": "Each line gives points from an expression.",
    "Score.cutoffs": "Recent rounds to compare the score with.",
    "ScoreGroup.title": "The group's name.",
    "ScoreGroup.max": "The most points the group's lines can give together.",
    "ScoreGroup.parent": "The id of the group this group belongs to.",
    "ScoreLine.text": "What this line gives points for.",
    "ScoreLine.group": "The id of the group this line counts towards.",
    "Table.title": "What the table holds, in plain words.",
    "Table.key": "What the table is looked up by: number (ranges with from/to) or text.",
    "Table.columns": "The value columns of each row (default: one column, points).",
    "Table.default": "The value when no row matches (otherwise: unknown).",
    "Table.rows": "The rows: a key (at, in, or from/to) and a number for each column.",
    "TableRow.at": "This row matches exactly this key.",
    "TableRow.in": "This row matches any of these keys.",
    "TableRow.from": "Lowest key this row matches (inclusive).",
    "TableRow.to": "Highest key this row matches (inclusive).",
    "Topic.title": "The topic's heading in the interview.",
    "Case.name": "What this case checks, in a few words (matched by `rules test -k`).",
    "Case.answers": "The person's answers: question id -> answer.",
    "Case.expect": "The results this case expects; only what is listed is checked.",
    "Expectation.pathways": "Pathway id -> expected outcome (eligible, ineligible or incomplete).",
    "Expectation.scores": "Score id -> expected total (null: unknown).",
    "Expectation.score_lines": "Score id -> line id -> expected points.",
    "Expectation.flags": "The exact set of flags shown (any order).",
    "Expectation.best_pathway": "The pathway id expected as the best option (null: none).",
}
ENUMS = {  # plain words for each allowed value, shown by editors next to the completion
    "yes_no": "Yes or no.", "int": "A whole number.", "number": "A decimal number, e.g. 6.5.",
    "money": "An amount of money (accepts $ and commas in answers).", "choice": "One of `choices`.",
    "date": "A date, YYYY-MM-DD.", "text": "Looked up by a text key (at / in).",
    "citizenship": "Leads to Canadian citizenship.", "permanent_residence": "Leads to permanent residence.",
    "temporary_residence": "A temporary status (work, study, visit).", "protection": "Refugee protection.",
    "serious": "May block every pathway.", "warning": "Needs attention.", "info": "For information.",
    "eligible": "Every requirement is met.", "ineligible": "A requirement is not met.",
    "incomplete": "Undecided: an answer it depends on is missing.",
}


def _describe(schema: dict[str, Any]) -> None:
    """Hover text on every key of every definition, and plain words for every allowed value."""
    for model, definition in schema.get("$defs", {}).items():
        for name, prop in definition.get("properties", {}).items():
            text = PLACED.get(f"{model}.{name}") or DESCRIPTIONS.get(name)
            if text and "description" not in prop:
                prop["description"] = text
            _describe_enums(prop)


def _describe_enums(node: Any) -> None:
    """`enumDescriptions` (what VS Code's YAML extension shows) beside every `enum`, wherever it sits."""
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list) and all(isinstance(v, str) and v in ENUMS for v in values):
            node["enumDescriptions"] = [ENUMS[v] for v in values]
        for child in node.values():
            _describe_enums(child)
    elif isinstance(node, list):
        for child in node:
            _describe_enums(child)


ROW_KEYS = ("at", "in", "from", "to", "effective_from", "effective_until")
MISSPELT_DATE_KEY = "(ectiv|fectv|efect|_from$|_fro$|_form$|_frm$|_until$|_untill$|_untl$|_till$)"


def rulebook_schema() -> dict[str, Any]:
    """The schema of one rule file (any of its sections)."""
    schema = RuleFile.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    # Table cells are extra keys: any column name, always a number.
    definitions["TableRow"]["additionalProperties"] = {"type": "number"}
    # ...but not a misspelt date key, whose value would otherwise read "Expected number".
    definitions["TableRow"]["propertyNames"] = {
        "anyOf": [{"enum": list(ROW_KEYS)}, {"not": {"pattern": MISSPELT_DATE_KEY}}],
        "errorMessage": "A row's keys are at, in, from, to, effective_from, effective_until and its columns: "
                        "check the spelling of this date key."}
    # `expr: 67`, `points: 5`, `condition: true` are expressions too (`model.Expression` reads them).
    for definition in definitions.values():
        for key, prop in definition.get("properties", {}).items():
            if key in EXPRESSION_KEYS and (text := _of_kind(prop, "string")) is not None:
                text["type"] = ["string", "number", "boolean"]
    # `choices: [a, b]` is short for `choices: [{value: a}, {value: b}]`.
    choices = definitions["Question"]["properties"]["choices"]["anyOf"][0]
    choices["items"] = {"anyOf": [{"$ref": "#/$defs/Choice"}, {"type": "string"}, {"type": "integer"}]}
    _describe(schema)
    return {"$schema": DRAFT, **schema, "title": "screener rule file",
            "description": "One YAML file of a screener rulebook (see docs/rules.md)."}


def translation_schema() -> dict[str, Any]:
    """The schema of one translation file (`*.fr.yaml`): texts keyed by the ids of the rule files."""
    from screener.translation_format import TranslationFile

    schema = TranslationFile.model_json_schema(by_alias=True)
    _describe(schema)
    return {"$schema": DRAFT, **schema, "title": "screener translation file",
            "description": "The texts of a rule file in another language (see docs/rules.md, 'Texts in French')."}


def cases_schema() -> dict[str, Any]:
    """The schema of one test-case file (`tests/*.yaml`)."""
    schema = CaseFile.model_json_schema(by_alias=True)
    _describe(schema)
    return {"$schema": DRAFT, **schema, "title": "screener test cases",
            "description": "Test cases of a screener rulebook (see docs/rules.md, 'Test cases')."}


EXPRESSION_KEYS = ("condition", "expr", "points", "relevant_if", "only_if", "when", "actual")


def _of_kind(prop: dict[str, Any], kind: str) -> dict[str, Any] | None:
    """The branch of a property's schema that is of JSON type `kind` (optional values are anyOf [x, null])."""
    if prop.get("type") == kind:
        return prop
    return next((branch for branch in prop.get("anyOf", []) if branch.get("type") == kind), None)


def with_ids(schema: dict[str, Any], rulebook: Rulebook) -> dict[str, Any]:
    """`schema` made specific to one rulebook: its question, pathway, score, flag and topic ids are the only
    ones an editor offers (and accepts) where an id is expected, and expressions list the names they may use."""
    definitions = schema["$defs"]
    pathways, scores, flags = list(rulebook.pathways), list(rulebook.scores), list(rulebook.flags)

    def names(model: str, key: str, ids: list[str], *, keys: bool) -> None:
        prop = definitions.get(model, {}).get("properties", {}).get(key)
        if prop is None or not ids:
            return
        if keys:
            target = _of_kind(prop, "object")
            if target is not None:
                target["propertyNames"] = {"enum": ids}
        elif (array := _of_kind(prop, "array")) is not None:
            array["items"] = {"enum": ids}
        elif (text := _of_kind(prop, "string")) is not None:
            text["enum"] = ids

    names("Case", "answers", list(rulebook.questions), keys=True)
    names("Expectation", "pathways", pathways, keys=True)
    names("Expectation", "scores", scores, keys=True)
    names("Expectation", "score_lines", scores, keys=True)
    names("Expectation", "flags", flags, keys=False)
    names("Question", "topic", [topic.id for topic in rulebook.topics], keys=False)
    names("Pathway", "scores", scores, keys=False)
    _table_columns(definitions, rulebook)
    known = (f" Questions: {', '.join(rulebook.questions)}. Derived values: {', '.join(rulebook.derived)}."
             f" Tables: {', '.join(rulebook.tables)}. Scores: {', '.join(scores)}.")
    for definition in definitions.values():
        for key, prop in definition.get("properties", {}).items():
            if key in EXPRESSION_KEYS and "description" in prop:
                prop["description"] += known
    schema["description"] = f"{schema.get('description', '')} For the rulebook at {rulebook.path}."
    return schema




def _table_columns(definitions: dict[str, Any], rulebook: Rulebook) -> None:
    """Each table's rows accept only its own columns: a misspelt `efective_from` or `ponts` in a row is
    named as a key that is not allowed, instead of "Expected number" for its value."""
    table = definitions.get("Table")
    if table is None or not rulebook.tables:
        return
    table["allOf"] = [
        {"if": {"properties": {"id": {"const": tid}}, "required": ["id"]},
         "then": {"properties": {"rows": {"items": {"propertyNames": {
             "enum": [*ROW_KEYS, *(found.columns or ["points"])],
             "description": f"The keys of a row of '{tid}': {', '.join(ROW_KEYS)} and its columns "
                            f"({', '.join(found.columns or ['points'])})."}}}}}}
        for tid, found in rulebook.tables.items()]


def as_json_data(value: Any) -> Any:
    """YAML data as an editor sees it: dates are strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): as_json_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json_data(item) for item in value]
    return value


def editor_settings(rulebook: Rulebook | None) -> dict[str, str]:
    """The files `rules init` puts in a copy's `.vscode/` folder: both schemas (specific to the copy when it
    loads) and settings whose globs match the copy's own files, for VS Code opened on the copy's folder."""
    import json

    rules, cases = rulebook_schema(), cases_schema()
    if rulebook is not None:
        rules, cases = with_ids(rules, rulebook), with_ids(cases, rulebook)
    settings = {"yaml.schemas": {
        "./.vscode/rulebook.schema.json": ["*.yaml", "**/*.yaml", "!tests/**", "!*.??.yaml", "!**/*.??.yaml"],
        "./.vscode/translation.schema.json": ["*.??.yaml", "**/*.??.yaml", "!tests/**"],
        "./.vscode/cases.schema.json": ["tests/*.yaml", "tests/**/*.yaml"],
    }}
    return {name: json.dumps(data, indent=2, ensure_ascii=False) + "\n" for name, data in (
        ("rulebook.schema.json", rules), ("translation.schema.json", translation_schema()),
        ("cases.schema.json", cases), ("settings.json", settings))}
