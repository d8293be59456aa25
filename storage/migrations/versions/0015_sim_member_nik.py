"""member.nik indexed: a NIK is looked up for every register row and every NIK typed in chat
(storage.identity.nik_holder); without an index each look-up scanned every member, so importing a
kabupaten's register (125,000 members, bench/village.py) took quadratic time (10 ms a row at that size)

Revision ID: 0010_sim
Revises: 0010_levels
"""
from alembic import op


revision = '0010_sim'
down_revision = '0010_levels'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f('ix_member_nik'), 'member', ['nik'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_member_nik'), table_name='member')
