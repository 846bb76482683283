"""Safety text is never fitted away: the short verdict drops detail to fit one screen, but the whole
protection advice (see a lawyer now, the US one-year asylum deadline, crossing between official crossings
is dangerous) shows in every language and terminal width (canada-rules.md §9.4, §13.21).

Expected texts are read from the rulebook's own files (rules/leads.yaml and rules/leads.fr.yaml)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from pathlib import Path

import pytest
import yaml
from french_kit import nb
from typer.testing import CliRunner

from screener.cli import app
from screener.i18n import after_colon, in_sentence, language
from screener.interview import Interview
from screener.rulebook import load_rulebook

RULES = Path(__file__).parent.parent / "rules"
AS_OF = "2026-11-25"

# Fears return, not a US citizen, lives in the US and would come overland: the STCA applies.
FEARS_RETURN = {"canadian_citizen": "no", "us_citizen": "no", "in_us_now": "yes", "fear_of_return": "yes",
                "arrival_route": "land_from_us", "own_family_in_canada_stca": "no",
                "holds_canadian_visa_or_permit": "no", "entered_canada_over_a_year_ago": "no", "age": 34}


def words(text: str) -> str:
    return " ".join(text.split())


def lead_text(lang: str, lead: str) -> str:
    if lang == "en":
        leads = yaml.safe_load((RULES / "leads.yaml").read_text(encoding="utf-8"))["leads"]
        return words(next(item["text"] for item in leads if item["id"] == lead))
    return words(yaml.safe_load((RULES / "leads.fr.yaml").read_text(encoding="utf-8"))["leads"][lead]["text"])


def verdict(tmp_path: Path, lang: str, width: int, answers: dict[str, object]) -> str:
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--answers", str(path), "--no-input", "--as-of", AS_OF,
                                      "--lang", lang], env={"NO_COLOR": "1", "COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return words(result.stdout)


@pytest.mark.parametrize("width", [80, 40])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_whole_asylum_paragraph_shows_in_the_short_verdict(tmp_path: Path, lang: str, width: int) -> None:
    shown = verdict(tmp_path, lang, width, FEARS_RETURN)
    paragraph = lead_text(lang, "us_asylum_help")
    assert "one year" in paragraph or "l'année" in paragraph  # the deadline is what must not go missing
    assert paragraph in shown
    assert "https://www.justice.gov/eoir/list-pro-bono-legal-service-providers" in shown


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_protection_lead_shows_whole(tmp_path: Path, lang: str) -> None:
    """A minor coming overland from the US gets two protection leads: both texts show whole, even narrow."""
    minor = {**FEARS_RETURN, "age": 16}
    shown = verdict(tmp_path, lang, 50, minor)
    for lead in ("us_asylum_help", "stca_exception_lawyer"):
        assert lead_text(lang, lead) in shown


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_coming_overland_without_living_in_the_us_still_gets_the_safe_steps(tmp_path: Path, lang: str) -> None:
    """Someone who will come overland from the US but answered "no" to living there (an undocumented person
    may well say no) is turned away by the STCA: the short screen still gives the safe advice (§13.21)."""
    shown = verdict(tmp_path, lang, 80, {**FEARS_RETURN, "in_us_now": "no", "goal": "protection"})
    assert lead_text(lang, "us_asylum_help") in shown


def asylum_step(lang: str, index: int) -> str:
    """The text of the asylum pathway's next step `index`, from the rule files themselves."""
    if lang == "en":
        pathways = yaml.safe_load((RULES / "pathways" / "asylum.yaml").read_text(encoding="utf-8"))["pathways"]
        return words(pathways[0]["next_steps"][index]["text"])
    french = yaml.safe_load((RULES / "pathways" / "asylum.fr.yaml").read_text(encoding="utf-8"))["pathways"]
    return words(french["asylum_claim"]["next_steps"][index]["text"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_family_exception_screen_shows_the_official_crossing_step(tmp_path: Path, lang: str) -> None:
    """With the family exception the claim is open; the one step on the short screen is how to make it
    safely (at an official crossing, never between them), and no text beside it says the claim is impossible."""
    shown = verdict(tmp_path, lang, 80, {**FEARS_RETURN, "own_family_in_canada_stca": "yes", "goal": "protection"})
    step = asylum_step(lang, 0)
    assert ("official land border crossing" in step) or ("point d'entrée terrestre officiel" in step)
    with language(lang):  # after « Première étape : » in lower case
        assert after_colon(step) in shown
    assert "cannot make a claim" not in shown and "ne peuvent pas présenter" not in shown


# Fears return, already in Canada, has not said when they first came: the claim waits on that one answer.
CLAIMANT_IN_CANADA = {**FEARS_RETURN, "in_us_now": "no", "arrival_route": "already_in_canada", "goal": "protection"}
del CLAIMANT_IN_CANADA["entered_canada_over_a_year_ago"], CLAIMANT_IN_CANADA["own_family_in_canada_stca"]
# Words that would turn a question still to answer into a condition to meet ("Needs: First entered Canada
# over a year ago" reads as "wait until a year has passed"): never right before the label.
CONDITION = r"\b(needs?|needed|must|required|il faut|faut|exigée?s?|requise?s?|doit)\b"


def entry_label(lang: str) -> str:
    if lang == "en":
        questions = yaml.safe_load((RULES / "questions" / "protection.yaml").read_text(encoding="utf-8"))["questions"]
        return words(next(q["label"] for q in questions if q["id"] == "entered_canada_over_a_year_ago"))
    french = yaml.safe_load((RULES / "questions" / "protection.fr.yaml").read_text(encoding="utf-8"))["questions"]
    return words(french["entered_canada_over_a_year_ago"]["label"])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_first_entry_question_never_reads_as_a_condition(tmp_path: Path, lang: str) -> None:
    """The claim's first screen and its letter (`check --report`) name the unanswered first-entry question
    as a question still to answer, never after a word that makes it a condition to wait for (review7 A1)."""
    with language(lang):  # inside the sentence, in lower case
        label = in_sentence(entry_label(lang))
    screen = verdict(tmp_path, lang, 80, CLAIMANT_IN_CANADA)
    path = tmp_path / "answers.yaml"
    result = CliRunner().invoke(app, ["check", "--answers", str(path), "--no-input", "--as-of", AS_OF,
                                      "--lang", lang, "--report", "-"], env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    letter = result.stdout
    assert label in screen and label in letter
    still = "Still to answer: " if lang == "en" else nb("Reste à préciser : ")
    assert still + label in letter
    for shown in (screen, *letter.splitlines()):
        for before in re.findall(r"([^.;|•]*)" + re.escape(label), shown):
            assert not re.search(CONDITION, before, re.IGNORECASE), before


# Seeks protection, fears return, not a US citizen, will fly in: skipped "do you live in the US now?".
FLYING_IN = {"goal": "protection", "canadian_citizen": "no", "us_citizen": "no", "fear_of_return": "yes",
             "age": 29, "arrival_route": "air_or_sea", "entered_canada_over_a_year_ago": "no"}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_skipping_where_they_live_keeps_the_us_advice(tmp_path: Path, lang: str) -> None:
    """Unknown is not no: a protection seeker who may be in the US (they skipped the question) gets the safe
    US advice on the first screen; a known "no" (flying in from elsewhere) withdraws it (§13.21, review8 #2)."""
    paragraph = lead_text(lang, "us_asylum_help")
    assert paragraph in verdict(tmp_path, lang, 80, FLYING_IN)
    assert paragraph not in verdict(tmp_path, lang, 80, {**FLYING_IN, "in_us_now": "no"})


def test_the_interview_still_asks_where_a_protection_seeker_lives() -> None:
    """The advice shows while "do you live in the US now?" is unanswered, so the interview asks it (a "no"
    withdraws it) rather than treating the lead as settled; skipped, the advice stays."""
    book = load_rulebook(RULES)
    as_of = dt.date.fromisoformat(AS_OF)
    start = {**FLYING_IN, "us_citizen": False, "fear_of_return": True, "entered_canada_over_a_year_ago": False}
    interview = Interview.start(book, as_of, start)
    assert "in_us_now" in [q.id for q in interview.open_questions()]
    question = book.questions["in_us_now"]
    interview.decline(question)
    assert "us_asylum_help" in [lead.id for lead in book.evaluate(interview.answers, as_of).leads]
    interview = Interview.start(book, as_of, start)
    interview.answer(question, False)
    assert "us_asylum_help" not in [lead.id for lead in book.evaluate(interview.answers, as_of).leads]


# review11 #2: fears return, not a US citizen, seeks protection, skipped "did you first enter Canada over a year
# ago?" (the "I don't know" a frightened person presses). The claim stays undecided (unknown is not no), and the
# advice that holds whatever the answer is shows: a refugee lawyer or legal aid now, without delay.
ENTRY_SKIPPED = {"goal": "protection", "canadian_citizen": "no", "us_citizen": "no", "fear_of_return": "yes",
                 "age": 29, "in_us_now": "no", "arrival_route": "already_in_canada"}
CLAIM_PAGE = {"en": "https://www.canada.ca/en/immigration-refugees-citizenship/services/refugees/claim-protection-inside-canada.html",
              "fr": "https://www.canada.ca/fr/immigration-refugies-citoyennete/services/refugies/protection.html"}


@pytest.mark.parametrize("route", ["already_in_canada", "air_or_sea"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_skipped_first_entry_still_gives_the_refugee_lawyer_advice(tmp_path: Path, lang: str, route: str) -> None:
    answers = {**ENTRY_SKIPPED, "arrival_route": route}
    paragraph = lead_text(lang, "refugee_lawyer_now")
    advice = paragraph.lower()  # a lawyer now, without delay
    assert ("refugee lawyer" in advice and "do not put it off" in advice) or (
        "droit des réfugiés" in advice and "ne tardez pas" in advice)
    shown = verdict(tmp_path, lang, 80, answers)  # the first screen
    assert paragraph in shown and CLAIM_PAGE[lang] in shown
    result = CliRunner().invoke(app, ["check", "--answers", str(tmp_path / "answers.yaml"), "--no-input", "--as-of",
                                      AS_OF, "--lang", lang, "--json"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pathways"]["asylum_claim"]["outcome"] == "incomplete"  # the skipped answer is not guessed
    [lead] = [lead for lead in report["leads"] if lead["id"] == "refugee_lawyer_now"]
    assert words(lead["text"]) == paragraph
    assert any(CLAIM_PAGE[lang] in step for step in lead["next_steps"])
    answered = verdict(tmp_path, lang, 80, {**answers, "entered_canada_over_a_year_ago": "no"})
    assert paragraph not in answered  # answered: the open claim's own steps say it


ASYLUM_PATH = {  # every answer on the asylum path, each known or skipped (None)
    "us_citizen": ["no", None], "fear_of_return": ["yes", None], "canadian_citizen": ["no", None],
    "arrival_route": ["land_from_us", "air_or_sea", "already_in_canada", None], "in_us_now": ["yes", "no", None],
    "own_family_in_canada_stca": ["yes", "no", None], "entered_canada_over_a_year_ago": ["yes", "no", None]}


def test_a_person_at_risk_gets_safe_advice_whatever_they_skipped() -> None:
    """A protection seeker who is not a known US citizen, whatever mix of answers on the asylum path they
    skipped, gets a safety lead or the open claim's own steps; and the refugee-lawyer lead shows only while the
    claim is undecided, so it never contradicts a decided outcome (§13.16, §13.21; review11 #2)."""
    book = load_rulebook(RULES)
    as_of = dt.date.fromisoformat(AS_OF)
    for values in itertools.product(*ASYLUM_PATH.values()):
        given = {key: value for key, value in zip(ASYLUM_PATH, values, strict=True) if value is not None}
        report = book.evaluate(book.read_answers({"goal": "protection", "age": 30, **given}), as_of)
        claim = report.pathways["asylum_claim"]
        safety = [lead.id for lead in report.leads if lead.safety]
        assert safety or (claim.outcome == "eligible" and claim.next_steps), given
        if "refugee_lawyer_now" in safety:
            assert claim.outcome == "incomplete", given


MINOR_IN_US = {"goal": "protection", "canadian_citizen": "no", "age": 16, "us_citizen": "no", "fear_of_return": "yes",
               "arrival_route": "land_from_us", "in_us_now": "yes", "own_family_in_canada_stca": "no",
               "holds_canadian_visa_or_permit": "no"}


@pytest.mark.parametrize("answers", [ENTRY_SKIPPED, MINOR_IN_US], ids=["entry_skipped", "minor_in_us"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_details_put_the_safety_leads_before_any_pathway(tmp_path: Path, lang: str, answers: dict[str, str]) -> None:
    """review12 A2: in --details (the command every first screen points to) the safe advice comes right under the
    headline, as on the first screen, not under "Also worth exploring" after the table of every pathway."""
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(answers))
    command = ["check", "--answers", str(path), "--no-input", "--as-of", AS_OF, "--lang", lang]
    env = {"NO_COLOR": "1", "COLUMNS": "80", "PAGER": "cat"}
    report = json.loads(CliRunner().invoke(app, [*command, "--json"], env=env).stdout)
    result = CliRunner().invoke(app, [*command, "--details"], env=env)
    assert result.exit_code == 0, result.output
    lines = [words(line) for line in result.stdout.splitlines()]
    safety = [words(lead["title"]) for lead in report["leads"] if lead["id"] in SAFETY_LEADS]
    assert safety  # the person is at risk: there is safe advice to place
    pathways = [words(pathway["title"]) for pathway in report["pathways"].values()]
    first_pathway = min(index for index, line in enumerate(lines) if any(line.startswith(title[:20])
                                                                         for title in pathways))
    for title in safety:
        assert lines.index(title) < first_pathway, title


SAFETY_LEADS = {lead["id"] for lead in yaml.safe_load((RULES / "leads.yaml").read_text())["leads"]
                if lead.get("safety")}


@pytest.mark.parametrize("answers", [ENTRY_SKIPPED, MINOR_IN_US], ids=["entry_skipped", "minor_in_us"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_report_file_puts_the_safety_leads_first(tmp_path: Path, lang: str, answers: dict[str, str]) -> None:
    """The --report file (the page a person keeps or prints) gives the safe advice before admissibility and every
    route, as the screens do, and not again under "Also worth exploring"."""
    path, target = tmp_path / "answers.yaml", tmp_path / "verdict.md"
    path.write_text(yaml.safe_dump(answers))
    command = ["check", "--answers", str(path), "--no-input", "--as-of", AS_OF, "--lang", lang]
    report = json.loads(CliRunner().invoke(app, [*command, "--json"], env={"NO_COLOR": "1"}).stdout)
    result = CliRunner().invoke(app, [*command, "--report", str(target)], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    headings = [index for index, line in enumerate(lines) if line.startswith("## ")]
    safety = [lead["title"] for lead in report["leads"] if lead["id"] in SAFETY_LEADS]
    assert safety  # the person is at risk: there is safe advice to place
    for title in safety:
        at = [index for index, line in enumerate(lines) if line.startswith("### ") and words(line[4:]) == words(title)]
        assert len(at) == 1, title  # once, not again with the other leads
        assert at[0] < headings[1], title  # under the first heading, before admissibility and the routes


# A 16-year-old seeking protection who would come overland from the US and skipped the fear question (or their
# US citizenship): an unaccompanied minor is an exception to the Safe Third Country Agreement that a lawyer must
# assess (§9.4, §13.21), and whether it applies is what the lawyer checks before the border. Unknown is not no.
MINOR_OVERLAND = {**FEARS_RETURN, "goal": "protection", "age": 16}


@pytest.mark.parametrize("skipped", ["fear_of_return", "us_citizen"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_skipped_answer_still_gives_the_exception_lawyer_advice(tmp_path: Path, lang: str, skipped: str) -> None:
    answers = {**MINOR_OVERLAND, skipped: None}
    paragraph = lead_text(lang, "stca_exception_lawyer")
    advice = paragraph.lower()  # a lawyer now, at an official crossing, never between crossings
    assert ("lawyer" in advice and "now" in advice and "never cross between official crossings" in advice) or (
        "avocat" in advice and "dès maintenant" in advice and "ne traversez jamais la frontière entre les points "
        "d'entrée officiels" in advice)
    shown = verdict(tmp_path, lang, 80, answers)  # the first screen
    assert paragraph in shown
    result = CliRunner().invoke(app, ["check", "--answers", str(tmp_path / "answers.yaml"), "--no-input", "--as-of",
                                      AS_OF, "--lang", lang, "--json"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["pathways"]["asylum_claim"]["outcome"] == "incomplete"  # a lawyer must assess: never closed
    [lead] = [lead for lead in report["leads"] if lead["id"] == "stca_exception_lawyer"]
    assert words(lead["text"]) == paragraph
    withdrawn = {"fear_of_return": "no", "us_citizen": "yes"}[skipped]  # a known answer that takes it away
    assert paragraph not in verdict(tmp_path, lang, 80, {**answers, skipped: withdrawn})


STCA_PATH = {  # a protection seeker coming overland from the US: each answer that decides an exception, or skipped
    "goal": ["protection", "work"], "fear_of_return": ["yes", "no", None], "us_citizen": ["no", "yes", None],
    "age": [16, 40, None], "holds_canadian_visa_or_permit": ["yes", "no", None],
    "own_family_in_canada_stca": ["yes", "no", None]}


def test_the_exception_lawyer_advice_reaches_whoever_may_fit_an_exception() -> None:
    """Over every mix of known and skipped answers of a person coming overland from the US: one who may be at
    risk (fears return, or seeks protection and skipped the fear question), is not a known US citizen, has no
    family exception and is a known minor or visa holder gets the lawyer advice; it never shows to someone known
    not to fear return, to a known US citizen or beside an open family exception, and never beside a decided claim
    (an exception a lawyer must assess leaves it undecided; §9.4, §13.16, §13.21)."""
    book = load_rulebook(RULES)
    as_of = dt.date.fromisoformat(AS_OF)
    for values in itertools.product(*STCA_PATH.values()):
        given = {key: value for key, value in zip(STCA_PATH, values, strict=True) if value is not None}
        answers = {"canadian_citizen": "no", "in_us_now": "yes", "arrival_route": "land_from_us",
                   "entered_canada_over_a_year_ago": "no", **given}
        report = book.evaluate(book.read_answers(answers), as_of)
        shown = "stca_exception_lawyer" in [lead.id for lead in report.leads]
        fear = given.get("fear_of_return")
        at_risk = fear == "yes" or (fear is None and given["goal"] == "protection")
        exception = given.get("age") == 16 or given.get("holds_canadian_visa_or_permit") == "yes"
        if at_risk and given.get("us_citizen") != "yes" and given.get("own_family_in_canada_stca") == "no" \
                and exception:
            assert shown, given
        if shown:
            assert given.get("fear_of_return") != "no" and given.get("us_citizen") != "yes", given
            assert given.get("own_family_in_canada_stca") != "yes", given
            assert report.pathways["asylum_claim"].outcome == "incomplete", given
