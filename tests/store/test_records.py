"""Identifiers: time-ordered UUIDv7, unique, valid RFC 9562 layout."""

from __future__ import annotations

import time
import uuid

from icope_desktop.store.records import new_id


def test_ids_are_uuid7_and_ordered_by_creation_time():
    first = new_id()
    time.sleep(0.002)
    second = new_id()
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert first < second
    assert abs((first.int >> 80) - time.time_ns() // 1_000_000) < 5_000


def test_ids_are_unique():
    assert len({new_id() for _ in range(20_000)}) == 20_000
