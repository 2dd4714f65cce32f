"""The log file: every start and stop, every error with its traceback, while the user sees one line.

`<data folder>/logs/exam-app.log`, rotated at 1 MB with five old files kept, readable by its owner
only (it names patients' record numbers and files). Passwords of database URLs are masked in it as
everywhere. A log that cannot be written never stops the app: it is then simply not kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from exam_app.masking import mask_passwords

LOGGER = "exam_app"
LOG_FILE_NAME = "exam-app.log"
MAX_BYTES = 1_000_000
KEPT_FILES = 5

log = logging.getLogger(LOGGER)
log.addHandler(logging.NullHandler())  # never Python's last-resort printing on stderr


class _OwnerOnlyFile(RotatingFileHandler):
    """A rotating log whose every file, the first and each rotated one, is created 0600."""

    def _open(self):  # type: ignore[no-untyped-def]
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with contextlib.suppress(OSError):
            os.chmod(self.baseFilename, 0o600)
        return os.fdopen(descriptor, self.mode.replace("w", "a"), encoding=self.encoding)

    def handleError(self, record: logging.LogRecord) -> None:
        """A log that cannot be written (a full disk, above all) is given up quietly: the user has
        already been told what went wrong, and a second message about the log would only confuse."""


class _Masked(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_passwords(super().format(record))


def start_log(data_dir: Path) -> Path | None:
    """Log to `data_dir/logs/exam-app.log`; returns its path, or None when it cannot be written."""
    folder = data_dir / "logs"
    try:
        missing = not folder.exists()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if missing:
            folder.chmod(0o700)
        handler = _OwnerOnlyFile(folder / LOG_FILE_NAME, maxBytes=MAX_BYTES, backupCount=KEPT_FILES,
                                 encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(_Masked("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return Path(handler.baseFilename)


def stop_log() -> None:
    """Close the log files opened by `start_log` (the command is done)."""
    for handler in list(log.handlers):
        if isinstance(handler, _OwnerOnlyFile):
            log.removeHandler(handler)
            with contextlib.suppress(OSError):
                handler.close()
