"""recap snapshots: a level recap kept for the web page's area dashboard (storage.recap_snapshots)

Revision ID: 0016_snapshot
Revises: 0010_sim
"""
from alembic import op
import sqlalchemy as sa
import storage.db

revision = '0016_snapshot'
down_revision = '0010_sim'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recap_snapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('unit_key', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('computed_at', storage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recap_snapshot')),
    sa.UniqueConstraint('level', 'unit_key', 'year', 'month', name=op.f('uq_recap_snapshot_level_unit_key_year_month'))
    )


def downgrade() -> None:
    op.drop_table('recap_snapshot')
