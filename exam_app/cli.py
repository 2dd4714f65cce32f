"""`exam-app`: the command line. With no command it opens the window.

Exit codes: 0 done, 2 invalid input (one line naming what and where), 1 anything else.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from exam_app import __version__
from exam_app.logging_setup import log, start_log, stop_log
from exam_app.masking import mask_passwords
from exam_app.services.errors import InvalidInput, ServiceError
from exam_app.store.faults import DatabaseError
from exam_app.store.location import DATABASE_URL_VARIABLE, database_url, default_data_dir
from exam_app.tables import rules
from exam_app.wording import moment

if TYPE_CHECKING:
    from exam_app.services.context import AppContext
    from exam_app.services.worklist import WorklistEntry

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
USER_VARIABLE = "EXAM_APP_USER"
PASSWORD_VARIABLE = "EXAM_APP_PASSWORD"
# A command waits this many more times for another workstation's long write (an import) before it
# gives up: with the lock wait of each try, about a minute.
BUSY_RETRIES = 11


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
        epilog=("Commands that read or change the clinic sign in as --user (or $EXAM_APP_USER) with that "
                "account's password, typed at the prompt or, for scripts, from $EXAM_APP_PASSWORD. "
                "Exit codes: 0 done, 2 invalid input, 1 anything else."),
    )
    parser.add_argument("--version", action="version", version=f"exam-app {__version__}")
    parser.add_argument("--data-dir", type=Path, metavar="DIR",
                        help="folder of the embedded SQLite database (default: the user data folder)")
    parser.add_argument("--database", metavar="URL",
                        help=f"a SQLAlchemy database URL, e.g. postgresql://user@host/db "
                             f"(default: ${DATABASE_URL_VARIABLE}, else the SQLite file)")
    parser.add_argument("--user", metavar="NAME", default=os.environ.get(USER_VARIABLE),
                        help=f"sign in as this account (default: ${USER_VARIABLE}); the password is asked at the "
                             f"prompt, or read from ${PASSWORD_VARIABLE}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    demo = commands.add_parser("demo", help="fill the database with a reproducible synthetic clinic",
                               description="Adds synthetic patients, visits and one user per role. "
                                           "The same --patients and --seed give the same clinic.")
    demo.add_argument("--patients", type=int, default=24, metavar="N", help="how many patients (default 24)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    imp = commands.add_parser(
        "import", help="exam-record files, folders of them and zip archives into the database",
        description="Reads exam-record JSON files, folders of them (each .json file in the folder) and .zip "
                    "archives of them, such as a whole-clinic export. Each record file is stored whole or not at "
                    "all and reported on its own line: visits already stored are skipped, and a different visit "
                    "at a stored time refuses that file. Exit code 2 when any file was refused.")
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                     help="a .json record file, a folder of them, or a .zip archive of them")
    imp.add_argument("--allow-backdated", action="store_true",
                     help="import visits examined before a patient's signed visits (refused otherwise: they change "
                          "the assessment of signed visits); the visits whose assessment changes are listed and "
                          "kept in the audit trail, and each keeps the assessment it was signed with")

    exp = commands.add_parser(
        "export", help="one patient's record, or the whole clinic, as exam-record JSON, FHIR R4 or CSV",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="""Writes the signed visits (never drafts) of one patient, or of every patient with --all.

  json  the exam-record file, which `exam-app import` reads back
  fhir  a FHIR R4 collection Bundle: the findings, the decision-support statements with
        the findings behind them, and the referral letters issued
  csv   one row per visit, item, side and modality, with the visit's scores
        (the columns are described in docs/exports.md)

With --all, json and fhir write one file per patient into --out, a new or empty folder
or a .zip file (which `exam-app import` reads whole); csv writes one table.""",
        epilog="""examples:
  exam-app export A-1001 --format fhir --out A-1001.fhir.json
  exam-app export --all --format json --out clinic.zip
  exam-app export --all --format csv --out clinic.csv""")
    which = exp.add_mutually_exclusive_group(required=True)
    which.add_argument("record_number", nargs="?", metavar="RECORD_NUMBER", help="the patient to export")
    which.add_argument("--all", action="store_true", help="every patient of the clinic")
    exp.add_argument("--format", choices=["json", "fhir", "csv"], default="json",
                     help="exam-record JSON (default), FHIR R4 bundle, or CSV")
    exp.add_argument("--out", type=Path, metavar="FILE|FOLDER",
                     help="write here instead of standard output; with --all and json or fhir, a folder or a "
                          ".zip file (required)")
    exp.add_argument("--force", action="store_true", help="replace --out if it exists (never the database or "
                                                         "a backup)")

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
    referral.add_argument("--force", action="store_true",
                          help="replace --out if it exists (never the database or a backup)")
    referral.add_argument("--visit", metavar="TIME", help="the visit examined at this time, e.g. 2026-11-02T09:30")
    referral.add_argument("--recipient", default="The on-call spinal team", help="to whom the letter goes")
    referral.add_argument("--findings", choices=["all", "abnormal"], default="all",
                          help="list all findings or only the abnormal ones (default all)")
    referral.add_argument("--no-trend-chart", action="store_true", help="leave out the LEMS trend chart")
    referral.add_argument("--no-body-chart", action="store_true", help="leave out the dermatome body chart")
    referral.add_argument("--signed-by", choices=["doctor", "examiner"],
                          help="who signs the letter: the doctor who signed the note, or the examiner who signed the "
                               "visit (default: the doctor when the note is signed)")

    worklist = commands.add_parser(
        "worklist", help="the window-period worklist as a table",
        description="Patients whose window period is open or who worsened in the last 14 days, the least "
                    "time left first, with the headline alert where there was progression within the window, "
                    "and when each one's next examination is due.")
    worklist.add_argument("--due", action="store_true",
                          help="only the re-examinations due today and overdue, the overdue inside an open window "
                               "first, with the phone number to call and the latest recall mark")

    handout = commands.add_parser(
        "handout", help="the patient's safety-net sheet (PDF) for the latest signed visit",
        description="Writes the safety-net sheet of the patient's latest signed visit (or the one examined at "
                    "--visit): in plain words what was found, when the next examination is, when the window "
                    "period closes, and when to call the emergency number or the clinic. Stored as issued.")
    handout.add_argument("record_number", metavar="RECORD_NUMBER")
    handout.add_argument("--out", type=Path, required=True, metavar="FILE.pdf")
    handout.add_argument("--visit", metavar="TIME", help="the visit examined at this time, e.g. 2026-11-02T09:30")

    db = commands.add_parser(
        "db", help="database schema and integrity: upgrade or check",
        description="upgrade: bring the schema to the newest version (a SQLite file is backed up first). "
                    "check: read every page (SQLite quick_check, or integrity_check with --thorough), check that "
                    "every row refers to rows that exist (SQLite), that the schema is the newest and matches the "
                    "app, and that every table reads; exit code 1 when anything is wrong.")
    db.add_argument("action", choices=["upgrade", "check"])
    db.add_argument("--thorough", action="store_true",
                    help="check: SQLite's full integrity_check (slower) instead of quick_check")

    backup = commands.add_parser(
        "backup", help="a consistent copy of the database, taken while the app runs",
        description="SQLite: the online backup API, one consistent moment of the file while others keep writing, "
                    "checked before it is kept. PostgreSQL: pg_dump in its custom format (needs pg_dump of the "
                    "server's version or newer). The file is readable by its owner only. Without --out the backup "
                    "goes into the clinic's backup folder (see backup-settings) and the oldest automatic backups "
                    "beyond the number kept are removed, as the app does every few hours.")
    backup.add_argument("--out", type=Path, metavar="FILE", help="write the backup here")
    backup.add_argument("--force", action="store_true",
                        help="replace --out if it exists (never the database or another backup)")

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (asks first)",
        description="Checks the backup first (a sound file, a clinic's schema, not from a newer version of the "
                    "app), asks for confirmation, keeps the database it replaces in the backup folder "
                    "(…replaced-TIME…), restores, and brings the schema up to date. Nothing changes if the "
                    "backup is refused.")
    restore.add_argument("file", type=Path, metavar="FILE", help="a backup made by `exam-app backup` or by the app")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation (scripts)")

    settings = commands.add_parser(
        "backup-settings", help="where automatic backups go, how often, how many are kept",
        description="Without options: shows the clinic's backup settings. The app backs up at start-up (unless the "
                    "newest automatic backup is less than an hour old) and every --every-hours while it runs, "
                    "keeping the newest --keep automatic backups. Put the folder on another disk.")
    settings.add_argument("--folder", type=Path, metavar="DIR", help="the backup folder (an absolute path)")
    settings.add_argument("--every-hours", type=float, metavar="H", help="hours between automatic backups; 0: none")
    settings.add_argument("--keep", type=int, metavar="N", help="automatic backups kept")

    _user_commands(commands)
    _audit_commands(commands)
    return parser


def _user_commands(commands: Any) -> None:
    user = commands.add_parser(
        "user", help="accounts: add, list, disable, enable, passwd, role",
        description="Accounts of the clinic, kept by an administrator. The very first account of a new "
                    "database is the administrator's: `user add NAME --role admin` needs no sign-in then.")
    actions = user.add_subparsers(dest="user_action", metavar="ACTION", parser_class=_Parser, required=True)
    add = actions.add_parser("add", help="add an account (the new password is asked twice, or read once from "
                                         "standard input with --password-stdin)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, help="physiotherapist, doctor, front_desk or admin")
    add.add_argument("--full-name", required=True, help="the name that signs visits and letters")
    add.add_argument("--registration-number", help="professional registration, printed with a signature")
    add.add_argument("--phone", help="contact printed on a letter this account signs")
    add.add_argument("--email", help="contact printed on a letter this account signs")
    add.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    actions.add_parser("list", help="every account, its role and state")
    for verb, words in (("disable", "an account can no longer sign in"), ("enable", "an account signs in again")):
        one = actions.add_parser(verb, help=words)
        one.add_argument("name", metavar="NAME")
    passwd = actions.add_parser("passwd", help="change your own password, or (administrator) reset NAME's")
    passwd.add_argument("name", metavar="NAME", nargs="?")
    passwd.add_argument("--password-stdin", action="store_true", help="read the new password from standard input")
    role = actions.add_parser("role", help="give an account another role")
    role.add_argument("name", metavar="NAME")
    role.add_argument("role", metavar="ROLE")


def _audit_commands(commands: Any) -> None:
    audit = commands.add_parser(
        "audit", help="the audit trail (administrator), or `audit verify`: check it has not been tampered with",
        description="Who did what, when and from which workstation. `audit verify` recomputes the chain of "
                    "hashes and the fingerprints of every signed visit and issued letter, and names every "
                    "place that does not match (exit 1 when any).")
    audit.add_argument("verify", nargs="?", choices=["verify"], help="check the trail instead of listing it")
    audit.add_argument("--since", metavar="DATE", help="from this day (YYYY-MM-DD) or time on")
    audit.add_argument("--user", dest="audit_user", metavar="NAME", help="only this account's actions")
    audit.add_argument("--patient", metavar="RN", help="only what concerns this patient")
    audit.add_argument("--action", metavar="ACTION", help="only this action, e.g. visit_signed")
    audit.add_argument("--format", choices=["table", "csv", "json"], default="table")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = args.command or "window"
    started = time.monotonic()
    log_file = start_log(args.data_dir or default_data_dir())
    log.info("start: exam-app %s %s, database %s", __version__, command,
             mask_passwords(database_url(args.data_dir, args.database)))
    code = EXIT_FAILED
    try:
        code = _COMMANDS.get(args.command or "", _open_window)(args)
    except ServiceError as error:
        code = _fail(error, error.exit_code)
    except DatabaseError as error:
        code = _fail(error, EXIT_FAILED)
    except KeyboardInterrupt:
        log.info("interrupted")
    except BrokenPipeError:  # the reader went away (`exam-app worklist | head`): nothing more to say
        _quiet_stdout()
    except Exception as error:  # a fault of the app itself: one line here, the traceback in the log
        where = f" (details in {log_file})" if log_file else ""
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        code = _fail(error, EXIT_FAILED, f"unexpected error: {type(error).__name__}: {first}{where}")
    finally:
        log.info("stop: %s, exit code %d after %.1f s", command, code, time.monotonic() - started)
        stop_log()
    return code


def _quiet_stdout() -> None:
    """Point standard output at nothing, so that flushing it at exit does not complain again."""
    with contextlib.suppress(OSError, ValueError):  # a captured stdout has no file to point elsewhere
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _fail(error: BaseException, code: int, message: str | None = None) -> int:
    """Say what went wrong in one line (never a password), and keep the whole story in the log."""
    line = mask_passwords(message or str(error))
    log.error("%s", line, exc_info=error)
    print(f"exam-app: {line}", file=sys.stderr)
    return code


def _context(args: argparse.Namespace) -> AppContext:
    """The clinic, signed in as --user with its password (prompt or $EXAM_APP_PASSWORD)."""
    from exam_app.services.startup import open_clinic

    clinic = open_clinic(args.data_dir, args.database)
    try:
        if not clinic.has_accounts:
            return clinic.sign_in("", "")  # says how to create the first account
        if not args.user:
            raise InvalidInput(f"--user: say which account signs in (or set ${USER_VARIABLE})")
        ctx = clinic.sign_in(args.user, _password(f"password for {args.user}: "))
    except BaseException:
        clinic.close()
        raise
    ctx.busy_retries = BUSY_RETRIES
    ctx.on_busy = lambda message: print(f"exam-app: {mask_passwords(message)}", file=sys.stderr, flush=True)
    return ctx


def _password(prompt: str) -> str:
    given = os.environ.get(PASSWORD_VARIABLE)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise InvalidInput(f"password: type it at a terminal, or give it in ${PASSWORD_VARIABLE}")
    return getpass.getpass(prompt)


def _open_window(args: argparse.Namespace) -> int:
    from exam_app.gui.app import run_app

    return run_app(args.data_dir, args.database, args.user, os.environ.get(PASSWORD_VARIABLE))


def _demo(args: argparse.Namespace) -> int:
    from exam_app.services.demo import fill_demo_clinic

    if not 1 <= args.patients <= 100_000:
        raise InvalidInput(f"--patients: {args.patients} is outside 1 to 100000")
    with _context(args) as ctx:
        summary = fill_demo_clinic(ctx, args.patients, args.seed, progress=_progress_bar("demo"))
    print(f"demo clinic: {summary.patients} patients, {summary.visits} visits, {summary.users} users added")
    return EXIT_OK


def _progress_bar(label: str) -> Callable[[int, int], None]:
    """A progress bar on stderr (redrawn in place on a terminal, one line at the end otherwise)."""
    started = time.monotonic()

    def show(done: int, total: int) -> None:
        if not sys.stderr.isatty() and done < total:
            return
        filled = 30 * done // max(total, 1)
        elapsed = time.monotonic() - started
        print(f"\r{label}: [{'#' * filled}{'.' * (30 - filled)}] {done}/{total} {elapsed:.0f} s",
              end="\n" if done >= total else "", file=sys.stderr, flush=True)
    return show


def _import(args: argparse.Namespace) -> int:
    from exam_app.services.exports import import_paths

    refused = 0
    with _context(args) as ctx:
        # A bar for a large file on a terminal; nothing more on stderr when a script reads it.
        bar = _progress_bar("import") if sys.stderr.isatty() else None
        for outcome in import_paths(ctx, args.paths, args.allow_backdated, bar):
            if outcome.result is None:
                print(f"exam-app: {outcome.refusal}", file=sys.stderr)
                refused += 1
                continue
            result = outcome.result
            new = "new patient" if result.patient_created else "existing patient"
            backdated = f", {result.backdated} before signed visits" if result.backdated else ""
            print(f"{outcome.source}: {result.record_number} ({new}): {result.visits_added} visits added, "
                  f"{result.visits_already_stored} already stored{backdated}")
            for change in result.changed:
                print(f"  assessment changed: visit of {change.examined_at.isoformat()}: {'; '.join(change.changes)} "
                      "(it keeps the assessment it was signed with)")
    return EXIT_INVALID if refused else EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from exam_app.services.exports import (
        CSV,
        FORMAT_NAMES,
        export_patient,
        write_clinic_csv,
        write_clinic_files,
    )
    from exam_app.services.outputs import check_output

    if args.all and args.format != CSV and args.out is None:
        raise InvalidInput(f"--out: --all --format {args.format} writes one file per patient: "
                           "name a new or empty folder, or a .zip file")
    with _context(args) as ctx:
        if args.out is not None:
            check_output(ctx, args.out, args.force, folder_allowed=args.all and args.format != CSV)
        if not args.all:
            text = export_patient(ctx, args.record_number, args.format)
        elif args.format != CSV:
            done = write_clinic_files(ctx, args.format, args.out)
            print(f"{done.out}: {done.patients} patients, one {FORMAT_NAMES[done.fmt]} file each")
            return EXIT_OK
        elif args.out is None:
            write_clinic_csv(ctx, sys.stdout)
            return EXIT_OK
        else:
            try:
                with args.out.open("w", encoding="utf-8", newline="") as stream:
                    write_clinic_csv(ctx, stream)
            except OSError as error:
                raise InvalidInput(f"--out: cannot write {args.out} ({error.strerror})") from None
            return EXIT_OK
    _write_output(text, args.out)
    return EXIT_OK


def _assess(args: argparse.Namespace) -> int:
    from exam_app.clinical.assess import assess_record
    from exam_app.services.records import read_record_file

    limits = rules().window_days
    if args.window_days is not None and not limits.min <= args.window_days <= limits.max:
        raise InvalidInput(f"--window-days: {args.window_days} is outside {limits.min} to {limits.max}")
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
    from exam_app.services.outputs import check_output
    from exam_app.services.referral import issue_letter, referral_content
    from exam_app.services.visits import find_visit

    options = ReferralOptions(trend_chart=not args.no_trend_chart, body_chart=not args.no_body_chart,
                              findings=args.findings)
    examined_at = _visit_time(args.visit) if args.visit else None
    with _context(args) as ctx:
        check_output(ctx, args.out, args.force)  # before the letter is issued and stored
        visit_id = find_visit(ctx, args.record_number, examined_at) if examined_at else None
        content = referral_content(ctx, args.record_number, visit_id, args.recipient, signed_by=args.signed_by)
        letter = issue_letter(ctx, content, options)
    try:
        args.out.write_bytes(letter.pdf)
    except OSError as error:
        raise InvalidInput(f"--out: cannot write {args.out} ({error.strerror})") from None
    print(f"{args.out}: referral letter {letter.letter_id} for {letter.record_number} (sha256 {letter.sha256[:12]}…)")
    return EXIT_OK


def _worklist(args: argparse.Namespace) -> int:
    from exam_app.presentation import pattern_text, progression_line, time_left_text, urgency_label
    from exam_app.services.next_examination import next_exam_words
    from exam_app.services.worklist import worklist
    from exam_app.wording import moment

    now = datetime.now().astimezone()
    with _context(args) as ctx:
        entries = worklist(ctx, now, due_only=args.due)
        days = ctx.window_days
    if args.due:
        return _due_list(entries, now)
    print(f"Window-period worklist at {moment(now)} (window {days} days): {len(entries)} patients")
    rows = [("TIME LEFT", "NEXT EXAM", "RECORD", "NAME", "LAST EXAMINED", "URGENCY", "PATTERN", "ALERT")]
    for e in entries:
        alert = (progression_line(e.changes) if e.progression_within_window
                 else f"worse {moment(e.last_worsened_at)}" if e.last_worsened_at else "")
        next_exam = next_exam_words(e.next_examination)
        if e.overdue_in_open_window:  # the flag: overdue while treatment can still prevent damage
            next_exam = next_exam.replace("overdue", "OVERDUE", 1)
        rows.append((time_left_text(e.window), next_exam, e.record_number, e.name, moment(e.last_examined_at),
                     urgency_label(e.urgency), pattern_text(e.pattern, e.nerve), alert))
    _print_table(rows)
    return EXIT_OK


def _due_list(entries: list[WorklistEntry], now: datetime) -> int:
    """The re-examinations due today and overdue: whom to call, with the phone number, and why."""
    from exam_app.presentation import urgency_label
    from exam_app.services.next_examination import next_exam_words
    from exam_app.services.recall import recall_words

    overdue = sum(e.overdue_in_open_window for e in entries)
    print(f"Re-examinations due at {moment(now)}: {len(entries)} patients, {overdue} overdue inside an open window")
    rows = [("NEXT EXAM", "DUE", "RECORD", "NAME", "PHONE", "URGENCY", "RECALL", "BASED ON")]
    for e in entries:
        state = e.next_examination
        words = next_exam_words(state)
        if e.overdue_in_open_window:
            words = words.replace("overdue", "OVERDUE", 1) + " (window open)"
        phone = (e.contact or "").strip().splitlines()[0] if (e.contact or "").strip() else "no contact recorded"
        rows.append((words, moment(state.due) if state and state.due else "", e.record_number, e.name, phone,
                     urgency_label(e.urgency), recall_words(e.recall, e.window.ends) or "not called yet",
                     state.plan.reasons[0] if state and state.plan.reasons else ""))
    _print_table(rows)
    return EXIT_OK


def _handout(args: argparse.Namespace) -> int:
    from exam_app.services.handout import issue_handout
    from exam_app.services.visits import find_visit

    folder = args.out.resolve().parent
    if not folder.is_dir():  # say so before the sheet is recorded as issued
        raise InvalidInput(f"--out: the folder {folder} does not exist")
    with _context(args) as ctx:
        visit_id = find_visit(ctx, args.record_number, _visit_time(args.visit)) if args.visit else None
        sheet = issue_handout(ctx, args.record_number, visit_id)
    try:
        args.out.write_bytes(sheet.pdf)
    except OSError as error:
        raise InvalidInput(f"--out: cannot write {args.out} ({error.strerror})") from None
    due = f"next examination {moment(sheet.next_due)}" if sheet.next_due else "no next examination planned"
    print(f"{args.out}: safety-net sheet {sheet.sheet_id} for {sheet.record_number}, {due} "
          f"(sha256 {sheet.sha256[:12]}…)")
    return EXIT_OK


def _visit_time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--visit: {text!r} is not a time like 2026-11-02T09:30") from None
    return moment if moment.tzinfo else moment.astimezone()


def _db(args: argparse.Namespace) -> int:
    from exam_app.store import migrate
    from exam_app.store.database import MissingDatabase, database_url, open_database
    from exam_app.store.integrity import check_database

    checking = args.action == "check"
    url = database_url(args.data_dir, args.database)
    try:
        db = open_database(url, create=not checking)
    except MissingDatabase as missing:
        print(f"{missing}: run `exam-app db upgrade` (or start the app) to create a new clinic")
        return EXIT_FAILED
    except DatabaseError as refused:
        if not checking:
            raise
        print(f"{mask_passwords(url)}: file: PROBLEM: {refused}")  # what the check is for: say it, not fail
        return EXIT_FAILED
    try:
        if checking:
            checks = check_database(db, thorough=args.thorough)
            for check in checks:
                print(f"{db.where}: {check.name}: {'ok' if check.ok else 'PROBLEM'}: {check.detail}")
            return EXIT_OK if all(check.ok for check in checks) else EXIT_FAILED
        backup = migrate.upgrade(db)
        if backup is not None:
            print(f"backed up the database to {backup}")
        print(f"{db.where}: schema at {migrate.schema_status(db).head}")
        return EXIT_OK
    finally:
        db.dispose()


def _backup(args: argparse.Namespace) -> int:
    from exam_app.services.backups import automatic_backup, backup_to
    from exam_app.services.outputs import check_output

    with _context(args) as ctx:
        ctx.require("backup")
        if args.out is not None:
            check_output(ctx, args.out, args.force)
        print(f"backing up {ctx.db.where}…", file=sys.stderr, flush=True)
        made = backup_to(ctx, args.out, args.force) if args.out is not None else automatic_backup(ctx)
    print(f"{made.path}: backup of {made.size / 1_000_000:.1f} MB, readable by its owner only")
    for old in made.removed:
        print(f"{old}: older automatic backup removed (beyond the number kept)")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from exam_app.services.backups import check_backup, current_database_summary, may_restore, open_for_restore
    from exam_app.services.backups import restore_backup as restore
    from exam_app.wording import moment

    url = database_url(args.data_dir, args.database)
    username = _restoring_user(args)
    db = open_for_restore(url)
    try:
        may_restore(db, username)
        facts = check_backup(db, args.file)
        current = current_database_summary(db)
    finally:
        db.dispose()
    held = (f"{facts.patients} patients, {facts.visits} visits, " if facts.patients is not None else "")
    print(f"backup: {args.file} ({held}schema {facts.schema}, written {moment(facts.modified)})")
    print(f"replaces: {current}; the current database is kept in the backup folder")
    if not args.yes:
        if not sys.stdin.isatty():
            raise InvalidInput("restore: confirm with --yes (no terminal to ask on)")
        if input("Type yes to replace the database with this backup: ").strip().lower() != "yes":
            print("nothing was changed")
            return EXIT_FAILED
    print("restoring…", file=sys.stderr, flush=True)
    done = restore(url, args.file, username)
    kept = f"; the database it replaced is kept at {done.replaced_kept_at}" if done.replaced_kept_at else ""
    print(f"restored {args.file} (schema now {done.schema}){kept}")
    return EXIT_OK


def _restoring_user(args: argparse.Namespace) -> str | None:
    """Who restores: signed in when the database can still be read; None when it cannot (damaged or
    empty: then the permissions of its file are the guard)."""
    try:
        with _context(args) as ctx:
            ctx.require("backup")
            return ctx.user.username
    except DatabaseError:
        return None


def _backup_settings(args: argparse.Namespace) -> int:
    from exam_app.services.backups import backup_settings, change_backup_settings

    with _context(args) as ctx:
        changing = (args.folder, args.every_hours, args.keep) != (None, None, None)
        settings = (change_backup_settings(ctx, args.folder, args.every_hours, args.keep) if changing
                    else backup_settings(ctx))
    every = f"every {settings.every_hours:g} hours" if settings.every_hours > 0 else "off"
    print(f"backup folder: {settings.folder}\nautomatic backups: {every}\nkept: {settings.keep}")
    return EXIT_OK


def _write_output(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8", newline="")  # CSV rows end in CRLF on every system
    except OSError as error:
        raise InvalidInput(f"--out: cannot write {out} ({error.strerror})") from None


def _new_password(args: argparse.Namespace, whose: str) -> str:
    """A new password: once from standard input with --password-stdin, else twice at the prompt."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise InvalidInput("password: type it at a terminal, or pass it on standard input with --password-stdin")
    first = getpass.getpass(f"new password for {whose}: ")
    if getpass.getpass("the same again: ") != first:
        raise InvalidInput("password: the two passwords differ")
    return first


def _user(args: argparse.Namespace) -> int:
    from exam_app.services import accounts
    from exam_app.services.startup import open_clinic

    if args.user_action == "add":
        account = accounts.NewAccount(args.name, args.full_name, args.role, "", args.registration_number,
                                      args.phone, args.email)
        clinic = open_clinic(args.data_dir, args.database)
        try:
            if not clinic.has_accounts:  # the very first account: the clinic's administrator, no sign-in
                from dataclasses import replace

                first = accounts.create_first_administrator(
                    clinic.db, replace(account, password=_new_password(args, args.name)))
                print(f"account {first.username} ({first.role_label}) added: the clinic's first administrator")
                return EXIT_OK
        finally:
            clinic.close()
    with _context(args) as ctx:
        if args.user_action == "add":
            from dataclasses import replace

            added = accounts.add_account(ctx, replace(account, password=_new_password(args, args.name)))
            print(f"account {added.username} ({added.role_label}) added")
        elif args.user_action == "list":
            rows = [("USER", "ROLE", "STATE", "FULL NAME", "REGISTRATION", "CONTACT")]
            for a in accounts.list_accounts(ctx):
                state = "active" if a.active else "disabled"
                rows.append((a.username, a.role_label, state, a.full_name, a.registration_number or "",
                             " ".join(c for c in (a.phone, a.email) if c)))
            _print_table(rows)
        elif args.user_action in ("disable", "enable"):
            changed = accounts.set_active(ctx, args.name, args.user_action == "enable")
            print(f"account {changed.username} {'enabled' if changed.active else 'disabled'}")
        elif args.user_action == "role":
            changed = accounts.set_role(ctx, args.name, args.role)
            print(f"account {changed.username} is now {changed.role_label}")
        elif args.user_action == "passwd":
            if args.name and args.name.strip().lower() != ctx.user.username:
                accounts.reset_password(ctx, args.name, _new_password(args, args.name))
                print(f"password of {args.name} reset")
            else:
                current = os.environ.get(PASSWORD_VARIABLE) or getpass.getpass("current password: ")
                accounts.change_own_password(ctx, current, _new_password(args, ctx.user.username))
                print("your password is changed")
    return EXIT_OK


def _audit(args: argparse.Namespace) -> int:
    from exam_app.services.audit import audit_entries, entries_csv, entries_json, verify_trail

    since = _since(args.since) if args.since else None
    with _context(args) as ctx:
        if args.verify:
            problems = verify_trail(ctx)
            for problem in problems:
                print(problem)
            if problems:
                print(f"exam-app: audit verify: {len(problems)} problems: the records above were changed outside "
                      "the app", file=sys.stderr)
                return EXIT_FAILED
            print("audit verify: the trail, every signed visit and every issued letter are as recorded")
            return EXIT_OK
        entries = audit_entries(ctx, since, args.audit_user, args.patient, args.action)
    if args.format == "csv":
        sys.stdout.write(entries_csv(entries))
    elif args.format == "json":
        sys.stdout.write(entries_json(entries))
    else:
        rows = [("WHEN", "USER", "ACTION", "PATIENT", "WHAT", "WORKSTATION")]
        rows += [(moment(e.at), e.username or "—", e.action, e.patient or "", f"{e.entity} {e.entity_id or ''}".strip(),
                  e.workstation or "") for e in entries]
        _print_table(rows)
    return EXIT_OK


def _since(text: str) -> datetime:
    try:
        moment_given = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--since: {text!r} is not a date like 2026-11-02 or a time like 2026-11-02T09:30") from None
    return moment_given if moment_given.tzinfo else moment_given.astimezone()


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1])


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "demo": _demo,
    "import": _import,
    "export": _export,
    "assess": _assess,
    "isncsci": _isncsci,
    "referral": _referral,
    "worklist": _worklist,
    "handout": _handout,
    "db": _db,
    "user": _user,
    "audit": _audit,
    "backup": _backup,
    "restore": _restore,
    "backup-settings": _backup_settings,
}


if __name__ == "__main__":
    sys.exit(main())
