"""Workstations in separate processes for the concurrency tests.

Each workstation is a real process with its own connection pool, started once; the test hands it
one action a round, every workstation waits at the same barrier, then all act at once and report
what happened: done, refused with a message for the user, or crashed with a traceback.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from exam_app.clinical.record import Patient
from exam_app.services.context import AppContext, ServiceError
from exam_app.store.database import DatabaseError
from tests.accounts import open_as_tester

DONE, REFUSED, CRASHED = "done", "refused", "crashed"
# Shorter than the app's, so that an import waiting for another one passes it and must wait again, as
# the command line does (BUSY_RETRIES): the path a long import takes with the app's own lock wait.
LOCK_WAIT = 0.25


def _sign(ctx: AppContext, visit_id: int) -> Any:
    from exam_app.services.visits import open_visit, sign_visit

    opened = open_visit(ctx, visit_id)
    return sign_visit(ctx, visit_id, opened.visit, opened.version)


def _amend(ctx: AppContext, visit_id: int, item: str, side: str, grade: str) -> Any:
    from exam_app.services.visits import amend_visit, open_visit

    opened = open_visit(ctx, visit_id)
    motor = {k: dict(v) for k, v in opened.visit.motor.items()}
    motor.setdefault(item, {})[side] = grade
    return amend_visit(ctx, visit_id, replace(opened.visit, motor=motor), opened.version, "graded again")


def _register(ctx: AppContext, record_number: str, family: str) -> Any:
    from exam_app.services.patients import register_patient

    return register_patient(ctx, Patient(record_number, family, "Sam", date(1970, 1, 1))).record_number


def _import(ctx: AppContext, path: str) -> Any:
    from exam_app.services.records import import_file

    waits: list[str] = []
    ctx.on_busy = waits.append
    try:
        result = import_file(ctx, Path(path))
    finally:
        ctx.on_busy = None
    return (result.visits_added, result.visits_already_stored, len(waits))


def _backup(ctx: AppContext, path: str) -> Any:
    from exam_app.services.backups import backup_to

    return str(backup_to(ctx, Path(path)).path)


ACTIONS: dict[str, Callable[..., Any]] = {
    "sign": _sign, "amend": _amend, "register": _register, "import": _import, "backup": _backup}


def workstation(url: str, tasks: Any, results: Any, barrier: Any) -> None:
    """The loop of one workstation process: open the database once, then one action a round."""
    from exam_app.cli import BUSY_RETRIES

    ctx = open_as_tester(url=url, lock_wait=LOCK_WAIT)
    ctx.busy_retries = BUSY_RETRIES  # as the command line waits for another workstation's long write
    try:
        while True:
            task = tasks.get()
            if task is None:
                return
            kind, arguments = task
            barrier.wait(timeout=120)
            try:
                results.put((DONE, ACTIONS[kind](ctx, *arguments)))
            except (ServiceError, DatabaseError) as error:
                results.put((REFUSED, f"{type(error).__name__}: {error}"))
            except Exception:
                results.put((CRASHED, traceback.format_exc()))
    finally:
        ctx.close()


@dataclass
class Workstations:
    """Several workstation processes on one database; `round` runs one action on each at once."""

    tasks: list[Any]
    results: list[Any]
    processes: list[Any]

    def round(self, *actions: tuple[str, tuple[Any, ...]]) -> list[tuple[str, Any]]:
        assert len(actions) == len(self.processes)
        for queue, action in zip(self.tasks, actions, strict=True):
            queue.put(action)
        return [self._result(queue, process) for queue, process in zip(self.results, self.processes, strict=True)]

    @staticmethod
    def _result(queue: Any, process: Any) -> tuple[str, Any]:
        """The round's result of one workstation; a workstation that died fails the test at once."""
        import queue as queues

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                result: tuple[str, Any] = queue.get(timeout=0.5)
                return result
            except queues.Empty:
                if not process.is_alive():
                    raise AssertionError(f"a workstation process ended (exit code {process.exitcode})") from None
        raise AssertionError("a workstation did not answer within 300 s")


@contextmanager
def workstations(url: str, count: int = 2) -> Iterator[Workstations]:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(count)
    tasks = [spawn.Queue() for _ in range(count)]
    results = [spawn.Queue() for _ in range(count)]
    processes = [spawn.Process(target=workstation, args=(url, tasks[i], results[i], barrier), daemon=True)
                 for i in range(count)]
    for process in processes:
        process.start()
    try:
        yield Workstations(tasks, results, processes)
    finally:
        for queue in tasks:
            queue.put(None)
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
