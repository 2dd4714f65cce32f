"""the patient list read off indexes; findings without a second index on their visit

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The unique key (visit_id, kind, item, side) serves every look-up by visit.
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_visit_id'))

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_list_order', ['family_key', 'given_key', 'record_number'], unique=False)

    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_patient_status', ['patient_id', 'status', 'examined_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_patient_status')

    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_list_order')

    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_visit_id'), ['visit_id'], unique=False)
