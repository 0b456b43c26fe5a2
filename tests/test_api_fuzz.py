"""Schemathesis over the OpenAPI document, with a fixed seed and a bounded number of examples:
no generated request may get a 5xx, and every answer must match the document (status code,
content type, body). The tally of what was sent is written to tests/artifacts/."""
from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from tests.web import new_coordinator_token

EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "50"))
SEED = 20261202
ARTIFACTS = Path(__file__).parent / "artifacts"
TALLY: Counter = Counter()


@pytest.fixture
def coordinator_token(app) -> str:
    return new_coordinator_token(app.extensions["database"], "fuzz@tuky.local")


@pytest.fixture(scope="module", autouse=True)
def write_tally():
    yield
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "schemathesis.json").write_text(json.dumps({"requests": sum(TALLY.values()), "by_status": dict(sorted(TALLY.items())),
                                                             "server_errors": sum(n for s, n in TALLY.items() if s >= 500)}, indent=1))


def test_no_generated_request_gets_a_server_error_or_leaves_the_document(app, coordinator_token):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5  # the document itself is not an operation to fuzz
    for operation in operations:

        @hypothesis.seed(SEED)
        @hypothesis.settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
        @hypothesis.given(case=operation.as_strategy())
        def one_request(case):
            response = case.call_and_validate(headers={"Authorization": f"Bearer {coordinator_token}"}, checks=checks)
            TALLY[response.status_code] += 1

        one_request()
