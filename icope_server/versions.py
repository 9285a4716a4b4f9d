"""Versions of a visit: an amended visit is a new Encounter that replaces the first one.

The desktop never changes a finalized visit; a correction is a new version with its own
business identifier (DESIGN.md "Store": corrections are new amended versions). Its
Encounter carries the `replaces` extension (docs/SYNC_PROTOCOL.md §7.2) naming the
version it corrects, so the server knows the visit's chain: the evaluation export shows
the latest version only, and billing ties every act to the chain's first version (the
desktop bills amendments against the original; the server agrees, `billing.py`).

The chain is read from the stored Encounters themselves, not from the order of a
Bundle's entries, so a version and its ChargeItem may arrive in any order or together.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from icope_server.models import EncounterVersion, StoredResource
from icope_server.outcome import FhirError, Issue
from icope_server.profiles import replaced_reference
from icope_server.resources import load_body
from icope_server.validation import Where

MAX_VERSIONS = 1000
"""A chain longer than this is refused: no visit is corrected a thousand times."""


def _replaced_id(session: Session, encounter_id: str) -> str | None:
    row = session.get(StoredResource, encounter_id)
    if row is None or row.resource_type != "Encounter":
        return None
    reference = replaced_reference(load_body(row))
    if reference is None or not reference.startswith("Encounter/"):
        return None
    return reference.removeprefix("Encounter/")


def chain_of(session: Session, encounter_id: str) -> list[str]:
    """The Encounter's id, then the versions it replaces back to the first one; the walk
    stops at a broken link or a cycle."""
    found = [encounter_id]
    while len(found) < MAX_VERSIONS:
        previous = _replaced_id(session, found[-1])
        if previous is None or previous in found:
            break
        found.append(previous)
    return found


def root_of(session: Session, encounter_id: str) -> tuple[str, int]:
    """(first version's id, version number) of a stored Encounter."""
    found = chain_of(session, encounter_id)
    return found[-1], len(found)


def _refuse(where: Where | None, fr: str, en: str) -> FhirError:
    place = where or Where.resource("Encounter")
    issue: Issue = place.field_issue("extension", "invalid-resource", fr, en)
    return FhirError(422, [issue])


def record_encounter(
    session: Session,
    account_id: int,
    row: StoredResource,
    body: dict[str, Any],
    where: Where | None,
) -> None:
    """Keep the `encounter_version` row of a stored Encounter in step with its body."""
    link = session.get(EncounterVersion, row.id)
    reference = replaced_reference(body)
    if reference is None:
        if link is not None:
            session.delete(link)
        return
    if not reference.startswith("Encounter/"):
        raise _refuse(where, "doit désigner une autre visite (Encounter)",
                      "must refer to another visit (Encounter)")
    replaced = reference.removeprefix("Encounter/")
    earlier = chain_of(session, replaced)
    if row.id in earlier or len(earlier) >= MAX_VERSIONS - 1:
        raise _refuse(where, "ne peut pas remplacer la visite elle-même ni une version qui "
                      "la remplace", "cannot replace the visit itself or a version that "
                      "replaces it")
    other = session.scalars(
        select(EncounterVersion.encounter_id).where(
            EncounterVersion.replaces_id == replaced, EncounterVersion.encounter_id != row.id
        )
    ).first()
    if other is not None:
        raise _refuse(where, "désigne une version déjà remplacée par une autre correction",
                      "refers to a version already replaced by another correction")
    if link is None:
        link = EncounterVersion(encounter_id=row.id, account_id=account_id)
        session.add(link)
    link.replaces_id, link.root_id, link.version = replaced, earlier[-1], len(earlier) + 1
    session.flush()


def replaced_ids(session: Session) -> set[str]:
    """Encounters that a later version replaces (left out of the evaluation export)."""
    return set(session.scalars(select(EncounterVersion.replaces_id)))


def versions(session: Session) -> dict[str, tuple[str, int]]:
    """encounter id → (root id, version) for every amended version."""
    return {
        link.encounter_id: (link.root_id, link.version)
        for link in session.scalars(select(EncounterVersion))
    }
