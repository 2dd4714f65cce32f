"""Alembic environment: the app passes an open connection in `config.attributes["connection"]`."""

from alembic import context
from sqlalchemy import Connection

from exam_app.store.models import Base

config = context.config


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `exam-app db upgrade`, which opens the database")
run_migrations(connection)
