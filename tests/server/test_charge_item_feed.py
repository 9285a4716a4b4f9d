"""The ChargeItem feed: an export marks its acts `billed`, and the practitioner's desktop
pulls his changed ChargeItems with the Task feed's cursor (docs/SYNC_PROTOCOL.md §7.6)."""

from __future__ import annotations

from icope_server.billing import export_pending

from .bundles import charge_item, create, new_urn, patient, transaction, upsert, visit_bundle


def feed(practitioner, cursor: str | None = None, count: int | None = None):
    params: dict[str, object] = {}
    if cursor is not None:
        params["cursor"] = cursor
    if count is not None:
        params["_count"] = count
    response = practitioner.client.get("/ChargeItem", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["type"] == "searchset"
    cursor_value = response.headers["ICOPE-Cursor"]
    next_link = next(link["url"] for link in body["link"] if link["relation"] == "next")
    assert f"cursor={cursor_value}&" in next_link and next_link.split("?")[0].endswith(
        "/ChargeItem")
    return [e["resource"] for e in body["entry"]], cursor_value, body["total"]


def statuses(resources) -> dict[str, str]:
    return {r["identifier"][0]["value"]: r["status"] for r in resources}


def test_an_export_marks_the_acts_billed_in_the_owners_feed(server):
    nurse = server.new_practitioner()
    other = server.new_practitioner()
    bundle, urns = visit_bundle()
    assert nurse.post_bundle(bundle).status_code == 200
    assert other.post_bundle(visit_bundle()[0]).status_code == 200
    pushed, cursor, total = feed(nurse)
    assert statuses(pushed) == {urns["charge"]: "billable"} and total == 1
    assert feed(nurse, cursor)[:3:2] == ([], 0)
    assert export_pending(server.db) is not None
    changed, later, total = feed(nurse, cursor)
    assert statuses(changed) == {urns["charge"]: "billed"} and total == 1
    assert changed[0]["meta"]["versionId"] == "2"
    assert int(later) > int(cursor)
    # only his own: the other practitioner's act is in his feed, not in this one
    assert all(r["id"] != changed[0]["id"] for r in feed(other)[0]) and feed(other)[2] == 1
    assert statuses(feed(other)[0]) and set(statuses(feed(other)[0]).values()) == {"billed"}
    # the read and the identifier search give the same state
    read = nurse.client.get(f"/ChargeItem/{changed[0]['id']}").json()
    assert read["status"] == "billed"


def test_a_push_after_the_export_keeps_billed(server):
    nurse = server.new_practitioner()
    p, c = new_urn(), new_urn()
    item = charge_item(c, f"Patient?identifier=urn:ietf:rfc:3986|{p}")
    assert nurse.post_bundle(transaction(upsert(patient(p), p), upsert(item, c))).status_code \
        == 200
    export_pending(server.db)
    _, cursor, _ = feed(nurse)
    # the desktop sends the same act again, with an amount, then withdraws it: too late
    again = {**item, "priceOverride": {"value": 30.0, "currency": "EUR"}}
    assert nurse.post_bundle(transaction(upsert(again, c))).status_code == 200
    withdrawn = {**again, "status": "entered-in-error"}
    assert nurse.post_bundle(transaction(upsert(withdrawn, c))).status_code == 200
    changed, _, _ = feed(nurse, cursor)
    assert statuses(changed) == {c: "billed"}
    assert changed[0]["priceOverride"] == {"value": 30.0, "currency": "EUR"}


def test_paging_and_bad_cursors(server):
    nurse = server.new_practitioner()
    urns = []
    for day in ("2025-05-01", "2025-05-02", "2025-05-03"):
        bundle, u = visit_bundle(day=day)
        assert nurse.post_bundle(bundle).status_code == 200
        urns.append(u["charge"])
    first, cursor, total = feed(nurse, count=2)
    assert total == 3 and len(first) == 2
    rest, cursor2, total2 = feed(nurse, cursor, count=2)
    assert total2 == 1 and [r["identifier"][0]["value"] for r in first + rest] == urns
    assert feed(nurse, cursor2)[0] == []
    bad = nurse.client.get("/ChargeItem", params={"cursor": "abc"})
    assert bad.status_code == 400
    assert bad.json()["issue"][0]["details"]["coding"][0]["code"] == "cursor-invalid"
    ahead = nurse.client.get("/ChargeItem", params={"cursor": "999999999"})
    assert ahead.status_code == 410
    assert nurse.client.get("/ChargeItem", params={"owner": "x"}).status_code == 400
    # identifier search is unchanged
    found = nurse.client.get("/ChargeItem", params={
        "identifier": f"urn:ietf:rfc:3986|{urns[0]}"}).json()
    assert [e["resource"]["identifier"][0]["value"] for e in found["entry"]] == [urns[0]]


def test_an_unchanged_retry_adds_no_change(server):
    nurse = server.new_practitioner()
    p, c = new_urn(), new_urn()
    bundle = transaction(upsert(patient(p), p), create(charge_item(c, p), c))
    assert nurse.post_bundle(bundle).status_code == 200
    _, cursor, _ = feed(nurse)
    assert nurse.post_bundle(bundle).status_code == 200
    assert feed(nurse, cursor)[2] == 0


def test_upgrade_marks_already_exported_acts_billed_and_feeds_them(tmp_path):
    """Revision 0004 on a database with acts exported before it: they are `billed`, and a
    first pull returns every ChargeItem once."""
    import json

    from alembic import command
    from sqlalchemy import text

    from icope_server.db import Database, _alembic_config

    db = Database(f"sqlite:///{tmp_path}/old.db")
    try:
        with db.engine.connect() as connection:
            config = _alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "0003")
            connection.commit()
            now = "2025-03-05 10:00:00"
            connection.execute(text(
                "INSERT INTO practitioner_account (id, rpps, name, practitioner_id, task_seq, "
                "created_at) VALUES (1, '10001234567', 'Claire', 'pr-1', 0, :now)"), {"now": now})
            for rid, status in (("ci-1", "billable"), ("ci-2", "billable")):
                body = {"resourceType": "ChargeItem", "status": status}
                connection.execute(text(
                    "INSERT INTO fhir_resource (id, resource_type, account_id, business_id, "
                    "version_id, last_updated, content) VALUES (:id, 'ChargeItem', 1, :bid, 1, "
                    ":now, :content)"),
                    {"id": rid, "bid": f"urn:uuid:{rid}", "now": now,
                     "content": json.dumps(body)})
            connection.execute(text(
                "INSERT INTO billing_export (id, created_at, line_count, total_cents, "
                "unpriced_count) VALUES (1, :now, 1, 0, 1)"), {"now": now})
            for line_id, rid, status, export in ((1, "ci-1", "exported", 1),
                                                 (2, "ci-2", "pending", None)):
                connection.execute(text(
                    "INSERT INTO billing_line (id, account_id, charge_item_id, act_id, act_code, "
                    "act_label, act_date, patient_id, currency, status, export_id, created_at) "
                    "VALUES (:id, 1, :rid, :rid, 'step1', 'Step 1', '2025-03-04', 'p', 'EUR', "
                    ":status, :export, :now)"),
                    {"id": line_id, "rid": rid, "status": status, "export": export, "now": now})
            connection.commit()
        db.upgrade()
        from icope_server.charge_feed import pull_charge_items

        with db.read() as session:
            page = pull_charge_items(session, 1, 0, 10)
        assert {r["id"]: (r["status"], r["meta"]["versionId"]) for r in page.resources} == {
            "ci-1": ("billed", "2"), "ci-2": ("billable", "1")}
        assert page.total == 2 and page.cursor == "2"
    finally:
        db.dispose()
