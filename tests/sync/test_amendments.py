"""A corrected visit (store `amend_visit`) reaches the server as a new Encounter that
`replaces` the first version (protocol §7.2): the server records the chain, its
evaluation export shows the latest version only, and its billing export has each act of
the visit once (the store bills amendments against the original; the server agrees)."""

from __future__ import annotations

import csv
import io
from datetime import date

from server.conftest import TEST_KEY
from sqlalchemy import select

from icope_desktop.store.billing import ACT_STEP1, ACT_STEP2
from icope_desktop.sync.identifiers import urn
from icope_server.billing import batch_lines, export_pending, render_csv
from icope_server.evaluation import render_evaluation_csv
from icope_server.models import EncounterVersion, StoredResource
from icope_server.pseudonyms import pseudonym
from sync.workload import PHQ9, add_patient, amended_visit, finalized_visit


def evaluation_rows(live, rpps: str) -> list[dict[str, str]]:
    text = render_evaluation_csv(live.db, TEST_KEY)
    mine = pseudonym(TEST_KEY, "practitioner", rpps)
    return [r for r in csv.DictReader(io.StringIO(text), delimiter=";")
            if r["practitioner_pseudonym"] == mine]


def billed(live, rpps: str) -> list[tuple[str, str]]:
    batch = export_pending(live.db)
    if batch is None:
        return []
    text = render_csv(batch_lines(live.db, batch, TEST_KEY))
    return sorted((r["act_code"], r["act_id"])
                  for r in csv.DictReader(io.StringIO(text), delimiter=";")
                  if r["practitioner_rpps"] == rpps)


def server_id(live, visit_id) -> str:
    with live.db.read() as session:
        return session.scalars(select(StoredResource.id).where(
            StoredResource.resource_type == "Encounter",
            StoredResource.business_id == urn(visit_id))).one()


def test_a_correction_replaces_the_synced_visit(desk, live):
    practice = desk.practice
    original = finalized_visit(practice, add_patient(practice, 1), date(2025, 3, 3))
    lines = {line.act_code: line.id for line in desk.store.billing.lines_for_source(original)}
    assert desk.sync.sync_now().error is None
    assert evaluation_rows(live, desk.account.rpps)[0]["phq9_total"] == "8"

    corrected = amended_visit(practice, original, {"phq9": {"Q1": 3}})
    assert desk.store.billing.lines_for_source(corrected) == []  # billed against v1
    report = desk.sync.sync_now()

    assert report.error is None and report.rejected == 0
    with live.db.read() as session:
        link = session.get(EncounterVersion, server_id(live, corrected))
    assert (link.replaces_id, link.root_id, link.version) == (
        server_id(live, original), server_id(live, original), 2)
    [row] = evaluation_rows(live, desk.account.rpps)
    assert (row["visit_version"], row["phq9_total"]) == ("2", "10")
    assert billed(live, desk.account.rpps) == sorted(
        [("step1", urn(lines[ACT_STEP1])), ("step2", urn(lines[ACT_STEP2]))])
    assert desk.sync.sync_now().sent == 0
    assert billed(live, desk.account.rpps) == []


def test_a_correction_made_offline_adds_its_step2_once(desk, live):
    """Both versions go in one sync; the correction adds a PHQ-9: the Step 2 act is the
    first version's (context = the original Encounter), billed once."""
    practice = desk.practice
    original = finalized_visit(practice, add_patient(practice, 2), date(2025, 3, 4),
                               with_phq9=False)
    corrected = amended_visit(practice, original, {"phq9": PHQ9})
    lines = desk.store.billing.lines_for_source(original)
    assert sorted(line.act_code for line in lines) == [ACT_STEP1, ACT_STEP2]

    assert desk.sync.sync_now().error is None

    [row] = evaluation_rows(live, desk.account.rpps)
    assert (row["visit_version"], row["phq9_total"]) == ("2", "8")
    assert billed(live, desk.account.rpps) == sorted(
        (code, urn(line.id)) for code, line in
        (("step1" if line.act_code == ACT_STEP1 else "step2", line) for line in lines))
    with live.db.read() as session:
        assert session.get(EncounterVersion, server_id(live, corrected)).version == 2
