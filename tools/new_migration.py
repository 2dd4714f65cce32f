"""Autogenerate a migration revision from the models: `make migration MESSAGE="..."`.

Runs against a throw-away SQLite database brought to the current head, so the new revision holds
exactly what the models add.
"""

import sys
import tempfile
from pathlib import Path

from alembic import command

from exam_app.store import migrate
from exam_app.store.database import open_database

message = " ".join(sys.argv[1:]) or "schema change"
with tempfile.TemporaryDirectory() as folder:
    db = open_database(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
    has_head = bool(list(migrate._script().walk_revisions()))
    if has_head:
        migrate.upgrade(db)
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True, rev_id=None)
    db.dispose()
