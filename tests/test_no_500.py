"""A property: no generated input to the API, the admin's URLs or the CLI gets a 500 or a Python
traceback — only an answer in kind (2xx, 3xx or 4xx; problem+json under /api/; a Vietnamese line
and a non-zero exit code from the CLI)."""
from __future__ import annotations

import hypothesis
import hypothesis.strategies as st
import pytest

from tests.web import login, new_coordinator_token

SETTINGS = hypothesis.settings(max_examples=120, deadline=None, database=None, derandomize=True,
                               suppress_health_check=list(hypothesis.HealthCheck))

# Text with what breaks parsers: control characters, NUL, bidi overrides, huge numbers, odd dates.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "2147483648", "9223372036854775808", "9" * 30, "1e309", "NaN", "abc", "\x00", "a\x00b",
                     "\u202e", "0001-01-01", "9999-12-31T23:59:59-12:00", "2023-07-20T09:00", "2023-02-30", "[" * 500,
                     '{"1": "done"}', "null", "true", "=1+1", "../../etc/passwd", "%00", "‮"]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
query = st.dictionaries(st.sampled_from(["from", "to", "actor", "unit", "trigger", "state", "inspection", "limit", "offset",
                                         "kind", "unit_kind", "campaign", "overdue", "x"]), nasty_text, max_size=5)
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | nasty_text,
                           lambda children: st.lists(children, max_size=4) | st.dictionaries(nasty_text, children, max_size=4),
                           max_leaves=20)


@pytest.fixture
def token(app) -> str:
    return new_coordinator_token(app.extensions["database"], "tinh-chat@tuky.local")


def _answered_in_kind(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert "Traceback" not in response.get_data(as_text=True)


def test_no_generated_api_request_gets_a_500(app, token):
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"

    @SETTINGS
    @hypothesis.given(path=st.sampled_from(["/api/v1/audit", "/api/v1/inspections"]), args=query, case=nasty_text,
                      body=st.fixed_dictionaries({"trigger": nasty_text | st.sampled_from(["notify", "conclude", "reschedule", "report_remediation"]),
                                                  "data": st.dictionaries(st.sampled_from(["visit_date", "notice_date", "findings", "statuses", "comment", "file", "x"]),
                                                                          json_values, max_size=4),
                                                  "expected_version": st.none() | st.integers()}))
    def one(path, args, case, body):
        for response in (client.get(path, query_string=args), client.get(f"/api/v1/inspections/{case}"),
                         client.post("/api/v1/inspections/1/fire", json=body)):
            _answered_in_kind(response)
            assert response.mimetype in ("application/json", "application/problem+json")

    one()


def test_no_generated_admin_url_gets_a_500(app):
    client = app.test_client()
    login(client, "coordinator")

    @SETTINGS
    @hypothesis.given(value=nasty_text, page=st.sampled_from(["/admin/inspection/details/?id={}", "/admin/audit/?page={}",
                                                              "/admin/?as_of={}", "/admin/inspection/?search={}",
                                                              "/admin/audit/details/?id={}", "/admin/alert/?page={}",
                                                              "/admin/audit/?flt0_0={}", "/admin/alert/?flt0_0={}", "/admin/inspection/?flt1_1={}",
                                                              "/admin/audit/?flt0_0=2023-07-01+00:00:00+to+{}"]))
    def one(value, page):
        _answered_in_kind(client.get(page.format(value)))

    one()


def test_no_generated_cli_input_gets_a_traceback(app):
    runner = app.test_cli_runner()

    @hypothesis.settings(SETTINGS, max_examples=80)
    @hypothesis.given(case=st.sampled_from(["1", "2", "30"]) | nasty_text, trigger=st.sampled_from(["notify", "conclude", "report_remediation", "reschedule", "visit"]) | nasty_text,
                      at=st.sampled_from(["2023-07-20T09:00", "2023-08-01"]) | nasty_text, pairs=st.lists(st.tuples(st.sampled_from(["visit_date", "notice_date", "findings", "statuses", "comment", "x"]), nasty_text), max_size=3))
    def one(case, trigger, at, pairs):
        args = ["inspections", "fire", case, trigger, "--at", at, *[item for key, value in pairs for item in ("--set", f"{key}={value}")]]
        with app.app_context():
            result = runner.invoke(args=args)
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
        assert "Traceback" not in result.output

    one()
