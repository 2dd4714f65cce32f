"""Where the app's shipped data lives: one accessor for `resources/` and `migrations/`.

In a checkout (or an editable install) they are the top-level folders of the repository; in a
wheel they are packaged inside `exam_app/` as `_resources/` and `_migrations/`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def _shipped(folder: str) -> Path:
    for candidate in (_PACKAGE / f"_{folder}", _PACKAGE.parent / folder):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the app's {folder}/ folder is missing next to {_PACKAGE}")


def resource_path(*parts: str) -> Path:
    """A file or folder under `resources/`."""
    return _shipped("resources").joinpath(*parts)


def migrations_path() -> Path:
    """The Alembic script folder."""
    return _shipped("migrations")
