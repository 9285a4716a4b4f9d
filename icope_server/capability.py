"""The server's CapabilityStatement (`GET /metadata`, FHIR R4 §2.36), built from the same
tables the API enforces, so it cannot drift from what the server does."""

from __future__ import annotations

from typing import Any

from icope_server import __doc__ as package_doc
from icope_server.codes import CREATE_ONLY_TYPES, PUSHABLE_TYPES

SOFTWARE_VERSION = "0.1.0"


def _resource(rtype: str) -> dict[str, Any]:
    interactions = [{"code": "read"}, {"code": "search-type"}]
    if rtype == "Task":
        interactions.append({"code": "update"})
    else:
        interactions.append({"code": "create"})
        if rtype not in CREATE_ONLY_TYPES:
            interactions.append({"code": "update"})
    params = [
        {
            "name": "identifier",
            "type": "token",
            "documentation": "system|value, among the caller's own records",
        }
    ]
    if rtype == "Task":
        params += [
            {
                "name": "cursor",
                "type": "string",
                "documentation": "ICOPE extension: the server-issued cursor of the previous "
                "pull (docs/SYNC_PROTOCOL.md §5.1)",
            },
            {"name": "owner", "type": "reference", "documentation": "defaults to the caller"},
        ]
    if rtype == "ChargeItem":
        params.append(
            {
                "name": "cursor",
                "type": "string",
                "documentation": "ICOPE extension: the caller's ChargeItems changed since this "
                "server-issued cursor, e.g. billed by an export (docs/SYNC_PROTOCOL.md §7.6)",
            }
        )
    entry: dict[str, Any] = {
        "type": rtype,
        "interaction": interactions,
        "versioning": "versioned-update" if rtype == "Task" else "versioned",
        "readHistory": False,
        "updateCreate": False,
        "conditionalCreate": rtype != "Task",
        "conditionalUpdate": rtype not in (*CREATE_ONLY_TYPES, "Task"),
        "conditionalDelete": "not-supported",
        "searchParam": params,
    }
    return entry


def capability_statement(base_url: str) -> dict[str, Any]:
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2025-03-01",
        "publisher": "ICOPE Desktop project",
        "kind": "instance",
        "software": {"name": "icope-server", "version": SOFTWARE_VERSION},
        "implementation": {
            "description": (package_doc or "ICOPE regional server").strip(),
            "url": base_url,
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Sync protocol: docs/SYNC_PROTOCOL.md. Transactions need an "
                "Idempotency-Key header.",
                "security": {
                    "cors": False,
                    "description": "Bearer token per practitioner (Authorization: Bearer …), "
                    "issued by the regional administrator.",
                },
                "resource": [_resource(t) for t in (*PUSHABLE_TYPES, "Task")],
                "interaction": [{"code": "transaction"}],
            }
        ],
    }
