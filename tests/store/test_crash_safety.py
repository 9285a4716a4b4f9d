"""Crash safety: SIGKILL at random points never loses a reported commit (issue 3).

A child process commits records one by one and reports each commit on stdout; the test
kills it with SIGKILL after a random number of reports, several times, then unlocks the
store the normal way (vault, passphrase): it must open, pass `PRAGMA integrity_check`,
and hold every record whose commit was reported.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from icope_desktop.store.local_store import Store
from icope_desktop.store.vault import Vault
from store.factories import PASSPHRASE

WRITER = Path(__file__).with_name("crash_writer.py")
RECORDS = 1000


def _run_child(data_dir: Path, key_hex: str, seed: int, kill_after: int) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, str(WRITER), str(data_dir), key_hex, str(seed), str(RECORDS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    reported: list[str] = []
    assert child.stdout is not None
    try:
        for line in child.stdout:
            reported.append(line.strip())
            if kill_after is not None and len(reported) > kill_after:
                os.kill(child.pid, signal.SIGKILL)
                break
    finally:
        if child.poll() is None and len(reported) <= kill_after:
            child.kill()  # the child died early: fail below rather than hang
        child.wait(timeout=30)
        child.stdout.close()
        stderr = child.stderr.read() if child.stderr else ""
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL, stderr
    assert len(reported) > kill_after, stderr
    return reported


@pytest.mark.slow
def test_sigkill_at_random_points_loses_no_reported_commit(closed_store):
    data_dir, _key = closed_store
    key_hex = Vault.load(data_dir / "vault.json").unwrap_with_passphrase(PASSPHRASE).hex()
    rng = random.Random(int.from_bytes(os.urandom(4), "big"))
    runs = [rng.randint(5, 400) for _ in range(4)]  # each run would write 1,000
    patients: list[uuid.UUID] = []
    answers: dict[uuid.UUID, dict[str, int]] = {}
    for seed, kill_after in enumerate(runs):
        for line in _run_child(data_dir, key_hex, seed, kill_after):
            kind, *rest = line.split()
            if kind == "patient":
                patients.append(uuid.UUID(rest[0]))
            elif kind == "answer":
                answers.setdefault(uuid.UUID(rest[0]), {})[rest[1]] = int(rest[2])

        store = Store.unlock(data_dir, PASSPHRASE)  # reopening always succeeds
        try:
            store.check_integrity()
            for patient_id in patients:
                store.patients.get_patient(patient_id)
            for assessment_id, expected in answers.items():
                stored = _answers(store, assessment_id)
                assert {k: stored.get(k) for k in expected} == expected
        finally:
            store.close()
    assert len(patients) + sum(len(a) for a in answers.values()) >= sum(runs)


def _answers(store: Store, assessment_id: uuid.UUID) -> dict[str, int]:
    for draft in store.visits.list_drafts():
        visit = store.visits.get_visit(draft.visit_id)
        for assessment in visit.assessments:
            if assessment.id == assessment_id:
                return dict(assessment.answers)
    raise AssertionError("assessment lost")
