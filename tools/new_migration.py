"""Autogenerate a migration revision from the models: `make migration MESSAGE="..."`.

Runs against a throw-away SQLite database brought to the current head, so the new revision holds
exactly what the models add. Revisions are numbered 0001, 0002, ...; the app's UTC time column is
written as a plain DateTime so that revisions never import the models.
"""

import re
import sys
import tempfile
from pathlib import Path

from alembic import command

from exam_app.paths import migrations_path
from exam_app.store import migrate
from exam_app.store.database import open_database

message = " ".join(sys.argv[1:]) or "schema change"
numbers = [int(p.name[:4]) for p in (migrations_path() / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
revision_id = f"{max(numbers, default=0) + 1:04d}"
with tempfile.TemporaryDirectory() as folder:
    db = open_database(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
    migrate.upgrade(db)
    config = migrate._config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        script = command.revision(config, message=message, autogenerate=True, rev_id=revision_id)
    db.dispose()
path = Path(script.path)  # type: ignore[union-attr]
text = path.read_text(encoding="utf-8").replace("exam_app.store.models.UTCDateTime()", "sa.DateTime()")
path.write_text(re.sub(r"Create Date: (\d{4}-\d{2}-\d{2}).*", r"Create Date: \1", text), encoding="utf-8")
print(f"read and adjust {path}")
