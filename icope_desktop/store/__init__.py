"""The encrypted local store: SQLCipher + SQLAlchemy 2, a key vault, Alembic migrations.

"A laptop left in a car must reveal nothing, and a crash at a patient's home must lose
nothing" (issue 3). Everything about a patient lives in one SQLCipher 4 file keyed with
a random 256-bit data key; the key is kept only wrapped in `vault.json` (Argon2id +
AES-256-GCM, one slot for the passphrase, one for the recovery key). Every commit is
durable (WAL, synchronous=FULL); drafts are saved on every answer.

Opening and locking (`local_store.Store`)::

    store, recovery_key = Store.create(data_dir, passphrase)   # set-up; show the key once
    store = Store.unlock(data_dir, passphrase)                 # WrongPassphrase, VaultDamaged,
                                                               # DatabaseDamaged, ...
    store = Store.unlock_with_recovery_key(data_dir, key_text, new_passphrase)
    store.change_passphrase(current, new)                      # rewraps, never re-encrypts
    key = store.regenerate_recovery_key(passphrase)            # new recovery slot; old key dead
    store.recovery_key_confirmed; store.confirm_recovery_key() # "I have written it down"
    info = store.backup(path, progress=fn, cancel=event)       # worker thread
    Store.restore_backup(path, data_dir, passphrase_or_recovery_key,
                         new_passphrase=None, progress=fn, cancel=event)
    backup.describe_backup(path) -> BackupInfo                 # date, schema, before asking
    store.check_integrity()                                    # full PRAGMA integrity_check
    store.close()                                              # the lock (auto-lock calls it)

    passphrase.estimate_strength(text) -> Strength             # live meter (bits, level, advice)
    passphrase.require_strong(text)                            # WeakPassphrase, FR+EN advice

Repositories (attributes of `Store`, or `Repositories(engine)` over any engine at head)::

    store.practitioner.save_profile(PractitionerData) -> PractitionerId; .get_profile()
    store.gps.create_gp(GpData) -> GpId; .update_gp(id, GpData); .get_gp(id); .search_gps(text)
    store.patients.create_patient(PatientData) -> PatientId; .update_patient(id, PatientData)
    store.patients.get_patient(id) -> Patient; .find_by_ins(ins) -> Patient | None
    store.patients.search_patients(text, limit=20) -> list[PatientSummary]
    store.patients.list_recently_seen(limit=30) -> list[PatientListing]  # home, nothing typed
    store.patients.listings(ids) -> list[PatientListing]
    store.patients.find_possible_duplicates(Identity) -> list[Candidate]
    store.visits.start_visit(patient_id, kind, instruments=(...)) -> VisitId
    store.visits.open_assessment(visit_id, instrument_id) -> AssessmentId
    store.visits.save_draft_answer(assessment_id, item_id, value)     # autosave, one commit
    store.visits.save_visit_position(visit_id, position)
    store.visits.get_visit(visit_id) -> VisitView                     # answers + position
    store.visits.finalize_visit(visit_id, results=..., evaluation=..., care_plan=...,
                                finalized_by=..., planned_follow_up=None)
                                -> FinalizeReport                     # ONE transaction
    store.visits.amend_visit(visit_id, by) -> VisitId                 # draft v+1
    store.visits.list_drafts(); .list_visits(patient_id); .list_due_followups(today)
    store.visits.discard_draft(visit_id)                              # drafts only
    store.letters.save_letter(visit_id, kind, language, pdf); .get_letter(...)
    store.alerts.upsert_pulled([PulledAlertTask]); .decide(id, AlertDecision, by=...,
                note=..., reminder_on=...); .list_open(); .link_patient(id, patient_id)
    store.outbox.pending(limit) -> list[OutboxItem]; .mark_sent(items);
                .mark_rejected(item, reason); .record_status(entity, id)
    store.sync_state.get(stream); .save(stream, cursor)
    store.settings.get(SettingKey.X); .set(SettingKey.X, value)       # token lives here
    store.billing.list_lines(since, until); store.audit.list_events(entity_id=...)

Threading rule: every repository method opens its own short Session in the calling
thread and closes it before returning; sessions and ORM rows never leave the store,
methods return frozen dataclasses (`records`). Any thread may call any method; keep one
user action per call (writes are short BEGIN IMMEDIATE transactions). Never share a
Session or a raw connection between threads.

Errors are `errors.StoreError` subclasses carrying `message: Text` (French and English);
none of them carries patient data.

Module map: `engine` (SQLCipher engine, fail closed), `vault` (key slots, Argon2id
calibration), `passphrase` (CNIL policy), `recovery_key`, `models` (ORM, constraints),
`migrations` (Alembic, applied on unlock), `database` (sessions, error translation),
`patients`/`duplicates`/`names` (identity, search, duplicates), `visits`, `billing`
(+ `resources/tariffs.csv`), `alerts`, `letters`, `outbox`, `sync_state`, `settings`,
`audit`, `backup`, `local_store` (the `Store` facade), `records` (ids, enums, records).
"""

from icope_desktop.store.errors import StoreError
from icope_desktop.store.local_store import Store
from icope_desktop.store.recovery_key import RecoveryKey
from icope_desktop.store.repositories import Repositories

__all__ = ["RecoveryKey", "Repositories", "Store", "StoreError"]
