"""Child process of test_crash_safety: writes records and reports each commit on stdout.

Run as `python crash_writer.py DATA_DIR KEY_HEX SEED COUNT`. It opens the store with the
already unwrapped data key (no Argon2id: the parent kills it many times), then commits
COUNT records one transaction each: new patients, and answers autosaved into a draft
visit. A line is printed only after its commit returned.
"""

from __future__ import annotations

import random
import sys
from datetime import date
from pathlib import Path

from icope_desktop.store.engine import open_encrypted_engine
from icope_desktop.store.migrations import upgrade_to_head
from icope_desktop.store.records import Identity, PatientData, Sex, VisitKind
from icope_desktop.store.repositories import Repositories


def main() -> None:
    data_dir, key_hex, seed, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(seed)
    engine = open_encrypted_engine(Path(data_dir) / "icope.db", bytes.fromhex(key_hex))
    upgrade_to_head(engine)
    repos = Repositories(engine)
    anchor = repos.patients.create_patient(
        PatientData(Identity(f"Ancre{seed}", "Test", date(1950, 1, 1), Sex.FEMALE))
    )
    visit = repos.visits.start_visit(anchor, VisitKind.STEP1)
    assessment = repos.visits.open_assessment(visit, "phq9")
    print(f"ready {assessment}", flush=True)
    for n in range(count):
        if rng.random() < 0.6:
            name = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
            born = date(rng.randint(1925, 1964), rng.randint(1, 12), rng.randint(1, 28))
            patient = repos.patients.create_patient(
                PatientData(Identity(name.title(), "Crash", born, Sex.MALE))
            )
            print(f"patient {patient}", flush=True)
        else:
            item, value = f"s{seed}_q{n}", rng.randint(0, 3)
            repos.visits.save_draft_answer(assessment, item, value)
            print(f"answer {assessment} {item} {value}", flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
