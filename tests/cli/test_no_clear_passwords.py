"""The demo clinic made as `make run` makes it, every demo account signing in (and failing to): no
demo password is anywhere in clear, in the database file, its write-ahead log or the log files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from exam_app.cli import main
from exam_app.services.accounts import SignInRefused
from exam_app.services.demo import DEMO_PASSWORDS
from exam_app.services.startup import open_clinic


def files_holding(folder: Path, secret: str) -> list[str]:
    needles = {secret.encode("utf-8"), secret.encode("utf-16-le")}
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and any(needle in path.read_bytes() for needle in needles))


@pytest.mark.no_clinic_admin
def test_no_demo_password_is_stored_or_logged_in_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    admin_password = DEMO_PASSWORDS["admin"]
    monkeypatch.delenv("EXAM_APP_USER", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(admin_password + "\n"))
    assert main(["--data-dir", str(data), "user", "add", "admin", "--role", "admin",
                 "--full-name", "Clinic administrator", "--password-stdin"]) == 0
    monkeypatch.setenv("EXAM_APP_PASSWORD", admin_password)
    assert main(["--data-dir", str(data), "--user", "admin", "demo", "--patients", "3"]) == 0
    for username, password in DEMO_PASSWORDS.items():
        monkeypatch.setenv("EXAM_APP_PASSWORD", password)
        assert main(["--data-dir", str(data), "--user", username, "worklist"]) in (0, 1), username
        monkeypatch.setenv("EXAM_APP_PASSWORD", password + "x")  # a wrong one, noted in the trail and the log
        assert main(["--data-dir", str(data), "--user", username, "worklist"]) == 2
    capsys.readouterr()
    clinic = open_clinic(data)  # signing in again while the database is open: its write-ahead log is there
    try:
        for username, password in DEMO_PASSWORDS.items():
            clinic.sign_in(username, password)
            with pytest.raises(SignInRefused):
                clinic.sign_in(username, password[::-1])
        files = sorted(str(p.relative_to(data)) for p in data.rglob("*") if p.is_file())
        assert "exam-records.sqlite3-wal" in files and "logs/exam-app.log" in files, files
        assert files_holding(data, "$argon2id$"), "the search reads the files: the hashes are there"
        assert {name: files_holding(data, password) for name, password in DEMO_PASSWORDS.items()} == {
            name: [] for name in DEMO_PASSWORDS}
    finally:
        clinic.close()
    assert {name: files_holding(data, password) for name, password in DEMO_PASSWORDS.items()} == {
        name: [] for name in DEMO_PASSWORDS}
