"""Billing lines and the Article 51 export: exact lines, each act once, ever
(issue 6 "Billing"; DESIGN.md "Billing"; docs/SERVER.md)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import threading

from sqlalchemy import select

from icope_server.billing import batch_lines, batches, export_pending, render_csv, summary
from icope_server.codes import BUSINESS_ID_SYSTEM, INS_TEST_NIR
from icope_server.models import BillingLine

from .bundles import (
    charge_item,
    create,
    new_urn,
    patient,
    transaction,
    upsert,
    visit_bundle,
)
from .conftest import TEST_KEY


def expected_pseudonym(kind: str, value: str) -> str:
    return hmac.new(TEST_KEY, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()[:32]


def export_rows(server, rpps: str) -> list[dict[str, str]]:
    batch = export_pending(server.db)
    if batch is None:
        return []
    text = render_csv(batch_lines(server.db, batch, server.settings.pseudonym_key))
    return [row for row in csv.DictReader(io.StringIO(text), delimiter=";")
            if row["practitioner_rpps"] == rpps]


def test_export_has_exactly_the_known_acts(server):
    nurse = server.new_practitioner(name="Claire Moreau")
    ins = "248034410901234"
    step1, urns1 = visit_bundle(ins=ins, day="2025-03-04")
    step1_other, urns2 = visit_bundle(day="2025-03-05")
    p = urns1["patient"]
    step2_urn = new_urn()
    step2 = charge_item(step2_urn, f"Patient?identifier={BUSINESS_ID_SYSTEM}|{p}",
                        code="step2", label="Évaluation approfondie (Step 2)", day="2025-03-11",
                        amount=45.5)
    for bundle in (step1, step1_other, transaction(create(step2, step2_urn))):
        assert nurse.post_bundle(bundle).status_code == 200
    rows = export_rows(server, nurse.rpps)
    assert [{k: v for k, v in row.items() if k not in ("line_id", "batch_id")} for row in rows] == [
        {"act_id": urns1["charge"], "act_code": "step1", "act_label": "Repérage ICOPE (Step 1)",
         "act_date": "2025-03-04", "practitioner_rpps": nurse.rpps,
         "practitioner_name": "Claire Moreau",
         "patient_pseudonym": expected_pseudonym("ins", f"{INS_TEST_NIR}|{ins}"),
         "amount_eur": "25.00", "price_status": "priced"},
        # the second patient has no INS: his pseudonym comes from RPPS + business identifier
        {"act_id": urns2["charge"], "act_code": "step1", "act_label": "Repérage ICOPE (Step 1)",
         "act_date": "2025-03-05", "practitioner_rpps": nurse.rpps,
         "practitioner_name": "Claire Moreau",
         "patient_pseudonym": expected_pseudonym("patient", f"{nurse.rpps}|{urns2['patient']}"),
         "amount_eur": "25.00", "price_status": "priced"},
        {"act_id": step2_urn, "act_code": "step2",
         "act_label": "Évaluation approfondie (Step 2)", "act_date": "2025-03-11",
         "practitioner_rpps": nurse.rpps, "practitioner_name": "Claire Moreau",
         "patient_pseudonym": expected_pseudonym("ins", f"{INS_TEST_NIR}|{ins}"),
         "amount_eur": "45.50", "price_status": "priced"},
    ]
    assert len({row["batch_id"] for row in rows}) == 1
    for row in rows:  # no patient data in the file
        assert ins not in row.values() and "Martin" not in row.values()


def test_an_act_is_never_exported_twice(server):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle()
    nurse.post_bundle(bundle)
    first = export_rows(server, nurse.rpps)
    assert [row["act_id"] for row in first] == [urns["charge"]]
    nurse.post_bundle(bundle)  # a retry after the export
    nurse.post_bundle(bundle, key="another-key")
    assert export_rows(server, nurse.rpps) == []
    later, later_urns = visit_bundle(day="2025-04-02")
    nurse.post_bundle(later)
    assert [row["act_id"] for row in export_rows(server, nurse.rpps)] == [later_urns["charge"]]


def test_a_second_charge_item_for_the_same_act_is_kept_out_of_the_export(server):
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle()
    nurse.post_bundle(bundle)
    twin = new_urn()  # same act sent from a second device, with its own identifier
    same = charge_item(twin, f"Patient?identifier={BUSINESS_ID_SYSTEM}|{urns['patient']}")
    assert nurse.post_bundle(transaction(create(same, twin))).status_code == 200
    assert [row["act_id"] for row in export_rows(server, nurse.rpps)] == [urns["charge"]]
    with server.db.read() as session:
        statuses = {line.act_id: line.status for line in session.scalars(
            select(BillingLine).where(BillingLine.act_id.in_([urns["charge"], twin])))}
    assert statuses == {urns["charge"]: "exported", twin: "duplicate"}


def test_a_withdrawn_charge_item_is_not_exported(server):
    nurse = server.new_practitioner()
    p, c = new_urn(), new_urn()
    item = charge_item(c, p)
    nurse.post_bundle(transaction(upsert(patient(p), p), upsert(item, c)))
    withdrawn = {**item, "status": "entered-in-error",
                 "subject": {"reference": f"Patient?identifier={BUSINESS_ID_SYSTEM}|{p}"}}
    assert nurse.post_bundle(transaction(upsert(withdrawn, c))).status_code == 200
    assert export_rows(server, nurse.rpps) == []


def test_billing_content_is_required(server):
    nurse = server.new_practitioner()
    p, c = new_urn(), new_urn()
    item = charge_item(c, p)
    item["priceOverride"] = {"value": 25.001, "currency": "USD"}
    item["occurrenceDateTime"] = "2025-03"
    response = nurse.post_bundle(transaction(upsert(patient(p), p), create(item, c)))
    assert response.status_code == 422
    expressions = sorted(i["expression"][0] for i in response.json()["issue"])
    assert expressions == ["Bundle.entry[1].resource.occurrenceDateTime",
                           "Bundle.entry[1].resource.priceOverride"]
    assert server.count("Patient", nurse.rpps) == 0


def test_an_act_without_an_amount_is_exported_to_be_priced(server):
    """Protocol §7.4: the act is the billable fact; with no `priceOverride` the export
    leaves the amount empty (never 0.00) and says "to_be_priced"."""
    nurse = server.new_practitioner()
    bundle, urns = visit_bundle(day="2025-06-03")
    p = f"Patient?identifier={BUSINESS_ID_SYSTEM}|{urns['patient']}"
    for entry in bundle["entry"]:
        entry["resource"].pop("priceOverride", None)  # the visit's Step 1 act, unpriced
    priced, unpriced_step2 = new_urn(), new_urn()
    extra = transaction(
        create(charge_item(priced, p, code="home-visit", label="Visite", day="2025-06-03",
                           amount=15.0), priced),
        create(charge_item(unpriced_step2, p, code="step2", label="Step 2", day="2025-06-10",
                           amount=None), unpriced_step2),
    )
    assert nurse.post_bundle(bundle).status_code == 200
    assert nurse.post_bundle(extra).status_code == 200
    assert nurse.post_bundle(extra).status_code == 200  # a retry bills nothing more
    with server.db.read() as session:
        amounts = {line.act_id: line.amount_cents for line in session.scalars(
            select(BillingLine).where(BillingLine.act_id.in_(
                [urns["charge"], priced, unpriced_step2])))}
    assert amounts == {urns["charge"]: None, priced: 1500, unpriced_step2: None}
    pending = [row for row in summary(server.db) if row.rpps == nurse.rpps]
    assert [(r.period, r.status, r.acts, r.unpriced, r.amount_cents) for r in pending] == [
        ("2025-06", "pending", 3, 2, 1500)
    ]
    batch = export_pending(server.db)
    assert batch is not None
    text = render_csv(batch_lines(server.db, batch, TEST_KEY))
    rows = [row for row in csv.DictReader(io.StringIO(text), delimiter=";")
            if row["practitioner_rpps"] == nurse.rpps]
    assert [(r["act_id"], r["act_code"], r["amount_eur"], r["price_status"]) for r in rows] == [
        (urns["charge"], "step1", "", "to_be_priced"),
        (priced, "home-visit", "15.00", "priced"),
        (unpriced_step2, "step2", "", "to_be_priced"),
    ]
    info = next(b for b in batches(server.db) if b.batch_id == batch)
    mine = batch_lines(server.db, batch, TEST_KEY)
    assert info.line_count == len(mine)
    assert info.unpriced_count == sum(1 for line in mine if line.amount_cents is None)
    assert info.total_cents == sum(line.amount_cents or 0 for line in mine)


def test_a_price_given_before_the_export_is_kept(server):
    nurse = server.new_practitioner()
    p, c = new_urn(), new_urn()
    item = charge_item(c, p, amount=None, day="2025-07-01")
    nurse.post_bundle(transaction(upsert(patient(p), p), upsert(item, c)))
    priced = {**item, "priceOverride": {"value": 30.0, "currency": "EUR"},
              "subject": {"reference": f"Patient?identifier={BUSINESS_ID_SYSTEM}|{p}"}}
    assert nurse.post_bundle(transaction(upsert(priced, c))).status_code == 200
    rows = export_rows(server, nurse.rpps)
    assert [(r["amount_eur"], r["price_status"]) for r in rows] == [("30.00", "priced")]


def test_concurrent_exports_share_no_line(server):
    nurse = server.new_practitioner()
    charges = []
    for day in range(1, 9):
        bundle, urns = visit_bundle(day=f"2025-05-{day:02d}")
        nurse.post_bundle(bundle)
        charges.append(urns["charge"])
    batches: list[int | None] = [None, None, None]

    def run(i: int) -> None:
        batches[i] = export_pending(server.db)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    exported = []
    for batch in filter(None, batches):
        exported += [line.act_id for line in batch_lines(server.db, batch, TEST_KEY)
                     if line.practitioner_rpps == nurse.rpps]
    assert sorted(exported) == sorted(charges)


def test_a_lost_file_is_written_again_from_its_batch(server):
    nurse = server.new_practitioner()
    nurse.post_bundle(visit_bundle()[0])
    batch = export_pending(server.db)
    assert batch is not None
    first = render_csv(batch_lines(server.db, batch, TEST_KEY))
    assert render_csv(batch_lines(server.db, batch, TEST_KEY)) == first
    totals = [row for row in summary(server.db) if row.rpps == nurse.rpps]
    assert [(row.period, row.status, row.acts, row.unpriced, row.amount_cents)
            for row in totals] == [("2025-03", "exported", 1, 0, 2500)]


def test_billing_and_evaluation_pseudonyms_cannot_be_joined(server):
    """The billing file names the practitioner; sharing its patient pseudonyms with the
    evaluation file would put names back next to evaluation rows."""
    from icope_server.evaluation import render_evaluation_csv

    nurse = server.new_practitioner()
    bundle, _urns = visit_bundle(ins="248034410901299", day="2025-03-04", postcode="49300")
    assert nurse.post_bundle(bundle).status_code == 200
    billing = {row["patient_pseudonym"] for row in export_rows(server, nurse.rpps)}
    evaluation = render_evaluation_csv(server.db, server.settings.pseudonym_key)
    rows = [r for r in csv.DictReader(io.StringIO(evaluation), delimiter=";")
            if r["departement"] == "49"]
    assert len(billing) == 1 and len(rows) == 1
    assert billing.isdisjoint(row["patient_pseudonym"] for row in rows)
