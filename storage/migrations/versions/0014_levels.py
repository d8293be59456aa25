"""levels: region and puskesmas codes, a desa's sasaran per year and group, where a baby was delivered,
the family card number, and the indexes the level recap reads by

Revision ID: 0010_levels
Revises: 0010_imm
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0010_levels'
down_revision = '0010_imm'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('region') as batch:
        batch.add_column(sa.Column('code', sa.String(length=20), nullable=True))
        batch.create_index(batch.f('ix_region_code'), ['code'], unique=False)
    with op.batch_alter_table('puskesmas') as batch:
        batch.add_column(sa.Column('code', sa.String(length=20), nullable=True))
        batch.create_index(batch.f('ix_puskesmas_code'), ['code'], unique=False)
    with op.batch_alter_table('pregnancy') as batch:
        batch.add_column(sa.Column('delivery_place', sa.String(length=10), nullable=True))
        batch.add_column(sa.Column('delivery_attendant', sa.String(length=10), nullable=True))
    with op.batch_alter_table('household') as batch:
        batch.add_column(sa.Column('kk', sa.String(length=16), nullable=True))
    op.create_table('region_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=20), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('set_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], name=op.f('fk_region_target_region_id_region'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_region_target')),
    sa.UniqueConstraint('region_id', 'year', 'group', name=op.f('uq_region_target_region_id_year_group'))
    )
    op.create_index('ix_measurement_posyandu_day', 'measurement', ['posyandu_id', 'measured_on'])
    op.create_index('ix_service_given_posyandu_day', 'service_given', ['posyandu_id', 'given_on'])
    op.create_index('ix_member_posyandu_birth', 'member', ['posyandu_id', 'birth_date'])


def downgrade() -> None:
    op.drop_index('ix_member_posyandu_birth', 'member')
    op.drop_index('ix_service_given_posyandu_day', 'service_given')
    op.drop_index('ix_measurement_posyandu_day', 'measurement')
    op.drop_table('region_target')
    with op.batch_alter_table('household') as batch:
        batch.drop_column('kk')
    with op.batch_alter_table('pregnancy') as batch:
        batch.drop_column('delivery_attendant')
        batch.drop_column('delivery_place')
    with op.batch_alter_table('puskesmas') as batch:
        batch.drop_index(batch.f('ix_puskesmas_code'))
        batch.drop_column('code')
    with op.batch_alter_table('region') as batch:
        batch.drop_index(batch.f('ix_region_code'))
        batch.drop_column('code')
