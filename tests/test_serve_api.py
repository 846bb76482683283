"""`screener serve` driven through HTTP (Starlette's TestClient): the JSON API's status codes and shapes,
errors by field without values, limits, headers, and the web interview's pages walked by form posts."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import yaml

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve,test]'")
pytest.importorskip("httpx2", reason="the test extra is not installed: pip install -e '.[serve,test]'")

from starlette.testclient import TestClient
from test_personas import assert_calm_offer

from screener.answers import AnswerError
from screener.rulebook import Rulebook, load_rulebook
from screener.web.app import MAX_BODY, create_app

HERE = Path(__file__).parent
REAL = HERE.parent / "rules"
PERSONAS = HERE / "fixtures" / "personas"
AS_OF = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def book() -> Rulebook:
    return load_rulebook(REAL)


@pytest.fixture(scope="module")
def client(book: Rulebook) -> TestClient:
    return TestClient(create_app(book, as_of=AS_OF))


def person(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((PERSONAS / f"{name}.yaml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_screen_gives_the_contracts_report_with_the_engines_outcomes(client: TestClient, book: Rulebook) -> None:
    answers = person("barista_working_year")
    response = client.post("/v1/screen", json=answers)
    assert response.status_code == 200
    data = response.json()
    expected = book.evaluate(book.read_answers(answers), AS_OF)
    assert {p: v["outcome"] for p, v in data["pathways"].items()} == expected.outcomes()
    assert data["best_pathway"] == expected.best_pathway == "iec_working_holiday"
    assert data["rulebook"] == {"id": "canada", "version": book.version, "as_of": "2026-11-25"}
    assert set(data) >= {"pathways", "scores", "flags", "leads", "warnings", "best_pathway", "missing"}


def test_details_gives_the_full_report_as_check_json(client: TestClient, book: Rulebook) -> None:
    answers = person("married_to_canadian")
    data = client.post("/v1/screen?details=true", json=answers).json()
    assert data == book.evaluate(book.read_answers(answers), AS_OF).to_json() | {
        "rulebook": data["rulebook"]}  # the same report, date and all
    requirement = data["pathways"]["spousal_sponsorship"]["requirements"][0]
    assert set(requirement) >= {"id", "status", "text", "actual", "needed", "reference"}


def test_answers_wrapped_in_an_answers_key_and_numbers_as_json_numbers(client: TestClient) -> None:
    plain = client.post("/v1/screen", json={"age": 30, "us_citizen": True}).json()
    wrapped = client.post("/v1/screen", json={"answers": {"age": "30", "us_citizen": "yes"}}).json()
    assert plain == wrapped


def test_bad_answers_are_422_with_every_field_and_rule_never_the_value(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"age": "5551234", "agee": "x", "settlement_funds_cad": "lots-secret"})
    assert response.status_code == 422
    body = response.json()
    fields = {problem["field"]: problem["rule"] for problem in body["problems"]}
    assert set(fields) == {"age", "agee", "settlement_funds_cad"}
    assert fields["age"] == "must be between 0 and 120"
    assert "did you mean 'age'" in fields["agee"]
    assert "5551234" not in response.text and "lots-secret" not in response.text


def test_the_engine_reads_the_answers_as_check_does(client: TestClient, book: Rulebook) -> None:
    """/v1/screen hands the answers as written to the engine (one reading per request): text numbers,
    yes/no words and choice spellings give the report typed answers give, on both report sizes."""
    written = {"age": "30", "us_citizen": "No", "marital_status": "Common Law", "job_offer": "yes"}
    typed = book.read_answers(written)
    for query in ("", "?details=true"):
        data = client.post(f"/v1/screen{query}", json=written).json()
        assert data == client.post(f"/v1/screen{query}", json=typed).json()
    assert {p: v["outcome"] for p, v in data["pathways"].items()} == book.evaluate(typed, AS_OF).outcomes()


@pytest.mark.parametrize("query", ["", "?details=true"])
def test_unreadable_answers_and_unknown_declined_questions_are_named_together(client: TestClient, book: Rulebook,
                                                                             query: str) -> None:
    with pytest.raises(AnswerError) as check_says:
        book.read_answers({"age": "old"})
    response = client.post(f"/v1/screen{query}", json={"age": "old", "no_such_question": None})
    assert response.status_code == 422
    assert response.json()["problems"] == [{"field": "age", "rule": check_says.value.problems["age"]},
                                           {"field": "no_such_question", "rule": "not a question of this rulebook"}]
    response = client.post(f"/v1/screen{query}", json={"age": 30, "no_such_question": None})
    assert response.status_code == 422
    assert response.json()["problems"] == [{"field": "no_such_question", "rule": "not a question of this rulebook"}]


def test_lists_and_mappings_are_refused_by_field(client: TestClient) -> None:
    response = client.post("/v1/screen", json={"age": [30, "secret"]})
    assert response.status_code == 422
    assert response.json()["problems"] == [{"field": "age", "rule": "must be a single value, not a list or mapping"}]
    assert "secret" not in response.text


def test_numbers_follow_the_one_answer_rule(client: TestClient) -> None:
    """JSON numbers are read as the text written: 30.5 is not a whole number, 1e1 is no number here."""
    for body in (b'{"age": 30.5}', b'{"age": 1e1}', b'{"age": NaN}'):
        response = client.post("/v1/screen", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, body
        assert response.json()["problems"][0]["field"] == "age"


def test_broken_json_is_400_with_a_position_only(client: TestClient) -> None:
    response = client.post("/v1/screen", content=b'{"age": "my-secret"', headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "line 1" in response.json()["error"] and "my-secret" not in response.text


def test_not_an_object_is_422(client: TestClient) -> None:
    response = client.post("/v1/screen", json=[1, 2])
    assert response.status_code == 422


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_wrong_content_type_is_415(client: TestClient, content_type: str) -> None:
    response = client.post("/v1/screen", content=b'{"age": "30"}', headers={"content-type": content_type})
    assert response.status_code == 415
    assert response.json()["error"] == "the content type must be application/json"


def test_oversized_body_is_413_by_length_and_while_streaming(client: TestClient) -> None:
    big = b'{"age": "' + b"1" * MAX_BODY + b'"}'
    assert client.post("/v1/screen", content=big, headers={"content-type": "application/json"}).status_code == 413

    def chunks() -> Any:  # no Content-Length: the limit holds while reading
        for _ in range(MAX_BODY // 1000 + 2):
            yield b" " * 1000

    response = client.post("/v1/screen", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_too_many_fields_is_413(client: TestClient) -> None:
    response = client.post("/v1/screen", json={f"field_{n}": "x" for n in range(600)})
    assert response.status_code == 413


def test_bad_query_parameters_are_422_by_name(client: TestClient) -> None:
    for url, name in [("/v1/screen?as_of=2026-13-45", "as_of"), ("/v1/screen?details=maybe", "details"),
                      ("/v1/next-question?bound=-1", "bound"), ("/v1/next-question?scope=some", "scope")]:
        response = client.post(url, json={})
        assert response.status_code == 422, url
        assert response.json()["problems"][0]["field"] == name


def test_get_on_answers_is_405_and_unknown_paths_404(client: TestClient) -> None:
    assert client.get("/v1/screen").status_code == 405
    assert client.get("/interview").status_code == 405
    assert client.get("/nowhere").status_code == 404
    assert client.get("/nowhere").json()["error"] == "no such page"


def test_next_question_starts_with_the_goal_and_a_bound(client: TestClient, book: Rulebook) -> None:
    data = client.post("/v1/next-question", json={}).json()
    assert data["done"] is False
    assert data["question"]["id"] == "goal"
    assert [c["value"] for c in data["question"]["choices"]] == book.questions["goal"].choice_values
    assert data["question"]["help"]
    assert 0 < data["progress"]["remaining"] <= len(book.questions)
    assert data["progress"]["line"] == ""  # nothing answered yet, and no far-off bound to frighten anyone


def test_next_question_walks_a_persona_to_done_with_a_never_rising_bound(client: TestClient) -> None:
    answers = person("barista_working_year")
    given: dict[str, Any] = {}
    bound: int | None = None
    asked = []
    while True:
        url = "/v1/next-question?scope=goal" + (f"&bound={bound}" if bound is not None else "")
        data = client.post(url, json=given).json()
        remaining = data["progress"]["remaining"]
        assert bound is None or remaining <= bound
        if data["done"]:
            break
        question = data["question"]["id"]
        asked.append(question)
        assert len(asked) < 40
        given[question] = answers.get(question)  # None: "I don't know"
        bound = remaining
    assert asked[0] == "goal"
    assert len(asked) <= 12  # as the terminal interview (tests/test_personas.py)
    assert client.post("/v1/screen", json=given).json()["best_pathway"] == "iec_working_holiday"


def test_declined_questions_are_not_asked_again(client: TestClient) -> None:
    first = client.post("/v1/next-question", json={"goal": None}).json()
    assert first["question"]["id"] != "goal"
    second = client.post("/v1/next-question", json={"goal": None, first["question"]["id"]: None}).json()
    assert second["question"]["id"] not in ("goal", first["question"]["id"])


def test_rules_lists_version_pathways_and_questions(client: TestClient, book: Rulebook) -> None:
    data = client.get("/v1/rules").json()
    assert data["rulebook"]["version"] == book.version and data["rulebook"]["as_of"] == "2026-11-25"
    assert [p["id"] for p in data["pathways"]] == list(book.pathways)
    assert {q["id"] for q in data["questions"]} == set(book.questions)


def test_health_and_openapi(client: TestClient, book: Rulebook) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "rulebook": book.version}
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) >= {"/v1/screen", "/v1/next-question", "/v1/rules", "/healthz"}
    assert set(spec["components"]["schemas"]["Answers"]["properties"]) == set(book.questions)


def test_openapi_answer_schema_accepts_a_persona(client: TestClient) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = client.get("/openapi.json").json()["components"]["schemas"]["Answers"]
    jsonschema.validate(person("married_to_canadian"), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"no_such_question": 1}, schema)


@pytest.mark.parametrize("path", ["/healthz", "/", "/nowhere"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "access-control-allow-origin" not in headers  # CORS is off


def test_cors_preflight_gets_no_permission(client: TestClient) -> None:
    response = client.options("/v1/screen", headers={"origin": "https://evil.example",
                                                      "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in response.headers


def test_access_log_has_no_query_string_and_no_body(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="screener.access"):
        client.post("/v1/screen?as_of=2026-11-25&details=true", json={"age": "77", "settlement_funds_cad": "98765"})
    lines = [record.getMessage() for record in caplog.records if record.name == "screener.access"]
    assert lines and lines[-1].startswith("POST /v1/screen 200 ")
    assert all("98765" not in line and "as_of" not in line and "?" not in line for line in lines)


# --- the web interview, by form posts (the browser tests drive the same pages in chromium) ---

HIDDEN = re.compile(r'<input type="hidden" name="([^"]*)" value="([^"]*)">')


def form_fields(page: str) -> list[tuple[str, str]]:
    return [(html.unescape(name), html.unescape(value)) for name, value in HIDDEN.findall(page)]


def post_form(client: TestClient, pairs: list[tuple[str, str]]) -> Any:
    """A form post as a browser sends it (repeated names kept, in order)."""
    return client.post("/interview", content=urlencode(pairs).encode(),
                       headers={"content-type": "application/x-www-form-urlencoded"})


def walk(client: TestClient, answers: dict[str, Any]) -> tuple[str, list[str], list[str]]:
    """Answer each asked question from `answers` (declining the rest, and the other routes): the last
    page, the questions asked, and the progress lines shown."""
    page = client.get("/").text
    asked: list[str] = []
    lines: list[str] = []
    while 'name="q"' in page or 'value="goal_only"' in page:
        fields = form_fields(page)
        if 'value="goal_only"' in page:
            assert "Check the other routes too?" in page
            assert_calm_offer(page, r"At most (\d+) more question")
            page = post_form(client, [*fields, ("action", "goal_only")]).text
            continue
        lines += re.findall(r'<p class="progress">([^<]*)</p>', page)
        question = dict(fields)["q"]
        asked.append(question)
        assert len(asked) < 40
        value = answers.get(question)
        action = [("action", "skip")] if value is None else [
            ("answer", {True: "yes", False: "no"}.get(value, str(value))), ("action", "next")]
        response = post_form(client, [*fields, *action])
        assert response.status_code == 200
        page = response.text
    return page, asked, lines


def test_the_web_interview_reaches_the_verdict_page(client: TestClient) -> None:
    page, asked, lines = walk(client, person("married_to_canadian"))
    assert asked[0] == "goal"
    assert "Open to you: Sponsorship by your Canadian spouse or partner" in html.unescape(page)
    assert "<details><summary>Details: every route and why</summary>" in page
    bounds = [int(m) for line in lines for m in re.findall(r"at most (\d+) more", line)]
    assert bounds == sorted(bounds, reverse=True)  # the progress bound never rises
    answered = [int(m) for line in lines for m in re.findall(r"(\d+) answered", line)]
    assert answered == list(range(1, len(asked)))  # every page after the first counts the answers, exactly


def test_a_bad_typed_answer_is_asked_again_with_the_rule_not_the_value(client: TestClient) -> None:
    page = client.get("/").text
    page = post_form(client, [*form_fields(page), ("answer", "work"), ("action", "next")]).text
    while 'name="q" value="age"' not in page:
        page = post_form(client, [*form_fields(page), ("action", "skip")]).text
    again = post_form(client, [*form_fields(page), ("answer", "1234567"), ("action", "next")])
    assert again.status_code == 200
    assert "Sorry: must be between 0 and 120." in again.text
    assert 'aria-invalid="true"' in again.text and 'name="q" value="age"' in again.text


def test_not_sure_typed_in_an_answer_box_is_i_dont_know_not_an_error(client: TestClient) -> None:
    """The words the terminal takes for "I don't know" (answers.UNSURE_WORDS) mean the same typed in a box."""
    page = client.get("/").text
    page = post_form(client, [*form_fields(page), ("answer", "work"), ("action", "next")]).text
    while 'name="q" value="age"' not in page:
        page = post_form(client, [*form_fields(page), ("action", "skip")]).text
    after = post_form(client, [*form_fields(page), ("answer", "not sure"), ("action", "next")])
    assert after.status_code == 200
    assert "Sorry" not in after.text and 'name="q" value="age"' not in after.text
    assert ("skip", "age") in form_fields(after.text)  # declined, as the "I don't know" button does


def test_back_returns_to_the_previous_question_with_its_answer(client: TestClient) -> None:
    page = client.get("/").text
    after = post_form(client, [*form_fields(page), ("answer", "work"), ("action", "next")]).text
    assert 'name="a:goal" value="work"' in after
    back = post_form(client, [*form_fields(after), ("action", "back")]).text
    assert 'name="q" value="goal"' in back
    assert 'value="work" checked' in back
    assert 'name="a:goal"' not in back


def test_the_form_needs_its_content_type_and_readable_answers(client: TestClient) -> None:
    assert client.post("/interview", json={"a:age": "30"}).status_code == 415
    tampered = client.post("/interview", data={"a:age": "secret-999", "action": "next", "q": "age"})
    assert tampered.status_code == 422
    assert "age" in tampered.text and "secret-999" not in tampered.text
    assert client.post("/interview", data={f"f{n}": "x" for n in range(600)}).status_code == 413


def test_pages_escape_what_they_show(client: TestClient) -> None:
    page = client.get("/").text
    evil = '"><script>alert(1)</script>'
    response = post_form(client, [*form_fields(page), ("answer", evil), ("action", "next")])
    assert "<script>" not in response.text
    assert response.status_code == 200 and "Sorry:" in response.text


def test_api_errors_speak_the_requests_language(client: TestClient) -> None:
    """Every refusal of the JSON API in French for a French request (`?lang=fr` or Accept-Language), in
    English otherwise; the fields named stay ids. The English texts are the source, the French the catalog's."""
    from screener import i18n

    french = {"accept-language": "fr-CA,fr;q=0.9"}
    big = b'{"age": "' + b"1" * MAX_BODY + b'"}'
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("post", "/v1/screen", {"content": b'{"age": ', "headers": {"content-type": "application/json"}}),
        ("post", "/v1/screen", {"content": b"\xff\xfe", "headers": {"content-type": "application/json"}}),
        ("post", "/v1/screen", {"json": [1, 2]}),
        ("post", "/v1/screen", {"content": b"{}", "headers": {"content-type": "text/plain"}}),
        ("post", "/v1/screen", {"content": big, "headers": {"content-type": "application/json"}}),
        ("post", "/v1/screen", {"json": {f"field_{n}": "x" for n in range(600)}}),
        ("post", "/v1/screen?as_of=2026-13-45", {"json": {}}),
        ("post", "/v1/screen?details=maybe", {"json": {}}),
        ("post", "/v1/next-question?bound=-1", {"json": {}}),
        ("post", "/v1/next-question?scope=some", {"json": {}}),
        ("get", "/v1/screen", {}),
        ("get", "/nowhere", {}),
    ]
    for method, url, kwargs in calls:
        english = getattr(client, method)(url, **kwargs).json()
        for headers, query in ((french, ""), ({}, ("&" if "?" in url else "?") + "lang=fr")):
            response = getattr(client, method)(url + query, headers={**kwargs.get("headers", {}), **headers},
                                               **{k: v for k, v in kwargs.items() if k != "headers"})
            body = response.json()
            with i18n.language("fr"):
                assert body["error"] != english["error"], (url, body)  # not the English text
                expected = [i18n._(problem["rule"]) for problem in english["problems"]]
            assert [problem["rule"] for problem in body["problems"]] == expected, url
            assert [problem["field"] for problem in body["problems"]] == [p["field"] for p in english["problems"]]
    assert client.get("/nowhere", headers=french).json()["error"] == "page introuvable"
    assert client.get("/nowhere").json()["error"] == "no such page"


def test_the_test_client_is_the_supported_one() -> None:
    """starlette's TestClient runs on httpx2 (the test extra installs it): importing it warns of nothing,
    where with the older httpx it warned that httpx is deprecated."""
    import subprocess
    import sys

    found = subprocess.run([sys.executable, "-W", "error", "-c", "import starlette.testclient"],
                           capture_output=True, text=True, check=False)
    assert found.returncode == 0, found.stderr[-500:]


def test_test_scores_are_shown_back_as_levels_once_the_last_is_in(client: TestClient) -> None:
    """As in the terminal (`Interview.shown_back`, §13.29): after a test's last score, the next page says
    what the four scores convert to; after an earlier score, nothing yet. English and French."""
    given = [("a:goal", "work"), ("a:english_test", "ielts_general"), ("a:english_score_listening", "8"),
             ("a:english_score_reading", "7")]  # in the order of the test report: listening first
    converted = re.compile(r'<p class="converted" role="status">([^<]*)</p>')
    third = post_form(client, [*given, ("q", "english_score_writing"), ("answer", "7"), ("action", "next")])
    assert third.status_code == 200 and converted.findall(third.text) == []
    given.append(("a:english_score_writing", "7"))
    last = [*given, ("q", "english_score_speaking"), ("answer", "7"), ("action", "next")]
    assert converted.findall(post_form(client, last).text) == [
        "IELTS General Training 8/7/7/7 = CLB 9 in every ability"]
    french = client.post("/interview?lang=fr", content=urlencode(last).encode(),
                         headers={"content-type": "application/x-www-form-urlencoded"})
    assert [html.unescape(line) for line in converted.findall(french.text)] == [
        "IELTS General Training 8/7/7/7 = NCLC 9 dans chaque compétence"]


def test_the_web_verdict_page_shows_a_medical_flag_before_the_routes(client: TestClient) -> None:
    """§13.30 (review5 item 6): a warning-level flag is on the first screen too, before any route."""
    page, _, _ = walk(client, {**person("married_to_canadian"), "serious_health_condition": True})
    text = html.unescape(page)
    title = "A health condition may raise medical inadmissibility"
    assert "WARNING:" in text and title in text
    assert text.index(title) < text.index("<h2>Open to you")  # the open routes' heading


def test_a_skipped_asylum_answer_still_gives_the_safe_advice(client: TestClient, book: Rulebook) -> None:
    """review11 #2, §13.21: a person at risk in Canada who skipped "did you first enter Canada over a year ago?"
    gets the refugee-lawyer advice in `safety`, in both languages; the claim stays undecided (nothing guessed)."""
    answers = {"goal": "protection", "canadian_citizen": "no", "us_citizen": "no", "fear_of_return": "yes",
               "age": 29, "in_us_now": "no", "arrival_route": "already_in_canada"}
    pages = {"en": "https://www.canada.ca/en/immigration-refugees-citizenship/services/refugees/claim-protection-inside-canada.html",
             "fr": "https://www.canada.ca/fr/immigration-refugies-citoyennete/services/refugies/protection.html"}
    for language, page in pages.items():
        data = client.post(f"/v1/screen?lang={language}", json=answers).json()
        assert data["pathways"]["asylum_claim"]["outcome"] == "incomplete"
        [safety] = data["safety"]
        lead = book.in_language(language).leads["refugee_lawyer_now"]
        assert safety["id"] == "refugee_lawyer_now" and safety["title"] == lead.title
        assert " ".join(safety["text"].split()) == " ".join(lead.text.split())
        assert ("refugee lawyer" in safety["text"]) or ("droit des réfugiés" in safety["text"])
        assert any(page in step for step in safety["next_steps"])


def test_a_skipped_fear_answer_still_gives_the_exception_lawyer_advice(client: TestClient, book: Rulebook) -> None:
    """§9.4, §13.21: a 16-year-old seeking protection who would come overland from the US and skipped the fear
    question gets the Safe Third Country exception advice in `safety` beside the US one, in both languages."""
    answers = {"goal": "protection", "canadian_citizen": "no", "us_citizen": "no", "age": 16, "in_us_now": "yes",
               "arrival_route": "land_from_us", "own_family_in_canada_stca": "no",
               "holds_canadian_visa_or_permit": "no", "entered_canada_over_a_year_ago": "no"}
    for language in ("en", "fr"):
        data = client.post(f"/v1/screen?lang={language}", json=answers).json()
        assert data["pathways"]["asylum_claim"]["outcome"] == "incomplete"
        assert [safety["id"] for safety in data["safety"]] == ["us_asylum_help", "stca_exception_lawyer"]
        lead = book.in_language(language).leads["stca_exception_lawyer"]
        [safety] = [safety for safety in data["safety"] if safety["id"] == "stca_exception_lawyer"]
        assert " ".join(safety["text"].split()) == " ".join(lead.text.split())
