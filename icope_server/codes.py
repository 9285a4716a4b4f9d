"""Identifier systems, code systems and code lists shared with the desktop client.

These values are part of the wire contract in docs/SYNC_PROTOCOL.md (§3): the desktop sync
client writes them and this server reads them, so changing one is a protocol change, not a
setting. Sources: DESIGN.md "Sync" (INS and RPPS systems), clinical spec §0 (domain keys)
and §4 (ALERT_MULTIDOMAIN), HL7 FHIR R4 value sets for the required bindings.
"""

from __future__ import annotations

from typing import Final

BUSINESS_ID_SYSTEM: Final = "urn:ietf:rfc:3986"
"""RFC 3986 URI system: the desktop's per-record UUID, written `urn:uuid:<uuid>`."""

INS_NIR: Final = "urn:oid:1.2.250.1.213.1.4.8"
INS_NIA: Final = "urn:oid:1.2.250.1.213.1.4.9"
INS_TEST_NIR: Final = "urn:oid:1.2.250.1.213.1.4.10"
INS_TEST_NIA: Final = "urn:oid:1.2.250.1.213.1.4.11"
INS_SYSTEMS: Final = (INS_NIR, INS_NIA, INS_TEST_NIR, INS_TEST_NIA)
RPPS_SYSTEM: Final = "https://rpps.esante.gouv.fr"
ALERT_ID_SYSTEM: Final = "https://icope.example/fhir/alert-id"

ICOPE_CS: Final = "https://icope.example/fhir/CodeSystem/icope"
ERROR_CS: Final = "https://icope.example/fhir/CodeSystem/icope-error"
LOINC: Final = "http://loinc.org"

DEMO_TOKEN: Final = "demo-icope-token-not-for-production"
"""Accepted only by a server started with --demo (issue 6), so `icope-desktop --demo` can be
preset for it. Every other server refuses it even if its database holds its hash."""

DOMAINS: Final = ("cognition", "locomotion", "vitality", "vision", "hearing", "psychological")
"""Clinical spec §0 domain keys, in the spec's order."""

ALERT_CODE: Final = "ALERT_MULTIDOMAIN"
ALERT_SOURCES: Final = ("self-assessment", "upstream-actor")
EXIT_REASONS: Final = (
    "not-eligible",
    "already-followed",
    "refused",
    "unreachable",
    "moved",
    "deceased",
    "other",
)
GP_LETTER_CATEGORY: Final = "gp-letter"
ALERT_DECISION_ACT: Final = "alert-decision"
"""Act code of a ChargeItem billing the handling of an alert: it names its Task in
`supportingInformation` (docs/SYNC_PROTOCOL.md §7.4), and is accepted only for a Task the
caller holds and has decided (confirmed or invalidated)."""
REPLACES_EXTENSION: Final = "https://icope.example/fhir/StructureDefinition/replaces"
"""Extension of an Encounter that corrects a finalized visit: `valueReference` to the
Encounter it replaces (docs/SYNC_PROTOCOL.md §7.2)."""

# Resource types a practitioner may send in a transaction (docs/SYNC_PROTOCOL.md §4.4).
PUSHABLE_TYPES: Final = (
    "Patient",
    "Practitioner",
    "Encounter",
    "QuestionnaireResponse",
    "Observation",
    "Flag",
    "CarePlan",
    "Communication",
    "DocumentReference",
    "ChargeItem",
)
READABLE_TYPES: Final = (*PUSHABLE_TYPES, "Task")
CREATE_ONLY_TYPES: Final = ("Communication",)
"""Communication.status belongs to the server once the letter is queued (§7.3)."""

# Required bindings of top-level codes (FHIR R4 value sets). fhir.resources checks the
# structure but not these enumerations, so a `"status": "bogus"` would otherwise be stored.
REQUIRED_CODES: Final[dict[str, dict[str, frozenset[str]]]] = {
    "Patient": {"gender": frozenset({"male", "female", "other", "unknown"})},
    "Practitioner": {"gender": frozenset({"male", "female", "other", "unknown"})},
    "Encounter": {
        "status": frozenset(
            {
                "planned",
                "arrived",
                "triaged",
                "in-progress",
                "onleave",
                "finished",
                "cancelled",
                "entered-in-error",
                "unknown",
            }
        )
    },
    "QuestionnaireResponse": {
        "status": frozenset(
            {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
        )
    },
    "Observation": {
        "status": frozenset(
            {
                "registered",
                "preliminary",
                "final",
                "amended",
                "corrected",
                "cancelled",
                "entered-in-error",
                "unknown",
            }
        )
    },
    "Flag": {"status": frozenset({"active", "inactive", "entered-in-error"})},
    "CarePlan": {
        "status": frozenset(
            {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
        ),
        "intent": frozenset({"proposal", "plan", "order", "option"}),
    },
    "Communication": {
        "status": frozenset(
            {
                "preparation",
                "in-progress",
                "not-done",
                "on-hold",
                "stopped",
                "completed",
                "entered-in-error",
                "unknown",
            }
        )
    },
    "DocumentReference": {"status": frozenset({"current", "superseded", "entered-in-error"})},
    "ChargeItem": {
        "status": frozenset(
            {
                "planned",
                "billable",
                "not-billable",
                "aborted",
                "billed",
                "entered-in-error",
                "unknown",
            }
        )
    },
    "Task": {
        "status": frozenset(
            {
                "draft",
                "requested",
                "received",
                "accepted",
                "rejected",
                "ready",
                "cancelled",
                "in-progress",
                "on-hold",
                "failed",
                "completed",
                "entered-in-error",
            }
        ),
        "intent": frozenset(
            {
                "unknown",
                "proposal",
                "plan",
                "order",
                "original-order",
                "reflex-order",
                "filler-order",
                "instance-order",
                "option",
            }
        ),
    },
}
