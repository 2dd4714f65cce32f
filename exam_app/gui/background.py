"""Slow work off the GUI thread: run a function in the thread pool, then a callback on the GUI thread.

Services open their own short sessions, so a function given here may call them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from exam_app.logging_setup import log
from exam_app.services.errors import ServiceError
from exam_app.store.faults import StorageFault


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.work = work
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.work()
        except Exception as error:  # handed to the caller's on_error, on the GUI thread
            _log_failure(error)
            self.relay.failed.emit(error)
            return
        self.relay.done.emit(result)


def _log_failure(error: Exception) -> None:
    """Every failure goes to the log: a storage fault (which the screens retry) in one line, anything
    else with its traceback."""
    if isinstance(error, StorageFault):
        log.warning("%s: %s", type(error).__name__, error)
    elif not isinstance(error, ServiceError):
        log.error("background work failed", exc_info=error)
    else:
        log.info("refused: %s", error)


def run_in_background(work: Callable[[], Any], on_done: Callable[[Any], None],
                      on_error: Callable[[Exception], None], owner: QObject) -> None:
    """Run `work` in the pool; `on_done(result)` or `on_error(exception)` follows on the GUI thread.

    `owner` keeps the relay alive (and drops the callbacks if the owner is destroyed first).
    """
    relay = _Relay(owner)
    relay.done.connect(on_done)
    relay.failed.connect(on_error)
    relay.done.connect(relay.deleteLater)
    relay.failed.connect(relay.deleteLater)
    QThreadPool.globalInstance().start(_Job(work, relay))
