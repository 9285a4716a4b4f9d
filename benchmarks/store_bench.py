"""Store benchmark: encrypted (SQLCipher) vs plain SQLite, same schema, same run.

    .venv/bin/python benchmarks/store_bench.py                    # 20,000 patients, 60,000 visits
    .venv/bin/python benchmarks/store_bench.py --patients 2000 --visits 6000 --no-unlock

Issue 3 figures: the same workload on the encrypted store and on plain SQLite (stdlib
`sqlite3` through SQLAlchemy, same schema from the same migrations, same pragmas), with
the ratio encrypted/plain (target <= 1.3); patient search as you type (p50/p95, target
p95 <= 30 ms); unlock time with the calibrated Argon2id cost (KDF + open + migration
check). Every visit carries assessments for all eight instruments, with answers and
results shaped like the screening core's JSON.

Phases: `load` (patients through the repository API in batches of 500; visits with their
assessments, care plans and billing lines in batches of 250 per transaction), `api`
(single-transaction user actions: autosave, finalize, reading visits, drafts, due
follow-ups, duplicate checks), `search` (every prefix of names and birth dates).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, insert, select, update

from icope_desktop.i18n import Text
from icope_desktop.store.engine import POOL_OPTIONS, apply_pragmas, install_transaction_control
from icope_desktop.store.local_store import Store
from icope_desktop.store.migrations import upgrade_to_head
from icope_desktop.store.models import (
    AssessmentRow,
    BillingLineRow,
    CarePlanItemRow,
    OutboxRow,
    PatientRow,
    VisitRow,
)
from icope_desktop.store.records import (
    CarePlanEntry,
    Identity,
    PatientData,
    PractitionerData,
    Profession,
    RecordStatus,
    Sex,
    VisitKind,
    new_id,
)
from icope_desktop.store.repositories import Repositories
from icope_desktop.store.vault import calibrate_kdf

PASSPHRASE = "Benchmark-Loire-2025!"


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FAMILY = _names(
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier Chevalier "
    "François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry Roussel Mathieu "
    "Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer Dufour Meunier Brun "
    "Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud Martínez Gérard Roche "
    "Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre Aubert Lemoine Renaud Dumas "
    "Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey Leclerc Payet Rolland Leclercq "
    "Guillaume Lecomte López Jean Dupuy Guillot Hubert Berger Carpentier Sanchez Dupuis Moulin "
    "Louis Deschamps Huet Vasseur Perez Boucher Fleury Royer Klein Jacquet Adam Paris Poirier "
    "Marty Aubry Guyot Carré Charles Renault Charpentier Ménard Maillard Baron Bertin Bailly "
    "Hervé Schneider Fernandez Le Gall Collet Léger Bouvier Julien Prévost Millet Perrot Daniel "
    "Le Roux Cousin Germain Breton Besson Langlois Rémy Le Goff Pelletier Lévêque Perrier "
    "Leblanc Barré Lebrun Marchal Weber Mallet Hamon Boulanger Jacob Monnier Michaud Rodriguez "
    "Guichard Gillet Étienne Grondin Poulain Tessier Chevallier Collin Chauvin Da Silva Bouchet "
    "Gay Lemaître Bénard Maréchal Humbert Reynaud Antoine Hoarau Perret Barthélemy Cordier "
    "Pichon Lejeune Gilbert Lamy Delaunay Pasquier Carlier Laporte N'Diaye Nguyen Diallo"
)
GIVEN_F = _names(
    "Marie Jeanne Françoise Monique Catherine Nicole Jacqueline Anne Sylvie Isabelle "
    "Christiane Martine Nathalie Madeleine Simone Denise Suzanne Marie-Thérèse Hélène Odette "
    "Yvette Colette Josiane Danielle Geneviève Thérèse Paulette Éliane Lucienne Aïcha"
)
GIVEN_M = _names(
    "Jean Pierre Michel André Philippe René Louis Alain Jacques Bernard Marcel Daniel Roger "
    "Robert Paul Claude Christian Henri Georges Nicolas François Patrick Gérard Yves Joseph "
    "Jean-Pierre Jean-Claude Maurice Lucien Mohamed"
)
CITIES = ("Nantes", "Angers", "Le Mans", "Saint-Nazaire", "Cholet", "Laval", "Saumur", "Rezé")


# --- realistic JSON -------------------------------------------------------------------


def _na(rng: random.Random) -> dict[str, Any]:
    return {"not_assessable": {"reason": rng.choice(["refused", "fatigue", "sensory"])}}


def answers_for(instrument: str, rng: random.Random) -> dict[str, Any]:
    """Answers keyed by the screening core's item ids (docs/ARCHITECTURE.md "Item ids")."""
    pick, num = rng.choice, rng.randint
    if instrument == "step1":
        return {
            "C1": pick([True, False]), "C2": pick(["correct", "incorrect", "ne_sait_pas"]),
            "C3": pick(["correct", "incorrect"]), "C4": num(0, 3),
            "L1_completed": rng.random() > 0.1, "L1_used_arms": rng.random() < 0.2,
            "L1_time_s": round(rng.uniform(7, 25), 2),
            "N1": pick(["oui", "non", "ne_sait_pas"]), "N1_kg_lost": round(rng.uniform(0, 6), 1),
            "N2": rng.random() < 0.3, "V1": rng.random() < 0.4, "H1_method": "whisper",
            "H1_whisper_R": pick(["pass", "fail"]), "H1_whisper_L": pick(["pass", "fail"]),
            "P1": rng.random() < 0.3, "P2": rng.random() < 0.3,
        }
    if instrument == "mmse":
        answers: dict[str, Any] = {"MMSE_NSC": num(1, 4), "MMSE_OT": num(0, 5)}
        answers |= {"MMSE_OP": num(0, 5), "MMSE_REG": num(0, 3), "MMSE_ATT": num(0, 5)}
        answers |= {"MMSE_REC": num(0, 3), "MMSE_NAM": num(0, 2), "MMSE_REP": num(0, 1)}
        answers |= {"MMSE_CMD": num(0, 3), "MMSE_READ": num(0, 1), "MMSE_WRITE": num(0, 1)}
        answers["MMSE_COPY"] = num(0, 1) if rng.random() > 0.05 else _na(rng)
        return answers
    if instrument in ("mna_sf", "mna"):
        answers = {k: num(0, 2) for k in "ABCDE"} | {
            "F1_weight_kg": round(rng.uniform(45, 95), 1), "F1_height_cm": num(148, 185),
        }
        if instrument == "mna":
            answers |= {k: num(0, 1) for k in "GHI"} | {"J": num(0, 2)}
            answers |= {"K_dairy": pick([True, False]), "K_legumes_eggs": pick([True, False])}
            answers |= {"K_meat": pick([True, False])} | {k: num(0, 2) for k in "LMNOP"}
            answers |= {"Q": round(rng.uniform(19, 32), 1), "R": round(rng.uniform(26, 40), 1)}
        return answers
    if instrument == "sppb":
        return {
            "B1": 10.0, "B2": round(rng.uniform(3, 10), 2), "B3": round(rng.uniform(0, 10), 2),
            "GAIT_course_m": 4, "GAIT_t1_s": round(rng.uniform(3, 9), 2),
            "GAIT_t2_s": round(rng.uniform(3, 9), 2), "GAIT_aid": pick(["none", "cane"]),
            "CHAIR_pretest": True,
            "CHAIR_time_s": round(rng.uniform(9, 20), 2) if rng.random() > 0.1
            else {"not_assessable": {"reason": "2", "note": None}},
        }
    if instrument == "snellen":
        acuities = ["10/10", "8/10", "6/10", "4/10", "2/10"]
        return {
            "VA_notation": "monoyer", "VA_correction": pick(["with", "without"]),
            "VA_distance_m": 5, "VA_OD": pick(acuities), "VA_OG": pick(acuities),
            "VA_OU": pick(acuities), "VA_near_notation": "parinaud", "VA_near_value": "P2",
        }
    if instrument == "phq9":
        answers = {f"Q{i}": num(0, 3) for i in range(1, 10)}
        answers["Q10"] = pick(["not_difficult", "somewhat", "very", "extremely"])
        return answers
    answers = {"HEAR_method": "audiometry", "HEAR_red_flags": []}
    answers |= {f"PTA_{e}_{f}": num(0, 70) for e in "RL" for f in (500, 1000, 2000, 4000)}
    answers |= {f"WHISPER_{e}_A{n}": pick(["pass", "fail"]) for e in "RL" for n in (1, 2)}
    return answers


INSTRUMENTS = ("step1", "mmse", "mna_sf", "mna", "sppb", "snellen", "phq9", "hearing")


def result_for(instrument: str, rng: random.Random) -> dict[str, Any]:
    total = rng.randint(0, 30)
    altered = rng.random() < 0.35
    return {
        "instrument": instrument,
        "total": total,
        "max_total": 30,
        "valid": True,
        "band": {
            "code": "altered" if altered else "normal",
            "label": {
                "fr": "Altérée" if altered else "Normale",
                "en": "Altered" if altered else "Normal",
            },
        },
        "altered": altered,
        "alerts": [
            {
                "code": "STEP2_REQUIRED",
                "severity": "normal",
                "message": {"fr": "Programmer l'étape 2", "en": "Schedule Step 2"},
            }
        ]
        if altered
        else [],
        "missing": [],
        "not_assessable": [],
        "ruleset_version": "icope-rules-0.1",
    }


def identity(rng: random.Random) -> PatientData:
    female = rng.random() < 0.62
    first = " ".join(rng.sample(GIVEN_F if female else GIVEN_M, rng.choice([1, 1, 2])))
    birth = rng.choice(FAMILY)
    used = rng.choice(FAMILY) if female and rng.random() < 0.5 else None
    born = date(rng.randint(1925, 1964), rng.randint(1, 12), rng.randint(1, 28))
    return PatientData(
        identity=Identity(birth, first, born, Sex.FEMALE if female else Sex.MALE, used_name=used),
        address=f"{rng.randint(1, 120)} rue des Lilas",
        postal_code=f"{rng.choice([44, 49, 53, 72, 85])}{rng.randint(0, 999):03d}",
        city=rng.choice(CITIES),
        phone=f"06{rng.randint(0, 99_999_999):08d}",
        consent_given=True,
        lives_at_home=True,
        autonomous=True,
    )


# --- engines --------------------------------------------------------------------------


def plain_engine(path: Path) -> Engine:
    """stdlib sqlite3 through SQLAlchemy, with the store's own pragmas and BEGIN control."""
    engine = create_engine(
        f"sqlite+pysqlite:///{path}", module=sqlite3, hide_parameters=True, **POOL_OPTIONS
    )

    @event.listens_for(engine, "connect", insert=True)
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        apply_pragmas(dbapi_connection)

    install_transaction_control(engine)
    return engine


# --- workload -------------------------------------------------------------------------


class Timer:
    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.samples: dict[str, list[float]] = {}

    def sample(self, name: str, fn: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - began
        self.samples.setdefault(name, []).append(elapsed)
        self.phases[name] = self.phases.get(name, 0.0) + elapsed
        return value


@dataclass
class Side:
    """One database under test. Both sides get the same operations, interleaved one by
    one, so a load change on the machine (other processes) hits both alike."""

    name: str
    repos: Repositories
    timer: Timer = field(default_factory=Timer)
    patients: list[uuid.UUID] = field(default_factory=list)
    by: uuid.UUID | None = None


def each(sides: list[Side], name: str, fn: Callable[[Side], Any]) -> list[Any]:
    return [side.timer.sample(name, lambda s=side: fn(s)) for side in sides]


def load(sides: list[Side], args: argparse.Namespace) -> list[uuid.UUID]:
    rng = random.Random(args.seed)
    for side in sides:
        side.by = side.repos.practitioner.save_profile(
            PractitionerData("Durand", "Claire", Profession.NURSE, rpps="10003456789")
        )
    people = [identity(rng) for _ in range(args.patients)]
    for start in range(0, len(people), 500):
        batch = people[start : start + 500]
        for side, ids in zip(sides, each(sides, "load: patients (500/tx)",
                                         lambda s, b=batch: s.repos.patients.create_patients(b)),
                             strict=True):
            side.patients += ids
    visits: list[uuid.UUID] = []
    now = datetime(2025, 3, 1, tzinfo=UTC)
    for start in range(0, args.visits, 250):
        plan = _visit_plan(rng, len(people), now, min(250, args.visits - start))
        visits += [row["id"] for row in plan["visit"]]
        each(sides, "load: visits (250/tx)", lambda s, p=plan: _insert_visits(s, p))
    return visits


def _visit_plan(rng, patient_count, now, count) -> dict[str, list[dict[str, Any]]]:
    """Rows for `count` final visits; patients are indexes, resolved per side."""
    kinds = ("visit", "assessment", "care", "bill", "outbox")
    out: dict[str, list[dict[str, Any]]] = {k: [] for k in kinds}
    for _ in range(count):
        visit_id = new_id()
        patient = rng.randrange(patient_count)
        day = date(2023, 1, 1) + timedelta(days=rng.randint(0, 790))
        domains = ("cognition", "locomotion", "vitality", "vision", "hearing", "psychological")
        out["visit"].append(
            {
                "id": visit_id, "patient_id": patient, "kind": VisitKind.STEP1,
                "status": RecordStatus.DRAFT, "performed_on": day, "version": 1,
                "root_id": visit_id, "position": {"instrument": "hearing", "item": "HEAR_method"},
                "evaluation": {
                    "domains": {d: rng.choice(["normal", "altered"]) for d in domains},
                    "next_step1_due": (day + timedelta(days=182)).isoformat(),
                },
                "started_at": now, "created_at": now, "updated_at": now,
            }
        )
        for instrument in INSTRUMENTS:
            out["assessment"].append(
                {
                    "id": new_id(), "visit_id": visit_id, "instrument_id": instrument,
                    "answers": answers_for(instrument, rng),
                    "result": result_for(instrument, rng),
                    "status": RecordStatus.DRAFT, "created_at": now, "updated_at": now,
                }
            )
        for position, code in enumerate(("LOCO_EXERCISE", "VISION_EYE_CARE")):
            out["care"].append(
                {
                    "id": new_id(), "visit_id": visit_id, "position": position,
                    "domain": "locomotion", "code": code, "label_fr": "Exercice multicomposante",
                    "label_en": "Multicomponent exercise", "note": None, "created_at": now,
                }
            )
        for act in ("ICOPE_STEP1", "ICOPE_STEP2"):
            line = new_id()
            out["bill"].append(
                {
                    "id": line, "act_code": act, "source_kind": "visit", "source_id": visit_id,
                    "act_date": day, "patient_id": patient, "practitioner_rpps": "10003456789",
                    "amount_cents": None, "tariff_valid_from": date(2023, 1, 1),
                    "created_at": now,
                }
            )
            out["outbox"].append(_outbox("billing_line", line, now))
        out["outbox"].append(_outbox("visit", visit_id, now))
    return out


def _outbox(entity: str, entity_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    return {
        "key": new_id(), "entity": entity, "entity_id": entity_id, "revision": 1,
        "status": "sent", "attempts": 1, "created_at": now, "updated_at": now, "sent_at": now,
    }


def _insert_visits(side: Side, plan: dict[str, list[dict[str, Any]]]) -> None:
    """One transaction per batch; children first, then the visits become final."""
    visits = [{**row, "patient_id": side.patients[row["patient_id"]]} for row in plan["visit"]]
    bills = [
        {**row, "patient_id": side.patients[row["patient_id"]], "practitioner_id": side.by}
        for row in plan["bill"]
    ]
    ids = [row["id"] for row in visits]
    with side.repos.db.writing() as session:
        session.execute(insert(VisitRow), visits)
        session.execute(insert(AssessmentRow), plan["assessment"])
        session.execute(insert(CarePlanItemRow), plan["care"])
        session.execute(insert(BillingLineRow), bills)
        session.execute(insert(OutboxRow), [dict(row) for row in plan["outbox"]])
        session.execute(
            update(AssessmentRow)
            .where(AssessmentRow.visit_id.in_(ids))
            .values(status=RecordStatus.FINAL)
        )
        session.execute(
            update(VisitRow)
            .where(VisitRow.id.in_(ids))
            .values(status=RecordStatus.FINAL, finalized_at=visits[0]["created_at"])
        )
        # What finalize_visit keeps up to date, done here for the bulk-loaded visits.
        last_step1 = (
            select(func.max(VisitRow.performed_on))
            .where(VisitRow.patient_id == PatientRow.id, VisitRow.status == RecordStatus.FINAL)
            .scalar_subquery()
        )
        last_visit = (
            select(func.max(VisitRow.performed_on))
            .where(VisitRow.patient_id == PatientRow.id)
            .scalar_subquery()
        )
        session.execute(
            update(PatientRow)
            .where(PatientRow.id.in_({row["patient_id"] for row in visits}))
            .values(last_step1_on=last_step1, last_visit_on=last_visit)
        )


def _user_visit(sides: list[Side], rng: random.Random, index: int) -> None:
    """A nurse's visit through the API: start, autosave every answer, finalize."""
    drafts = each(sides, "api: start visit", lambda s: s.repos.visits.start_visit(
        s.patients[index], VisitKind.STEP1, instruments=["step1", "phq9"]))
    for instrument in ("step1", "phq9"):
        opened = [
            s.repos.visits.open_assessment(v, instrument)
            for s, v in zip(sides, drafts, strict=True)
        ]
        for item, value in answers_for(instrument, rng).items():
            for side, assessment in zip(sides, opened, strict=True):
                side.timer.sample(
                    "api: autosave answer",
                    lambda s=side, a=assessment, i=item, v=value: (
                        s.repos.visits.save_draft_answer(a, i, v)
                    ),
                )
    for side, visit in zip(sides, drafts, strict=True):
        side.timer.sample("api: save position", lambda s=side, v=visit:
                          s.repos.visits.save_visit_position(v, {"item": "Q10"}))
    results = {"step1": result_for("step1", rng), "phq9": result_for("phq9", rng)}
    plan = [CarePlanEntry("psychological", "PSY_BRIEF_CBT", Text("TCC brève", "Brief CBT"))]
    for side, visit in zip(sides, drafts, strict=True):
        side.timer.sample("api: finalize visit", lambda s=side, v=visit:
                          s.repos.visits.finalize_visit(
                              v, results=results, evaluation={"altered_count": 1},
                              care_plan=plan, finalized_by=s.by))


def api_workload(sides: list[Side], visits: list[uuid.UUID], args: argparse.Namespace) -> None:
    rng = random.Random(args.seed + 1)
    for _ in range(args.finalize):
        _user_visit(sides, rng, rng.randrange(len(sides[0].patients)))
    for visit in rng.sample(visits, min(args.reads, len(visits))):
        each(sides, "api: open visit", lambda s, v=visit: s.repos.visits.get_visit(v))
    for index in rng.sample(range(len(sides[0].patients)), min(args.reads, args.patients)):
        each(sides, "api: patient history",
             lambda s, i=index: s.repos.visits.list_visits(s.patients[i]))
        each(sides, "api: open patient",
             lambda s, i=index: s.repos.patients.get_patient(s.patients[i]))
    for _ in range(5):
        each(sides, "api: list drafts", lambda s: s.repos.visits.list_drafts())
        each(sides, "api: due follow-ups",
             lambda s: s.repos.visits.list_due_followups(date(2025, 3, 1)))
    for _ in range(args.reads // 2):
        typed = identity(rng).identity
        each(sides, "api: duplicate check",
             lambda s, t=typed: s.repos.patients.find_possible_duplicates(t))


def search_queries(side: Side, args: argparse.Namespace) -> list[str]:
    rng = random.Random(args.seed + 2)
    queries: list[str] = []
    for patient in rng.sample(side.patients, min(args.search_people, len(side.patients))):
        person = side.repos.patients.get_patient(patient).identity
        names = (person.birth_name, person.used_name, person.first_names)
        name = rng.choice([n for n in names if n])
        queries += [name[:n] for n in range(1, len(name) + 1)]  # typed letter by letter
        born = person.birth_date.strftime("%d/%m/%Y")
        queries += [born[:n] for n in (1, 2, 4, 5, 7, 10)]
        queries.append(f"{person.birth_name[:3]} {born[:5]}")
    return queries


def workload(sides: list[Side], args: argparse.Namespace) -> None:
    print(f"  loading {args.patients} patients, {args.visits} visits ...", flush=True)
    visits = load(sides, args)
    print("  user actions ...", flush=True)
    api_workload(sides, visits, args)
    queries = search_queries(sides[0], args)
    print(f"  {len(queries)} searches ...", flush=True)
    for query in queries:
        each(sides, "search: as you type", lambda s, q=query: s.repos.patients.search_patients(q))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def report(encrypted: Timer, plain: Timer, sizes: dict[str, int]) -> None:
    print("\nphase                          encrypted s    plain s   ratio")
    total_e = total_p = 0.0
    for name in encrypted.phases:
        e, p = encrypted.phases[name], plain.phases[name]
        total_e, total_p = total_e + e, total_p + p
        print(f"{name:<30} {e:>11.3f} {p:>10.3f} {e / p:>7.2f}")
    total = "TOTAL (same workload)"
    print(f"{total:<30} {total_e:>11.3f} {total_p:>10.3f} {total_e / total_p:>7.2f}")
    print("\nper call (ms)                  enc p50  enc p95  plain p50  plain p95")
    for name, values in encrypted.samples.items():
        other = plain.samples[name]
        e50, e95 = statistics.median(values) * 1e3, percentile(values, 0.95) * 1e3
        p50, p95 = statistics.median(other) * 1e3, percentile(other, 0.95) * 1e3
        print(f"{name:<30} {e50:>7.2f} {e95:>8.2f} {p50:>10.2f} {p95:>10.2f}")
    search = encrypted.samples["search: as you type"]
    print(
        f"\nsearch as you type (encrypted, {len(search)} queries): "
        f"p50 {statistics.median(search) * 1e3:.2f} ms, "
        f"p95 {percentile(search, 0.95) * 1e3:.2f} ms, "
        f"max {max(search) * 1e3:.2f} ms (target p95 <= 30 ms)"
    )
    print(
        f"database size: encrypted {sizes['encrypted'] / 1e6:.1f} MB, "
        f"plain {sizes['plain'] / 1e6:.1f} MB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=60_000)
    parser.add_argument("--finalize", type=int, default=40, help="visits finalized via the API")
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--search-people", type=int, default=150)
    parser.add_argument("--seed", type=int, default=20250310)
    parser.add_argument("--no-unlock", action="store_true", help="skip calibration and unlock")
    parser.add_argument("--keep", type=Path, default=None, help="keep the databases here")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="icope-bench-")) if args.keep is None else args.keep
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"SQLCipher store vs stdlib sqlite3 {sqlite3.sqlite_version} (same schema), in {workdir}")
    try:
        kdf_seconds = None
        if args.no_unlock:
            from icope_desktop.store.vault import FLOOR_KDF

            params = FLOOR_KDF
        else:
            began = time.perf_counter()
            params = calibrate_kdf()
            kdf_seconds = time.perf_counter() - began
        store, _recovery = Store.create(workdir / "encrypted", PASSPHRASE, kdf=params)
        engine = plain_engine(workdir / "plain.db")
        upgrade_to_head(engine)
        plain_repos = Repositories(engine)
        sides = [Side("encrypted", store.repos), Side("plain", plain_repos)]
        workload(sides, args)
        store.close()
        plain_repos.close()
        encrypted, plain = sides[0].timer, sides[1].timer

        sizes = {
            "encrypted": (workdir / "encrypted" / "icope.db").stat().st_size,
            "plain": (workdir / "plain.db").stat().st_size,
        }
        report(encrypted, plain, sizes)

        if not args.no_unlock:
            print(
                f"\nArgon2id calibrated at set-up: {params.memory_kib // 1024} MiB, "
                f"t={params.iterations}, p={params.lanes} (calibration took {kdf_seconds:.1f} s)"
            )
            timings = []
            for _ in range(3):
                began = time.perf_counter()
                Store.unlock(workdir / "encrypted", PASSPHRASE).close()
                timings.append(time.perf_counter() - began)
            print(
                "unlock (KDF + open + migration check) on the full store: "
                + ", ".join(f"{t:.3f} s" for t in timings)
            )
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
