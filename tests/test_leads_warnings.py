"""Leads (routes worth exploring, no legal test) and answer warnings (contradicting answers), issue 11.

Both are rulebook sections shaped like `flags:`; they are shown only when their condition is true
(unknown is not shown), reported in the JSON report (`leads`, `warnings`), checked by `rules test`
(`expect: leads: [...]`, `warnings: [...]`) and rejected whole with file:line:col when malformed.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import jsonschema
from lawyer_kit import cli
from test_loader import problems

from screener.rulebook import load_rulebook
from screener.ruletests import run_cases
from screener.schema import as_json_data, rulebook_schema
from screener.source import load_yaml_text

AS_OF = dt.date(2026, 11, 25)

RULES = """\
rulebook: {id: demo, title: Demo, version: "1", disclaimer: Not legal advice.}
topics:
  - {id: main, title: Main}
questions:
  - {id: age, type: int, min: 0, max: 120, topic: main, prompt: Age?}
  - {id: nominated, type: yes_no, topic: main, prompt: Nominated?}
  - {id: province, type: choice, choices: [ON, QC, NS], topic: main, prompt: Province?}
  - {id: education, type: choice, choices: [secondary, bachelors], topic: main, prompt: Education?}
  - {id: canadian_education, type: choice, choices: [none, two_year], topic: main, prompt: Canadian education?}
pathways:
  - id: work
    title: Work
    kind: permanent_residence
    summary: A work route.
    requirements:
      - {id: adult, text: 18 or older, condition: age >= 18}
leads:
  - id: provincial_streams
    title: Compare provincial nominee streams
    condition: not nominated and province != "QC"
    text: Provinces choose people for their own needs ({province}).
    reference: IRPA s.87
    source: https://example.org/pnp
    next_steps:
      - text: Look at the streams of your province.
        url: https://example.org/streams
      - text: Atlantic provinces also have the AIP.
        only_if: province == "NS"
      - text: A step that has ended.
        effective_until: 2020-01-01
  - id: retired
    title: Retired lead
    condition: "true"
    text: Only until 2020.
    effective_until: 2020-12-31
warnings:
  - id: education_contradiction
    condition: canadian_education != "none" and education == "secondary"
    text: You gave a Canadian {canadian_education} credential but secondary education as your highest.
    reference: canada-rules.md §13.19
"""


def book(folder: Path, rules: str = RULES, cases: str | None = None) -> Path:
    (folder / "rules.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    if cases is not None:
        (folder / "tests").mkdir(exist_ok=True)
        (folder / "tests" / "cases.yaml").write_text(textwrap.dedent(cases), encoding="utf-8")
    return folder


# ------------------------------------------------------------------------------------ evaluation


def test_a_lead_is_shown_only_when_its_condition_is_true(tmp_path: Path) -> None:
    rulebook = load_rulebook(book(tmp_path))
    shown = rulebook.evaluate({"age": 30, "nominated": "no", "province": "NS"}, as_of=AS_OF)
    assert [lead.id for lead in shown.leads] == ["provincial_streams"]
    lead = shown.leads[0]
    assert lead.title == "Compare provincial nominee streams"
    assert lead.text == "Provinces choose people for their own needs (NS)."
    assert [(s.text, s.url) for s in lead.next_steps] == [
        ("Look at the streams of your province.", "https://example.org/streams"),
        ("Atlantic provinces also have the AIP.", None)]
    # only_if false: that step goes; a nominee or someone bound for Quebec gets no lead at all
    ontario = rulebook.evaluate({"nominated": "no", "province": "ON"}, as_of=AS_OF)
    assert [s.text for s in ontario.leads[0].next_steps] == ["Look at the streams of your province."]
    assert rulebook.evaluate({"nominated": "yes", "province": "ON"}, as_of=AS_OF).leads == []
    assert rulebook.evaluate({"nominated": "no", "province": "QC"}, as_of=AS_OF).leads == []
    # unknown is not shown: nothing answered, nothing suggested
    assert rulebook.evaluate({"province": "ON"}, as_of=AS_OF).leads == []
    # a lead is never an outcome
    assert set(shown.outcomes()) == {"work"}


def test_leads_are_dated(tmp_path: Path) -> None:
    rulebook = load_rulebook(book(tmp_path))
    early = rulebook.evaluate({"nominated": "no", "province": "ON"}, as_of=dt.date(2019, 6, 1))
    assert [lead.id for lead in early.leads] == ["provincial_streams", "retired"]
    assert "A step that has ended." in [s.text for s in early.leads[0].next_steps]


def test_a_warning_is_shown_when_answers_contradict(tmp_path: Path) -> None:
    rulebook = load_rulebook(book(tmp_path))
    report = rulebook.evaluate({"education": "secondary", "canadian_education": "two_year"}, as_of=AS_OF)
    [warning] = report.warnings
    assert warning.id == "education_contradiction"
    assert warning.title == "Education contradiction"  # no title: the id in words
    assert warning.text == "You gave a Canadian two_year credential but secondary education as your highest."
    assert rulebook.evaluate({"education": "bachelors", "canadian_education": "two_year"}, as_of=AS_OF).warnings == []
    assert rulebook.evaluate({"canadian_education": "two_year"}, as_of=AS_OF).warnings == []  # unknown: none


def test_the_json_report_has_leads_and_warnings(tmp_path: Path) -> None:
    rulebook = load_rulebook(book(tmp_path))
    data = rulebook.evaluate({"nominated": "no", "province": "ON", "education": "secondary",
                              "canadian_education": "two_year"}, as_of=AS_OF).to_json()
    assert data["leads"] == [{
        "id": "provincial_streams", "title": "Compare provincial nominee streams",
        "text": "Provinces choose people for their own needs (ON).",
        "next_steps": ["Look at the streams of your province. (https://example.org/streams)"],
        "reference": "IRPA s.87", "source": "https://example.org/pnp"}]
    assert [w["id"] for w in data["warnings"]] == ["education_contradiction"]
    assert data["warnings"][0]["reference"] == "canada-rules.md §13.19"
    assert data["review_due"] == []
    nothing = rulebook.evaluate({}, as_of=AS_OF).to_json()
    assert nothing["leads"] == [] and nothing["warnings"] == []


def test_check_shows_leads_and_warnings(tmp_path: Path) -> None:
    folder = book(tmp_path)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"age": 30, "nominated": "no", "province": "ON", "education": "secondary",
                                   "canadian_education": "two_year"}))
    result = cli("check", "--rules", str(folder), "--answers", str(answers), "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.output
    assert "Also worth exploring" in result.output
    assert "Compare provincial nominee streams" in result.output
    assert "Check your answers: Education contradiction" in result.output
    done = cli("check", "--rules", str(folder), "--answers", str(answers), "--as-of", AS_OF.isoformat(), "--json")
    data = json.loads(done.stdout)
    assert [lead["id"] for lead in data["leads"]] == ["provincial_streams"]
    assert [w["id"] for w in data["warnings"]] == ["education_contradiction"]


# ---------------------------------------------------------------------------------------- loading


def test_a_condition_must_be_true_or_false(tmp_path: Path) -> None:
    found = problems(book(tmp_path, RULES.replace("condition: not nominated and province != \"QC\"",
                                                  "condition: age + 1")))
    assert len(found) == 1
    assert found[0].startswith(f"{tmp_path / 'rules.yaml'}:20:16: a condition must be true/false, but this is a number")


def test_misspelled_names_and_keys_get_a_suggestion(tmp_path: Path) -> None:
    rules = (RULES.replace('condition: canadian_education != "none"', 'condition: canadian_educaton != "none"')
             .replace("    only_if: province == \"NS\"", "    only_iff: province == \"NS\""))
    found = problems(book(tmp_path, rules))
    assert any("unknown name 'canadian_educaton' (did you mean 'canadian_education'?)" in p for p in found), found
    assert any("unknown key 'only_iff' (did you mean 'only_if'?)" in p for p in found), found
    assert all(p.startswith(str(tmp_path / "rules.yaml") + ":") for p in found)


def test_lead_and_warning_ids_are_unique(tmp_path: Path) -> None:
    rules = RULES.replace("  - id: retired\n", "  - id: provincial_streams\n")
    rules += "  - {id: education_contradiction, condition: \"false\", text: Again.}\n"
    found = problems(book(tmp_path, rules))
    assert any("duplicate lead id 'provincial_streams': also defined at" in p and "rules.yaml:18:" in p
               for p in found), found
    assert any("duplicate warning id 'education_contradiction'" in p for p in found), found


def test_a_misspelled_section_is_suggested(tmp_path: Path) -> None:
    found = problems(book(tmp_path, RULES.replace("leads:", "leeds:")))
    assert any("unknown section 'leeds' (did you mean 'leads'?)" in p for p in found), found


# -------------------------------------------------------------------------------------- rules test


CASES = """\
tests:
  - name: Not nominated, Ontario
    source: canada-rules.md §13.22
    as_of: 2026-11-25
    answers: {nominated: "no", province: "ON", education: secondary, canadian_education: two_year}
    expect:
      leads: [provincial_streams]
      warnings: [education_contradiction]
  - name: Nominee, no leads, no warnings
    source: canada-rules.md §13.22
    as_of: 2026-11-25
    answers: {nominated: "yes", province: "ON"}
    expect:
      leads: []
      warnings: []
"""


def test_cases_expect_leads_and_warnings(tmp_path: Path) -> None:
    run = run_cases(load_rulebook(book(tmp_path, cases=CASES)))
    assert run.ok, [(r.name, r.differences) for r in run.failed]


def test_a_wrong_expectation_says_what_differed(tmp_path: Path) -> None:
    cases = CASES.replace("leads: [provincial_streams]", "leads: [provincal_streams]").replace(
        "      warnings: []", "      warnings: [education_contradiction]")
    run = run_cases(load_rulebook(book(tmp_path, cases=cases)))
    first, second = run.failed
    [leads] = first.differences
    assert leads.key == ("leads",)
    assert (leads.expected, leads.got) == (["provincal_streams"], ["provincial_streams"])
    assert leads.why == ("not shown: provincal_streams (no lead 'provincal_streams' in the rulebook "
                         "(did you mean 'provincial_streams'?))", "also shown: provincial_streams")
    [warnings] = second.differences
    assert warnings.key == ("warnings",) and warnings.got == []
    assert warnings.why == ("not shown: education_contradiction",)
    result = cli("rules", "test", str(tmp_path))
    assert result.exit_code == 1
    assert "provincal_streams" in result.output


# ------------------------------------------------------------------------------------------ schema


def test_the_schema_knows_leads_and_warnings() -> None:
    schema = rulebook_schema()
    lead = schema["$defs"]["Lead"]
    assert "condition" in lead["required"] and lead["additionalProperties"] is False
    assert "unknown: not shown" in lead["properties"]["condition"]["description"]
    validator = jsonschema.Draft202012Validator(schema)
    good = load_yaml_text(textwrap.dedent(RULES), "x.yaml")
    assert list(validator.iter_errors(as_json_data(good))) == []
    bad = load_yaml_text("warnings:\n  - {id: w, condition: c, txt: t}\n", "x.yaml")
    messages = [e.message for e in validator.iter_errors(as_json_data(bad))]
    assert any("'txt' was unexpected" in m for m in messages) and any("'text' is a required" in m for m in messages)
