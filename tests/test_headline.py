"""One headline for the first screen, in the terminal and on the web page (review8 item 3).

`guidance.headline` chooses it from what the person wants most and the ranked routes: a route for the
goal is named first; when only other routes are open (the US engineer who wants to live in Canada
permanently, with only the working holiday open) it says that nothing is open for the goal before
naming them ("yet" only while a route for the goal is undecided, review11 #13). The terminal and the
web page show the same words for the same answers, in English and French.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from screen_kit import AS_OF, REAL, check

pytest.importorskip("httpx2", reason="the test extra is not installed: pip install -e '.[serve,test]'")

from starlette.testclient import TestClient
from test_serve_api import form_fields, post_form

from screener.rulebook import load_rulebook
from screener.web.app import create_app

US_ENGINEER = {  # review8's persona 1 (p1c-us.yaml): wants to live permanently; no language test yet
    "goal": "live_permanently", "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
    "us_citizen": "yes", "intended_province": "undecided", "marital_status": "single", "english_test": "none",
    "french_test": "none", "occupation_teer": "1", "canadian_work_years": "0", "job_offer": "no", "age": "31",
    "dependent_children": "0", "settlement_funds_cad": "40000", "sibling_in_canada": "no",
    "relative_in_canada": "no", "education": "bachelors", "education_assessed": "yes",
    "canadian_education": "none", "foreign_work_years": "6", "continuous_year": "yes",
    "employer_canadian_affiliate": "no", "provincial_nomination": "no", "criminal_record": "no",
    "impaired_driving": "none", "misrepresentation": "no", "serious_health_condition": "no",
}
NOT_AMERICAN = {**US_ENGINEER, "us_citizen": "no", "mexican_citizen": "no"}  # nothing open: the nominee lead


@pytest.fixture(scope="module")
def clients() -> dict[str, TestClient]:
    book = load_rulebook(REAL)
    return {"en": TestClient(create_app(book, as_of=AS_OF)), "fr": TestClient(create_app(book, lang="fr", as_of=AS_OF))}


def walk(client: TestClient, answers: dict[str, str | None]) -> str:
    """The web interview with `answers` given at once (as a form carries them), then the questions still asked
    skipped and the other routes declined: the last page."""
    page = post_form(client, [(f"a:{key}", value) for key, value in answers.items() if value is not None]).text
    for _ in range(60):
        fields = form_fields(page)
        if 'value="goal_only"' in page:
            page = post_form(client, [*fields, ("action", "goal_only")]).text
        elif 'name="q"' in page:
            value = answers.get(dict(fields)["q"])
            action = [("action", "skip")] if value is None else [("answer", value), ("action", "next")]
            page = post_form(client, [*fields, *action]).text
        else:
            return page
    raise AssertionError("the web interview did not end")


def web(client: TestClient, answers: dict[str, str | None]) -> tuple[str, dict[str, Any]]:
    """The web verdict page's headline for a person answering from `answers` (declining the other routes),
    and the answers the page holds (a skipped question as null, as an answers file says "I don't know")."""
    page = walk(client, answers)
    fields = form_fields(page)
    held: dict[str, Any] = {name[2:]: value for name, value in fields if name.startswith("a:")}
    held.update({value: None for name, value in fields if name == "skip"})
    found = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert found, page[:500]
    return html.unescape(found.group(1)), held


def terminal(tmp_path: Path, answers: dict[str, Any], lang: str) -> str:
    """The first screen's headline (its first paragraph, unwrapped)."""
    screen = check(tmp_path, answers, lang=lang)
    return re.sub(r"[ \n]+", " ", screen.split("\n\n")[0]).strip()  # a no-break space stays


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_us_engineer_is_told_first_that_nothing_is_open_for_the_goal(tmp_path: Path, lang: str,
                                                                        clients: dict[str, TestClient]) -> None:
    head, held = web(clients[lang], US_ENGINEER)
    assert terminal(tmp_path, held, lang) == head
    # every route for his goal is closed on these answers (no language test): no "yet" (review11 #13); what
    # would open one (a language test) is the what-if line under the headline
    expected = {"en": "Nothing is open for what you want most; open to you: International Experience Canada",
                "fr": "Rien n'est ouvert pour ce que vous souhaitez le plus; voie ouverte\u00a0: "
                      "Expérience internationale Canada"}[lang]
    assert head.startswith(expected), head


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_nothing_is_open_yet_while_a_route_for_the_goal_is_undecided(tmp_path: Path, lang: str,
                                                                     clients: dict[str, TestClient]) -> None:
    """The same engineer who skipped the English-test question: Express Entry could still open on that answer."""
    head, held = web(clients[lang], {**US_ENGINEER, "english_test": None})
    assert terminal(tmp_path, held, lang) == head
    expected = {"en": "Nothing is open yet for what you want most; open to you: International Experience Canada",
                "fr": "Rien n'est encore ouvert pour ce que vous souhaitez le plus; voie ouverte\u00a0: "
                      "Expérience internationale Canada"}[lang]
    assert head.startswith(expected), head


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_with_nothing_open_the_headline_speaks_of_the_goal_and_the_page_shows_what_to_do_now(
        tmp_path: Path, lang: str, clients: dict[str, TestClient]) -> None:
    head, held = web(clients[lang], NOT_AMERICAN)
    assert terminal(tmp_path, held, lang) == head
    expected = {"en": "No route for what you want most is open on these answers. What you can do now:",
                "fr": "Aucune voie pour ce que vous souhaitez le plus n'est ouverte selon ces réponses. "
                      "Ce que vous pouvez faire maintenant\u00a0:"}[lang]
    assert head == expected
    page = walk(clients[lang], NOT_AMERICAN)
    leads = yaml.safe_load((REAL / ("leads.fr.yaml" if lang == "fr" else "leads.yaml")).read_text("utf-8"))["leads"]
    titles = [lead["title"] for lead in (leads if lang == "en" else leads.values()) if "title" in lead]
    first = re.search(r"<h2>(.*?)</h2>", html.unescape(page.split("</h1>", 1)[1]))
    assert first is not None and first.group(1) in titles  # what to do now (a lead), before any route


@pytest.mark.parametrize("name", ["married_to_canadian", "honduran_in_us", "barista_working_year"])
def test_terminal_and_web_headlines_agree(tmp_path: Path, name: str, clients: dict[str, TestClient]) -> None:
    answers = yaml.safe_load((Path(__file__).parent / "fixtures" / "personas" / f"{name}.yaml").read_text("utf-8"))
    answers = {key: None if value is None else "yes" if value is True else "no" if value is False else str(value)
               for key, value in answers.items()}
    head, held = web(clients["en"], answers)
    assert terminal(tmp_path, held, "en") == head


US_PROTECTION = {  # review11 #13: a US citizen who wants protection; asylum is closed, not undecided
    "goal": "protection", "canadian_citizen": "no", "born_in_canada": "no", "canadian_parent": "no",
    "us_citizen": "yes", "age": "30", "fear_of_return": "yes", "criminal_record": "no", "impaired_driving": "none",
    "misrepresentation": "no", "serious_health_condition": "no",
}


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_nothing_for_the_goal_is_not_open_yet_when_every_route_for_it_is_closed(
        tmp_path: Path, lang: str, clients: dict[str, TestClient]) -> None:
    """"Yet" promises a route that could still open: with asylum closed to a US citizen, the headline says
    nothing is open for what they want most, then names what is open (review11 #13)."""
    head, held = web(clients[lang], US_PROTECTION)
    assert terminal(tmp_path, held, lang) == head
    expected = {"en": "Nothing is open for what you want most; open to you: ",
                "fr": "Rien n'est ouvert pour ce que vous souhaitez le plus; voie ouverte\u00a0: "}[lang]
    assert head.startswith(expected), head
    assert "yet" not in head and "encore" not in head
