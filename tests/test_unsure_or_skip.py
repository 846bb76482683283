"""The web interview's two ways of not answering stay apart in both languages (review13 #7): a question's
own "not sure" choice and the skip button never carry the same words, and the French progress line
reads « À propos de vous, suite : 1 réponse », not « … suite : Réponses : 1 »."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from screener.labels import label_key

RULES = Path(__file__).parent.parent / "rules"
FORM = {"content-type": "application/x-www-form-urlencoded"}
# Reaches the questions that have an "unsure" choice (and the job offer's LMIA); everything else is skipped.
GIVEN = {"goal": "live_permanently", "job_offer": "yes", "canadian_citizen": "unsure"}


def _client() -> Any:
    pytest.importorskip("starlette")
    pytest.importorskip("httpx2")
    from starlette.testclient import TestClient

    from screener.rulebook import load_rulebook
    from screener.web.app import create_app
    return TestClient(create_app(load_rulebook(RULES), as_of=dt.date(2026, 11, 25), access_log_enabled=False))


def _hidden(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(name), html.unescape(value))
            for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)"', page)]


def _walk(lang: str) -> list[tuple[str, list[str], str, str]]:
    """Every question page shown: (question id, its choice labels, the skip button's words, progress line)."""
    client = _client()
    page = client.get(f"/?lang={lang}").text
    shown = []
    for _ in range(120):
        fields = _hidden(page)
        question = dict(fields).get("q")
        if question is None:
            break
        labels = [html.unescape(label) for label in re.findall(r'<label for="c\d+">([^<]*)</label>', page)]
        skip = re.search(r'<button type="submit" name="action" value="skip">([^<]*)</button>', page)
        assert skip is not None, page[-500:]
        progress = re.search(r'<p class="progress">([^<]*)</p>', page)
        line = html.unescape(progress.group(1)) if progress else ""
        shown.append((question, labels, html.unescape(skip.group(1)), line))
        step = [("answer", GIVEN[question]), ("action", "next")] if question in GIVEN else [("action", "skip")]
        response = client.post(f"/interview?lang={lang}", content=urlencode(fields + step), headers=FORM)
        assert response.status_code == 200, response.text[-500:]
        page = response.text
    return shown


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_not_sure_choice_and_the_skip_button_never_say_the_same(lang: str) -> None:
    shown = _walk(lang)
    asked = {question for question, *_ in shown}
    assert {"goal", "canadian_citizen", "canadian_parent", "job_offer_lmia"} <= asked
    for question, labels, skip, _progress in shown:
        assert label_key(skip) not in {label_key(label) for label in labels}, (question, labels, skip)
        assert all(not label_key(label).startswith(label_key(skip) + " ") for label in labels), (question, labels)


def test_the_french_progress_line_counts_answers_in_words() -> None:
    lines = [progress for *_, progress in _walk("fr") if progress]
    assert "À propos de vous, suite\u00a0: 1 réponse" in lines
    counted = [re.search(r"(\d+) (réponses?)$", line) for line in lines if "suite" in line]
    assert counted and all(found is not None for found in counted), lines
    for found in counted:
        assert found is not None and found.group(2) == ("réponse" if int(found.group(1)) <= 1 else "réponses")
    assert not [line for line in lines if "Réponses" in line or line.count(":") > 1]
