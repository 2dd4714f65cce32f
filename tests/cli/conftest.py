"""The command line signs in like a person: every database the tests of this folder touch gets the
clinic administrator's account on first use, and the commands sign in as it ($EXAM_APP_USER,
$EXAM_APP_PASSWORD). A test marked `no_clinic_admin` meets the database as it is."""

from __future__ import annotations

import pytest

from tests.accounts import with_clinic_administrator


@pytest.fixture(autouse=True)
def clinic_admin(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("no_clinic_admin") is None:
        with_clinic_administrator(monkeypatch)
