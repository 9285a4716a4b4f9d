"""FHIR `transaction` Bundles: all or nothing, idempotent, safe under concurrency.

FHIR R4 §3.1.0.11.2 (transaction processing): every entry succeeds or none does;
`urn:uuid:` fullUrls are replaced by the server ids everywhere in the Bundle. Issue 6 and
DESIGN.md "Sync": conditional create / update on the desktop's business identifiers, so
the same Bundle posted twice changes nothing the second time and answers the same ids.

Two phases:
1. `plan_bundle` checks the shape of the whole Bundle with no database (FHIR validation is
   the slow part, and must not hold SQLite's write lock); it reports every bad entry at once.
2. `execute` runs inside `Database.write`: it looks records up by business identifier,
   resolves references, writes, and records billing lines, letters and decisions. A
   concurrent identical Bundle makes an insert fail on a unique constraint; `write` then
   runs `execute` again from the start, and it finds the winner's rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qs

from sqlalchemy.orm import Session

from icope_server.accounts import Caller
from icope_server.billing import record_charge_item
from icope_server.charge_feed import keep_server_status, record_changes
from icope_server.codes import (
    BUSINESS_ID_SYSTEM,
    CREATE_ONLY_TYPES,
    READABLE_TYPES,
)
from icope_server.letters import enqueue_letter
from icope_server.models import StoredResource, utcnow
from icope_server.outcome import FhirError, Issue, fail
from icope_server.profiles import (
    charge_item_issues,
    encounter_issues,
    is_alert_decision,
    is_billable,
    is_gp_letter,
    letter_issues,
)
from icope_server.resources import (
    BUSINESS_ID_PATTERN,
    add_rows,
    business_ids_of,
    etag,
    fhir_instant,
    find_by_business_id,
    find_many_by_business_id,
    get_owned,
    location,
    new_id,
    new_row,
    search_identifier,
    update_resource,
)
from icope_server.tasks import Decision, alert_charge_issues, apply_decision, parse_decision
from icope_server.validation import Where, validate_resource
from icope_server.versions import record_encounter

MAX_ENTRIES = 500
MAX_DEPTH = 40
Kind = Literal["create", "upsert", "decision"]
LITERAL_REFERENCE = re.compile(r"^([A-Z][A-Za-z]{1,39})/([A-Za-z0-9\-.]{1,64})(/_history/\d+)?$")
TASK_URL = re.compile(r"^Task/([A-Za-z0-9\-.]{1,64})$")
REQUEST_ISSUES = {
    "not-a-transaction",
    "conditional-mismatch",
    "invalid-request",
}


@dataclass(slots=True)
class PlannedEntry:
    index: int
    resource_type: str
    resource: dict[str, Any]
    full_url: str | None
    kind: Kind
    where: Where
    business_id: str = ""
    task_id: str | None = None
    decision: Decision | None = None
    server_id: str = ""
    existing: StoredResource | None = None


@dataclass(slots=True)
class Outcome:
    """What `execute` did, for the response and the caller's follow-ups."""

    response: dict[str, Any]
    letters_queued: int = 0
    created: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def _bundle_error(issues: list[Issue]) -> FhirError:
    codes = {issue.code for issue in issues}
    if codes & REQUEST_ISSUES:
        return FhirError(400, issues)
    if "method-not-allowed" in codes:
        return FhirError(405, issues)
    return FhirError(422, issues)


def _identifier_query(query: str) -> tuple[str, str] | None:
    """`identifier=system|value` (percent-encoding allowed) -> (system, value)."""
    params = parse_qs(query.lstrip("?"), keep_blank_values=True)
    if set(params) != {"identifier"} or len(params["identifier"]) != 1:
        return None
    system, bar, value = params["identifier"][0].partition("|")
    if not bar or not value:
        return None
    return system, value


def _check_request(
    index: int, rtype: str, method: Any, url: str, request: dict[str, Any]
) -> tuple[Kind | None, str | None, list[Issue]]:
    """The entry's kind and its condition (query string), or the request's problems."""
    where = Where.entry_request(index)

    def bad(path: str, fr: str, en: str, code: str = "invalid-request") -> Issue:
        return where.issue(path, code, fr, en)

    if method == "PUT" and TASK_URL.match(url):
        if rtype != "Task":
            return None, None, [bad("request.url", "l'URL désigne une Task mais la ressource "
                                    "n'en est pas une.", "the URL names a Task but the "
                                    "resource is not one.", "conditional-mismatch")]
        return "decision", None, []
    if rtype == "Task":
        return None, None, [bad("request", "les tâches sont créées par le serveur ; seul "
                                "PUT Task/<id> est permis.", "tasks are created by the server; "
                                "only PUT Task/<id> is allowed.", "method-not-allowed")]
    if method == "POST":
        condition = request.get("ifNoneExist")
        if url != rtype:
            return None, None, [bad("request.url", f"doit valoir « {rtype} ».",
                                    f"must be '{rtype}'.", "conditional-mismatch")]
        if condition is not None and not isinstance(condition, str):
            return None, None, [bad("request.ifNoneExist", "doit être une chaîne.",
                                    "must be a string.", "conditional-mismatch")]
        return "create", condition, []
    if method == "PUT":
        if rtype in CREATE_ONLY_TYPES:
            return None, None, [bad("request.method", f"{rtype} se crée par POST seulement.",
                                    f"{rtype} is create-only (POST).", "method-not-allowed")]
        head, question, query = url.partition("?")
        if head != rtype or not question:
            shape = f"{rtype}?identifier={BUSINESS_ID_SYSTEM}|urn:uuid:…"
            return None, None, [bad("request.url", f"doit valoir « {shape} ».",
                                    f"must be '{shape}'.", "conditional-mismatch")]
        return "upsert", query, []
    return None, None, [bad("request.method", "méthode non acceptée (POST ou PUT).",
                            "method not accepted (POST or PUT).")]


def _plan_entry(index: int, entry: Any) -> tuple[PlannedEntry | None, list[Issue]]:
    request_where = Where.entry_request(index)
    if not isinstance(entry, dict):
        return None, [request_where.issue("", "invalid-request", "l'entrée doit être un objet.",
                                          "the entry must be an object.")]
    request, resource = entry.get("request"), entry.get("resource")
    if not isinstance(request, dict) or not isinstance(request.get("url"), str):
        return None, [request_where.issue("request", "invalid-request",
                                          "request.method et request.url sont obligatoires.",
                                          "request.method and request.url are required.")]
    if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
        return None, [request_where.issue("resource", "invalid-request",
                                          "la ressource (avec resourceType) est obligatoire.",
                                          "the resource (with resourceType) is required.")]
    full_url = entry.get("fullUrl")
    if full_url is not None and not isinstance(full_url, str):
        return None, [request_where.issue("fullUrl", "invalid-request",
                                          "fullUrl doit être une chaîne.",
                                          "fullUrl must be a string.")]
    rtype, url = resource["resourceType"], request["url"]
    where = Where.entry(index, rtype)
    if rtype not in READABLE_TYPES:
        return None, [where.issue("resourceType", "resource-type-not-supported",
                                  "type de ressource non accepté par ce serveur.",
                                  "resource type not accepted by this server.", "not-supported")]
    kind, condition, issues = _check_request(index, rtype, request.get("method"), url, request)
    if kind is None:
        return None, issues
    if kind == "decision":
        decision, issues = parse_decision(resource, where)
        task_id = url.split("/", 1)[1]
        return PlannedEntry(index, rtype, resource, full_url, kind, where, task_id=task_id,
                            decision=decision), issues
    issues = validate_resource(resource, where)
    ids = business_ids_of(resource)
    business_id = ids[0] if len(ids) == 1 else ""
    if len(ids) != 1 or not BUSINESS_ID_PATTERN.match(business_id):
        issues.append(where.issue(
            "identifier", "identifier-missing",
            f"il faut exactement un identifiant {BUSINESS_ID_SYSTEM} de la forme "
            "urn:uuid:<uuid en minuscules>.",
            f"exactly one {BUSINESS_ID_SYSTEM} identifier of the form "
            "urn:uuid:<lower-case uuid> is required.",
            "required",
        ))
    elif condition is not None and _identifier_query(condition) != (BUSINESS_ID_SYSTEM,
                                                                     business_id):
        field_name = "request.ifNoneExist" if kind == "create" else "request.url"
        issues.append(request_where.issue(
            field_name, "conditional-mismatch",
            f"la condition doit porter sur l'identifiant métier de la ressource "
            f"(identifier={BUSINESS_ID_SYSTEM}|…).",
            f"the condition must name the resource's business identifier "
            f"(identifier={BUSINESS_ID_SYSTEM}|…).",
        ))
    if rtype == "Encounter":
        issues.extend(encounter_issues(resource, where))
    elif rtype == "ChargeItem":
        issues.extend(charge_item_issues(resource, where))
    elif rtype == "Communication":
        issues.extend(letter_issues(resource, where))
    return PlannedEntry(index, rtype, resource, full_url, kind, where, business_id), issues


def plan_bundle(body: Any) -> list[PlannedEntry]:
    """Check the Bundle's shape and every resource; raise one error listing all problems."""
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise fail(400, "not-a-transaction", "Le corps doit être un Bundle FHIR.",
                   "The body must be a FHIR Bundle.", expression="Bundle")
    if body.get("type") != "transaction":
        raise fail(400, "not-a-transaction", "Seuls les Bundle de type « transaction » sont "
                   "acceptés ici.", "Only Bundles of type 'transaction' are accepted here.",
                   expression="Bundle.type")
    entries = body.get("entry")
    if not isinstance(entries, list) or not entries or len(entries) > MAX_ENTRIES:
        raise fail(400, "invalid-request", f"Le Bundle doit contenir de 1 à {MAX_ENTRIES} "
                   "entrées.", f"The Bundle must hold 1 to {MAX_ENTRIES} entries.",
                   expression="Bundle.entry")
    plan: list[PlannedEntry] = []
    issues: list[Issue] = []
    seen_urls: dict[str, int] = {}
    seen_ids: dict[tuple[str, str], int] = {}
    for index, entry in enumerate(entries):
        planned, entry_issues = _plan_entry(index, entry)
        issues.extend(entry_issues)
        if planned is None:
            continue
        plan.append(planned)
        if planned.full_url:
            if planned.full_url in seen_urls:
                first = seen_urls[planned.full_url]
                issues.append(Where.entry_request(index).issue(
                    "fullUrl", "duplicate-entry", f"même fullUrl que l'entrée {first}.",
                    f"same fullUrl as entry {first}.", "duplicate",
                ))
            seen_urls.setdefault(planned.full_url, index)
        key = (planned.resource_type, planned.business_id or planned.task_id or "")
        if key[1]:
            if key in seen_ids:
                issues.append(planned.where.issue("identifier", "duplicate-entry", "même "
                                                  f"ressource que l'entrée {seen_ids[key]}.",
                                                  f"same resource as entry {seen_ids[key]}.",
                                                  "duplicate"))
            seen_ids.setdefault(key, index)
    if issues:
        raise _bundle_error(issues)
    return plan


# -- execution ------------------------------------------------------------------------------


class _Resolver:
    """Rewrites the references of the Bundle's resources to `Type/<server id>`."""

    def __init__(self, session: Session, caller: Caller, plan: list[PlannedEntry]) -> None:
        self.session, self.caller = session, caller
        self.by_url = {
            p.full_url: f"{p.resource_type}/{p.server_id}"
            for p in plan
            if p.full_url and p.full_url.startswith("urn:uuid:")
        }
        self.by_business_id = {
            (p.resource_type, p.business_id): f"{p.resource_type}/{p.server_id}"
            for p in plan
            if p.business_id
        }
        self.cache: dict[str, str | None] = {}
        self.issues: list[Issue] = []

    def rewrite(self, value: Any, where: Where, path: str = "", depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            return value
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                sub = f"{path}.{key}" if path else key
                if key == "reference" and isinstance(item, str):
                    out[key] = self._resolve(item, where, sub)
                else:
                    out[key] = self.rewrite(item, where, sub, depth + 1)
            return out
        if isinstance(value, list):
            return [self.rewrite(v, where, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        return value

    def _resolve(self, reference: str, where: Where, path: str) -> str:
        if reference.startswith("#") or "://" in reference:
            return reference
        if reference not in self.cache:
            self.cache[reference] = self._lookup(reference)
        target = self.cache[reference]
        if target is None:
            self.issues.append(
                where.field_issue(
                    path,
                    "reference-not-found",
                    "désigne une ressource introuvable parmi vos dossiers (ni dans ce Bundle, "
                    "ni déjà synchronisée)",
                    "refers to a resource found neither in this Bundle nor in your synced "
                    "records",
                    "not-found",
                )
            )
            return reference
        return target

    def _lookup(self, reference: str) -> str | None:
        if reference.startswith("urn:uuid:"):
            return self.by_url.get(reference)
        head, question, query = reference.partition("?")
        if question:
            if head not in READABLE_TYPES:
                return None
            condition = _identifier_query(query)
            if condition is None:
                return None
            system, value = condition
            if system == BUSINESS_ID_SYSTEM:
                if (head, value) in self.by_business_id:
                    return self.by_business_id[(head, value)]
                row = find_by_business_id(self.session, self.caller.account_id, head, value)
                return f"{head}/{row.id}" if row else None
            rows = search_identifier(
                self.session, self.caller.account_id, head, system, value, limit=2
            )
            return f"{head}/{rows[0].id}" if len(rows) == 1 else None
        match = LITERAL_REFERENCE.match(reference)
        if match is None or match.group(1) not in READABLE_TYPES:
            return None
        rtype, rid = match.group(1), match.group(2)
        if any(p == f"{rtype}/{rid}" for p in self.by_url.values()):
            return f"{rtype}/{rid}"
        row = get_owned(self.session, self.caller.account_id, rtype, rid)
        return f"{rtype}/{row.id}" if row else None


def _response_entry(row: StoredResource, status: str) -> dict[str, Any]:
    return {
        "response": {
            "status": status,
            "location": location(row),
            "etag": etag(row),
            "lastModified": fhir_instant(row.last_updated),
        }
    }


def execute(session: Session, caller: Caller, plan: list[PlannedEntry]) -> Outcome:
    existing = find_many_by_business_id(
        session,
        caller.account_id,
        [(e.resource_type, e.business_id) for e in plan if e.kind != "decision"],
    )
    for entry in plan:
        if entry.kind == "decision":
            entry.existing, entry.server_id = None, entry.task_id or ""
            continue
        entry.existing = existing.get((entry.resource_type, entry.business_id))
        entry.server_id = entry.existing.id if entry.existing else new_id()
    # Decisions first: an alert-decision ChargeItem is judged on its Task as decided by
    # this Bundle, wherever the two entries stand in it.
    decided = {
        entry.index: _write(session, caller, entry, entry.resource)
        for entry in plan
        if entry.kind == "decision"
    }
    alert_issues = [
        issue
        for entry in plan
        if entry.resource_type == "ChargeItem"
        and is_billable(entry.resource)
        and is_alert_decision(entry.resource)
        for issue in alert_charge_issues(session, caller.account_id, entry.resource, entry.where)
    ]
    if alert_issues:
        raise FhirError(422, alert_issues)
    resolver = _Resolver(session, caller, plan)
    bodies = [
        entry.resource
        if entry.kind == "decision"
        else resolver.rewrite(entry.resource, entry.where)
        for entry in plan
    ]
    if resolver.issues:
        raise FhirError(422, resolver.issues)
    # New records first, in one multi-row INSERT; then updates and decisions in order.
    now = utcnow()
    created = {
        entry.index: new_row(
            account_id=caller.account_id,
            resource_type=entry.resource_type,
            business_id=entry.business_id,
            body=body,
            resource_id=entry.server_id,
            now=now,
        )
        for entry, body in zip(plan, bodies, strict=True)
        if entry.kind != "decision" and entry.existing is None
    }
    add_rows(
        session,
        [(created[e.index], body) for e, body in zip(plan, bodies, strict=True)
         if e.index in created],
    )
    responses: list[dict[str, Any]] = []
    outcome = Outcome(response={})
    charge_items_changed: list[str] = []
    for entry, body in zip(plan, bodies, strict=True):
        if entry.index in created:
            status, row, changed = "201 Created", created[entry.index], True
        elif entry.index in decided:
            status, row, changed = decided[entry.index]
        else:
            status, row, changed = _write(session, caller, entry, body)
        responses.append(_response_entry(row, status))
        outcome.counts[status] = outcome.counts.get(status, 0) + 1
        if not changed:
            continue
        if entry.resource_type == "Encounter":
            record_encounter(session, caller.account_id, row, body, entry.where)
        elif entry.resource_type == "ChargeItem":
            record_charge_item(session, caller.account_id, row, body)
            charge_items_changed.append(row.id)
        elif (
            entry.resource_type == "Communication"
            and status.startswith("201")
            and is_gp_letter(body)
        ):
            enqueue_letter(session, caller.account_id, row, body)
            outcome.letters_queued += 1
    record_changes(session, caller.account_id, charge_items_changed)
    outcome.response = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": responses,
    }
    outcome.created = outcome.counts.get("201 Created", 0)
    return outcome


def _write(
    session: Session, caller: Caller, entry: PlannedEntry, body: dict[str, Any]
) -> tuple[str, StoredResource, bool]:
    if entry.kind == "decision":
        assert entry.decision is not None and entry.task_id is not None
        row, changed = apply_decision(
            session, caller.account_id, entry.task_id, entry.decision, where=entry.where
        )
        return "200 OK", row, changed
    assert entry.existing is not None  # new records were inserted together before
    if entry.kind == "create":
        return "200 OK", entry.existing, False
    if entry.resource_type == "ChargeItem":
        body = keep_server_status(session, entry.existing, body)
    changed = update_resource(session, entry.existing, body)
    return "200 OK", entry.existing, changed
