"""the worklist's recent worsenings of closed windows read off one index; findings without the index
by item that no query used

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The window's end beside the last worsening: the recently worse patients whose window is open
    # are passed over in the index, without reading their rows.
    with op.batch_alter_table('patient_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patient_status_last_worsened_at'))
        batch_op.create_index('ix_patient_status_worsened_window', ['last_worsened_at', 'window_ends'], unique=False)

    # Findings are read by visit, through their unique key; the index by item cost time at every insert.
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_item')


def downgrade() -> None:
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_item', ['kind', 'item', 'side', 'number'], unique=False)

    with op.batch_alter_table('patient_status', schema=None) as batch_op:
        batch_op.drop_index('ix_patient_status_worsened_window')
        batch_op.create_index(batch_op.f('ix_patient_status_last_worsened_at'), ['last_worsened_at'], unique=False)
