"""send slots: each provider account's slots, taken before a send and free one second after its
answer, so no second at the provider holds more sends than it allows (sending/budget.py)

Revision ID: 0009
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_slot',
    sa.Column('account', sa.String(length=80), nullable=False),
    sa.Column('n', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('busy_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('account', 'n', name=op.f('pk_send_slot'))
    )


def downgrade() -> None:
    op.drop_table('send_slot')
