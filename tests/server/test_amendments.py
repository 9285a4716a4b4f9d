"""Amended visits (protocol §7.2): a correction is a new Encounter with the `replaces`
extension; the server records the chain, the evaluation export shows the latest version
only, and billing never counts an act of the same visit twice."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from icope_server.billing import batch_lines, export_pending, render_csv
from icope_server.codes import BUSINESS_ID_SYSTEM, ICOPE_CS, REPLACES_EXTENSION
from icope_server.evaluation import render_evaluation_csv
from icope_server.models import Account, BillingLine, EncounterVersion
from icope_server.pseudonyms import pseudonym

from .bundles import charge_item, create, encounter, new_urn, observation, transaction, visit_bundle
from .conftest import TEST_KEY


def ref(resource_type: str, urn: str) -> str:
    return f"{resource_type}?identifier={BUSINESS_ID_SYSTEM}|{urn}"


def amendment(urn: str, patient_urn: str, replaces: str, *, day: str = "2025-03-04",
              count: int | None = None, charge: str | None = None) -> dict:
    """A corrected version: its Encounter (replacing `replaces`, a reference), the
    corrected altered count and optionally a ChargeItem of the new version."""
    p = ref("Patient", patient_urn)
    resource = encounter(urn, p, day)
    resource["extension"] = [{"url": REPLACES_EXTENSION, "valueReference": {"reference": replaces}}]
    entries = [create(resource, urn)]
    if count is not None:
        obs = new_urn()
        entries.append(create(observation(obs, p, urn, ICOPE_CS, "step1-altered-count",
                                          valueInteger=count), obs))
    if charge is not None:
        entries.append(create(charge_item(charge, p, urn, day=day), charge))
    return transaction(*entries)


def my_rows(server, rpps: str) -> list[dict[str, str]]:
    text = render_evaluation_csv(server.db, TEST_KEY)
    mine = pseudonym(TEST_KEY, "practitioner", rpps)
    return [r for r in csv.DictReader(io.StringIO(text), delimiter=";")
            if r["practitioner_pseudonym"] == mine]


def test_the_latest_version_is_exported_once_and_billed_once(server):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle(day="2025-03-04")
    assert nurse.post_bundle(bundle).status_code == 200
    [original] = my_rows(server, nurse.rpps)
    v2, v3 = new_urn(), new_urn()
    second_charge = new_urn()  # a client that billed the correction again, on another day
    assert nurse.post_bundle(amendment(v2, urns["patient"], ref("Encounter", urns["encounter"]),
                                       count=4, day="2025-03-05",
                                       charge=second_charge)).status_code == 200
    assert nurse.post_bundle(amendment(v3, urns["patient"], ref("Encounter", v2),
                                       count=5)).status_code == 200

    with server.db.read() as session:
        links = {link.version: link for link in session.scalars(
            select(EncounterVersion).where(EncounterVersion.account_id == nurse_account(
                server, nurse.rpps)))}
    assert sorted(links) == [2, 3]
    assert links[3].replaces_id == links[2].encounter_id
    assert links[2].root_id == links[3].root_id == links[2].replaces_id
    stored = nurse.client.get(f"/Encounter/{links[3].encounter_id}").json()
    assert stored["extension"] == [{"url": REPLACES_EXTENSION, "valueReference": {
        "reference": f"Encounter/{links[2].encounter_id}"}}]

    [latest] = my_rows(server, nurse.rpps)
    assert (latest["visit_version"], latest["step1_altered_count"]) == ("3", "5")
    assert latest["visit_pseudonym"] == original["visit_pseudonym"]
    assert original["visit_version"] == "1"

    with server.db.read() as session:
        statuses = {line.act_id: line.status for line in session.scalars(
            select(BillingLine).where(BillingLine.act_id.in_([urns["charge"], second_charge])))}
    assert statuses == {urns["charge"]: "pending", second_charge: "duplicate"}
    batch = export_pending(server.db)
    text = render_csv(batch_lines(server.db, batch, TEST_KEY))
    exported = [r["act_id"] for r in csv.DictReader(io.StringIO(text), delimiter=";")
                if r["practitioner_rpps"] == nurse.rpps]
    assert exported == [urns["charge"]]


def test_a_version_and_its_correction_may_travel_together(server):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle(day="2025-04-01", postcode="53000")
    v2 = new_urn()
    together = amendment(v2, urns["patient"], urns["encounter"], count=1)  # urn:uuid reference
    bundle["entry"] = together["entry"] + bundle["entry"]  # even before what it replaces
    assert nurse.post_bundle(bundle).status_code == 200
    [row] = my_rows(server, nurse.rpps)
    assert (row["visit_version"], row["step1_altered_count"]) == ("2", "1")


def test_a_replacement_must_be_a_single_chain(server):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle(day="2025-05-02")
    nurse.post_bundle(bundle)
    first = ref("Encounter", urns["encounter"])
    assert nurse.post_bundle(amendment(new_urn(), urns["patient"], first)).status_code == 200
    twice = nurse.post_bundle(amendment(new_urn(), urns["patient"], first))
    assert twice.status_code == 422
    assert twice.json()["issue"][0]["expression"] == ["Bundle.entry[0].resource.extension"]
    not_a_visit = nurse.post_bundle(amendment(new_urn(), urns["patient"],
                                              ref("Patient", urns["patient"])))
    assert not_a_visit.status_code == 422
    unknown = nurse.post_bundle(amendment(new_urn(), urns["patient"],
                                          ref("Encounter", new_urn())))
    assert unknown.status_code == 422
    assert unknown.json()["issue"][0]["details"]["coding"][0]["code"] == "reference-not-found"
    assert len(my_rows(server, nurse.rpps)) == 1


def nurse_account(server, rpps: str) -> int:
    with server.db.read() as session:
        return session.scalars(select(Account.id).where(Account.rpps == rpps)).one()
