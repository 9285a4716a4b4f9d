"""LetterService: the letters' context from the store, PDFs stored, gaps explained."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime

import pytest

from icope_desktop.i18n import Text
from icope_desktop.services.letters import LetterService
from icope_desktop.services.visits import VisitService
from icope_desktop.store import Store
from icope_desktop.store.records import (
    CarePlanEntry,
    GpData,
    Identity,
    InsStatus,
    PatientData,
    PractitionerData,
    Profession,
    Sex,
)
from icope_desktop.store.vault import FLOOR_KDF

PASSPHRASE = "Tilleul-Loire-2024!"
NOW = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
STEP1 = {
    "C1": True, "C2": "correct", "C3": "correct", "C4": 3,
    "L1_completed": True, "L1_used_arms": False, "L1_time_s": 15.5,
    "N1": "non", "N2": False, "V1": False,
    "H1_method": "whisper", "H1_whisper_R": "pass", "H1_whisper_L": "pass",
    "P1": False, "P2": False,
}  # fmt: skip


def _ins(body: str) -> str:
    return f"{body}{97 - int(body) % 97:02d}"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("letters-template") / "data"
    store, _ = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF, clock=lambda: NOW)
    store.close()
    return data_dir


@pytest.fixture
def store(template, tmp_path):
    shutil.copytree(template, tmp_path / "data")
    opened = Store.unlock(tmp_path / "data", PASSPHRASE, clock=lambda: NOW)
    yield opened
    opened.close()


def _profile(store, phone: str | None = "02 40 12 34 56") -> None:
    store.practitioner.save_profile(
        PractitionerData("Bourget", "Claire", Profession.NURSE, rpps="10101234567", phone=phone)
    )


def _patient(store, *, gp: bool = True, qualified: bool = True):
    gp_id = None
    if gp:
        gp_id = store.gps.create_gp(
            GpData(
                "Le Gall", "Hervé", rpps="10009876543", city="Nantes", postal_code="44200",
                email="herve.legall@medecin.mssante.fr",
            )
        )
    identity = Identity(
        "Martin", "Jeanne", date(1941, 5, 17), Sex.FEMALE, ins=_ins("2410544143021"),
        ins_status=InsStatus.QUALIFIED if qualified else InsStatus.VALIDATED,
    )  # fmt: skip
    return store.patients.create_patient(
        PatientData(
            identity, address="8 allée des Œillets", postal_code="44400", city="Rezé", gp_id=gp_id
        )
    )


def _final_visit(store, patient_id, *, on: date, step1=STEP1, plan=None, follow_up=None):
    visits = VisitService(store, lambda: NOW)
    visit_id = visits.start_visit(patient_id, performed_on=on)
    for item_id, value in step1.items():
        visits.save_answer(visit_id, "step1", item_id, value)
    outcome = visits.finalize(visit_id, plan or [], planned_follow_up=follow_up)
    return visit_id, outcome


def test_context_comes_from_the_store_and_the_stored_results(store):
    _profile(store)
    patient_id = _patient(store)
    _final_visit(store, patient_id, on=date(2024, 9, 2), step1=STEP1 | {"L1_time_s": 11.0})
    offered = Text(
        fr="Exercice multicomposante (renforcement progressif, équilibre, souplesse, endurance)",
        en="Multicomponent exercise (progressive resistance, balance, flexibility, aerobic)",
    )
    plan = [
        CarePlanEntry("locomotion", "LOCO_EXERCISE", offered),
        CarePlanEntry("locomotion", "LOCO_FALLS_HOME", Text(fr="Kiné 2×/sem", en="Kiné 2×/sem")),
        CarePlanEntry("general", "CUSTOM_1", Text(fr="Revoir à 3 mois", en="Revoir à 3 mois")),
    ]
    visit_id, outcome = _final_visit(
        store, patient_id, on=date(2025, 3, 10), plan=plan, follow_up=date(2025, 7, 1)
    )
    ctx = LetterService(store, lambda: NOW).context(visit_id, "fr")
    assert ctx.sender.rpps == "10101234567" and ctx.sender.profession.fr == "IDE"
    assert ctx.addressee.secure_mail == "herve.legall@medecin.mssante.fr"
    assert ctx.patient.ins == _ins("2410544143021")
    assert ctx.step1.result == outcome.results["step1"]
    assert ctx.evaluation == outcome.evaluation
    assert ctx.next_follow_up == date(2025, 7, 1)
    assert ctx.visit_place == "À domicile, Rezé"
    assert ctx.care_plan[0].text == offered and ctx.care_plan[0].code == "LOCO_EXERCISE"
    assert ctx.care_plan[1].text.fr == "Kiné 2×/sem"
    assert [p.visit_date for p in ctx.history] == [date(2024, 9, 2)]


def _pdf_text(pdf: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_both_letters_print_the_follow_up_date_the_practitioner_planned(store):
    _profile(store)
    visit_id, outcome = _final_visit(
        store, _patient(store), on=date(2025, 3, 10), follow_up=date(2025, 6, 16)
    )
    assert outcome.evaluation.next_step1_due == date(2025, 9, 10)  # the engine's date
    batch = LetterService(store, lambda: NOW).generate(visit_id, "fr")
    for kind in ("gp_letter", "patient_summary"):
        text = " ".join(_pdf_text(batch.pdfs[kind]).split())
        assert "16 juin 2025" in text, kind
        assert "10 septembre 2025" not in text, kind


def test_ins_is_left_out_unless_the_identity_is_qualified(store):
    _profile(store)
    patient_id = _patient(store, qualified=False)
    visit_id, _ = _final_visit(store, patient_id, on=date(2025, 3, 10))
    assert LetterService(store, lambda: NOW).context(visit_id).patient.ins is None


def test_generate_stores_both_pdfs(store):
    _profile(store)
    visit_id, _ = _final_visit(store, _patient(store), on=date(2025, 3, 10))
    batch = LetterService(store, lambda: NOW).generate(visit_id, "fr")
    assert set(batch.pdfs) == {"gp_letter", "patient_summary"} and not batch.problems
    for kind, pdf in batch.pdfs.items():
        assert store.letters.get_letter(visit_id, kind, "fr").pdf == pdf
        assert pdf.startswith(b"%PDF-")


def test_missing_gp_and_phone_are_explained_with_where_to_fix(store):
    _profile(store, phone=None)
    visit_id, _ = _final_visit(store, _patient(store, gp=False), on=date(2025, 3, 10))
    batch = LetterService(store, lambda: NOW).generate(visit_id, "fr")
    assert not batch.pdfs
    assert "addressee" in batch.problems["gp_letter"].fields
    assert "sender.phone" in batch.problems["patient_summary"].fields
    assert batch.fix_targets() == {"patient", "profile"}
    assert any("médecin traitant" in m for m in batch.problems["gp_letter"].messages("fr"))


def test_a_draft_has_no_letter(store):
    _profile(store)
    visits = VisitService(store, lambda: NOW)
    visit_id = visits.start_visit(_patient(store))
    batch = LetterService(store, lambda: NOW).generate(visit_id)
    assert not batch.pdfs and batch.fix_targets() == {"visit"}


def test_gp_letter_sender_block_has_the_practice_address(store):
    store.practitioner.save_profile(
        PractitionerData(
            "Bourget", "Claire", Profession.NURSE, rpps="10101234567", phone="02 40 12 34 56",
            address="4 rue de la Paix", postal_code="44000", city="Nantes",
        )
    )  # fmt: skip
    visit_id, _ = _final_visit(store, _patient(store), on=date(2025, 3, 10))
    service = LetterService(store, lambda: NOW)
    assert service.context(visit_id).sender.address == ("4 rue de la Paix", "44000 Nantes")
    text = _pdf_text(service.generate(visit_id, "fr").pdfs["gp_letter"])
    assert "4 rue de la Paix" in text and "44000 Nantes" in text


def test_recorded_item9_action_is_in_the_letters_language_and_not_for_the_patient(store):
    """Audit s12: the action recorded in French reads in English in the English GP
    letter; the nurse's own words stay as typed, marked as theirs; the patient summary
    shows neither."""
    from icope_desktop.services.visits import RECOMMENDATIONS_BY_CODE, UrgentActionRecord

    _profile(store)
    urgent = UrgentActionRecord(
        ("safety_assessed", "gp_contacted"), "Fille présente ce soir",
        datetime(2025, 3, 10, 10, 40),
    )
    safety = RECOMMENDATIONS_BY_CODE["PSY_ITEM9_SAFETY"]
    plan = [CarePlanEntry("psychological", safety.code, safety.label,
                          urgent.describe().fr)]  # fmt: skip
    visit_id, _ = _final_visit(store, _patient(store), on=date(2025, 3, 10), plan=plan)
    service = LetterService(store, lambda: NOW)
    line = service.context(visit_id).care_plan[0]
    assert line.text.en == (
        f"{safety.label.en} — Safety assessed at once (plan, means, intent); GP contacted the "
        "same day; Fille présente ce soir (noted by Claire BOURGET) (on 10 Mar 2025 at 10:40)"
    )
    assert line.text.fr.endswith(
        "Médecin traitant contacté le jour même ; Fille présente ce soir (noté par Claire "
        "BOURGET) (le 10/03/2025 à 10\u00a0h\u00a040)"
    )
    for lang in ("en", "fr"):
        batch = service.generate(visit_id, lang)
        gp = " ".join(_pdf_text(batch.pdfs["gp_letter"]).split())
        patient = " ".join(_pdf_text(batch.pdfs["patient_summary"]).split())
        expected = "GP contacted the same day" if lang == "en" else "Médecin traitant contacté"
        assert expected in gp
        assert "Sécurité évaluée" not in (gp if lang == "en" else patient)
        for clinical in ("Safety assessed", "Sécurité évaluée", "Fille présente", "10:40"):
            assert clinical not in patient, clinical


def test_two_finalized_visits_the_same_day_still_make_letters(store):
    """Audit: the letter was refused ('vérifiez les dates') though visit dates cannot be
    edited. The trend keeps the day's visit finalized last."""
    from datetime import timedelta

    _profile(store)
    patient_id = _patient(store)
    ticks = iter(NOW + timedelta(minutes=n) for n in range(1000))
    clock = lambda: next(ticks)  # noqa: E731
    visits = VisitService(store, clock)
    _final_visit(store, patient_id, on=date(2024, 9, 2))
    day = date(2025, 3, 10)
    ids = []
    for l1_time in (11.0, 16.4):
        visit_id = visits.start_visit(patient_id, performed_on=day)
        for item_id, value in (STEP1 | {"L1_time_s": l1_time}).items():
            visits.save_answer(visit_id, "step1", item_id, value)
        visits.finalize(visit_id, [])
        ids.append(visit_id)
    service = LetterService(store, clock)
    for visit_id in ids:
        batch = service.generate(visit_id, "fr")
        assert set(batch.pdfs) == {"gp_letter", "patient_summary"}, batch.problems
        text = " ".join(_pdf_text(batch.pdfs["gp_letter"]).split())
        assert "02/09/2024 10/03/2025" in text and "10/03/2025 10/03/2025" not in text
    assert [p.visit_date for p in service.context(ids[1]).history] == [date(2024, 9, 2), day]


def test_letters_name_the_profession_without_bracketed_endings(store):
    """Audit: letters printed « Infirmier(ère) » (the settings' label for both sexes)."""
    from icope_desktop.services.letters import letter_profession
    from icope_desktop.services.session import PROFESSION_LABELS

    for profession in PROFESSION_LABELS:
        label = letter_profession(profession)
        assert label.fr and label.en and "(" not in label.fr + label.en, profession
    _profile(store)
    visit_id, _ = _final_visit(store, _patient(store), on=date(2025, 3, 10))
    batch = LetterService(store, lambda: NOW).generate(visit_id, "fr")
    for kind, pdf in batch.pdfs.items():
        text = " ".join(_pdf_text(pdf).split())
        assert "Infirmier(ère)" not in text and "(ère)" not in text, kind
    assert "Claire BOURGET — IDE — Tél." in " ".join(
        _pdf_text(batch.pdfs["patient_summary"]).split()
    )


def test_the_letter_is_said_to_be_sent_only_when_a_server_is_set(store):
    """Audit item 5: « envoyés au médecin traitant à la prochaine synchronisation » was
    shown with no regional server configured."""
    from icope_desktop.services.letters import NO_SERVER_TO_SEND, SENT_ON_SYNC
    from icope_desktop.store.settings import SettingKey

    _profile(store)
    visit_id, _ = _final_visit(store, _patient(store), on=date(2025, 3, 10))
    service = LetterService(store, lambda: NOW)
    offline = service.generate(visit_id, "fr")
    assert not offline.server_configured and offline.delivery == NO_SERVER_TO_SEND
    assert "prochaine synchronisation" not in offline.delivery.fr
    store.settings.set(SettingKey.SERVER_URL, "https://icope.ars-pdl.example.fr")
    online = service.generate(visit_id, "fr")
    assert online.server_configured and online.delivery == SENT_ON_SYNC
    no_gp_letter = service.generate(visit_id, "fr", kinds=("patient_summary",))
    assert no_gp_letter.delivery is None
