"""The push walks the outbox with keyset pages (`pending(limit, after=...)`): each waiting
row is read once per sync, however long the list, and every record still reaches the
server exactly once."""

from __future__ import annotations

from datetime import date

from icope_desktop.store.records import SyncStatus
from icope_desktop.sync import push
from sync.test_week_offline import expected_counts, server_counts
from sync.workload import add_patient, finalized_visit

VISITS = 10


def test_the_push_reads_each_page_once(desk, live, monkeypatch):
    patients = [add_patient(desk.practice, i) for i in range(VISITS)]
    for i, patient in enumerate(patients):
        finalized_visit(desk.practice, patient, date(2025, 3, 3 + i % 5))
    waiting = desk.store.outbox.counts()[SyncStatus.WAITING]
    assert waiting == 2 + 4 * VISITS  # profile, GP; patient, visit, 2 billing lines each
    monkeypatch.setattr(push, "PAGE_SIZE", 7)
    reads: list[tuple[int | None, int]] = []
    original = desk.store.outbox.pending

    def counted(limit: int = 50, *, after: int | None = None):
        items = original(limit, after=after)
        reads.append((after, len(items)))
        return items

    monkeypatch.setattr(desk.store.outbox, "pending", counted)

    report = desk.sync.sync_now()

    assert report.error is None and report.rejected == 0
    assert report.sent == waiting
    assert sum(n for _after, n in reads) == waiting  # each row read once
    assert len(reads) == -(-waiting // 7) + 1  # full pages, then one empty read
    afters = [after for after, _n in reads]
    assert afters[0] is None and afters[1:] == sorted(set(afters[1:]))
    expected = expected_counts(VISITS, VISITS, 0)
    del expected["DocumentReference"], expected["Communication"]  # no letters here
    assert server_counts(live, desk.account.rpps) == expected
