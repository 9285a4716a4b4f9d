"""Builders of the FHIR payloads the desktop sends (docs/SYNC_PROTOCOL.md §4.6, §7)."""

from __future__ import annotations

import base64
import uuid
from typing import Any

from icope_server.codes import BUSINESS_ID_SYSTEM, DOMAINS, ICOPE_CS, INS_TEST_NIR, LOINC

# A tiny but well-formed PDF: what the letter relay carries is opaque bytes to the server.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0"
    b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def new_urn() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def business_id(urn: str) -> list[dict[str, str]]:
    return [{"system": BUSINESS_ID_SYSTEM, "value": urn}]


def create(resource: dict[str, Any], urn: str) -> dict[str, Any]:
    return {
        "fullUrl": urn,
        "resource": resource,
        "request": {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": f"identifier={BUSINESS_ID_SYSTEM}|{urn}",
        },
    }


def upsert(resource: dict[str, Any], urn: str) -> dict[str, Any]:
    return {
        "fullUrl": urn,
        "resource": resource,
        "request": {
            "method": "PUT",
            "url": f"{resource['resourceType']}?identifier={BUSINESS_ID_SYSTEM}|{urn}",
        },
    }


def transaction(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "type": "transaction", "entry": list(entries)}


def patient(
    urn: str,
    *,
    family: str = "Martin",
    given: str = "Jeanne",
    birth_date: str = "1948-03-12",
    gender: str = "female",
    postcode: str = "44300",
    ins: str | None = None,
    gp: str | None = None,
) -> dict[str, Any]:
    identifiers = business_id(urn)
    if ins:
        identifiers.append({"system": INS_TEST_NIR, "value": ins})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": identifiers,
        "name": [{"family": family, "given": [given]}],
        "gender": gender,
        "birthDate": birth_date,
        "address": [{"line": ["12 rue des Lilas"], "postalCode": postcode, "city": "Nantes"}],
    }
    if gp:
        resource["generalPractitioner"] = [{"reference": gp}]
    return resource


def gp(urn: str, email: str = "paul.durand@medecin.mssante.fr") -> dict[str, Any]:
    return {
        "resourceType": "Practitioner",
        "identifier": [*business_id(urn), {"system": "https://rpps.esante.gouv.fr",
                                           "value": "10003456789"}],
        "name": [{"family": "Durand", "given": ["Paul"], "prefix": ["Dr"]}],
        "telecom": [{"system": "email", "value": email}],
    }


def encounter(urn: str, patient_ref: str, day: str = "2025-03-04") -> dict[str, Any]:
    return {
        "resourceType": "Encounter",
        "identifier": business_id(urn),
        "status": "finished",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "HH",
            "display": "home health",
        },
        "subject": {"reference": patient_ref},
        "period": {"start": f"{day}T09:00:00+01:00", "end": f"{day}T09:40:00+01:00"},
    }


def observation(
    urn: str, patient_ref: str, encounter_ref: str, system: str, code: str, **value: Any
) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "identifier": business_id(urn),
        "status": "final",
        "code": {"coding": [{"system": system, "code": code}]},
        "subject": {"reference": patient_ref},
        "encounter": {"reference": encounter_ref},
        "effectiveDateTime": "2025-03-04T09:20:00+01:00",
        **value,
    }


def questionnaire_response(urn: str, patient_ref: str, encounter_ref: str) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "identifier": {"system": BUSINESS_ID_SYSTEM, "value": urn},
        "status": "completed",
        "subject": {"reference": patient_ref},
        "encounter": {"reference": encounter_ref},
        "authored": "2025-03-04T09:30:00+01:00",
        "item": [
            {"linkId": "C4", "answer": [{"valueInteger": 2}]},
            {"linkId": "L1", "answer": [{"valueDecimal": 15.2}]},
        ],
    }


def charge_item(
    urn: str,
    patient_ref: str,
    encounter_ref: str | None = None,
    *,
    code: str = "step1",
    label: str = "Repérage ICOPE (Step 1)",
    day: str = "2025-03-04",
    amount: float | None = 25.0,
) -> dict[str, Any]:
    """`amount=None`: an act to be priced (no `priceOverride`, protocol §7.4)."""
    resource: dict[str, Any] = {
        "resourceType": "ChargeItem",
        "identifier": business_id(urn),
        "status": "billable",
        "code": {"coding": [{"system": ICOPE_CS, "code": code, "display": label}]},
        "subject": {"reference": patient_ref},
        "occurrenceDateTime": f"{day}T09:00:00+01:00",
    }
    if amount is not None:
        resource["priceOverride"] = {"value": amount, "currency": "EUR"}
    if encounter_ref:
        resource["context"] = {"reference": encounter_ref}
    return resource


def visit_bundle(
    *,
    patient_urn: str | None = None,
    altered: tuple[str, ...] = ("cognition", "locomotion", "psychological"),
    day: str = "2025-03-04",
    ins: str | None = None,
    postcode: str = "44300",
) -> tuple[dict[str, Any], dict[str, str]]:
    """A Step 1 home visit as the desktop sends it: 12 resources. Returns the Bundle and
    the urns of its main records."""
    urns = {
        "patient": patient_urn or new_urn(),
        "gp": new_urn(),
        "encounter": new_urn(),
        "qr": new_urn(),
        "count": new_urn(),
        "charge": new_urn(),
    }
    p, e = urns["patient"], urns["encounter"]
    entries = [
        upsert(patient(p, ins=ins, gp=urns["gp"], postcode=postcode), p),
        upsert(gp(urns["gp"]), urns["gp"]),
        create(encounter(e, p, day), e),
        create(questionnaire_response(urns["qr"], p, e), urns["qr"]),
    ]
    for domain in DOMAINS:
        urn = new_urn()
        urns[domain] = urn
        status = "altered" if domain in altered else "normal"
        entries.append(create(observation(
            urn, p, e, ICOPE_CS, f"step1-{domain}",
            valueCodeableConcept={"coding": [{"system": ICOPE_CS, "code": status}]},
        ), urn))
    entries.append(create(observation(urns["count"], p, e, ICOPE_CS, "step1-altered-count",
                                      valueInteger=len(altered)), urns["count"]))
    entries.append(create(charge_item(urns["charge"], p, e, day=day), urns["charge"]))
    return transaction(*entries), urns


def phq9_total(urn: str, patient_ref: str, encounter_ref: str, total: int) -> dict[str, Any]:
    return observation(urn, patient_ref, encounter_ref, LOINC, "44261-6", valueInteger=total)


def letter_entries(
    patient_ref: str, gp_ref: str, *, inline: bool = False, pdf: bytes = PDF
) -> tuple[list[dict[str, Any]], str]:
    """A GP letter: Communication (+ DocumentReference unless inline). Returns the entries
    and the Communication's urn."""
    data = base64.b64encode(pdf).decode()
    comm_urn, doc_urn = new_urn(), new_urn()
    communication: dict[str, Any] = {
        "resourceType": "Communication",
        "identifier": business_id(comm_urn),
        "status": "in-progress",
        "category": [{"coding": [{"system": ICOPE_CS, "code": "gp-letter"}]}],
        "subject": {"reference": patient_ref},
        "recipient": [{"reference": gp_ref}],
        "payload": [{"contentString": "Bonjour Docteur, veuillez trouver le compte rendu."}],
    }
    entries = []
    if inline:
        communication["payload"].append(
            {"contentAttachment": {"contentType": "application/pdf", "data": data}}
        )
    else:
        document = {
            "resourceType": "DocumentReference",
            "identifier": business_id(doc_urn),
            "status": "current",
            "subject": {"reference": patient_ref},
            "content": [{"attachment": {"contentType": "application/pdf", "data": data,
                                        "title": "Courrier ICOPE"}}],
        }
        entries.append(create(document, doc_urn))
        communication["payload"].append({"contentReference": {"reference": doc_urn}})
    entries.append(create(communication, comm_urn))
    return entries, comm_urn
