"""The OpenAPI document, the CapabilityStatement, and generated requests (no 5xx)
(issue 6: OpenAPI served and kept in docs/openapi.json; schemathesis over the spec)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import schemathesis
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from icope_server.cli import openapi_text
from icope_server.codes import PUSHABLE_TYPES

DOC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_docs_openapi_json_is_the_served_document(server):
    served = server.client().get("/openapi.json").json()
    assert served == json.loads(DOC.read_text(encoding="utf-8")), (
        "docs/openapi.json is stale: run `icope-server openapi --out docs/openapi.json`"
    )
    assert DOC.read_text(encoding="utf-8") == openapi_text()


def test_capability_statement_is_valid_r4_and_lists_what_we_accept(server):
    statement = server.client().get("/metadata").json()
    CapabilityStatement.model_validate(statement)
    rest = statement["rest"][0]
    types = {r["type"]: r for r in rest["resource"]}
    assert set(types) == {*PUSHABLE_TYPES, "Task"}
    assert {"code": "transaction"} in rest["interaction"]
    assert types["Communication"]["conditionalUpdate"] is False
    assert {i["code"] for i in types["Task"]["interaction"]} == {"read", "search-type", "update"}


def test_health_endpoint_checks_the_database(server):
    response = server.client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["issue"][0]["severity"] == "information"


def test_no_generated_request_causes_a_server_error(server):
    """schemathesis strategies for every operation, valid and invalid inputs (its pytest
    plugin does not run under pytest 9, so the Hypothesis tests are driven here)."""
    token = server.new_practitioner(("44",)).token
    schema = schemathesis.openapi.from_dict(json.loads(DOC.read_text(encoding="utf-8")))
    seen: dict[str, set[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        strategies = [(GenerationMode.POSITIVE, s)
                      for s in schema.get_strategies_from_examples(operation)]
        strategies += [(mode, operation.as_strategy(generation_mode=mode))
                       for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
        for mode, strategy in strategies:

            @given(case=strategy)
            @settings(max_examples=10, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            def call(case) -> None:
                headers = {"Authorization": f"Bearer {token}"}
                if case.method == "POST":  # go past the key check into Bundle processing
                    headers["Idempotency-Key"] = str(uuid.uuid4())
                response = case.call(base_url=server.url, headers=headers)
                label = f"{case.method} {case.path}"
                assert response.status_code < 500, (label, response.text[:500])
                if response.status_code >= 400:
                    assert response.json()["resourceType"] == "OperationOutcome", label
                seen.setdefault(label, set()).add(response.status_code)

            try:
                call()
            except Unsatisfiable:
                # no invalid input exists for an operation without parameters (GET /metadata)
                assert mode is GenerationMode.NEGATIVE
    assert len(seen) == 6, seen
    assert 200 in seen["GET /{resource_type}"]
    assert 200 in seen["POST /"]  # the documented example Bundle is accepted
