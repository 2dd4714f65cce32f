"""The command line as a user meets it: help for every command, exit codes, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exam_app.cli import build_parser, main
from tests.records import example, write

COMMANDS = ["demo", "import", "export", "assess", "isncsci", "referral", "worklist", "handout", "db", "user", "audit"]


def test_help_names_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert command in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: exam-app {command}")
    assert len(out.splitlines()) >= 4


def test_parser_knows_the_global_options() -> None:
    args = build_parser().parse_args(["--data-dir", "/x", "--database", "sqlite://", "--user", "u", "db", "check"])
    assert (args.data_dir, args.database, args.user) == (Path("/x"), "sqlite://", "u")


def test_a_usage_error_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["export"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.strip().count("\n") == 0


def test_an_unknown_user_or_a_wrong_password_is_an_input_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["--data-dir", str(tmp_path), "--user", "nobody", "export", "A-1"]) == 2
    assert capsys.readouterr().err == "exam-app: wrong user name or password\n"
    monkeypatch.setenv("EXAM_APP_PASSWORD", "not the password")
    assert main(["--data-dir", str(tmp_path), "export", "A-1"]) == 2
    assert capsys.readouterr().err == "exam-app: wrong user name or password\n"


def test_db_check_and_upgrade(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(tmp_path), "db", "check"]) == 1
    assert "run `exam-app db upgrade`" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path), "db", "upgrade"]) == 0
    assert main(["--data-dir", str(tmp_path), "db", "check"]) == 0
    assert "schema up to date" in capsys.readouterr().out


def test_a_corrupt_database_file_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "exam-records.sqlite3").write_bytes(b"this is not a database" * 100)
    assert main(["--data-dir", str(tmp_path), "export", "A-1"]) == 1
    err = capsys.readouterr().err
    assert "cannot read the database" in err and "Traceback" not in err


def test_the_installed_command_refuses_a_bad_file_without_a_traceback(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.json", example(format="exam-record/9"))
    command = Path(sys.executable).parent / "exam-app"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "EXAM_APP_USER": "first.admin",
           "EXAM_APP_PASSWORD": "a long enough password"}
    env.pop("EXAM_APP_DATABASE_URL", None)
    first = subprocess.run([str(command), "--data-dir", str(tmp_path / "d"), "user", "add", "first.admin", "--role",
                            "admin", "--full-name", "First Admin", "--password-stdin"],
                           input="a long enough password\n", capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    result = subprocess.run([str(command), "--data-dir", str(tmp_path / "d"), "import", str(bad)],
                            capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2
    assert result.stderr == f'exam-app: {bad}: format: "exam-record/9" is not the format "exam-record/1"\n'
