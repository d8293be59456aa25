"""recap targets and media attachments

Revision ID: 0004
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import storage.db


revision = '0004'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('posyandu_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('posyandu_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('balita', sa.Integer(), nullable=False),
    sa.Column('set_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['posyandu_id'], ['posyandu.id'], name=op.f('fk_posyandu_target_posyandu_id_posyandu'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posyandu_target')),
    sa.UniqueConstraint('posyandu_id', 'year', name=op.f('uq_posyandu_target_posyandu_id_year'))
    )
    op.create_table('media_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_message.id'], name=op.f('fk_media_file_outbox_id_outbox_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_file')),
    sa.UniqueConstraint('outbox_id', name=op.f('uq_media_file_outbox_id'))
    )


def downgrade() -> None:
    op.drop_table('media_file')
    op.drop_table('posyandu_target')
