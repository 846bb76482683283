"""The web verdict page's first screen (Starlette's TestClient): what the terminal's first screen shows for
the same answers, before the folded details (review9 #1, §13.21)."""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve,test]'")
pytest.importorskip("httpx2", reason="the test extra is not installed: pip install -e '.[serve,test]'")

import test_serve_api
from starlette.testclient import TestClient
from test_serve_api import form_fields, person, walk

from screener.rulebook import Rulebook

book = test_serve_api.book  # the API tests' module-scoped app fixtures, shared
client = test_serve_api.client
PRO_BONO = "https://www.justice.gov/eoir/list-pro-bono-legal-service-providers"


def french(client: TestClient, page: str) -> str:
    """The same verdict in French: the page's own answers posted again with ?lang=fr."""
    body = urlencode([*form_fields(page), ("action", "again")]).encode()
    response = client.post("/interview?lang=fr", content=body,
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 200
    return html.unescape(response.text)


def flat(text: str) -> str:
    """A folded rule text on one line as the page shows it: no-break spaces (French « : ») stay."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def first_screen(page: str) -> str:
    text = html.unescape(page)
    assert "<details>" in text
    return text[:text.index("<details>")]


def test_the_asylum_seekers_safe_advice_and_its_links_lead_the_first_screen(client: TestClient, book: Rulebook) -> None:
    """Overland from the US, no exception: the safety lead's whole text and its links come first, above the
    routes, and the goal's route says it is closed; in French too."""
    page, _, _ = walk(client, person("honduran_in_us"))
    for text, language in ((html.unescape(page), "en"), (french(client, page), "fr")):
        screen = first_screen(text)
        rules = book.in_language(language)
        words = flat(rules.leads["us_asylum_help"].text)
        assert words in screen
        assert f'href="{PRO_BONO}"' in screen
        assert screen.index(words) < screen.index(rules.pathways["asylum_claim"].title)
        closed = {"en": "closed on these answers", "fr": "impossible avec ces réponses"}[language]
        assert f"{rules.pathways['asylum_claim'].title}" in screen and closed in screen
        assert {"en": "Also worth exploring", "fr": "À explorer aussi"}[language] not in screen


def test_a_us_citizens_not_viable_advice_is_not_called_worth_exploring(client: TestClient, book: Rulebook) -> None:
    """A US citizen seeking protection is told plainly that asylum is not a route (§13.21), under that advice's
    own heading, never as a route "worth exploring"; in English and French."""
    page, _, _ = walk(client, {**person("honduran_in_us"), "us_citizen": True})
    for text, language in ((html.unescape(page), "en"), (french(client, page), "fr")):
        screen = first_screen(text)
        lead = book.in_language(language).leads["us_citizen_protection"]
        assert f"<h2>{lead.title}</h2><p>{flat(lead.text)}</p>" in screen
        assert {"en": "Also worth exploring", "fr": "À explorer aussi"}[language] not in screen
