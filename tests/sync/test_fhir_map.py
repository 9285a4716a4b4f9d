"""Every Bundle the push builds is valid FHIR R4, codes follow the clinical spec §8, and a
record always maps to the same bytes (hence the same Idempotency-Key)."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from fhir.resources.R4B.bundle import Bundle
from letters.samples import MMSE_FULL, MNA_SF_AT_RISK, PHQ9_URGENT, SPPB_MODERATE

from icope_desktop.screening import LOINC_NOTICE, NotAssessable, answers_to_json, get_instrument
from icope_desktop.store.records import InsStatus
from icope_desktop.sync.bundles import canonical_bytes, idempotency_key, transaction
from icope_desktop.sync.identifiers import INS_NIR, INS_TEST_NIR, LOINC
from icope_desktop.sync.push import Pusher, PushReport
from sync.conftest import make_desk
from sync.workload import PDF, add_patient, finalized_visit

SPEC_LOINC = {
    "44249-1", "44261-6", "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2",
    "44252-5", "44253-3", "44260-8", "69722-7", "LA6568-5", "LA6569-3", "LA6570-1",
    "LA6571-9", "72106-8", "72107-6", "107107-5", "107114-1", "39156-5", "62825-5",
    "66249-4", "66253-6", "66255-1",
}  # fmt: skip
"""Clinical spec §8: the only LOINC codes the sync may send."""


def codings(value):
    if isinstance(value, dict):
        if "system" in value and "code" in value:
            yield value
        for item in value.values():
            yield from codings(item)
    elif isinstance(value, list):
        for item in value:
            yield from codings(item)


@pytest.fixture(scope="module")
def mapped(tmp_path_factory, store_template, tariff_table, live):
    desk = make_desk(tmp_path_factory.mktemp("map"), store_template, tariff_table, live)
    practice = desk.practice
    plain = add_patient(practice, 1)
    qualified = add_patient(practice, 2, ins=True)
    step1 = finalized_visit(practice, plain, date(2025, 3, 3))
    phq9 = dict(PHQ9_URGENT)
    phq9["Q3"] = answers_to_json({"Q3": NotAssessable("refused")})["Q3"]
    step2 = finalized_visit(
        practice, qualified, date(2025, 3, 4),
        answers={"mmse": MMSE_FULL, "phq9": phq9, "sppb": SPPB_MODERATE,
                 "mna_sf": MNA_SF_AT_RISK},
    )
    desk.store.letters.save_letter(step1, "gp_letter", "fr", PDF)
    pusher = Pusher(desk.store.repos, None, tariffs=desk.tariffs)  # type: ignore[arg-type]
    units = [pusher._unit(item, PushReport()) for item in desk.store.outbox.pending(100)]
    yield desk, units, {"plain": plain, "qualified": qualified, "step1": step1, "step2": step2}
    desk.store.close()


def test_every_bundle_parses_as_fhir_r4(mapped):
    _desk, units, _ids = mapped
    body = transaction([entry for unit in units for entry in unit.entries])
    parsed = Bundle.model_validate(body)
    assert parsed.type == "transaction"
    assert len(parsed.entry) == sum(len(u.entries) for u in units) > 40
    full_urls = {e["fullUrl"] for e in body["entry"]}
    for entry in body["entry"]:
        for key, value in _references(entry["resource"]):
            assert value in full_urls or "?identifier=" in value, (key, value)


def _references(value, path=""):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference":
                yield path, item
            yield from _references(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from _references(item, path)


def test_loinc_only_from_the_spec_and_with_the_notice(mapped):
    _desk, units, _ids = mapped
    resources = [e.resource for u in units for e in u.entries]
    loinc = {c["code"] for r in resources for c in codings(r) if c["system"] == LOINC}
    assert loinc and loinc <= SPEC_LOINC
    assert {"44261-6", "72106-8", "107114-1", "66253-6"} <= loinc
    for resource in resources:
        if resource["resourceType"] == "Observation" and any(
            c["system"] == LOINC for c in codings(resource["code"])
        ):
            assert resource["note"] == [{"text": LOINC_NOTICE.en}]
    sppb_total = [r for r in resources if any(c["code"] == "sppb-total"
                                              for c in codings(r.get("code", {})))]
    assert sppb_total[0]["code"]["coding"][0]["system"].startswith("https://icope.example/")


def test_questionnaire_items_are_the_instrument_item_ids(mapped):
    _desk, units, ids = mapped
    checked_refusal = False
    for unit in units:
        for entry in unit.entries:
            resource = entry.resource
            if resource["resourceType"] != "QuestionnaireResponse":
                continue
            instrument = get_instrument(resource["questionnaire"].rsplit("/", 1)[1])
            link_ids = {item["linkId"] for item in resource["item"]}
            assert link_ids <= set(instrument.item_ids)
            if instrument.id == "phq9" and str(ids["step2"]) in resource["encounter"]["reference"]:
                q3 = next(i for i in resource["item"] if i["linkId"] == "Q3")
                assert q3["extension"][0]["valueCode"] == "refused"
                assert "answer" not in q3
                checked_refusal = True
    assert checked_refusal


def test_ins_only_for_a_qualified_identity(mapped):
    desk, units, ids = mapped
    patients = {str(u.item.entity_id): u.entries[0].resource for u in units
                if u.item.entity.value == "patient"}
    qualified = patients[str(ids["qualified"])]
    assert desk.store.patients.get_patient(ids["qualified"]).identity.ins_status is (
        InsStatus.QUALIFIED)
    systems = [i["system"] for i in qualified["identifier"]]
    assert INS_NIR in systems and INS_TEST_NIR not in systems
    assert [i["system"] for i in patients[str(ids["plain"])]["identifier"]] == [
        "urn:ietf:rfc:3986"]


def test_the_letter_travels_as_pdf_with_a_communication_to_the_gp(mapped):
    _desk, units, _ids = mapped
    [letter] = [u for u in units if u.item.entity.value == "letter"]
    document, communication = (e.resource for e in letter.entries)
    assert base64.b64decode(document["content"][0]["attachment"]["data"]) == PDF
    assert communication["category"][0]["coding"][0]["code"] == "gp-letter"
    assert communication["recipient"][0]["reference"].startswith("Practitioner?identifier=")


def test_a_record_always_maps_to_the_same_bytes_and_key(mapped):
    desk, units, _ids = mapped
    pusher = Pusher(desk.store.repos, None, tariffs=desk.tariffs)  # type: ignore[arg-type]
    again = [pusher._unit(item, PushReport()) for item in desk.store.outbox.pending(100)]
    first = canonical_bytes(transaction([e for u in units for e in u.entries]))
    second = canonical_bytes(transaction([e for u in again for e in u.entries]))
    assert first == second
    rows = [(u.item.key, u.item.revision) for u in units]
    again_rows = [(u.item.key, u.item.revision) for u in again]
    assert idempotency_key(first, rows) == idempotency_key(second, again_rows)
    other = canonical_bytes(transaction([e for u in again[:-1] for e in u.entries]))
    assert idempotency_key(other, again_rows[:-1]) != idempotency_key(first, rows)


def test_the_real_server_accepts_every_resource(mapped, live):
    desk, units, _ids = mapped
    report = desk.sync.sync_now()
    assert (report.error, report.rejected) == (None, 0)
    assert report.sent == len(units)
    assert live.count("Observation", desk.account.rpps) == sum(
        1 for u in units for e in u.entries if e.resource_type == "Observation")
