"""The JSON API's refusals and reasons as a person or a developer reads them (review9 #13, #14, #16): every
problem field at once, each naming the field and the rule, never the value; reasons in question labels,
not field ids; one Cache-Control header per response."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve,test]'")
pytest.importorskip("httpx2", reason="the test extra is not installed: pip install -e '.[serve,test]'")

import test_serve_api
from starlette.testclient import TestClient

from screener import i18n
from screener.rulebook import Rulebook

book = test_serve_api.book  # the API tests' module-scoped app fixtures, shared
client = test_serve_api.client


BAD = {"age": True, "goal": ["work"], "settlement_funds_cad": -5, "english_score_reading": 99,
       "no_such_field": None, "canadian_citizen": {"x": 1}}


@pytest.mark.parametrize("query", ["", "?details=true", "?outcomes_only=true"])
def test_every_problem_field_is_named_at_once_never_its_value(client: TestClient, query: str) -> None:
    for path in ("/v1/screen", "/v1/next-question"):
        response = client.post(path + query, json=BAD)
        assert response.status_code == 422
        problems = response.json()["problems"]
        assert sorted(problem["field"] for problem in problems) == sorted(BAD)  # each once, none left out
        for problem in problems:
            assert problem["rule"].strip(), problem
        text = response.text
        for value in ("-5", "99", "work", '"x"'):
            assert value not in text


@pytest.mark.parametrize("body", [b'{"age": 30, "goal": "work", "age": 40}',
                                  b'{"answers": {"age": "30", "age": "40"}}'])
def test_a_json_answer_given_twice_is_refused_by_name_not_the_last_taken(client: TestClient, body: bytes) -> None:
    """review13 #12: which of the two was meant cannot be known; never the last one silently."""
    for path in ("/v1/screen", "/v1/next-question"):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422
        assert response.json()["problems"] == [{"field": "age", "rule": "given twice"}]
        assert "40" not in response.text


FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(("pairs", "field"), [
    ([("a:goal", "work"), ("a:goal", "study"), ("q", "age"), ("action", "skip")], "goal"),
    ([("q", "goal"), ("answer", "work"), ("answer", "study"), ("action", "next")], "answer"),
])
def test_a_form_field_given_twice_is_refused_by_name(client: TestClient, pairs: list[tuple[str, str]],
                                                     field: str) -> None:
    response = client.post("/interview", content=urlencode(pairs).encode(), headers=FORM)
    assert response.status_code == 422
    assert f"<li>{field}: given twice</li>" in response.text and "study" not in response.text
    listed = [("a:goal", "work"), ("skip", "canadian_citizen"), ("skip", "born_in_canada"), ("h", "goal:70"),
              ("h", "canadian_citizen:70"), ("q", "age"), ("action", "skip")]  # the lists a page carries
    assert client.post("/interview", content=urlencode(listed).encode(), headers=FORM).status_code == 200


@pytest.mark.parametrize("body", ["q=goal&answer=caf\xe9&action=next".encode("latin-1"),
                                  b"q=goal&answer=caf%E9&action=next"])
def test_a_form_that_is_not_utf8_is_400_as_the_api_says(client: TestClient, body: bytes) -> None:
    response = client.post("/interview", content=body, headers=FORM)
    assert response.status_code == 400
    assert "the form is not UTF-8 text" in response.text


def test_a_list_is_refused_in_the_requests_language(client: TestClient) -> None:
    english = client.post("/v1/screen", json={"goal": ["work"]}).json()["problems"]
    french = client.post("/v1/screen?lang=fr", json={"goal": ["work"]}).json()["problems"]
    assert [p["field"] for p in english] == [p["field"] for p in french] == ["goal"]
    assert english[0]["rule"] != french[0]["rule"]


MINOR = {"goal": "protection", "age": 16, "us_citizen": False, "fear_of_return": True, "arrival_route": "land_from_us",
         "own_family_in_canada_stca": False, "holds_canadian_visa_or_permit": False}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_reasons_name_questions_by_their_labels_not_their_ids(client: TestClient, book: Rulebook,
                                                               language: str) -> None:
    data = client.post(f"/v1/screen?details=true&lang={language}", json=MINOR).json()
    questions = book.in_language(language).questions
    undecided = {pid: p["reason"] for pid, p in data["pathways"].items() if p["outcome"] == "incomplete"}
    assert "asylum_claim" in undecided
    label = questions["entered_canada_over_a_year_ago"].short_label
    with i18n.language(language):  # inside the sentence, in lower case (« Reste à préciser : première entrée… »)
        assert i18n.in_sentence(label) in undecided["asylum_claim"]
    assert label[0].isupper() and i18n.in_sentence(label) != label
    for reason in undecided.values():
        assert not any(qid in reason for qid in questions if "_" in qid), reason


def test_the_style_sheet_sends_one_cache_control(client: TestClient) -> None:
    style = client.get("/static/style.css")
    assert style.status_code == 200
    assert style.headers.get_list("cache-control") == ["public, max-age=3600"]
    assert client.get("/").headers.get_list("cache-control") == ["no-store"]  # pages hold answers
