"""The command line signs in like a person: every database the tests of this folder touch gets the
clinic administrator's account on first use, and the commands sign in as it ($EXAM_APP_USER,
$EXAM_APP_PASSWORD). A test marked `no_clinic_admin` meets the database as it is."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def commands_sign_in(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("no_clinic_admin") is None:
        request.getfixturevalue("clinic_admin")
