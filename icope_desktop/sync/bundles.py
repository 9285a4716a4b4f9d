"""Transaction Bundles: entries, reference rewriting, canonical bytes, idempotency keys.

docs/SYNC_PROTOCOL.md §4: one `transaction` Bundle of 1 to 500 entries, each with a
`urn:uuid:` fullUrl, conditional create (POST + ifNoneExist) for what never changes and
conditional update (PUT) for demographics. Mapping writes every reference in the
conditional form (`Patient?identifier=…`); the Bundle builder turns the ones whose target
travels in the same Bundle into `urn:uuid:` references (§4.2), so a record maps the same
way whatever batch it falls in.

Idempotency key (§4.3: the same key with the same body on every retry of a batch): the key
is a UUIDv5 of the SHA-256 of the Bundle's canonical bytes *and* of the persisted identity
(`key`, `revision`) of the outbox rows it carries. The same batch therefore gets the same
key on every retry, including after the app was closed mid-request (the rows are stored),
and a different batch always gets a different key (Stripe's rule). The bytes alone are
not enough: the server keeps keys 180 days, and a record corrected A → B → A produces a
Bundle byte-identical to the first one; with a body-only key the server would replay
its old answer and store nothing while the desktop marked the record sent (audit item 1).
A new outbox row or revision is a new change, hence a new key.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from icope_desktop.i18n import Text
from icope_desktop.sync.errors import CannotMap
from icope_desktop.sync.identifiers import BUSINESS_ID_SYSTEM, urn

MAX_ENTRIES = 250
"""Half the protocol's 500: room for a visit's dozen resources without a near miss."""
MAX_BYTES = 4_000_000
"""Well under the server's 10 MB (§1) even with several 100 kB letters."""

_KEY_NAMESPACE = uuid.UUID("3f6c2f0a-5a0e-4b7e-9d51-1c8e0b2a7d44")

Method = Literal["POST", "PUT"]


@dataclass(frozen=True, slots=True)
class Entry:
    """One resource to send, identified by its business UUID."""

    resource: dict[str, Any]
    business_id: uuid.UUID
    method: Method = "POST"
    url: str | None = None
    """A literal request URL (`Task/<server id>` for an alert decision, §5.3) instead of
    the conditional one built from the business id."""

    @property
    def resource_type(self) -> str:
        return str(self.resource["resourceType"])


def checked(resource: dict[str, Any]) -> dict[str, Any]:
    """Refuse, before sending, what is not valid FHIR R4 (fhir.resources R4B models, as
    the server validates, §1). The message names the type, never a value."""
    kind = str(resource.get("resourceType"))
    try:
        get_fhir_model_class(kind).model_validate(resource)
    except (ValidationError, KeyError, ValueError) as exc:
        fields = sorted({".".join(str(p) for p in err["loc"]) for err in _errors(exc)})[:5]
        raise CannotMap(
            Text(
                fr=f"Ce dossier ne peut pas être converti au format d'échange ({kind} : "
                f"{', '.join(fields) or 'structure'}). Il est conservé ; signalez-le.",
                en=f"This record cannot be converted to the exchange format ({kind}: "
                f"{', '.join(fields) or 'structure'}). It is kept; please report it.",
            )
        ) from None
    return resource


def _errors(exc: Exception) -> list[dict[str, Any]]:
    if isinstance(exc, ValidationError):
        return [dict(e) for e in exc.errors()]
    return []


def _request(entry: Entry) -> dict[str, str]:
    if entry.url is not None:
        return {"method": entry.method, "url": entry.url}
    condition = f"identifier={BUSINESS_ID_SYSTEM}|{urn(entry.business_id)}"
    if entry.method == "PUT":
        return {"method": "PUT", "url": f"{entry.resource_type}?{condition}"}
    return {"method": "POST", "url": entry.resource_type, "ifNoneExist": condition}


def _rewrite(value: Any, local: dict[str, str]) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key == "reference" and isinstance(item, str) and item in local:
                out[key] = local[item]
            else:
                out[key] = _rewrite(item, local)
        return out
    if isinstance(value, list):
        return [_rewrite(item, local) for item in value]
    return value


def transaction(entries: Sequence[Entry]) -> dict[str, Any]:
    """The Bundle, with references to records of the same Bundle made local (§4.2)."""
    local = {
        f"{e.resource_type}?identifier={BUSINESS_ID_SYSTEM}|{urn(e.business_id)}": urn(
            e.business_id
        )
        for e in entries
    }
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "fullUrl": urn(e.business_id),
                "resource": _rewrite(e.resource, local),
                "request": _request(e),
            }
            for e in entries
        ],
    }


def canonical_bytes(body: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same Bundle always gives the same bytes."""
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def idempotency_key(body_bytes: bytes, rows: Iterable[tuple[uuid.UUID, int]]) -> str:
    """The key of a Bundle carrying the outbox rows `rows` (row key, revision)."""
    digest = hashlib.sha256(body_bytes)
    for key, revision in sorted(rows):
        digest.update(f"\n{key}:{revision}".encode())
    return str(uuid.uuid5(_KEY_NAMESPACE, digest.hexdigest()))


def entries_size(entries: Iterable[Entry]) -> int:
    return sum(len(canonical_bytes(e.resource)) + 200 for e in entries)
