"""SATUSEHAT: NIK ibu, posyandu Location id, credentials per puskesmas, the sync queue and resource ids

Revision ID: 0005
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0005'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mother_nik', sa.String(length=16), nullable=True))
    with op.batch_alter_table('posyandu', schema=None) as batch_op:
        batch_op.add_column(sa.Column('satusehat_location_id', sa.String(length=64), nullable=True))
    op.create_table('satusehat_credential',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('puskesmas_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.String(length=64), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('secret_encrypted', sa.Text(), nullable=False),
    sa.Column('failed_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failure', sa.String(length=300), nullable=True),
    sa.Column('updated_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['puskesmas_id'], ['puskesmas.id'], name=op.f('fk_satusehat_credential_puskesmas_id_puskesmas'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satusehat_credential')),
    sa.UniqueConstraint('puskesmas_id', name=op.f('uq_satusehat_credential_puskesmas_id'))
    )
    op.create_table('satusehat_sync',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sent_revision', sa.Integer(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('queued_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', storage.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurement.id'], name=op.f('fk_satusehat_sync_measurement_id_measurement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_satusehat_sync_posyandu_id_posyandu')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satusehat_sync')),
    sa.UniqueConstraint('measurement_id', name=op.f('uq_satusehat_sync_measurement_id'))
    )
    with op.batch_alter_table('satusehat_sync', schema=None) as batch_op:
        batch_op.create_index('ix_satusehat_sync_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_satusehat_sync_posyandu_id'), ['posyandu_id'], unique=False)
    op.create_table('satusehat_resource',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('measurement_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('resource_id', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['measurement_id'], ['measurement.id'], name=op.f('fk_satusehat_resource_measurement_id_measurement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_satusehat_resource')),
    sa.UniqueConstraint('measurement_id', 'key', name=op.f('uq_satusehat_resource_measurement_id_key'))
    )
    with op.batch_alter_table('satusehat_resource', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_satusehat_resource_measurement_id'), ['measurement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('satusehat_resource', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satusehat_resource_measurement_id'))
    op.drop_table('satusehat_resource')
    with op.batch_alter_table('satusehat_sync', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_satusehat_sync_posyandu_id'))
        batch_op.drop_index('ix_satusehat_sync_due')
    op.drop_table('satusehat_sync')
    op.drop_table('satusehat_credential')
    with op.batch_alter_table('posyandu', schema=None) as batch_op:
        batch_op.drop_column('satusehat_location_id')
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('mother_nik')
