"""send budget: one row per provider account (and per chat) shared by every sending process;
an index to find a chat's messages still being sent (each chat in order across processes)

Revision ID: 0003
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_budget',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('tat', sa.Float(), nullable=False),
    sa.Column('paused_until', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_send_budget'))
    )
    op.create_index('ix_outbox_chat', 'outbox_message', ['address', 'channel', 'status'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_chat', table_name='outbox_message')
    op.drop_table('send_budget')
