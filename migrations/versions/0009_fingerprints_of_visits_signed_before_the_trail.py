"""Fingerprints of visits signed before the audit trail fingerprinted them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

Visits signed before schema 0007 have no fingerprint in the audit trail, so every one of them would
be shown as "changed outside the app" and refused for export and referral. The fingerprint is the
app's own reading of the visit, which a migration does not import: this revision leaves a marker, and
the start-up after the upgrade records the fingerprint of each signed visit that has none, in one
event that says so, and removes the marker in the same transaction (so it happens once).
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MARKER = "fingerprint_visits_signed_before_the_trail"  # exam_app.store.audit_trail.UPGRADE_MARKER

settings = sa.table("clinic_settings", sa.column("key", sa.String), sa.column("value", sa.JSON),
                    sa.column("updated_at", sa.DateTime))


def upgrade() -> None:
    op.bulk_insert(settings, [{"key": MARKER, "value": {"left_by": "schema 0009"}, "updated_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.execute(settings.delete().where(settings.c.key == MARKER))
