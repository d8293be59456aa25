"""measurements at the register's precision and with their referral levels; pregnancy end and estimated HPHT

Revision ID: 0006
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0002'
branch_labels = None
depends_on = None

_CM = ('height_cm', 'head_cm', 'muac_cm', 'waist_cm')


def upgrade() -> None:
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.alter_column('weight_kg', type_=sa.Numeric(precision=7, scale=3, asdecimal=False),
                              existing_type=sa.Numeric(precision=6, scale=2, asdecimal=False), existing_nullable=True)
        for name in _CM:
            batch_op.alter_column(name, type_=sa.Numeric(precision=6, scale=2, asdecimal=False),
                                  existing_type=sa.Numeric(precision=5, scale=1, asdecimal=False),
                                  existing_nullable=True)
        batch_op.alter_column('hb_gdl', type_=sa.Numeric(precision=4, scale=2, asdecimal=False),
                              existing_type=sa.Numeric(precision=4, scale=1, asdecimal=False), existing_nullable=True)
        batch_op.add_column(sa.Column('referral_levels', sa.JSON(), nullable=True))
    with op.batch_alter_table('pregnancy', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('hpht_estimate', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pregnancy', schema=None) as batch_op:
        batch_op.drop_column('hpht_estimate')
        batch_op.drop_column('end_reason')
    with op.batch_alter_table('measurement', schema=None) as batch_op:
        batch_op.drop_column('referral_levels')
        batch_op.alter_column('hb_gdl', type_=sa.Numeric(precision=4, scale=1, asdecimal=False),
                              existing_type=sa.Numeric(precision=4, scale=2, asdecimal=False), existing_nullable=True)
        for name in _CM:
            batch_op.alter_column(name, type_=sa.Numeric(precision=5, scale=1, asdecimal=False),
                                  existing_type=sa.Numeric(precision=6, scale=2, asdecimal=False),
                                  existing_nullable=True)
        batch_op.alter_column('weight_kg', type_=sa.Numeric(precision=6, scale=2, asdecimal=False),
                              existing_type=sa.Numeric(precision=7, scale=3, asdecimal=False), existing_nullable=True)
