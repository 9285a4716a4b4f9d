"""Pull the ChargeItem feed: which acts the administrator exported for payment.

docs/SYNC_PROTOCOL.md §7.6 (audit item 6): the server's `billing export` sets a
ChargeItem's status to `billed`; `GET /ChargeItem?cursor=` returns the caller's changed
ChargeItems, oldest change first, with the same cursor rules as the Task feed (§5.1):
the cursor is stored opaque, only *after* the page's statuses are stored, and a cursor
the server no longer knows (`cursor-ahead`: server restored; `cursor-invalid`) is dropped
and the feed read again from the start, once. Each ChargeItem is matched to its billing
line by its business identifier (`urn:uuid:<line id>`).

A server that predates the feed answers the cursor parameter with a `400`: the push and
the alerts are what matter, so the sync goes on without the export status (logged).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any
from uuid import UUID

from icope_desktop.i18n import _
from icope_desktop.store.repositories import Repositories
from icope_desktop.sync.errors import Cancelled
from icope_desktop.sync.identifiers import BUSINESS_ID_SYSTEM
from icope_desktop.sync.transport import HttpTransport, Refused

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]
STREAM = "charge_items"
PAGE_SIZE = 200
CURSOR_LOST = frozenset({"cursor-ahead", "cursor-invalid"})


def line_id_of(resource: dict[str, Any]) -> UUID | None:
    """The billing line a ChargeItem carries: its `urn:uuid:` business identifier."""
    for identifier in resource.get("identifier") or []:
        if not isinstance(identifier, dict) or identifier.get("system") != BUSINESS_ID_SYSTEM:
            continue
        value = str(identifier.get("value") or "")
        if value.startswith("urn:uuid:"):
            try:
                return UUID(value.removeprefix("urn:uuid:"))
            except ValueError:
                return None
    return None


class ChargeItemFeed:
    def __init__(self, repos: Repositories, transport: HttpTransport) -> None:
        self.repos = repos
        self.transport = transport

    def pull(self, progress: ProgressFn, cancel: threading.Event) -> int:
        """Store every changed ChargeItem's status; returns how many acts became
        exported for payment."""
        label = _("Réception des actes exportés")
        restarted = False
        received = exported = 0
        while True:
            if cancel.is_set():
                raise Cancelled()
            cursor = self.repos.sync_state.get(STREAM).cursor
            try:
                page = self.transport.get_charge_items(cursor, PAGE_SIZE, cancel)
            except Refused as refused:
                if refused.code in CURSOR_LOST and not restarted:
                    restarted = True
                    self.repos.sync_state.save(STREAM, None)
                    continue
                if refused.status == 400 and not restarted:
                    log.info("sync: the server has no ChargeItem feed (%s)", refused.code)
                    return exported
                raise
            statuses: dict[UUID, str] = {}
            for resource in page.tasks:
                line_id = line_id_of(resource)
                if line_id is not None:
                    statuses[line_id] = str(resource.get("status") or "")
            exported += self.repos.outbox.save_charge_statuses(statuses)
            self.repos.sync_state.save(STREAM, page.cursor)
            received += len(page.tasks)
            progress(received, max(page.total, received), label)
            if not page.tasks or page.total <= len(page.tasks):
                return exported
