"""Keyset paging of the outbox: `pending(limit, after=<last id>)` walks the waiting list
one page at a time while the rows already taken are still waiting (the push marks them
only when the server answers), each row once, in write order."""

from __future__ import annotations

import dataclasses

from sqlalchemy import text

from icope_desktop.store.records import OutboxItem
from store.factories import patient_data


def walk(repos, page: int) -> list[list[OutboxItem]]:
    pages = []
    after = None
    while items := repos.outbox.pending(page, after=after):
        pages.append(items)
        after = items[-1].id
    return pages


def test_pages_cover_the_waiting_list_once_in_write_order(repos, practitioner_id):
    patients = [repos.patients.create_patient(patient_data(birth_name=f"P{i}"))
                for i in range(7)]
    pages = walk(repos, 3)
    assert [len(p) for p in pages] == [3, 3, 2]  # the practitioner's row, then 7 patients
    flat = [item for page in pages for item in page]
    assert flat == repos.outbox.pending(100)  # same rows, same order as one long read
    assert [i.entity_id for i in flat] == [practitioner_id, *patients]


def test_a_page_skips_rows_no_longer_waiting_and_finds_rows_queued_meanwhile(repos):
    first = [repos.patients.create_patient(patient_data(birth_name=f"A{i}")) for i in range(4)]
    page = repos.outbox.pending(2)
    repos.outbox.mark_sent(page[0])
    repos.outbox.mark_rejected(repos.outbox.pending(10, after=page[-1].id)[0], "refusé")
    # edited while its page was in flight: same row, new revision, not read again
    data = repos.patients.get_patient(page[1].entity_id).data
    repos.patients.update_patient(page[1].entity_id, dataclasses.replace(data, city="Laval"))
    late = repos.patients.create_patient(patient_data(birth_name="Tardif"))
    rest = repos.outbox.pending(10, after=page[-1].id)
    assert [i.entity_id for i in rest] == [first[3], late]
    assert repos.outbox.pending(10, after=rest[-1].id) == []


def test_a_deep_page_is_an_index_range_not_a_scan(repos):
    """No index is needed beyond `ix_outbox_status_id` (status, id)."""
    with repos.outbox._db.reading() as session:
        plan = session.execute(text(
            "EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE status = 'waiting' AND id > 10 "
            "ORDER BY id LIMIT 50"
        )).all()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "ix_outbox_status_id" in detail and "id>?" in detail.replace(" ", "")
    assert "TEMP B-TREE" not in detail  # ordered by the index itself
