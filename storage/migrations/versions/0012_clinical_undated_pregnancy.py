"""a pregnancy whose HPHT is unknown: pregnancy.hpht nullable, pregnancy.reported_on

Revision ID: 0010_clinical
Revises: 0010_web
"""
from alembic import op
import sqlalchemy as sa


revision = '0010_clinical'
down_revision = '0010_web'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pregnancy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reported_on', sa.Date(), nullable=True))
        batch_op.alter_column('hpht', existing_type=sa.Date(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM pregnancy WHERE hpht IS NULL")
    with op.batch_alter_table('pregnancy', schema=None) as batch_op:
        batch_op.alter_column('hpht', existing_type=sa.Date(), nullable=False)
        batch_op.drop_column('reported_on')
