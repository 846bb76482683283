"""`POST /v1/screen`'s default answer is the intake contract's JSON report (review9 #4): each pathway with
its outcome, requirements (the contract's keys) and next steps, the same report keys as a `batch --format
jsonl` row for the same answers, the safety advice whole, and an OpenAPI schema that describes it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed: pip install -e '.[serve,test]'")
pytest.importorskip("httpx2", reason="the test extra is not installed: pip install -e '.[serve,test]'")

import test_serve_api
from starlette.testclient import TestClient
from test_serve_api import person
from typer.testing import CliRunner

from screener.cli import app
from screener.rulebook import Rulebook

book = test_serve_api.book  # the API tests' module-scoped app fixtures, shared
client = test_serve_api.client
AS_OF = dt.date(2026, 11, 25)
# intake-fields.md, "The JSON report": the keys it lists, and each requirement's keys
CONTRACT = {"rulebook", "pathways", "scores", "flags", "leads", "warnings", "best_pathway"}
REQUIREMENT = ["id", "status", "text", "actual", "needed", "reference"]
PRO_BONO = "https://www.justice.gov/eoir/list-pro-bono-legal-service-providers"


def batch_row(tmp_path: Path, answers: dict[str, Any]) -> dict[str, Any]:
    """The one row `screener batch --format jsonl` writes for these answers."""
    words = {True: "yes", False: "no"}
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(answers))
    writer.writeheader()
    writer.writerow({key: words[value] if isinstance(value, bool) else value for key, value in answers.items()})
    source = tmp_path / "in.csv"
    source.write_text(buffer.getvalue())
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["batch", str(source), "-o", str(out), "--format", "jsonl",
                                      "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["type"] for row in rows] == ["header", "row"]
    return rows[1]


@pytest.mark.parametrize("name", ["honduran_in_us", "barista_working_year", "lawyer_with_dui"])
def test_the_default_answer_is_the_contracts_report_as_batch_writes_it(client: TestClient, book: Rulebook,
                                                                      tmp_path: Path, name: str) -> None:
    answers = person(name)
    data = client.post("/v1/screen", json=answers).json()
    assert set(data) >= CONTRACT
    assert set(data["pathways"]) == set(book.pathways)
    for pathway in data["pathways"].values():
        assert set(pathway) == {"outcome", "requirements", "next_steps"}
        assert pathway["requirements"], "every pathway has requirements"
        for requirement in pathway["requirements"]:
            assert list(requirement) == REQUIREMENT
            assert requirement["status"] in ("met", "failed", "unknown")
        assert all(isinstance(step, str) for step in pathway["next_steps"])
    row = batch_row(tmp_path, answers)
    for key in CONTRACT - {"rulebook"} | {"missing"}:
        assert data[key] == row[key], key
    assert data["rulebook"] == {"id": "canada", **row["rulebook"]}


def test_the_asylum_seeker_gets_the_safe_advice_in_the_default_answer(client: TestClient, book: Rulebook) -> None:
    """§13.21: the words a firm shows a person at risk are in the default answer, not only with ?details."""
    for language in ("en", "fr"):
        data = client.post(f"/v1/screen?lang={language}", json=person("honduran_in_us")).json()
        assert data["pathways"]["asylum_claim"]["outcome"] == "ineligible"
        lead = book.in_language(language).leads["us_asylum_help"]
        [safety] = data["safety"]
        assert safety["id"] == "us_asylum_help" and safety["title"] == lead.title
        assert " ".join(safety["text"].split()) == " ".join(lead.text.split())
        assert any(PRO_BONO in step for step in safety["next_steps"])
    outcomes = client.post("/v1/screen?outcomes_only=true", json=person("honduran_in_us")).json()
    assert outcomes["pathways"]["asylum_claim"] == {"outcome": "ineligible"} and "safety" not in outcomes


@pytest.mark.parametrize(("query", "schema"), [("", "Report"), ("?details=true", "FullReport"),
                                               ("?outcomes_only=true", "Outcomes")])
def test_the_openapi_200_schema_describes_each_answer(client: TestClient, query: str, schema: str) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/v1/screen"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    data = client.post(f"/v1/screen{query}", json=person("married_to_canadian")).json()
    jsonschema.validate(data, {**ok, "components": spec["components"]})  # exactly one of the three
    jsonschema.validate(data, {"$ref": f"#/components/schemas/{schema}", "components": spec["components"]})
    report = spec["components"]["schemas"]["Report"]
    assert report["properties"]["pathways"]["properties"]["asylum_claim"]["properties"]["requirements"]["items"][
        "required"] == REQUIREMENT
