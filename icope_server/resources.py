"""The resource store: FHIR resources as JSON rows, found by id or business identifier.

A row holds the resource without `id` and `meta`; both are added when it is read, so
"did this update change anything?" is a plain comparison of what the client sent (issue 6:
the same Bundle posted twice changes nothing the second time). Every identifier is also
indexed in `resource_identifier` for `?identifier=` searches (INS, RPPS).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from icope_server.codes import BUSINESS_ID_SYSTEM
from icope_server.models import ResourceIdentifier, StoredResource, utcnow

BUSINESS_ID_PATTERN = re.compile(
    r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
MAX_IDENTIFIER_LENGTH = 255


def new_id() -> str:
    return str(uuid.uuid4())


def fhir_instant(moment: datetime) -> str:
    """FHIR `instant`, millisecond precision, explicit UTC offset."""
    return moment.isoformat(timespec="milliseconds")


def identifiers_of(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """`identifier` is a list in most resources but a single object in
    QuestionnaireResponse (FHIR R4); both shapes give a list here."""
    value = resource.get("identifier")
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def business_ids_of(resource: dict[str, Any]) -> list[str]:
    return [
        item["value"]
        for item in identifiers_of(resource)
        if item.get("system") == BUSINESS_ID_SYSTEM and isinstance(item.get("value"), str)
    ]


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def body_of(resource: dict[str, Any]) -> dict[str, Any]:
    """The part of a resource the client owns: everything but `id` and `meta`."""
    return {key: value for key, value in resource.items() if key not in ("id", "meta")}


def to_fhir(row: StoredResource) -> dict[str, Any]:
    content = json.loads(row.content)
    resource: dict[str, Any] = {"resourceType": row.resource_type, "id": row.id}
    resource["meta"] = {
        "versionId": str(row.version_id),
        "lastUpdated": fhir_instant(row.last_updated),
    }
    resource.update((key, value) for key, value in content.items() if key != "resourceType")
    return resource


def location(row: StoredResource) -> str:
    return f"{row.resource_type}/{row.id}/_history/{row.version_id}"


def etag(row: StoredResource) -> str:
    return f'W/"{row.version_id}"'


def find_by_business_id(
    session: Session, account_id: int | None, resource_type: str, business_id: str
) -> StoredResource | None:
    return session.scalars(
        select(StoredResource).where(
            StoredResource.account_id == account_id,
            StoredResource.resource_type == resource_type,
            StoredResource.business_id == business_id,
        )
    ).first()


def get_owned(
    session: Session, account_id: int, resource_type: str, resource_id: str
) -> StoredResource | None:
    """The caller's resource, or None: another practitioner's record is "not found"."""
    row = session.get(StoredResource, resource_id)
    if row is None or row.resource_type != resource_type or row.account_id != account_id:
        return None
    return row


def search_identifier(
    session: Session,
    account_id: int,
    resource_type: str,
    system: str | None,
    value: str,
    limit: int,
) -> list[StoredResource]:
    query = (
        select(StoredResource)
        .join(ResourceIdentifier, ResourceIdentifier.resource_id == StoredResource.id)
        .where(
            ResourceIdentifier.account_id == account_id,
            ResourceIdentifier.resource_type == resource_type,
            ResourceIdentifier.value == value,
            StoredResource.account_id == account_id,
        )
        .order_by(StoredResource.last_updated, StoredResource.id)
        .limit(limit)
    )
    if system is not None:
        query = query.where(ResourceIdentifier.system == system)
    return list(session.scalars(query).unique())


def _index_rows(row: StoredResource, body: dict[str, Any]) -> Iterator[ResourceIdentifier]:
    seen: set[tuple[str, str]] = set()
    for item in identifiers_of(body):
        system, value = item.get("system"), item.get("value")
        if not isinstance(system, str) or not isinstance(value, str):
            continue
        if len(system) > MAX_IDENTIFIER_LENGTH or len(value) > MAX_IDENTIFIER_LENGTH:
            continue
        if (system, value) in seen:
            continue
        seen.add((system, value))
        yield ResourceIdentifier(
            resource_id=row.id,
            account_id=row.account_id,
            resource_type=row.resource_type,
            system=system,
            value=value,
        )


def new_row(
    *,
    account_id: int | None,
    resource_type: str,
    business_id: str,
    body: dict[str, Any],
    resource_id: str | None = None,
    now: datetime | None = None,
) -> StoredResource:
    return StoredResource(
        id=resource_id or new_id(),
        resource_type=resource_type,
        account_id=account_id,
        business_id=business_id,
        version_id=1,
        last_updated=now or utcnow(),
        content=canonical_json(body_of(body)),
    )


def add_rows(session: Session, rows: list[tuple[StoredResource, dict[str, Any]]]) -> None:
    """Insert new rows in one flush (one multi-row INSERT on PostgreSQL), so a concurrent
    duplicate fails here (IntegrityError) and `Database.write` retries the whole unit."""
    if not rows:
        return
    session.add_all(row for row, _ in rows)
    session.flush()
    session.add_all(index for row, body in rows for index in _index_rows(row, body))
    session.flush()


def insert_resource(
    session: Session,
    *,
    account_id: int | None,
    resource_type: str,
    business_id: str,
    body: dict[str, Any],
    resource_id: str | None = None,
    now: datetime | None = None,
) -> StoredResource:
    row = new_row(
        account_id=account_id,
        resource_type=resource_type,
        business_id=business_id,
        body=body,
        resource_id=resource_id,
        now=now,
    )
    add_rows(session, [(row, body)])
    return row


def find_many_by_business_id(
    session: Session, account_id: int, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], StoredResource]:
    """The caller's rows for (resource type, business identifier) pairs, in one query."""
    if not keys:
        return {}
    wanted = set(keys)
    rows = session.scalars(
        select(StoredResource).where(
            StoredResource.account_id == account_id,
            StoredResource.business_id.in_(sorted({business_id for _, business_id in keys})),
        )
    )
    found = {(row.resource_type, row.business_id): row for row in rows}
    return {key: row for key, row in found.items() if key in wanted}


def update_resource(
    session: Session, row: StoredResource, body: dict[str, Any], now: datetime | None = None
) -> bool:
    """Replace the stored body; a new version only when the content differs."""
    content = canonical_json(body_of(body))
    if content == row.content:
        return False
    row.content = content
    row.version_id += 1
    row.last_updated = now or utcnow()
    session.execute(delete(ResourceIdentifier).where(ResourceIdentifier.resource_id == row.id))
    session.add_all(list(_index_rows(row, body)))
    session.flush()
    return True


def load_body(row: StoredResource) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(row.content)
    return body
