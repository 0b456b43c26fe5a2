"""Schemathesis over the OpenAPI document, with a fixed seed and a bounded number of examples,
requests that fit the document and requests that do not: no generated request may get a 5xx,
every answer must match the document (status code, content type, headers, body), and a request
the document rules out (too long, not one of the choices, not a number) must be refused. Then
every path answers a method it does not offer with 405 naming those it does. The tally of what
was sent is written to tests/artifacts/."""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from api.openapi import document
from tests.web import new_coordinator_token

EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "50"))
SEED = 20261202
ARTIFACTS = Path(__file__).parent / "artifacts"
TALLY: Counter = Counter()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, negative_data_rejection]


@pytest.fixture
def coordinator_token(app) -> str:
    return new_coordinator_token(app.extensions["database"], "fuzz@tuky.local")


@pytest.fixture(scope="module", autouse=True)
def write_tally():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.json").write_text(json.dumps({"requests": sum(TALLY.values()), "by_status": dict(sorted(TALLY.items())),
                                                             "server_errors": sum(n for s, n in TALLY.items() if s >= 500)}, indent=1))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_server_error_or_leaves_the_document(app, coordinator_token, mode):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9  # the document itself is not an operation to fuzz
    for operation in operations:

        @hypothesis.seed(SEED)
        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        def one_request(case):
            response = case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_token}"}, checks=CHECKS)
            TALLY[response.status_code] += 1

        one_request()


def test_a_method_a_path_does_not_offer_is_405_naming_those_it_does(app, coordinator_token):
    client = app.test_client()
    for path, operations in document()["paths"].items():
        offered = {method.upper() for method in operations}
        url = "/api/v1" + path.replace("{inspection_id}", "1").replace("{file_id}", "1")
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - offered:
            response = client.open(url, method=method, headers={"Authorization": f"Bearer {coordinator_token}"})
            assert response.status_code == 405 and response.mimetype == "application/problem+json", (method, path)
            allowed = set(response.headers["Allow"].split(", "))
            assert offered <= allowed <= offered | {"HEAD", "OPTIONS"}, (method, path, allowed)


def test_a_url_too_long_is_414_in_kind(app, coordinator_token):
    response = app.test_client().get("/api/v1/inspections", query_string={"search": "x" * 5000},
                                     headers={"Authorization": f"Bearer {coordinator_token}"})
    assert response.status_code == 414 and response.mimetype == "application/problem+json"
    assert "414" in document()["paths"]["/inspections"]["get"]["responses"]


@pytest.mark.parametrize("query", [{"campaign": "c" * 201}, {"unit_kind": "nowhere"}, {"overdue": "perhaps"}, {"limit": ""}])
def test_query_parameters_are_held_to_the_document(app, coordinator_token, query):
    response = app.test_client().get("/api/v1/inspections", query_string=query, headers={"Authorization": f"Bearer {coordinator_token}"})
    assert response.status_code == 422 and response.json["errors"][0]["field"] == next(iter(query))
