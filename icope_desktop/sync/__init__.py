"""Desktop ↔ regional server sync (docs/SYNC_PROTOCOL.md, DESIGN.md "Sync", issue 7).

Qt-free. The UI reaches it through `icope_desktop.services.sync.SyncService`; the pieces:

* `identifiers`: systems and codes of the wire contract, business and derived UUIDs.
* `fhir_people`, `fhir_visit`, `fhir_letters`, `fhir_billing`, `fhir_tasks`: the store's
  records as FHIR R4 resources (checked against the `fhir.resources.R4B` models).
* `bundles`: transaction Bundles, reference rewriting, canonical bytes, idempotency keys.
* `transport`: `HttpTransport` (httpx, timeouts, TLS on, bearer token) and `RetryPolicy`
  (exponential backoff with full jitter; sleep and random injectable).
* `push`: `Pusher.push(progress, cancel) -> PushReport` (outbox → Bundles; a refused
  Bundle is split so only the bad records are marked rejected).
* `pull`: `Puller.pull(progress, cancel) -> PullReport` (alert Tasks by server cursor,
  patient matching, demographics conflicts).
* `scheduler`: `AutoSyncSchedule`, the pure decision of when to sync unattended.
* `errors`: typed errors with FR/EN messages; `encode_reason`/`decode_reason` for the
  rejection reason kept beside a record.
"""
