"""`exam-app`: the command line. With no command it opens the window.

Exit codes: 0 done, 2 invalid input (one line naming what and where), 1 anything else.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
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

    isncsci = commands.add_parser(
        "isncsci", help="the ISNCSCI 2019 classification of a worksheet file (JSON, no database)",
        description="Classifies one ISNCSCI worksheet (International Standards for Neurological Classification "
                    "of Spinal Cord Injury, 2019) written in the flat JSON layout of the published known-answer "
                    "cases: c2RightTouch ... s4_5LeftPrick, c5RightMotor ... s1LeftMotor, analContraction (VAC) and "
                    "analSensation (DAP) as Yes/No/NT, optionally rightLowestNonKeyMuscleWithMotorFunction and "
                    "leftLowestNonKeyMuscleWithMotorFunction; id, group, comments and totals are ignored. Prints "
                    "the 25 results (totals, sensory and motor levels, neurological level of injury, complete or "
                    "incomplete, AIS grade, zones of partial preservation) as JSON on standard output, written as "
                    "the published cases write them. Decision support, not a diagnosis.")
    isncsci.add_argument("file", type=Path, metavar="FILE", help="the worksheet, a JSON object")

    referral = commands.add_parser(
        "referral", help="the referral letter (PDF) for a patient's latest signed visit",
        description="Writes the referral letter of the patient's latest signed visit (or the one examined at "
                    "--visit) and stores it as issued, so a re-print is the same letter.")
    referral.add_argument("record_number", metavar="RECORD_NUMBER")
    referral.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    referral.add_argument("--visit", metavar="TIME", help="the visit examined at this time, e.g. 2026-11-02T09:30")
    referral.add_argument("--recipient", default="The on-call spinal team", help="to whom the letter goes")
    referral.add_argument("--findings", choices=["all", "abnormal"], default="all",
                          help="list all findings or only the abnormal ones (default all)")
    referral.add_argument("--no-trend-chart", action="store_true", help="leave out the LEMS trend chart")
    referral.add_argument("--no-body-chart", action="store_true", help="leave out the dermatome body chart")

    commands.add_parser(
        "worklist", help="the window-period worklist as a table",
        description="Patients whose window period is open or who worsened in the last 14 days, the least "
                    "time left first, with the headline alert where there was progression within the window.")

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


def _isncsci(args: argparse.Namespace) -> int:
    from exam_app.services.isncsci import classify_worksheet_file

    print(json.dumps(classify_worksheet_file(args.file), indent=2))
    return EXIT_OK


def _referral(args: argparse.Namespace) -> int:
    from exam_app.report.referral import ReferralOptions
    from exam_app.services.referral import issue_letter, referral_content
    from exam_app.services.visits import find_visit

    options = ReferralOptions(trend_chart=not args.no_trend_chart, body_chart=not args.no_body_chart,
                              findings=args.findings)
    with _context(args) as ctx:
        visit_id = find_visit(ctx, args.record_number, _visit_time(args.visit)) if args.visit else None
        letter = issue_letter(ctx, referral_content(ctx, args.record_number, visit_id, args.recipient), options)
    try:
        args.out.write_bytes(letter.pdf)
    except OSError as error:
        raise InvalidInput(f"--out: cannot write {args.out} ({error.strerror})") from None
    print(f"{args.out}: referral letter {letter.letter_id} for {letter.record_number} (sha256 {letter.sha256[:12]}…)")
    return EXIT_OK


def _worklist(args: argparse.Namespace) -> int:
    from exam_app.services.worklist import worklist
    from exam_app.wording import duration, moment

    now = datetime.now().astimezone()
    with _context(args) as ctx:
        entries = worklist(ctx, now)
        days = ctx.window_days
    print(f"Window-period worklist at {moment(now)} (window {days} days): {len(entries)} patients")
    rows = [("TIME LEFT", "RECORD", "NAME", "LAST EXAMINED", "URGENCY", "PATTERN", "ALERT")]
    for e in entries:
        left = duration(e.window.time_left) if e.window.within and e.window.time_left is not None else "closed"
        alert = ("PROGRESSION WITHIN THE WINDOW PERIOD: " + "; ".join(e.changes) if e.progression_within_window
                 else f"worse {moment(e.last_worsened_at)}" if e.last_worsened_at else "")
        pattern = e.pattern.replace("_", " ") + (f" ({e.nerve.replace('_', ' ')})" if e.nerve else "")
        rows.append((left, e.record_number, e.name, moment(e.last_examined_at), e.urgency.replace("_", " "),
                     pattern, alert))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])
    return EXIT_OK


def _visit_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--visit: {text!r} is not a time like 2026-11-02T09:30") from None
    return moment if moment.tzinfo else moment.astimezone()


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
    "isncsci": _isncsci,
    "referral": _referral,
    "worklist": _worklist,
    "db": _db,
}


if __name__ == "__main__":
    sys.exit(main())
