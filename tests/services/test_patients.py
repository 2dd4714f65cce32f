"""Patients: type-ahead search, registration checks, edits that never overwrite silently."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from exam_app.clinical.record import Patient
from exam_app.services.context import AppContext, InvalidInput
from exam_app.services.patients import (
    EditConflict,
    get_patient,
    register_patient,
    search_patients,
    update_patient,
)


@pytest.fixture
def clinic(ctx: AppContext) -> AppContext:
    for rn, family, given, born in [
        ("A-1", "Müller", "Zoë", date(1970, 5, 1)),
        ("A-2", "Mullins", "Peter", date(1985, 1, 2)),
        ("B-7", "Núñez", "José", date(1970, 5, 1)),
        ("C-10", "Sharma", "अनन्या", None),
    ]:
        register_patient(ctx, Patient(rn, family, given, born, "other"))
    return ctx


def numbers(ctx: AppContext, text: str) -> list[str]:
    return [p.record_number for p in search_patients(ctx, text)]


def test_search_by_name_prefix_ignores_case_and_accents(clinic: AppContext) -> None:
    assert numbers(clinic, "mul") == ["A-1", "A-2"]
    assert numbers(clinic, "MÜLLER") == ["A-1"]
    assert numbers(clinic, "nunez jo") == ["B-7"]
    assert numbers(clinic, "zoe") == ["A-1"]
    assert numbers(clinic, "अन") == ["C-10"]


def test_search_by_record_number_and_birth_date(clinic: AppContext) -> None:
    assert numbers(clinic, "b-") == ["B-7"]
    assert numbers(clinic, "1970-05-01") == ["A-1", "B-7"]
    assert numbers(clinic, "01/05/1970") == ["A-1", "B-7"]
    assert numbers(clinic, "") == ["A-1", "A-2", "B-7", "C-10"]
    assert numbers(clinic, "zz") == []


@pytest.mark.parametrize(("patient", "message"), [
    (Patient("  ", "Doe"), "record number: required"),
    (Patient("X-1"), "name: give a family name or a given name"),
    (Patient("X-1", "Doe", birth_date=date(2999, 1, 1)), "birth date: 2999-01-01 is in the future"),
    (Patient("A-1", "Doe"), "record number: 'A-1' belongs to another patient"),
])
def test_registration_refuses_bad_input(clinic: AppContext, patient: Patient, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        register_patient(clinic, patient)


def test_an_edit_on_an_outdated_version_is_refused(clinic: AppContext) -> None:
    patient, version = get_patient(clinic, "A-2")
    update_patient(clinic, "A-2", replace(patient, given_name="Pete"), version)
    with pytest.raises(EditConflict, match="changed on another workstation"):
        update_patient(clinic, "A-2", replace(patient, given_name="Piotr"), version)
    assert get_patient(clinic, "A-2")[0].given_name == "Pete"


def test_the_front_desk_registers_patients_but_never_records_findings(ctx: AppContext) -> None:
    from exam_app.services.context import ActingUser, NotPermitted
    from exam_app.services.visits import start_visit

    register_patient(ctx, Patient("F-1", "Desk"))
    front_desk = AppContext(ctx.db, ActingUser(ctx.user.id, "fd.lee", "Robin Lee", "front_desk"))
    register_patient(front_desk, Patient("F-2", "Walk-in"))
    with pytest.raises(NotPermitted, match=r"Robin Lee \(front desk\) may not record, save and sign visits"):
        start_visit(front_desk, "F-1")
