"""Identifier and code systems of the wire contract (docs/SYNC_PROTOCOL.md §3).

The desktop's record UUIDs are the business identifiers (§3.1): `urn:uuid:<uuid>` in the
RFC 3986 system. Resources a record produces that have no row of their own (the
Observations of a visit, its Flags and CarePlan, the FHIR pair of a letter version) get
UUIDv5 identifiers derived from the record's UUID and a fixed role name, so the same
record always maps to the same identifiers: a retry, or a rebuild after a restart, never
creates a second copy on the server.
"""

from __future__ import annotations

import uuid
from typing import Final
from uuid import UUID

from icope_desktop.screening import LOINC_SYSTEM, PROJECT_CODE_SYSTEM

BUSINESS_ID_SYSTEM: Final = "urn:ietf:rfc:3986"
INS_NIR: Final = "urn:oid:1.2.250.1.213.1.4.8"
INS_NIA: Final = "urn:oid:1.2.250.1.213.1.4.9"
INS_TEST_NIR: Final = "urn:oid:1.2.250.1.213.1.4.10"
INS_TEST_NIA: Final = "urn:oid:1.2.250.1.213.1.4.11"
INS_SYSTEMS: Final = (INS_NIR, INS_NIA, INS_TEST_NIR, INS_TEST_NIA)
RPPS_SYSTEM: Final = "https://rpps.esante.gouv.fr"
ALERT_ID_SYSTEM: Final = "https://icope.example/fhir/alert-id"
ICOPE_CS: Final = PROJECT_CODE_SYSTEM
LOINC: Final = LOINC_SYSTEM
NOT_ASSESSABLE_EXTENSION: Final = (
    "https://icope.example/fhir/StructureDefinition/not-assessable-reason"
)
QUESTIONNAIRE_BASE: Final = "https://icope.example/fhir/Questionnaire/"
REPLACES_EXTENSION: Final = "https://icope.example/fhir/StructureDefinition/replaces"
"""On the Encounter of an amended visit: the version it corrects (protocol §7.2)."""

DEMO_TOKEN: Final = "demo-icope-token-not-for-production"
"""Accepted only by `icope-server --demo` (protocol §2); the desktop sends it only when
its own composition root runs in demo mode (see `services.sync.SyncService`)."""
DEMO_SERVER_URL: Final = "http://127.0.0.1:8765/"

_DERIVED = uuid.UUID("7b0c5f52-2d1e-4f8e-9a51-6c0e9d3b1a77")
"""Namespace of the derived identifiers (a fixed random UUID: changing it re-identifies
every derived resource, so it never changes)."""


def urn(value: UUID) -> str:
    return f"urn:uuid:{str(value).lower()}"


def derived(parent: UUID, role: str) -> UUID:
    return uuid.uuid5(_DERIVED, f"{parent}:{role}")


def business_identifier(value: UUID) -> dict[str, str]:
    return {"system": BUSINESS_ID_SYSTEM, "value": urn(value)}


def conditional_reference(resource_type: str, value: UUID) -> str:
    """A reference to a record sent earlier (§4.2); rewritten to `urn:uuid:` by the
    Bundle builder when the record travels in the same Bundle."""
    return f"{resource_type}?identifier={BUSINESS_ID_SYSTEM}|{urn(value)}"


def reference(resource_type: str, value: UUID, **extra: object) -> dict[str, object]:
    return {"reference": conditional_reference(resource_type, value), **extra}


def ins_system(ins: str, *, test: bool) -> str:
    """NIR (13 digits + key, 15 characters) or NIA; test INS use the test OIDs (§3.2).

    A NIA starts with a 7 or 8 (registration number of a person born abroad, pending
    NIR), per the INS referential.
    """
    nia = ins[:1] in ("7", "8")
    if test:
        return INS_TEST_NIA if nia else INS_TEST_NIR
    return INS_NIA if nia else INS_NIR


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def icope_concept(code: str, display: str | None = None) -> dict[str, object]:
    return {"coding": [coding(ICOPE_CS, code, display)]}
