"""Where the clinic's database is: the URL given, else $EXAM_APP_DATABASE_URL, else the SQLite file
in the data folder. Without the database's machinery, so that a command can say it before opening it."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_VARIABLE = "EXAM_APP_DATABASE_URL"
SQLITE_FILE_NAME = "exam-records.sqlite3"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("exam-app", appauthor=False))


def database_url(data_dir: Path | None = None, url: str | None = None) -> str:
    """The URL to open: `url`, else $EXAM_APP_DATABASE_URL, else the SQLite file in the data dir."""
    chosen = url or os.environ.get(DATABASE_URL_VARIABLE)
    if chosen:
        return chosen
    folder = data_dir or default_data_dir()
    return f"sqlite:///{folder / SQLITE_FILE_NAME}"
