"""service history: where a recorded service was given (`service_given.origin`: 'posyandu' = given at
the posyandu and recorded in its report, 'history' = a past dose or service given elsewhere or before,
recorded afterwards from a register import or "sudah di puskesmas" in chat), where (`place`), and
whether only its month is known (`precision`: 'day' | 'month'). History never counts in a month's
recap and is never sent to SATUSEHAT as a posyandu Immunization (docs/reporting.md).

Revision ID: 0010_imm
Revises: 0010_clinical
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_imm'
down_revision = '0010_clinical'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('service_given', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=10), server_default='posyandu', nullable=False))
        batch_op.add_column(sa.Column('place', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('precision', sa.String(length=5), server_default='day', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('service_given', schema=None) as batch_op:
        batch_op.drop_column('precision')
        batch_op.drop_column('place')
        batch_op.drop_column('origin')
