"""PatientService: the form's text becomes a patient, or is refused whole, field by field."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from store.factories import PASSPHRASE, Clock

from icope_desktop.services.container import build_services
from icope_desktop.services.identifiers import luhn_check_digit
from icope_desktop.services.patients import (
    DATE_FUTURE,
    DATE_YEAR,
    REQUIRED,
    GpForm,
    InvalidDateError,
    PatientForm,
    assess_eligibility,
    parse_date,
)
from icope_desktop.store import Store
from icope_desktop.store.errors import InvalidData
from icope_desktop.store.records import (
    AlertDecision,
    PractitionerData,
    Profession,
    PulledAlertTask,
    Sex,
    VisitKind,
)
from icope_desktop.store.vault import FLOOR_KDF

TODAY = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("patients-template") / "data"
    store, _key = Store.create(data_dir, PASSPHRASE, kdf=FLOOR_KDF)
    store.close()
    return data_dir


@pytest.fixture
def services(template, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(template, data_dir)
    clock = Clock(TODAY)
    store = Store.unlock(data_dir, PASSPHRASE, clock=clock)
    built = build_services(store, clock=clock)
    yield built
    built.close()


def jeanne(**changes) -> PatientForm:
    values = dict(
        birth_name="Lefèvre",
        first_names="Jeanne",
        birth_date="17/05/1948",
        sex=Sex.FEMALE,
        lives_at_home=True,
        autonomous=True,
        consent_given=True,
    )
    values.update(changes)
    return PatientForm(**values)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("17/05/1948", date(1948, 5, 17)),
        ("1/3/1948", date(1948, 3, 1)),
        ("01.03.1948", date(1948, 3, 1)),
        ("01-03-1948", date(1948, 3, 1)),
        ("01031948", date(1948, 3, 1)),
        (" 29/02/1948 ", date(1948, 2, 29)),
    ],
)
def test_dates_typed_the_french_way(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize("typed", ["31/02/1950", "29/02/1950", "00/01/1950", "12/13/1950"])
def test_impossible_dates_are_named(typed):
    with pytest.raises(InvalidDateError) as caught:
        parse_date(typed)
    assert typed in caught.value.message.fr


def test_two_digit_year_asks_for_four():
    with pytest.raises(InvalidDateError) as caught:
        parse_date("12/03/48")
    assert caught.value.message == DATE_YEAR


def test_parse_gives_the_store_input(services):
    data = services.patients.parse(jeanne(ins="", phone="02 40 12 34 56", postal_code="44000"))
    assert data.identity.birth_date == date(1948, 5, 17)
    assert data.identity.birth_name == "Lefèvre"
    assert data.consent_on == TODAY.date()
    assert data.eligibility_checked_on == TODAY.date()


def test_every_bad_field_is_reported_at_once_and_nothing_saved(services):
    form = jeanne(
        birth_name=" ",
        birth_date="31/02/1950",
        ins="1 37 04 76 243 484 16",
        phone="02 40 AB 34 56",
        postal_code="440",
    )
    with pytest.raises(InvalidData) as caught:
        services.patients.parse(form)
    assert set(caught.value.problems) == {"birth_name", "birth_date", "ins", "phone", "postal_code"}
    assert caught.value.problems["birth_name"] == REQUIRED
    assert services.patients.count() == 0


def test_future_birth_date_is_refused(services):
    with pytest.raises(InvalidData) as caught:
        services.patients.parse(jeanne(birth_date="11/03/2025"))
    assert caught.value.problems["birth_date"] == DATE_FUTURE


def test_sex_is_required(services):
    with pytest.raises(InvalidData) as caught:
        services.patients.parse(jeanne(sex=None))
    assert set(caught.value.problems) == {"sex"}


def test_create_then_duplicate_candidates_name_the_existing_file(services):
    first = services.patients.create(services.patients.parse(jeanne()))
    typed = services.patients.parse(jeanne(birth_name="Lefebvre"))
    candidates = services.patients.possible_duplicates(typed)
    assert [c.summary.id for c in candidates] == [first]
    assert candidates[0].summary.birth_name == "Lefèvre"
    assert any("naissance" in reason.fr for reason in candidates[0].reasons)
    # Editing the file itself does not count as its own duplicate.
    assert services.patients.possible_duplicates(typed, exclude=first) == []


def test_update_keeps_the_file_and_to_form_round_trips(services):
    patient_id = services.patients.create(services.patients.parse(jeanne(city="Nantes")))
    form = services.patients.to_form(services.patients.get(patient_id))
    assert form.birth_date == "17/05/1948" and form.city == "Nantes"
    services.patients.update(patient_id, services.patients.parse(replace(form, used_name="Martin")))
    assert services.patients.get(patient_id).identity.used_name == "Martin"


def test_search_by_prefix_and_birth_date(services):
    services.patients.create(services.patients.parse(jeanne()))
    assert [s.birth_name for s in services.patients.search("lef")] == ["Lefèvre"]
    assert [s.birth_name for s in services.patients.search("17/05/1948")] == ["Lefèvre"]
    assert services.patients.search("dup") == []


@pytest.mark.parametrize(
    ("birth", "home", "autonomous", "eligible", "mentions"),
    [
        (date(1948, 5, 17), True, True, True, ""),
        (date(1970, 5, 17), True, True, False, "60"),
        (date(1948, 5, 17), False, True, False, "domicile"),
        (date(1948, 5, 17), True, False, False, "dépendante"),
        (date(1948, 5, 17), None, True, None, "lieu de vie"),
        (date(1965, 3, 11), True, True, False, "59"),
        (date(1965, 3, 10), True, True, True, ""),
    ],
)
def test_eligibility_explains_why(birth, home, autonomous, eligible, mentions):
    verdict = assess_eligibility(birth, home, autonomous, TODAY.date())
    assert verdict.eligible is eligible
    assert mentions in verdict.explanation("fr")
    if eligible is False:
        assert "peut être enregistré" in verdict.explanation("fr")


def test_ineligible_patient_can_still_be_saved(services):
    patient_id = services.patients.create(services.patients.parse(jeanne(birth_date="01/01/1980")))
    opened = services.patients.open_file(patient_id)
    assert opened.eligibility.eligible is False


def test_gp_with_a_bad_rpps_key_is_refused_and_a_good_one_saved(services):
    payload = "1000345678"
    good = payload + luhn_check_digit(payload)
    bad = payload + str((int(good[-1]) + 1) % 10)
    with pytest.raises(InvalidData) as caught:
        services.patients.create_gp(GpForm("Morel", "Paul", rpps=bad, email="pas-une-adresse"))
    assert set(caught.value.problems) == {"rpps", "email"}
    assert services.patients.search_gps("mor") == []
    gp_id = services.patients.create_gp(
        GpForm("Morel", "Paul", rpps=good, email="paul.morel@medecin.mssante.fr")
    )
    assert [gp.id for gp in services.patients.search_gps("mor")] == [gp_id]


def test_home_lists_drafts_alerts_and_count(services):
    patient_id = services.patients.create(services.patients.parse(jeanne()))
    services.store.visits.start_visit(patient_id, VisitKind.STEP1, instruments=["step1"])
    services.store.alerts.upsert_pulled(
        [PulledAlertTask("task-1", date(2025, 3, 1), "self-assessment", ("cognition",), patient_id)]
    )
    home = services.patients.home()
    assert home.patient_count == 1
    assert [d.patient_id for d in home.drafts] == [patient_id]
    assert [a.server_id for a in home.alerts] == ["task-1"]
    assert home.alert_patients[patient_id].startswith("LEFÈVRE")
    nurse = services.store.practitioner.save_profile(
        PractitionerData("Durand", "Claire", Profession.NURSE)
    )
    services.store.alerts.decide(home.alerts[0].id, AlertDecision.INVALIDATE, by=nurse)
    assert services.patients.home().alerts == ()
    assert services.patients.due_follow_ups().total == 0


def test_patient_list_before_typing_most_recently_seen_with_follow_ups(services):
    """Files opened this session first, then by last visit; next Step 1 per patient."""
    store = services.store
    profile = store.practitioner.save_profile(
        PractitionerData("Durand", "Claire", Profession.NURSE)
    )
    ids = {}
    for name in ("Aubert", "Blin", "Caron", "Dumas"):
        ids[name] = services.patients.create(services.patients.parse(jeanne(birth_name=name)))

    def step1(name: str, on: date, planned: date | None = None) -> None:
        visit = store.visits.start_visit(ids[name], VisitKind.STEP1, performed_on=on)
        assessment = store.visits.open_assessment(visit, "step1")
        store.visits.save_draft_answer(assessment, "C4", 3)
        store.visits.finalize_visit(visit, results={}, evaluation={}, care_plan=[],
                                    finalized_by=profile, planned_follow_up=planned)

    step1("Aubert", date(2024, 8, 1))  # + 6 months = 1 Feb 2025: due
    step1("Blin", date(2025, 2, 1))  # 1 Aug 2025: not yet
    step1("Caron", date(2025, 1, 15), planned=date(2025, 3, 1))  # moved earlier: due
    listed = services.patients.patient_list(first=[ids["Dumas"]], limit=3)
    assert [item.summary.birth_name for item in listed.items] == ["Dumas", "Blin", "Caron"]
    assert listed.total == 4 and listed.capped
    dumas, blin, caron = listed.items
    assert (dumas.last_visit_on, dumas.next_step1_on, dumas.follow_up_due) == (None, None, False)
    assert (blin.last_visit_on, blin.next_step1_on, blin.follow_up_due) == (
        date(2025, 2, 1), date(2025, 8, 1), False,
    )  # fmt: skip
    assert (caron.next_step1_on, caron.follow_up_due) == (date(2025, 3, 1), True)
    everyone = services.patients.patient_list()
    assert not everyone.capped
    aubert = next(i for i in everyone.items if i.summary.birth_name == "Aubert")
    assert (aubert.next_step1_on, aubert.follow_up_due) == (date(2025, 2, 1), True)
    due = services.patients.due_follow_ups(limit=1)
    assert due.total == 2 and [d.patient_id for d in due.items] == [ids["Aubert"]]


def test_a_gp_is_corrected_with_the_same_checks_and_an_rpps_stays_unique(services):
    from icope_desktop.services.patients import gp_to_form
    from icope_desktop.store.errors import DuplicateRecord

    good = "1000345678" + luhn_check_digit("1000345678")
    gp_id = services.patients.create_gp(GpForm("Morel", "Paul"))
    with pytest.raises(InvalidData) as caught:
        services.patients.update_gp(gp_id, GpForm("Morel", "Paul", rpps=good[:-1]))
    assert set(caught.value.problems) == {"rpps"}
    services.patients.update_gp(
        gp_id, GpForm("Morel", "Paul", rpps=good, postal_code="44 400", city="Saint-Nazaire")
    )
    stored = services.patients.get_gp(gp_id)
    assert stored.data.rpps == good and stored.data.postal_code == "44400"
    assert gp_to_form(stored).city == "Saint-Nazaire"
    other = services.patients.create_gp(GpForm("Roux", "Anne"))
    with pytest.raises(DuplicateRecord):
        services.patients.update_gp(other, GpForm("Roux", "Anne", rpps=good))


def test_a_postal_code_typed_with_a_space_is_kept_as_five_digits(services):
    data = services.patients.parse(jeanne(postal_code="44 400"))
    assert data.postal_code == "44400"
    with pytest.raises(InvalidData) as caught:
        services.patients.parse(jeanne(postal_code="44 40"))
    assert set(caught.value.problems) == {"postal_code"}


def test_eligibility_reasons_follow_french_punctuation():
    from icope_desktop.i18n import Text
    from icope_desktop.services.patients import Eligibility

    why = Eligibility(False, (Text("moins de 60 ans", "under 60"),
                              Text("non autonome", "not autonomous")), 55)
    assert "moins de 60 ans ; non autonome" in why.explanation("fr")
    assert "under 60; not autonomous" in why.explanation("en")


def test_profile_postal_code_is_stored_without_spaces(services):
    from icope_desktop.services.settings import ProfileForm
    from icope_desktop.store.records import Profession

    services.settings.save_profile(
        ProfileForm("Durand", "Claire", Profession.NURSE, postal_code="44 400")
    )
    assert services.store.practitioner.get_profile().data.postal_code == "44400"
