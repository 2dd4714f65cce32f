"""Several workstations writing at once: a use case that writes runs as one transaction, and runs
again when another workstation got in the way.

A write conflict (PostgreSQL's serialization failure or deadlock, the same new row inserted twice)
is run again at once, a few times, after a short random pause so two workstations do not collide
again. A busy database (another workstation held the lock longer than the app waits) is run again
only as often as the context allows (`AppContext.busy_retries`, e.g. the command line), telling the
user each time; the screens retry by themselves instead, without holding a thread.
"""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from exam_app.services.context import AppContext
from exam_app.store.faults import DatabaseBusy, WriteConflict

P = ParamSpec("P")
T = TypeVar("T")

CONFLICT_ATTEMPTS = 10


def retried_on_conflict(use_case: Callable[Concatenate[AppContext, P], T]) -> Callable[Concatenate[AppContext, P], T]:
    """Run `use_case` again when another workstation's write got in the way (see the module's docstring)."""

    @functools.wraps(use_case)
    def run(ctx: AppContext, /, *args: P.args, **kwargs: P.kwargs) -> T:
        conflicts = waits = 0
        while True:
            try:
                return use_case(ctx, *args, **kwargs)
            except WriteConflict:
                conflicts += 1
                if conflicts >= CONFLICT_ATTEMPTS:
                    raise
                time.sleep(random.uniform(0.005, 0.03) * conflicts)
            except DatabaseBusy as busy:
                waits += 1
                if waits > ctx.busy_retries:
                    raise
                if ctx.on_busy is not None:
                    ctx.on_busy(f"another workstation is writing to the database {busy.where or ctx.db.where}; "
                                f"waiting ({waits} of {ctx.busy_retries})…")

    return run
