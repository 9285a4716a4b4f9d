"""Patient and Practitioner resources (docs/SYNC_PROTOCOL.md §3, §4.6, §7.1).

Demographics are sent with conditional PUT: a later edit replaces the server's copy.
The INS travels only for a *qualified* identity (DESIGN.md "Sync", RNIV); demo and test
data use the test OIDs so no demo INS is ever mistaken for a real one.
"""

from __future__ import annotations

from typing import Any

from icope_desktop.store.records import Gp, InsStatus, Patient, Practitioner, Sex
from icope_desktop.sync.identifiers import (
    RPPS_SYSTEM,
    business_identifier,
    ins_system,
    reference,
)

GENDER = {Sex.FEMALE: "female", Sex.MALE: "male", Sex.INDETERMINATE: "other"}


def _telecom(phone: str | None, email: str | None) -> list[dict[str, str]]:
    found = []
    if phone:
        found.append({"system": "phone", "value": phone})
    if email:
        found.append({"system": "email", "value": email})
    return found


def _address(line: str | None, postal_code: str | None, city: str | None) -> dict[str, Any]:
    address: dict[str, Any] = {}
    if line:
        address["line"] = [line]
    if postal_code:
        address["postalCode"] = postal_code
    if city:
        address["city"] = city
    if address:
        address["country"] = "FR"
    return address


def patient_resource(patient: Patient, *, test_ins: bool) -> dict[str, Any]:
    identity = patient.identity
    identifiers = [business_identifier(patient.id)]
    if identity.ins and identity.ins_status is InsStatus.QUALIFIED:
        system = ins_system(identity.ins, test=test_ins)
        identifiers.append({"system": system, "value": identity.ins})
    names: list[dict[str, Any]] = [
        {"use": "official", "family": identity.birth_name, "given": identity.first_names.split()}
    ]
    if identity.used_name and identity.used_name != identity.birth_name:
        names.append({"use": "usual", "family": identity.used_name})
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": identifiers,
        "name": names,
        "gender": GENDER[identity.sex],
        "birthDate": identity.birth_date.isoformat(),
    }
    telecom = _telecom(patient.data.phone, None)
    if telecom:
        resource["telecom"] = telecom
    address = _address(patient.data.address, patient.data.postal_code, patient.data.city)
    if address:
        resource["address"] = [address]
    if patient.data.gp_id:
        resource["generalPractitioner"] = [reference("Practitioner", patient.data.gp_id)]
    return resource


def practitioner_resource(practitioner: Practitioner) -> dict[str, Any]:
    """The sender: the practitioner who owns this store (his RPPS, §3.2)."""
    data = practitioner.data
    identifiers = [business_identifier(practitioner.id)]
    if data.rpps:
        identifiers.append({"system": RPPS_SYSTEM, "value": data.rpps})
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "identifier": identifiers,
        "name": [{"family": data.last_name, "given": [data.first_name]}],
        "qualification": [{"code": {"text": data.profession.value}}],
    }
    telecom = _telecom(data.phone, data.email)
    if telecom:
        resource["telecom"] = telecom
    return resource


def gp_resource(gp: Gp) -> dict[str, Any]:
    """The patient's GP; his e-mail is the secure-mail address letters go to (§7.3)."""
    data = gp.data
    identifiers = [business_identifier(gp.id)]
    if data.rpps:
        identifiers.append({"system": RPPS_SYSTEM, "value": data.rpps})
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "identifier": identifiers,
        "name": [{"family": data.last_name, "given": [data.first_name], "prefix": ["Dr"]}],
    }
    telecom = _telecom(data.phone, data.email)
    if telecom:
        resource["telecom"] = telecom
    address = _address(data.address, data.postal_code, data.city)
    if address:
        resource["address"] = [address]
    return resource
