"""`exam-app`: the command line. With no command it opens the window.

Exit codes: 0 done, 2 invalid input (one line naming what and where), 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from exam_app import __version__
from exam_app.services.context import AppContext, InvalidInput, ServiceError, open_context
from exam_app.store.database import DATABASE_URL_VARIABLE, DatabaseError

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits with 2 and one line, as every other invalid input does."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_INVALID, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="exam-app",
        description=(
            "Lower-limb exam recorder: muscle grades, dermatome map, reflexes and signs, visit after "
            "visit, with decision support for the window period. Without a command it opens the window."
        ),
        epilog="Exit codes: 0 done, 2 invalid input, 1 anything else.",
    )
    parser.add_argument("--version", action="version", version=f"exam-app {__version__}")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="folder of the embedded SQLite database (default: the user data folder)")
    parser.add_argument("--database", metavar="URL",
                        help=f"a SQLAlchemy database URL, e.g. postgresql://user@host/db "
                             f"(default: ${DATABASE_URL_VARIABLE}, else the SQLite file)")
    parser.add_argument("--user", metavar="NAME",
                        help="act as this account (default: the built-in command-line account)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="fill the database with a reproducible synthetic clinic",
                               description="Adds synthetic patients, visits and one user per role. "
                                           "The same --patients and --seed give the same clinic.")
    demo.add_argument("--patients", type=int, default=24, metavar="N", help="how many patients (default 24)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    imp = commands.add_parser("import", help="exam-record JSON files into the database",
                              description="Each file is stored whole or not at all. Visits already stored "
                                          "are skipped; a different visit at a stored time refuses the file.")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE")

    exp = commands.add_parser("export", help="one patient's record",
                              description="Writes the patient's signed visits as an exam-record file.")
    exp.add_argument("record_number", metavar="RECORD_NUMBER")
    exp.add_argument("--format", choices=["json"], default="json")
    exp.add_argument("--out", type=Path, metavar="FILE", help="write here instead of standard output")

    assess = commands.add_parser(
        "assess", help="the decision-support answer for a record file (JSON, no database)",
        description="Scores, worsening, pattern, probable roots, window period and urgency of every "
                    "visit in FILE, as JSON on standard output. Decision support, not a diagnosis.")
    assess.add_argument("file", type=Path, metavar="FILE")
    assess.add_argument("--window-days", type=int, metavar="N",
                        help="window period length in days, 1 to 14 (default: the rules' default, 3)")

    db = commands.add_parser("db", help="database schema: upgrade or check",
                             description="upgrade: bring the schema to the newest version (a SQLite file "
                                         "is backed up first). check: say whether it is up to date.")
    db.add_argument("action", choices=["upgrade", "check"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS.get(args.command or "", _open_window)(args)
    except ServiceError as error:
        print(f"exam-app: {error}", file=sys.stderr)
        return error.exit_code
    except DatabaseError as error:
        print(f"exam-app: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_FAILED


def _context(args: argparse.Namespace) -> AppContext:
    return open_context(args.data_dir, args.database, args.user)


def _open_window(args: argparse.Namespace) -> int:
    from exam_app.gui.app import run_app

    return run_app(lambda: _context(args))


def _demo(args: argparse.Namespace) -> int:
    from exam_app.services.demo import fill_demo_clinic

    if not 1 <= args.patients <= 100_000:
        raise InvalidInput(f"--patients: {args.patients} is outside 1 to 100000")
    with _context(args) as ctx:
        summary = fill_demo_clinic(ctx, args.patients, args.seed)
    print(f"demo clinic: {summary.patients} patients, {summary.visits} visits, {summary.users} users added")
    return EXIT_OK


def _import(args: argparse.Namespace) -> int:
    from exam_app.services.records import import_file

    refused = 0
    with _context(args) as ctx:
        for path in args.files:
            try:
                result = import_file(ctx, path)
            except InvalidInput as error:
                print(f"exam-app: {error}", file=sys.stderr)
                refused += 1
                continue
            new = "new patient" if result.patient_created else "existing patient"
            print(f"{path}: {result.record_number} ({new}): {result.visits_added} visits added, "
                  f"{result.visits_already_stored} already stored")
    return EXIT_INVALID if refused else EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from exam_app.interop.exam_record import dumps_exam_record
    from exam_app.services.records import load_record

    with _context(args) as ctx:
        ctx.require("export")
        text = dumps_exam_record(load_record(ctx, args.record_number))
    _write_output(text, args.out)
    return EXIT_OK


def _assess(args: argparse.Namespace) -> int:
    from exam_app.clinical.assess import assess_record
    from exam_app.clinical.vocabulary import rule_tables
    from exam_app.services.records import read_record_file

    limits = rule_tables()["window_days"]
    if args.window_days is not None and not limits["min"] <= args.window_days <= limits["max"]:
        raise InvalidInput(f"--window-days: {args.window_days} is outside {limits['min']} to {limits['max']}")
    record = read_record_file(args.file)
    answer = assess_record(record, args.window_days).to_json()
    print(json.dumps(answer, ensure_ascii=False, indent=2))
    return EXIT_OK


def _db(args: argparse.Namespace) -> int:
    from exam_app.store import migrate
    from exam_app.store.database import database_url, open_database

    db = open_database(database_url(args.data_dir, args.database))
    try:
        if args.action == "check":
            status = migrate.schema_status(db)
            if status.up_to_date:
                print(f"{db.url}: schema up to date ({status.head})")
                return EXIT_OK
            print(f"{db.url}: schema {status.current or 'empty'}, newest is {status.head}: run `exam-app db upgrade`")
            return EXIT_FAILED
        backup = migrate.upgrade(db)
        if backup is not None:
            print(f"backed up the database to {backup}")
        print(f"{db.url}: schema at {migrate.schema_status(db).head}")
        return EXIT_OK
    finally:
        db.dispose()


def _write_output(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"--out: cannot write {out} ({error.strerror})") from None


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _demo,
    "import": _import,
    "export": _export,
    "assess": _assess,
    "db": _db,
}


if __name__ == "__main__":
    sys.exit(main())
