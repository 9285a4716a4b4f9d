"""No patient data in logs: ids and counts only (issue 6 "Security")."""

from __future__ import annotations

import logging

from icope_server import app as app_module
from icope_server.codes import INS_TEST_NIR

from .bundles import visit_bundle


def test_access_log_has_ids_and_counts_but_no_query_string(server, caplog):
    nurse = server.new_practitioner()
    ins = "248034410907777"
    with caplog.at_level(logging.INFO, logger="icope_server"):
        assert nurse.post_bundle(visit_bundle(ins=ins)[0]).status_code == 200
        found = nurse.client.get("/Patient", params={"identifier": f"{INS_TEST_NIR}|{ins}"})
        assert found.json()["total"] == 1
    text = caplog.text
    assert "POST / 200" in text and "entries=12" in text
    assert "GET /Patient 200" in text and "results=1" in text
    assert ins not in text and "Martin" not in text and "identifier" not in text


def test_a_bug_answers_500_and_logs_no_message(server, caplog, monkeypatch):
    nurse = server.new_practitioner()

    secret = "".join(["Zébu", "lonne"])  # not a literal: traceback lines show source code

    def broken(body):
        raise KeyError(f"{secret} Martin 1948-03-12")

    monkeypatch.setattr(app_module, "plan_bundle", broken)
    with caplog.at_level(logging.INFO):
        response = nurse.post_bundle(visit_bundle()[0])
    assert response.status_code == 500
    assert response.json()["issue"][0]["details"]["coding"][0]["code"] == "server-error"
    assert "unexpected KeyError" in caplog.text
    assert secret not in caplog.text and secret not in response.text
